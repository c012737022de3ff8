#include "fleet/metrics.h"

#include <cmath>
#include <cstdio>

namespace cpesim {
namespace {

constexpr double kFirstBound = 50e-6;  // seconds
constexpr double kGrowth = 1.1;

std::uint64_t load(const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); }
std::int64_t load(const std::atomic<std::int64_t>& a) { return a.load(std::memory_order_relaxed); }

std::string formatSeconds(double seconds) {
  char buffer[32];
  if (seconds < 1.0) {
    std::snprintf(buffer, sizeof buffer, "%.1fms", seconds * 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.2fs", seconds);
  }
  return buffer;
}

std::string formatDouble(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

}  // namespace

double LatencyHistogram::bucketUpperBound(std::size_t bucket) {
  return kFirstBound * std::pow(kGrowth, static_cast<double>(bucket));
}

std::size_t LatencyHistogram::bucketFor(double seconds) {
  if (!(seconds > kFirstBound)) return 0;
  double index = std::ceil(std::log(seconds / kFirstBound) / std::log(kGrowth));
  if (index >= static_cast<double>(kBuckets - 1)) return kBuckets - 1;
  return static_cast<std::size_t>(index);
}

void LatencyHistogram::observe(double seconds) {
  if (!(seconds >= 0)) seconds = 0;
  buckets_[bucketFor(seconds)].fetch_add(1, std::memory_order_relaxed);
  std::size_t p = 0;
  while (p < kPrometheusBounds.size() && seconds > kPrometheusBounds[p]) ++p;
  prometheus_[p].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

LatencyHistogram::Snapshot LatencyHistogram::snapshot() const {
  Snapshot s;
  s.counts.assign(kBuckets, 0);
  for (std::size_t i = 0; i < kBuckets; ++i) {
    s.counts[i] = load(buckets_[i]);
    s.total += s.counts[i];
  }
  s.sum_seconds = sumSeconds();
  return s;
}

LatencyHistogram::Snapshot LatencyHistogram::Snapshot::minus(const Snapshot& earlier) const {
  Snapshot d;
  d.counts.assign(counts.size(), 0);
  for (std::size_t i = 0; i < counts.size(); ++i) {
    std::uint64_t before = i < earlier.counts.size() ? earlier.counts[i] : 0;
    d.counts[i] = counts[i] >= before ? counts[i] - before : 0;
    d.total += d.counts[i];
  }
  d.sum_seconds = sum_seconds - earlier.sum_seconds;
  return d;
}

double LatencyHistogram::Snapshot::quantile(double q) const {
  if (total == 0) return 0;
  // The rank of the quantile, 1-based: the smallest count c with c >= q * total.
  std::uint64_t rank = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(total)));
  if (rank == 0) rank = 1;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) return bucketUpperBound(i);
  }
  return bucketUpperBound(counts.size() - 1);
}

std::array<std::uint64_t, LatencyHistogram::kPrometheusBounds.size() + 1>
LatencyHistogram::prometheusBuckets() const {
  std::array<std::uint64_t, kPrometheusBounds.size() + 1> out{};
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    running += load(prometheus_[i]);
    out[i] = running;
  }
  return out;
}

std::string FleetMetrics::prometheus(const std::string& extra) const {
  std::string out;
  auto gauge = [&](const char* name, const char* help, std::int64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name +
           " " + std::to_string(value) + "\n";
  };
  auto counter = [&](const char* name, const char* help, std::uint64_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n" + name +
           " " + std::to_string(value) + "\n";
  };
  gauge("cpesim_devices", "Simulated devices in this process.", load(devices));
  gauge("cpesim_devices_online", "Devices powered on and not rebooting.", load(devices_online));
  gauge("cpesim_sessions_in_flight", "CWMP sessions in progress.", load(sessions_in_flight));
  gauge("cpesim_sessions_waiting", "Devices due for a session, waiting for a free slot.",
        load(sessions_waiting));
  out += "# HELP cpesim_sessions_total CWMP sessions finished, by result.\n"
         "# TYPE cpesim_sessions_total counter\n";
  out += "cpesim_sessions_total{result=\"success\"} " + std::to_string(load(sessions_succeeded)) + "\n";
  out += "cpesim_sessions_total{result=\"failure\"} " + std::to_string(load(sessions_failed)) + "\n";
  counter("cpesim_sessions_started_total", "CWMP sessions started.", load(sessions_started));
  counter("cpesim_session_retries_total", "Sessions started as a retry (RetryCount > 0).",
          load(session_retries));
  counter("cpesim_http_posts_total", "HTTP POSTs completed or failed.", load(http_posts));
  counter("cpesim_http_auth_rounds_total", "401 challenges answered.", load(http_auth_rounds));
  counter("cpesim_http_redirects_total", "HTTP redirects followed.", load(http_redirects));
  counter("cpesim_transport_errors_total", "POSTs that got no HTTP response.", load(transport_errors));
  counter("cpesim_rpcs_answered_total", "ACS requests the devices answered.", load(rpcs_answered));
  counter("cpesim_faults_sent_total", "CWMP faults the devices answered with.", load(faults_sent));
  counter("cpesim_connection_requests_total", "Connection requests accepted.",
          load(connection_requests));
  out += "# HELP cpesim_transfers_total File transfers finished, by result.\n"
         "# TYPE cpesim_transfers_total counter\n";
  out += "cpesim_transfers_total{result=\"success\"} " + std::to_string(load(transfers_succeeded)) + "\n";
  out += "cpesim_transfers_total{result=\"failure\"} " + std::to_string(load(transfers_failed)) + "\n";
  counter("cpesim_transfer_bytes_total", "File transfer body bytes.", load(transfer_bytes));
  counter("cpesim_quirk_drops_total", "Sessions a quirk cut short on purpose.", load(quirk_drops));
  counter("cpesim_reboots_total", "Reboots carried out after a session.", load(reboots));
  counter("cpesim_factory_resets_total", "Factory resets carried out after a session.",
          load(factory_resets));

  auto histogram = [&](const char* name, const char* help, const LatencyHistogram& h) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " histogram\n";
    auto buckets = h.prometheusBuckets();
    for (std::size_t i = 0; i < LatencyHistogram::kPrometheusBounds.size(); ++i) {
      out += std::string(name) + "_bucket{le=\"" + formatDouble(LatencyHistogram::kPrometheusBounds[i]) + "\"} " +
             std::to_string(buckets[i]) + "\n";
    }
    out += std::string(name) + "_bucket{le=\"+Inf\"} " + std::to_string(buckets.back()) + "\n";
    out += std::string(name) + "_sum " + formatDouble(h.sumSeconds()) + "\n";
    out += std::string(name) + "_count " + std::to_string(buckets.back()) + "\n";
  };
  histogram("cpesim_session_duration_seconds", "Wall time of one CWMP session.", session_seconds);
  histogram("cpesim_reply_seconds", "One POST to its complete response, as the device sees it.", reply_seconds);
  out += extra;
  return out;
}

SummaryLine::SummaryLine(const FleetMetrics& metrics)
    : metrics_(metrics), last_histogram_(metrics.session_seconds.snapshot()) {
  last_started_ = load(metrics.sessions_started);
  last_ok_ = load(metrics.sessions_succeeded);
  last_failed_ = load(metrics.sessions_failed);
}

std::string SummaryLine::next(double elapsed_seconds) {
  LatencyHistogram::Snapshot now = metrics_.session_seconds.snapshot();
  LatencyHistogram::Snapshot interval = now.minus(last_histogram_);
  const std::uint64_t ok = load(metrics_.sessions_succeeded);
  const std::uint64_t failed = load(metrics_.sessions_failed);
  const double finished = static_cast<double>((ok - last_ok_) + (failed - last_failed_));
  const double rate = elapsed_seconds > 0 ? finished / elapsed_seconds : 0;
  char buffer[512];
  std::snprintf(buffer, sizeof buffer,
                "devices=%lld online=%lld in_flight=%lld waiting=%lld sessions/s=%.1f p50=%s p99=%s "
                "ok=%llu failed=%llu faults=%llu retries=%llu cr=%llu transfers=%llu/%llu",
                static_cast<long long>(load(metrics_.devices)),
                static_cast<long long>(load(metrics_.devices_online)),
                static_cast<long long>(load(metrics_.sessions_in_flight)),
                static_cast<long long>(load(metrics_.sessions_waiting)), rate,
                formatSeconds(interval.quantile(0.5)).c_str(),
                formatSeconds(interval.quantile(0.99)).c_str(),
                static_cast<unsigned long long>(ok), static_cast<unsigned long long>(failed),
                static_cast<unsigned long long>(load(metrics_.faults_sent)),
                static_cast<unsigned long long>(load(metrics_.session_retries)),
                static_cast<unsigned long long>(load(metrics_.connection_requests)),
                static_cast<unsigned long long>(load(metrics_.transfers_succeeded)),
                static_cast<unsigned long long>(load(metrics_.transfers_succeeded) +
                                                load(metrics_.transfers_failed)));
  last_histogram_ = std::move(now);
  last_started_ = load(metrics_.sessions_started);
  last_ok_ = ok;
  last_failed_ = failed;
  return buffer;
}

}  // namespace cpesim
