// fleet/fleet_config.h: everything `cpe-sim run` can be told, as plain values. Parsed from
// the command line by fleet/options.h; used by Fleet (fleet/fleet.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "transport/tls.h"

namespace cpesim {

// One `--profile FILE [--count N] [--serial-pattern P] [--start-index I] [--quirk ...]`.
struct ProfileGroupConfig {
  std::string path;
  std::uint32_t count = 1;
  std::string serial_pattern;        // empty: the profile's own (DeviceId serial)
  std::uint32_t start_index = 0;     // device indexes are start_index .. start_index+count-1
  std::vector<std::string> quirks;   // name=value, applied on top of the profile's quirks
  // Parameter defaults replaced for this run: "Device.ManagementServer.PeriodicInformInterval=300"
  // (full name; a table instance's parameter names its instance number).
  std::vector<std::string> set_values;
  std::optional<std::string> quirk_share;
};

struct FleetConfig {
  std::vector<ProfileGroupConfig> groups;
  std::string acs_url;                 // {acs_url} of the profiles: ManagementServer.URL
  std::uint64_t seed = 1;              // power-on jitter, retry waits, digest cnonces
  std::uint32_t max_sessions = 2000;   // sessions in flight over the whole fleet
  std::uint32_t threads = 1;           // shards, each an event loop with its own devices
  std::chrono::milliseconds http_timeout{30'000};  // per POST (TR-069 3.4.2: at least 30 s)
  TlsConfig tls;  // https ACS URLs (also one the ACS sets in ManagementServer.URL): --ca-file, --insecure
  // Devices power on at a seeded random offset in [0, jitter) after start; their periodic
  // phase (PeriodicInformTime unknown) follows their boot time, so this spreads the load.
  std::chrono::milliseconds jitter{0};
  // false: start() powers no device on; Fleet::powerOn() does, device by device (a fleet
  // booted in parts).
  bool power_on_at_start = true;
  std::string state_file;              // empty: no state kept

  std::string cr_bind = "0.0.0.0";
  std::uint16_t cr_port = 0;           // 0: any free port
  std::string cr_host;                 // host in ConnectionRequestURL; empty: from cr_bind
  std::uint32_t cr_max_per_window = 10;
  std::chrono::seconds cr_window{60};

  std::optional<std::uint16_t> metrics_port;  // Prometheus endpoint; 0 = any free port
  std::string metrics_bind = "0.0.0.0";
  std::chrono::milliseconds summary_interval{10'000};  // 0: no summary line

  std::size_t transfer_threads = 4;
  std::chrono::milliseconds transfer_timeout{300'000};
  std::chrono::milliseconds drain_timeout{5'000};  // on stop: let sessions finish this long
  std::chrono::milliseconds duration{0};           // run: stop after this long; 0 = until signal
};

}  // namespace cpesim
