// acs/core/process_metrics.h: the standard Prometheus process metrics of this process, read
// from /proc (Linux), so that a monitor or the scenario runner sees the ACS's memory and CPU
// through GET /metrics even when it did not start the process:
//
//   process_resident_memory_bytes, process_virtual_memory_bytes, process_cpu_seconds_total,
//   process_open_fds, process_max_fds, process_start_time_seconds, and
//   acs_process_peak_resident_memory_bytes (VmHWM: the high-water mark since start).
//
// A value /proc does not give (another OS, a restricted container) is left out, never
// guessed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace acs {

struct ProcessSample {
  std::optional<double> resident_bytes;
  std::optional<double> peak_resident_bytes;
  std::optional<double> virtual_bytes;
  std::optional<double> cpu_seconds;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
  std::optional<double> start_time_seconds;  // Unix time
};

// Reads the current process's figures.
ProcessSample sampleProcess();

// Parsers of the /proc files, for tests: "/proc/self/status" (VmRSS, VmHWM, VmSize in kB),
// "/proc/self/stat" (utime, stime, starttime in clock ticks; the command name may contain
// spaces and parentheses) and "/proc/stat" (btime). Each fills what it finds.
void parseProcStatus(std::string_view text, ProcessSample& out);
void parseProcStat(std::string_view text, double ticks_per_second, double boot_time,
                   ProcessSample& out);
std::optional<double> parseBootTime(std::string_view proc_stat);

// Appends the samples present in the Prometheus text format.
void renderProcessMetrics(const ProcessSample& sample, std::string& out);

}  // namespace acs
