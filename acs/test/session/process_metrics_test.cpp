#include "acs/src/core/process_metrics.h"

#include <gtest/gtest.h>

namespace acs {
namespace {

TEST(ProcessMetrics, StatusGivesResidentPeakAndVirtualBytes) {
  ProcessSample s;
  parseProcStatus(
      "Name:\tacs\nVmPeak:\t  900 kB\nVmSize:\t  800 kB\nVmHWM:\t   300 kB\nVmRSS:\t   200 kB\n", s);
  ASSERT_TRUE(s.resident_bytes && s.peak_resident_bytes && s.virtual_bytes);
  EXPECT_EQ(*s.resident_bytes, 200.0 * 1024);
  EXPECT_EQ(*s.peak_resident_bytes, 300.0 * 1024);
  EXPECT_EQ(*s.virtual_bytes, 800.0 * 1024);
}

TEST(ProcessMetrics, StatCountsFieldsFromTheLastParenthesisOfTheCommandName) {
  // comm "a) b" holds a space and a ')'; utime 250, stime 150 ticks; starttime 1000 ticks.
  const std::string stat =
      "42 (a) b) S 1 42 42 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 3 0 1000 1234 56 "
      "18446744073709551615\n";
  ProcessSample s;
  parseProcStat(stat, 100.0, 1'700'000'000.0, s);
  ASSERT_TRUE(s.cpu_seconds && s.start_time_seconds);
  EXPECT_DOUBLE_EQ(*s.cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(*s.start_time_seconds, 1'700'000'010.0);
}

TEST(ProcessMetrics, MissingOrDamagedFilesLeaveValuesOut) {
  ProcessSample s;
  parseProcStatus("", s);
  parseProcStat("no parenthesis here", 100.0, 1.0, s);
  parseProcStat("1 (x) S 2", 100.0, 1.0, s);  // too few fields
  EXPECT_FALSE(s.resident_bytes || s.peak_resident_bytes || s.virtual_bytes || s.cpu_seconds ||
               s.start_time_seconds);
  std::string out;
  renderProcessMetrics(s, out);
  EXPECT_EQ(out, "");
  EXPECT_FALSE(parseBootTime("cpu 1 2 3\nintr 5\n"));
  EXPECT_EQ(parseBootTime("cpu 1 2 3\nbtime 1700000000\nprocesses 9\n"), 1'700'000'000.0);
}

TEST(ProcessMetrics, ThisProcessHasResidentMemoryAndRendersIt) {
  const ProcessSample s = sampleProcess();
  ASSERT_TRUE(s.resident_bytes.has_value());
  EXPECT_GT(*s.resident_bytes, 0.0);
  ASSERT_TRUE(s.peak_resident_bytes.has_value());
  EXPECT_GE(*s.peak_resident_bytes, *s.resident_bytes * 0.5);
  ASSERT_TRUE(s.open_fds.has_value());
  EXPECT_GE(*s.open_fds, 3.0);
  std::string out;
  renderProcessMetrics(s, out);
  EXPECT_NE(out.find("# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes "),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("process_cpu_seconds_total "), std::string::npos) << out;
}

}  // namespace
}  // namespace acs
