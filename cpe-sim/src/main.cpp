// cpe-sim: the CPE fleet simulator. Subcommands:
//   run (default)  a fleet of simulated CPEs against an ACS (fleet/options.h for the flags)
//   replay         play a recorded device session against an ACS and report differences
//   bench          memory and throughput measurements (bench/bench_mode.h)
//
// Exit codes: 0 success; 1 run-time failure (state not saved; replay found differences);
// 2 bad command line or input files.
#include <Poco/Exception.h>
#include <signal.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench_mode.h"
#include "fleet/fleet.h"
#include "fleet/options.h"
#include "replay/replayer.h"

namespace {

constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

int usageError(const std::string& message, const char* help_hint) {
  std::cerr << "cpe-sim: error: " << message << "\n(see '" << help_hint << "')\n";
  return kExitUsage;
}

// Waits for SIGINT/SIGTERM (blocked in every thread, see main) or until `limit` passes.
// Returns the signal number, or 0 on timeout.
int waitForStop(std::chrono::milliseconds limit) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (true) {
    std::chrono::milliseconds wait(1000);
    if (limit.count() > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return 0;
      wait = std::min(wait, left);
    }
    timespec ts{};
    ts.tv_sec = static_cast<time_t>(wait.count() / 1000);
    ts.tv_nsec = static_cast<long>((wait.count() % 1000) * 1'000'000);
    int sig = ::sigtimedwait(&set, nullptr, &ts);
    if (sig > 0) return sig;
  }
}

int runCommand(const std::vector<std::string>& args) {
  cpesim::ParsedOptions parsed = cpesim::parseRunOptions(args);
  if (parsed.help) {
    std::cout << cpesim::runUsage();
    return 0;
  }
  if (!parsed.error.empty()) return usageError(parsed.error, "cpe-sim --help");
  std::string error;
  std::unique_ptr<cpesim::Fleet> fleet = cpesim::Fleet::create(parsed.config, error);
  if (!fleet) {
    std::cerr << "cpe-sim: error: " << error << "\n";
    return kExitUsage;
  }
  try {
    fleet->start(&std::cerr);
  } catch (const Poco::Exception& e) {
    std::cerr << "cpe-sim: error: cannot start: " << e.displayText() << "\n";
    return kExitUsage;
  }
  const cpesim::FleetConfig& c = parsed.config;
  std::cerr << "cpe-sim: " << fleet->deviceCount() << " devices -> " << c.acs_url
            << "; connection requests at " << fleet->connectionRequestUrlTemplate("<serial>");
  if (c.metrics_port) std::cerr << "; metrics at http://" << c.metrics_bind << ":" << fleet->metricsPort() << "/metrics";
  if (!c.state_file.empty()) {
    std::cerr << "; state " << (fleet->stateFileExisted() ? "resumed from " : "will be saved to ") << c.state_file;
  }
  std::cerr << std::endl;

  int sig = waitForStop(c.duration);
  std::cerr << "cpe-sim: " << (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "duration reached")
            << ", stopping" << std::endl;
  fleet->stop();
  const cpesim::FleetMetrics& m = fleet->metrics();
  std::cerr << "cpe-sim: sessions ok=" << m.sessions_succeeded.load() << " failed=" << m.sessions_failed.load()
            << " retries=" << m.session_retries.load() << " faults=" << m.faults_sent.load()
            << " connection_requests=" << m.connection_requests.load()
            << " transfers=" << m.transfers_succeeded.load() << "/"
            << (m.transfers_succeeded.load() + m.transfers_failed.load()) << std::endl;
  std::string save_error = fleet->saveState();
  if (!save_error.empty()) {
    std::cerr << "cpe-sim: error: state not saved: " << save_error << "\n";
    return kExitFailure;
  }
  if (!c.state_file.empty()) std::cerr << "cpe-sim: state saved to " << c.state_file << std::endl;
  return 0;
}

const char* kReplayUsage = R"(usage: cpe-sim replay CAPTURE --acs-url URL [options]

Plays the CPE side of a recorded session (the ACS's capture JSON, cwmp-lab-capture/1, or an
envelope file with '>>> cpe' / '<<< acs STATUS' markers) against an ACS and reports where
the ACS now answers differently. Exit code 0: as recorded; 1: differences; 2: bad input.

  --acs-url URL         the ACS to replay against (http:// or https://)
  --ca-file FILE        PEM CA certificates for an https ACS (default: the system store)
  --insecure            do not verify the ACS's certificate (self-signed test servers)
  --username U          HTTP credentials if the ACS challenges
  --password P
  --timeout DURATION    wait for each reply (default 30s)
  --ignore NAME         leave an argument out of the comparison, by name or path
                        (repeatable), e.g. --ignore CommandKey
  --verbose             list matching exchanges too
)";

int replayCommand(const std::vector<std::string>& args) {
  cpesim::ReplayOptions options;
  std::string capture_path;
  bool verbose = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    std::optional<std::string> inline_value;
    if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      inline_value = arg.substr(arg.find('=') + 1);
      arg = arg.substr(0, arg.find('='));
    }
    std::string error;
    auto value = [&]() { return cpesim::takeValue(args, i, arg, inline_value, error); };
    if (arg == "-h" || arg == "--help") {
      std::cout << kReplayUsage;
      return 0;
    } else if (arg == "--acs-url" || arg == "--username" || arg == "--password" || arg == "--ignore" ||
               arg == "--timeout" || arg == "--ca-file") {
      auto v = value();
      if (!v) return usageError(error, "cpe-sim replay --help");
      if (arg == "--acs-url") options.acs_url = *v;
      if (arg == "--username") options.username = *v;
      if (arg == "--password") options.password = *v;
      if (arg == "--ignore") options.ignore.push_back(*v);
      if (arg == "--ca-file") options.tls.ca_file = *v;
      if (arg == "--timeout") {
        auto d = cpesim::parseDuration(*v);
        if (!d || d->count() == 0) return usageError("--timeout: '" + *v + "' is not a duration", "cpe-sim replay --help");
        options.timeout = *d;
      }
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--insecure") {
      options.tls.verify_peer = false;
    } else if (arg.rfind("-", 0) == 0) {
      return usageError("unknown option '" + arg + "'", "cpe-sim replay --help");
    } else if (capture_path.empty()) {
      capture_path = arg;
    } else {
      return usageError("unexpected argument '" + arg + "'", "cpe-sim replay --help");
    }
    if (inline_value) return usageError(arg + " takes no value", "cpe-sim replay --help");
  }
  if (capture_path.empty()) return usageError("give the capture file to replay", "cpe-sim replay --help");
  if (options.acs_url.empty()) return usageError("--acs-url is required", "cpe-sim replay --help");
  if (auto url = cpesim::parseHttpUrl(options.acs_url); !url) {
    return usageError("--acs-url: " + url.error, "cpe-sim replay --help");
  }
  auto capture = cpesim::loadCapture(capture_path);
  if (!capture) {
    std::cerr << "cpe-sim: error: " << capture.error().message << "\n";
    return kExitUsage;
  }
  cpesim::ReplayReport report = cpesim::replay(*capture, options);
  std::cout << report.text(verbose);
  return report.differences == 0 ? 0 : kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGINT/SIGTERM are taken synchronously by the main thread (sigtimedwait), so they must
  // be blocked before any other thread starts; every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  // A peer closing a socket must be an error return, never a process kill.
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "run";
  if (!args.empty() && (args[0] == "run" || args[0] == "replay" || args[0] == "bench")) {
    command = args[0];
    args.erase(args.begin());
  } else if (!args.empty() && args[0] == "help") {
    std::cout << cpesim::runUsage();
    return 0;
  }
  try {
    if (command == "replay") return replayCommand(args);
    if (command == "bench") return cpesim::benchCommand(args);
    return runCommand(args);
  } catch (const Poco::Exception& e) {
    std::cerr << "cpe-sim: error: " << e.displayText() << "\n";
  } catch (const std::exception& e) {
    std::cerr << "cpe-sim: error: " << e.what() << "\n";
  }
  return kExitFailure;
}
