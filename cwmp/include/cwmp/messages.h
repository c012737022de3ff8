// cwmp/messages.h: every CWMP message of TR-069 Amendment 6 (CWMP 1.4) as a plain value type.
//
// An `Envelope` is the SOAP header elements plus one `Body`, a std::variant over one struct
// per RPC request, response and the SOAP Fault. All types are copyable and comparable with
// ==, so tests can compare whole messages.
//
// Each struct describes its wire form once, in a static `fields(self, visitor)` function:
// the visitor is called with a `Field` (element name, schema limits) and a reference to
// the member, in schema order. The decoder, the encoder and the JSON mapping all walk these
// descriptions, so an element name or a limit is written in exactly one place.
//
//   cwmp::Envelope env;
//   env.header.id = "1";
//   env.body = cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}};
//   std::string xml = cwmp::encodeEnvelope(env);
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cwmp/value.h"

namespace cwmp {

// ---------------------------------------------------------------------------------------
// Field descriptions

enum class FieldKind : std::uint8_t {
  Text,      // strings and numbers: element text
  DateTime,  // a std::string member holding an xsd:dateTime (validated on decode)
  Base64,    // a std::string member (or vector item) holding base64 text
  Repeated,  // a vector whose items are sibling elements named `name`, with no wrapper
};

struct Field {
  std::string_view name;             // element name (unqualified, TR-069 A.2.1)
  std::uint16_t max_length = 0;      // schema string limit in characters; 0 = none
  std::string_view item = {};        // arrays: element name of each item, e.g. "string"
  std::string_view array_type = {};  // arrays: SOAP-ENC:arrayType item type, "xsd:string"
  std::uint16_t max_items = 0;       // arrays: schema limit on items; 0 = unbounded
  FieldKind kind = FieldKind::Text;
};

// Member types a visitor must handle: std::string, std::optional<std::string>, bool,
// std::int32_t, std::uint32_t, std::vector<std::string>, a nested struct with fields(),
// std::vector of such structs, std::vector<DuOperation>, and the three-argument form
// `visitor(field, value_text, type_name)` for the xsi:type-carrying ParameterValueStruct
// Value.

// ---------------------------------------------------------------------------------------
// Shared structures (cwmp-1-2.xsd complex types)

struct ParameterValueStruct {
  std::string name;
  std::string value;  // original text, whitespace preserved
  // xsi:type normalised to "xsd:<type>" for XML Schema types (any prefix, 1999 or 2001
  // namespace); another namespace keeps "prefix:local" as sent; "" when none was sent.
  std::string type;
  bool operator==(const ParameterValueStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Name", .max_length = 256}, s.name);
    v(Field{.name = "Value"}, s.value, s.type);
  }
};

struct ParameterInfoStruct {
  std::string name;
  bool writable = false;
  bool operator==(const ParameterInfoStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Name", .max_length = 256}, s.name);
    v(Field{.name = "Writable"}, s.writable);
  }
};

struct SetParameterAttributesStruct {
  std::string name;
  bool notification_change = false;
  // 0 off, 1 passive, 2 active, 3-6 lightweight (1.4). An empty <Notification/> (sent by
  // some ACSs when NotificationChange is false) decodes as 0.
  std::int32_t notification = 0;
  bool access_list_change = false;
  std::vector<std::string> access_list;
  bool operator==(const SetParameterAttributesStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Name", .max_length = 256}, s.name);
    v(Field{.name = "NotificationChange"}, s.notification_change);
    v(Field{.name = "Notification"}, s.notification);
    v(Field{.name = "AccessListChange"}, s.access_list_change);
    v(Field{.name = "AccessList", .max_length = 64, .item = "string", .array_type = "xsd:string"},
      s.access_list);
  }
};

struct ParameterAttributeStruct {
  std::string name;
  std::int32_t notification = 0;
  std::vector<std::string> access_list;
  bool operator==(const ParameterAttributeStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Name", .max_length = 256}, s.name);
    v(Field{.name = "Notification"}, s.notification);
    v(Field{.name = "AccessList", .max_length = 64, .item = "string", .array_type = "xsd:string"},
      s.access_list);
  }
};

struct DeviceIdStruct {
  std::string manufacturer;
  std::string oui;
  std::string product_class;
  std::string serial_number;
  bool operator==(const DeviceIdStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Manufacturer", .max_length = 64}, s.manufacturer);
    v(Field{.name = "OUI", .max_length = 6}, s.oui);
    v(Field{.name = "ProductClass", .max_length = 64}, s.product_class);
    v(Field{.name = "SerialNumber", .max_length = 64}, s.serial_number);
  }
};

struct EventStruct {
  std::string event_code;
  std::string command_key;
  bool operator==(const EventStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "EventCode", .max_length = 64}, s.event_code);
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

// FaultStruct of TransferComplete and friends; FaultCode 0 means success.
struct FaultStruct {
  std::uint32_t fault_code = 0;
  std::string fault_string;
  bool operator==(const FaultStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "FaultCode"}, s.fault_code);
    v(Field{.name = "FaultString", .max_length = 256}, s.fault_string);
  }
};

struct QueuedTransferStruct {
  std::string command_key;
  std::int32_t state = 1;  // 1 not started, 2 in progress, 3 completed
  bool operator==(const QueuedTransferStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "State"}, s.state);
  }
};

struct AllQueuedTransferStruct {
  std::string command_key;
  std::int32_t state = 1;
  bool is_download = true;
  std::string file_type;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  bool operator==(const AllQueuedTransferStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "State"}, s.state);
    v(Field{.name = "IsDownload"}, s.is_download);
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "FileSize"}, s.file_size);
    v(Field{.name = "TargetFileName", .max_length = 256}, s.target_file_name);
  }
};

struct TimeWindowStruct {
  std::uint32_t window_start = 0;
  std::uint32_t window_end = 0;
  std::string window_mode;  // "1 At Any Time", "2 Immediately", "3 When Idle", ...
  std::string user_message;
  std::int32_t max_retries = 0;  // -1 unlimited
  bool operator==(const TimeWindowStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "WindowStart"}, s.window_start);
    v(Field{.name = "WindowEnd"}, s.window_end);
    v(Field{.name = "WindowMode", .max_length = 64}, s.window_mode);
    v(Field{.name = "UserMessage", .max_length = 256}, s.user_message);
    v(Field{.name = "MaxRetries"}, s.max_retries);
  }
};

struct ArgStruct {
  std::string name;
  std::string value;
  bool operator==(const ArgStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Name", .max_length = 64}, s.name);
    v(Field{.name = "Value", .max_length = 256}, s.value);
  }
};

struct InstallOpStruct {
  static constexpr std::string_view kName = "InstallOpStruct";
  std::string url;
  std::optional<std::string> uuid;
  std::string username;
  std::string password;
  std::string execution_env_ref;
  bool operator==(const InstallOpStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "URL", .max_length = 1024}, s.url);
    v(Field{.name = "UUID", .max_length = 36}, s.uuid);
    v(Field{.name = "Username", .max_length = 256}, s.username);
    v(Field{.name = "Password", .max_length = 256}, s.password);
    v(Field{.name = "ExecutionEnvRef", .max_length = 256}, s.execution_env_ref);
  }
};

struct UpdateOpStruct {
  static constexpr std::string_view kName = "UpdateOpStruct";
  std::optional<std::string> uuid;
  std::optional<std::string> version;
  std::optional<std::string> url;
  std::string username;
  std::string password;
  bool operator==(const UpdateOpStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "UUID", .max_length = 36}, s.uuid);
    v(Field{.name = "Version", .max_length = 32}, s.version);
    v(Field{.name = "URL", .max_length = 1024}, s.url);
    v(Field{.name = "Username", .max_length = 256}, s.username);
    v(Field{.name = "Password", .max_length = 256}, s.password);
  }
};

struct UninstallOpStruct {
  static constexpr std::string_view kName = "UninstallOpStruct";
  std::string uuid;
  std::optional<std::string> version;
  std::optional<std::string> execution_env_ref;
  bool operator==(const UninstallOpStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "UUID", .max_length = 36}, s.uuid);
    v(Field{.name = "Version", .max_length = 32}, s.version);
    v(Field{.name = "ExecutionEnvRef", .max_length = 256}, s.execution_env_ref);
  }
};

// One ChangeDUState operation. On the wire each is an element named after its struct
// (<InstallOpStruct>...), possibly also carrying xsi:type="cwmp:InstallOpStruct".
using DuOperation = std::variant<InstallOpStruct, UpdateOpStruct, UninstallOpStruct>;

struct OpResultStruct {
  std::string uuid;
  std::string deployment_unit_ref;
  std::string version;
  std::string current_state;  // Installed, Uninstalled, Failed
  bool resolved = false;
  std::string execution_unit_ref_list;
  std::string start_time = std::string(kUnknownTime);
  std::string complete_time = std::string(kUnknownTime);
  FaultStruct fault;
  bool operator==(const OpResultStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "UUID", .max_length = 36}, s.uuid);
    v(Field{.name = "DeploymentUnitRef", .max_length = 256}, s.deployment_unit_ref);
    v(Field{.name = "Version", .max_length = 32}, s.version);
    v(Field{.name = "CurrentState"}, s.current_state);
    v(Field{.name = "Resolved"}, s.resolved);
    v(Field{.name = "ExecutionUnitRefList"}, s.execution_unit_ref_list);
    v(Field{.name = "StartTime", .kind = FieldKind::DateTime}, s.start_time);
    v(Field{.name = "CompleteTime", .kind = FieldKind::DateTime}, s.complete_time);
    v(Field{.name = "Fault"}, s.fault);
  }
};

struct AutonOpResultStruct {
  std::string uuid;
  std::string deployment_unit_ref;
  std::string version;
  std::string current_state;
  bool resolved = false;
  std::string execution_unit_ref_list;
  std::string start_time = std::string(kUnknownTime);
  std::string complete_time = std::string(kUnknownTime);
  FaultStruct fault;
  std::string operation_performed;  // Install, Update, Uninstall
  bool operator==(const AutonOpResultStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "UUID", .max_length = 36}, s.uuid);
    v(Field{.name = "DeploymentUnitRef", .max_length = 256}, s.deployment_unit_ref);
    v(Field{.name = "Version", .max_length = 32}, s.version);
    v(Field{.name = "CurrentState"}, s.current_state);
    v(Field{.name = "Resolved"}, s.resolved);
    v(Field{.name = "ExecutionUnitRefList"}, s.execution_unit_ref_list);
    v(Field{.name = "StartTime", .kind = FieldKind::DateTime}, s.start_time);
    v(Field{.name = "CompleteTime", .kind = FieldKind::DateTime}, s.complete_time);
    v(Field{.name = "Fault"}, s.fault);
    v(Field{.name = "OperationPerformed"}, s.operation_performed);
  }
};

struct OptionStruct {
  std::string option_name;
  std::uint32_t voucher_sn = 0;
  std::uint32_t state = 0;
  std::int32_t mode = 0;
  std::string start_date;
  std::optional<std::string> expiration_date;
  bool is_transferable = false;
  bool operator==(const OptionStruct&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "OptionName", .max_length = 64}, s.option_name);
    v(Field{.name = "VoucherSN"}, s.voucher_sn);
    v(Field{.name = "State"}, s.state);
    v(Field{.name = "Mode"}, s.mode);
    v(Field{.name = "StartDate", .kind = FieldKind::DateTime}, s.start_date);
    v(Field{.name = "ExpirationDate", .kind = FieldKind::DateTime}, s.expiration_date);
    v(Field{.name = "IsTransferable"}, s.is_transferable);
  }
};

struct SetParameterValuesFault {
  std::string parameter_name;
  std::uint32_t fault_code = 0;
  std::string fault_string;
  bool operator==(const SetParameterValuesFault&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterName", .max_length = 256}, s.parameter_name);
    v(Field{.name = "FaultCode"}, s.fault_code);
    v(Field{.name = "FaultString"}, s.fault_string);
  }
};

// ---------------------------------------------------------------------------------------
// Messages. kMethod is the Body element's local name.

// Helper for messages with no arguments.
#define CWMP_EMPTY_MESSAGE(Type, kind_is_response)                  \
  struct Type {                                                     \
    static constexpr std::string_view kMethod = #Type;             \
    static constexpr bool kIsResponse = kind_is_response;          \
    bool operator==(const Type&) const = default;                  \
    template <class S, class V>                                     \
    static void fields(S&, V&) {}                                   \
  }

// --- Methods the CPE answers (ACS -> CPE requests) and their responses

CWMP_EMPTY_MESSAGE(GetRPCMethods, false);  // also sent CPE -> ACS

struct GetRPCMethodsResponse {
  static constexpr std::string_view kMethod = "GetRPCMethodsResponse";
  static constexpr bool kIsResponse = true;
  std::vector<std::string> method_list;
  bool operator==(const GetRPCMethodsResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "MethodList", .max_length = 64, .item = "string", .array_type = "xsd:string"},
      s.method_list);
  }
};

struct SetParameterValues {
  static constexpr std::string_view kMethod = "SetParameterValues";
  static constexpr bool kIsResponse = false;
  std::vector<ParameterValueStruct> parameter_list;
  std::string parameter_key;
  bool operator==(const SetParameterValues&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterList", .item = "ParameterValueStruct",
            .array_type = "cwmp:ParameterValueStruct"},
      s.parameter_list);
    v(Field{.name = "ParameterKey", .max_length = 32}, s.parameter_key);
  }
};

struct SetParameterValuesResponse {
  static constexpr std::string_view kMethod = "SetParameterValuesResponse";
  static constexpr bool kIsResponse = true;
  std::int32_t status = 0;
  bool operator==(const SetParameterValuesResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Status"}, s.status);
  }
};

struct GetParameterValues {
  static constexpr std::string_view kMethod = "GetParameterValues";
  static constexpr bool kIsResponse = false;
  std::vector<std::string> parameter_names;
  bool operator==(const GetParameterValues&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterNames", .max_length = 256, .item = "string",
            .array_type = "xsd:string"},
      s.parameter_names);
  }
};

struct GetParameterValuesResponse {
  static constexpr std::string_view kMethod = "GetParameterValuesResponse";
  static constexpr bool kIsResponse = true;
  std::vector<ParameterValueStruct> parameter_list;
  bool operator==(const GetParameterValuesResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterList", .item = "ParameterValueStruct",
            .array_type = "cwmp:ParameterValueStruct"},
      s.parameter_list);
  }
};

struct GetParameterNames {
  static constexpr std::string_view kMethod = "GetParameterNames";
  static constexpr bool kIsResponse = false;
  std::string parameter_path;
  bool next_level = false;
  bool operator==(const GetParameterNames&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterPath", .max_length = 256}, s.parameter_path);
    v(Field{.name = "NextLevel"}, s.next_level);
  }
};

struct GetParameterNamesResponse {
  static constexpr std::string_view kMethod = "GetParameterNamesResponse";
  static constexpr bool kIsResponse = true;
  std::vector<ParameterInfoStruct> parameter_list;
  bool operator==(const GetParameterNamesResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterList", .item = "ParameterInfoStruct",
            .array_type = "cwmp:ParameterInfoStruct"},
      s.parameter_list);
  }
};

struct SetParameterAttributes {
  static constexpr std::string_view kMethod = "SetParameterAttributes";
  static constexpr bool kIsResponse = false;
  std::vector<SetParameterAttributesStruct> parameter_list;
  bool operator==(const SetParameterAttributes&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterList", .item = "SetParameterAttributesStruct",
            .array_type = "cwmp:SetParameterAttributesStruct"},
      s.parameter_list);
  }
};

CWMP_EMPTY_MESSAGE(SetParameterAttributesResponse, true);

struct GetParameterAttributes {
  static constexpr std::string_view kMethod = "GetParameterAttributes";
  static constexpr bool kIsResponse = false;
  std::vector<std::string> parameter_names;
  bool operator==(const GetParameterAttributes&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterNames", .max_length = 256, .item = "string",
            .array_type = "xsd:string"},
      s.parameter_names);
  }
};

struct GetParameterAttributesResponse {
  static constexpr std::string_view kMethod = "GetParameterAttributesResponse";
  static constexpr bool kIsResponse = true;
  std::vector<ParameterAttributeStruct> parameter_list;
  bool operator==(const GetParameterAttributesResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ParameterList", .item = "ParameterAttributeStruct",
            .array_type = "cwmp:ParameterAttributeStruct"},
      s.parameter_list);
  }
};

struct AddObject {
  static constexpr std::string_view kMethod = "AddObject";
  static constexpr bool kIsResponse = false;
  std::string object_name;  // ends with "."
  std::string parameter_key;
  bool operator==(const AddObject&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ObjectName", .max_length = 256}, s.object_name);
    v(Field{.name = "ParameterKey", .max_length = 32}, s.parameter_key);
  }
};

struct AddObjectResponse {
  static constexpr std::string_view kMethod = "AddObjectResponse";
  static constexpr bool kIsResponse = true;
  std::uint32_t instance_number = 0;
  std::int32_t status = 0;
  bool operator==(const AddObjectResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "InstanceNumber"}, s.instance_number);
    v(Field{.name = "Status"}, s.status);
  }
};

struct DeleteObject {
  static constexpr std::string_view kMethod = "DeleteObject";
  static constexpr bool kIsResponse = false;
  std::string object_name;
  std::string parameter_key;
  bool operator==(const DeleteObject&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "ObjectName", .max_length = 256}, s.object_name);
    v(Field{.name = "ParameterKey", .max_length = 32}, s.parameter_key);
  }
};

struct DeleteObjectResponse {
  static constexpr std::string_view kMethod = "DeleteObjectResponse";
  static constexpr bool kIsResponse = true;
  std::int32_t status = 0;
  bool operator==(const DeleteObjectResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Status"}, s.status);
  }
};

struct Reboot {
  static constexpr std::string_view kMethod = "Reboot";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  bool operator==(const Reboot&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

CWMP_EMPTY_MESSAGE(RebootResponse, true);

struct Download {
  static constexpr std::string_view kMethod = "Download";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  std::string file_type;
  std::string url;
  std::string username;
  std::string password;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  std::uint32_t delay_seconds = 0;
  std::string success_url;
  std::string failure_url;
  bool operator==(const Download&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "URL", .max_length = 256}, s.url);
    v(Field{.name = "Username", .max_length = 256}, s.username);
    v(Field{.name = "Password", .max_length = 256}, s.password);
    v(Field{.name = "FileSize"}, s.file_size);
    v(Field{.name = "TargetFileName", .max_length = 256}, s.target_file_name);
    v(Field{.name = "DelaySeconds"}, s.delay_seconds);
    v(Field{.name = "SuccessURL", .max_length = 256}, s.success_url);
    v(Field{.name = "FailureURL", .max_length = 256}, s.failure_url);
  }
};

// Shared shape of DownloadResponse and UploadResponse.
#define CWMP_TRANSFER_RESPONSE(Type)                                                   \
  struct Type {                                                                        \
    static constexpr std::string_view kMethod = #Type;                                \
    static constexpr bool kIsResponse = true;                                         \
    std::int32_t status = 1;                                                           \
    std::string start_time = std::string(kUnknownTime);                            \
    std::string complete_time = std::string(kUnknownTime);                         \
    bool operator==(const Type&) const = default;                                     \
    template <class S, class V>                                                        \
    static void fields(S& s, V& v) {                                                   \
      v(Field{.name = "Status"}, s.status);                                            \
      v(Field{.name = "StartTime", .kind = FieldKind::DateTime}, s.start_time);        \
      v(Field{.name = "CompleteTime", .kind = FieldKind::DateTime}, s.complete_time);  \
    }                                                                                  \
  }

CWMP_TRANSFER_RESPONSE(DownloadResponse);

struct Upload {
  static constexpr std::string_view kMethod = "Upload";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  std::string file_type;
  std::string url;
  std::string username;
  std::string password;
  std::uint32_t delay_seconds = 0;
  bool operator==(const Upload&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "URL", .max_length = 256}, s.url);
    v(Field{.name = "Username", .max_length = 256}, s.username);
    v(Field{.name = "Password", .max_length = 256}, s.password);
    v(Field{.name = "DelaySeconds"}, s.delay_seconds);
  }
};

CWMP_TRANSFER_RESPONSE(UploadResponse);

CWMP_EMPTY_MESSAGE(FactoryReset, false);
CWMP_EMPTY_MESSAGE(FactoryResetResponse, true);
CWMP_EMPTY_MESSAGE(GetQueuedTransfers, false);

struct GetQueuedTransfersResponse {
  static constexpr std::string_view kMethod = "GetQueuedTransfersResponse";
  static constexpr bool kIsResponse = true;
  std::vector<QueuedTransferStruct> transfer_list;
  bool operator==(const GetQueuedTransfersResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "TransferList", .item = "QueuedTransferStruct",
            .array_type = "cwmp:QueuedTransferStruct", .max_items = 16},
      s.transfer_list);
  }
};

CWMP_EMPTY_MESSAGE(GetAllQueuedTransfers, false);

struct GetAllQueuedTransfersResponse {
  static constexpr std::string_view kMethod = "GetAllQueuedTransfersResponse";
  static constexpr bool kIsResponse = true;
  std::vector<AllQueuedTransferStruct> transfer_list;
  bool operator==(const GetAllQueuedTransfersResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "TransferList", .item = "AllQueuedTransferStruct",
            .array_type = "cwmp:AllQueuedTransferStruct", .max_items = 16},
      s.transfer_list);
  }
};

struct ScheduleInform {
  static constexpr std::string_view kMethod = "ScheduleInform";
  static constexpr bool kIsResponse = false;
  std::uint32_t delay_seconds = 0;
  std::string command_key;
  bool operator==(const ScheduleInform&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "DelaySeconds"}, s.delay_seconds);
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

CWMP_EMPTY_MESSAGE(ScheduleInformResponse, true);

struct ScheduleDownload {
  static constexpr std::string_view kMethod = "ScheduleDownload";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  std::string file_type;
  std::string url;
  std::string username;
  std::string password;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  std::vector<TimeWindowStruct> time_window_list;
  bool operator==(const ScheduleDownload&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "URL", .max_length = 256}, s.url);
    v(Field{.name = "Username", .max_length = 256}, s.username);
    v(Field{.name = "Password", .max_length = 256}, s.password);
    v(Field{.name = "FileSize"}, s.file_size);
    v(Field{.name = "TargetFileName", .max_length = 256}, s.target_file_name);
    v(Field{.name = "TimeWindowList", .item = "TimeWindowStruct",
            .array_type = "cwmp:TimeWindowStruct", .max_items = 2},
      s.time_window_list);
  }
};

CWMP_EMPTY_MESSAGE(ScheduleDownloadResponse, true);

struct CancelTransfer {
  static constexpr std::string_view kMethod = "CancelTransfer";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  bool operator==(const CancelTransfer&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

CWMP_EMPTY_MESSAGE(CancelTransferResponse, true);

struct ChangeDUState {
  static constexpr std::string_view kMethod = "ChangeDUState";
  static constexpr bool kIsResponse = false;
  std::vector<DuOperation> operations;
  std::string command_key;
  bool operator==(const ChangeDUState&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Operations", .array_type = "cwmp:OperationStruct"}, s.operations);
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

CWMP_EMPTY_MESSAGE(ChangeDUStateResponse, true);

struct SetVouchers {
  static constexpr std::string_view kMethod = "SetVouchers";
  static constexpr bool kIsResponse = false;
  std::vector<std::string> voucher_list;  // base64 text
  bool operator==(const SetVouchers&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "VoucherList", .item = "base64", .array_type = "xsd:base64Binary",
            .kind = FieldKind::Base64},
      s.voucher_list);
  }
};

CWMP_EMPTY_MESSAGE(SetVouchersResponse, true);

struct GetOptions {
  static constexpr std::string_view kMethod = "GetOptions";
  static constexpr bool kIsResponse = false;
  std::string option_name;
  bool operator==(const GetOptions&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "OptionName", .max_length = 64}, s.option_name);
  }
};

struct GetOptionsResponse {
  static constexpr std::string_view kMethod = "GetOptionsResponse";
  static constexpr bool kIsResponse = true;
  std::vector<OptionStruct> option_list;
  bool operator==(const GetOptionsResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "OptionList", .item = "OptionStruct", .array_type = "cwmp:OptionStruct"},
      s.option_list);
  }
};

// --- Methods the ACS answers (CPE -> ACS requests) and their responses

struct Inform {
  static constexpr std::string_view kMethod = "Inform";
  static constexpr bool kIsResponse = false;
  DeviceIdStruct device_id;
  std::vector<EventStruct> event;
  std::uint32_t max_envelopes = 1;
  std::string current_time = std::string(kUnknownTime);
  std::uint32_t retry_count = 0;
  std::vector<ParameterValueStruct> parameter_list;
  bool operator==(const Inform&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "DeviceId"}, s.device_id);
    v(Field{.name = "Event", .item = "EventStruct", .array_type = "cwmp:EventStruct",
            .max_items = 64},
      s.event);
    v(Field{.name = "MaxEnvelopes"}, s.max_envelopes);
    v(Field{.name = "CurrentTime", .kind = FieldKind::DateTime}, s.current_time);
    v(Field{.name = "RetryCount"}, s.retry_count);
    v(Field{.name = "ParameterList", .item = "ParameterValueStruct",
            .array_type = "cwmp:ParameterValueStruct"},
      s.parameter_list);
  }
};

struct InformResponse {
  static constexpr std::string_view kMethod = "InformResponse";
  static constexpr bool kIsResponse = true;
  std::uint32_t max_envelopes = 1;
  bool operator==(const InformResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "MaxEnvelopes"}, s.max_envelopes);
  }
};

struct TransferComplete {
  static constexpr std::string_view kMethod = "TransferComplete";
  static constexpr bool kIsResponse = false;
  std::string command_key;
  FaultStruct fault_struct;
  std::string start_time = std::string(kUnknownTime);
  std::string complete_time = std::string(kUnknownTime);
  bool operator==(const TransferComplete&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
    v(Field{.name = "FaultStruct"}, s.fault_struct);
    v(Field{.name = "StartTime", .kind = FieldKind::DateTime}, s.start_time);
    v(Field{.name = "CompleteTime", .kind = FieldKind::DateTime}, s.complete_time);
  }
};

CWMP_EMPTY_MESSAGE(TransferCompleteResponse, true);

struct AutonomousTransferComplete {
  static constexpr std::string_view kMethod = "AutonomousTransferComplete";
  static constexpr bool kIsResponse = false;
  std::string announce_url;
  std::string transfer_url;
  bool is_download = true;
  std::string file_type;
  std::uint32_t file_size = 0;
  std::string target_file_name;
  FaultStruct fault_struct;
  std::string start_time = std::string(kUnknownTime);
  std::string complete_time = std::string(kUnknownTime);
  bool operator==(const AutonomousTransferComplete&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "AnnounceURL", .max_length = 1024}, s.announce_url);
    v(Field{.name = "TransferURL", .max_length = 1024}, s.transfer_url);
    v(Field{.name = "IsDownload"}, s.is_download);
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "FileSize"}, s.file_size);
    v(Field{.name = "TargetFileName", .max_length = 256}, s.target_file_name);
    v(Field{.name = "FaultStruct"}, s.fault_struct);
    v(Field{.name = "StartTime", .kind = FieldKind::DateTime}, s.start_time);
    v(Field{.name = "CompleteTime", .kind = FieldKind::DateTime}, s.complete_time);
  }
};

CWMP_EMPTY_MESSAGE(AutonomousTransferCompleteResponse, true);

struct DUStateChangeComplete {
  static constexpr std::string_view kMethod = "DUStateChangeComplete";
  static constexpr bool kIsResponse = false;
  std::vector<OpResultStruct> results;
  std::string command_key;
  bool operator==(const DUStateChangeComplete&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Results", .item = "OpResultStruct", .array_type = "cwmp:OpResultStruct"},
      s.results);
    v(Field{.name = "CommandKey", .max_length = 32}, s.command_key);
  }
};

CWMP_EMPTY_MESSAGE(DUStateChangeCompleteResponse, true);

struct AutonomousDUStateChangeComplete {
  static constexpr std::string_view kMethod = "AutonomousDUStateChangeComplete";
  static constexpr bool kIsResponse = false;
  std::vector<AutonOpResultStruct> results;
  bool operator==(const AutonomousDUStateChangeComplete&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Results", .item = "AutonOpResultStruct",
            .array_type = "cwmp:AutonOpResultStruct"},
      s.results);
  }
};

CWMP_EMPTY_MESSAGE(AutonomousDUStateChangeCompleteResponse, true);

struct RequestDownload {
  static constexpr std::string_view kMethod = "RequestDownload";
  static constexpr bool kIsResponse = false;
  std::string file_type;
  std::vector<ArgStruct> file_type_arg;
  bool operator==(const RequestDownload&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "FileType", .max_length = 64}, s.file_type);
    v(Field{.name = "FileTypeArg", .item = "ArgStruct", .array_type = "cwmp:ArgStruct",
            .max_items = 16},
      s.file_type_arg);
  }
};

CWMP_EMPTY_MESSAGE(RequestDownloadResponse, true);

struct Kicked {
  static constexpr std::string_view kMethod = "Kicked";
  static constexpr bool kIsResponse = false;
  std::string command;
  std::string referer;
  std::string arg;
  std::string next;
  bool operator==(const Kicked&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "Command", .max_length = 32}, s.command);
    v(Field{.name = "Referer", .max_length = 64}, s.referer);
    v(Field{.name = "Arg", .max_length = 256}, s.arg);
    v(Field{.name = "Next", .max_length = 1024}, s.next);
  }
};

struct KickedResponse {
  static constexpr std::string_view kMethod = "KickedResponse";
  static constexpr bool kIsResponse = true;
  std::string next_url;
  bool operator==(const KickedResponse&) const = default;
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "NextURL", .max_length = 1024}, s.next_url);
  }
};

// --- SOAP Fault (TR-069 A.5) with its cwmp:Fault detail

struct Fault {
  static constexpr std::string_view kMethod = "Fault";
  static constexpr bool kIsResponse = true;
  std::string faultcode = "Server";  // "Client" or "Server"; a prefix is removed on decode
  std::string faultstring = "CWMP fault";
  std::uint32_t fault_code = 0;  // detail/cwmp:Fault/FaultCode
  std::string fault_string;      // detail/cwmp:Fault/FaultString (optional on the wire)
  std::vector<SetParameterValuesFault> set_parameter_values_fault;
  bool operator==(const Fault&) const = default;
  // The cwmp:Fault detail element's children; faultcode/faultstring are SOAP-level.
  template <class S, class V>
  static void fields(S& s, V& v) {
    v(Field{.name = "FaultCode"}, s.fault_code);
    v(Field{.name = "FaultString"}, s.fault_string);
    v(Field{.name = "SetParameterValuesFault", .kind = FieldKind::Repeated},
      s.set_parameter_values_fault);
  }
};

// A SOAP Body with no child element.
struct EmptyBody {
  static constexpr std::string_view kMethod = "";
  static constexpr bool kIsResponse = false;
  bool operator==(const EmptyBody&) const = default;
  template <class S, class V>
  static void fields(S&, V&) {}
};

#undef CWMP_EMPTY_MESSAGE
#undef CWMP_TRANSFER_RESPONSE

using Body = std::variant<
    EmptyBody,
    // ACS -> CPE requests and the CPE's responses
    GetRPCMethods, GetRPCMethodsResponse, SetParameterValues, SetParameterValuesResponse,
    GetParameterValues, GetParameterValuesResponse, GetParameterNames, GetParameterNamesResponse,
    SetParameterAttributes, SetParameterAttributesResponse, GetParameterAttributes,
    GetParameterAttributesResponse, AddObject, AddObjectResponse, DeleteObject,
    DeleteObjectResponse, Reboot, RebootResponse, Download, DownloadResponse, Upload,
    UploadResponse, FactoryReset, FactoryResetResponse, GetQueuedTransfers,
    GetQueuedTransfersResponse, GetAllQueuedTransfers, GetAllQueuedTransfersResponse,
    ScheduleInform, ScheduleInformResponse, ScheduleDownload, ScheduleDownloadResponse,
    CancelTransfer, CancelTransferResponse, ChangeDUState, ChangeDUStateResponse, SetVouchers,
    SetVouchersResponse, GetOptions, GetOptionsResponse,
    // CPE -> ACS requests and the ACS's responses
    Inform, InformResponse, TransferComplete, TransferCompleteResponse,
    AutonomousTransferComplete, AutonomousTransferCompleteResponse, DUStateChangeComplete,
    DUStateChangeCompleteResponse, AutonomousDUStateChangeComplete,
    AutonomousDUStateChangeCompleteResponse, RequestDownload, RequestDownloadResponse, Kicked,
    KickedResponse,
    // Either direction
    Fault>;

// ---------------------------------------------------------------------------------------
// Envelope

// The cwmp namespace URN of the envelope: urn:dslforum-org:cwmp-1-<minor>.
enum class CwmpNamespace : std::uint8_t { V1_0 = 0, V1_1, V1_2, V1_3, V1_4 };

std::string_view namespaceUri(CwmpNamespace ns);
std::optional<CwmpNamespace> namespaceFromUri(std::string_view uri);

// SOAP header elements (TR-069 A.4.2; mustUnderstand values per checklist 2.2).
struct Header {
  std::optional<std::string> id;                       // cwmp:ID, echoed on responses
  std::optional<bool> hold_requests;                   // cwmp:HoldRequests, ACS -> CPE
  std::optional<bool> no_more_requests;                // cwmp:NoMoreRequests (deprecated)
  std::optional<std::uint32_t> session_timeout;        // cwmp:SessionTimeout, CPE -> ACS
  std::optional<std::string> supported_cwmp_versions;  // "1.0,1.1,1.2,1.3,1.4"
  std::optional<std::string> use_cwmp_version;         // "1.4"
  // Qualified names ("{uri}local") of header elements we do not know that carried
  // mustUnderstand="1". SOAP 1.1 says the receiver answers such an envelope with a
  // MustUnderstand fault; the codec reports them so the receiver can.
  std::vector<std::string> not_understood;
  bool operator==(const Header&) const = default;
};

struct Envelope {
  CwmpNamespace ns = CwmpNamespace::V1_2;
  Header header;
  Body body;
  bool operator==(const Envelope&) const = default;
};

// ---------------------------------------------------------------------------------------
// Helpers

// The Body element's local name, e.g. "Inform"; "" for EmptyBody.
std::string_view methodName(const Body& body);
// True for ...Response messages and Faults.
bool isResponse(const Body& body);

// Default FaultString text of a CWMP fault code, e.g. 9005 -> "Invalid parameter name";
// "" for codes outside the tables.
std::string_view faultCodeMessage(std::uint32_t code);
// A Fault for `code` with faultcode Client or Server per TR-069 A.5.1 (Client for
// 8003, 9003, 9005, 9006, 9007, 9008; Server otherwise) and `message` (or the default
// text when empty) as FaultString.
Fault makeFault(std::uint32_t code, std::string message = {});

// Splits "1.0, 1.1,1.4" into normalised "major.minor" entries, skipping junk.
std::vector<std::string> parseCwmpVersions(std::string_view list);

}  // namespace cwmp
