// fleet/fleet.h: N simulated CPEs in one process. Loads the profiles, binds them to the ACS
// URL and the connection-request listener, restores device state, spreads the devices over
// shards (one event-loop thread each, fleet/shard.h), and serves metrics.
//
//   std::string error;
//   auto fleet = cpesim::Fleet::create(config, error);     // nullptr + error on bad input
//   fleet->start();
//   ...                                                     // until SIGINT / --duration
//   fleet->stop();                                          // drain, abort, join
//   if (auto e = fleet->saveState(); !e.empty()) report(e);
//
// While it runs, a controller (the scenario runner) can power devices on or cycle them
// (powerOn, with config.power_on_at_start false to boot a fleet in parts), switch wire
// quirks (setWireQuirks) and change parameter values as the device itself would
// (changeValues); each posts to the owning shards and waits.
//
// Thread-safety: create/start/stop/saveState from one controlling thread. The listener and
// metrics endpoints run on their own threads and only use thread-safe members.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "device/device_model.h"
#include "fleet/fleet_config.h"
#include "fleet/metrics.h"
#include "fleet/shard.h"
#include "fleet/state_file.h"
#include "transport/cr_listener.h"
#include "transport/file_transfer.h"
#include "transport/session_connection.h"

namespace cpesim {

// Reads a profile file into a spec by its extension: .yaml/.yml (profile), .csv (parameter
// dump), .json (our ACS's export). Errors name the file.
Result<ProfileSpec> readProfileSpec(const std::string& path);

// Replaces the default value of the parameter `name` (full name, e.g.
// "Device.ManagementServer.PeriodicInformInterval" or "Device.IP.Interface.1.Enable") in
// `spec`. Returns an error message when the name does not exist, else nullopt. The value is
// checked against the parameter's type when the profile is built.
std::optional<std::string> setParameterDefault(ProfileSpec& spec, std::string_view name,
                                               std::string value);

class Fleet final : public ConnectionRequestTarget {
 public:
  // Builds the fleet and binds the connection-request listener (so its port is known).
  // Returns nullptr and sets `error` on any bad input: unreadable or invalid profile, bad
  // quirk, duplicate serial numbers, damaged state file, port in use.
  static std::unique_ptr<Fleet> create(const FleetConfig& config, std::string& error);
  ~Fleet() override;

  // Starts the shards (devices power on), the metrics endpoint and the summary line
  // (written to `summary_out`, if given).
  void start(std::ostream* summary_out = nullptr);
  // Lets running sessions finish for drain_timeout, fails the rest (their events are kept),
  // cancels transfers, stops every thread. Idempotent.
  void stop();
  // Writes the state file (config.state_file); call after stop(). Returns "" on success
  // (or when no state file is configured), else the error.
  std::string saveState();

  const FleetMetrics& metrics() const { return metrics_; }
  std::string prometheusText() const;
  std::uint16_t connectionRequestPort() const { return listener_->port(); }
  std::uint16_t metricsPort() const { return metrics_port_; }
  std::string connectionRequestUrl(const std::string& serial) const { return listener_->urlFor(serial); }
  // The URL with `placeholder` where the serial number goes, for messages.
  std::string connectionRequestUrlTemplate(std::string_view placeholder) const {
    return listener_->urlTemplate(placeholder);
  }
  CrListenerStats connectionRequestStats() const { return listener_->stats(); }
  std::size_t deviceCount() const { return device_count_; }
  bool stateFileExisted() const { return state_existed_; }

  // Runs `fn` on the thread owning the device with serial number `serial` and waits for it.
  // Returns false when there is no such device. For tests, tools and the benchmark.
  bool inspect(const std::string& serial, const std::function<void(Device&, const Profile&)>& fn);
  // Runs `fn` for every device, on the owning threads, one shard after the other.
  void visitDevices(const std::function<void(Device&, const Profile&)>& fn);

  // Switches wire quirks of running devices (the `faults: enable_quirk` of a scenario):
  // for each device of `serials`, `assignments` (`name=value`, as --quirk) apply on top of
  // the quirks its profile gives it; an empty list brings back the profile's own. Only wire
  // and transfer quirks can change at runtime (reply_delay_ms, drop_connection_after,
  // stall_after, the SOAP-style ones, namespace, transfer_bytes_per_second, download_fault,
  // upload_fault); rpc_fault, extra_event, omit_event and defect live in the device model and
  // are refused. A session already running finishes with the quirks it started with;
  // sessions and transfers started afterwards use the new ones. Returns "" on success, else
  // the error (bad assignment, model quirk, unknown serial), and then nothing changed.
  // Call from the controlling thread (before or after start()); it waits for the shards.
  std::string setWireQuirks(const std::vector<std::string>& serials, const std::vector<std::string>& assignments);
  // The error setWireQuirks() gives for `assignment`, without changing anything: nullopt
  // when it is a valid quirk that can be switched at runtime.
  static std::optional<std::string> checkRuntimeQuirk(std::string_view assignment);

  // Changes parameter values of devices while the fleet runs, as the device itself would
  // (its GUI or LAN side: Device::changeValue, checked like SetParameterValues, reported as
  // `4 VALUE CHANGE` when notification is on). The device's next wake-up is computed again,
  // so a change of PeriodicInformEnable/Interval/Time takes effect at once, as on a real
  // CPE. `changes`: serial number -> (full parameter name, value) pairs, applied in order.
  // Returns "" on success, else the first error (unknown serial: nothing changed; unknown
  // parameter or bad value: the changes before it stay). Call from the controlling thread.
  std::string changeValues(
      const std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>>& changes);

  // Powers the devices of `serials` on at seeded random times within `window` from now
  // (with config.power_on_at_start false, the way a fleet boots in parts). A device already
  // on is power-cycled: switched off at once (a running session fails) and on again at its
  // time, so it boots with `1 BOOT` and no `0 BOOTSTRAP` once it delivered one. Returns ""
  // or the error (unknown serial: nothing changed). Call from the controlling thread after
  // start().
  std::string powerOn(const std::vector<std::string>& serials, std::chrono::milliseconds window);
  // Like visitDevices(), with whether the device is powered on (its power-on time came).
  void visitDevices(const std::function<void(Device&, const Profile&, bool powered)>& fn);

  // ConnectionRequestTarget (listener threads).
  CrLookup connectionRequestCredentials(std::string_view device) override;
  void connectionRequested(std::string_view device) override;

 private:
  Fleet() = default;
  struct Location {
    std::uint32_t shard;
    std::uint32_t slot;
  };
  std::optional<Location> locate(std::string_view serial) const;
  void summaryLoop(std::ostream* out);

  FleetConfig config_;
  FleetMetrics metrics_;
  AddressResolver resolver_;
  std::unique_ptr<TlsContext> tls_;  // before shards_: outlives every connection
  std::unique_ptr<TransferPool> transfers_;
  ShardContext context_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::unique_ptr<ConnectionRequestListener> listener_;
  std::unique_ptr<Poco::Net::HTTPServer> metrics_server_;
  std::uint16_t metrics_port_ = 0;
  std::size_t device_count_ = 0;
  bool state_existed_ = false;
  std::map<std::string, StateRecord> foreign_state_;  // lines for devices not simulated now
  // (stable hash of serial, global device id), sorted: 16 bytes per device instead of a
  // string-keyed map; a hash collision is resolved by comparing serials.
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_serial_;
  std::atomic<bool> running_{false};
  bool stopped_ = false;
  std::uint64_t power_ons_ = 0;  // powerOn() calls, for their seeds

  std::thread summary_thread_;
  std::mutex summary_mutex_;
  std::condition_variable summary_wake_;
  bool summary_stop_ = false;  // guarded by summary_mutex_
};

}  // namespace cpesim
