#include "runner/prometheus.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <utility>
#include <vector>

namespace scenario {

namespace {

std::optional<double> parseValue(const std::string& text) {
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

std::string trim(const std::string& s) {
  const auto begin = s.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const auto end = s.find_last_not_of(" \t\r");
  return s.substr(begin, end - begin + 1);
}

}  // namespace

Samples parsePrometheus(const std::string& text) {
  Samples samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    // The series ends at the closing brace of its labels (label values may hold spaces), or
    // at the first space when it has none. An optional timestamp may follow the value.
    std::size_t series_end = 0;
    const std::size_t brace = line.find('{');
    const std::size_t space = line.find(' ');
    if (brace != std::string::npos && (space == std::string::npos || brace < space)) {
      const std::size_t close = line.rfind('}');
      if (close == std::string::npos || close < brace) continue;
      series_end = close + 1;
    } else {
      if (space == std::string::npos) continue;
      series_end = space;
    }
    std::string rest = trim(line.substr(series_end));
    const std::size_t value_end = rest.find(' ');
    if (value_end != std::string::npos) rest = rest.substr(0, value_end);
    if (auto value = parseValue(rest)) samples[line.substr(0, series_end)] = *value;
  }
  return samples;
}

Samples subtractSamples(const Samples& end, const Samples& start) {
  Samples out;
  for (const auto& [series, value] : end) {
    const auto it = start.find(series);
    out[series] = it == start.end() ? value : value - it->second;
  }
  return out;
}

Samples addSamples(const Samples& a, const Samples& b) {
  Samples out = a;
  for (const auto& [series, value] : b) out[series] += value;
  return out;
}

std::optional<double> histogramQuantile(const Samples& samples, const std::string& name, double q) {
  const std::string prefix = name + "_bucket{le=\"";
  std::vector<std::pair<double, double>> buckets;  // (upper bound, cumulative count)
  for (auto it = samples.lower_bound(prefix); it != samples.end(); ++it) {
    if (it->first.compare(0, prefix.size(), prefix) != 0) break;
    const std::string rest = it->first.substr(prefix.size());
    const std::size_t quote = rest.find('"');
    if (quote == std::string::npos) continue;
    if (auto bound = parseValue(rest.substr(0, quote))) buckets.emplace_back(*bound, it->second);
  }
  if (buckets.empty()) return std::nullopt;
  std::sort(buckets.begin(), buckets.end());
  const double total = buckets.back().second;
  if (!(total > 0.0)) return std::nullopt;
  const double wanted = q * total;
  double largest_finite = 0.0;
  for (const auto& [bound, cumulative] : buckets) {
    if (std::isfinite(bound)) largest_finite = bound;
    if (cumulative >= wanted) return std::isfinite(bound) ? bound : largest_finite;
  }
  return largest_finite;
}

std::optional<double> sumSeries(const Samples& samples, const std::string& name) {
  std::optional<double> sum;
  for (auto it = samples.lower_bound(name); it != samples.end(); ++it) {
    if (it->first.compare(0, name.size(), name) != 0) break;
    if (it->first.size() != name.size() && it->first[name.size()] != '{') continue;
    sum = sum.value_or(0.0) + it->second;
  }
  return sum;
}

}  // namespace scenario
