#include "fleet/metrics.h"

#include <gtest/gtest.h>

namespace cpesim {
namespace {

TEST(LatencyHistogram, QuantilesFallInTheRightBucket) {
  LatencyHistogram h;
  for (int i = 0; i < 98; ++i) h.observe(0.002);
  h.observe(0.5);
  h.observe(0.5);
  LatencyHistogram::Snapshot s = h.snapshot();
  EXPECT_EQ(s.total, 100u);
  double p50 = s.quantile(0.5);
  EXPECT_GE(p50, 0.002);
  EXPECT_LE(p50, 0.0022);
  double p99 = s.quantile(0.99);
  EXPECT_GE(p99, 0.5);
  EXPECT_LE(p99, 0.55);
  EXPECT_EQ(LatencyHistogram::Snapshot{}.quantile(0.5), 0);
}

TEST(LatencyHistogram, IntervalSnapshotsSubtract) {
  LatencyHistogram h;
  h.observe(1.0);
  LatencyHistogram::Snapshot before = h.snapshot();
  h.observe(0.001);
  LatencyHistogram::Snapshot delta = h.snapshot().minus(before);
  EXPECT_EQ(delta.total, 1u);
  EXPECT_LE(delta.quantile(0.99), 0.0011);
}

TEST(FleetMetrics, PrometheusTextHasCountersAndCumulativeBuckets) {
  FleetMetrics m;
  m.devices = 3;
  m.sessions_succeeded += 2;
  m.session_seconds.observe(0.003);
  m.session_seconds.observe(20);
  std::string text = m.prometheus("cpesim_extra 1\n");
  EXPECT_NE(text.find("cpesim_devices 3\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_sessions_total{result=\"success\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_session_duration_seconds_bucket{le=\"0.0025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_session_duration_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_session_duration_seconds_bucket{le=\"30\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_session_duration_seconds_count 2\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE cpesim_sessions_total counter"), std::string::npos);
  EXPECT_EQ(text.substr(text.size() - 15), "cpesim_extra 1\n");
}

TEST(FleetMetrics, PrometheusTextHasTheReplyTimeHistogramApartFromSessions) {
  FleetMetrics m;
  m.session_seconds.observe(1.5);
  m.reply_seconds.observe(0.004);
  m.reply_seconds.observe(0.004);
  m.reply_seconds.observe(0.2);
  std::string text = m.prometheus();
  EXPECT_NE(text.find("# TYPE cpesim_reply_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_reply_seconds_bucket{le=\"0.0025\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_reply_seconds_bucket{le=\"0.005\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_reply_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_reply_seconds_count 3\n"), std::string::npos);
  EXPECT_NE(text.find("cpesim_session_duration_seconds_count 1\n"), std::string::npos);
}

TEST(SummaryLine, ReportsRatesOverTheInterval) {
  FleetMetrics m;
  m.devices = 10;
  SummaryLine summary(m);
  m.sessions_succeeded += 30;
  m.sessions_failed += 10;
  for (int i = 0; i < 40; ++i) m.session_seconds.observe(0.010);
  std::string line = summary.next(2.0);
  EXPECT_NE(line.find("devices=10"), std::string::npos) << line;
  EXPECT_NE(line.find("sessions/s=20.0"), std::string::npos) << line;
  EXPECT_NE(line.find("ok=30 failed=10"), std::string::npos) << line;
  EXPECT_NE(line.find("p50=10."), std::string::npos) << line;
  std::string quiet = summary.next(1.0);
  EXPECT_NE(quiet.find("sessions/s=0.0"), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("p50=0.0ms"), std::string::npos) << quiet;
}

}  // namespace
}  // namespace cpesim
