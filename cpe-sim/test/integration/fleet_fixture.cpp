#include "test/integration/fleet_fixture.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace cpesim::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cpesim-it-XXXXXX").string();
  char* made = ::mkdtemp(pattern.data());
  if (made == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = made;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string writeTestProfile(const TempDir& dir, const std::string& quirks_yaml) {
  std::string yaml = R"(name: test-gateway
description: small TR-181 gateway for the simulator's integration tests
seed: 7
device_id:
  manufacturer: cwmp-lab
  oui: "00D09E"
  product_class: TestBox
  serial: "TB{index:04}"
cwmp:
  version: "1.4"
transfers:
  reboot_seconds: 0
)";
  if (!quirks_yaml.empty()) yaml += "quirks:\n" + quirks_yaml;
  yaml += R"(model:
  Device.:
    RootDataModelVersion: {type: string, value: "2.17"}
    DeviceInfo.:
      Manufacturer: {type: string, value: cwmp-lab, forced: true}
      ManufacturerOUI: {type: string, value: "00D09E", forced: true}
      ProductClass: {type: string, value: TestBox, forced: true}
      SerialNumber: {type: string, value: "{serial}", forced: true}
      HardwareVersion: {type: string, value: hw1, forced: true}
      SoftwareVersion: {type: string, value: "1.0.0", forced: true, notification: 2}
      ProvisioningCode: {type: string, value: "", writable: true, forced: true}
      UpTime: {type: unsignedInt, generator: uptime}
    ManagementServer.:
      URL: {type: string, value: "{acs_url}", writable: true}
      Username: {type: string, value: "cpe-{serial}", writable: true}
      Password: {type: string, value: secret, writable: true}
      PeriodicInformEnable: {type: boolean, value: "true", writable: true}
      PeriodicInformInterval: {type: "unsignedInt[1:]", value: "86400", writable: true}
      PeriodicInformTime: {type: dateTime, value: "0001-01-01T00:00:00Z", writable: true}
      ParameterKey: {type: string, value: "", forced: true}
      ConnectionRequestURL: {type: string, value: "{cr_url}", forced: true, notification: 2}
      ConnectionRequestUsername: {type: string, value: "cr-{serial}", writable: true}
      ConnectionRequestPassword: {type: string, value: crpass, writable: true}
      CWMPRetryMinimumWaitInterval: {type: "unsignedInt[1:65535]", value: "1", writable: true}
      CWMPRetryIntervalMultiplier: {type: "unsignedInt[1000:65535]", value: "1000", writable: true}
    WiFi.:
      SSID.{i}.:
        instances: 2
        writable: true
        Enable: {type: boolean, value: "true", writable: true}
        SSID: {type: string(32), value: "lab-{serial}", writable: true}
)";
  const std::string path = dir.file("test-gateway.yaml");
  std::ofstream(path) << yaml;
  return path;
}

FleetConfig testFleetConfig(const std::string& profile, const std::string& acs_url, std::uint32_t count) {
  FleetConfig c;
  ProfileGroupConfig g;
  g.path = profile;
  g.count = count;
  c.groups.push_back(g);
  c.acs_url = acs_url;
  c.seed = 11;
  c.http_timeout = std::chrono::seconds(3);
  c.cr_bind = "127.0.0.1";
  c.summary_interval = std::chrono::milliseconds(0);
  c.drain_timeout = std::chrono::milliseconds(500);
  c.transfer_threads = 2;
  c.transfer_timeout = std::chrono::seconds(5);
  return c;
}

std::unique_ptr<Fleet> startFleet(const FleetConfig& config) {
  std::string error;
  std::unique_ptr<Fleet> fleet = Fleet::create(config, error);
  if (!fleet) {
    ADD_FAILURE() << "Fleet::create: " << error;
    return nullptr;
  }
  fleet->start();
  return fleet;
}

}  // namespace cpesim::testing
