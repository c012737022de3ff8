// fleet/metrics.h: the fleet's live numbers. Updated by every shard thread with relaxed
// atomics (no locks on the session path), read by the Prometheus endpoint and the periodic
// summary line. Thread-safe.
//
//   FleetMetrics metrics;
//   metrics.sessions_started++;
//   metrics.session_seconds.observe(0.004);
//   std::string text = metrics.prometheus();            // text exposition format 0.0.4
//   SummaryLine summary(metrics);
//   std::string line = summary.next(elapsed_seconds);    // rates since the previous call
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace cpesim {

// Durations in log-spaced buckets (about 10% apart, 50 us .. 1 hour) for percentiles, plus
// the coarse fixed buckets Prometheus users expect.
class LatencyHistogram {
 public:
  static constexpr std::size_t kBuckets = 180;
  static constexpr std::array<double, 14> kPrometheusBounds = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

  struct Snapshot {
    std::vector<std::uint64_t> counts;  // kBuckets
    std::uint64_t total = 0;
    double sum_seconds = 0;
    // The `q` quantile (0..1) in seconds: upper bound of the bucket holding it; 0 if empty.
    double quantile(double q) const;
    Snapshot minus(const Snapshot& earlier) const;
  };

  void observe(double seconds);
  Snapshot snapshot() const;
  // Cumulative counts for kPrometheusBounds, then +Inf.
  std::array<std::uint64_t, kPrometheusBounds.size() + 1> prometheusBuckets() const;
  double sumSeconds() const { return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6; }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  static double bucketUpperBound(std::size_t bucket);

 private:
  static std::size_t bucketFor(double seconds);

  std::array<std::atomic<std::uint64_t>, kBuckets> buckets_{};
  std::array<std::atomic<std::uint64_t>, kPrometheusBounds.size() + 1> prometheus_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

struct FleetMetrics {
  using Counter = std::atomic<std::uint64_t>;
  using Gauge = std::atomic<std::int64_t>;

  Gauge devices{0};
  Gauge devices_online{0};     // powered on and not rebooting
  Gauge sessions_in_flight{0};
  Gauge sessions_waiting{0};   // due, waiting for a free session slot

  Counter sessions_started{0};
  Counter sessions_succeeded{0};
  Counter sessions_failed{0};
  Counter session_retries{0};      // sessions started with RetryCount > 0
  Counter http_posts{0};
  Counter http_auth_rounds{0};
  Counter http_redirects{0};
  Counter transport_errors{0};     // POSTs that got no HTTP response
  Counter rpcs_answered{0};
  Counter faults_sent{0};          // CWMP faults the devices answered with
  Counter connection_requests{0};  // accepted by the listener and handed to a device
  Counter transfers_succeeded{0};
  Counter transfers_failed{0};
  Counter transfer_bytes{0};
  Counter quirk_drops{0};          // sessions a quirk cut short on purpose
  Counter reboots{0};
  Counter factory_resets{0};

  LatencyHistogram session_seconds;
  // One exchange as the device sees it: from sending a POST to having its whole response
  // (connection set-up, HTTP authentication rounds and redirects included; a quirk's
  // reply delay, spent before the POST, is not). Only exchanges that got a response.
  LatencyHistogram reply_seconds;

  // Prometheus text exposition (version 0.0.4). `extra` lines (already formatted, e.g.
  // the listener's counters) are appended.
  std::string prometheus(const std::string& extra = {}) const;
};

// Builds the periodic one-line summary: rates and percentiles over the interval since the
// previous call. Not thread-safe (one reporter thread).
class SummaryLine {
 public:
  explicit SummaryLine(const FleetMetrics& metrics);
  std::string next(double elapsed_seconds);

 private:
  const FleetMetrics& metrics_;
  LatencyHistogram::Snapshot last_histogram_;
  std::uint64_t last_started_ = 0;
  std::uint64_t last_ok_ = 0;
  std::uint64_t last_failed_ = 0;
};

}  // namespace cpesim
