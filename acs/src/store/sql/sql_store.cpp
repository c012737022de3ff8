#include "store/sql/sql_store.h"

#include <algorithm>
#include <functional>
#include <string_view>
#include <unordered_map>

#include "store/sql/migrations.h"
#include "store/sql/periodic_task.h"
#include "store/sql/sql_store_dashboard.h"
#include "store/sql/sql_text.h"

namespace acs::store::sql {
namespace {

using namespace std::string_view_literals;

constexpr std::size_t kMaxIdBytes = 512;
constexpr std::size_t kMaxTagBytes = 128;
constexpr std::int64_t kPurgeChunk = 5000;
constexpr std::size_t kParameterRowsPerStatement = 200;
constexpr std::int64_t kStaleSessionsLimit = 1000;

std::int64_t ms(TimePoint t) { return t.time_since_epoch().count(); }
TimePoint tp(std::int64_t v) { return TimePoint(std::chrono::milliseconds(v)); }
std::int64_t optMs(const std::optional<TimePoint>& t) { return t ? ms(*t) : 0; }
std::optional<TimePoint> optTp(std::int64_t v) {
  return v == 0 ? std::nullopt : std::optional<TimePoint>(tp(v));
}
SqlValue text(std::string_view s) { return std::string(s); }

[[noreturn]] void fail(StoreErrc code, std::string message) {
  throw StoreFailure(code, std::move(message));
}

void checkId(std::string_view what, std::string_view id) {
  if (id.empty()) fail(StoreErrc::Invalid, std::string(what) + " is empty");
  if (id.size() > kMaxIdBytes) {
    fail(StoreErrc::Invalid,
         std::string(what) + " is longer than " + std::to_string(kMaxIdBytes) + " bytes");
  }
}

void checkPage(std::int64_t limit, std::int64_t offset) {
  if (limit < 1 || limit > kMaxPageLimit) {
    fail(StoreErrc::Invalid, "limit must be between 1 and " + std::to_string(kMaxPageLimit) +
                                 ", got " + std::to_string(limit));
  }
  if (offset < 0) fail(StoreErrc::Invalid, "offset must not be negative");
}

// --- Column lists and row mappers --------------------------------------------------------------

constexpr std::string_view kDeviceCols =
    "id, oui, product_class, serial_number, manufacturer, hardware_version, software_version, "
    "connection_request_url, parameter_key, ip, last_inform, first_seen, "
    "periodic_inform_interval, last_events, capture_enabled";
constexpr std::size_t kDeviceColCount = 15;

Device deviceFrom(const Rows& rows, std::size_t r) {
  Device d;
  d.id = rows.text(r, 0);
  d.oui = rows.text(r, 1);
  d.product_class = rows.text(r, 2);
  d.serial_number = rows.text(r, 3);
  d.manufacturer = rows.text(r, 4);
  d.hardware_version = rows.text(r, 5);
  d.software_version = rows.text(r, 6);
  d.connection_request_url = rows.text(r, 7);
  d.parameter_key = rows.text(r, 8);
  d.ip = rows.text(r, 9);
  d.last_inform = tp(rows.integer(r, 10));
  d.first_seen = tp(rows.integer(r, 11));
  d.periodic_inform_interval = rows.integer(r, 12);
  d.last_events = decodeList(rows.text(r, 13));
  d.capture_enabled = rows.integer(r, 14) != 0;
  return d;
}

constexpr std::string_view kTaskCols =
    "id, device_id, type, args_json, state, created_at, updated_at, sent_at, expires_at, "
    "attempts, max_attempts, session_id, command_key, result_json, fault_code, fault_string, "
    "connection_request_result";
constexpr std::size_t kTaskColCount = 17;

Task taskFrom(const Rows& rows, std::size_t r) {
  Task t;
  t.id = rows.integer(r, 0);
  t.device_id = rows.text(r, 1);
  t.type = rows.text(r, 2);
  t.args_json = rows.text(r, 3);
  const auto state = parseTaskState(rows.text(r, 4));
  if (!state) fail(StoreErrc::Unavailable, "task has an unknown state '" + rows.text(r, 4) + "'");
  t.state = *state;
  t.created_at = tp(rows.integer(r, 5));
  t.updated_at = tp(rows.integer(r, 6));
  t.sent_at = optTp(rows.integer(r, 7));
  t.expires_at = optTp(rows.integer(r, 8));
  t.attempts = rows.integer(r, 9);
  t.max_attempts = rows.integer(r, 10);
  t.session_id = rows.text(r, 11);
  t.command_key = rows.text(r, 12);
  t.result_json = rows.text(r, 13);
  t.fault_code = static_cast<std::uint32_t>(rows.integer(r, 14));
  t.fault_string = rows.text(r, 15);
  t.connection_request_result = rows.text(r, 16);
  return t;
}

constexpr std::string_view kSessionCols =
    "id, device_id, owner, started_at, last_activity, ended_at, events, messages_in, "
    "messages_out, outcome, state_json";
constexpr std::size_t kSessionColCount = 11;

SessionRecord sessionFrom(const Rows& rows, std::size_t r) {
  SessionRecord s;
  s.id = rows.text(r, 0);
  s.device_id = rows.text(r, 1);
  s.owner = rows.text(r, 2);
  s.started_at = tp(rows.integer(r, 3));
  s.last_activity = tp(rows.integer(r, 4));
  s.ended_at = optTp(rows.integer(r, 5));
  s.events = decodeList(rows.text(r, 6));
  s.messages_in = rows.integer(r, 7);
  s.messages_out = rows.integer(r, 8);
  s.outcome = rows.text(r, 9);
  s.state_json = rows.text(r, 10);
  return s;
}

constexpr std::string_view kFaultCols =
    "id, device_id, task_id, session_id, code, message, detail_json, at";
constexpr std::size_t kFaultColCount = 8;

FaultRecord faultFrom(const Rows& rows, std::size_t r) {
  FaultRecord f;
  f.id = rows.integer(r, 0);
  f.device_id = rows.text(r, 1);
  const std::int64_t task_id = rows.integer(r, 2);
  if (task_id != 0) f.task_id = task_id;
  f.session_id = rows.text(r, 3);
  f.code = static_cast<std::uint32_t>(rows.integer(r, 4));
  f.message = rows.text(r, 5);
  f.detail_json = rows.text(r, 6);
  f.at = tp(rows.integer(r, 7));
  return f;
}

constexpr std::string_view kCaptureCols =
    "id, device_id, session_id, seq, direction, http_status, body, body_encoding, truncated, at";
constexpr std::size_t kCaptureColCount = 10;

CaptureRecord captureFrom(const Rows& rows, std::size_t r) {
  CaptureRecord c;
  c.id = rows.integer(r, 0);
  c.device_id = rows.text(r, 1);
  c.session_id = rows.text(r, 2);
  c.seq = rows.integer(r, 3);
  c.direction = rows.text(r, 4);
  c.http_status = static_cast<int>(rows.integer(r, 5));
  if (rows.text(r, 7) == "base64") {
    auto decoded = base64Decode(rows.text(r, 6));
    if (!decoded) fail(StoreErrc::Unavailable, "capture body is not valid base64");
    c.body = std::move(*decoded);
  } else {
    c.body = rows.text(r, 6);
  }
  c.truncated = rows.integer(r, 8) != 0;
  c.at = tp(rows.integer(r, 9));
  return c;
}

constexpr std::string_view kParameterCols = "name, value, type, writable, last_updated";
constexpr std::size_t kParameterColCount = 5;

Parameter parameterFrom(const Rows& rows, std::size_t r) {
  Parameter p;
  p.name = rows.text(r, 0);
  p.value = rows.text(r, 1);
  p.type = rows.text(r, 2);
  const std::int64_t writable = rows.integer(r, 3);
  if (writable >= 0) p.writable = writable != 0;
  p.last_updated = tp(rows.integer(r, 4));
  return p;
}

std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (auto part : parts) out.append(part);
  return out;
}

std::string placeholders(std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += i == 0 ? "?" : ", ?";
  return out;
}

std::size_t routeOf(std::string_view key) { return std::hash<std::string_view>{}(key); }
std::size_t routeOf(std::int64_t key) { return std::hash<std::int64_t>{}(key); }

// --- The store
// -------------------------------------------------------------------------------------

class SqlStore final : public Store {
 public:
  SqlStore(SqlBackend backend, const StoreOptions& options)
      : backend_(std::move(backend)), options_(options) {
    if (backend_.readers > 0) {
      readers_ = std::make_unique<ConnPool>(
          backend_.connect_reader ? backend_.connect_reader : backend_.connect, backend_.readers);
    }
    writes_ = std::make_unique<WriteQueue>(backend_.writers, backend_.max_batch, backend_.connect,
                                           backend_.classify, backend_.begin_sql);
    multiple_milli_ = onlineMultipleMilli(options_.online_multiple);
  }

  Status migrate();
  Status maintain() {
    if (backend_.maintenance_sql.empty()) return {};
    return writeStatus(0, [&](Conn& c) {
      for (const std::string& statement : backend_.maintenance_sql) c.exec(statement);
    });
  }
  WriteCounters counters() const { return {writes_->batches(), writes_->operations()}; }

  // Starts backend_.background_sql (after the migrations, so it never races them).
  void startBackground() {
    if (backend_.background_sql.empty() || backend_.background_period.count() <= 0) return;
    background_ = std::make_unique<PeriodicTask>(backend_.background_period, [this] {
      try {
        if (!background_conn_ || !background_conn_->usable()) {
          background_conn_.reset();
          background_conn_ = backend_.connect();
        }
        for (const std::string& statement : backend_.background_sql) {
          (void)background_conn_->exec(statement);
        }
      } catch (...) {
        background_conn_.reset();  // reconnect next round
      }
    });
  }

  std::string_view backendName() const override { return backend_.name; }

  Status health() override {
    auto ok = read<bool>([](Conn& c) { return !c.query("SELECT 1", {}, 1).empty(); });
    if (!ok) return ok.error();
    return {};
  }

  Result<Device> recordInform(const InformRecord& inform) override;
  Result<std::optional<Device>> getDevice(std::string_view id, TimePoint now) override;
  Result<bool> deleteDevice(std::string_view id) override;
  Result<Page<Device>> listDevices(const DeviceQuery& query) override;
  Status addTag(std::string_view device_id, std::string_view tag) override;
  Result<bool> removeTag(std::string_view device_id, std::string_view tag) override;
  Status setCapture(std::string_view device_id, bool enabled) override;

  Result<std::vector<Parameter>> getParameters(std::string_view device_id,
                                               std::string_view prefix) override;
  Status upsertParameters(std::string_view device_id, const std::vector<Parameter>& params,
                          TimePoint now) override;
  Result<std::int64_t> deleteParameterSubtree(std::string_view device_id,
                                              std::string_view prefix) override;

  Result<LeaseOutcome> acquireLease(std::string_view device_id, std::string_view session_id,
                                    std::string_view owner, TimePoint now,
                                    std::chrono::milliseconds ttl) override;
  Result<bool> renewLease(std::string_view device_id, std::string_view session_id, TimePoint now,
                          std::chrono::milliseconds ttl) override;
  Result<bool> releaseLease(std::string_view device_id, std::string_view session_id) override;

  Status createSession(const SessionRecord& session) override;
  Status updateSession(const SessionRecord& session) override;
  Result<std::optional<SessionRecord>> getSession(std::string_view id) override;
  Result<Page<SessionRecord>> listSessions(std::string_view device_id, std::int64_t limit,
                                           std::int64_t offset) override;
  Result<std::vector<SessionRecord>> listStaleSessions(TimePoint now,
                                                       std::chrono::milliseconds timeout) override;

  Result<SessionStartOutcome> startSession(const SessionStart& start) override;
  Result<SessionSaveOutcome> saveSession(const SessionSave& save) override;

  Result<Task> createTask(const Task& task, TimePoint now) override;
  Result<std::optional<Task>> getTask(std::int64_t id) override;
  Result<Page<Task>> listTasks(const TaskQuery& query) override;
  Result<std::optional<Task>> nextPendingTask(std::string_view device_id, TimePoint now) override;
  Result<Task> markTaskSent(std::int64_t id, std::string_view session_id,
                            std::string_view command_key, TimePoint now) override;
  Result<Task> completeTask(std::int64_t id, std::string_view result_json, TimePoint now) override;
  Result<Task> faultTask(std::int64_t id, std::uint32_t code, std::string_view message,
                         std::string_view detail_json, TimePoint now) override;
  Result<Task> failTask(std::int64_t id, std::string_view reason, TimePoint now) override;
  Result<Task> setTaskResult(std::int64_t id, std::string_view result_json, TimePoint now) override;
  Result<TaskState> cancelTask(std::int64_t id, TimePoint now) override;
  Result<std::int64_t> requeueSessionTasks(std::string_view session_id, TimePoint now) override;
  Result<std::optional<Task>> findTaskByCommandKey(std::string_view device_id,
                                                   std::string_view command_key) override;
  Status setConnectionRequestResult(std::int64_t id, std::string_view text) override;

  Result<FaultRecord> recordFault(const FaultRecord& fault) override;
  Result<Page<FaultRecord>> listFaults(std::string_view device_id, std::int64_t limit,
                                       std::int64_t offset) override;

  Result<CaptureRecord> appendCapture(const CaptureRecord& capture) override;
  Result<std::vector<CaptureRecord>> listCaptures(std::string_view device_id,
                                                  std::optional<std::string> session_id) override;

  Result<Stats> stats(TimePoint now, double online_multiple) override;
  Result<PurgeCounts> purgeOlderThan(TimePoint cutoff) override;

  // --- Dashboard queries (issue 7): the SQL is in sql_store_dashboard.cpp -----------------------
  Result<std::int64_t> countDevicesSeen(TimePoint since, TimePoint until) override {
    return read<std::int64_t>(
        [&](Conn& c) { return dashboard::countDevicesSeen(c, since, until); });
  }
  Result<std::vector<ActivityBucket>> activitySeries(TimePoint start, TimePoint end,
                                                     std::chrono::milliseconds step) override {
    return read<std::vector<ActivityBucket>>(
        [&](Conn& c) { return dashboard::activitySeries(c, start, end, step); });
  }
  Result<Breakdown> deviceBreakdown(const BreakdownQuery& query) override {
    if (query.online_multiple < 0) {
      return storeError(StoreErrc::Invalid, "online_multiple must not be negative");
    }
    const std::int64_t multiple =
        query.online_multiple > 0 ? onlineMultipleMilli(query.online_multiple) : multiple_milli_;
    const dashboard::OnlineRule rule{
        multiple == multiple_milli_, multiple,
        static_cast<std::int64_t>(options_.default_online_window.count())};
    return read<Breakdown>([&](Conn& c) { return dashboard::deviceBreakdown(c, query, rule); });
  }
  Result<StoredFile> putFile(const StoredFile& file, std::string_view content,
                             TimePoint now) override {
    return write<StoredFile>(routeOf(std::string_view(file.name)),
                             [&](Conn& c) { return dashboard::putFile(c, file, content, now); });
  }
  Result<std::vector<StoredFile>> listFiles() override {
    return read<std::vector<StoredFile>>([](Conn& c) { return dashboard::listFiles(c); });
  }
  Result<std::optional<StoredFile>> getFile(std::string_view name) override {
    return read<std::optional<StoredFile>>([&](Conn& c) { return dashboard::getFile(c, name); });
  }
  Result<std::string> readFileContent(std::string_view name, std::string_view sha256,
                                      std::int64_t offset, std::int64_t length) override {
    return read<std::string>(
        [&](Conn& c) { return dashboard::readFileContent(c, name, sha256, offset, length); });
  }
  Result<bool> deleteFile(std::string_view name) override {
    return write<bool>(routeOf(name), [&](Conn& c) { return dashboard::deleteFile(c, name); });
  }
  // --- End of dashboard queries (issue 7) -------------------------------------------------------

 private:
  // Runs `fn` on a read connection (or through the writer when there are none).
  template <class T, class F>
  Result<T> read(F&& fn) {
    if (!readers_) return write<T>(0, std::forward<F>(fn));
    try {
      auto handle = readers_->acquire();
      try {
        return Result<T>(fn(*handle));
      } catch (...) {
        Classified c = classifyCurrent(backend_.classify);
        if (c.connection_lost) handle.discard();
        return c.error;
      }
    } catch (...) {
      return classifyCurrent(backend_.classify).error;
    }
  }

  // Runs `fn` in a write transaction (group-committed; see write_queue.h).
  template <class T, class F>
  Result<T> write(std::size_t route, F&& fn) {
    std::optional<T> out;
    Status status = writes_->run([&](Conn& c) { out.emplace(fn(c)); }, route);
    if (!status) return status.error();
    return std::move(*out);
  }

  template <class F>
  Status writeStatus(std::size_t route, F&& fn) {
    return writes_->run([&](Conn& c) { fn(c); }, route);
  }

  bool pg() const { return backend_.dialect == Dialect::Postgres; }
  std::string_view forUpdate() const { return pg() ? " FOR UPDATE"sv : ""sv; }
  std::string_view substringFn() const { return pg() ? "strpos"sv : "instr"sv; }

  std::int64_t windowFor(std::int64_t interval, std::int64_t multiple_milli) const {
    return interval > 0 ? interval * multiple_milli
                        : static_cast<std::int64_t>(options_.default_online_window.count());
  }

  void requireDevice(Conn& c, std::string_view device_id) const {
    checkId("device id", device_id);
    if (c.query("SELECT 1 FROM devices WHERE id = ?", {text(device_id)}, 1).empty()) {
      fail(StoreErrc::NotFound, "device '" + std::string(device_id) + "' not found");
    }
  }

  std::vector<std::string> tagsOf(Conn& c, std::string_view device_id) const {
    Rows rows = c.query("SELECT tag FROM device_tags WHERE device_id = ? ORDER BY tag",
                        {text(device_id)}, 1);
    std::vector<std::string> tags;
    tags.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) tags.push_back(rows.text(r, 0));
    return tags;
  }

  void fillTags(Conn& c, std::vector<Device>& devices) const {
    if (devices.empty()) return;
    SqlParams params;
    std::unordered_map<std::string, Device*> by_id;
    for (Device& d : devices) {
      params.push_back(d.id);
      by_id[d.id] = &d;
    }
    Rows rows = c.query(cat({"SELECT device_id, tag FROM device_tags WHERE device_id IN (",
                             placeholders(devices.size()), ") ORDER BY device_id, tag"}),
                        params, 2);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      auto it = by_id.find(rows.text(r, 0));
      if (it != by_id.end()) it->second->tags.push_back(rows.text(r, 1));
    }
  }

  void upsertParametersTx(Conn& c, std::string_view device_id, const std::vector<Parameter>& params,
                          TimePoint now) const;
  // The bodies of recordInform, acquireLease, createSession, updateSession and
  // requeueSessionTasks, run inside the caller's transaction (startSession / saveSession
  // combine them).
  // with_tags: read the device's tags into the result (startSession's caller needs none).
  Device recordInformTx(Conn& c, const std::string& id, const InformRecord& inform,
                        bool with_tags = true) const;
  LeaseOutcome acquireLeaseTx(Conn& c, std::string_view device_id, std::string_view session_id,
                              std::string_view owner, TimePoint now, std::chrono::milliseconds ttl,
                              bool take_over_ended) const;
  // device_known: the caller wrote the device row in this transaction (no lookup needed).
  void createSessionTx(Conn& c, const SessionRecord& s, bool device_known = false) const;
  void updateSessionTx(Conn& c, const SessionRecord& s) const;
  std::int64_t requeueSessionTasksTx(Conn& c, std::string_view session_id, TimePoint now) const;
  std::optional<Task> taskById(Conn& c, std::int64_t id) const {
    static const std::string kSql = cat({"SELECT ", kTaskCols, " FROM tasks WHERE id = ?"});
    Rows rows = c.query(kSql, {id}, kTaskColCount);
    if (rows.empty()) return std::nullopt;
    return taskFrom(rows, 0);
  }
  // After a conditional UPDATE matched nothing: NotFound or Conflict naming the state.
  [[noreturn]] void failTransition(Conn& c, std::int64_t id, std::string_view action) const {
    auto task = taskById(c, id);
    if (!task) fail(StoreErrc::NotFound, "task " + std::to_string(id) + " not found");
    fail(StoreErrc::Conflict, "task " + std::to_string(id) + " is " +
                                  std::string(taskStateName(task->state)) + ": cannot " +
                                  std::string(action));
  }
  Result<Task> transition(std::int64_t id, std::string_view action, std::string sql,
                          SqlParams params);
  Result<std::int64_t> purgeChunked(std::string_view table, std::string_view key, std::string where,
                                    SqlParams params);

  SqlBackend backend_;
  StoreOptions options_;
  std::int64_t multiple_milli_ = 0;
  std::unique_ptr<ConnPool> readers_;
  std::unique_ptr<WriteQueue> writes_;
  ConnPtr background_conn_;                   // used by background_ only
  std::unique_ptr<PeriodicTask> background_;  // last: stopped first
};

// --- Migrations
// ------------------------------------------------------------------------------------

Status SqlStore::migrate() {
  const Dialect dialect = backend_.dialect;
  return writeStatus(0, [dialect](Conn& c) {
    if (dialect == Dialect::Postgres) {
      // Two ACS processes starting at once: the second waits here for the first.
      c.query("SELECT 1 FROM (SELECT pg_advisory_xact_lock(7547001)) AS migration_lock", {}, 1);
    }
    c.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT NOT NULL PRIMARY KEY, "
        "name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
    // Versions are applied by membership, not by "above the highest": a migration numbered
    // below one already applied (written in parallel and shipped later) still runs, in
    // version order with the others that are missing.
    Rows rows = c.query("SELECT version FROM schema_migrations ORDER BY version", {}, 1);
    std::vector<std::int64_t> applied;
    applied.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) applied.push_back(rows.integer(r, 0));
    const int latest = latestSchemaVersion(dialect);
    if (!applied.empty() && applied.back() > latest) {
      fail(StoreErrc::Invalid, "database schema version " + std::to_string(applied.back()) +
                                   " is newer than this ACS supports (" + std::to_string(latest) +
                                   "); upgrade the ACS");
    }
    std::vector<const Migration*> ordered;
    for (const Migration& migration : migrationsFor(dialect)) ordered.push_back(&migration);
    std::stable_sort(ordered.begin(), ordered.end(), [](const Migration* a, const Migration* b) {
      return a->version < b->version;
    });
    for (const Migration* next : ordered) {
      const Migration& migration = *next;
      if (std::binary_search(applied.begin(), applied.end(), std::int64_t{migration.version})) {
        continue;
      }
      for (const std::string& statement : migration.statements) c.exec(statement);
      c.exec("INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
             {std::int64_t{migration.version}, migration.name, ms(nowMs())});
    }
  });
}

// --- Devices
// ---------------------------------------------------------------------------------------

Result<Device> SqlStore::recordInform(const InformRecord& inform) {
  std::string id = inform.device_id;
  if (id.empty()) {
    if (inform.oui.empty() || inform.serial_number.empty()) {
      return storeError(StoreErrc::Invalid,
                        "Inform has no device id: OUI and SerialNumber are required");
    }
    id = makeDeviceId(inform.oui, inform.product_class, inform.serial_number);
  }
  if (inform.periodic_inform_interval < 0) {
    return storeError(StoreErrc::Invalid, "periodic inform interval must not be negative");
  }
  return write<Device>(routeOf(id), [&](Conn& c) { return recordInformTx(c, id, inform); });
}

// Makes the device id of an Inform (Invalid when it has none).
std::string informDeviceId(const InformRecord& inform) {
  if (!inform.device_id.empty()) return inform.device_id;
  if (inform.oui.empty() || inform.serial_number.empty()) {
    fail(StoreErrc::Invalid, "Inform has no device id: OUI and SerialNumber are required");
  }
  return makeDeviceId(inform.oui, inform.product_class, inform.serial_number);
}

Device SqlStore::recordInformTx(Conn& c, const std::string& id, const InformRecord& inform,
                               bool with_tags) const {
  if (inform.periodic_inform_interval < 0) {
    fail(StoreErrc::Invalid, "periodic inform interval must not be negative");
  }
  const std::int64_t now = ms(inform.now);
  const std::int64_t online_until =
      now + windowFor(inform.periodic_inform_interval, multiple_milli_);
  const std::int64_t default_window = options_.default_online_window.count();
  {
    checkId("device id", id);
    // The columns a periodic Inform changes, upserted in one statement. The identity columns
    // (oui, product class, serial number, manufacturer, hardware and software version) are
    // each indexed: an UPDATE that assigns them, even to the same value, rewrites all their
    // index entries (SQLite maintains every index over an assigned column), about 16 pages per
    // commit of 20 sessions in acs_bench. So they are written only on insert, and otherwise
    // only when the Inform brings a different value (below).
    static const std::string kUpsert = cat(
        {"INSERT INTO devices(id, oui, product_class, serial_number, manufacturer, "
         "hardware_version, software_version, connection_request_url, parameter_key, ip, "
         "last_inform, first_seen, periodic_inform_interval, last_events, capture_enabled, "
         "online_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?) "
         "ON CONFLICT(id) DO UPDATE SET "
         "connection_request_url = CASE WHEN excluded.connection_request_url <> '' THEN "
         "excluded.connection_request_url ELSE devices.connection_request_url END, "
         "parameter_key = excluded.parameter_key, "
         "ip = CASE WHEN excluded.ip <> '' THEN excluded.ip ELSE devices.ip END, "
         "last_inform = excluded.last_inform, "
         "periodic_inform_interval = CASE WHEN excluded.periodic_inform_interval > 0 THEN "
         "excluded.periodic_inform_interval ELSE devices.periodic_inform_interval END, "
         "last_events = excluded.last_events, "
         "online_until = excluded.last_inform + CASE "
         "WHEN excluded.periodic_inform_interval > 0 THEN excluded.periodic_inform_interval * ? "
         "WHEN devices.periodic_inform_interval > 0 THEN devices.periodic_inform_interval * ? "
         "ELSE ? END "
         "RETURNING ",
         kDeviceCols});
    Rows rows = c.query(
        kUpsert,
        {id, inform.oui, inform.product_class, inform.serial_number, inform.manufacturer,
         inform.hardware_version, inform.software_version, inform.connection_request_url,
         inform.parameter_key, inform.ip, now, now, inform.periodic_inform_interval,
         encodeList(inform.events), online_until, multiple_milli_, multiple_milli_, default_window},
        kDeviceColCount);
    if (rows.empty()) fail(StoreErrc::Unavailable, "device upsert returned no row");
    Device device = deviceFrom(rows, 0);
    // An identity column the Inform changes (a new software version after an upgrade, ...):
    // one more statement, for the columns that differ only. An empty value keeps the stored one.
    std::string set;
    SqlParams changed;
    auto differs = [&](std::string_view column, const std::string& value, std::string& stored) {
      if (value.empty() || value == stored) return;
      set += cat({set.empty() ? "" : ", ", column, " = ?"});
      changed.push_back(value);
      stored = value;
    };
    differs("oui", inform.oui, device.oui);
    differs("product_class", inform.product_class, device.product_class);
    differs("serial_number", inform.serial_number, device.serial_number);
    differs("manufacturer", inform.manufacturer, device.manufacturer);
    differs("hardware_version", inform.hardware_version, device.hardware_version);
    differs("software_version", inform.software_version, device.software_version);
    if (!set.empty()) {
      changed.push_back(id);
      c.exec(cat({"UPDATE devices SET ", set, " WHERE id = ?"}), changed);
    }
    if (!inform.parameters.empty()) upsertParametersTx(c, id, inform.parameters, inform.now);
    if (with_tags) device.tags = tagsOf(c, id);
    device.online =
        isOnline(device, inform.now, options_.online_multiple, options_.default_online_window);
    return device;
  }
}

void SqlStore::upsertParametersTx(Conn& c, std::string_view device_id,
                                  const std::vector<Parameter>& params, TimePoint now) const {
  // One row per name (the last one wins): one statement must not update a row twice.
  std::vector<const Parameter*> unique;
  unique.reserve(params.size());
  std::unordered_map<std::string_view, std::size_t> index;
  for (const Parameter& p : params) {
    if (p.name.empty()) fail(StoreErrc::Invalid, "parameter name is empty");
    auto [it, inserted] = index.emplace(p.name, unique.size());
    if (inserted) {
      unique.push_back(&p);
    } else {
      unique[it->second] = &p;
    }
  }
  const std::int64_t at = ms(now);
  static constexpr std::string_view kOnConflict =
      " ON CONFLICT(device_id, name) DO UPDATE SET value = excluded.value, "
      "type = CASE WHEN excluded.type <> '' THEN excluded.type ELSE parameters.type END, "
      "writable = CASE WHEN excluded.writable >= 0 THEN excluded.writable "
      "ELSE parameters.writable END, last_updated = excluded.last_updated";
  auto writable = [](const Parameter& p) {
    return std::int64_t{p.writable ? (*p.writable ? 1 : 0) : -1};
  };
  if (!pg()) {
    // SQLite: one cached single-row statement per parameter costs no round trip and no
    // re-parsing.
    static const std::string kOne =
        cat({"INSERT INTO parameters(device_id, name, value, type, writable, last_updated) VALUES "
             "(?, ?, ?, ?, ?, ?)",
             kOnConflict});
    for (const Parameter* p : unique) {
      c.exec(kOne, {std::string(device_id), p->name, p->value, p->type, writable(*p), at});
    }
    return;
  }
  // PostgreSQL: multi-row statements, one round trip per kParameterRowsPerStatement rows.
  for (std::size_t begin = 0; begin < unique.size(); begin += kParameterRowsPerStatement) {
    const std::size_t end = std::min(unique.size(), begin + kParameterRowsPerStatement);
    std::string sql =
        "INSERT INTO parameters(device_id, name, value, type, writable, last_updated) VALUES ";
    SqlParams values;
    values.reserve((end - begin) * 6);
    for (std::size_t i = begin; i < end; ++i) {
      const Parameter& p = *unique[i];
      sql += i == begin ? "(?, ?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?, ?)";
      values.push_back(std::string(device_id));
      values.push_back(p.name);
      values.push_back(p.value);
      values.push_back(p.type);
      values.push_back(writable(p));
      values.push_back(at);
    }
    sql += kOnConflict;
    c.exec(sql, values);
  }
}

Result<std::optional<Device>> SqlStore::getDevice(std::string_view id, TimePoint now) {
  return read<std::optional<Device>>([&](Conn& c) -> std::optional<Device> {
    checkId("device id", id);
    Rows rows = c.query(cat({"SELECT ", kDeviceCols, " FROM devices WHERE id = ?"}), {text(id)},
                        kDeviceColCount);
    if (rows.empty()) return std::nullopt;
    Device device = deviceFrom(rows, 0);
    device.tags = tagsOf(c, id);
    device.online = isOnline(device, now, options_.online_multiple, options_.default_online_window);
    return device;
  });
}

Result<bool> SqlStore::deleteDevice(std::string_view id) {
  return write<bool>(routeOf(id), [&](Conn& c) {
    checkId("device id", id);
    const SqlParams key{text(id)};
    // Children explicitly (also covered by ON DELETE CASCADE), so nothing depends on the
    // connection's foreign-key setting.
    for (std::string_view table : {"parameters"sv, "device_tags"sv, "sessions"sv, "tasks"sv,
                                   "faults"sv, "captures"sv, "leases"sv}) {
      c.exec(cat({"DELETE FROM ", table, " WHERE device_id = ?"}), key);
    }
    return c.exec("DELETE FROM devices WHERE id = ?", key) > 0;
  });
}

Result<Page<Device>> SqlStore::listDevices(const DeviceQuery& q) {
  const auto& fields = deviceSortFields();
  if (std::find(fields.begin(), fields.end(), std::string_view(q.sort_by)) == fields.end()) {
    return storeError(StoreErrc::Invalid, "cannot sort devices by '" + q.sort_by + "'");
  }
  if (q.param_name.empty() != q.param_value.empty() && q.param_name.empty()) {
    return storeError(StoreErrc::Invalid, "param_value needs param_name");
  }
  if (q.online_multiple < 0) {
    return storeError(StoreErrc::Invalid, "online_multiple must not be negative");
  }
  std::string where;
  SqlParams params;
  auto add = [&](std::string_view clause) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
  };
  if (q.online) {
    const std::int64_t multiple =
        q.online_multiple > 0 ? onlineMultipleMilli(q.online_multiple) : multiple_milli_;
    if (multiple == multiple_milli_) {
      add(*q.online ? "online_until >= ?" : "online_until < ?");  // indexed
      params.push_back(ms(q.now));
    } else {
      add(
          cat({"(last_inform + CASE WHEN periodic_inform_interval > 0 THEN "
               "periodic_inform_interval * ? ELSE ? END) ",
               *q.online ? ">= ?" : "< ?"}));
      params.push_back(multiple);
      params.push_back(static_cast<std::int64_t>(options_.default_online_window.count()));
      params.push_back(ms(q.now));
    }
  }
  if (!q.oui.empty()) {
    add("oui = ?");
    params.push_back(q.oui);
  }
  if (!q.product_class.empty()) {
    add("product_class = ?");
    params.push_back(q.product_class);
  }
  if (!q.software_version.empty()) {
    add("software_version = ?");
    params.push_back(q.software_version);
  }
  if (!q.tag.empty()) {
    add("id IN (SELECT device_id FROM device_tags WHERE tag = ?)");
    params.push_back(q.tag);
  }
  if (!q.param_name.empty()) {
    if (pg()) {
      add("id IN (SELECT device_id FROM parameters WHERE name = ? AND md5(value) = "
          "md5(CAST(? AS TEXT)) AND value = ?)");
      params.push_back(q.param_name);
      params.push_back(q.param_value);
      params.push_back(q.param_value);
    } else {
      add("id IN (SELECT device_id FROM parameters WHERE name = ? AND value = ?)");
      params.push_back(q.param_name);
      params.push_back(q.param_value);
    }
  }
  if (!q.text.empty()) {
    add(cat({"(", substringFn(), "(id, ?) > 0 OR ", substringFn(), "(serial_number, ?) > 0)"}));
    params.push_back(q.text);
    params.push_back(q.text);
  }
  const std::string_view dir = q.descending ? " DESC" : " ASC";
  std::string order = cat({" ORDER BY ", q.sort_by, dir});
  if (q.sort_by != "id") order += cat({", id", dir});
  return read<Page<Device>>([&](Conn& c) {
    checkPage(q.limit, q.offset);
    Page<Device> page;
    SqlParams page_params = params;
    page_params.push_back(q.limit);
    page_params.push_back(q.offset);
    // Deferred join: page through ids alone (served by the (column, id) indexes without
    // touching the wide rows), then fetch the rows of that page only.
    Rows rows = c.query(cat({"SELECT ", kDeviceCols,
                             " FROM devices WHERE id IN (SELECT id FROM "
                             "devices",
                             where, order, " LIMIT ? OFFSET ?)", order}),
                        page_params, kDeviceColCount);
    page.items.reserve(rows.size());
    const double multiple = q.online_multiple > 0 ? q.online_multiple : options_.online_multiple;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      page.items.push_back(deviceFrom(rows, r));
      page.items.back().online =
          isOnline(page.items.back(), q.now, multiple, options_.default_online_window);
    }
    fillTags(c, page.items);
    const auto got = static_cast<std::int64_t>(page.items.size());
    if (got < q.limit && (got > 0 || q.offset == 0)) {
      // The page ran out of matches: it holds the last of them, no counting needed.
      page.total = q.offset + got;
      return page;
    }
    // Count up to a cap (the page goes past offset + limit anyway), not every match.
    const std::int64_t cap =
        std::max(std::max<std::int64_t>(1, options_.device_count_cap), q.offset + q.limit + 1);
    SqlParams count_params = params;
    count_params.push_back(cap);
    page.total =
        c.query(cat({"SELECT COUNT(*) FROM (SELECT 1 FROM devices", where, " LIMIT ?) AS m"}),
                count_params, 1)
            .integer(0, 0);
    page.total_exact = page.total < cap;
    return page;
  });
}

namespace {
void checkTag(std::string_view tag) {
  if (tag.empty()) fail(StoreErrc::Invalid, "tag is empty");
  if (tag.size() > kMaxTagBytes) {
    fail(StoreErrc::Invalid, "tag is longer than " + std::to_string(kMaxTagBytes) + " bytes");
  }
  for (char ch : tag) {
    const auto b = static_cast<unsigned char>(ch);
    if (b < 0x20 || b == 0x7F) fail(StoreErrc::Invalid, "tag contains a control character");
  }
  if (!isStorableText(tag)) fail(StoreErrc::Invalid, "tag is not valid UTF-8");
}
}  // namespace

Status SqlStore::addTag(std::string_view device_id, std::string_view tag) {
  return writeStatus(routeOf(device_id), [&](Conn& c) {
    checkTag(tag);
    requireDevice(c, device_id);
    c.exec("INSERT INTO device_tags(device_id, tag) VALUES (?, ?) ON CONFLICT DO NOTHING",
           {text(device_id), text(tag)});
  });
}

Result<bool> SqlStore::removeTag(std::string_view device_id, std::string_view tag) {
  return write<bool>(routeOf(device_id), [&](Conn& c) {
    requireDevice(c, device_id);
    return c.exec("DELETE FROM device_tags WHERE device_id = ? AND tag = ?",
                  {text(device_id), text(tag)}) > 0;
  });
}

Status SqlStore::setCapture(std::string_view device_id, bool enabled) {
  return writeStatus(routeOf(device_id), [&](Conn& c) {
    checkId("device id", device_id);
    if (c.exec("UPDATE devices SET capture_enabled = ? WHERE id = ?",
               {std::int64_t{enabled ? 1 : 0}, text(device_id)}) == 0) {
      fail(StoreErrc::NotFound, "device '" + std::string(device_id) + "' not found");
    }
  });
}

// --- Parameters
// ------------------------------------------------------------------------------------

Result<std::vector<Parameter>> SqlStore::getParameters(std::string_view device_id,
                                                       std::string_view prefix) {
  return read<std::vector<Parameter>>([&](Conn& c) {
    requireDevice(c, device_id);
    const auto upper = prefixUpperBound(prefix);
    Rows rows;
    const std::string select = cat({"SELECT ", kParameterCols, " FROM parameters"});
    if (upper) {
      rows = c.query(select + " WHERE device_id = ? AND name >= ? AND name < ? ORDER BY name",
                     {text(device_id), text(prefix), *upper}, kParameterColCount);
    } else {
      rows = c.query(select + " WHERE device_id = ? ORDER BY name", {text(device_id)},
                     kParameterColCount);
    }
    std::vector<Parameter> out;
    out.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (!upper && rows.text(r, 0).compare(0, prefix.size(), prefix) != 0) continue;
      out.push_back(parameterFrom(rows, r));
    }
    return out;
  });
}

Status SqlStore::upsertParameters(std::string_view device_id, const std::vector<Parameter>& params,
                                  TimePoint now) {
  return writeStatus(routeOf(device_id), [&](Conn& c) {
    requireDevice(c, device_id);
    upsertParametersTx(c, device_id, params, now);
  });
}

Result<std::int64_t> SqlStore::deleteParameterSubtree(std::string_view device_id,
                                                      std::string_view prefix) {
  return write<std::int64_t>(routeOf(device_id), [&](Conn& c) -> std::int64_t {
    if (prefix.empty()) fail(StoreErrc::Invalid, "parameter prefix is empty");
    requireDevice(c, device_id);
    if (auto upper = prefixUpperBound(prefix)) {
      return c.exec("DELETE FROM parameters WHERE device_id = ? AND name >= ? AND name < ?",
                    {text(device_id), text(prefix), *upper});
    }
    Rows rows = c.query("SELECT name FROM parameters WHERE device_id = ?", {text(device_id)}, 1);
    std::int64_t deleted = 0;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rows.text(r, 0).compare(0, prefix.size(), prefix) != 0) continue;
      deleted += c.exec("DELETE FROM parameters WHERE device_id = ? AND name = ?",
                        {text(device_id), rows.text(r, 0)});
    }
    return deleted;
  });
}

// --- Leases
// ----------------------------------------------------------------------------------------

Result<LeaseOutcome> SqlStore::acquireLease(std::string_view device_id, std::string_view session_id,
                                            std::string_view owner, TimePoint now,
                                            std::chrono::milliseconds ttl) {
  return write<LeaseOutcome>(routeOf(device_id), [&](Conn& c) {
    return acquireLeaseTx(c, device_id, session_id, owner, now, ttl, false);
  });
}

LeaseOutcome SqlStore::acquireLeaseTx(Conn& c, std::string_view device_id,
                                      std::string_view session_id, std::string_view owner,
                                      TimePoint now, std::chrono::milliseconds ttl,
                                      bool take_over_ended) const {
  {
    checkId("device id", device_id);
    checkId("session id", session_id);
    if (ttl.count() <= 0) fail(StoreErrc::Invalid, "lease ttl must be positive");
    const std::int64_t expires = ms(now) + ttl.count();
    // Two rounds: the row seen as conflicting may be released before we lock it.
    for (int round = 0; round < 2; ++round) {
      if (c.exec("INSERT INTO leases(device_id, session_id, owner, expires_at) VALUES "
                 "(?, ?, ?, ?) ON CONFLICT(device_id) DO NOTHING",
                 {text(device_id), text(session_id), text(owner), expires}) > 0) {
        return LeaseOutcome{};
      }
      Rows rows = c.query(cat({"SELECT session_id, owner, expires_at FROM leases WHERE "
                               "device_id = ?",
                               forUpdate()}),
                          {text(device_id)}, 3);
      if (rows.empty()) continue;
      const std::string holder = rows.text(0, 0);
      const std::int64_t holder_expires = rows.integer(0, 2);
      // A live lease whose session row says it ended was forgotten (e.g. its ACS died
      // between the two writes of an older version): closed already, nothing to report.
      const bool holder_ended =
          take_over_ended && holder != session_id && holder_expires > ms(now) &&
          !c.query("SELECT 1 FROM sessions WHERE id = ? AND ended_at > 0", {holder}, 1).empty();
      if (holder == session_id || holder_expires <= ms(now) || holder_ended) {
        c.exec("UPDATE leases SET session_id = ?, owner = ?, expires_at = ? WHERE device_id = ?",
               {text(session_id), text(owner), expires, text(device_id)});
        LeaseOutcome out;
        if (holder != session_id && !holder_ended) out.taken_over_session_id = holder;
        return out;
      }
      LeaseOutcome out;
      out.kind = LeaseOutcome::Kind::HeldByOther;
      out.holder_session_id = holder;
      out.holder_owner = rows.text(0, 1);
      out.holder_expires_at = tp(holder_expires);
      return out;
    }
    fail(StoreErrc::Busy, "lease of device '" + std::string(device_id) + "' kept changing");
  }
}

Result<bool> SqlStore::renewLease(std::string_view device_id, std::string_view session_id,
                                  TimePoint now, std::chrono::milliseconds ttl) {
  return write<bool>(routeOf(device_id), [&](Conn& c) {
    if (ttl.count() <= 0) fail(StoreErrc::Invalid, "lease ttl must be positive");
    return c.exec("UPDATE leases SET expires_at = ? WHERE device_id = ? AND session_id = ?",
                  {ms(now) + ttl.count(), text(device_id), text(session_id)}) > 0;
  });
}

Result<bool> SqlStore::releaseLease(std::string_view device_id, std::string_view session_id) {
  return write<bool>(routeOf(device_id), [&](Conn& c) {
    return c.exec("DELETE FROM leases WHERE device_id = ? AND session_id = ?",
                  {text(device_id), text(session_id)}) > 0;
  });
}

// --- Sessions
// --------------------------------------------------------------------------------------

Status SqlStore::createSession(const SessionRecord& s) {
  return writeStatus(routeOf(s.device_id), [&](Conn& c) { createSessionTx(c, s); });
}

void SqlStore::createSessionTx(Conn& c, const SessionRecord& s, bool device_known) const {
  {
    checkId("session id", s.id);
    if (!device_known) requireDevice(c, s.device_id);
    if (c.exec(
            "INSERT INTO sessions(id, device_id, owner, started_at, last_activity, ended_at, "
            "events, messages_in, messages_out, outcome, state_json) VALUES (?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING",
            {s.id, s.device_id, s.owner, ms(s.started_at), ms(s.last_activity), optMs(s.ended_at),
             encodeList(s.events), s.messages_in, s.messages_out, s.outcome, s.state_json}) == 0) {
      fail(StoreErrc::Conflict, "session '" + s.id + "' already exists");
    }
  }
}

Status SqlStore::updateSession(const SessionRecord& s) {
  return writeStatus(routeOf(s.device_id), [&](Conn& c) { updateSessionTx(c, s); });
}

void SqlStore::updateSessionTx(Conn& c, const SessionRecord& s) const {
  {
    checkId("session id", s.id);
    if (c.exec("UPDATE sessions SET owner = ?, last_activity = ?, ended_at = ?, events = ?, "
               "messages_in = ?, messages_out = ?, outcome = ?, state_json = ? WHERE id = ?",
               {s.owner, ms(s.last_activity), optMs(s.ended_at), encodeList(s.events),
                s.messages_in, s.messages_out, s.outcome, s.state_json, s.id}) == 0) {
      fail(StoreErrc::NotFound, "session '" + s.id + "' not found");
    }
  }
}

Result<SessionStartOutcome> SqlStore::startSession(const SessionStart& start) {
  std::string id;
  try {
    id = informDeviceId(start.inform);
  } catch (const StoreFailure& e) {
    return e.error();
  }
  if (start.session.device_id != id) {
    return storeError(StoreErrc::Invalid, "session device '" + start.session.device_id +
                                              "' is not the Inform's device '" + id + "'");
  }
  return write<SessionStartOutcome>(routeOf(id), [&](Conn& c) {
    SessionStartOutcome out;
    out.lease = acquireLeaseTx(c, id, start.session.id, start.owner, start.inform.now,
                               start.lease_ttl, true);
    if (!out.lease.acquired()) return out;
    out.device = recordInformTx(c, id, start.inform, false);
    createSessionTx(c, start.session, true);
    return out;
  });
}

Result<SessionSaveOutcome> SqlStore::saveSession(const SessionSave& save) {
  const SessionRecord& s = save.session;
  if (save.lease == SessionSave::LeaseAction::Renew && save.lease_ttl.count() <= 0) {
    return storeError(StoreErrc::Invalid, "lease ttl must be positive");
  }
  return write<SessionSaveOutcome>(routeOf(s.device_id), [&](Conn& c) {
    SessionSaveOutcome out;
    if (save.complete_task_id != 0) {
      static const std::string kComplete =
          cat({"UPDATE tasks SET state = 'completed', result_json = ?, updated_at = ? WHERE id = "
               "? AND state = 'sent' AND session_id = ? RETURNING ",
               kTaskCols});
      Rows rows =
          c.query(kComplete, {save.complete_result_json, ms(save.now), save.complete_task_id, s.id},
                  kTaskColCount);
      if (!rows.empty()) {
        out.completed = taskFrom(rows, 0);
      } else {
        auto task = taskById(c, save.complete_task_id);
        const std::string name = "task " + std::to_string(save.complete_task_id);
        if (!task) {
          out.completion_error = storeError(StoreErrc::NotFound, name + " not found");
        } else if (task->state == TaskState::Sent) {
          out.completion_error = storeError(
              StoreErrc::Conflict, name + " was sent in another session: cannot complete it");
        } else {
          out.completion_error = storeError(
              StoreErrc::Conflict,
              name + " is " + std::string(taskStateName(task->state)) + ": cannot complete it");
        }
      }
    }
    updateSessionTx(c, s);
    if (save.requeue_sent_tasks) out.requeued = requeueSessionTasksTx(c, s.id, save.now);
    switch (save.lease) {
      case SessionSave::LeaseAction::Keep:
        break;
      case SessionSave::LeaseAction::Renew:
        out.lease_held =
            c.exec("UPDATE leases SET expires_at = ? WHERE device_id = ? AND session_id = ?",
                   {ms(save.now) + save.lease_ttl.count(), s.device_id, s.id}) > 0;
        break;
      case SessionSave::LeaseAction::Release:
        out.lease_held = c.exec("DELETE FROM leases WHERE device_id = ? AND session_id = ?",
                                {s.device_id, s.id}) > 0;
        break;
    }
    return out;
  });
}

Result<std::optional<SessionRecord>> SqlStore::getSession(std::string_view id) {
  return read<std::optional<SessionRecord>>([&](Conn& c) -> std::optional<SessionRecord> {
    checkId("session id", id);
    static const std::string kSql = cat({"SELECT ", kSessionCols, " FROM sessions WHERE id = ?"});
    Rows rows = c.query(kSql, {text(id)}, kSessionColCount);
    if (rows.empty()) return std::nullopt;
    return sessionFrom(rows, 0);
  });
}

Result<Page<SessionRecord>> SqlStore::listSessions(std::string_view device_id, std::int64_t limit,
                                                   std::int64_t offset) {
  return read<Page<SessionRecord>>([&](Conn& c) {
    checkPage(limit, offset);
    requireDevice(c, device_id);
    Page<SessionRecord> page;
    page.total = c.query("SELECT COUNT(*) FROM sessions WHERE device_id = ?", {text(device_id)}, 1)
                     .integer(0, 0);
    Rows rows = c.query(cat({"SELECT ", kSessionCols,
                             " FROM sessions WHERE device_id = ? ORDER BY started_at DESC, id "
                             "DESC LIMIT ? OFFSET ?"}),
                        {text(device_id), limit, offset}, kSessionColCount);
    for (std::size_t r = 0; r < rows.size(); ++r) page.items.push_back(sessionFrom(rows, r));
    return page;
  });
}

Result<std::vector<SessionRecord>> SqlStore::listStaleSessions(TimePoint now,
                                                               std::chrono::milliseconds timeout) {
  return read<std::vector<SessionRecord>>([&](Conn& c) {
    if (timeout.count() < 0) fail(StoreErrc::Invalid, "session timeout must not be negative");
    Rows rows = c.query(cat({"SELECT ", kSessionCols,
                             " FROM sessions WHERE ended_at = 0 AND last_activity < ? ORDER BY "
                             "last_activity LIMIT ?"}),
                        {ms(now) - timeout.count(), kStaleSessionsLimit}, kSessionColCount);
    std::vector<SessionRecord> out;
    for (std::size_t r = 0; r < rows.size(); ++r) out.push_back(sessionFrom(rows, r));
    return out;
  });
}

// --- Tasks
// -----------------------------------------------------------------------------------------

Result<Task> SqlStore::createTask(const Task& task, TimePoint now) {
  return write<Task>(routeOf(task.device_id), [&](Conn& c) {
    if (task.type.empty()) fail(StoreErrc::Invalid, "task type is empty");
    if (task.max_attempts < 0) fail(StoreErrc::Invalid, "max_attempts must not be negative");
    requireDevice(c, task.device_id);
    const std::int64_t max_attempts =
        task.max_attempts > 0 ? task.max_attempts
                              : std::max<std::int64_t>(1, options_.default_max_attempts);
    Rows rows = c.query(
        cat({"INSERT INTO tasks(device_id, type, args_json, state, created_at, updated_at, "
             "expires_at, max_attempts, command_key) VALUES (?, ?, ?, 'pending', ?, ?, ?, ?, ?) "
             "RETURNING ",
             kTaskCols}),
        {task.device_id, task.type, task.args_json, ms(now), ms(now), optMs(task.expires_at),
         max_attempts, task.command_key},
        kTaskColCount);
    if (rows.empty()) fail(StoreErrc::Unavailable, "task insert returned no row");
    return taskFrom(rows, 0);
  });
}

Result<std::optional<Task>> SqlStore::getTask(std::int64_t id) {
  return read<std::optional<Task>>([&](Conn& c) { return taskById(c, id); });
}

Result<Page<Task>> SqlStore::listTasks(const TaskQuery& q) {
  return read<Page<Task>>([&](Conn& c) {
    checkPage(q.limit, q.offset);
    std::string where;
    SqlParams params;
    auto add = [&](std::string_view clause) {
      where += where.empty() ? " WHERE " : " AND ";
      where += clause;
    };
    if (!q.device_id.empty()) {
      requireDevice(c, q.device_id);
      add("device_id = ?");
      params.push_back(q.device_id);
    }
    if (q.state) {
      add("state = ?");
      params.push_back(std::string(taskStateName(*q.state)));
    }
    if (!q.type.empty()) {
      add("type = ?");
      params.push_back(q.type);
    }
    Page<Task> page;
    page.total = c.query(cat({"SELECT COUNT(*) FROM tasks", where}), params, 1).integer(0, 0);
    params.push_back(q.limit);
    params.push_back(q.offset);
    Rows rows = c.query(cat({"SELECT ", kTaskCols, " FROM tasks", where, " ORDER BY id",
                             q.newest_first ? " DESC" : " ASC", " LIMIT ? OFFSET ?"}),
                        params, kTaskColCount);
    for (std::size_t r = 0; r < rows.size(); ++r) page.items.push_back(taskFrom(rows, r));
    return page;
  });
}

Result<std::optional<Task>> SqlStore::nextPendingTask(std::string_view device_id, TimePoint now) {
  // Reads first (the common case has nothing to expire); expiring goes through the writer.
  // Each round expires at least the task it saw, so the rounds are bounded by the queue; the
  // limit only guards against a clock that moves backwards between rounds.
  for (int round = 0; round < 1000; ++round) {
    auto next = read<std::optional<Task>>([&](Conn& c) -> std::optional<Task> {
      checkId("device id", device_id);
      static const std::string kSql = cat({"SELECT ", kTaskCols,
                                           " FROM tasks WHERE device_id = ? AND state = 'pending' "
                                           "ORDER BY id LIMIT 1"});
      Rows rows = c.query(kSql, {text(device_id)}, kTaskColCount);
      if (rows.empty()) {
        requireDevice(c, device_id);
        return std::nullopt;
      }
      return taskFrom(rows, 0);
    });
    if (!next || !next->has_value()) return next;
    const Task& task = **next;
    if (!task.expires_at || *task.expires_at > now) return next;
    Status expired = writeStatus(routeOf(device_id), [&](Conn& c) {
      c.exec(
          "UPDATE tasks SET state = 'expired', updated_at = ?, fault_string = 'expired "
          "before it was sent' WHERE device_id = ? AND state = 'pending' AND expires_at > 0 "
          "AND expires_at <= ?",
          {ms(now), text(device_id), ms(now)});
    });
    if (!expired) return expired.error();
  }
  return storeError(StoreErrc::Busy,
                    "pending tasks of '" + std::string(device_id) + "' kept expiring; try again");
}

Result<Task> SqlStore::transition(std::int64_t id, std::string_view action, std::string sql,
                                  SqlParams params) {
  return write<Task>(routeOf(id), [&](Conn& c) {
    Rows rows = c.query(sql, params, kTaskColCount);
    if (rows.empty()) failTransition(c, id, action);
    return taskFrom(rows, 0);
  });
}

Result<Task> SqlStore::markTaskSent(std::int64_t id, std::string_view session_id,
                                    std::string_view command_key, TimePoint now) {
  if (session_id.empty()) return storeError(StoreErrc::Invalid, "session id is empty");
  return transition(
      id, "mark it sent",
      cat({"UPDATE tasks SET state = 'sent', attempts = attempts + 1, session_id = ?, "
           "command_key = CASE WHEN ? <> '' THEN ? ELSE command_key END, sent_at = ?, "
           "updated_at = ? WHERE id = ? AND state = 'pending' RETURNING ",
           kTaskCols}),
      {text(session_id), text(command_key), text(command_key), ms(now), ms(now), id});
}

Result<Task> SqlStore::completeTask(std::int64_t id, std::string_view result_json, TimePoint now) {
  return transition(id, "complete it",
                    cat({"UPDATE tasks SET state = 'completed', result_json = ?, updated_at = ? "
                         "WHERE id = ? AND state = 'sent' RETURNING ",
                         kTaskCols}),
                    {text(result_json), ms(now), id});
}

Result<Task> SqlStore::faultTask(std::int64_t id, std::uint32_t code, std::string_view message,
                                 std::string_view detail_json, TimePoint now) {
  return transition(
      id, "fault it",
      cat({"UPDATE tasks SET state = 'faulted', fault_code = ?, fault_string = ?, "
           "result_json = CASE WHEN ? <> '' THEN ? ELSE result_json END, updated_at = ? "
           "WHERE id = ? AND state IN ('sent', 'completed') RETURNING ",
           kTaskCols}),
      {std::int64_t{code}, text(message), text(detail_json), text(detail_json), ms(now), id});
}

Result<Task> SqlStore::failTask(std::int64_t id, std::string_view reason, TimePoint now) {
  if (reason.empty()) return storeError(StoreErrc::Invalid, "failure reason is empty");
  return transition(id, "fail it",
                    cat({"UPDATE tasks SET state = 'failed', fault_code = 0, fault_string = ?, "
                         "updated_at = ? WHERE id = ? AND state IN ('pending', 'sent') "
                         "RETURNING ",
                         kTaskCols}),
                    {text(reason), ms(now), id});
}

Result<Task> SqlStore::setTaskResult(std::int64_t id, std::string_view result_json, TimePoint now) {
  return transition(id, "set its result",
                    cat({"UPDATE tasks SET result_json = ?, updated_at = ? WHERE id = ? "
                         "RETURNING ",
                         kTaskCols}),
                    {text(result_json), ms(now), id});
}

Result<TaskState> SqlStore::cancelTask(std::int64_t id, TimePoint now) {
  return write<TaskState>(routeOf(id), [&](Conn& c) {
    if (c.exec("UPDATE tasks SET state = 'cancelled', updated_at = ? WHERE id = ? AND state = "
               "'pending'",
               {ms(now), id}) > 0) {
      return TaskState::Cancelled;
    }
    auto task = taskById(c, id);
    if (!task) fail(StoreErrc::NotFound, "task " + std::to_string(id) + " not found");
    if (task->state == TaskState::Cancelled) return TaskState::Cancelled;
    fail(StoreErrc::Conflict, "task " + std::to_string(id) + " is " +
                                  std::string(taskStateName(task->state)) +
                                  ": only pending tasks can be cancelled");
  });
}

Result<std::int64_t> SqlStore::requeueSessionTasks(std::string_view session_id, TimePoint now) {
  return write<std::int64_t>(routeOf(session_id),
                             [&](Conn& c) { return requeueSessionTasksTx(c, session_id, now); });
}

std::int64_t SqlStore::requeueSessionTasksTx(Conn& c, std::string_view session_id,
                                             TimePoint now) const {
  {
    checkId("session id", session_id);
    const std::int64_t failed = c.exec(
        "UPDATE tasks SET state = 'failed', fault_string = 'max attempts reached', updated_at = ? "
        "WHERE session_id = ? AND state = 'sent' AND attempts >= max_attempts",
        {ms(now), text(session_id)});
    const std::int64_t requeued = c.exec(
        "UPDATE tasks SET state = 'pending', updated_at = ? WHERE session_id = ? AND "
        "state = 'sent'",
        {ms(now), text(session_id)});
    return failed + requeued;
  }
}

Result<std::optional<Task>> SqlStore::findTaskByCommandKey(std::string_view device_id,
                                                           std::string_view command_key) {
  return read<std::optional<Task>>([&](Conn& c) -> std::optional<Task> {
    checkId("device id", device_id);
    if (command_key.empty()) return std::nullopt;  // "no key" identifies no task
    Rows rows = c.query(cat({"SELECT ", kTaskCols,
                             " FROM tasks WHERE device_id = ? AND command_key = ? ORDER BY id "
                             "DESC LIMIT 1"}),
                        {text(device_id), text(command_key)}, kTaskColCount);
    if (rows.empty()) return std::nullopt;
    return taskFrom(rows, 0);
  });
}

Status SqlStore::setConnectionRequestResult(std::int64_t id, std::string_view result) {
  return writeStatus(routeOf(id), [&](Conn& c) {
    if (c.exec("UPDATE tasks SET connection_request_result = ? WHERE id = ?", {text(result), id}) ==
        0) {
      fail(StoreErrc::NotFound, "task " + std::to_string(id) + " not found");
    }
  });
}

// --- Faults and captures
// ---------------------------------------------------------------------------

Result<FaultRecord> SqlStore::recordFault(const FaultRecord& f) {
  return write<FaultRecord>(routeOf(f.device_id), [&](Conn& c) {
    requireDevice(c, f.device_id);
    Rows rows = c.query(cat({"INSERT INTO faults(device_id, task_id, session_id, code, message, "
                             "detail_json, at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING ",
                             kFaultCols}),
                        {f.device_id, f.task_id.value_or(0), f.session_id, std::int64_t{f.code},
                         f.message, f.detail_json, ms(f.at)},
                        kFaultColCount);
    if (rows.empty()) fail(StoreErrc::Unavailable, "fault insert returned no row");
    return faultFrom(rows, 0);
  });
}

Result<Page<FaultRecord>> SqlStore::listFaults(std::string_view device_id, std::int64_t limit,
                                               std::int64_t offset) {
  return read<Page<FaultRecord>>([&](Conn& c) {
    checkPage(limit, offset);
    requireDevice(c, device_id);
    Page<FaultRecord> page;
    page.total = c.query("SELECT COUNT(*) FROM faults WHERE device_id = ?", {text(device_id)}, 1)
                     .integer(0, 0);
    Rows rows = c.query(cat({"SELECT ", kFaultCols,
                             " FROM faults WHERE device_id = ? ORDER BY id DESC LIMIT ? OFFSET ?"}),
                        {text(device_id), limit, offset}, kFaultColCount);
    for (std::size_t r = 0; r < rows.size(); ++r) page.items.push_back(faultFrom(rows, r));
    return page;
  });
}

Result<CaptureRecord> SqlStore::appendCapture(const CaptureRecord& capture) {
  if (capture.direction != "in" && capture.direction != "out") {
    return storeError(StoreErrc::Invalid, "capture direction must be \"in\" or \"out\", got \"" +
                                              capture.direction + "\"");
  }
  const std::string_view cut = cutUtf8(capture.body, options_.capture_max_body_bytes);
  const bool truncated = capture.truncated || cut.size() < capture.body.size();
  // PostgreSQL text holds valid UTF-8 without NULs only; anything else is kept byte for byte
  // as base64 (on both backends, so they behave the same).
  const bool plain = isStorableText(cut);
  const std::string stored = plain ? std::string(cut) : base64Encode(cut);
  const std::int64_t keep = std::max<std::int64_t>(1, options_.capture_max_per_device);
  return write<CaptureRecord>(routeOf(capture.device_id), [&](Conn& c) {
    requireDevice(c, capture.device_id);
    Rows rows =
        c.query(cat({"INSERT INTO captures(device_id, session_id, seq, direction, "
                     "http_status, body, body_encoding, truncated, at) VALUES (?, ?, ?, "
                     "?, ?, ?, ?, ?, ?) RETURNING id"}),
                {capture.device_id, capture.session_id, capture.seq, capture.direction,
                 std::int64_t{capture.http_status}, stored, std::string(plain ? "" : "base64"),
                 std::int64_t{truncated ? 1 : 0}, ms(capture.at)},
                1);
    if (rows.empty()) fail(StoreErrc::Unavailable, "capture insert returned no row");
    CaptureRecord out = capture;
    out.id = rows.integer(0, 0);
    out.body = std::string(cut);
    out.truncated = truncated;
    // Keep the newest `keep`: delete everything at or below the (keep+1)-th newest id.
    c.exec(
        "DELETE FROM captures WHERE device_id = ? AND id <= (SELECT id FROM captures WHERE "
        "device_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
        {capture.device_id, capture.device_id, keep});
    return out;
  });
}

Result<std::vector<CaptureRecord>> SqlStore::listCaptures(std::string_view device_id,
                                                          std::optional<std::string> session_id) {
  return read<std::vector<CaptureRecord>>([&](Conn& c) {
    requireDevice(c, device_id);
    Rows rows;
    if (session_id) {
      rows = c.query(cat({"SELECT ", kCaptureCols,
                          " FROM captures WHERE device_id = ? AND session_id = ? ORDER BY id"}),
                     {text(device_id), *session_id}, kCaptureColCount);
    } else {
      rows =
          c.query(cat({"SELECT ", kCaptureCols, " FROM captures WHERE device_id = ? ORDER BY id"}),
                  {text(device_id)}, kCaptureColCount);
    }
    std::vector<CaptureRecord> out;
    out.reserve(rows.size());
    for (std::size_t r = 0; r < rows.size(); ++r) out.push_back(captureFrom(rows, r));
    return out;
  });
}

// --- Stats and retention
// ---------------------------------------------------------------------------

Result<Stats> SqlStore::stats(TimePoint now, double online_multiple) {
  if (online_multiple < 0) {
    return storeError(StoreErrc::Invalid, "online_multiple must not be negative");
  }
  return read<Stats>([&](Conn& c) {
    Stats s;
    s.devices_total = c.query("SELECT COUNT(*) FROM devices", {}, 1).integer(0, 0);
    const std::int64_t multiple =
        online_multiple > 0 ? onlineMultipleMilli(online_multiple) : multiple_milli_;
    if (multiple == multiple_milli_) {
      s.devices_online =
          c.query("SELECT COUNT(*) FROM devices WHERE online_until >= ?", {ms(now)}, 1)
              .integer(0, 0);
    } else {
      s.devices_online =
          c.query(
               "SELECT COUNT(*) FROM devices WHERE last_inform + CASE WHEN "
               "periodic_inform_interval > 0 THEN periodic_inform_interval * ? ELSE ? END >= ?",
               {multiple, static_cast<std::int64_t>(options_.default_online_window.count()),
                ms(now)},
               1)
              .integer(0, 0);
    }
    for (TaskState state : kAllTaskStates) s.tasks_by_state[std::string(taskStateName(state))] = 0;
    Rows rows = c.query("SELECT state, COUNT(*) FROM tasks GROUP BY state", {}, 2);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      s.tasks_by_state[rows.text(r, 0)] = rows.integer(r, 1);
    }
    s.sessions_last_hour =
        c.query("SELECT COUNT(*) FROM sessions WHERE started_at >= ?", {ms(now) - 3'600'000}, 1)
            .integer(0, 0);
    s.faults_last_24h =
        c.query("SELECT COUNT(*) FROM faults WHERE at >= ?", {ms(now) - 86'400'000}, 1)
            .integer(0, 0);
    return s;
  });
}

// Deletes in chunks so one purge never holds the write lock for long.
Result<std::int64_t> SqlStore::purgeChunked(std::string_view table, std::string_view key,
                                            std::string where, SqlParams params) {
  std::int64_t total = 0;
  SqlParams chunk_params = params;
  chunk_params.push_back(kPurgeChunk);
  const std::string sql = cat({"DELETE FROM ", table, " WHERE ", key, " IN (SELECT ", key, " FROM ",
                               table, " WHERE ", where, " LIMIT ?)"});
  for (;;) {
    auto deleted = write<std::int64_t>(0, [&](Conn& c) { return c.exec(sql, chunk_params); });
    if (!deleted) return deleted.error();
    total += *deleted;
    if (*deleted < kPurgeChunk) return total;
  }
}

Result<PurgeCounts> SqlStore::purgeOlderThan(TimePoint cutoff) {
  PurgeCounts counts;
  const std::int64_t at = ms(cutoff);
  auto sessions = purgeChunked("sessions", "id", "ended_at > 0 AND ended_at < ?", {at});
  if (!sessions) return sessions.error();
  counts.sessions = *sessions;
  auto tasks = purgeChunked("tasks", "id",
                            "state IN ('completed', 'faulted', 'failed', 'cancelled', 'expired') "
                            "AND updated_at < ?",
                            {at});
  if (!tasks) return tasks.error();
  counts.tasks = *tasks;
  auto captures = purgeChunked("captures", "id", "at < ?", {at});
  if (!captures) return captures.error();
  counts.captures = *captures;
  auto faults = purgeChunked("faults", "id", "at < ?", {at});
  if (!faults) return faults.error();
  counts.faults = *faults;
  Status maintained = maintain();
  if (!maintained) return maintained.error();
  return counts;
}

}  // namespace

Result<StorePtr> openSqlStore(SqlBackend backend, const StoreOptions& options) {
  auto store = std::make_unique<SqlStore>(std::move(backend), options);
  Status migrated = store->migrate();
  if (!migrated) return migrated.error();
  Status maintained = store->maintain();
  if (!maintained) return maintained.error();
  store->startBackground();
  return StorePtr(std::move(store));
}

WriteCounters writeCounters(const Store& store) {
  if (const auto* sql = dynamic_cast<const SqlStore*>(&store)) return sql->counters();
  return {};
}

}  // namespace acs::store::sql
