// cpesim_memory_probe: measures what idle simulated devices cost in a real process.
//
//   cpesim_memory_probe [count] [profile.yaml]
//
// Builds `count` devices (default 100,000) of the profile, powers them on and runs each
// through a successful BOOTSTRAP session against an in-process ACS that answers the Inform
// and ends the session (so they are idle, as in a running fleet), then prints the process's
// resident set growth per device next to Device::memoryFootprint(). Not a test: numbers go
// into reports.

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "profile/profile_loader.h"
#include "session/cpe_session.h"
#include <unistd.h>

namespace {

// Resident set size of this process in bytes, from /proc/self/statm.
long residentBytes() {
  std::ifstream statm("/proc/self/statm");
  long pages_total = 0;
  long pages_resident = 0;
  statm >> pages_total >> pages_resident;
  return pages_resident * sysconf(_SC_PAGESIZE);
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t count =
      argc > 1 ? static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 100000;
  const std::string path =
      argc > 2 ? argv[2] : std::string(CPESIM_PROFILES_DIR) + "/tr181-gateway.yaml";
  auto profile = cpesim::loadProfileFile(path);
  if (!profile) {
    std::cerr << profile.error().message << "\n";
    return 2;
  }
  const cpesim::Profile& p = **profile;
  const cpesim::TimePoint now{std::chrono::seconds(1709294400)};
  cpesim::Rng rng(1);

  long before = residentBytes();
  std::vector<cpesim::Device> devices;
  devices.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    devices.emplace_back(i);
    cpesim::Device& d = devices.back();
    d.powerOn(p, now);
    cpesim::CpeSession s(d, p);
    s.start(now);
    cwmp::Envelope reply;
    reply.body = cwmp::InformResponse{};
    s.onResponse(200, reply, now);
    s.onResponse(204, std::nullopt, now);
    if (!s.finish(now, rng).success) {
      std::cerr << "session of device " << i << " failed\n";
      return 1;
    }
  }
  long after = residentBytes();
  std::size_t footprint = 0;
  for (const auto& d : devices) footprint += d.memoryFootprint();

  std::printf("profile %s: %zu parameters, %u idle devices\n", p.name().c_str(), p.parameterCount(),
              count);
  std::printf("RSS before %.1f MiB, after %.1f MiB, growth %.1f MiB = %.0f bytes/device\n",
              static_cast<double>(before) / 1048576.0, static_cast<double>(after) / 1048576.0,
              static_cast<double>(after - before) / 1048576.0,
              static_cast<double>(after - before) / count);
  std::printf("Device::memoryFootprint(): %.0f bytes/device (sizeof(Device) = %zu)\n",
              static_cast<double>(footprint) / count, sizeof(cpesim::Device));
  return 0;
}
