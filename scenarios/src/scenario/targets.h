// Evaluation of a scenario's targets against what a run measured. Pure: the runner fills
// Measurements, this decides pass/fail and phrases each result as "measured vs wanted".
//
// A target whose quantity was not measured (nullopt) fails: a run must not pass on a number
// it never saw.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scenario/schema.h"

namespace scenario {

struct MeasuredPercentiles {
  std::optional<double> p50_ms;
  std::optional<double> p95_ms;
  std::optional<double> p99_ms;
};

struct Measurements {
  MeasuredPercentiles session_time;
  MeasuredPercentiles reply_time;
  MeasuredPercentiles task_completion_time;
  std::optional<double> sessions_per_second;
  std::optional<double> task_completion_ratio;
  std::optional<double> lost_tasks;
  std::optional<double> unexpected_faults;
  std::optional<double> acs_rss_mib;
};

struct TargetResult {
  std::string name;      // "session_time.p99"
  std::string wanted;    // "<= 0.01 ms"
  std::string measured;  // "3.2 ms" or "not measured"
  bool passed = false;
  std::optional<double> measured_value;
  double wanted_value = 0.0;

  // "session_time.p99: measured 3.2 ms, wanted <= 0.01 ms"
  std::string describe() const;
};

// One result per target set in `targets`, in the order of the schema.
std::vector<TargetResult> evaluateTargets(const Targets& targets, const Measurements& measured);

// Compact decimal text for reports ("0.01", "3.25", "1200"): up to 4 significant decimals.
std::string formatNumber(double value);

}  // namespace scenario
