#include "runner/acs_process.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace scenario {

namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "VmHWM:     12345 kB" -> MiB
std::optional<double> statusField(const std::string& status, const std::string& field) {
  const std::size_t at = status.find(field + ":");
  if (at == std::string::npos) return std::nullopt;
  std::istringstream in(status.substr(at + field.size() + 1));
  double kib = 0.0;
  if (!(in >> kib)) return std::nullopt;
  return kib / 1024.0;
}

}  // namespace

std::string describeExit(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

AcsProcess::AcsProcess(std::string binary, std::filesystem::path work_dir, std::string database_url)
    : binary_(std::move(binary)),
      work_dir_(std::move(work_dir)),
      log_(work_dir_ / "acs.log"),
      database_url_(std::move(database_url)) {}

AcsProcess::~AcsProcess() { stop(); }

std::string AcsProcess::tailOfLog() const {
  std::string text = readFile(log_);
  if (text.size() > 2000) text = "..." + text.substr(text.size() - 2000);
  return text;
}

std::string AcsProcess::start() {
  if (running()) return "the ACS is already running";
  if (::access(binary_.c_str(), X_OK) != 0) {
    return "the ACS binary '" + binary_ + "' is not executable (build target acs_server, or set ACS_BIN / --acs-bin)";
  }
  // The environment the child gets: ours, with the ACS's settings replaced.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const std::string name = entry.substr(0, entry.find('='));
    if (name == "ACS_HOST" || name == "ACS_PORT" || name == "DATABASE_URL" || name == "ACS_CONFIG" ||
        name == "ACS_CWMP_PORT" || name == "ENABLE_AUTH" || name == "API_KEY" || name == "ACS_DATA_DIR") {
      continue;
    }
    env.push_back(entry);
  }
  env.push_back("ACS_HOST=127.0.0.1");
  env.push_back("ACS_PORT=" + std::to_string(port_));  // 0 on the first start
  env.push_back("DATABASE_URL=" + database_url_);
  env.push_back("ACS_DATA_DIR=" + work_dir_.string());
  if (std::getenv("LOG_LEVEL") == nullptr) env.push_back("LOG_LEVEL=warning");
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string binary = binary_;
  char* argv[] = {binary.data(), nullptr};

  const int log_fd = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (log_fd < 0) return "cannot create " + log_.string() + ": " + std::strerror(errno);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(log_fd);
    return std::string("fork: ") + std::strerror(errno);
  }
  if (pid == 0) {
    // Child: only async-signal-safe calls until exec.
    ::dup2(log_fd, STDOUT_FILENO);
    ::dup2(log_fd, STDERR_FILENO);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, STDIN_FILENO);
    ::setpgid(0, 0);  // a Ctrl-C on the terminal reaches the runner, which stops us cleanly
    // If the runner dies without stopping us (SIGKILL, crash), we get SIGTERM instead of
    // living on as an orphan; the parent may already be gone by now.
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(126);
    ::execve(argv[0], argv, envp.data());
    ::_exit(127);
  }
  ::close(log_fd);
  pid_ = pid;
  ++starts_;

  const std::string marker = "acs: listening on http://";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_.load(), &status, WNOHANG) == pid_.load()) {
      pid_ = -1;
      return "the ACS exited (" + describeExit(status) + ") before listening; its log:\n" + tailOfLog();
    }
    const std::string text = readFile(log_);
    const std::size_t at = text.find(marker);
    if (at != std::string::npos) {
      const std::size_t colon = text.find(':', at + marker.size());
      const std::size_t end = text.find_first_not_of("0123456789", colon + 1);
      if (colon != std::string::npos && end != std::string::npos && end > colon + 1) {
        const unsigned long port = std::stoul(text.substr(colon + 1, end - colon - 1));
        if (port > 0 && port <= 65535) {
          port_ = static_cast<std::uint16_t>(port);
          sampleRss();
          return {};
        }
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill();
  return "the ACS did not print its listening line within 60 s; its log:\n" + tailOfLog();
}

std::string AcsProcess::stop() {
  if (!running()) return {};
  sampleRss();
  ::kill(pid_.load(), SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (::waitpid(pid_.load(), &status, WNOHANG) == pid_.load()) {
      pid_ = -1;
      return describeExit(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_.load(), SIGKILL);
  ::waitpid(pid_.load(), &status, 0);
  pid_ = -1;
  return "did not stop within 15 s of SIGTERM; killed (" + describeExit(status) + ")";
}

void AcsProcess::kill() {
  if (!running()) return;
  sampleRss();
  ::kill(pid_.load(), SIGKILL);
  int status = 0;
  ::waitpid(pid_.load(), &status, 0);
  pid_ = -1;
}

std::optional<double> AcsProcess::sampleRss() {
  if (!running()) return std::nullopt;
  const std::string status = readFile("/proc/" + std::to_string(pid_.load()) + "/status");
  const auto rss = statusField(status, "VmRSS");
  const auto hwm = statusField(status, "VmHWM");
  const double peak = std::max(hwm.value_or(0.0), rss.value_or(0.0));
  double seen = peak_rss_mib_.load();
  while (peak > seen && !peak_rss_mib_.compare_exchange_weak(seen, peak)) {
  }
  return rss;
}

std::optional<double> AcsProcess::peakRssMib() const {
  const double peak = peak_rss_mib_.load();
  if (peak < 0.0) return std::nullopt;
  return peak;
}

}  // namespace scenario
