// device/profile_spec.h: the plain description of a device type, as read from a profile
// file, and the settings a built Profile exposes to the fleet.
//
// A ProfileSpec is what the loaders (profile/profile_loader.h: YAML, CSV, our ACS's JSON
// export) produce and what Profile::build() turns into the shared, immutable template.
// Every spec element carries `origin` ("file.yaml:12:5") so build errors can point at the
// line that caused them.
//
//   cpesim::ProfileSpec spec;
//   spec.name = "tiny";
//   spec.root.name = "Device.";
//   spec.root.params.push_back({.name = "RootDataModelVersion", .value = "2.17"});
//   auto profile = cpesim::Profile::build(std::move(spec));
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cwmp/codec.h"
#include "cwmp/messages.h"
#include "cwmp/value.h"

namespace cpesim {

// TR-106 activeNotify: what the ACS may do with a parameter's Notification attribute.
enum class ActiveNotify : std::uint8_t {
  Normal,               // any value
  ForceEnabled,         // always active (2); anything else -> 9009
  ForceDefaultEnabled,  // active by default, may be turned off
  CanDeny,              // the CPE refuses active notification (9009)
};

// Where a parameter's value comes from when the device has not stored its own.
enum class GeneratorKind : std::uint8_t {
  None,     // the (placeholder-expanded) default value
  Uptime,   // whole seconds since the device's last boot
  Now,      // the current time as an xsd:dateTime (UTC)
  Counter,  // start + rate * uptime (per-device spread), wraps like the parameter's type
  Choice,   // one of `choices`, drawn from the profile seed and the device index
  Count,    // number of instances of the sibling table `count_path` on this device
};

struct GeneratorSpec {
  GeneratorKind kind = GeneratorKind::None;
  double rate = 0.0;                 // Counter: units per second
  std::uint64_t start = 0;           // Counter: value at boot
  double spread = 0.0;               // Counter: per-device rate factor in [1-spread, 1+spread]
  std::vector<std::string> choices;  // Choice
  std::uint32_t period_s = 0;        // Choice: 0 = fixed per device, else redrawn every period
  std::string count_path;            // Count: table in the same object, e.g. "Host"
};

struct ParamSpec {
  std::string name;  // one path segment, e.g. "Enable"
  cwmp::ValueType type = cwmp::ValueType::String;
  bool writable = false;
  std::string value;           // default; may hold placeholders ({serial}, {i}, ...; "{{" is "{")
  bool forced_inform = false;  // in every Inform (checklist 7.3.1)
  std::int32_t notification = 0;  // factory Notification attribute (0 off, 1 passive, 2 active)
  ActiveNotify active_notify = ActiveNotify::Normal;
  std::optional<std::int64_t> min;  // numeric range, inclusive (9007 outside)
  std::optional<std::int64_t> max;
  std::uint32_t max_length = 0;          // strings: 0 = no limit
  std::vector<std::string> enumeration;  // allowed values; empty = any
  GeneratorSpec generator;
  bool reboot_required = false;  // SPV answers Status 1 when it sets this parameter
  std::string origin;
};

// An object node. `is_table` marks a multi-instance table written `Name.{i}.`; its
// `params`/`children` describe one instance.
struct ObjectSpec {
  std::string name;  // one segment without dots ("DeviceInfo"), or the root "Device"
  bool is_table = false;
  bool writable = false;                 // tables: AddObject/DeleteObject allowed
  std::uint32_t max_instances = 0;       // tables: 0 = no limit (AddObject -> 9004 beyond it)
  std::vector<std::uint32_t> instances;  // tables: initial instance numbers
  // Nested tables: instance numbers for one occurrence, by its full name
  // ("Device.WiFi.AccessPoint.2.AssociatedDevice."), instead of `instances`.
  std::map<std::string, std::vector<std::uint32_t>> instances_at;
  // tables: per-instance default overrides, instance -> (relative parameter path -> value)
  std::map<std::uint32_t, std::map<std::string, std::string>> instance_values;
  std::vector<ParamSpec> params;
  std::vector<ObjectSpec> children;
  std::string origin;
};

// DeviceId (checklist 7.2). Values may hold placeholders; `serial` usually holds {index}.
struct DeviceIdSpec {
  std::string manufacturer = "cwmp-lab";
  std::string oui = "000000";
  std::string product_class = "Simulated";
  std::string serial = "SIM{index:08}";
};

struct CwmpSettings {
  std::string version = "1.4";  // the highest version the device speaks
  cwmp::CwmpNamespace ns = cwmp::CwmpNamespace::V1_2;
  // SupportedCWMPVersions header in the Inform; empty = not sent (pre-1.4 devices).
  std::string supported_versions = "1.0,1.1,1.2,1.3,1.4";
  std::optional<std::uint32_t> session_timeout;  // SessionTimeout header (1.3+); none = not sent
};

struct TransferSettings {
  std::vector<std::string> schemes = {"http", "https"};  // others -> 9013
  std::uint32_t max_queued = 16;                         // Download/Upload beyond this -> 9004
  // Firmware applies change this parameter (relative to the root) to the file's name.
  std::string firmware_version_param = "DeviceInfo.SoftwareVersion";
  std::uint32_t reboot_seconds = 0;  // downtime of a reboot before the BOOT session
};

struct RpcFaultQuirk {
  std::string method;  // e.g. "GetParameterValues"
  std::uint32_t code = 9002;
  std::string message;  // empty = the code's default text
};

// Deliberate misbehaviour. The fleet interprets the wire-level entries; the model applies
// `rpc_faults`, `extra_events` and `omitted_events` itself.
struct Quirks {
  double share = 1.0;  // fraction of devices affected, chosen by a seeded hash of the index
  // Wire level (fleet).
  std::uint32_t reply_delay_ms = 0;         // wait before each POST
  std::uint32_t drop_connection_after = 0;  // close TCP after this many POSTs; 0 = never
  std::uint32_t stall_after = 0;            // stop sending after this many POSTs; 0 = never
  bool xml_declaration = false;
  std::string soap_env_prefix = "SOAP-ENV";
  std::string soap_enc_prefix = "SOAP-ENC";
  std::string cwmp_prefix = "cwmp";
  bool omit_value_types = false;
  std::int32_t array_count_delta = 0;
  bool zero_pad_array_counts = false;
  std::optional<cwmp::CwmpNamespace> ns;  // namespace sent instead of the profile's
  // File transfers (fleet).
  std::uint32_t transfer_bytes_per_second = 0;  // 0 = full speed
  std::uint32_t download_fault = 0;  // TransferComplete fault for every download; 0 = none
  std::uint32_t upload_fault = 0;
  // RPC level (model).
  std::vector<RpcFaultQuirk> rpc_faults;    // answer these methods with a fault
  std::vector<std::string> extra_events;    // added to every Inform (e.g. "X 00D09E Foo")
  std::vector<std::string> omitted_events;  // removed from every Inform (e.g. "M Reboot")
  // Protocol defects (model and session), one per rule the conformance harness checks in
  // CPE mode; each lets a conformance case prove it fails against a broken device. Names:
  // kProtocolDefects in quirks/quirks.cpp.
  std::vector<std::string> defects;

  bool any() const;
  bool hasDefect(std::string_view name) const;
  // Encode options matching the SOAP entries; views into this object.
  cwmp::EncodeOptions encodeOptions() const;
};

struct ProfileSpec {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;  // drives Choice values, counter spread and the quirk share
  DeviceIdSpec device_id;
  // Placeholder values: {acs_url}, {cr_url} and any other name the profile uses. Values may
  // use the built-in placeholders ({serial}, {index}, {mac}, {ip}, ...).
  std::map<std::string, std::string> variables;
  std::string mac_base = "02:00:00:00:00:00";  // {mac} = mac_base + index
  std::string ip_base = "10.0.0.1";            // {ip} = ip_base + index
  CwmpSettings cwmp;
  // Methods answered (GetRPCMethods lists them); anything else gets 9000. Empty = every
  // method the model implements except ChangeDUState.
  std::vector<std::string> rpcs;
  TransferSettings transfers;
  Quirks quirks;
  ObjectSpec root;  // the root object ("Device" or "InternetGatewayDevice")
  std::string origin;
};

}  // namespace cpesim
