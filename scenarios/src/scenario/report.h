// The result of a scenario run and its three renderings: report.json (everything, for tools),
// junit.xml (one test case per target, for CI) and report.html (self-contained: inline CSS and
// inline SVG charts, no script, no external asset).
//
// Pure apart from writeReport(), which creates the directory and writes the three files.
// Measurements come from two independent sides and are kept apart: `simulator` is what the
// simulated CPEs experienced, `acs` is what the ACS's /metrics said.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scenario/latency.h"
#include "scenario/targets.h"

namespace scenario {

// One sample of the run's time series, taken every sampling interval.
struct TimePoint {
  double t_s = 0.0;                     // seconds since the run started
  double sim_sessions_per_s = 0.0;      // sessions completed by the fleet in the last interval
  std::optional<double> acs_sessions_per_s;  // from the ACS's session counter, if scraped
  std::int64_t devices_online = 0;
  std::int64_t errors = 0;              // simulator-side errors (cumulative)
  std::map<std::string, std::int64_t> tasks_by_state;  // pending/sent/completed/... (cumulative)
};

struct PhaseResult {
  std::string kind;      // "boot_storm"...
  int line = 0;          // in the scenario file
  double start_s = 0.0;
  double end_s = 0.0;
  std::string outcome;   // "done", "timed out after 30 s", ...
};

// The ACS side, from /metrics (Prometheus text format).
struct AcsSide {
  bool scraped = false;
  std::optional<double> rss_mib;
  std::optional<double> sessions_total;
  MeasuredPercentiles reply_time;
  std::map<std::string, double> samples;  // every scraped series, "name{labels}" -> value
};

struct RunReport {
  std::string scenario;
  std::string description;
  std::uint64_t seed = 0;
  std::string started_at;  // ISO 8601 UTC
  double duration_s = 0.0;
  std::string machine;     // "hostname, N cores, OS"
  std::string acs;         // "embedded sqlite" or the URL
  std::int64_t devices = 0;

  std::vector<PhaseResult> phases;

  // Simulator side.
  LatencyHistogram session_time;
  LatencyHistogram reply_time;
  std::uint64_t sessions = 0;
  std::uint64_t sim_errors = 0;
  std::map<std::string, std::uint64_t> errors_by_kind;

  AcsSide acs_side;

  std::vector<TimePoint> series;
  std::vector<TargetResult> targets;

  bool passed() const;
};

std::string renderJson(const RunReport& report);
std::string renderJunit(const RunReport& report);
std::string renderHtml(const RunReport& report);

// "<base>/<scenario>-<YYYYmmddTHHMMSSZ>" for the given UTC time (seconds since the epoch).
std::filesystem::path reportDirectory(const std::filesystem::path& base, const std::string& scenario,
                                      std::int64_t unix_seconds);

// Creates `dir` and writes report.json, junit.xml and report.html into it. Returns an error
// message, or an empty string on success.
std::string writeReport(const RunReport& report, const std::filesystem::path& dir);

}  // namespace scenario
