// The scenario runner: starts (or points at) an ACS, brings up the scenario's fleets of
// simulated CPEs in this process (cpesim::Fleet), runs the phases in order, measures from both
// sides (the simulator, and the ACS's /metrics + REST API), evaluates the targets and writes
// the report. The ACS is a black box: reached over HTTP only, and as a child process when
// embedded.
//
//   auto loaded = loadScenario(path);                     // schema check (scenario/schema.h)
//   auto problems = checkRunnable(*loaded.scenario, path, options.profile_dir);
//   RunResult result = runScenario(*loaded.scenario, options);
//   return result.exit_code;                              // 0 only when every target held
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "scenario/report.h"
#include "scenario/schema.h"

namespace scenario {

struct RunOptions {
  std::string scenario_file;              // for profile paths relative to it
  std::filesystem::path report_base = "reports";
  std::string acs_binary;                 // the embedded ACS
  std::string profile_dir;                // where profile names (tr181-gateway) are found
  std::optional<std::uint64_t> seed;      // overrides the scenario's seed
  bool quiet = false;                     // CI: no phase lines, only the verdict
  bool live = false;                      // a progress line rewritten in place (a TTY)
  std::ostream* out = nullptr;            // phase lines, verdict (stdout when null)
  // Set (e.g. by a SIGINT handler) to end the run early: the current phase stops, the rest
  // are skipped, the report is still written and the run fails.
  const std::atomic<bool>* interrupted = nullptr;
};

// Exit codes of scenario-run.
inline constexpr int kExitPassed = 0;
inline constexpr int kExitFailed = 1;       // a target missed or a phase did not finish
inline constexpr int kExitInvalid = 2;      // bad usage, invalid or unsupported scenario
inline constexpr int kExitNotRun = 3;       // the run could not be carried out (ACS, fleet)

struct RunResult {
  int exit_code = kExitNotRun;
  std::filesystem::path report_dir;  // empty when no report was written
  RunReport report;
  std::string error;                 // why the run could not be carried out
};

// What this runner cannot carry out in a valid scenario, as diagnostics at the phase's
// position (nothing starts when any is returned): phases on a fleet that no earlier
// boot_storm started, `event: boot` before any bootstrap, a bootstrap with nothing left to
// power on, a runtime switch of a model quirk or of a bad one, disable_quirk of a quirk never
// switched on, periodic jitter longer than the phase, unknown profiles, missing firmware
// files, quirk shares above 1, restart_acs/kill_acs without the embedded ACS.
std::vector<Diagnostic> checkRunnable(const Scenario& scenario, const std::string& file,
                                      const std::string& profile_dir);

// Resolves a fleet's `profile` to a file: a name (`tr181-gateway`) is looked up in
// `profile_dir` as <name>.yaml; anything with a '/' or a file extension is a path relative to
// the scenario file's directory. Empty when it does not exist.
std::string resolveProfile(const std::string& profile, const std::string& scenario_file,
                           const std::string& profile_dir);

// Runs a scenario that passed loadScenario() and checkRunnable().
RunResult runScenario(const Scenario& scenario, const RunOptions& options);

// Seconds since the epoch of an ISO 8601 UTC timestamp ("2026-11-27T20:55:27.123Z", with or
// without fraction, "Z" or "+00:00"); nullopt when malformed.
std::optional<double> parseIsoTimestamp(const std::string& text);

}  // namespace scenario
