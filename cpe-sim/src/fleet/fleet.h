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

  std::thread summary_thread_;
  std::mutex summary_mutex_;
  std::condition_variable summary_wake_;
  bool summary_stop_ = false;  // guarded by summary_mutex_
};

}  // namespace cpesim
