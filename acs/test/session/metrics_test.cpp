#include "acs/src/core/metrics.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace acs {
namespace {

bool contains(const std::string& text, const std::string& line) {
  return text.find(line) != std::string::npos;
}

TEST(Metrics, RendersSessionCountersAndActiveGauge) {
  Metrics m;
  m.sessionStarted();
  m.sessionStarted();
  m.sessionEnded(SessionOutcome::Ok);
  std::string text = m.renderPrometheus();
  EXPECT_TRUE(contains(text, "acs_sessions_started_total 2\n"));
  EXPECT_TRUE(contains(text, "acs_sessions_ended_total{outcome=\"ok\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_active_sessions 1\n"));
  EXPECT_TRUE(contains(text, "# TYPE acs_active_sessions gauge\n"));
  EXPECT_EQ(m.activeSessions(), 1);
}

TEST(Metrics, CountsInformsOncePerEventCodeWithOtherBucket) {
  Metrics m;
  m.informReceived({"1 BOOT", "M Reboot"});
  m.informReceived({"2 PERIODIC", "X ACME Custom"});
  std::string text = m.renderPrometheus();
  EXPECT_TRUE(contains(text, "acs_informs_total 2\n"));
  EXPECT_TRUE(contains(text, "acs_informs_by_event_total{event=\"1 BOOT\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_informs_by_event_total{event=\"M Reboot\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_informs_by_event_total{event=\"2 PERIODIC\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_informs_by_event_total{event=\"other\"} 1\n"));
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Metrics m;
  m.observeReplyLatency(std::chrono::microseconds(300));   // <= 0.0005
  m.observeReplyLatency(std::chrono::microseconds(1500));  // <= 0.002
  m.observeReplyLatency(std::chrono::seconds(20));         // +Inf only
  std::string text = m.renderPrometheus();
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_bucket{le=\"0.0005\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_bucket{le=\"0.001\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_bucket{le=\"0.002\"} 2\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_bucket{le=\"10\"} 2\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_bucket{le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_count 3\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_reply_seconds_sum 20.0018\n"));
}

TEST(Metrics, EveryMetricHasHelpAndTypeAndTextEndsWithNewline) {
  Metrics m;
  std::string text = m.renderPrometheus();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::size_t helps = 0;
  std::size_t types = 0;
  for (std::size_t pos = 0; (pos = text.find("# HELP ", pos)) != std::string::npos; ++pos) ++helps;
  for (std::size_t pos = 0; (pos = text.find("# TYPE ", pos)) != std::string::npos; ++pos) ++types;
  EXPECT_EQ(helps, types);
  EXPECT_GT(helps, 10u);
}

TEST(Metrics, FaultAndStatusLabels) {
  Metrics m;
  m.cwmpFaultSent(8005);
  m.cwmpFaultSent(8888);
  m.cwmpHttpError(413);
  m.apiRequest(201);
  m.apiRequest(404);
  m.storeError(StoreErrorKind::Busy);
  std::string text = m.renderPrometheus();
  EXPECT_TRUE(contains(text, "acs_cwmp_faults_sent_total{code=\"8005\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_faults_sent_total{code=\"other\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_cwmp_http_errors_total{status=\"413\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_api_requests_total{class=\"2xx\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_api_requests_total{class=\"4xx\"} 1\n"));
  EXPECT_TRUE(contains(text, "acs_store_errors_total{kind=\"busy\"} 1\n"));
}

TEST(Metrics, FailedTasksCountApartFromFaultedOnes) {
  Metrics m;
  m.taskFaulted();
  m.taskFailed();
  m.taskFailed();
  std::string text = m.renderPrometheus();
  EXPECT_TRUE(contains(text, "acs_tasks_faulted_total 1\n"));
  EXPECT_TRUE(contains(text, "acs_tasks_failed_total 2\n"));
  EXPECT_TRUE(contains(text, "# TYPE acs_tasks_failed_total counter\n"));
}

TEST(Metrics, ConcurrentUpdatesAreNotLost) {
  Metrics m;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        m.sessionStarted();
        m.sessionEnded(SessionOutcome::Ok);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(m.sessionsStarted(), 4000u);
  EXPECT_EQ(m.sessionsEnded(SessionOutcome::Ok), 4000u);
  EXPECT_EQ(m.activeSessions(), 0);
}

}  // namespace
}  // namespace acs
