// bench/bench_mode.h: `cpe-sim bench`, the simulator's own load measurements (style.md 3.9:
// network load testing belongs to cpe-sim, not to Google Benchmark):
//
//   cpe-sim bench idle --profile P --count N      RSS and CPU per idle device
//   cpe-sim bench sessions --profile P --count N  sessions/s against a do-nothing responder
//
// Both run the real fleet (shards, scheduler, CR listener, HTTP over loopback) against
// NullAcs (bench/null_acs.h) in the same process and print key=value lines.
#pragma once

#include <string>
#include <vector>

namespace cpesim {

int benchCommand(const std::vector<std::string>& args);

}  // namespace cpesim
