// fleet/shard.h (internal to the fleet): a slice of the fleet's devices and the one thread
// that runs them. Every device belongs to exactly one shard; everything that touches a
// device (sessions, wake-ups, transfer results, connection requests) runs on that shard's
// event loop, so devices need no locks.
//
// Concurrency design (measured, see cpe-sim/README.md "Benchmarks"): a session spends
// almost all of its life waiting for the ACS, and a thread per session costs ~8 MB of
// virtual stack and a context switch per exchange; 2,000 sessions in flight would need
// 2,000 threads on a 2-core box. Instead each shard multiplexes all its sessions over
// non-blocking sockets in one epoll loop (transport/event_loop.h, session_connection.h)
// with our own incremental HTTP parser; the CPU work per exchange (encode, decode, run the
// RPC on the model) is tens of microseconds, so one loop drives thousands of sessions and
// `--threads` adds loops when one core is not enough.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

#include "device/device_model.h"
#include "fleet/fleet_config.h"
#include "fleet/metrics.h"
#include "fleet/wake_queue.h"
#include "quirks/quirks.h"
#include "transport/cr_listener.h"
#include "transport/event_loop.h"
#include "transport/file_transfer.h"
#include "transport/session_connection.h"

namespace cpesim {

// Shared, read-only after start (except the thread-safe members).
struct ShardContext {
  const FleetConfig* config = nullptr;
  std::vector<ProfilePtr> profiles;  // by group
  FleetMetrics* metrics = nullptr;
  TransferPool* transfers = nullptr;
  AddressResolver* resolver = nullptr;
  TlsContext* tls = nullptr;  // the fleet's one SSL_CTX, shared by the shards
};

struct DeviceSeed {
  std::uint16_t group = 0;
  Device device;
};

class Shard {
 public:
  Shard(const ShardContext& context, std::uint32_t shard_index, std::vector<DeviceSeed> devices,
        std::uint32_t max_sessions);
  ~Shard();
  Shard(const Shard&) = delete;
  Shard& operator=(const Shard&) = delete;

  // Starts the shard thread: every device powers on (after its jitter offset).
  void start();
  // Stops starting sessions; running ones continue. Thread-safe.
  void beginDrain();
  std::size_t inFlight() const { return in_flight_.load(); }
  // Fails every running session now (its events are kept for the next run). Blocks until
  // done. Thread-safe.
  void abortSessions();
  // Runs `task` on the shard thread and waits for it. Thread-safe; not from the shard thread.
  void runAndWait(std::function<void()> task);
  // Stops and joins the thread. After this, devices() may be read from any one thread.
  void stop();

  // Replaces the runtime wire quirks of the given slots (null: back to the profile's own).
  // Sessions already running keep the quirks they started with; sessions and transfers
  // started afterwards use the new ones. Thread-safe; not from the shard thread.
  void setWireQuirks(const std::vector<std::uint32_t>& slots, std::shared_ptr<const Quirks> quirks);

  // One device's parameter changes for changeValues().
  struct ValueChange {
    std::uint32_t slot = 0;
    std::vector<std::pair<std::string, std::string>> values;  // full name, value
  };
  // Device::changeValue() for each change on the shard thread, then the device's wake-up is
  // computed again (a PeriodicInformInterval/Time change takes effect at once) and an active
  // notification opens a session. Devices not powered on yet keep their power-on time.
  // Returns "" or the first error; the changes before it stay. Thread-safe; not from the
  // shard thread.
  std::string changeValues(const std::vector<ValueChange>& changes);

  // Powers the given slots on at the given times (ms since the epoch). A device that is on
  // is first switched off (a power cut: its session, if any, fails at once) and boots
  // again at its time, with `1 BOOT` (and `0 BOOTSTRAP` only if it never delivered one).
  // Thread-safe; not from the shard thread.
  void powerOn(const std::vector<std::pair<std::uint32_t, std::int64_t>>& slots_at);
  // True when the slot's device is powered on (its power-on time has come).
  bool poweredOn(std::uint32_t slot) const { return (flags_[slot] & kOff) == 0; }

  // Thread-safe entry points for the connection-request listener.
  CrLookup lookupConnectionRequest(std::uint32_t slot);
  void connectionRequest(std::uint32_t slot);

  std::vector<DeviceSeed>& devices() { return devices_; }
  // A device's index never changes after construction, so other threads may read it.
  std::uint32_t deviceIndex(std::uint32_t slot) const { return devices_[slot].device.index(); }
  const Profile& profileOf(std::uint32_t slot) const { return *context_.profiles[devices_[slot].group]; }

 private:
  struct ActiveSession;
  enum Flags : std::uint8_t { kOff = 1, kInSession = 2, kQueued = 4, kOnline = 8 };

  ActiveSession* findSession(std::uint32_t slot, std::uint64_t id);
  void schedulePump();
  std::int64_t nowMs() const;
  TimePoint now() const { return std::chrono::system_clock::now(); }
  void armWakeTimer();
  void onWakeTimer();
  void handleWake(std::uint32_t slot);
  void reschedule(std::uint32_t slot);
  void requestSession(std::uint32_t slot);
  void pumpReady();
  void beginSession(std::uint32_t slot);
  void send(ActiveSession& s, std::optional<cwmp::Envelope> envelope);
  void post(ActiveSession& s, std::string body);
  void onPostDone(ActiveSession& s);
  void endSession(ActiveSession& s, std::string_view reason_if_failed);
  void startTransfer(std::uint32_t slot, const TransferJob& job);
  void onTransferDone(std::uint32_t slot, const TransferJob& job, TransferResult result);
  void setOnline(std::uint32_t slot, bool online);
  // The slot's runtime wire quirks (Fleet::setWireQuirks), null when it has none.
  std::shared_ptr<const Quirks> wireOverride(std::uint32_t slot) const;
  WireQuirks wireQuirks(std::uint32_t slot) const;

  const ShardContext& context_;
  const FleetConfig& config_;
  FleetMetrics& metrics_;
  std::uint32_t index_;
  std::uint32_t max_sessions_;
  EventLoop loop_;
  std::thread thread_;
  std::atomic<bool> started_{false};

  std::vector<DeviceSeed> devices_;
  std::vector<std::uint8_t> flags_;
  WakeQueue wake_;
  std::deque<std::uint32_t> ready_;
  std::unordered_map<std::uint32_t, std::unique_ptr<ActiveSession>> active_;
  Rng rng_;
  std::uint64_t session_counter_ = 0;
  std::optional<EventLoop::TimerId> wake_timer_;
  std::int64_t wake_timer_at_ = 0;
  bool draining_ = false;  // shard thread
  bool pump_scheduled_ = false;
  std::atomic<std::size_t> in_flight_{0};
  // Runtime wire quirks by slot, null: the profile's own. Empty until the first
  // setWireQuirks() (no cost for fleets that never switch quirks). Shard thread only once
  // started.
  std::vector<std::shared_ptr<const Quirks>> wire_override_;
};

}  // namespace cpesim
