// scenario-check: validates scenario files against the schema (scenarios/README.md) without
// running anything. Prints every problem as "file:line:column: message" on stderr.
// Exit code: 0 if every file is valid, 1 if any is not, 2 on bad usage.
#include <cstring>
#include <iostream>

#include "scenario/schema.h"

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    std::cerr << "usage: scenario-check <scenario.yaml>...\n"
                 "Validates scenario files; prints each problem as file:line:column: message.\n";
    return argc < 2 ? 2 : 0;
  }
  int status = 0;
  for (int i = 1; i < argc; ++i) {
    const auto result = scenario::loadScenario(argv[i]);
    if (!result.diagnostics.empty()) {
      for (const auto& d : result.diagnostics) std::cerr << d.toString() << '\n';
      status = 1;
      continue;
    }
    const auto& s = *result.scenario;
    std::int64_t devices = 0;
    for (const auto& f : s.fleets) devices += f.count;
    std::cout << argv[i] << ": ok (" << s.name << ", " << s.fleets.size() << " fleet(s), " << devices
              << " devices, " << s.phases.size() << " phase(s))\n";
  }
  return status;
}
