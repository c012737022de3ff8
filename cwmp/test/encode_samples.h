// encode_samples.h: one well-populated instance of every CWMP message, for the encode,
// round-trip and JSON tests.
//
// The values are realistic TR-181 content and together cover what the encoder must get
// right: text needing escapes (< & > " '), CR/LF/tab, non-ASCII UTF-8 (including a 4-byte
// character), empty strings, strings at their schema limit (CommandKey and ParameterKey 32,
// OUI 6, UUID 36, a 256-character parameter name), present-but-empty optionals, extreme
// integers, and every header element.
//
//   forEachMessageType([](auto type) {
//     using Message = typename decltype(type)::type;
//     Envelope envelope = sampleEnvelope(sample<Message>());
//   });
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "cwmp/messages.h"

namespace cwmp::test_samples {

// "GetRPCMethodsResponse" -> "get_rpc_methods_response"; "" (EmptyBody) -> "empty_body".
inline std::string snakeCase(std::string_view method) {
  if (method.empty()) return "empty_body";
  std::string out;
  for (std::size_t i = 0; i < method.size(); ++i) {
    const auto c = static_cast<unsigned char>(method[i]);
    if (std::isupper(c) != 0 && i > 0) {
      const auto prev = static_cast<unsigned char>(method[i - 1]);
      const bool next_lower =
          i + 1 < method.size() && std::islower(static_cast<unsigned char>(method[i + 1])) != 0;
      if (std::islower(prev) != 0 || (std::isupper(prev) != 0 && next_lower)) out += '_';
    }
    out += static_cast<char>(std::tolower(c));
  }
  return out;
}

// Calls f(std::type_identity<Message>{}) for every alternative of Body, in Body order.
template <class F>
void forEachMessageType(F&& f) {
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (f(std::type_identity<std::variant_alternative_t<I, Body>>{}), ...);
  }
  (std::make_index_sequence<std::variant_size_v<Body>>{});
}

// Strings at their schema limits.
inline const std::string kKey32 = "abcdefghijklmnopqrstuvwxyz012345";  // CommandKey, ParameterKey
inline const std::string kUuid = "6ba7b810-9dad-11d1-80b4-00c04fd430c8";
// A 256-character parameter name: "Device.X_ACME_Long." followed by 'A'..'Z' repeated.
inline std::string longParameterName() {
  std::string name = "Device.X_ACME_Long.";
  while (name.size() < 256) name += static_cast<char>('A' + name.size() % 26);
  return name;
}

inline ParameterValueStruct pvs(std::string name, std::string value, std::string type) {
  ParameterValueStruct p;
  p.name = std::move(name);
  p.value = std::move(value);
  p.type = std::move(type);
  return p;
}

inline FaultStruct faultStruct(std::uint32_t code, std::string text) {
  FaultStruct f;
  f.fault_code = code;
  f.fault_string = std::move(text);
  return f;
}

template <class T>
T sample();

template <>
inline EmptyBody sample<EmptyBody>() {
  return {};
}

template <>
inline GetRPCMethods sample<GetRPCMethods>() {
  return {};
}

template <>
inline GetRPCMethodsResponse sample<GetRPCMethodsResponse>() {
  GetRPCMethodsResponse m;
  m.method_list = {"GetRPCMethods",
                   "SetParameterValues",
                   "GetParameterValues",
                   "GetParameterNames",
                   "SetParameterAttributes",
                   "GetParameterAttributes",
                   "AddObject",
                   "DeleteObject",
                   "Reboot",
                   "Download",
                   "Upload",
                   "FactoryReset",
                   "ScheduleInform",
                   "ChangeDUState",
                   "X_00A0C9_Diagnose"};
  return m;
}

template <>
inline SetParameterValues sample<SetParameterValues>() {
  SetParameterValues m;
  m.parameter_list = {
      pvs("Device.WiFi.SSID.1.SSID", "Caf\xC3\xA9 <Guest> & \"Friends\" 'n' more", "xsd:string"),
      pvs("Device.WiFi.AccessPoint.1.Enable", "true", "xsd:boolean"),
      pvs("Device.ManagementServer.PeriodicInformInterval", "3600", "xsd:unsignedInt"),
      pvs("Device.Time.LocalTimeZone", "", "xsd:string"),
      pvs("Device.UserInterface.X_00A0C9_Banner", "line 1\r\nline 2\tend", "xsd:string"),
      pvs("Device.X_00A0C9_Offset", "-2147483648", "xsd:int"),
      pvs("Device.X_00A0C9_Bytes", "18446744073709551615", "xsd:unsignedLong"),
      pvs("Device.X_00A0C9_Delta", "-9223372036854775808", "xsd:long"),
      pvs("Device.X_00A0C9_At", "2024-02-29T23:59:59.5+01:00", "xsd:dateTime"),
      pvs("Device.X_00A0C9_Blob", "AAECAwQ=", "xsd:base64Binary"),
      pvs("Device.X_00A0C9_Hex", "DEADbeef", "xsd:hexBinary"),
  };
  m.parameter_key = kKey32;
  return m;
}

template <>
inline SetParameterValuesResponse sample<SetParameterValuesResponse>() {
  SetParameterValuesResponse m;
  m.status = 1;
  return m;
}

template <>
inline GetParameterValues sample<GetParameterValues>() {
  GetParameterValues m;
  m.parameter_names = {"Device.DeviceInfo.", "Device.ManagementServer.ConnectionRequestURL",
                       "Device.IP.Interface.1.IPv4Address.1.IPAddress", longParameterName()};
  return m;
}

template <>
inline GetParameterValuesResponse sample<GetParameterValuesResponse>() {
  GetParameterValuesResponse m;
  m.parameter_list = {
      pvs("Device.DeviceInfo.Manufacturer",
          "\xC3\x9Cn\xC3\xAF"
          "c\xC3\xB8"
          "d\xC3\xA9 \xE2\x98\x83 \xE6\x97\xA5\xE6\x9C\xAC "
          "\xF0\x9D\x84\x9E",
          "xsd:string"),
      pvs("Device.DeviceInfo.UpTime", "86400", "xsd:unsignedInt"),
      pvs("Device.IP.Interface.1.Enable", "1", "xsd:boolean"),
      pvs("Device.Ethernet.Interface.1.Stats.BytesSent", "9223372036854775807", "xsd:unsignedLong"),
      pvs("Device.DeviceInfo.Description", "  padded value  ", "xsd:string"),
      pvs(longParameterName(), "", "xsd:string"),
  };
  return m;
}

template <>
inline GetParameterNames sample<GetParameterNames>() {
  GetParameterNames m;
  m.parameter_path = "Device.WiFi.";
  m.next_level = true;
  return m;
}

template <>
inline GetParameterNamesResponse sample<GetParameterNamesResponse>() {
  GetParameterNamesResponse m;
  const auto info = [](std::string name, bool writable) {
    ParameterInfoStruct p;
    p.name = std::move(name);
    p.writable = writable;
    return p;
  };
  m.parameter_list = {info("Device.WiFi.", false), info("Device.WiFi.SSID.", false),
                      info("Device.WiFi.SSIDNumberOfEntries", false),
                      info("Device.WiFi.SSID.1.SSID", true)};
  return m;
}

template <>
inline SetParameterAttributes sample<SetParameterAttributes>() {
  SetParameterAttributes m;
  const auto attr = [](std::string name, bool n_change, std::int32_t n, bool a_change,
                       std::vector<std::string> access) {
    SetParameterAttributesStruct s;
    s.name = std::move(name);
    s.notification_change = n_change;
    s.notification = n;
    s.access_list_change = a_change;
    s.access_list = std::move(access);
    return s;
  };
  m.parameter_list = {attr("Device.WiFi.SSID.1.SSID", true, 2, true, {"Subscriber"}),
                      attr("Device.DeviceInfo.SoftwareVersion", true, 1, false, {}),
                      attr("Device.Hosts.HostNumberOfEntries", false, 0, true, {})};
  return m;
}

template <>
inline SetParameterAttributesResponse sample<SetParameterAttributesResponse>() {
  return {};
}

template <>
inline GetParameterAttributes sample<GetParameterAttributes>() {
  GetParameterAttributes m;
  m.parameter_names = {"Device.WiFi.SSID.1.SSID", "Device.DeviceInfo."};
  return m;
}

template <>
inline GetParameterAttributesResponse sample<GetParameterAttributesResponse>() {
  GetParameterAttributesResponse m;
  const auto attr = [](std::string name, std::int32_t n, std::vector<std::string> access) {
    ParameterAttributeStruct s;
    s.name = std::move(name);
    s.notification = n;
    s.access_list = std::move(access);
    return s;
  };
  m.parameter_list = {attr("Device.WiFi.SSID.1.SSID", 2, {"Subscriber"}),
                      attr("Device.DeviceInfo.SoftwareVersion", 6, {})};
  return m;
}

template <>
inline AddObject sample<AddObject>() {
  AddObject m;
  m.object_name = "Device.NAT.PortMapping.";
  m.parameter_key = "";
  return m;
}

template <>
inline AddObjectResponse sample<AddObjectResponse>() {
  AddObjectResponse m;
  m.instance_number = 12;
  m.status = 0;
  return m;
}

template <>
inline DeleteObject sample<DeleteObject>() {
  DeleteObject m;
  m.object_name = "Device.NAT.PortMapping.12.";
  m.parameter_key = "pk-7";
  return m;
}

template <>
inline DeleteObjectResponse sample<DeleteObjectResponse>() {
  DeleteObjectResponse m;
  m.status = 1;
  return m;
}

template <>
inline Reboot sample<Reboot>() {
  Reboot m;
  m.command_key = "reboot <&> \"now\" 'please'";
  return m;
}

template <>
inline RebootResponse sample<RebootResponse>() {
  return {};
}

template <>
inline Download sample<Download>() {
  Download m;
  m.command_key = "fw-2024.05";
  m.file_type = "1 Firmware Upgrade Image";
  m.url = "https://files.example.com/fw/rg1000.bin?sig=a1b2&exp=1714557600";
  m.username = "cpe";
  m.password = "p&ss<w>rd\"'";
  m.file_size = std::numeric_limits<std::uint32_t>::max();
  m.target_file_name = "rg1000.bin";
  m.delay_seconds = 0;
  m.success_url = "";
  m.failure_url = "https://portal.example.com/fw-failed";
  return m;
}

template <>
inline DownloadResponse sample<DownloadResponse>() {
  DownloadResponse m;
  m.status = 0;
  m.start_time = "2024-05-01T10:00:00Z";
  m.complete_time = "2024-05-01T10:02:03.250000Z";
  return m;
}

template <>
inline Upload sample<Upload>() {
  Upload m;
  m.command_key = "log-1";
  m.file_type = "2 Vendor Log File";
  m.url = "https://files.example.com/upload/";
  m.username = "";
  m.password = "";
  m.delay_seconds = 30;
  return m;
}

template <>
inline UploadResponse sample<UploadResponse>() {
  UploadResponse m;
  m.status = 1;  // times stay the Unknown Time
  return m;
}

template <>
inline FactoryReset sample<FactoryReset>() {
  return {};
}

template <>
inline FactoryResetResponse sample<FactoryResetResponse>() {
  return {};
}

template <>
inline GetQueuedTransfers sample<GetQueuedTransfers>() {
  return {};
}

template <>
inline GetQueuedTransfersResponse sample<GetQueuedTransfersResponse>() {
  GetQueuedTransfersResponse m;
  QueuedTransferStruct first;
  first.command_key = "fw-2024.05";
  first.state = 2;
  QueuedTransferStruct second;
  second.command_key = "";
  second.state = 1;
  m.transfer_list = {first, second};
  return m;
}

template <>
inline GetAllQueuedTransfers sample<GetAllQueuedTransfers>() {
  return {};
}

template <>
inline GetAllQueuedTransfersResponse sample<GetAllQueuedTransfersResponse>() {
  GetAllQueuedTransfersResponse m;
  AllQueuedTransferStruct download;
  download.command_key = "fw-2024.05";
  download.state = 2;
  download.is_download = true;
  download.file_type = "1 Firmware Upgrade Image";
  download.file_size = 1048576;
  download.target_file_name = "rg1000.bin";
  AllQueuedTransferStruct upload;
  upload.command_key = "log-1";
  upload.state = 1;
  upload.is_download = false;
  upload.file_type = "2 Vendor Log File";
  upload.file_size = 0;
  upload.target_file_name = "";
  m.transfer_list = {download, upload};
  return m;
}

template <>
inline ScheduleInform sample<ScheduleInform>() {
  ScheduleInform m;
  m.delay_seconds = 300;
  m.command_key = "si-1";
  return m;
}

template <>
inline ScheduleInformResponse sample<ScheduleInformResponse>() {
  return {};
}

template <>
inline ScheduleDownload sample<ScheduleDownload>() {
  ScheduleDownload m;
  m.command_key = "sd-1";
  m.file_type = "1 Firmware Upgrade Image";
  m.url = "https://files.example.com/fw/rg1000-2.bin";
  m.username = "cpe";
  m.password = "secret";
  m.file_size = 5000000;
  m.target_file_name = "fw.bin";
  TimeWindowStruct any_time;
  any_time.window_start = 0;
  any_time.window_end = 3600;
  any_time.window_mode = "1 At Any Time";
  any_time.user_message = "";
  any_time.max_retries = -1;
  TimeWindowStruct confirmed;
  confirmed.window_start = 7200;
  confirmed.window_end = 10800;
  confirmed.window_mode = "4 Confirmation Needed";
  confirmed.user_message = "Update tonight \xE2\x80\x93 Neustart n\xC3\xB6tig";
  confirmed.max_retries = 3;
  m.time_window_list = {any_time, confirmed};
  return m;
}

template <>
inline ScheduleDownloadResponse sample<ScheduleDownloadResponse>() {
  return {};
}

template <>
inline CancelTransfer sample<CancelTransfer>() {
  CancelTransfer m;
  m.command_key = "fw-2024.05";
  return m;
}

template <>
inline CancelTransferResponse sample<CancelTransferResponse>() {
  return {};
}

template <>
inline ChangeDUState sample<ChangeDUState>() {
  ChangeDUState m;
  InstallOpStruct install;
  install.url = "https://apps.example.com/du/weather-1.0.ipk";
  install.uuid = kUuid;
  install.username = "du";
  install.password = "";
  install.execution_env_ref = "Device.SoftwareModules.ExecEnv.1";
  UpdateOpStruct update;
  update.uuid = std::nullopt;
  update.version = "2.0";
  update.url = "https://apps.example.com/du/weather-2.0.ipk";
  update.username = "";
  update.password = "";
  UninstallOpStruct uninstall;
  uninstall.uuid = "0b4a3e5c-1d2f-4a6b-8c9d-0e1f2a3b4c5d";
  uninstall.version = "";  // present but empty
  uninstall.execution_env_ref = std::nullopt;
  m.operations = {install, update, uninstall};
  m.command_key = "cdu-1";
  return m;
}

template <>
inline ChangeDUStateResponse sample<ChangeDUStateResponse>() {
  return {};
}

template <>
inline SetVouchers sample<SetVouchers>() {
  SetVouchers m;
  m.voucher_list = {"AAECAwQFBgc=", "SGVsbG8sIHdvcmxkIQ=="};
  return m;
}

template <>
inline SetVouchersResponse sample<SetVouchersResponse>() {
  return {};
}

template <>
inline GetOptions sample<GetOptions>() {
  GetOptions m;
  m.option_name = "";  // all options
  return m;
}

template <>
inline GetOptionsResponse sample<GetOptionsResponse>() {
  GetOptionsResponse m;
  OptionStruct feature;
  feature.option_name = "X_00A0C9_VoIP";
  feature.voucher_sn = 17;
  feature.state = 3;
  feature.mode = 1;
  feature.start_date = "2024-01-01T00:00:00Z";
  feature.expiration_date = "2025-01-01T00:00:00Z";
  feature.is_transferable = true;
  OptionStruct other;
  other.option_name = "X_00A0C9_IPTV";
  other.voucher_sn = 18;
  other.state = 0;
  other.mode = 2;
  other.start_date = "2024-01-01T00:00:00Z";
  other.expiration_date = std::nullopt;
  other.is_transferable = false;
  m.option_list = {feature, other};
  return m;
}

template <>
inline Inform sample<Inform>() {
  Inform m;
  m.device_id.manufacturer = "Acme Networks & Co.";
  m.device_id.oui = "00A0C9";
  m.device_id.product_class = "RG-1000";
  m.device_id.serial_number = "SN<0001>";
  EventStruct bootstrap;
  bootstrap.event_code = "0 BOOTSTRAP";
  EventStruct boot;
  boot.event_code = "1 BOOT";
  EventStruct download;
  download.event_code = "M Download";
  download.command_key = kKey32;
  m.event = {bootstrap, boot, download};
  m.max_envelopes = 1;
  m.current_time = "2024-05-01T10:00:00+02:00";
  m.retry_count = 0;
  m.parameter_list = {
      pvs("Device.RootDataModelVersion", "2.17", "xsd:string"),
      pvs("Device.DeviceInfo.HardwareVersion", "HW-1.0", "xsd:string"),
      pvs("Device.DeviceInfo.SoftwareVersion", "4.2.0-rc1", "xsd:string"),
      pvs("Device.DeviceInfo.ProvisioningCode", "", "xsd:string"),
      pvs("Device.ManagementServer.ParameterKey", kKey32, "xsd:string"),
      pvs("Device.ManagementServer.ConnectionRequestURL",
          "http://192.0.2.10:7547/cr/00A0C9-RG1000-SN0001", "xsd:string"),
      pvs("Device.ManagementServer.AliasBasedAddressing", "false", "xsd:boolean"),
      pvs("Device.IP.Interface.1.IPv4Address.1.IPAddress", "192.0.2.10", "xsd:string"),
  };
  return m;
}

template <>
inline InformResponse sample<InformResponse>() {
  InformResponse m;
  m.max_envelopes = 1;
  return m;
}

template <>
inline TransferComplete sample<TransferComplete>() {
  TransferComplete m;
  m.command_key = "fw-2024.05";
  m.fault_struct = faultStruct(9010, "Download failure: checksum <sha256> mismatch & retry");
  m.start_time = "2024-05-01T10:00:00Z";
  m.complete_time = "2024-05-01T10:05:00Z";
  return m;
}

template <>
inline TransferCompleteResponse sample<TransferCompleteResponse>() {
  return {};
}

template <>
inline AutonomousTransferComplete sample<AutonomousTransferComplete>() {
  AutonomousTransferComplete m;
  m.announce_url = "";
  m.transfer_url = "https://files.example.com/fw/rg1000-3.bin";
  m.is_download = true;
  m.file_type = "1 Firmware Upgrade Image";
  m.file_size = 7340032;
  m.target_file_name = "";
  m.fault_struct = faultStruct(0, "");
  m.start_time = "2024-05-02T03:00:00Z";
  m.complete_time = "2024-05-02T03:01:30Z";
  return m;
}

template <>
inline AutonomousTransferCompleteResponse sample<AutonomousTransferCompleteResponse>() {
  return {};
}

inline OpResultStruct opResult(std::string uuid, std::string state, bool resolved,
                               FaultStruct fault) {
  OpResultStruct r;
  r.uuid = std::move(uuid);
  r.deployment_unit_ref = "Device.SoftwareModules.DeploymentUnit.1";
  r.version = "1.0";
  r.current_state = std::move(state);
  r.resolved = resolved;
  r.execution_unit_ref_list =
      "Device.SoftwareModules.ExecutionUnit.1,Device.SoftwareModules.ExecutionUnit.2";
  r.start_time = "2024-05-01T10:00:00Z";
  r.complete_time = "2024-05-01T10:00:42Z";
  r.fault = std::move(fault);
  return r;
}

template <>
inline DUStateChangeComplete sample<DUStateChangeComplete>() {
  DUStateChangeComplete m;
  OpResultStruct failed = opResult("0b4a3e5c-1d2f-4a6b-8c9d-0e1f2a3b4c5d", "Failed", false,
                                   faultStruct(9017, "Download failure: unable to complete"));
  failed.deployment_unit_ref = "";
  failed.execution_unit_ref_list = "";
  failed.start_time = "0001-01-01T00:00:00Z";
  failed.complete_time = "0001-01-01T00:00:00Z";
  m.results = {opResult(kUuid, "Installed", true, faultStruct(0, "")), failed};
  m.command_key = "cdu-1";
  return m;
}

template <>
inline DUStateChangeCompleteResponse sample<DUStateChangeCompleteResponse>() {
  return {};
}

template <>
inline AutonomousDUStateChangeComplete sample<AutonomousDUStateChangeComplete>() {
  AutonomousDUStateChangeComplete m;
  AutonOpResultStruct r;
  r.uuid = kUuid;
  r.deployment_unit_ref = "Device.SoftwareModules.DeploymentUnit.2";
  r.version = "3.1";
  r.current_state = "Uninstalled";
  r.resolved = true;
  r.execution_unit_ref_list = "";
  r.start_time = "2024-05-03T08:00:00Z";
  r.complete_time = "2024-05-03T08:00:05Z";
  r.fault = faultStruct(0, "");
  r.operation_performed = "Uninstall";
  m.results = {r};
  return m;
}

template <>
inline AutonomousDUStateChangeCompleteResponse sample<AutonomousDUStateChangeCompleteResponse>() {
  return {};
}

template <>
inline RequestDownload sample<RequestDownload>() {
  RequestDownload m;
  m.file_type = "3 Vendor Configuration File";
  ArgStruct version;
  version.name = "Version";
  version.value = "1.2";
  ArgStruct profile;
  profile.name = "Profile";
  profile.value = "home & office <v2>";
  m.file_type_arg = {version, profile};
  return m;
}

template <>
inline RequestDownloadResponse sample<RequestDownloadResponse>() {
  return {};
}

template <>
inline Kicked sample<Kicked>() {
  Kicked m;
  m.command = "open";
  m.referer = "http://192.168.1.1/";
  m.arg = "x=1&y=2";
  m.next = "http://192.168.1.1/done";
  return m;
}

template <>
inline KickedResponse sample<KickedResponse>() {
  KickedResponse m;
  m.next_url = "http://192.168.1.1/welcome?lang=de&step=2";
  return m;
}

template <>
inline Fault sample<Fault>() {
  Fault m;
  m.faultcode = "Client";
  m.faultstring = "CWMP fault";
  m.fault_code = 9003;
  m.fault_string = "Invalid arguments";
  SetParameterValuesFault value;
  value.parameter_name = "Device.WiFi.SSID.1.SSID";
  value.fault_code = 9007;
  value.fault_string = "Invalid parameter value: longer than 32 characters";
  SetParameterValuesFault writable;
  writable.parameter_name = "Device.DeviceInfo.UpTime";
  writable.fault_code = 9008;
  writable.fault_string = "Attempt to set a non-writable parameter";
  m.set_parameter_values_fault = {value, writable};
  return m;
}

// The header a real peer would send with this message: the Inform carries SessionTimeout
// and SupportedCWMPVersions, the InformResponse HoldRequests and UseCWMPVersion, the CPE's
// GetRPCMethods the deprecated NoMoreRequests; every message but the empty body has an ID.
inline Header sampleHeader(const Body& body) {
  Header header;
  if (std::holds_alternative<EmptyBody>(body)) return header;
  header.id = "1001";
  if (std::holds_alternative<Inform>(body)) {
    header.id = "inform-1";
    header.session_timeout = 60;
    header.supported_cwmp_versions = "1.0,1.1,1.2,1.3,1.4";
  } else if (std::holds_alternative<InformResponse>(body)) {
    header.id = "inform-1";
    header.hold_requests = false;
    header.use_cwmp_version = "1.4";
  } else if (std::holds_alternative<GetRPCMethods>(body)) {
    header.no_more_requests = true;
  } else if (std::holds_alternative<Download>(body)) {
    header.hold_requests = true;
  } else if (std::holds_alternative<Fault>(body)) {
    header.id = "id <&> \"quoted\" 'x'";
  }
  return header;
}

inline Envelope sampleEnvelope(Body body) {
  Envelope envelope;
  envelope.ns = CwmpNamespace::V1_2;
  envelope.header = sampleHeader(body);
  envelope.body = std::move(body);
  return envelope;
}

template <class Message>
Envelope sampleEnvelopeOf() {
  return sampleEnvelope(Body{sample<Message>()});
}

struct NamedSample {
  std::string name;       // the method, e.g. "GetRPCMethods"; "EmptyBody" for an empty Body
  std::string file_stem;  // snakeCase(method), e.g. "get_rpc_methods"
  Envelope envelope;
};

// gtest prints parameters with this instead of dumping their bytes.
inline void PrintTo(const NamedSample& sample, std::ostream* out) { *out << sample.name; }

// One NamedSample per Body alternative, in Body order.
inline std::vector<NamedSample> allSamples() {
  std::vector<NamedSample> samples;
  forEachMessageType([&samples](auto type) {
    using Message = typename decltype(type)::type;
    const std::string_view method = Message::kMethod;
    samples.push_back(NamedSample{method.empty() ? "EmptyBody" : std::string(method),
                                  snakeCase(method), sampleEnvelopeOf<Message>()});
  });
  return samples;
}

}  // namespace cwmp::test_samples
