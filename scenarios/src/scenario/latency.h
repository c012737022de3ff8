// A latency histogram with fixed, roughly logarithmic bucket bounds (1-2-5 per decade from
// 0.01 ms to 100 s). Percentiles are read from the buckets, so they are upper bounds with at
// most the bucket's width of error, which is what a report needs and costs O(1) memory.
#pragma once

#include <cstdint>
#include <vector>

namespace scenario {

class LatencyHistogram {
 public:
  LatencyHistogram();

  void record(double ms);
  void merge(const LatencyHistogram& other);

  std::uint64_t count() const { return count_; }
  double sumMs() const { return sum_ms_; }
  double maxMs() const { return max_ms_; }
  // The smallest bucket upper bound under which at least q (0 < q <= 1) of the samples lie,
  // capped at the largest sample seen; 0 when empty.
  double percentileMs(double q) const;

  // Upper bounds in ms; counts() has one more entry, for samples above the last bound.
  const std::vector<double>& upperBoundsMs() const { return bounds_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }

 private:
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ms_ = 0.0;
  double max_ms_ = 0.0;
};

}  // namespace scenario
