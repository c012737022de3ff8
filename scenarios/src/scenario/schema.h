// The scenario file model and its validator. The validator (validateScenario) is the single
// source of truth for the schema documented in scenarios/README.md: every key, type and range
// the README lists is checked here, and nothing else is accepted.
//
// Contract: loadScenario() never throws for bad input. It returns either a fully populated
// Scenario or a non-empty list of diagnostics, each naming the file, the 1-based line and
// column of the offending node and a message. All problems of a file are reported at once
// (not only the first), so a user fixes a file in one pass.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scenario {

struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 when the problem has no position (unreadable file)
  int column = 0;  // 1-based
  std::string message;

  // "file:line:column: message" (or "file: message" without a position).
  std::string toString() const;
};

enum class AcsMode { kUrl, kEmbedded };
enum class DatabaseKind { kSqlite, kPostgresql };

struct AcsSpec {
  AcsMode mode = AcsMode::kEmbedded;
  // kUrl: the CWMP endpoint, the REST API base and its key (api_url/api_key optional:
  // REST-driven phases need them and the validator says so).
  std::string url;
  std::string api_url;
  std::string api_key;
  // kEmbedded
  DatabaseKind database = DatabaseKind::kSqlite;
  std::string postgresql_url;  // required when database is postgresql
  // ACS processes started on the one database (> 1 only with postgresql): the devices are
  // split between them and the runner's REST requests alternate.
  std::int64_t nodes = 1;
};

struct QuirkShare {
  std::string quirk;
  double share = 0.0;  // fraction of the fleet's devices, in [0, 1]
};

struct FleetSpec {
  std::string name;
  std::string profile;
  std::int64_t count = 0;
  std::string serial_pattern;  // contains {index}
  std::vector<QuirkShare> quirks;
  // Sessions the simulator runs at once for this fleet (the rest wait their turn, as
  // cpe-sim --max-sessions); default 2000.
  std::int64_t max_in_flight = 2000;
};

enum class PhaseKind {
  kBootStorm,
  kPeriodic,
  kTasks,
  kFirmwareRollout,
  kConnectionRequests,
  kFaults,
  kWaitUntil,
  kSleep,
};

const char* phaseKindName(PhaseKind kind);

enum class BootEvent { kBootstrap, kBoot };
enum class FaultAction { kEnableQuirk, kDisableQuirk, kRestartAcs, kKillAcs };
enum class WaitCondition { kAllTasksEnded, kAllDevicesOnline, kAllDevicesBooted };

// One phase. Only the fields of its kind are meaningful; the validator rejects keys that do
// not belong to the kind.
struct Phase {
  PhaseKind kind = PhaseKind::kSleep;
  int line = 0;    // where the phase starts in the file (its kind key), for messages at run time
  int column = 0;
  std::string fleet;           // optional: restrict to one fleet (empty: all fleets)
  double share = 1.0;          // fraction of the selected devices, (0, 1]
  // tasks, connection_requests: only devices the ACS lists for these GET /api/devices query
  // parameters (online, oui, product_class, software_version, tag, param + value, q); the
  // share is then taken of those. Empty: no filter.
  std::vector<std::pair<std::string, std::string>> filter;
  double duration_s = 0.0;     // sleep, periodic; window for boot_storm
  double timeout_s = 0.0;      // wait_until, firmware_rollout, tasks (0: none given)
  // boot_storm
  BootEvent event = BootEvent::kBootstrap;
  // periodic
  double interval_s = 0.0;
  double jitter_s = 0.0;
  // tasks
  std::string task_type;
  std::string parameters_json;  // the task's "parameters" object, as JSON text ("{}" if none)
  bool connection_request = false;
  double rate_per_s = 0.0;      // tasks, connection_requests; 0: as fast as possible
  // firmware_rollout
  std::string file;
  std::int64_t waves = 1;
  double fail_share = 0.0;
  // faults
  FaultAction action = FaultAction::kEnableQuirk;
  std::string quirk;
  // wait_until
  WaitCondition condition = WaitCondition::kAllTasksEnded;
};

// A percentile ceiling set; unset members are not targets.
struct PercentileTargets {
  std::optional<double> p50_ms;
  std::optional<double> p95_ms;
  std::optional<double> p99_ms;
};

struct Targets {
  PercentileTargets session_time;
  PercentileTargets reply_time;
  PercentileTargets task_completion_time;
  std::optional<double> sessions_per_second_min;
  std::optional<double> task_completion_ratio_min;
  bool zero_lost_tasks = false;
  bool zero_unexpected_faults = false;
  std::optional<double> acs_rss_max_mib;
};

struct Scenario {
  std::string name;
  std::string description;
  std::uint64_t seed = 1;
  AcsSpec acs;
  std::vector<FleetSpec> fleets;
  std::vector<Phase> phases;
  Targets targets;
};

struct LoadResult {
  std::optional<Scenario> scenario;  // set iff diagnostics is empty
  std::vector<Diagnostic> diagnostics;
};

// Parses and validates YAML text; `file` is the name used in diagnostics.
LoadResult parseScenario(const std::string& text, const std::string& file);
// Reads and validates a file (an unreadable file is one diagnostic).
LoadResult loadScenario(const std::string& path);

// Duration "250ms", "30s", "5m", "1h" or a plain number of seconds; nullopt if malformed or
// negative. Exposed for the tests and the runner's flags.
std::optional<double> parseDurationSeconds(const std::string& text);
// Size "512MiB", "2GiB", "800MB" or a plain number of MiB; nullopt if malformed or negative.
std::optional<double> parseSizeMib(const std::string& text);

}  // namespace scenario
