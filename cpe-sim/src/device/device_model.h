// device/device_model.h: the simulated CPE's data model: a Profile (one per device type,
// immutable, shared by every device of that type) and a Device (one per simulated CPE,
// small: only what differs from the profile).
//
// Pure: no IO, no clocks, no global state. Time comes in as `now` arguments, randomness
// from the profile seed (values) or the caller's Rng (retry waits). A Device is not
// thread-safe: one thread at a time per device (the fleet runs one session per device).
// A Profile is immutable and may be shared by any number of threads.
//
//   auto profile = cpesim::loadProfileFile("profiles/tr181-gateway.yaml");  // profile_loader.h
//   cpesim::Device device(42);                    // fresh: first contact will be BOOTSTRAP
//   device.powerOn(**profile, now);               // queues 0 BOOTSTRAP + 1 BOOT
//   cpesim::DueWork due = device.poll(**profile, now);   // due.start_session == true
//   // ... run a CpeSession (session/cpe_session.h), then:
//   auto wake = device.nextWakeup(**profile, now);
//
// Memory: a fresh, idle device is a few hundred bytes (Device::memoryFootprint()); names,
// types and defaults live once in the profile's template. Values are only stored when they
// differ from the profile (SPV, external changes, added instances).
#pragma once

#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "device/profile_spec.h"

#include "cwmp/messages.h"
#include "cwmp/status.h"

namespace cpesim {

using TimePoint = std::chrono::system_clock::time_point;
using Rng = std::mt19937_64;
template <class T>
using Result = cwmp::Result<T>;

class ModelTemplate;  // device/model_template.h: the expanded, shared parameter tree

// ---------------------------------------------------------------------------------------
// Profile

// Values read from <root>.ManagementServer. on one device (checklist 12). Parameters the
// profile lacks keep the defaults below.
struct ManagementServerConfig {
  bool enable_cwmp = true;
  std::string url;
  std::string username;
  std::string password;
  std::string connection_request_url;
  std::string connection_request_username;
  std::string connection_request_password;
  bool periodic_inform_enable = true;
  std::uint32_t periodic_inform_interval = 86400;  // seconds, >= 1
  std::string periodic_inform_time = std::string(cwmp::kUnknownTime);
  std::uint32_t retry_minimum_wait_interval = 5;   // CWMPRetryMinimumWaitInterval (m)
  std::uint32_t retry_interval_multiplier = 2000;  // CWMPRetryIntervalMultiplier (k)
};

class Profile {
 public:
  // Validates `spec` and expands it into the shared template. Errors name the spec element
  // (with its origin, e.g. "tr181.yaml:120:7") and what is wrong.
  static Result<std::shared_ptr<const Profile>> build(ProfileSpec spec);

  // The same profile with some placeholder variables replaced (e.g. "acs_url", "cr_url",
  // or "serial" to override the serial pattern) and, if given, another seed. The template
  // is shared, not copied. Fails if a value uses an unknown placeholder.
  Result<std::shared_ptr<const Profile>> withVariables(
      const std::map<std::string, std::string>& variables,
      std::optional<std::uint64_t> seed = std::nullopt) const;

  const std::string& name() const { return name_; }
  const std::string& description() const { return description_; }
  std::uint64_t seed() const { return seed_; }
  // "Device." or "InternetGatewayDevice."
  const std::string& rootName() const;

  // DeviceId of the device with `index`, placeholders expanded.
  cwmp::DeviceIdStruct deviceId(std::uint32_t index) const;
  std::string serialNumber(std::uint32_t index) const;
  // Expands placeholders in `text` for device `index` ({serial}, {index}, {index:08},
  // {mac}, {mac_hex}, {ip}, {oui}, {manufacturer}, {product_class}, variables...;
  // "{{" and "}}" are literal braces). Unknown placeholders are kept verbatim.
  std::string expand(std::string_view text, std::uint32_t index) const;

  const CwmpSettings& cwmp() const { return cwmp_; }
  // The namespace this device sends (the quirk's, if it applies to `index`).
  cwmp::CwmpNamespace namespaceFor(std::uint32_t index) const;
  // Methods answered, in GetRPCMethods order.
  const std::vector<std::string>& rpcMethods() const { return rpcs_; }
  bool supports(std::string_view method) const;
  const TransferSettings& transfers() const { return transfers_; }
  const Quirks& quirks() const { return quirks_; }
  // The quirks if they apply to device `index` (per Quirks::share), else nullptr.
  const Quirks* quirksFor(std::uint32_t index) const;

  // Template size: parameters (leaves) and all nodes (objects, tables, parameters) before
  // any device adds or deletes instances.
  std::size_t parameterCount() const;
  std::size_t nodeCount() const;
  // Hash of the template's shape (names, kinds, types). Device state refers to template
  // nodes by number, so a state file is only valid with a profile of the same fingerprint:
  // the fleet writes it once in the state file and refuses a file made with another.
  std::uint64_t fingerprint() const;

  const ModelTemplate& model() const { return *model_; }
  const std::map<std::string, std::string>& variables() const { return variables_; }

 private:
  Profile() = default;
  friend class ProfileAccess;

  std::string name_;
  std::string description_;
  std::uint64_t seed_ = 1;
  DeviceIdSpec device_id_;
  std::map<std::string, std::string> variables_;
  std::uint64_t mac_base_ = 0;  // 48-bit
  std::uint32_t ip_base_ = 0;
  CwmpSettings cwmp_;
  std::vector<std::string> rpcs_;
  TransferSettings transfers_;
  Quirks quirks_;
  std::shared_ptr<const ModelTemplate> model_;
};

using ProfilePtr = std::shared_ptr<const Profile>;

// ---------------------------------------------------------------------------------------
// Transfers

// A Download, Upload or ScheduleDownload the device accepted (Status 1) and the fleet
// carries out: at `start_at` (Device::poll() lists it in DueWork) it fetches `url` with HTTP GET
// (download) or sends the file with HTTP PUT (upload, body from Device::uploadContent()),
// then reports with Device::completeTransfer().
struct TransferJob {
  std::uint32_t id = 0;  // unique per device, never reused
  bool is_download = true;
  bool scheduled = false;  // from ScheduleDownload (completion event M ScheduleDownload)
  std::string command_key;
  std::string file_type;
  std::string url;
  std::string username;
  std::string password;
  std::uint32_t file_size = 0;  // 0 = unknown; otherwise the downloaded size must match
  std::string target_file_name;
  TimePoint start_at;                 // received + DelaySeconds (or the first window start)
  std::optional<TimePoint> deadline;  // ScheduleDownload: end of the last window (9020 after)
  std::int32_t state = 1;             // 1 not started, 2 in progress
  // The download of a ChangeDUState Install or Update: not a queued transfer (the
  // GetAllQueuedTransfers family ignores it), reported by DUStateChangeComplete instead of
  // TransferComplete. The fleet runs it like any download.
  bool du_operation = false;
  bool operator==(const TransferJob&) const = default;
};

// Work the fleet must do for a device now (Device::poll()).
struct DueWork {
  bool start_session = false;                // open a session now (events wait, or a retry is due)
  bool booted = false;                       // a pending reboot completed (1 BOOT queued)
  std::vector<TransferJob> start_transfers;  // now in progress; run them
};

// Actions an ACS ordered during a session, carried out after it (checklist 3.2.3). Filled
// by Device::execute(), consumed by CpeSession::finish().
struct SessionEffects {
  std::optional<std::string> reboot_command_key;
  bool factory_reset = false;
  bool acs_url_changed = false;  // ManagementServer.URL set: next contact is BOOTSTRAP
};

// ---------------------------------------------------------------------------------------
// Device

class Device {
 public:
  // A device fresh from the factory: no stored state, so its first contact carries
  // 0 BOOTSTRAP. Call powerOn() to start it.
  explicit Device(std::uint32_t index);

  std::uint32_t index() const { return index_; }

  // --- Life cycle -----------------------------------------------------------------------

  // Power-up at `now`: uptime restarts, RetryCount resets, `1 BOOT` is queued (with
  // `0 BOOTSTRAP` while never delivered to this ACS). Events that do not survive a reboot
  // (checklist 6.2: 1 BOOT, 4 VALUE CHANGE, 6 CONNECTION REQUEST, 8 DIAGNOSTICS COMPLETE)
  // are dropped first, as are pending value changes.
  void powerOn(const Profile& profile, TimePoint now);
  // A valid Connection Request arrived: queues `6 CONNECTION REQUEST`. The fleet opens a
  // session (at once, or after the one in progress).
  void connectionRequest();
  // True between a Reboot/FactoryReset/firmware apply and the boot that ends it.
  bool rebooting() const;

  // The earliest time poll() has something to do: a pending boot, the next periodic
  // inform, a ScheduleInform, a session retry, a transfer start or deadline, `now` when
  // events wait for delivery and no retry is pending, or the time an active notification
  // may open a session (the value changed, and DefaultActiveNotificationThrottle seconds
  // passed since the last delivered Inform, checklist 10.6). nullopt: nothing scheduled
  // (EnableCWMP false and no transfers).
  std::optional<TimePoint> nextWakeup(const Profile& profile, TimePoint now) const;
  // The next `2 PERIODIC` time from PeriodicInformEnable/Interval/Time as they are now (a
  // change takes effect at once). Phase: PeriodicInformTime, or the boot time when it is
  // the Unknown Time. nullopt when periodic informs are disabled.
  std::optional<TimePoint> nextPeriodicInform(const Profile& profile, TimePoint now) const;
  // Queues the events that are due (2 PERIODIC, 3 SCHEDULED + M ScheduleInform), completes
  // a due reboot, fails ScheduleDownloads past their windows (9020), marks due transfers in
  // progress and says whether a session should start.
  DueWork poll(const Profile& profile, TimePoint now);

  // --- Parameters -----------------------------------------------------------------------

  // The current value of the full parameter name `name` (with its xsd type), or an error
  // (InvalidArgument) when this device has no such parameter.
  Result<cwmp::ParameterValueStruct> parameter(const Profile& profile, std::string_view name,
                                               TimePoint now) const;
  // Changes a value for a non-ACS reason (LAN, GUI, device state). Checks name, type and
  // value like SPV does (writability is not required). With passive or active notification
  // the change is reported with `4 VALUE CHANGE` in the next Inform; returns true when the
  // notification is active, meaning the fleet should open a session.
  Result<bool> changeValue(const Profile& profile, std::string_view name, std::string value,
                           TimePoint now);
  ManagementServerConfig managementServer(const Profile& profile, TimePoint now) const;
  const std::string& parameterKey() const { return parameter_key_; }

  // --- RPCs -----------------------------------------------------------------------------

  // Runs one ACS request on the model and returns its response or a cwmp::Fault
  // (checklist 4.3 / 5.2): unsupported by the profile -> 9000; quirk rpc_faults apply.
  // Actions that wait for the end of the session go into `effects`.
  cwmp::Body execute(const Profile& profile, const cwmp::Body& request, TimePoint now,
                     SessionEffects& effects);

  // --- Transfers ------------------------------------------------------------------------

  // Accepted transfers not yet completed (state 1 or 2).
  const std::vector<TransferJob>& transfers() const { return transfers_; }
  // Reports the outcome of a transfer the fleet ran: fault_code 0 = success, else 9010..
  // 9020. Queues `7 TRANSFER COMPLETE` + `M Download`/`M Upload`/`M ScheduleDownload` and
  // the TransferComplete request. A successful firmware download (FileType
  // "1 Firmware Upgrade Image") sets the software version and reboots the device (after
  // TransferSettings::reboot_seconds). A ChangeDUState download (du_operation) instead
  // finishes its Install or Update ("Software modules" below). Unknown job ids are ignored
  // (returns false).
  bool completeTransfer(const Profile& profile, const TransferJob& job, std::uint32_t fault_code,
                        std::string fault_string, TimePoint start, TimePoint complete);
  // The file an Upload sends: a configuration file (every parameter as `name=value`
  // lines) or a log file, by FileType.
  std::string uploadContent(const Profile& profile, const TransferJob& job, TimePoint now) const;

  // --- Software modules (ChangeDUState, TR-069 A.4.1.10; TR-181 SoftwareModules) ----------
  //
  // A profile that lists ChangeDUState among its rpcs has a <root>SoftwareModules.
  // DeploymentUnit.{i}. table (UUID, Name, Version, Status, URL, ExecutionEnvRef, ...); the
  // deployment units are instances of that table, stored as per-device diffs like any
  // instance. ChangeDUState queues its operations; poll() runs them in request order:
  // Install and Update download their URL through a TransferJob (du_operation) the fleet
  // runs like a Download, Uninstall deletes the instance. Once every operation has a
  // result, `11 DU STATE CHANGE COMPLETE` + `M ChangeDUState` and the DUStateChangeComplete
  // (one OpResultStruct per operation, in request order) wait until the ACS takes them,
  // across reboots. Result faults: 9003, 9012, 9013, 9015-9018, 9022-9024, 9026-9028,
  // 9030-9032 (checklist 5.2).

  // DUStateChangeComplete requests waiting for the ACS, oldest first.
  std::vector<cwmp::DUStateChangeComplete> pendingDuStateChangeCompletes() const;
  // The ACS acknowledged this DUStateChangeComplete (or refused it for good).
  void duStateChangeCompleteDelivered(const cwmp::DUStateChangeComplete& message);
  // ChangeDUState operations accepted and not yet finished.
  std::size_t pendingDuOperations() const;

  // --- Used by CpeSession ---------------------------------------------------------------

  // What the next Inform reports: the undelivered events in Inform order (quirk extra and
  // omitted events applied; `7 TRANSFER COMPLETE` + `M Download`/`M Upload`/
  // `M ScheduleDownload` for undelivered TransferCompletes; `4 VALUE CHANGE` for pending
  // value changes; at most 64), then the forced inform parameters and, with
  // `4 VALUE CHANGE`, the changed parameters with notification 1/2, each once. Generated
  // parameters (uptime, counters, choices with a period) count as changed when their
  // notification is on and their value now differs from the one at the last delivered
  // Inform (or power-on): the device's own state changing is an external cause (10.1).
  struct InformContent {
    std::vector<cwmp::EventStruct> events;
    std::vector<cwmp::ParameterValueStruct> parameters;
    // Stored events this Inform accounts for: those it carries and those a quirk omits.
    std::vector<cwmp::EventStruct> consumed;
    std::uint32_t change_mark = 0;  // value changes up to this mark are reported
    std::int64_t at_ms = 0;         // when it was built: the next baseline of generated values
  };
  InformContent informContent(const Profile& profile, TimePoint now) const;
  // The ACS answered the Inform built from `content`: its events and value changes are
  // delivered (events and changes that arrived since stay pending).
  void informDelivered(const InformContent& content);
  // TransferComplete requests waiting for the ACS, oldest first.
  std::vector<cwmp::TransferComplete> pendingTransferCompletes() const;
  // The ACS acknowledged the TransferComplete for `command_key` (or refused it for good).
  void transferCompleteDelivered(const cwmp::TransferComplete& message);
  std::uint32_t retryCount() const { return retry_count_; }
  // A session failed at `now`: RetryCount grows and the retry is drawn from
  // retryWaitRange() with `rng`. 6 CONNECTION REQUEST is dropped (not retried). Returns
  // the retry time.
  TimePoint sessionFailed(const Profile& profile, TimePoint now, Rng& rng);
  // A session ended well: RetryCount back to 0, then `effects` are applied (reboot,
  // factory reset, ACS URL change -> BOOTSTRAP).
  void sessionSucceeded(const Profile& profile, const SessionEffects& effects, TimePoint now);
  // The next cwmp:ID for a request this device sends.
  std::string nextMessageId();

  // --- State ----------------------------------------------------------------------------

  // Compact one-line text form of everything the device stores (value and attribute diffs
  // by template node, added/deleted instances and counters, ParameterKey, events,
  // transfers, TransferCompletes, scheduled informs, retry state, boot time). No newline
  // inside, so a state file can hold one device per line. Node numbers are only meaningful
  // with the same profile: see Profile::fingerprint().
  std::string save() const;
  // Reads what save() wrote, checking every node number and name against `profile`.
  static Result<Device> load(const Profile& profile, std::string_view state);

  // Bytes this device occupies: the object plus every heap block it owns (estimated from
  // sizes and capacities; strings past the small-string buffer count their capacity).
  std::size_t memoryFootprint() const;

  // Factory reset applied at once (FactoryReset after its session calls this): all diffs,
  // attributes, instances, counters, events, transfers and the ParameterKey go; the device
  // reboots and its next contact is `0 BOOTSTRAP` + `1 BOOT`.
  void factoryReset(const Profile& profile, TimePoint now);

  // Identifies a stored value: a template node (instance_uid 0, id = template node) or a
  // node inside an instance the ACS added (instance_uid of that instance, id = schema node).
  struct Key {
    std::uint32_t instance_uid = 0;
    std::uint32_t id = 0;
    auto operator<=>(const Key&) const = default;
  };

 private:
  friend class DeviceAccess;  // device/*.cpp helpers

  struct ValueDiff {
    Key key;
    std::string value;
  };
  struct AttributeDiff {
    Key key;
    std::uint8_t notification = 0;
    bool subscriber = false;  // AccessList {"Subscriber"}
  };
  // An instance the ACS added: `path` is its full name ("Device.IP.Interface.4.").
  struct AddedInstance {
    std::uint32_t uid = 0;
    std::uint32_t schema = 0;  // schema node of the table's instance object
    std::string path;
  };
  // Next instance number of one table (template table: {0, node}; table inside an added
  // instance: {uid, schema node}). Absent: one more than the template's highest.
  struct InstanceCounter {
    Key table;
    std::uint32_t next = 1;
  };
  struct Completion {
    cwmp::TransferComplete message;
    bool is_download = true;
    bool scheduled = false;
  };
  struct ScheduledInform {
    std::int64_t at_ms = 0;
    std::string command_key;
  };
  // One ChangeDUState operation: the request's arguments, then its result.
  struct DuOperation {
    char kind = 'I';             // 'I' Install, 'U' Update, 'X' Uninstall
    bool done = false;           // `result` is final
    std::uint32_t transfer = 0;  // id of the TransferJob downloading its file; 0 = none
    std::string uuid;
    std::string version;
    std::string url;
    std::string username;
    std::string password;
    std::string env_ref;
    cwmp::OpResultStruct result;
  };
  // One ChangeDUState: running while an operation is not done, then its
  // DUStateChangeComplete waits for the ACS.
  struct DuBatch {
    std::string command_key;
    std::vector<DuOperation> operations;  // request order
    bool complete() const;
  };

  static constexpr std::int64_t kNever = INT64_MIN;

  std::uint32_t index_ = 0;
  std::uint32_t retry_count_ = 0;
  std::uint32_t next_uid_ = 1;
  std::uint32_t next_transfer_id_ = 1;
  std::uint32_t message_seq_ = 0;
  std::uint32_t change_seq_ = 0;
  std::uint8_t flags_ = 0;
  std::int64_t boot_ms_ = 0;           // last power-up (ms since the epoch)
  std::int64_t periodic_done_ms_ = 0;  // the last periodic inform time handled
  std::int64_t retry_at_ms_ = kNever;
  std::int64_t boot_at_ms_ = kNever;  // pending reboot completes at
  // The last delivered Inform (or power-on): baseline of generated values for 4 VALUE
  // CHANGE, and start of the DefaultActiveNotificationThrottle wait.
  std::int64_t notify_base_ms_ = 0;
  std::string parameter_key_;
  std::vector<ValueDiff> diffs_;           // sorted by key
  std::vector<AttributeDiff> attributes_;  // sorted by key
  std::vector<AddedInstance> added_;       // sorted by path
  std::vector<std::uint32_t> deleted_;     // template instance nodes, sorted
  std::vector<InstanceCounter> counters_;  // sorted by table
  std::vector<cwmp::EventStruct> events_;  // undelivered, in arrival order
  struct Change {
    Key key;
    std::uint32_t mark = 0;  // change_seq_ when it happened
    bool active = false;
  };
  std::vector<Change> changed_;  // value changes awaiting 4 VALUE CHANGE, by key
  std::vector<TransferJob> transfers_;
  std::vector<Completion> completions_;
  std::vector<ScheduledInform> scheduled_;
  std::vector<DuBatch> du_;  // ChangeDUState requests, oldest first
};

}  // namespace cpesim
