// acs/core/metrics.h: the ACS's process-wide counters, gauges and latency histogram, rendered
// in the Prometheus text exposition format (version 0.0.4).
//
// One Metrics object lives as long as the server; the CWMP handler, the REST API and the
// background threads update it, and GET /metrics renders it. Every method is thread-safe and
// lock-free (relaxed atomics): a scrape may see counters from slightly different instants,
// which Prometheus tolerates.
//
//   acs::Metrics metrics;
//   metrics.sessionStarted();
//   metrics.informReceived({"1 BOOT", "M Reboot"});
//   metrics.observeReplyLatency(std::chrono::microseconds(850));
//   metrics.sessionEnded(acs::SessionOutcome::Ok);
//   std::string text = metrics.renderPrometheus();  // acs-api appends store gauges after it
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace acs {

// How a CWMP session ended (the sessions table's `outcome` column uses the same names).
enum class SessionOutcome : std::uint8_t {
  Ok,       // ended with 204 after a complete exchange
  Fault,    // the ACS answered the Inform with a fault (8005, 8006, ...)
  Timeout,  // no message from the CPE within the session timeout (reaper)
  Aborted,  // protocol error (400), server shutdown, or a broken connection
  Refused,  // second concurrent Inform, auth failure, overload 503
};
inline constexpr std::size_t kSessionOutcomeCount = 5;
// "ok", "fault", "timeout", "aborted", "refused".
std::string_view sessionOutcomeName(SessionOutcome outcome);
// The outcome named `name` (as sessionOutcomeName writes it); Aborted for any other text.
SessionOutcome sessionOutcomeFromName(std::string_view name);

// Appends the "# HELP" and "# TYPE" lines of metric `name` (Prometheus text format 0.0.4).
void appendPrometheusHeader(std::string& out, std::string_view name, std::string_view help,
                            std::string_view type);

// Where a store call failed (acs_store_errors_total{kind=...}).
enum class StoreErrorKind : std::uint8_t { NotFound, Conflict, Busy, Unavailable, Invalid };
inline constexpr std::size_t kStoreErrorKindCount = 5;

// Fixed-bucket histogram of durations in seconds. Thread-safe.
class LatencyHistogram {
 public:
  // Upper bounds in seconds (Prometheus `le`), +Inf is implicit.
  static constexpr std::array<double, 14> kBounds = {
      0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0};
  void observe(std::chrono::microseconds duration);
  // Appends `# HELP`, `# TYPE` and the _bucket/_sum/_count lines for metric `name`.
  void render(std::string& out, std::string_view name, std::string_view help) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};  // last one: +Inf
  std::atomic<std::uint64_t> sum_us_{0};
  std::atomic<std::uint64_t> count_{0};
};

// The ACS's metrics. Thread-safe; not copyable.
class Metrics {
 public:
  Metrics() = default;
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // --- CWMP sessions
  // A new session was accepted (lease taken, InformResponse about to be sent).
  void sessionStarted();
  // A session ended; decrements the active-session gauge when it had been started.
  void sessionEnded(SessionOutcome outcome);
  // A session was refused before it started (no sessionStarted() for it).
  void sessionRefused();
  // One Inform, counted once per event code it carries (acs_informs_total{event=...}).
  // Standard codes ("0 BOOTSTRAP" .. "14 HEARTBEAT", "M Reboot", ...) get their own label;
  // vendor ("X ...") and unknown codes are counted as event="other".
  void informReceived(std::span<const std::string> event_codes);
  void informReceived(std::initializer_list<std::string_view> event_codes);
  // Time from the end of reading a CWMP request to the reply being handed to the socket.
  void observeReplyLatency(std::chrono::microseconds duration);
  // CWMP messages by direction (CPE->ACS "in", ACS->CPE "out").
  void cwmpMessageIn();
  void cwmpMessageOut();
  // A fault the ACS sent to a CPE (8000..8006) and a fault a CPE sent back to a task.
  void cwmpFaultSent(std::uint32_t code);
  void cwmpFaultReceived();
  // HTTP-level rejections on /cwmp: 400 (protocol), 401 (auth challenge), 413, 503.
  void cwmpHttpError(int http_status);

  // --- Tasks
  void taskSent();
  void taskCompleted();
  // The CPE answered the task's request with a fault (acs_tasks_faulted_total).
  void taskFaulted();
  // The task ended Failed in its session without a CPE fault: the CPE's answer broke the
  // protocol, or the task could not be turned into a request (acs_tasks_failed_total).
  // Tasks failed for too many attempts when a session dies are not counted here (they are
  // part of tasksRequeued()).
  void taskFailed();
  void tasksRequeued(std::uint64_t count);

  // --- Other subsystems
  void storeError(StoreErrorKind kind);
  void connectionRequest(bool ok);
  // REST API requests by status class (2xx/3xx/4xx/5xx).
  void apiRequest(int http_status);

  // --- Read access (tests, /api/stats)
  std::int64_t activeSessions() const { return active_sessions_.load(std::memory_order_relaxed); }
  std::uint64_t sessionsStarted() const {
    return sessions_started_.load(std::memory_order_relaxed);
  }
  std::uint64_t sessionsEnded(SessionOutcome outcome) const;

  // The whole registry in Prometheus text format, every metric prefixed `acs_`, each with
  // # HELP and # TYPE lines, ending with a newline. acs-api appends store gauges after it.
  std::string renderPrometheus() const;

 private:
  static constexpr std::size_t kEventLabels = 22;     // standard codes + "other"
  static constexpr std::size_t kFaultLabels = 8;      // 8000..8006 + "other"
  static constexpr std::size_t kHttpErrorLabels = 5;  // 400, 401, 413, 503, other
  static constexpr std::size_t kStatusClasses = 4;    // 2xx, 3xx, 4xx, 5xx

  std::atomic<std::uint64_t> sessions_started_{0};
  std::atomic<std::uint64_t> sessions_refused_{0};
  std::atomic<std::int64_t> active_sessions_{0};
  std::array<std::atomic<std::uint64_t>, kSessionOutcomeCount> sessions_ended_{};
  std::array<std::atomic<std::uint64_t>, kEventLabels> informs_by_event_{};
  std::atomic<std::uint64_t> informs_total_{0};
  LatencyHistogram reply_latency_;
  std::atomic<std::uint64_t> messages_in_{0};
  std::atomic<std::uint64_t> messages_out_{0};
  std::array<std::atomic<std::uint64_t>, kFaultLabels> faults_sent_{};
  std::atomic<std::uint64_t> faults_received_{0};
  std::array<std::atomic<std::uint64_t>, kHttpErrorLabels> cwmp_http_errors_{};
  std::atomic<std::uint64_t> tasks_sent_{0};
  std::atomic<std::uint64_t> tasks_completed_{0};
  std::atomic<std::uint64_t> tasks_faulted_{0};
  std::atomic<std::uint64_t> tasks_failed_{0};
  std::atomic<std::uint64_t> tasks_requeued_{0};
  std::array<std::atomic<std::uint64_t>, kStoreErrorKindCount> store_errors_{};
  std::atomic<std::uint64_t> connection_requests_ok_{0};
  std::atomic<std::uint64_t> connection_requests_failed_{0};
  std::array<std::atomic<std::uint64_t>, kStatusClasses> api_requests_{};
};

}  // namespace acs
