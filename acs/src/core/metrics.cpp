#include "acs/src/core/metrics.h"

#include <cstdio>

namespace acs {

namespace {

constexpr std::array<std::string_view, kSessionOutcomeCount> kOutcomeNames = {
    "ok", "fault", "timeout", "aborted", "refused"};

// Standard event codes (TR-069 Amd 6 §3.7.1.5, checklist 6.1) get their own label.
constexpr std::array<std::string_view, 21> kEventCodes = {
    "0 BOOTSTRAP",
    "1 BOOT",
    "2 PERIODIC",
    "3 SCHEDULED",
    "4 VALUE CHANGE",
    "5 KICKED",
    "6 CONNECTION REQUEST",
    "7 TRANSFER COMPLETE",
    "8 DIAGNOSTICS COMPLETE",
    "9 REQUEST DOWNLOAD",
    "10 AUTONOMOUS TRANSFER COMPLETE",
    "11 DU STATE CHANGE COMPLETE",
    "12 AUTONOMOUS DU STATE CHANGE COMPLETE",
    "13 WAKEUP",
    "14 HEARTBEAT",
    "M Reboot",
    "M ScheduleInform",
    "M Download",
    "M ScheduleDownload",
    "M Upload",
    "M ChangeDUState",
};

constexpr std::array<std::string_view, kStoreErrorKindCount> kStoreErrorNames = {
    "not_found", "conflict", "busy", "unavailable", "invalid"};

constexpr std::array<std::string_view, 5> kHttpErrorNames = {"400", "401", "413", "503", "other"};
constexpr std::array<std::string_view, 4> kStatusClassNames = {"2xx", "3xx", "4xx", "5xx"};

void inc(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) {
  c.fetch_add(n, std::memory_order_relaxed);
}

std::uint64_t load(const std::atomic<std::uint64_t>& c) {
  return c.load(std::memory_order_relaxed);
}

void header(std::string& out, std::string_view name, std::string_view help, std::string_view type) {
  appendPrometheusHeader(out, name, help, type);
}

// A label value escaped per the exposition format (backslash, quote, newline).
void appendLabelValue(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void sample(std::string& out, std::string_view name, std::string_view label, std::string_view value,
            std::uint64_t n) {
  out += name;
  if (!label.empty()) {
    out += '{';
    out += label;
    out += "=\"";
    appendLabelValue(out, value);
    out += "\"}";
  }
  out += ' ';
  out += std::to_string(n);
  out += '\n';
}

void formatDouble(std::string& out, double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", d);
  out += buf;
}

}  // namespace

std::string_view sessionOutcomeName(SessionOutcome outcome) {
  return kOutcomeNames[static_cast<std::size_t>(outcome)];
}

SessionOutcome sessionOutcomeFromName(std::string_view name) {
  for (std::size_t i = 0; i < kSessionOutcomeCount; ++i) {
    if (kOutcomeNames[i] == name) return static_cast<SessionOutcome>(i);
  }
  return SessionOutcome::Aborted;
}

void LatencyHistogram::observe(std::chrono::microseconds duration) {
  const auto us = duration.count() < 0 ? 0 : duration.count();
  const double seconds = static_cast<double>(us) / 1e6;
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  inc(buckets_[i]);
  inc(sum_us_, static_cast<std::uint64_t>(us));
  inc(count_);
}

void LatencyHistogram::render(std::string& out, std::string_view name,
                              std::string_view help) const {
  header(out, name, help, "histogram");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += load(buckets_[i]);
    out += name;
    out += "_bucket{le=\"";
    if (i < kBounds.size()) {
      formatDouble(out, kBounds[i]);
    } else {
      out += "+Inf";
    }
    out += "\"} ";
    out += std::to_string(cumulative);
    out += '\n';
  }
  out += name;
  out += "_sum ";
  formatDouble(out, static_cast<double>(load(sum_us_)) / 1e6);
  out += '\n';
  out += name;
  out += "_count ";
  out += std::to_string(cumulative);
  out += '\n';
}

void Metrics::sessionStarted() {
  inc(sessions_started_);
  active_sessions_.fetch_add(1, std::memory_order_relaxed);
}

void Metrics::sessionEnded(SessionOutcome outcome) {
  inc(sessions_ended_[static_cast<std::size_t>(outcome)]);
  active_sessions_.fetch_sub(1, std::memory_order_relaxed);
}

void Metrics::sessionRefused() {
  inc(sessions_refused_);
  inc(sessions_ended_[static_cast<std::size_t>(SessionOutcome::Refused)]);
}

void Metrics::informReceived(std::span<const std::string> event_codes) {
  inc(informs_total_);
  for (const auto& code : event_codes) {
    std::size_t i = 0;
    while (i < kEventCodes.size() && kEventCodes[i] != code) ++i;
    inc(informs_by_event_[i]);  // i == kEventCodes.size(): "other"
  }
}

void Metrics::informReceived(std::initializer_list<std::string_view> event_codes) {
  inc(informs_total_);
  for (auto code : event_codes) {
    std::size_t i = 0;
    while (i < kEventCodes.size() && kEventCodes[i] != code) ++i;
    inc(informs_by_event_[i]);
  }
}

void Metrics::observeReplyLatency(std::chrono::microseconds duration) {
  reply_latency_.observe(duration);
}

void Metrics::cwmpMessageIn() { inc(messages_in_); }
void Metrics::cwmpMessageOut() { inc(messages_out_); }

void Metrics::cwmpFaultSent(std::uint32_t code) {
  std::size_t i = (code >= 8000 && code <= 8006) ? code - 8000 : kFaultLabels - 1;
  inc(faults_sent_[i]);
}

void Metrics::cwmpFaultReceived() { inc(faults_received_); }

void Metrics::cwmpHttpError(int http_status) {
  std::size_t i = 4;
  if (http_status == 400) i = 0;
  if (http_status == 401) i = 1;
  if (http_status == 413) i = 2;
  if (http_status == 503) i = 3;
  inc(cwmp_http_errors_[i]);
}

void Metrics::taskSent() { inc(tasks_sent_); }
void Metrics::taskCompleted() { inc(tasks_completed_); }
void Metrics::taskFaulted() { inc(tasks_faulted_); }
void Metrics::taskFailed() { inc(tasks_failed_); }
void Metrics::tasksRequeued(std::uint64_t count) { inc(tasks_requeued_, count); }

void Metrics::storeError(StoreErrorKind kind) {
  inc(store_errors_[static_cast<std::size_t>(kind)]);
}

void Metrics::connectionRequest(bool ok) {
  inc(ok ? connection_requests_ok_ : connection_requests_failed_);
}

void Metrics::apiRequest(int http_status) {
  int cls = http_status / 100;
  if (cls < 2 || cls > 5) cls = 5;
  inc(api_requests_[static_cast<std::size_t>(cls - 2)]);
}

std::uint64_t Metrics::sessionsEnded(SessionOutcome outcome) const {
  return load(sessions_ended_[static_cast<std::size_t>(outcome)]);
}

std::string Metrics::renderPrometheus() const {
  std::string out;
  out.reserve(6000);

  header(out, "acs_sessions_started_total", "CWMP sessions accepted (Inform answered).", "counter");
  sample(out, "acs_sessions_started_total", "", "", load(sessions_started_));

  header(out, "acs_sessions_ended_total", "CWMP sessions ended, by outcome.", "counter");
  for (std::size_t i = 0; i < kSessionOutcomeCount; ++i) {
    sample(out, "acs_sessions_ended_total", "outcome", kOutcomeNames[i], load(sessions_ended_[i]));
  }

  header(out, "acs_sessions_refused_total",
         "Informs refused before a session started (device busy, overload, auth).", "counter");
  sample(out, "acs_sessions_refused_total", "", "", load(sessions_refused_));

  header(out, "acs_active_sessions", "CWMP sessions open in this process.", "gauge");
  {
    std::int64_t active = active_sessions_.load(std::memory_order_relaxed);
    out += "acs_active_sessions " + std::to_string(active < 0 ? 0 : active) + "\n";
  }

  header(out, "acs_informs_total", "Informs received.", "counter");
  sample(out, "acs_informs_total", "", "", load(informs_total_));

  header(out, "acs_informs_by_event_total", "Informs received, once per event code they carry.",
         "counter");
  for (std::size_t i = 0; i < kEventLabels; ++i) {
    std::string_view label = i < kEventCodes.size() ? kEventCodes[i] : "other";
    sample(out, "acs_informs_by_event_total", "event", label, load(informs_by_event_[i]));
  }

  reply_latency_.render(out, "acs_cwmp_reply_seconds",
                        "Time from a CWMP request being read to its reply being written.");

  header(out, "acs_cwmp_messages_total", "CWMP HTTP messages, by direction.", "counter");
  sample(out, "acs_cwmp_messages_total", "direction", "in", load(messages_in_));
  sample(out, "acs_cwmp_messages_total", "direction", "out", load(messages_out_));

  header(out, "acs_cwmp_faults_sent_total", "SOAP faults the ACS sent to CPEs, by code.",
         "counter");
  for (std::size_t i = 0; i < kFaultLabels; ++i) {
    std::string code = i + 1 < kFaultLabels ? std::to_string(8000 + i) : "other";
    sample(out, "acs_cwmp_faults_sent_total", "code", code, load(faults_sent_[i]));
  }

  header(out, "acs_cwmp_faults_received_total", "SOAP faults CPEs answered ACS requests with.",
         "counter");
  sample(out, "acs_cwmp_faults_received_total", "", "", load(faults_received_));

  header(out, "acs_cwmp_http_errors_total", "HTTP error replies on the CWMP endpoint, by status.",
         "counter");
  for (std::size_t i = 0; i < kHttpErrorLabels; ++i) {
    sample(out, "acs_cwmp_http_errors_total", "status", kHttpErrorNames[i],
           load(cwmp_http_errors_[i]));
  }

  header(out, "acs_tasks_sent_total", "Task requests sent to CPEs.", "counter");
  sample(out, "acs_tasks_sent_total", "", "", load(tasks_sent_));
  header(out, "acs_tasks_completed_total", "Tasks completed by this process.", "counter");
  sample(out, "acs_tasks_completed_total", "", "", load(tasks_completed_));
  header(out, "acs_tasks_faulted_total", "Tasks a CPE answered with a fault (this process).",
         "counter");
  sample(out, "acs_tasks_faulted_total", "", "", load(tasks_faulted_));
  header(out, "acs_tasks_failed_total",
         "Tasks failed in their session without a CPE fault: protocol error or unplannable "
         "task (this process).",
         "counter");
  sample(out, "acs_tasks_failed_total", "", "", load(tasks_failed_));
  header(out, "acs_tasks_requeued_total", "Sent tasks put back after their session died.",
         "counter");
  sample(out, "acs_tasks_requeued_total", "", "", load(tasks_requeued_));

  header(out, "acs_store_errors_total", "Store operations that failed, by kind.", "counter");
  for (std::size_t i = 0; i < kStoreErrorKindCount; ++i) {
    sample(out, "acs_store_errors_total", "kind", kStoreErrorNames[i], load(store_errors_[i]));
  }

  header(out, "acs_connection_requests_total", "Connection requests sent, by result.", "counter");
  sample(out, "acs_connection_requests_total", "result", "ok", load(connection_requests_ok_));
  sample(out, "acs_connection_requests_total", "result", "failed",
         load(connection_requests_failed_));

  header(out, "acs_api_requests_total", "REST API requests, by status class.", "counter");
  for (std::size_t i = 0; i < kStatusClasses; ++i) {
    sample(out, "acs_api_requests_total", "class", kStatusClassNames[i], load(api_requests_[i]));
  }
  return out;
}

void appendPrometheusHeader(std::string& out, std::string_view name, std::string_view help,
                            std::string_view type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

}  // namespace acs
