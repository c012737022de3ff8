#include "runner/runner.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>

#include "fleet/fleet.h"
#include "runner/acs_process.h"
#include "runner/firmware_server.h"
#include "runner/prometheus.h"
#include "runner/rest_client.h"
#include "scenario/latency.h"
#include "scenario/targets.h"

namespace scenario {

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const std::set<std::string> kEndStates = {"completed", "faulted", "failed", "cancelled", "expired"};

std::uint64_t fnv1a(const std::string& text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string phaseWhere(std::size_t index, const Phase& phase) {
  return "phases[" + std::to_string(index) + "]." + phaseKindName(phase.kind);
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", s);
  return buf;
}

std::string milliseconds(std::optional<double> ms) {
  if (!ms) return "-";
  char buf[32];
  if (*ms < 10.0) {
    std::snprintf(buf, sizeof buf, "%.2fms", *ms);
  } else {
    std::snprintf(buf, sizeof buf, "%.0fms", *ms);
  }
  return buf;
}

std::string machineDescription() {
  char host[256] = {0};
  ::gethostname(host, sizeof host - 1);
  struct utsname u {};
  std::string os = "unknown OS";
  if (::uname(&u) == 0) os = std::string(u.sysname) + " " + u.release + " " + u.machine;
  return std::string(host) + ", " + std::to_string(std::thread::hardware_concurrency()) + " cores, " + os;
}

std::string isoNow(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// One fleet spec made real: the cpesim fleet, its devices' serial numbers by index and which
// devices carry a quirk (their faults are expected).
struct RunFleet {
  const FleetSpec* spec = nullptr;
  std::unique_ptr<cpesim::Fleet> fleet;
  std::vector<std::string> serials;  // by device index 0..count-1
  std::vector<bool> quirked;         // by device index; also once a runtime quirk was on
  std::vector<bool> powered;         // by device index: a boot_storm powered it on
  std::vector<bool> provisioned;     // by device index: the ACS knows its CR credentials
  // Quirks switched on by `faults: enable_quirk` and not off again, in the order switched on,
  // by device index (empty until the first switch).
  std::vector<std::vector<std::string>> runtime_quirks;
  std::string root_name;             // the profile's root object: "Device" or "InternetGatewayDevice"
  // PeriodicInformInterval (s) the runner gave every device of the fleet; 0: none or not the
  // same on every device.
  std::uint64_t periodic_interval = 0;
  bool started = false;
};

// A task this run created through the REST API.
struct CreatedTask {
  std::int64_t id = 0;
  std::size_t fleet = 0;
  std::uint32_t index = 0;  // device index in its fleet
  std::size_t phase = 0;
  std::string task_type;
  std::string parameters_json;
  // firmware_rollout: the download was made to fail (the task must fault), or the version
  // the device must report afterwards (parameter `version_parameter`).
  bool expect_fault = false;
  std::string expect_version;
  std::string version_parameter;
};

// The scenario's quirk shares, placed deterministically: the fleet's index space is rotated by
// a seed-derived offset and each quirk takes the next share-sized segment, so a device carries
// at most one quirk and the same seed gives the same devices.
struct IndexRange {
  std::uint32_t start = 0;
  std::uint32_t count = 0;
  std::string quirk;  // empty: none
};

std::vector<IndexRange> placeQuirks(const FleetSpec& spec, std::uint64_t seed) {
  const auto n = static_cast<std::uint32_t>(spec.count);
  std::mt19937_64 rng(seed ^ fnv1a(spec.name));
  const std::uint32_t offset = static_cast<std::uint32_t>(rng() % n);
  std::vector<std::pair<std::string, std::uint32_t>> segments;  // in rotated order
  std::uint32_t used = 0;
  for (const QuirkShare& q : spec.quirks) {
    auto size = static_cast<std::uint32_t>(std::llround(q.share * static_cast<double>(n)));
    size = std::min(size, n - used);
    if (size > 0) segments.emplace_back(q.quirk, size);
    used += size;
  }
  if (used < n) segments.emplace_back(std::string(), n - used);
  std::vector<IndexRange> ranges;
  std::uint32_t rotated = 0;
  for (const auto& [quirk, size] : segments) {
    const std::uint32_t start = static_cast<std::uint32_t>((static_cast<std::uint64_t>(offset) + rotated) % n);
    if (start + static_cast<std::uint64_t>(size) <= n) {
      ranges.push_back({start, size, quirk});
    } else {
      ranges.push_back({start, n - start, quirk});
      ranges.push_back({0, size - (n - start), quirk});
    }
    rotated += size;
  }
  return ranges;
}

// Cumulative percentiles of a cpesim histogram in ms, into the report's histogram: every
// sample is recorded at its bucket's upper bound (cpesim buckets are ~10% wide).
// An xsd:dateTime in UTC with milliseconds: "2026-11-28T00:05:03.123Z".
std::string isoMilliseconds(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::string whole = isoNow(static_cast<std::time_t>(ms / 1000));  // "...:SSZ"
  char fraction[8];
  std::snprintf(fraction, sizeof fraction, ".%03dZ", static_cast<int>(ms % 1000));
  return whole.substr(0, whole.size() - 1) + fraction;
}

// A periodic phase's interval as the whole seconds PeriodicInformInterval holds (at least 1).
std::uint64_t periodicSeconds(double interval_s) {
  return static_cast<std::uint64_t>(std::max(1.0, std::round(interval_s)));
}

LatencyHistogram toReportHistogram(const cpesim::LatencyHistogram::Snapshot& snapshot) {
  LatencyHistogram out;
  for (std::size_t b = 0; b < snapshot.counts.size(); ++b) {
    const double ms = cpesim::LatencyHistogram::bucketUpperBound(b) * 1000.0;
    for (std::uint64_t i = 0; i < snapshot.counts[b]; ++i) out.record(ms);
  }
  return out;
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return nullptr;
  } catch (const std::exception&) {
    return nullptr;
  }
}

class Runner {
 public:
  Runner(const Scenario& scenario, const RunOptions& options)
      : scenario_(scenario), options_(options), out_(options.out != nullptr ? *options.out : std::cout) {
    seed_ = options.seed.value_or(scenario.seed);
  }
  ~Runner() { shutdown(); }

  RunResult run();

 private:
  bool interrupted() const { return options_.interrupted != nullptr && options_.interrupted->load(); }
  double elapsed() const { return std::chrono::duration<double>(Clock::now() - begin_).count(); }
  void say(const std::string& line);
  std::string setUp();
  void shutdown();

  // Phases: each returns its outcome; "done" is success, anything else fails the run.
  std::string runPhase(std::size_t index, const Phase& phase);
  std::string bootStorm(std::size_t index, const Phase& phase);
  std::string sleepPhase(double duration_s);
  std::string waitUntil(const Phase& phase);
  std::string tasks(std::size_t index, const Phase& phase);
  std::string connectionRequests(std::size_t index, const Phase& phase);
  std::string faults(std::size_t index, const Phase& phase);
  std::string periodic(std::size_t index, const Phase& phase);
  std::string switchQuirk(std::size_t index, const Phase& phase);
  std::string provisionConnectionRequests(const Phase& phase);
  std::string firmwareRollout(std::size_t index, const Phase& phase);

  std::vector<std::size_t> selectedFleets(const Phase& phase) const;
  std::vector<std::pair<std::size_t, std::uint32_t>> selectDevices(std::size_t phase_index, const Phase& phase,
                                                                   const std::set<std::string>* allowed = nullptr);
  // The serial numbers the ACS lists for the phase's filter (GET /api/devices?...).
  std::string filteredSerials(const Phase& phase, std::set<std::string>& serials);
  std::string refreshDeviceIds();
  // Pages through a REST listing (`path` with its query, e.g. "/api/tasks?status=sent"), 1,000
  // items per request, calling `each` for every object in "items". "" or what went wrong.
  std::string forEachListed(const std::string& path,
                            const std::function<void(const Poco::JSON::Object::Ptr&)>& each);
  // Devices of `fleet` among `among` (by index) that are powered on, not rebooting, and
  // delivered their BOOTSTRAP / BOOT.
  std::size_t countBooted(RunFleet& fleet, const std::vector<bool>& among);
  // Waits until `done` holds, polling every `poll`; false on timeout or interruption.
  bool waitFor(double timeout_s, std::chrono::milliseconds poll, const std::function<bool()>& done);
  void pace(Clock::time_point start, std::size_t done, double rate) const;

  // Sampling thread.
  void sampleLoop();
  void takeSample(const std::vector<std::unique_ptr<RestClient>>& clients, double dt);
  void progress(const TimePoint& point, std::optional<double> p50, std::optional<double> p99);

  // ACS-side accounting across restarts.
  void acsRestarting();
  Samples acsRunSamples(const std::vector<Samples>& final_scrapes);
  void recordScrape(std::size_t node, const Samples& samples, double dt, std::optional<double>& sessions_per_s);

  void finish(RunResult& result);
  void collectTasks(RunReport& report, Measurements& m, std::uint64_t& unexpected);

  const Scenario& scenario_;
  const RunOptions& options_;
  std::ostream& out_;
  std::uint64_t seed_ = 1;
  Clock::time_point begin_ = Clock::now();
  std::time_t started_at_ = std::time(nullptr);

  fs::path work_dir_;
  std::unique_ptr<AcsProcess> acs_;                       // the embedded ACS (node 0)
  std::vector<std::unique_ptr<AcsProcess>> extra_nodes_;  // nodes 1.. on the same database
  std::string cwmp_url_;
  std::string api_url_;
  std::string api_key_;
  std::unique_ptr<RestClient> rest_;  // controlling thread; node 0
  std::vector<std::unique_ptr<RestClient>> extra_rests_;  // nodes 1..: requests alternate
  std::size_t next_rest_ = 0;
  std::vector<std::string> node_urls_;  // base URL of every ACS process
  RestClient& rest();
  std::vector<RunFleet> fleets_;
  std::map<std::string, std::string> device_ids_;  // serial -> ACS device id
  std::vector<CreatedTask> created_;
  std::vector<PhaseResult> phase_results_;
  std::vector<std::pair<std::string, std::string>> phase_failures_;  // (phases[i].kind, outcome)
  std::vector<std::unique_ptr<FirmwareServer>> firmware_servers_;  // one per firmware_rollout

  // Shared with the sampling thread.
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_sampling_ = false;
  std::thread sampler_;
  std::vector<TimePoint> series_;
  std::string current_phase_ = "setup";
  double phase_started_s_ = 0.0;
  double phase_expected_s_ = 0.0;
  // Per ACS node (index as node_urls_).
  struct NodeCounters {
    Samples baseline;     // first scrape of the current process ({} after a restart)
    Samples last;         // latest scrape of the current process
    Samples accumulated;  // counters of earlier processes of this node
    bool have_baseline = false;
    std::optional<double> last_sessions;
    // Highest acs_process_peak_resident_memory_bytes scraped (any process of this node).
    std::optional<double> peak_rss_bytes;
  };
  std::vector<NodeCounters> node_counters_;
  bool acs_scraped_ = false;
  std::map<std::string, std::uint64_t> errors_by_kind_;
  std::uint64_t busy_sessions_ = 0;  // sessions completed in intervals that had any
  double busy_seconds_ = 0.0;
  std::uint64_t last_succeeded_ = 0;
  cpesim::LatencyHistogram::Snapshot last_snapshot_;
  bool have_snapshot_ = false;
};

void Runner::say(const std::string& line) {
  if (options_.quiet) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (options_.live) out_ << "\r\033[K";
  out_ << "[" << seconds(elapsed()) << "] " << line << std::endl;
}

std::string Runner::setUp() {
  // 1. The ACS.
  if (scenario_.acs.mode == AcsMode::kEmbedded) {
    char pattern[] = "/tmp/scenario-run-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return "cannot create a temporary directory under /tmp";
    work_dir_ = pattern;
    std::string database_url = scenario_.acs.database == DatabaseKind::kSqlite
                                   ? "sqlite://" + (work_dir_ / "acs.db").string()
                                   : scenario_.acs.postgresql_url;
    acs_ = std::make_unique<AcsProcess>(options_.acs_binary, work_dir_, database_url);
    if (auto error = acs_->start(); !error.empty()) return "embedded ACS: " + error;
    cwmp_url_ = acs_->baseUrl() + "/cwmp";
    api_url_ = acs_->baseUrl();
    node_urls_.push_back(acs_->baseUrl());
    // Further nodes after the first, which created the schema: each its own port and log.
    for (std::int64_t n = 1; n < scenario_.acs.nodes; ++n) {
      const fs::path dir = work_dir_ / ("node" + std::to_string(n));
      std::error_code ec;
      fs::create_directories(dir, ec);
      extra_nodes_.push_back(std::make_unique<AcsProcess>(options_.acs_binary, dir, database_url));
      if (auto error = extra_nodes_.back()->start(); !error.empty()) {
        return "embedded ACS node " + std::to_string(n) + ": " + error;
      }
      node_urls_.push_back(extra_nodes_.back()->baseUrl());
    }
    std::string where;
    for (const std::string& url : node_urls_) where += (where.empty() ? "" : ", ") + url;
    say("ACS " + options_.acs_binary + " on " + where + " (" +
        (scenario_.acs.database == DatabaseKind::kSqlite ? "SQLite " + (work_dir_ / "acs.db").string()
                                                         : std::string("PostgreSQL")) +
        ")");
  } else {
    cwmp_url_ = scenario_.acs.url;
    // The ACS's base URL: the REST paths (/api/...) and /metrics are below it. A URL given
    // as the API's own base (".../api", as conformance --trigger-api takes it) means the same.
    api_url_ = scenario_.acs.api_url;
    while (!api_url_.empty() && api_url_.back() == '/') api_url_.pop_back();
    if (api_url_.size() > 4 && api_url_.compare(api_url_.size() - 4, 4, "/api") == 0) {
      api_url_.resize(api_url_.size() - 4);
    }
    api_key_ = scenario_.acs.api_key;
  }
  if (node_urls_.empty() && !api_url_.empty()) node_urls_.push_back(api_url_);
  node_counters_.resize(node_urls_.size());
  if (!api_url_.empty()) {
    rest_ = std::make_unique<RestClient>(api_url_, api_key_);
    for (std::size_t n = 1; n < node_urls_.size(); ++n) {
      extra_rests_.push_back(std::make_unique<RestClient>(node_urls_[n], api_key_));
    }
    // The ACS-side baseline, before any device exists: the run's counters are end - this.
    for (std::size_t n = 0; n < node_urls_.size(); ++n) {
      RestClient& client = n == 0 ? *rest_ : *extra_rests_[n - 1];
      HttpReply metrics = client.get("/metrics");
      if (!metrics.ok()) continue;
      std::optional<double> ignored;
      recordScrape(n, parsePrometheus(metrics.body), 0.0, ignored);
    }
  }

  // 2. The fleets (created now, powered on by their boot_storm).
  // A fleet's first periodic phase, when it covers the whole fleet, sets the interval in the
  // devices' data model before they power on, so the informs follow the boot times from the
  // start. Every other change (another interval, a share, jitter) is made on the running
  // devices when its phase starts (periodic()).
  std::set<std::string> periodic_fleets;
  std::map<std::string, std::uint64_t> periodic_interval;
  for (const Phase& p : scenario_.phases) {
    if (p.kind != PhaseKind::kPeriodic) continue;
    for (const FleetSpec& f : scenario_.fleets) {
      if (!(p.fleet.empty() || p.fleet == f.name) || !periodic_fleets.insert(f.name).second) continue;
      if (p.share >= 1.0) periodic_interval[f.name] = periodicSeconds(p.interval_s);
    }
  }
  for (std::size_t i = 0; i < scenario_.fleets.size(); ++i) {
    const FleetSpec& spec = scenario_.fleets[i];
    RunFleet run;
    run.spec = &spec;
    const std::string profile = resolveProfile(spec.profile, options_.scenario_file, options_.profile_dir);
    cpesim::FleetConfig config;
    config.acs_url = cwmp_url_;
    config.seed = seed_ + i;
    config.cr_bind = "127.0.0.1";
    config.cr_max_per_window = 1000;
    config.summary_interval = std::chrono::milliseconds(0);
    config.threads = spec.count > 4000 ? 2 : 1;
    config.max_sessions = static_cast<std::uint32_t>(spec.max_in_flight);
    config.power_on_at_start = false;  // each boot_storm powers its devices on (bootStorm())
    std::vector<std::string> set_values;
    auto profile_spec = cpesim::readProfileSpec(profile);
    if (!profile_spec) return "fleet '" + spec.name + "': " + profile_spec.error().message;
    const std::string root_name = profile_spec->root.name;
    run.root_name = root_name;
    if (auto it = periodic_interval.find(spec.name); it != periodic_interval.end()) {
      set_values.push_back(root_name + ".ManagementServer.PeriodicInformInterval=" + std::to_string(it->second));
      run.periodic_interval = it->second;
    }
    run.quirked.assign(static_cast<std::size_t>(spec.count), false);
    run.powered.assign(static_cast<std::size_t>(spec.count), false);
    run.provisioned.assign(static_cast<std::size_t>(spec.count), false);
    // With several ACS nodes each range is cut into one part per node, whose devices have
    // that node's CWMP URL as their ManagementServer.URL.
    const auto nodes = static_cast<std::uint32_t>(std::max<std::size_t>(1, acs_ ? node_urls_.size() : 1));
    for (const IndexRange& range : placeQuirks(spec, seed_)) {
      for (std::uint32_t n = 0; n < nodes; ++n) {
        const std::uint32_t begin = range.start + static_cast<std::uint32_t>(static_cast<std::uint64_t>(range.count) * n / nodes);
        const std::uint32_t end = range.start + static_cast<std::uint32_t>(static_cast<std::uint64_t>(range.count) * (n + 1) / nodes);
        if (end == begin) continue;
        cpesim::ProfileGroupConfig group;
        group.path = profile;
        group.count = end - begin;
        group.start_index = begin;
        group.serial_pattern = spec.serial_pattern;
        group.set_values = set_values;
        if (nodes > 1) group.set_values.push_back(root_name + ".ManagementServer.URL=" + node_urls_[n] + "/cwmp");
        if (!range.quirk.empty()) {
          group.quirks.push_back(range.quirk);
          for (std::uint32_t k = begin; k < end; ++k) run.quirked[k] = true;
        }
        config.groups.push_back(std::move(group));
      }
    }
    std::string error;
    run.fleet = cpesim::Fleet::create(config, error);
    if (!run.fleet) return "fleet '" + spec.name + "': " + error;
    run.serials.assign(static_cast<std::size_t>(spec.count), std::string());
    run.fleet->visitDevices([&](cpesim::Device& device, const cpesim::Profile& p) {
      if (device.index() < run.serials.size()) run.serials[device.index()] = p.serialNumber(device.index());
    });
    fleets_.push_back(std::move(run));
  }
  return {};
}

void Runner::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_sampling_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  for (RunFleet& f : fleets_) {
    if (f.fleet) f.fleet->stop();
  }
  fleets_.clear();
  for (auto& server : firmware_servers_) server->stop();
  firmware_servers_.clear();
  for (auto& node : extra_nodes_) node->stop();
  extra_nodes_.clear();
  if (acs_) {
    acs_->stop();
    acs_.reset();
  }
  if (!work_dir_.empty()) {
    std::error_code ec;
    fs::remove_all(work_dir_, ec);
    work_dir_.clear();
  }
}

bool Runner::waitFor(double timeout_s, std::chrono::milliseconds poll, const std::function<bool()>& done) {
  const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
  while (true) {
    if (done()) return true;
    if (interrupted() || Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::min<Clock::duration>(poll, std::max<Clock::duration>(deadline - Clock::now(), Clock::duration(0))));
  }
}

void Runner::pace(Clock::time_point start, std::size_t done, double rate) const {
  if (rate <= 0.0) return;
  const auto due = start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(static_cast<double>(done) / rate));
  std::this_thread::sleep_until(due);
}

std::vector<std::size_t> Runner::selectedFleets(const Phase& phase) const {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < fleets_.size(); ++i) {
    if (phase.fleet.empty() || phase.fleet == fleets_[i].spec->name) out.push_back(i);
  }
  return out;
}

// The phase's share of each selected fleet, drawn with the seed (and the phase's position, so
// two phases with the same share may pick different devices).
std::vector<std::pair<std::size_t, std::uint32_t>> Runner::selectDevices(std::size_t phase_index, const Phase& phase,
                                                                         const std::set<std::string>* allowed) {
  std::vector<std::pair<std::size_t, std::uint32_t>> out;
  for (std::size_t f : selectedFleets(phase)) {
    const auto n = static_cast<std::uint32_t>(fleets_[f].serials.size());
    // Phases that reach devices through the ACS only pick devices a boot_storm powered on;
    // quirk switches and periodic settings also apply to devices still off.
    const bool needs_on = phase.kind == PhaseKind::kTasks || phase.kind == PhaseKind::kConnectionRequests ||
                          phase.kind == PhaseKind::kFirmwareRollout;
    std::vector<std::uint32_t> indexes;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (needs_on && !fleets_[f].powered[i]) continue;
      if (allowed == nullptr || allowed->count(fleets_[f].serials[i]) > 0) indexes.push_back(i);
    }
    if (indexes.empty()) continue;
    const auto candidates = static_cast<std::uint32_t>(indexes.size());
    auto take = static_cast<std::uint32_t>(std::llround(phase.share * static_cast<double>(candidates)));
    take = std::clamp<std::uint32_t>(take, 1, candidates);
    if (take < candidates) {
      std::mt19937_64 rng(seed_ * 1000003ULL + phase_index * 7919ULL + f);
      std::shuffle(indexes.begin(), indexes.end(), rng);
      indexes.resize(take);
      std::sort(indexes.begin(), indexes.end());
    }
    for (std::uint32_t i : indexes) out.emplace_back(f, i);
  }
  return out;
}

std::string Runner::filteredSerials(const Phase& phase, std::set<std::string>& serials) {
  std::string query;
  for (const auto& [key, value] : phase.filter) {
    query += (query.empty() ? "?" : "&") + key + "=" + encodePathSegment(value);
  }
  return forEachListed("/api/devices" + query, [&](const Poco::JSON::Object::Ptr& item) {
    if (item->has("serial_number")) serials.insert(item->getValue<std::string>("serial_number"));
  });
}

std::string Runner::refreshDeviceIds() {
  return forEachListed("/api/devices", [&](const Poco::JSON::Object::Ptr& item) {
    if (item->has("serial_number") && item->has("id")) {
      device_ids_[item->getValue<std::string>("serial_number")] = item->getValue<std::string>("id");
    }
  });
}

std::string Runner::forEachListed(const std::string& path,
                                  const std::function<void(const Poco::JSON::Object::Ptr&)>& each) {
  const char separator = path.find('?') == std::string::npos ? '?' : '&';
  for (std::int64_t offset = 0;; offset += 1000) {
    HttpReply reply = rest().get(path + separator + "limit=1000&offset=" + std::to_string(offset));
    auto page = reply.ok() ? parseObject(reply.body) : nullptr;
    if (!page || !page->isArray("items")) return "GET " + path + ": " + reply.describe();
    auto items = page->getArray("items");
    for (std::size_t i = 0; i < items->size(); ++i) {
      if (auto item = items->getObject(static_cast<unsigned>(i))) each(item);
    }
    if (items->size() == 0 || offset + 1000 >= page->optValue<std::int64_t>("total", 0)) break;
  }
  return {};
}

std::size_t Runner::countBooted(RunFleet& fleet, const std::vector<bool>& among) {
  std::size_t booted = 0;
  const auto now = std::chrono::system_clock::now();
  // A device counts once its power-on time came, it is not rebooting, and it delivered its
  // BOOTSTRAP / BOOT to the ACS (no such event left for the next Inform).
  fleet.fleet->visitDevices([&](cpesim::Device& device, const cpesim::Profile& profile, bool powered) {
    if (device.index() >= among.size() || !among[device.index()] || !powered || device.rebooting()) return;
    const auto content = device.informContent(profile, now);
    for (const auto& e : content.events) {
      if (e.event_code == "0 BOOTSTRAP" || e.event_code == "1 BOOT") return;
    }
    ++booted;
  });
  return booted;
}

// `event: bootstrap` powers on the phase's share of the devices not powered on yet;
// `event: boot` power-cycles the share of those powered on (they come back with 1 BOOT, no
// BOOTSTRAP). Each device's power-on time is drawn within `window`; the phase is done when
// every one of them delivered its BOOTSTRAP / BOOT.
std::string Runner::bootStorm(std::size_t index, const Phase& phase) {
  const bool cycle = phase.event == BootEvent::kBoot;
  std::set<std::string> candidates;
  for (std::size_t f : selectedFleets(phase)) {
    for (std::size_t i = 0; i < fleets_[f].serials.size(); ++i) {
      if (fleets_[f].powered[i] == cycle) candidates.insert(fleets_[f].serials[i]);
    }
  }
  const auto devices = selectDevices(index, phase, &candidates);
  if (devices.empty()) {
    return std::string("failed: no device left to ") + (cycle ? "power-cycle (none is on)" : "power on (all are on)");
  }
  std::map<std::size_t, std::vector<std::string>> serials;
  std::map<std::size_t, std::vector<bool>> want;
  for (const auto& [f, i] : devices) {
    serials[f].push_back(fleets_[f].serials[i]);
    auto& w = want[f];
    if (w.empty()) w.assign(fleets_[f].serials.size(), false);
    w[i] = true;
  }
  const auto window = std::chrono::milliseconds(static_cast<std::int64_t>(phase.duration_s * 1000.0));
  for (const auto& [f, list] : serials) {
    RunFleet& fleet = fleets_[f];
    if (!fleet.started) {
      fleet.fleet->start();
      fleet.started = true;
    }
    if (auto error = fleet.fleet->powerOn(list, window); !error.empty()) {
      return "failed: fleet '" + fleet.spec->name + "': " + error;
    }
    for (std::size_t i = 0; i < fleet.powered.size(); ++i) {
      if (want[f][i]) fleet.powered[i] = true;
    }
  }
  if (phase.share < 1.0 || cycle) {
    say(std::string(cycle ? "power-cycling " : "powering on ") + std::to_string(devices.size()) + " devices within " +
        seconds(phase.duration_s));
  }
  const double timeout = phase.timeout_s > 0.0 ? phase.timeout_s : phase.duration_s + 120.0;
  std::size_t booted = 0;
  const bool ok = waitFor(timeout, std::chrono::milliseconds(250), [&] {
    booted = 0;
    for (const auto& [f, w] : want) booted += countBooted(fleets_[f], w);
    return booted == devices.size();
  });
  if (ok) return "done";
  return (interrupted() ? std::string("interrupted") : "timed out after " + seconds(timeout)) + ": " +
         std::to_string(booted) + " of " + std::to_string(devices.size()) + " devices booted";
}

std::string Runner::sleepPhase(double duration_s) {
  waitFor(duration_s, std::chrono::milliseconds(100), [] { return false; });
  return interrupted() ? "interrupted" : "done";
}

std::string Runner::waitUntil(const Phase& phase) {
  std::string state;
  std::function<bool()> done;
  switch (phase.condition) {
    case WaitCondition::kAllTasksEnded:
      done = [&] {
        // Every task this run created is in an end state: the ACS's pending and sent tasks,
        // matched against ours (other users of the same ACS may have their own).
        std::set<std::int64_t> ours;
        for (const CreatedTask& t : created_) ours.insert(t.id);
        std::size_t open = 0;
        for (const char* status : {"pending", "sent"}) {
          const std::string error =
              forEachListed(std::string("/api/tasks?status=") + status, [&](const Poco::JSON::Object::Ptr& item) {
                if (item->has("id") && ours.count(item->getValue<std::int64_t>("id")) > 0) ++open;
              });
          if (!error.empty()) {
            state = "cannot list tasks: " + error;
            return false;
          }
        }
        state = std::to_string(open) + " of " + std::to_string(ours.size()) + " tasks still pending or sent";
        return open == 0;
      };
      break;
    case WaitCondition::kAllDevicesOnline:
      done = [&] {
        // Of the devices a boot_storm powered on (the others are off on purpose).
        std::int64_t online = 0, total = 0;
        for (RunFleet& f : fleets_) {
          online += f.fleet->metrics().devices_online.load();
          total += static_cast<std::int64_t>(std::count(f.powered.begin(), f.powered.end(), true));
        }
        state = std::to_string(online) + " of " + std::to_string(total) + " powered devices online";
        return online == total;
      };
      break;
    case WaitCondition::kAllDevicesBooted:
      done = [&] {
        std::size_t booted = 0, total = 0;
        for (RunFleet& f : fleets_) {
          booted += countBooted(f, f.powered);
          total += static_cast<std::size_t>(std::count(f.powered.begin(), f.powered.end(), true));
        }
        state = std::to_string(booted) + " of " + std::to_string(total) + " powered devices booted";
        return booted == total;
      };
      break;
  }
  if (waitFor(phase.timeout_s, std::chrono::milliseconds(250), done)) return "done";
  return (interrupted() ? std::string("interrupted") : "timed out after " + seconds(phase.timeout_s)) + ": " + state;
}

std::string Runner::tasks(std::size_t index, const Phase& phase) {
  if (auto error = refreshDeviceIds(); !error.empty()) return "failed: " + error;
  std::set<std::string> matching;
  if (!phase.filter.empty()) {
    if (auto error = filteredSerials(phase, matching); !error.empty()) return "failed: " + error;
  }
  const auto devices = selectDevices(index, phase, phase.filter.empty() ? nullptr : &matching);
  if (devices.empty()) return "failed: no device matches the filter";
  const std::string body_tail = std::string(",\"parameters\":") + phase.parameters_json +
                                ",\"connection_request\":" + (phase.connection_request ? "true" : "false") + "}";
  const std::string body = "{\"task_type\":\"" + phase.task_type + "\"" + body_tail;
  const auto start = Clock::now();
  std::size_t made = 0, failed = 0;
  std::string first_error, cr_note;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (interrupted()) return "interrupted after " + std::to_string(made) + " tasks";
    if (phase.timeout_s > 0.0 && std::chrono::duration<double>(Clock::now() - start).count() > phase.timeout_s) {
      return "timed out after " + seconds(phase.timeout_s) + ": " + std::to_string(made) + " of " +
             std::to_string(devices.size()) + " tasks created";
    }
    pace(start, i, phase.rate_per_s);
    const auto [f, device_index] = devices[i];
    const std::string& serial = fleets_[f].serials[device_index];
    auto id = device_ids_.find(serial);
    if (id == device_ids_.end()) {
      ++failed;
      std::lock_guard<std::mutex> lock(mutex_);
      ++errors_by_kind_["task_device_unknown_to_acs"];
      if (first_error.empty()) first_error = "device " + serial + " is not known to the ACS";
      continue;
    }
    HttpReply reply = rest().post("/api/devices/" + encodePathSegment(id->second) + "/tasks", body);
    auto task = reply.status == 201 ? parseObject(reply.body) : nullptr;
    if (!task || !task->has("id")) {
      ++failed;
      std::lock_guard<std::mutex> lock(mutex_);
      ++errors_by_kind_["task_create_failed"];
      if (first_error.empty()) first_error = serial + ": " + reply.describe();
      continue;
    }
    created_.push_back({task->getValue<std::int64_t>("id"), f, device_index, index, phase.task_type,
                        phase.parameters_json, false, std::string(), std::string()});
    ++made;
    // The task stays queued whatever the connection request gave; a refused one is an error
    // (the task then waits for the device's next periodic contact).
    if (phase.connection_request) {
      auto cr = task->isObject("connection_request") ? task->getObject("connection_request") : nullptr;
      if (!cr || !cr->optValue<bool>("ok", false)) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (errors_by_kind_["task_connection_request_failed"]++ == 0) {
          cr_note = serial + ": " + (cr ? cr->optValue<std::string>("message", "no message") : "no connection_request in the reply");
        }
      }
    }
  }
  if (!cr_note.empty()) say("connection request refused (first of this phase): " + cr_note);
  if (failed == 0) return "done";
  return "failed: " + std::to_string(failed) + " of " + std::to_string(devices.size()) +
         " tasks not created (first: " + first_error + ")";
}

std::string Runner::connectionRequests(std::size_t index, const Phase& phase) {
  if (auto error = refreshDeviceIds(); !error.empty()) return "failed: " + error;
  std::set<std::string> matching;
  if (!phase.filter.empty()) {
    if (auto error = filteredSerials(phase, matching); !error.empty()) return "failed: " + error;
  }
  const auto devices = selectDevices(index, phase, phase.filter.empty() ? nullptr : &matching);
  if (devices.empty()) return "failed: no device matches the filter";
  const auto start = Clock::now();
  std::size_t failed = 0;
  std::string first_error;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (interrupted()) return "interrupted";
    pace(start, i, phase.rate_per_s);
    const std::string& serial = fleets_[devices[i].first].serials[devices[i].second];
    auto id = device_ids_.find(serial);
    HttpReply reply;
    if (id != device_ids_.end()) {
      reply = rest().post("/api/devices/" + encodePathSegment(id->second) + "/connection-request", "{}");
    } else {
      reply.error = "device " + serial + " is not known to the ACS";
    }
    if (!reply.ok()) {
      ++failed;
      std::lock_guard<std::mutex> lock(mutex_);
      ++errors_by_kind_["connection_request_failed"];
      if (first_error.empty()) first_error = serial + ": " + reply.describe();
    }
  }
  if (failed == 0) return "done";
  return "failed: " + std::to_string(failed) + " of " + std::to_string(devices.size()) +
         " connection requests (first: " + first_error + ")";
}

void Runner::acsRestarting() {
  // Node 0 restarts: what it counted so far is kept, the next process counts from zero.
  std::lock_guard<std::mutex> lock(mutex_);
  NodeCounters& c = node_counters_[0];
  if (c.have_baseline) c.accumulated = addSamples(c.accumulated, subtractSamples(c.last, c.baseline));
  c.baseline.clear();
  c.last.clear();
  c.have_baseline = true;
  c.last_sessions.reset();
}

void Runner::recordScrape(std::size_t node, const Samples& samples, double dt, std::optional<double>& sessions_per_s) {
  if (samples.empty() || node >= node_counters_.size()) return;
  const auto sessions = sumSeries(samples, "acs_sessions_started_total");
  std::lock_guard<std::mutex> lock(mutex_);
  NodeCounters& c = node_counters_[node];
  if (!c.have_baseline) {
    c.baseline = samples;
    c.have_baseline = true;
  }
  c.last = samples;
  acs_scraped_ = true;
  if (auto it = samples.find("acs_process_peak_resident_memory_bytes"); it != samples.end()) {
    c.peak_rss_bytes = std::max(c.peak_rss_bytes.value_or(0.0), it->second);
  }
  if (sessions && c.last_sessions && dt > 0.0) {
    sessions_per_s = sessions_per_s.value_or(0.0) + std::max(0.0, *sessions - *c.last_sessions) / dt;
  }
  c.last_sessions = sessions;
}

RestClient& Runner::rest() {
  if (extra_rests_.empty()) return *rest_;
  const std::size_t n = next_rest_++ % (extra_rests_.size() + 1);
  return n == 0 ? *rest_ : *extra_rests_[n - 1];
}

// enable_quirk / disable_quirk: the phase's share of each selected fleet gets the quirk added
// to (or removed from) the quirks switched on at runtime, which apply on top of the device's
// own (its fleet's `quirks`), in the order switched on. Sessions running at that moment end
// with the quirks they started with. A device that ever had a runtime quirk counts as quirked
// for the rest of the run (its failed tasks are expected).
std::string Runner::switchQuirk(std::size_t index, const Phase& phase) {
  const bool on = phase.action == FaultAction::kEnableQuirk;
  // By fleet, then by the device's resulting list: one Fleet call per distinct list.
  std::map<std::size_t, std::map<std::vector<std::string>, std::vector<std::string>>> changes;
  std::size_t changed = 0;
  for (const auto& [f, i] : selectDevices(index, phase, nullptr)) {
    RunFleet& fleet = fleets_[f];
    if (fleet.runtime_quirks.empty()) fleet.runtime_quirks.resize(fleet.serials.size());
    std::vector<std::string>& list = fleet.runtime_quirks[i];
    const auto it = std::find(list.begin(), list.end(), phase.quirk);
    if (on == (it != list.end())) continue;  // already on / not on: nothing to do
    if (on) {
      list.push_back(phase.quirk);
      fleet.quirked[i] = true;
    } else {
      list.erase(it);
    }
    changes[f][list].push_back(fleet.serials[i]);
    ++changed;
  }
  for (const auto& [f, by_list] : changes) {
    for (const auto& [list, serials] : by_list) {
      if (auto error = fleets_[f].fleet->setWireQuirks(serials, list); !error.empty()) {
        return "failed: fleet '" + fleets_[f].spec->name + "': " + error;
      }
    }
  }
  say("quirk " + phase.quirk + (on ? " switched on for " : " switched off for ") + std::to_string(changed) +
      " devices");
  return "done";
}

// A periodic phase sets PeriodicInformEnable and PeriodicInformInterval on its devices (the
// phase's share of each selected fleet) the way the device's own configuration would
// (cpesim::Fleet::changeValues): the new interval takes effect at once, as on a real CPE.
// Nothing is changed when the whole fleet already has that interval and there is no jitter.
// With jitter each device is changed at a seeded random offset within [0, jitter) after the
// phase starts, with PeriodicInformTime set to that moment, so its periodic informs fall at
// that offset plus multiples of the interval. The rest of `duration` is the measured window.
std::string Runner::periodic(std::size_t index, const Phase& phase) {
  const auto start = Clock::now();
  const std::uint64_t interval = periodicSeconds(phase.interval_s);
  const bool whole = phase.share >= 1.0 && phase.jitter_s <= 0.0;
  struct Change {
    double offset_s = 0.0;
    std::size_t fleet = 0;
    std::uint32_t device = 0;
  };
  std::vector<Change> changes;
  std::mt19937_64 rng(seed_ * 2654435761ULL + index * 40503ULL + 17);
  std::uniform_real_distribution<double> offset(0.0, std::max(phase.jitter_s, 0.0));
  for (const auto& [f, i] : selectDevices(index, phase, nullptr)) {
    if (whole && fleets_[f].periodic_interval == interval) continue;
    changes.push_back({phase.jitter_s > 0.0 ? offset(rng) : 0.0, f, i});
  }
  std::stable_sort(changes.begin(), changes.end(),
                   [](const Change& a, const Change& b) { return a.offset_s < b.offset_s; });
  std::size_t next = 0;
  while (next < changes.size()) {
    if (interrupted()) return "interrupted";
    const double elapsed_s = std::chrono::duration<double>(Clock::now() - start).count();
    if (changes[next].offset_s > elapsed_s) {
      std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.05, changes[next].offset_s - elapsed_s)));
      continue;
    }
    // Everything due by now, in one call per fleet.
    const std::string informs_from = isoMilliseconds(std::chrono::system_clock::now());
    std::map<std::size_t, std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>> batch;
    for (; next < changes.size() && changes[next].offset_s <= elapsed_s; ++next) {
      const RunFleet& fleet = fleets_[changes[next].fleet];
      const std::string ms = fleet.root_name + ".ManagementServer.";
      std::vector<std::pair<std::string, std::string>> values = {
          {ms + "PeriodicInformEnable", "true"}, {ms + "PeriodicInformInterval", std::to_string(interval)}};
      if (phase.jitter_s > 0.0) values.emplace_back(ms + "PeriodicInformTime", informs_from);
      batch[changes[next].fleet].emplace_back(fleet.serials[changes[next].device], std::move(values));
    }
    for (const auto& [f, devices] : batch) {
      if (auto error = fleets_[f].fleet->changeValues(devices); !error.empty()) {
        return "failed: fleet '" + fleets_[f].spec->name + "': " + error;
      }
    }
  }
  for (std::size_t f : selectedFleets(phase)) fleets_[f].periodic_interval = phase.share >= 1.0 ? interval : 0;
  if (!changes.empty()) {
    say("PeriodicInformInterval " + std::to_string(interval) + " s on " + std::to_string(changes.size()) +
        " devices" + (phase.jitter_s > 0.0 ? ", spread over " + seconds(phase.jitter_s) : std::string()));
  }
  const double left = phase.duration_s - std::chrono::duration<double>(Clock::now() - start).count();
  return left > 0.0 ? sleepPhase(left) : (interrupted() ? "interrupted" : "done");
}

std::string Runner::faults(std::size_t index, const Phase& phase) {
  if (phase.action == FaultAction::kEnableQuirk || phase.action == FaultAction::kDisableQuirk) {
    return switchQuirk(index, phase);
  }
  const auto down = Clock::now();
  std::string how;
  if (phase.action == FaultAction::kRestartAcs) {
    acsRestarting();
    how = "stopped (" + acs_->stop() + ")";
  } else {
    acsRestarting();
    acs_->kill();
    how = "killed (SIGKILL)";
  }
  if (auto error = acs_->start(); !error.empty()) return "failed: the ACS did not come back: " + error;
  const double downtime = std::chrono::duration<double>(Clock::now() - down).count();
  say("ACS " + how + " and started again on the same port in " + seconds(downtime));
  return "done";
}

// Our ACS learns a device's ConnectionRequestUsername/Password from an Inform, a GPV or the
// SetParameterValues that set them; the simulated CPEs inform neither and read passwords back
// as "" (as CPEs do), so before the first connection request the runner does what an
// operator's provisioning does: a SetParameterValues of the credentials the device already
// has (nothing changes on the device), delivered in a session the runner starts on the
// simulator side (as if the device had been asked to connect). These tasks are not the
// scenario's: they are listed as the "provision" step of the report, not measured.
std::string Runner::provisionConnectionRequests(const Phase& phase) {
  // Every device powered on and not provisioned yet (a fleet booted in parts is provisioned
  // part by part).
  std::vector<std::size_t> todo;
  std::vector<std::pair<std::size_t, std::uint32_t>> devices;
  for (std::size_t f : selectedFleets(phase)) {
    const RunFleet& fleet = fleets_[f];
    for (std::uint32_t i = 0; i < fleet.serials.size(); ++i) {
      if (fleet.powered[i] && !fleet.provisioned[i]) devices.emplace_back(f, i);
    }
  }
  for (const auto& [f, i] : devices) {
    if (todo.empty() || todo.back() != f) todo.push_back(f);
  }
  if (devices.empty()) return "done";
  if (auto error = refreshDeviceIds(); !error.empty()) return "failed: " + error;
  const auto started = Clock::now();
  std::set<std::int64_t> tasks;
  std::size_t failed = 0;
  std::string first_error;
  const auto now = std::chrono::system_clock::now();
  for (std::size_t f : todo) {
    RunFleet& fleet = fleets_[f];
    struct Credentials {
      std::string root, username, password;
    };
    std::vector<Credentials> credentials(fleet.serials.size());
    fleet.fleet->visitDevices([&](cpesim::Device& d, const cpesim::Profile& p) {
      if (d.index() >= credentials.size()) return;
      const auto ms = d.managementServer(p, now);
      credentials[d.index()] = {p.rootName(), ms.connection_request_username, ms.connection_request_password};
    });
    for (std::uint32_t i = 0; i < fleet.serials.size(); ++i) {
      if (!fleet.powered[i] || fleet.provisioned[i]) continue;
      auto id = device_ids_.find(fleet.serials[i]);
      if (id == device_ids_.end()) {
        if (failed++ == 0) first_error = "device " + fleet.serials[i] + " is not known to the ACS";
        continue;
      }
      Poco::JSON::Object body;
      body.set("task_type", "SetParameterValues");
      Poco::JSON::Object::Ptr params = new Poco::JSON::Object;
      Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
      for (const auto& [name, value] : {std::pair<std::string, std::string>{"ConnectionRequestUsername", credentials[i].username},
                                        std::pair<std::string, std::string>{"ConnectionRequestPassword", credentials[i].password}}) {
        Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
        entry->set("Name", credentials[i].root + "ManagementServer." + name);
        entry->set("Value", value);
        entry->set("Type", "xsd:string");
        list->add(entry);
      }
      params->set("ParameterList", list);
      params->set("ParameterKey", "");
      body.set("parameters", params);
      std::ostringstream json;
      body.stringify(json);
      HttpReply reply = rest().post("/api/devices/" + encodePathSegment(id->second) + "/tasks", json.str());
      auto task = reply.status == 201 ? parseObject(reply.body) : nullptr;
      if (!task || !task->has("id")) {
        if (failed++ == 0) first_error = fleet.serials[i] + ": " + reply.describe();
        continue;
      }
      tasks.insert(task->getValue<std::int64_t>("id"));
      fleet.fleet->connectionRequested(fleet.serials[i]);
    }
  }
  if (failed > 0) return "failed: " + std::to_string(failed) + " credential tasks not created (first: " + first_error + ")";
  std::string state;
  const bool ok = waitFor(120.0, std::chrono::milliseconds(250), [&] {
    std::size_t completed = 0;
    const std::string error = forEachListed(
        "/api/tasks?status=completed&type=SetParameterValues", [&](const Poco::JSON::Object::Ptr& item) {
          if (item->has("id") && tasks.count(item->getValue<std::int64_t>("id")) > 0) ++completed;
        });
    if (!error.empty()) {
      state = "cannot list tasks: " + error;
      return false;
    }
    state = std::to_string(completed) + " of " + std::to_string(tasks.size()) + " devices provisioned";
    return completed == tasks.size();
  });
  if (!ok) return (interrupted() ? std::string("interrupted") : std::string("timed out after 120 s")) + ": " + state;
  for (const auto& [f, i] : devices) fleets_[f].provisioned[i] = true;
  say("connection-request credentials provisioned on " + std::to_string(tasks.size()) + " devices in " +
      seconds(std::chrono::duration<double>(Clock::now() - started).count()));
  return "done";
}

// firmware_rollout: the runner serves `file` itself (FirmwareServer); the selected devices get a
// Download (FileType "1 Firmware Upgrade Image", with connection request) wave after wave, each
// wave waited for until every device reported its TransferComplete. A seeded fail_share of the
// devices gets 404 for the file: their TransferComplete carries a fault, their task must
// fault. A device that applied the image reports the file's name without extension as its
// SoftwareVersion (what the simulator does), which the end of the run checks.
std::string Runner::firmwareRollout(std::size_t index, const Phase& phase) {
  const fs::path path = fs::path(options_.scenario_file).parent_path() / phase.file;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "failed: cannot read the firmware file " + path.string();
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string content = buffer.str();
  const std::string name = path.filename().string();
  std::string version = encodePathSegment(name);
  if (auto dot = version.rfind('.'); dot != std::string::npos && dot > 0) version.resize(dot);

  auto server = std::make_unique<FirmwareServer>(content, name);
  if (auto error = server->start(); !error.empty()) return "failed: " + error;
  FirmwareServer& files = *server;
  firmware_servers_.push_back(std::move(server));

  const auto devices = selectDevices(index, phase);
  std::set<std::pair<std::size_t, std::uint32_t>> failing;
  {
    std::vector<std::pair<std::size_t, std::uint32_t>> order = devices;
    std::mt19937_64 rng(seed_ * 2654435761ULL + index);
    std::shuffle(order.begin(), order.end(), rng);
    const auto n = static_cast<std::size_t>(std::llround(phase.fail_share * static_cast<double>(order.size())));
    failing.insert(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(std::min(n, order.size())));
  }
  std::set<std::string> failing_serials;
  for (const auto& [f, i] : failing) failing_serials.insert(fleets_[f].serials[i]);
  files.setFailing(failing_serials);
  if (auto error = refreshDeviceIds(); !error.empty()) return "failed: " + error;

  std::map<std::size_t, std::string> roots;  // fleet -> "Device."
  for (const auto& [f, i] : devices) {
    if (roots.count(f) == 0) {
      fleets_[f].fleet->inspect(fleets_[f].serials[i],
                                [&, f = f](cpesim::Device&, const cpesim::Profile& p) { roots[f] = p.rootName(); });
    }
  }
  const auto waves = static_cast<std::size_t>(std::max<std::int64_t>(1, phase.waves));
  const std::size_t per_wave = (devices.size() + waves - 1) / waves;
  const double timeout = phase.timeout_s > 0.0 ? phase.timeout_s : 600.0;
  const auto start = Clock::now();
  for (std::size_t w = 0; w * per_wave < devices.size(); ++w) {
    const std::size_t first = w * per_wave;
    const std::size_t last = std::min(devices.size(), first + per_wave);
    const std::string command_key = scenario_.name + "-fw-" + std::to_string(index) + "-" + std::to_string(w + 1);
    std::set<std::int64_t> wave_tasks;
    for (std::size_t k = first; k < last; ++k) {
      if (interrupted()) return "interrupted in wave " + std::to_string(w + 1);
      const auto [f, i] = devices[k];
      const std::string& serial = fleets_[f].serials[i];
      auto id = device_ids_.find(serial);
      if (id == device_ids_.end()) return "failed: device " + serial + " is not known to the ACS";
      Poco::JSON::Object params;
      params.set("CommandKey", command_key);
      params.set("FileType", "1 Firmware Upgrade Image");
      params.set("URL", files.urlFor(serial));
      params.set("FileSize", static_cast<std::uint64_t>(content.size()));
      std::ostringstream params_json;
      params.stringify(params_json);
      const std::string body = "{\"task_type\":\"Download\",\"parameters\":" + params_json.str() +
                               ",\"connection_request\":true}";
      HttpReply reply = rest().post("/api/devices/" + encodePathSegment(id->second) + "/tasks", body);
      auto task = reply.status == 201 ? parseObject(reply.body) : nullptr;
      if (!task || !task->has("id")) {
        std::lock_guard<std::mutex> lock(mutex_);
        ++errors_by_kind_["task_create_failed"];
        return "failed: Download task for " + serial + " not created: " + reply.describe();
      }
      CreatedTask created{task->getValue<std::int64_t>("id"), f, i, index, "Download", params_json.str(),
                          false, std::string(), std::string()};
      created.expect_fault = failing.count({f, i}) > 0;
      if (!created.expect_fault) {
        created.expect_version = version;
        created.version_parameter = roots[f] + "DeviceInfo.SoftwareVersion";
      }
      wave_tasks.insert(created.id);
      created_.push_back(created);
    }
    // The wave ends when every task has its TransferComplete (or ended otherwise).
    std::string state;
    std::size_t ok = 0, failed = 0;
    const double left = timeout - std::chrono::duration<double>(Clock::now() - start).count();
    const bool ended = waitFor(std::max(0.0, left), std::chrono::milliseconds(500), [&] {
      ok = failed = 0;
      const std::string error = forEachListed("/api/tasks?type=Download", [&](const Poco::JSON::Object::Ptr& item) {
        if (!item->has("id") || wave_tasks.count(item->getValue<std::int64_t>("id")) == 0) return;
        const std::string status = item->optValue<std::string>("status", "");
        const bool reported = item->isObject("result") && item->getObject("result")->has("TransferComplete");
        if (status == "completed" && reported) ++ok;
        if (status != "completed" && kEndStates.count(status) > 0) ++failed;
      });
      if (!error.empty()) {
        state = "cannot list tasks: " + error;
        return false;
      }
      state = std::to_string(ok + failed) + " of " + std::to_string(wave_tasks.size()) + " transfers of wave " +
              std::to_string(w + 1) + " ended";
      return ok + failed == wave_tasks.size();
    });
    if (!ended) {
      return (interrupted() ? std::string("interrupted") : "timed out after " + seconds(timeout)) + ": " + state;
    }
    say("firmware wave " + std::to_string(w + 1) + "/" + std::to_string(waves) + ": " + std::to_string(ok) +
        " devices updated, " + std::to_string(failed) + " transfers failed");
  }
  say("firmware served " + std::to_string(files.served()) + " times, refused " + std::to_string(files.refused()) +
      " (" + std::to_string(failing.size()) + " devices chosen to fail)");
  return "done";
}

std::string Runner::runPhase(std::size_t index, const Phase& phase) {
  switch (phase.kind) {
    case PhaseKind::kBootStorm: return bootStorm(index, phase);
    case PhaseKind::kSleep: return sleepPhase(phase.duration_s);
    case PhaseKind::kPeriodic: return periodic(index, phase);
    case PhaseKind::kWaitUntil: return waitUntil(phase);
    case PhaseKind::kTasks: return tasks(index, phase);
    case PhaseKind::kConnectionRequests: return connectionRequests(index, phase);
    case PhaseKind::kFaults: return faults(index, phase);
    case PhaseKind::kFirmwareRollout: return firmwareRollout(index, phase);
  }
  return "failed: unknown phase kind";
}

void Runner::sampleLoop() {
  std::vector<std::unique_ptr<RestClient>> clients;  // one per node; [0] also for /api/stats
  if (!api_url_.empty()) {
    for (const std::string& url : node_urls_) clients.push_back(std::make_unique<RestClient>(url, api_key_, 5000));
  }
  auto last = Clock::now();
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_sampling_; })) {
    lock.unlock();
    const auto now = Clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    takeSample(clients, dt);
    lock.lock();
  }
}

void Runner::takeSample(const std::vector<std::unique_ptr<RestClient>>& clients, double dt) {
  TimePoint point;
  point.t_s = elapsed();
  std::uint64_t succeeded = 0, errors = 0;
  cpesim::LatencyHistogram::Snapshot snapshot;
  snapshot.counts.assign(cpesim::LatencyHistogram::kBuckets, 0);
  for (RunFleet& f : fleets_) {
    const auto& m = f.fleet->metrics();
    succeeded += m.sessions_succeeded.load();
    errors += m.sessions_failed.load() + m.transport_errors.load();
    point.devices_online += m.devices_online.load();
    const auto s = m.session_seconds.snapshot();
    for (std::size_t b = 0; b < s.counts.size() && b < snapshot.counts.size(); ++b) snapshot.counts[b] += s.counts[b];
    snapshot.total += s.total;
    snapshot.sum_seconds += s.sum_seconds;
  }
  const std::uint64_t delta = succeeded - last_succeeded_;
  last_succeeded_ = succeeded;
  point.sim_sessions_per_s = dt > 0.0 ? static_cast<double>(delta) / dt : 0.0;
  point.errors = static_cast<std::int64_t>(errors);
  std::optional<double> p50, p99;
  if (have_snapshot_) {
    const auto interval = snapshot.minus(last_snapshot_);
    if (interval.total > 0) {
      p50 = interval.quantile(0.5) * 1000.0;
      p99 = interval.quantile(0.99) * 1000.0;
    }
  }
  last_snapshot_ = snapshot;
  have_snapshot_ = true;

  if (acs_) acs_->sampleRss();
  for (auto& node : extra_nodes_) node->sampleRss();
  for (std::size_t n = 0; n < clients.size(); ++n) {
    HttpReply metrics = clients[n]->get("/metrics");
    if (metrics.ok()) recordScrape(n, parsePrometheus(metrics.body), dt, point.acs_sessions_per_s);
  }
  if (!clients.empty()) {
    HttpReply stats = clients[0]->get("/api/stats");
    if (auto object = stats.ok() ? parseObject(stats.body) : nullptr; object && object->isObject("tasks_by_state")) {
      auto by_state = object->getObject("tasks_by_state");
      for (const auto& [state, value] : *by_state) {
        try {
          point.tasks_by_state[state] = value.convert<std::int64_t>();
        } catch (const Poco::Exception&) {
        }
      }
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (delta > 0) {
    busy_sessions_ += delta;
    busy_seconds_ += dt;
  }
  series_.push_back(point);
  if (options_.live && !options_.quiet) progress(point, p50, p99);
}

// One line, rewritten in place: phase, bar, devices online, sessions/s, p50/p99, errors.
void Runner::progress(const TimePoint& point, std::optional<double> p50, std::optional<double> p99) {
  std::int64_t devices = 0;
  for (const RunFleet& f : fleets_) devices += static_cast<std::int64_t>(f.serials.size());
  double fraction = 0.0;
  if (phase_expected_s_ > 0.0) fraction = std::clamp((point.t_s - phase_started_s_) / phase_expected_s_, 0.0, 1.0);
  const int width = 20;
  const int filled = static_cast<int>(fraction * width);
  std::string bar = "[" + std::string(static_cast<std::size_t>(filled), '#') +
                    std::string(static_cast<std::size_t>(width - filled), '.') + "]";
  char line[256];
  std::snprintf(line, sizeof line, "%-22s %s online %lld/%lld  %.0f sess/s  p50 %s p99 %s  errors %lld",
                current_phase_.c_str(), bar.c_str(), static_cast<long long>(point.devices_online),
                static_cast<long long>(devices), point.sim_sessions_per_s, milliseconds(p50).c_str(),
                milliseconds(p99).c_str(), static_cast<long long>(point.errors));
  out_ << "\r\033[K" << line << std::flush;
}

Samples Runner::acsRunSamples(const std::vector<Samples>& final_scrapes) {
  std::lock_guard<std::mutex> lock(mutex_);
  Samples total;
  for (std::size_t n = 0; n < node_counters_.size(); ++n) {
    NodeCounters& c = node_counters_[n];
    if (n < final_scrapes.size() && !final_scrapes[n].empty()) c.last = final_scrapes[n];
    total = addSamples(total, addSamples(c.accumulated, subtractSamples(c.last, c.baseline)));
  }
  return total;
}

void Runner::collectTasks(RunReport& report, Measurements& m, std::uint64_t& unexpected) {
  (void)report;
  if (created_.empty()) {
    m.lost_tasks = 0.0;
    return;
  }
  struct Seen {
    std::string status;
    std::optional<double> created, updated;
    bool transfer_complete = false;  // the result holds the device's TransferComplete
  };
  std::unordered_map<std::int64_t, Seen> seen;
  const std::string listing_error = forEachListed("/api/tasks", [&](const Poco::JSON::Object::Ptr& item) {
    if (!item->has("id")) return;
    Seen s;
    s.status = item->optValue<std::string>("status", "");
    s.created = parseIsoTimestamp(item->optValue<std::string>("created_at", ""));
    s.updated = parseIsoTimestamp(item->optValue<std::string>("updated_at", ""));
    s.transfer_complete = item->isObject("result") && item->getObject("result")->has("TransferComplete");
    seen[item->getValue<std::int64_t>("id")] = s;
  });
  if (!listing_error.empty()) {
    say("cannot list the ACS's tasks: " + listing_error);
    return;  // lost tasks and the completion figures stay "not measured"
  }

  std::uint64_t lost = 0, completed = 0;
  std::map<std::string, std::uint64_t> inconsistencies;
  LatencyHistogram completion;
  // SetParameterValues that completed: the last value each device was told, checked on the
  // device itself at the end (what the ACS says happened must be what the device did).
  std::map<std::pair<std::size_t, std::uint32_t>, std::map<std::string, std::string>> expected_values;
  for (const CreatedTask& task : created_) {
    auto it = seen.find(task.id);
    if (it == seen.end()) {
      ++lost;
      ++inconsistencies["task missing from the ACS"];
      continue;
    }
    const Seen& s = it->second;
    if (kEndStates.count(s.status) == 0) {
      ++lost;
      ++inconsistencies["task not ended (" + s.status + ")"];
      continue;
    }
    if (task.expect_fault) {
      // A download the runner made to fail: the device's failed TransferComplete must have
      // faulted the task. Expected, so not an unexpected fault.
      if (s.status != "faulted") {
        ++lost;
        ++inconsistencies["download made to fail ended '" + s.status + "', not 'faulted'"];
      }
      continue;
    }
    if (!task.expect_version.empty() && s.status == "completed") {
      ++completed;
      if (s.created && s.updated) completion.record(std::max(0.0, *s.updated - *s.created) * 1000.0);
      if (!s.transfer_complete) {
        ++lost;
        ++inconsistencies["Download completed without a TransferComplete"];
        continue;
      }
      RunFleet& fleet = fleets_[task.fleet];
      const auto when = std::chrono::system_clock::now();
      fleet.fleet->inspect(fleet.serials[task.index], [&](cpesim::Device& d, const cpesim::Profile& p) {
        auto actual = d.parameter(p, task.version_parameter, when);
        if (!actual || actual->value != task.expect_version) {
          ++lost;
          ++inconsistencies["firmware download completed but the device reports another SoftwareVersion"];
        }
      });
      continue;
    }
    if (s.status == "completed") {
      ++completed;
      if (s.created && s.updated) completion.record(std::max(0.0, *s.updated - *s.created) * 1000.0);
      if (task.task_type == "SetParameterValues") {
        if (auto params = parseObject(task.parameters_json); params && params->isArray("ParameterList")) {
          auto list = params->getArray("ParameterList");
          for (std::size_t i = 0; i < list->size(); ++i) {
            auto entry = list->getObject(static_cast<unsigned>(i));
            if (entry && entry->has("Name") && entry->has("Value")) {
              expected_values[{task.fleet, task.index}][entry->getValue<std::string>("Name")] =
                  entry->get("Value").toString();
            }
          }
        }
      }
    } else if (!fleets_[task.fleet].quirked[task.index]) {
      // faulted/failed/expired/cancelled on a device without any injected misbehaviour.
      ++unexpected;
      std::lock_guard<std::mutex> lock(mutex_);
      ++errors_by_kind_["task_" + s.status];
    }
  }
  const auto now = std::chrono::system_clock::now();
  for (const auto& [device, values] : expected_values) {
    RunFleet& fleet = fleets_[device.first];
    fleet.fleet->inspect(fleet.serials[device.second], [&](cpesim::Device& d, const cpesim::Profile& p) {
      for (const auto& [name, value] : values) {
        auto actual = d.parameter(p, name, now);
        if (!actual || actual->value != value) {
          ++lost;
          ++inconsistencies["SetParameterValues completed but the device holds another value"];
        }
      }
    });
  }
  for (const auto& [what, count] : inconsistencies) say("lost tasks: " + std::to_string(count) + " x " + what);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [what, count] : inconsistencies) errors_by_kind_["lost: " + what] += count;
  }
  m.lost_tasks = static_cast<double>(lost);
  m.task_completion_ratio = static_cast<double>(completed) / static_cast<double>(created_.size());
  if (completion.count() > 0) {
    m.task_completion_time.p50_ms = completion.percentileMs(0.50);
    m.task_completion_time.p95_ms = completion.percentileMs(0.95);
    m.task_completion_time.p99_ms = completion.percentileMs(0.99);
  }
}

void Runner::finish(RunResult& result) {
  RunReport& report = result.report;
  Measurements m;
  std::uint64_t unexpected = 0;
  const bool injected = std::any_of(scenario_.fleets.begin(), scenario_.fleets.end(),
                                    [](const FleetSpec& f) { return !f.quirks.empty(); }) ||
                        std::any_of(scenario_.phases.begin(), scenario_.phases.end(),
                                    [](const Phase& p) {
                                      // A power cycle (boot_storm event boot) cuts the sessions
                                      // running at that moment on purpose.
                                      return p.kind == PhaseKind::kFaults ||
                                             (p.kind == PhaseKind::kBootStorm && p.event == BootEvent::kBoot) ||
                                             (p.kind == PhaseKind::kFirmwareRollout && p.fail_share > 0.0);
                                    });

  if (rest_ && (acs_ == nullptr || acs_->running())) collectTasks(report, m, unexpected);

  // The final scrape, before anything stops.
  std::vector<Samples> final_scrapes(node_urls_.size());
  if (rest_ && (acs_ == nullptr || acs_->running())) {
    for (std::size_t n = 0; n < node_urls_.size(); ++n) {
      RestClient& client = n == 0 ? *rest_ : *extra_rests_[n - 1];
      HttpReply metrics = client.get("/metrics");
      if (metrics.ok()) final_scrapes[n] = parsePrometheus(metrics.body);
    }
  }
  const Samples final_scrape = final_scrapes.empty() ? Samples() : final_scrapes[0];
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_sampling_ = true;
  }
  wake_.notify_all();
  if (sampler_.joinable()) sampler_.join();
  if (options_.live && !options_.quiet) out_ << "\r\033[K" << std::flush;

  // Simulator side.
  cpesim::LatencyHistogram::Snapshot sessions;
  sessions.counts.assign(cpesim::LatencyHistogram::kBuckets, 0);
  cpesim::LatencyHistogram::Snapshot replies;
  replies.counts.assign(cpesim::LatencyHistogram::kBuckets, 0);
  std::uint64_t succeeded = 0, failed = 0, transport = 0, drops = 0, device_faults = 0;
  for (RunFleet& f : fleets_) {
    f.fleet->stop();  // drains sessions in flight: their times count too
    const auto& fm = f.fleet->metrics();
    const auto s = fm.session_seconds.snapshot();
    for (std::size_t b = 0; b < s.counts.size() && b < sessions.counts.size(); ++b) sessions.counts[b] += s.counts[b];
    sessions.total += s.total;
    const auto r = fm.reply_seconds.snapshot();
    for (std::size_t b = 0; b < r.counts.size() && b < replies.counts.size(); ++b) replies.counts[b] += r.counts[b];
    replies.total += r.total;
    succeeded += fm.sessions_succeeded.load();
    failed += fm.sessions_failed.load();
    transport += fm.transport_errors.load();
    drops += fm.quirk_drops.load();
    device_faults += fm.faults_sent.load();
    report.devices += fm.devices.load();
  }
  report.session_time = toReportHistogram(sessions);
  report.reply_time = toReportHistogram(replies);
  if (report.reply_time.count() > 0) {
    // The reply-time target is what the CPEs experienced; the ACS's own view
    // (acs_cwmp_reply_seconds) is reported beside it.
    m.reply_time.p50_ms = report.reply_time.percentileMs(0.50);
    m.reply_time.p95_ms = report.reply_time.percentileMs(0.95);
    m.reply_time.p99_ms = report.reply_time.percentileMs(0.99);
  }
  report.sessions = succeeded;
  report.sim_errors = failed + transport;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (failed > 0) errors_by_kind_["session_failed"] += failed;
    if (transport > 0) errors_by_kind_["transport_error"] += transport;
    if (drops > 0) errors_by_kind_["quirk_drop"] += drops;
    if (device_faults > 0) errors_by_kind_["cwmp_fault_from_device"] += device_faults;
    report.errors_by_kind = errors_by_kind_;
    report.series = series_;
    if (busy_seconds_ > 0.0) m.sessions_per_second = static_cast<double>(busy_sessions_) / busy_seconds_;
  }
  if (report.session_time.count() > 0) {
    m.session_time.p50_ms = report.session_time.percentileMs(0.50);
    m.session_time.p95_ms = report.session_time.percentileMs(0.95);
    m.session_time.p99_ms = report.session_time.percentileMs(0.99);
  }

  // ACS side.
  const Samples run = acsRunSamples(final_scrapes);
  {
    // Every series as the run saw it: counters and histograms added up over the nodes and
    // restarts (gauges of node 0's last scrape keep their own value).
    std::lock_guard<std::mutex> lock(mutex_);
    report.acs_side.scraped = acs_scraped_ || !final_scrape.empty();
    report.acs_side.samples = node_counters_.empty() ? Samples() : node_counters_[0].last;
    if (node_counters_.size() > 1) report.acs_side.samples = run;
  }
  if (report.acs_side.scraped) {
    report.acs_side.sessions_total = sumSeries(run, "acs_sessions_started_total");
    auto quantile = [&](double q) -> std::optional<double> {
      auto s = histogramQuantile(run, "acs_cwmp_reply_seconds", q);
      if (!s) return std::nullopt;
      return *s * 1000.0;
    };
    report.acs_side.reply_time = {quantile(0.50), quantile(0.95), quantile(0.99)};
  }
  if (acs_) {
    report.acs_side.rss_mib = acs_->peakRssMib();
    for (auto& node : extra_nodes_) {
      if (auto peak = node->peakRssMib(); peak && (!report.acs_side.rss_mib || *peak > *report.acs_side.rss_mib)) {
        report.acs_side.rss_mib = peak;
      }
    }
    m.acs_rss_mib = report.acs_side.rss_mib;
  } else {
    // acs: url: the ACS's own peak resident memory from its /metrics (our ACS exports it;
    // another ACS may not, and then the figure stays unmeasured).
    std::optional<double> peak;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (const auto& c : node_counters_) {
        if (c.peak_rss_bytes) peak = std::max(peak.value_or(0.0), *c.peak_rss_bytes);
      }
    }
    for (const Samples& scrape : final_scrapes) {
      if (auto it = scrape.find("acs_process_peak_resident_memory_bytes"); it != scrape.end()) {
        peak = std::max(peak.value_or(0.0), it->second);
      }
    }
    if (peak) {
      report.acs_side.rss_mib = *peak / (1024.0 * 1024.0);
      m.acs_rss_mib = report.acs_side.rss_mib;
    }
  }

  // Unexpected faults: anything failing when nothing was injected; with injection (quirks,
  // ACS restarts), only tasks that did not complete on devices without a quirk (above).
  if (!injected) {
    unexpected += failed + transport + device_faults;
    if (auto sent = sumSeries(run, "acs_cwmp_faults_sent_total"); sent && *sent > 0) {
      unexpected += static_cast<std::uint64_t>(*sent);
      std::lock_guard<std::mutex> lock(mutex_);
      report.errors_by_kind["cwmp_fault_from_acs"] += static_cast<std::uint64_t>(*sent);
    }
  }
  m.unexpected_faults = static_cast<double>(unexpected);

  report.targets = evaluateTargets(scenario_.targets, m);
  // A phase that did not finish fails the run like a missed target, named by its position.
  for (const auto& [name, outcome] : phase_failures_) {
    TargetResult t;
    t.name = name;
    t.wanted = "done";
    t.measured = outcome;
    t.passed = false;
    report.targets.push_back(t);
  }
  report.phases = phase_results_;
  report.duration_s = elapsed();
}

RunResult Runner::run() {
  RunResult result;
  RunReport& report = result.report;
  report.scenario = scenario_.name;
  report.description = scenario_.description;
  report.seed = seed_;
  report.started_at = isoNow(started_at_);
  report.machine = machineDescription();
  report.acs = scenario_.acs.mode == AcsMode::kUrl
                   ? scenario_.acs.url
                   : std::string("embedded ") + (scenario_.acs.database == DatabaseKind::kSqlite ? "sqlite" : "postgresql") +
                         (scenario_.acs.nodes > 1 ? ", " + std::to_string(scenario_.acs.nodes) + " processes" : "");

  if (auto error = setUp(); !error.empty()) {
    result.exit_code = kExitNotRun;
    result.error = error;
    return result;
  }
  sampler_ = std::thread([this] { sampleLoop(); });

  bool stopped = false;
  for (std::size_t i = 0; i < scenario_.phases.size(); ++i) {
    const Phase& phase = scenario_.phases[i];
    PhaseResult pr;
    pr.kind = phaseKindName(phase.kind);
    pr.line = phase.line;
    pr.start_s = elapsed();
    if (stopped) {
      pr.end_s = pr.start_s;
      pr.outcome = "skipped (an earlier phase did not finish)";
      phase_results_.push_back(pr);
      phase_failures_.emplace_back(phaseWhere(i, phase), pr.outcome);
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      current_phase_ = std::to_string(i + 1) + "/" + std::to_string(scenario_.phases.size()) + " " + pr.kind;
      phase_started_s_ = pr.start_s;
      phase_expected_s_ = phase.duration_s > 0.0 ? phase.duration_s : phase.timeout_s;
    }
    const bool needs_cr = (phase.kind == PhaseKind::kTasks && phase.connection_request) ||
                          phase.kind == PhaseKind::kConnectionRequests ||
                          phase.kind == PhaseKind::kFirmwareRollout;
    if (needs_cr && rest_) {
      PhaseResult provision;
      provision.kind = "provision";
      provision.line = phase.line;
      provision.start_s = elapsed();
      provision.outcome = provisionConnectionRequests(phase);
      provision.end_s = elapsed();
      if (provision.outcome != "done" || provision.end_s - provision.start_s > 0.05) {
        phase_results_.push_back(provision);
      }
      if (provision.outcome != "done") {
        phase_failures_.emplace_back(phaseWhere(i, phase) + " (provisioning connection-request credentials)", provision.outcome);
      }
      if (provision.outcome != "done") {
        say("provisioning connection-request credentials: " + provision.outcome);
        stopped = true;
        --i;  // the phase itself is reported as skipped
        continue;
      }
    }
    pr.start_s = elapsed();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      phase_started_s_ = pr.start_s;
    }
    say("phase " + phaseWhere(i, phase) + " (line " + std::to_string(phase.line) + ") starts");
    pr.outcome = runPhase(i, phase);
    pr.end_s = elapsed();
    say("phase " + phaseWhere(i, phase) + ": " + pr.outcome + " (" + seconds(pr.end_s - pr.start_s) + ")");
    phase_results_.push_back(pr);
    const bool ok = pr.outcome == "done";
    if (!ok) phase_failures_.emplace_back(phaseWhere(i, phase), pr.outcome);
    // A phase that could not finish leaves the devices in an unknown state: the later phases
    // would measure something else than the scenario says, so they are skipped.
    if (!ok) stopped = true;
  }

  finish(result);
  shutdown();

  const fs::path dir = reportDirectory(options_.report_base, scenario_.name, static_cast<std::int64_t>(started_at_));
  if (auto error = writeReport(report, dir); !error.empty()) {
    result.error = "cannot write the report: " + error;
    result.exit_code = kExitNotRun;
    return result;
  }
  result.report_dir = dir;
  result.exit_code = report.passed() ? kExitPassed : kExitFailed;
  return result;
}

}  // namespace

std::string resolveProfile(const std::string& profile, const std::string& scenario_file,
                           const std::string& profile_dir) {
  std::error_code ec;
  const bool is_path = profile.find('/') != std::string::npos || fs::path(profile).has_extension();
  fs::path candidate = is_path ? fs::path(profile) : fs::path(profile_dir) / (profile + ".yaml");
  if (is_path && candidate.is_relative()) candidate = fs::path(scenario_file).parent_path() / candidate;
  if (!fs::is_regular_file(candidate, ec)) return {};
  return candidate.string();
}

std::vector<Diagnostic> checkRunnable(const Scenario& scenario, const std::string& file,
                                      const std::string& profile_dir) {
  std::vector<Diagnostic> out;
  auto at = [&](const Phase& p, const std::string& message) { out.push_back({file, p.line, p.column, message}); };
  auto whole = [&](const std::string& message) { out.push_back({file, 0, 0, message}); };

  for (std::size_t i = 0; i < scenario.fleets.size(); ++i) {
    const FleetSpec& f = scenario.fleets[i];
    const std::string where = "fleets[" + std::to_string(i) + "] '" + f.name + "'";
    if (resolveProfile(f.profile, file, profile_dir).empty()) {
      whole(where + ": no profile '" + f.profile + "' (a name is looked up as " + profile_dir + "/<name>.yaml, a path relative to the scenario file)");
    }
    double shares = 0.0;
    for (const QuirkShare& q : f.quirks) shares += q.share;
    if (shares > 1.0 + 1e-9) {
      whole(where + ".quirks: the shares add up to more than 1; this runner gives each device at most one quirk");
    }
  }

  std::set<std::string> booted;
  std::map<std::string, std::set<std::string>> switched_on;  // fleet -> quirks enable_quirk set
  std::set<std::string> fully_on;  // fleets a bootstrap boot_storm of share 1 powered on entirely
  auto fleetsOf = [&](const Phase& p) {
    std::vector<std::string> names;
    for (const FleetSpec& f : scenario.fleets) {
      if (p.fleet.empty() || p.fleet == f.name) names.push_back(f.name);
    }
    return names;
  };
  auto needBooted = [&](std::size_t i, const Phase& p) {
    for (const std::string& name : fleetsOf(p)) {
      if (booted.count(name) == 0) {
        at(p, phaseWhere(i, p) + ": fleet '" + name + "' has not been started by an earlier boot_storm");
      }
    }
  };
  for (std::size_t i = 0; i < scenario.phases.size(); ++i) {
    const Phase& p = scenario.phases[i];
    const std::string where = phaseWhere(i, p);
    switch (p.kind) {
      case PhaseKind::kBootStorm:
        for (const std::string& name : fleetsOf(p)) {
          if (p.event == BootEvent::kBoot) {
            // Power-cycles devices that bootstrapped in an earlier boot_storm.
            if (booted.count(name) == 0) {
              at(p, where + ".event: 'boot' power-cycles devices that already bootstrapped, and fleet '" + name +
                        "' has not been started by an earlier boot_storm");
            }
          } else if (fully_on.count(name) > 0) {
            at(p, where + ": every device of fleet '" + name +
                      "' was already powered on by an earlier boot_storm (use event: boot to power-cycle them)");
          } else {
            booted.insert(name);
            if (p.share >= 1.0) fully_on.insert(name);
          }
        }
        break;
      case PhaseKind::kPeriodic:
        if (p.jitter_s > p.duration_s) {
          at(p, where + ".jitter: " + seconds(p.jitter_s) + " is longer than the phase's duration " +
                    seconds(p.duration_s) + " (the devices' informs are spread within the phase)");
        }
        needBooted(i, p);
        break;
      case PhaseKind::kTasks:
      case PhaseKind::kConnectionRequests:
        needBooted(i, p);
        break;
      case PhaseKind::kFirmwareRollout: {
        std::error_code ec;
        const fs::path firmware = fs::path(file).parent_path() / p.file;
        if (!fs::is_regular_file(firmware, ec)) {
          at(p, where + ".file: no file '" + firmware.string() + "' (a path relative to the scenario file)");
        }
        needBooted(i, p);
        break;
      }
      case PhaseKind::kFaults:
        if (p.action == FaultAction::kEnableQuirk) {
          if (auto error = cpesim::Fleet::checkRuntimeQuirk(p.quirk)) {
            at(p, where + ".quirk: " + *error);
          } else {
            for (const std::string& name : fleetsOf(p)) switched_on[name].insert(p.quirk);
          }
        } else if (p.action == FaultAction::kDisableQuirk) {
          for (const std::string& name : fleetsOf(p)) {
            if (switched_on[name].count(p.quirk) == 0) {
              at(p, where + ".quirk: '" + p.quirk + "' was not switched on for fleet '" + name +
                        "' by an earlier enable_quirk (a fleet's own quirks stay on for the whole run)");
            }
          }
        } else if (scenario.acs.mode != AcsMode::kEmbedded) {
          at(p, where + ".action: restart_acs and kill_acs need the embedded ACS");
        }
        break;
      case PhaseKind::kWaitUntil:
        if (p.condition != WaitCondition::kAllTasksEnded) {
          for (const FleetSpec& f : scenario.fleets) {
            if (booted.count(f.name) == 0) at(p, where + ": fleet '" + f.name + "' has not been started by an earlier boot_storm");
          }
        }
        break;
      case PhaseKind::kSleep:
        break;
    }
  }
  for (const FleetSpec& f : scenario.fleets) {
    if (booted.count(f.name) == 0) whole("fleet '" + f.name + "' is never started: add a boot_storm phase for it");
  }
  return out;
}

RunResult runScenario(const Scenario& scenario, const RunOptions& options) {
  Runner runner(scenario, options);
  return runner.run();
}

std::optional<double> parseIsoTimestamp(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute, &second,
                  &consumed) != 6 || consumed != 19) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  double fraction = 0.0;
  if (pos < text.size() && text[pos] == '.') {
    double scale = 0.1;
    ++pos;
    const std::size_t digits_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      fraction += (text[pos] - '0') * scale;
      scale /= 10.0;
      ++pos;
    }
    if (pos == digits_start) return std::nullopt;
  }
  const std::string zone = text.substr(pos);
  if (zone != "Z" && zone != "+00:00") return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  return static_cast<double>(::timegm(&tm)) + fraction;
}

}  // namespace scenario
