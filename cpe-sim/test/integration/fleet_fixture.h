// test/integration/fleet_fixture.h: a small TR-181 profile written to a temporary directory
// and a FleetConfig with test-sized timeouts, so each test runs a real fleet (event loop,
// HTTP over loopback, connection-request listener) in a few seconds.
#pragma once

#include <memory>
#include <string>

#include "fleet/fleet.h"

namespace cpesim::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// Writes the test profile ("test-gateway", serials TB0000, TB0001, ...; retry waits of 1 s;
// ConnectionRequestUsername "cr-<serial>", password "crpass"; ACS Username "cpe-<serial>",
// Password "secret") and returns its path. `quirks_yaml`, when given, is the body of a
// `quirks:` section.
std::string writeTestProfile(const TempDir& dir, const std::string& quirks_yaml = {});

FleetConfig testFleetConfig(const std::string& profile, const std::string& acs_url, std::uint32_t count = 1);

// Creates and starts the fleet; fails the test (ADD_FAILURE) and returns nullptr on error.
std::unique_ptr<Fleet> startFleet(const FleetConfig& config);

}  // namespace cpesim::testing
