// scenario-run: runs a scenario file (scenarios/README.md): starts or points at an ACS,
// drives simulated CPE fleets through the phases, checks the targets, writes the report.
//
//   scenario-run <file> [--quiet] [--report-dir DIR] [--acs-bin PATH] [--seed N]
//
// Exit code: 0 every target held; 1 a target was missed or a phase did not finish (each is
// named as "measured vs wanted"); 2 bad usage or a scenario that is invalid or uses what this
// runner does not support (nothing starts); 3 the run could not be carried out (the ACS did
// not start, a fleet could not be built, the report could not be written).
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

#include "runner/runner.h"
#include "scenario/schema.h"

namespace {

std::atomic<bool> g_interrupted{false};

extern "C" void onSignal(int) { g_interrupted.store(true); }

int usage(const char* message) {
  if (message != nullptr) std::cerr << "scenario-run: " << message << "\n";
  std::cerr << "usage: scenario-run <scenario.yaml> [--quiet] [--report-dir DIR] [--acs-bin PATH] [--seed N]\n"
               "  --quiet        no progress line and no phase lines (CI); the verdict is printed\n"
               "  --report-dir   where reports/<scenario>-<timestamp>/ goes (default: reports)\n"
               "  --acs-bin      the acs binary for an embedded ACS (default: env ACS_BIN, else\n"
               "                 the one this build made: " SCENARIO_ACS_BINARY ")\n"
               "  --seed         overrides the scenario's seed\n"
               "Exit code: 0 all targets held, 1 a target missed or a phase unfinished, 2 bad\n"
               "usage or invalid/unsupported scenario, 3 the run could not be carried out.\n";
  return scenario::kExitInvalid;
}

}  // namespace

int main(int argc, char** argv) {
  scenario::RunOptions options;
  options.report_base = "reports";
  options.profile_dir = SCENARIO_PROFILE_DIR;
  options.acs_binary = SCENARIO_ACS_BINARY;
  if (const char* env = std::getenv("ACS_BIN"); env != nullptr && *env != '\0') options.acs_binary = env;
  std::string file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) return nullptr;
      (void)name;
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      usage(nullptr);
      return 0;
    } else if (arg == "--quiet" || arg == "-q") {
      options.quiet = true;
    } else if (arg == "--report-dir") {
      const char* v = value("--report-dir");
      if (v == nullptr) return usage("--report-dir needs a directory");
      options.report_base = v;
    } else if (arg == "--acs-bin") {
      const char* v = value("--acs-bin");
      if (v == nullptr) return usage("--acs-bin needs a path");
      options.acs_binary = v;
    } else if (arg == "--seed") {
      const char* v = value("--seed");
      std::uint64_t seed = 0;
      const char* end = v == nullptr ? nullptr : v + std::strlen(v);
      if (v == nullptr || *v == '\0' || std::from_chars(v, end, seed).ptr != end) {
        return usage("--seed needs a non-negative integer");
      }
      options.seed = seed;
    } else if (!arg.empty() && arg[0] == '-') {
      return usage(("unknown option " + arg).c_str());
    } else if (file.empty()) {
      file = arg;
    } else {
      return usage("one scenario file at a time");
    }
  }
  if (file.empty()) return usage("no scenario file given");

  // Validate first: nothing starts for a file with problems.
  const auto loaded = scenario::loadScenario(file);
  if (!loaded.diagnostics.empty()) {
    for (const auto& d : loaded.diagnostics) std::cerr << d.toString() << "\n";
    return scenario::kExitInvalid;
  }
  const auto unsupported = scenario::checkRunnable(*loaded.scenario, file, options.profile_dir);
  if (!unsupported.empty()) {
    for (const auto& d : unsupported) std::cerr << d.toString() << "\n";
    return scenario::kExitInvalid;
  }

  options.scenario_file = file;
  options.live = !options.quiet && ::isatty(STDOUT_FILENO) != 0;
  options.interrupted = &g_interrupted;
  struct sigaction action {};
  action.sa_handler = onSignal;
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  const auto& s = *loaded.scenario;
  if (!options.quiet) {
    std::int64_t devices = 0;
    for (const auto& f : s.fleets) devices += f.count;
    std::cout << "scenario " << s.name << ": " << devices << " devices, " << s.phases.size()
              << " phases, seed " << options.seed.value_or(s.seed) << std::endl;
  }
  scenario::RunResult result = scenario::runScenario(s, options);
  if (!result.error.empty()) std::cerr << "scenario-run: " << result.error << "\n";

  // The verdict, also with --quiet: every target, missed ones first-class.
  const auto& report = result.report;
  for (const auto& t : report.targets) {
    std::cout << (t.passed ? "  ok      " : "  MISSED  ") << t.describe() << "\n";
  }
  if (!report.series.empty() || report.sessions > 0) {
    std::cout << "sessions " << report.sessions << ", simulator errors " << report.sim_errors
              << ", session time p50/p99 " << scenario::formatNumber(report.session_time.percentileMs(0.5))
              << "/" << scenario::formatNumber(report.session_time.percentileMs(0.99)) << " ms, "
              << scenario::formatNumber(report.duration_s) << " s\n";
  }
  if (!result.report_dir.empty()) std::cout << "report: " << result.report_dir.string() << "\n";
  if (result.exit_code == scenario::kExitPassed) {
    std::cout << "PASSED " << s.name << "\n";
  } else if (result.exit_code == scenario::kExitFailed) {
    std::size_t missed = 0;
    for (const auto& t : report.targets) missed += t.passed ? 0 : 1;
    std::cout << "FAILED " << s.name << ": " << missed << " target(s) missed\n";
  }
  return result.exit_code;
}
