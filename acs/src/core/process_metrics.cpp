#include "acs/src/core/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "acs/src/core/metrics.h"

namespace acs {
namespace {

std::string readFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::optional<double> number(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end == text.data()) return std::nullopt;
  return value;
}

// The value of "Key:   123 kB" lines, in bytes.
std::optional<double> statusKb(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    if (line.size() > key.size() && line.substr(0, key.size()) == key && line[key.size()] == ':') {
      if (auto kb = number(line.substr(key.size() + 1))) return *kb * 1024.0;
      return std::nullopt;
    }
    pos = eol + 1;
  }
  return std::nullopt;
}

void line(std::string& out, std::string_view name, std::string_view help, std::string_view type,
          double value) {
  appendPrometheusHeader(out, name, help, type);
  out += name;
  char buffer[64];
  const int n = std::snprintf(buffer, sizeof buffer, " %.17g\n", value);
  if (n > 0) out.append(buffer, static_cast<std::size_t>(n));
}

}  // namespace

void parseProcStatus(std::string_view text, ProcessSample& out) {
  out.resident_bytes = statusKb(text, "VmRSS");
  out.peak_resident_bytes = statusKb(text, "VmHWM");
  out.virtual_bytes = statusKb(text, "VmSize");
}

void parseProcStat(std::string_view text, double ticks_per_second, double boot_time,
                   ProcessSample& out) {
  // "pid (comm) state ppid ...": comm may hold spaces and ')', so fields count from the last ')'.
  const std::size_t close = text.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return;
  std::vector<std::string_view> fields;  // fields[0] is field 3 (state)
  std::size_t pos = close + 1;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n')) ++pos;
    const std::size_t end = text.find_first_of(" \n", pos);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    if (stop > pos) fields.push_back(text.substr(pos, stop - pos));
    pos = stop;
  }
  // proc(5): utime is field 14, stime 15, starttime 22.
  auto field = [&](std::size_t number_in_man_page) -> std::optional<double> {
    const std::size_t index = number_in_man_page - 3;
    if (index >= fields.size()) return std::nullopt;
    return number(fields[index]);
  };
  const auto utime = field(14);
  const auto stime = field(15);
  if (utime && stime) out.cpu_seconds = (*utime + *stime) / ticks_per_second;
  if (const auto start = field(22); start && boot_time > 0) {
    out.start_time_seconds = boot_time + *start / ticks_per_second;
  }
}

std::optional<double> parseBootTime(std::string_view proc_stat) {
  const std::size_t pos = proc_stat.find("\nbtime ");
  if (pos == std::string_view::npos) return std::nullopt;
  return number(proc_stat.substr(pos + 7));
}

ProcessSample sampleProcess() {
  ProcessSample sample;
  parseProcStatus(readFile("/proc/self/status"), sample);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const double boot = parseBootTime(readFile("/proc/stat")).value_or(0.0);
  parseProcStat(readFile("/proc/self/stat"), ticks > 0 ? static_cast<double>(ticks) : 0.0, boot,
                sample);
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (!ec) {
    double count = 0;
    for (const auto& entry : it) {
      (void)entry;
      ++count;
    }
    sample.open_fds = count;
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    sample.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return sample;
}

void renderProcessMetrics(const ProcessSample& s, std::string& out) {
  if (s.resident_bytes) {
    line(out, "process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
         *s.resident_bytes);
  }
  if (s.peak_resident_bytes) {
    line(out, "acs_process_peak_resident_memory_bytes",
         "Highest resident memory size since the process started, in bytes.", "gauge",
         *s.peak_resident_bytes);
  }
  if (s.virtual_bytes) {
    line(out, "process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge",
         *s.virtual_bytes);
  }
  if (s.cpu_seconds) {
    line(out, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
         "counter", *s.cpu_seconds);
  }
  if (s.open_fds) {
    line(out, "process_open_fds", "Number of open file descriptors.", "gauge", *s.open_fds);
  }
  if (s.max_fds) {
    line(out, "process_max_fds", "Maximum number of open file descriptors.", "gauge", *s.max_fds);
  }
  if (s.start_time_seconds) {
    line(out, "process_start_time_seconds",
         "Start time of the process since unix epoch in seconds.", "gauge", *s.start_time_seconds);
  }
}

}  // namespace acs
