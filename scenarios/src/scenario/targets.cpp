#include "scenario/targets.h"

#include <cmath>
#include <cstdio>
#include <string>

namespace scenario {

std::string formatNumber(double value) {
  if (!std::isfinite(value)) return std::isnan(value) ? "nan" : (value > 0 ? "inf" : "-inf");
  char buffer[64];
  const double magnitude = std::fabs(value);
  const int decimals = magnitude >= 100.0 ? 1 : (magnitude >= 1.0 ? 3 : 4);
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  std::string text(buffer);
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string TargetResult::describe() const {
  return name + ": measured " + measured + ", wanted " + wanted;
}

namespace {

enum class Bound { kAtMost, kAtLeast };

void add(std::vector<TargetResult>& out, const std::string& name, Bound bound, double wanted,
         const std::optional<double>& measured, const std::string& unit) {
  TargetResult r;
  r.name = name;
  r.wanted_value = wanted;
  const std::string suffix = unit.empty() ? "" : " " + unit;
  r.wanted = std::string(bound == Bound::kAtMost ? "<= " : ">= ") + formatNumber(wanted) + suffix;
  r.measured_value = measured;
  if (!measured || !std::isfinite(*measured)) {
    r.measured = "not measured";
    r.passed = false;
  } else {
    r.measured = formatNumber(*measured) + suffix;
    r.passed = bound == Bound::kAtMost ? *measured <= wanted : *measured >= wanted;
  }
  out.push_back(std::move(r));
}

void addPercentiles(std::vector<TargetResult>& out, const std::string& name,
                    const PercentileTargets& wanted, const MeasuredPercentiles& measured) {
  if (wanted.p50_ms) add(out, name + ".p50", Bound::kAtMost, *wanted.p50_ms, measured.p50_ms, "ms");
  if (wanted.p95_ms) add(out, name + ".p95", Bound::kAtMost, *wanted.p95_ms, measured.p95_ms, "ms");
  if (wanted.p99_ms) add(out, name + ".p99", Bound::kAtMost, *wanted.p99_ms, measured.p99_ms, "ms");
}

}  // namespace

std::vector<TargetResult> evaluateTargets(const Targets& targets, const Measurements& measured) {
  std::vector<TargetResult> out;
  addPercentiles(out, "session_time", targets.session_time, measured.session_time);
  addPercentiles(out, "reply_time", targets.reply_time, measured.reply_time);
  addPercentiles(out, "task_completion_time", targets.task_completion_time,
                 measured.task_completion_time);
  if (targets.sessions_per_second_min) {
    add(out, "sessions_per_second", Bound::kAtLeast, *targets.sessions_per_second_min,
        measured.sessions_per_second, "/s");
  }
  if (targets.task_completion_ratio_min) {
    add(out, "task_completion_ratio", Bound::kAtLeast, *targets.task_completion_ratio_min,
        measured.task_completion_ratio, "");
  }
  if (targets.zero_lost_tasks) add(out, "zero_lost_tasks", Bound::kAtMost, 0.0, measured.lost_tasks, "");
  if (targets.zero_unexpected_faults) {
    add(out, "zero_unexpected_faults", Bound::kAtMost, 0.0, measured.unexpected_faults, "");
  }
  if (targets.acs_rss_max_mib) {
    add(out, "acs_rss", Bound::kAtMost, *targets.acs_rss_max_mib, measured.acs_rss_mib, "MiB");
  }
  return out;
}

}  // namespace scenario
