// Reading the ACS's /metrics (Prometheus text exposition format 0.0.4). Pure: text in,
// numbers out, so the runner's ACS-side figures are unit-tested without a server.
//
//   Samples s = parsePrometheus(text);                // "name{labels}" -> value
//   Samples run = subtractSamples(end, start);        // what happened between two scrapes
//   auto p99 = histogramQuantile(run, "acs_cwmp_reply_seconds", 0.99);  // seconds
#pragma once

#include <map>
#include <optional>
#include <string>

namespace scenario {

using Samples = std::map<std::string, double>;

// Every sample line as "name{labels}" (exactly as written) -> value. Comment lines (#) and
// blank lines are skipped; a line whose value does not parse is skipped too (a scrape is
// evidence, not input to trust blindly), so the result may be partial, never wrong.
Samples parsePrometheus(const std::string& text);

// end - start for every series of `end` (a series missing from `start` counts from 0). For
// counters and histogram buckets that is what happened between the two scrapes (meaningless
// for gauges: read those from `end`).
Samples subtractSamples(const Samples& end, const Samples& start);

// a + b for every series of either (used to add up counters across ACS restarts).
Samples addSamples(const Samples& a, const Samples& b);

// The q quantile (0 < q <= 1) of the histogram `name` (its `name_bucket{le="..."}` series),
// in the histogram's unit: the upper bound of the first bucket whose cumulative count reaches
// q of the total. nullopt when the histogram is absent or empty; when the quantile falls into
// the +Inf bucket, the largest finite bound is returned (the histogram cannot say more).
std::optional<double> histogramQuantile(const Samples& samples, const std::string& name, double q);

// The value of an unlabelled series, or the sum over all label sets of `name`.
std::optional<double> sumSeries(const Samples& samples, const std::string& name);

}  // namespace scenario
