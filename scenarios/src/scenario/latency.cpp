#include "scenario/latency.h"

#include <algorithm>
#include <cmath>

namespace scenario {

LatencyHistogram::LatencyHistogram() {
  for (double decade = 0.01; decade < 1e5 * 1.5; decade *= 10.0) {
    for (const double step : {1.0, 2.0, 5.0}) bounds_.push_back(decade * step);
  }
  counts_.assign(bounds_.size() + 1, 0);
}

void LatencyHistogram::record(double ms) {
  if (!std::isfinite(ms) || ms < 0.0) ms = 0.0;
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), ms);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  ++count_;
  sum_ms_ += ms;
  max_ms_ = std::max(max_ms_, ms);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ms_ += other.sum_ms_;
  max_ms_ = std::max(max_ms_, other.max_ms_);
}

double LatencyHistogram::percentileMs(double q) const {
  if (count_ == 0) return 0.0;
  const auto wanted = static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_)));
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < counts_.size(); ++i) {
    seen += counts_[i];
    if (seen >= wanted && seen > 0) {
      return i < bounds_.size() ? std::min(bounds_[i], max_ms_) : max_ms_;
    }
  }
  return max_ms_;
}

}  // namespace scenario
