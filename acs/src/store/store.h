// acs/store/store.h: the ACS store interface and its domain types (pure C++, no Poco).
//
// One `Store` object is shared by every HTTP thread of an ACS process; several ACS processes
// may share one PostgreSQL database. Every operation is safe to call concurrently and is one
// transaction where it changes more than one row. Nothing here throws: every operation returns
// `Result<T>`, whose error carries a `StoreErrc`:
//
//   NotFound     the device / task / session named does not exist
//   Conflict     the operation is not allowed in the current state (e.g. cancelling a sent task,
//                creating a session id twice)
//   Busy         the database was locked for longer than the busy timeout (retry later; the ACS
//                answers CPEs with 503 / fault 8005)
//   Unavailable  the database cannot be reached (connection lost, file unreadable); the store
//                reconnects by itself on a later call
//   Invalid      bad input (empty id, unknown sort field, limit out of range, ...)
//
//   auto store = acs::store::openStore("sqlite:///var/lib/acs/acs.db", {});
//   if (!store) die(store.error().message);
//   auto dev = (*store)->recordInform(inform);
//
// Time is milliseconds since the Unix epoch (UTC); callers pass `now` explicitly so tests can
// use a fake clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace acs::store {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// The current wall-clock time, truncated to milliseconds.
TimePoint nowMs();

// --- Errors -------------------------------------------------------------------------------------

enum class StoreErrc : std::uint8_t { NotFound, Conflict, Busy, Unavailable, Invalid };

// A stable lower-case name: "not_found", "conflict", "busy", "unavailable", "invalid".
std::string_view storeErrcName(StoreErrc code);

struct StoreError {
  StoreErrc code = StoreErrc::Invalid;
  std::string message;

  bool operator==(const StoreError&) const = default;
};

// A value of type T or a StoreError. Callers must check ok() before value().
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(StoreError error) : v_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const StoreError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, StoreError> v_;
};

// Result of an operation that returns nothing but success or an error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(StoreError error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const StoreError& error() const { return *error_; }

 private:
  std::optional<StoreError> error_;
};

using Status = Result<void>;

inline StoreError storeError(StoreErrc code, std::string message) {
  return StoreError{code, std::move(message)};
}

// --- Domain types -------------------------------------------------------------------------------

// A CPE. `id` is `<OUI>-<ProductClass>-<SerialNumber>` (see makeDeviceId).
struct Device {
  std::string id;
  std::string oui;
  std::string product_class;
  std::string serial_number;
  std::string manufacturer;
  std::string hardware_version;
  std::string software_version;
  std::string connection_request_url;
  std::string parameter_key;
  std::string ip;  // source address of the last Inform
  TimePoint last_inform{};
  TimePoint first_seen{};
  std::int64_t periodic_inform_interval = 0;  // seconds; 0 = unknown
  std::vector<std::string> last_events;       // event codes of the last Inform, e.g. "1 BOOT"
  std::vector<std::string> tags;              // sorted
  bool capture_enabled = false;
  // Computed when read: last_inform is within online_multiple * periodic_inform_interval of
  // `now`, or within StoreOptions::default_online_window when the interval is unknown.
  bool online = false;
};

struct Parameter {
  std::string name;  // full path, e.g. "Device.DeviceInfo.SoftwareVersion"
  std::string value;
  std::string type;              // xsd type as reported, e.g. "xsd:string"; may be empty
  std::optional<bool> writable;  // from GetParameterNames; unknown until then
  TimePoint last_updated{};
};

// What one Inform tells the ACS. Empty strings and a zero interval mean "not reported":
// the stored value is kept (a new device gets empty values). Exception: parameter_key is
// always replaced - it is a forced Inform parameter and may legitimately be empty.
struct InformRecord {
  std::string device_id;  // empty: computed with makeDeviceId(oui, product_class, serial)
  std::string oui;
  std::string product_class;
  std::string serial_number;
  std::string manufacturer;
  std::string hardware_version;
  std::string software_version;
  std::string connection_request_url;
  std::string parameter_key;
  std::string ip;
  std::int64_t periodic_inform_interval = 0;
  std::vector<Parameter> parameters;  // the Inform's ParameterList; last_updated is set to now
  std::vector<std::string> events;    // event codes
  TimePoint now{};
};

template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;  // rows matching the query, ignoring limit/offset
  // False when `total` is a lower bound: listDevices stops counting at
  // max(StoreOptions::device_count_cap, offset + limit + 1) matches, so
  // `total > offset + items.size()` still tells whether a next page exists. Always true for
  // the other listings.
  bool total_exact = true;
};

// Default of StoreOptions::device_count_cap: counting every match of a filter over a large
// fleet cost more than reading the page itself.
inline constexpr std::int64_t kDeviceCountCap = 10'000;

// Filters are ANDed; empty strings / nullopt mean "no filter".
struct DeviceQuery {
  std::optional<bool> online;
  std::string oui;
  std::string product_class;
  std::string software_version;
  std::string tag;
  std::string param_name;  // with param_value: devices whose parameter has exactly that value
  std::string param_value;
  std::string text;            // case-sensitive substring of id or serial number
  std::string sort_by = "id";  // one of deviceSortFields(); anything else -> Invalid
  bool descending = false;
  std::int64_t limit = 100;  // 1..kMaxPageLimit
  std::int64_t offset = 0;
  TimePoint now{};             // for `online`
  double online_multiple = 0;  // 0: StoreOptions::online_multiple
};

inline constexpr std::int64_t kMaxPageLimit = 1000;

// The fields listDevices can sort by: "id", "last_inform", "first_seen", "oui",
// "product_class", "serial_number", "software_version", "manufacturer".
const std::vector<std::string_view>& deviceSortFields();

// Outcome of acquireLease. The lease of a device guards "one CWMP session per device".
struct LeaseOutcome {
  enum class Kind : std::uint8_t { Acquired, HeldByOther };
  Kind kind = Kind::Acquired;
  // HeldByOther: the live lease.
  std::string holder_session_id;
  std::string holder_owner;
  TimePoint holder_expires_at{};
  // Acquired over an expired lease of another session: that session's id (its Sent tasks
  // should be requeued with requeueSessionTasks); empty otherwise.
  std::string taken_over_session_id;

  bool acquired() const { return kind == Kind::Acquired; }
};

// One CWMP session (from the Inform to the final 204 or its death).
struct SessionRecord {
  std::string id;         // the session cookie: random 128-bit hex
  std::string device_id;  // the device must exist (recordInform first)
  std::string owner;      // ACS instance id that started it
  TimePoint started_at{};
  TimePoint last_activity{};
  std::optional<TimePoint> ended_at;  // nullopt while open
  std::vector<std::string> events;
  std::int64_t messages_in = 0;
  std::int64_t messages_out = 0;
  std::string outcome;     // "" while open; "ok", "fault", "timeout", "aborted", "refused", ...
  std::string state_json;  // opaque serialised AcsSession state
};

enum class TaskState : std::uint8_t {
  Pending,
  Sent,
  Completed,
  Faulted,
  Failed,
  Cancelled,
  Expired
};

// "pending", "sent", "completed", "faulted", "failed", "cancelled", "expired".
std::string_view taskStateName(TaskState state);
std::optional<TaskState> parseTaskState(std::string_view name);
inline constexpr TaskState kAllTaskStates[] = {
    TaskState::Pending, TaskState::Sent,      TaskState::Completed, TaskState::Faulted,
    TaskState::Failed,  TaskState::Cancelled, TaskState::Expired};
// Completed, Faulted, Failed, Cancelled, Expired: the task will not run (again).
bool isFinished(TaskState state);

struct Task {
  std::int64_t id = 0;
  std::string device_id;
  std::string type;       // a cwmp method name ("Reboot", "SetParameterValues", ...) or "refresh"
  std::string args_json;  // the RPC's arguments in the cwmp_json body shape
  TaskState state = TaskState::Pending;
  TimePoint created_at{};
  TimePoint updated_at{};
  std::optional<TimePoint> sent_at;
  std::optional<TimePoint> expires_at;  // a Pending task past this becomes Expired
  std::int64_t attempts = 0;            // times it was sent
  std::int64_t max_attempts = 0;        // 0 on create: StoreOptions::default_max_attempts
  std::string session_id;               // session it was (last) sent in
  std::string command_key;
  std::string result_json;
  std::uint32_t fault_code = 0;
  std::string fault_string;  // CPE fault text, or the reason it Failed/Expired
  std::string connection_request_result;
};

struct TaskQuery {
  std::string device_id;  // empty: all devices
  std::optional<TaskState> state;
  std::string type;          // empty: all types
  std::int64_t limit = 100;  // 1..kMaxPageLimit
  std::int64_t offset = 0;
  bool newest_first = false;  // default: creation order
};

struct FaultRecord {
  std::int64_t id = 0;
  std::string device_id;
  std::optional<std::int64_t> task_id;
  std::string session_id;
  std::uint32_t code = 0;
  std::string message;
  std::string detail_json;
  TimePoint at{};
};

// One SOAP message of a captured session.
struct CaptureRecord {
  std::int64_t id = 0;
  std::string device_id;
  std::string session_id;
  std::int64_t seq = 0;    // order within the session
  std::string direction;   // "in" (CPE -> ACS) or "out"
  int http_status = 0;     // of the reply ("out"); 0 for requests
  std::string body;        // cut to StoreOptions::capture_max_body_bytes
  bool truncated = false;  // the body was longer and was cut
  TimePoint at{};
};

// One call that starts a CWMP session (see Store::startSession).
struct SessionStart {
  InformRecord inform;    // recorded when the lease is acquired
  SessionRecord session;  // created when the lease is acquired; device_id = the Inform's
  std::string owner;      // ACS instance id taking the lease
  std::chrono::milliseconds lease_ttl{0};
};

struct SessionStartOutcome {
  // HeldByOther: nothing was written. Acquired: the device and session rows exist and the
  // lease is this session's until saveSession releases it or it expires.
  LeaseOutcome lease;
  // Acquired: the device after the Inform (tags are not read: left empty).
  std::optional<Device> device;
};

// One call that saves a CWMP session after a request (see Store::saveSession).
struct SessionSave {
  enum class LeaseAction : std::uint8_t { Keep, Renew, Release };
  SessionRecord session;  // every mutable field is written, as updateSession does
  LeaseAction lease = LeaseAction::Keep;
  std::chrono::milliseconds lease_ttl{0};  // Renew: the lease then expires at now + ttl
  TimePoint now{};
  // Sent tasks of this session go back to Pending (or Failed), as requeueSessionTasks.
  bool requeue_sent_tasks = false;
  // Sent -> Completed with this result, as completeTask (0: none).
  std::int64_t complete_task_id = 0;
  std::string complete_result_json;
};

struct SessionSaveOutcome {
  // Renew: the lease is still this session's; Release: it was, and is released now.
  bool lease_held = false;
  std::int64_t requeued = 0;      // tasks requeued or failed by requeue_sent_tasks
  std::optional<Task> completed;  // the task completed by complete_task_id
  // Why complete_task_id could not be completed (not found, or not Sent any more); the rest
  // was saved all the same.
  std::optional<StoreError> completion_error;
};

struct Stats {
  std::int64_t devices_total = 0;
  std::int64_t devices_online = 0;
  std::map<std::string, std::int64_t> tasks_by_state;  // every state name, zeros included
  std::int64_t sessions_last_hour = 0;                 // sessions started in [now - 1h, now]
  std::int64_t faults_last_24h = 0;
};

struct PurgeCounts {
  std::int64_t sessions = 0;  // ended before the cutoff
  std::int64_t tasks = 0;     // finished, last updated before the cutoff
  std::int64_t captures = 0;
  std::int64_t faults = 0;
};

struct StoreOptions {
  double online_multiple = 2.0;  // device online if an Inform came within this many intervals
  std::chrono::milliseconds default_online_window{std::chrono::minutes(15)};  // interval unknown
  std::int64_t default_max_attempts = 3;
  std::int64_t capture_max_per_device = 500;        // newest N messages kept per device
  std::size_t capture_max_body_bytes = 1 << 20;     // longer bodies are cut (truncated = true)
  int pool_size = 8;                                // connections (PostgreSQL; SQLite readers)
  std::chrono::milliseconds busy_timeout{5000};     // wait for a lock at most this long -> Busy
  std::int64_t device_count_cap = kDeviceCountCap;  // listDevices: see Page::total_exact
};

// --- Dashboard types (issue 7) -----------------------------------------------------------------

// One bucket of activitySeries: sessions started in [start, start + step).
struct ActivityBucket {
  TimePoint start{};
  std::int64_t informs = 0;   // session records started (each one began with an Inform)
  std::int64_t sessions = 0;  // of those, the ones not refused (outcome != "refused")
};

// The device fields deviceBreakdown can group by: "product_class", "software_version",
// "oui", "manufacturer", "hardware_version".
inline const std::vector<std::string_view>& deviceBreakdownFields() {
  static const std::vector<std::string_view> fields = {"product_class", "software_version", "oui",
                                                       "manufacturer", "hardware_version"};
  return fields;
}

struct BreakdownQuery {
  std::string field;           // one of deviceBreakdownFields(); anything else -> Invalid
  std::int64_t limit = 10;     // 1..100
  std::optional<bool> online;  // only online / offline devices (DeviceQuery::online)
  TimePoint now{};
  double online_multiple = 0;  // 0: StoreOptions::online_multiple
};

struct BreakdownItem {
  std::string value;
  std::int64_t count = 0;
  std::int64_t online = 0;  // of `count`, online at `now`
};

struct Breakdown {
  std::vector<BreakdownItem> items;  // count descending, then value ascending
  std::int64_t total = 0;            // devices matching the filter
  std::int64_t other = 0;            // total - sum(items.count)
};

// A file the ACS serves to CPEs (firmware images, configuration files).
struct StoredFile {
  std::string name;       // 1..255 bytes; no '/', not "." or ".."
  std::int64_t size = 0;  // bytes
  std::string sha256;     // lower-case hex of the content
  std::string file_type;  // TR-069 FileType, e.g. "1 Firmware Upgrade Image"
  TimePoint uploaded_at{};
};

inline constexpr std::int64_t kMaxBreakdownLimit = 100;

// --- The interface ------------------------------------------------------------------------------

class Store {
 public:
  virtual ~Store() = default;
  Store() = default;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // "sqlite" or "postgresql".
  virtual std::string_view backendName() const = 0;
  // A cheap round trip to the database.
  virtual Status health() = 0;

  // Devices ---------------------------------------------------------------------------------------
  // Upserts the device (first_seen set once; empty fields keep stored values) and the
  // parameters in the Inform, in one transaction. Invalid when no id can be made.
  virtual Result<Device> recordInform(const InformRecord& inform) = 0;
  // nullopt when unknown. `online` is computed against `now`.
  virtual Result<std::optional<Device>> getDevice(std::string_view id, TimePoint now) = 0;
  // Deletes the device and everything of it (parameters, tags, tasks, sessions, faults,
  // captures, lease). False when it did not exist.
  virtual Result<bool> deleteDevice(std::string_view id) = 0;
  virtual Result<Page<Device>> listDevices(const DeviceQuery& query) = 0;
  // NotFound for an unknown device; Invalid for an empty tag or one over 128 bytes.
  // Adding a tag twice is not an error.
  virtual Status addTag(std::string_view device_id, std::string_view tag) = 0;
  // False when the device did not have the tag; NotFound for an unknown device.
  virtual Result<bool> removeTag(std::string_view device_id, std::string_view tag) = 0;
  virtual Status setCapture(std::string_view device_id, bool enabled) = 0;

  // Parameters ------------------------------------------------------------------------------------
  // Sorted by name; `prefix` "" returns all, "Device.WiFi." a subtree (plain prefix match).
  // NotFound for an unknown device.
  virtual Result<std::vector<Parameter>> getParameters(std::string_view device_id,
                                                       std::string_view prefix) = 0;
  // Inserts or replaces by (device, name). A parameter's writable flag is kept when the new
  // value has none.
  virtual Status upsertParameters(std::string_view device_id, const std::vector<Parameter>& params,
                                  TimePoint now) = 0;
  // Deletes parameters whose name starts with `prefix` (e.g. after DeleteObject). Returns the
  // number deleted.
  virtual Result<std::int64_t> deleteParameterSubtree(std::string_view device_id,
                                                      std::string_view prefix) = 0;

  // Leases ----------------------------------------------------------------------------------------
  // Acquired when the device has no lease, the lease expired (see taken_over_session_id) or
  // the lease is already this session's (renewed). HeldByOther otherwise. Atomic: of several
  // concurrent callers exactly one acquires.
  virtual Result<LeaseOutcome> acquireLease(std::string_view device_id, std::string_view session_id,
                                            std::string_view owner, TimePoint now,
                                            std::chrono::milliseconds ttl) = 0;
  // Extends the lease to now + ttl. False when this session no longer holds it.
  virtual Result<bool> renewLease(std::string_view device_id, std::string_view session_id,
                                  TimePoint now, std::chrono::milliseconds ttl) = 0;
  // False when this session did not hold it (nothing changed).
  virtual Result<bool> releaseLease(std::string_view device_id, std::string_view session_id) = 0;

  // Sessions --------------------------------------------------------------------------------------
  // Conflict when the id exists; NotFound when the device does not.
  virtual Status createSession(const SessionRecord& session) = 0;
  // Writes every mutable field (last_activity, ended_at, events, counters, outcome,
  // state_json). NotFound when unknown.
  virtual Status updateSession(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionRecord>> getSession(std::string_view id) = 0;
  // Newest first.
  virtual Result<Page<SessionRecord>> listSessions(std::string_view device_id, std::int64_t limit,
                                                   std::int64_t offset) = 0;
  // Open sessions (ended_at unset) whose last_activity + timeout < now, oldest first.
  virtual Result<std::vector<SessionRecord>> listStaleSessions(
      TimePoint now, std::chrono::milliseconds timeout) = 0;

  // Session start and save: the writes of the CWMP path, one transaction each ---------------
  // In ONE transaction: takes the device's lease for start.session.id (as acquireLease; a
  // lease whose holder's session row has ended is taken over too, without being reported in
  // taken_over_session_id, since that session is closed already), records the Inform (as
  // recordInform) and creates the session row (as createSession). When the lease is held by
  // another live session nothing is written and the outcome says HeldByOther. Invalid for a
  // device id mismatch between inform and session or a non-positive ttl; Conflict when the
  // session id exists (nothing written).
  virtual Result<SessionStartOutcome> startSession(const SessionStart& start) = 0;
  // In ONE transaction: completes the task named (when set; a task not Sent any more is
  // reported in completion_error, the rest is still saved), writes the session row (as
  // updateSession; NotFound when unknown, nothing written), requeues the session's Sent tasks
  // (when asked) and renews or releases the session's lease.
  virtual Result<SessionSaveOutcome> saveSession(const SessionSave& save) = 0;

  // Tasks -----------------------------------------------------------------------------------------
  // Stores a new Pending task (state, attempts, results of the input are ignored); sets id,
  // created_at = updated_at = now and max_attempts (when 0). NotFound for an unknown device,
  // Invalid for an empty type.
  virtual Result<Task> createTask(const Task& task, TimePoint now) = 0;
  virtual Result<std::optional<Task>> getTask(std::int64_t id) = 0;
  virtual Result<Page<Task>> listTasks(const TaskQuery& query) = 0;
  // The device's oldest Pending task (creation order), after turning Pending tasks whose
  // expires_at <= now into Expired.
  virtual Result<std::optional<Task>> nextPendingTask(std::string_view device_id,
                                                      TimePoint now) = 0;
  // Pending -> Sent: attempts + 1, session_id, command_key, sent_at = now. Conflict from any
  // other state.
  virtual Result<Task> markTaskSent(std::int64_t id, std::string_view session_id,
                                    std::string_view command_key, TimePoint now) = 0;
  // Sent -> Completed with the result. Conflict from any other state.
  virtual Result<Task> completeTask(std::int64_t id, std::string_view result_json,
                                    TimePoint now) = 0;
  // Sent or Completed -> Faulted (Completed: a later TransferComplete reported a fault).
  // A non-empty detail_json (e.g. SetParameterValuesFault entries) replaces result_json.
  // Conflict from any other state.
  virtual Result<Task> faultTask(std::int64_t id, std::uint32_t code, std::string_view message,
                                 std::string_view detail_json, TimePoint now) = 0;
  // Pending or Sent -> Failed with fault_code 0 and fault_string = reason: the task cannot
  // succeed for a reason that is not a CPE fault (a protocol error by the CPE, arguments that
  // cannot be turned into a request). Invalid for an empty reason; Conflict from any other
  // state.
  virtual Result<Task> failTask(std::int64_t id, std::string_view reason, TimePoint now) = 0;
  // Replaces result_json without a state change (e.g. TransferComplete of a Completed
  // Download). NotFound when unknown.
  virtual Result<Task> setTaskResult(std::int64_t id, std::string_view result_json,
                                     TimePoint now) = 0;
  // Pending -> Cancelled; returns the state after. Cancelling a Cancelled task returns
  // Cancelled; any other state is a Conflict.
  virtual Result<TaskState> cancelTask(std::int64_t id, TimePoint now) = 0;
  // Sent tasks of that (dead) session go back to Pending, or to Failed with fault_string
  // "max attempts reached" when attempts >= max_attempts. Returns how many changed.
  virtual Result<std::int64_t> requeueSessionTasks(std::string_view session_id, TimePoint now) = 0;
  // The newest task of the device with that command key (for TransferComplete).
  virtual Result<std::optional<Task>> findTaskByCommandKey(std::string_view device_id,
                                                           std::string_view command_key) = 0;
  virtual Status setConnectionRequestResult(std::int64_t id, std::string_view text) = 0;

  // Faults ----------------------------------------------------------------------------------------
  // Returns the record with its id. NotFound for an unknown device.
  virtual Result<FaultRecord> recordFault(const FaultRecord& fault) = 0;
  // Newest first.
  virtual Result<Page<FaultRecord>> listFaults(std::string_view device_id, std::int64_t limit,
                                               std::int64_t offset) = 0;

  // Captures --------------------------------------------------------------------------------------
  // Stores the message (body cut to capture_max_body_bytes) and drops the device's oldest
  // captures beyond capture_max_per_device. NotFound for an unknown device.
  virtual Result<CaptureRecord> appendCapture(const CaptureRecord& capture) = 0;
  // In the order they were appended (per session: seq order); all sessions of the device
  // when session_id is nullopt. NotFound for an unknown device.
  virtual Result<std::vector<CaptureRecord>> listCaptures(
      std::string_view device_id, std::optional<std::string> session_id) = 0;

  // Stats and retention ---------------------------------------------------------------------------
  // online_multiple 0: StoreOptions::online_multiple.
  virtual Result<Stats> stats(TimePoint now, double online_multiple) = 0;
  // Deletes sessions ended, finished tasks updated, captures and faults recorded before
  // `cutoff`.
  virtual Result<PurgeCounts> purgeOlderThan(TimePoint cutoff) = 0;

  // --- Dashboard queries (issue 7) ---------------------------------------------------------------
  // Devices whose last_inform is within [since, until].
  virtual Result<std::int64_t> countDevicesSeen(TimePoint since, TimePoint until) = 0;
  // Sessions started in [start, end) per `step`: one bucket per step from `start`, oldest
  // first, empty buckets included. Invalid unless 0 < step, start < end and the range has at
  // most 10,000 buckets.
  virtual Result<std::vector<ActivityBucket>> activitySeries(TimePoint start, TimePoint end,
                                                             std::chrono::milliseconds step) = 0;
  // The `limit` most frequent values of a device field with their online counts.
  virtual Result<Breakdown> deviceBreakdown(const BreakdownQuery& query) = 0;
  // Stores (or replaces) a file with its content, in one transaction; returns the stored
  // record (uploaded_at = now, size from the content). The caller computes sha256. Invalid
  // for a bad name.
  virtual Result<StoredFile> putFile(const StoredFile& file, std::string_view content,
                                     TimePoint now) = 0;
  // By name.
  virtual Result<std::vector<StoredFile>> listFiles() = 0;
  virtual Result<std::optional<StoredFile>> getFile(std::string_view name) = 0;
  // Bytes [offset, offset + length) of the content (cut at the end of the file) of the
  // version whose sha256 is `sha256`, read as one snapshot. NotFound when the file is gone
  // or was replaced by other content; Invalid for a negative offset or length.
  virtual Result<std::string> readFileContent(std::string_view name, std::string_view sha256,
                                              std::int64_t offset, std::int64_t length) = 0;
  // False when there was no such file.
  virtual Result<bool> deleteFile(std::string_view name) = 0;
};

using StorePtr = std::unique_ptr<Store>;

// --- Helpers shared by the backends and callers
// ---------------------------------------------------

// `<OUI>-<ProductClass>-<SerialNumber>` with every byte of each part outside `0-9 A-Z a-z _`
// percent-encoded from its UTF-8 bytes (cwmp-checklist 1.4.5, the TR-069 username rule), so a
// "-" inside a part ("%2D") cannot be confused with the separators. `<OUI>-<SerialNumber>`
// when product_class is empty.
std::string makeDeviceId(std::string_view oui, std::string_view product_class,
                         std::string_view serial_number);

// True when `device` is online at `now` under the rule described at Device::online: the
// window is periodic_inform_interval * onlineMultipleMilli(online_multiple) milliseconds
// (the multiple is used to three decimals, as the SQL filters do).
bool isOnline(const Device& device, TimePoint now, double online_multiple,
              std::chrono::milliseconds default_online_window);
// llround(online_multiple * 1000); 0 for a multiple <= 0.
std::int64_t onlineMultipleMilli(double online_multiple);

}  // namespace acs::store
