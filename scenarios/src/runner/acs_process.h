// The embedded ACS: our `acs` binary run as a child process, a black box reached over HTTP.
//
//   AcsProcess acs(binary, work_dir, "sqlite:///tmp/x/acs.db");
//   if (auto e = acs.start(); !e.empty()) fail(e);      // waits for "acs: listening on ..."
//   acs.baseUrl();                                      // "http://127.0.0.1:41234"
//   acs.kill(); acs.start();                            // kill -9, then again on the same port
//   acs.stop();                                         // SIGTERM, bounded wait, then SIGKILL
//
// Output (stdout and stderr) goes to `work_dir/acs.log`, which start() reads for the
// listening line. The first start binds port 0 (any free port); later starts ask for the same
// port, because the simulated devices have the CWMP URL in their data model.
// Not thread-safe: one controlling thread; peakRssMib() may be called from any thread.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

namespace scenario {

class AcsProcess {
 public:
  AcsProcess(std::string binary, std::filesystem::path work_dir, std::string database_url);
  ~AcsProcess();
  AcsProcess(const AcsProcess&) = delete;
  AcsProcess& operator=(const AcsProcess&) = delete;

  // Starts the child and waits (up to 60 s) for its listening line. Returns "" or an error
  // that quotes the end of the log.
  std::string start();
  // SIGTERM, wait up to 15 s for the exit, then SIGKILL. Returns the exit description
  // ("exit 0", "signal 9"). No-op when not running.
  std::string stop();
  // SIGKILL and reap (a crash as the devices see it).
  void kill();

  bool running() const { return pid_ > 0; }
  std::string baseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::uint16_t port() const { return port_; }
  int starts() const { return starts_; }
  const std::filesystem::path& logPath() const { return log_; }

  // Reads VmRSS/VmHWM of the running child from /proc and folds them into the peak over
  // every process this object started. Returns the current RSS in MiB, nullopt when not
  // running or unreadable.
  std::optional<double> sampleRss();
  std::optional<double> peakRssMib() const;

 private:
  std::string tailOfLog() const;

  std::string binary_;
  std::filesystem::path work_dir_;
  std::filesystem::path log_;
  std::string database_url_;
  std::atomic<pid_t> pid_{-1};  // read by the sampling thread (sampleRss)
  std::uint16_t port_ = 0;
  int starts_ = 0;
  std::atomic<double> peak_rss_mib_{-1.0};
};

// "exit N" / "signal N" for a waitpid() status.
std::string describeExit(int status);

}  // namespace scenario
