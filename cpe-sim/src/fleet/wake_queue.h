// fleet/wake_queue.h: when each device of a shard next needs attention, as a binary heap
// of (time, device) with lazy cancellation. Pure: times are plain milliseconds supplied by
// the caller.
//
// Why a heap and not a timer wheel: wake-ups range from milliseconds (retries, connection
// requests) to days (PeriodicInformInterval 86400), so a wheel needs several levels to stay
// small; a heap of 16-byte entries costs 1.6 MB per 100,000 devices, O(log n) per
// reschedule, and a device rescheduled k times leaves at most k-1 stale entries, which are
// dropped when they reach the top (and compacted when they outnumber live ones).
//
//   WakeQueue queue(device_count);
//   queue.schedule(7, now_ms + 1000);      // replaces any earlier wake-up of device 7
//   std::vector<std::uint32_t> due;
//   queue.popDue(now_ms, 1000, due);        // devices whose time has come, earliest first
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace cpesim {

class WakeQueue {
 public:
  explicit WakeQueue(std::uint32_t devices);

  // Sets device `slot`'s single wake-up to `at_ms`, replacing any earlier one.
  void schedule(std::uint32_t slot, std::int64_t at_ms);
  // Removes device `slot`'s wake-up, if any.
  void cancel(std::uint32_t slot);
  // The wake-up time of `slot`, if scheduled.
  std::optional<std::int64_t> scheduledAt(std::uint32_t slot) const;

  // Appends to `out` up to `limit` devices due at `now_ms` (time <= now), earliest first
  // (ties: lower slot first), and unschedules them.
  void popDue(std::int64_t now_ms, std::size_t limit, std::vector<std::uint32_t>& out);
  // The earliest live wake-up time, if any.
  std::optional<std::int64_t> nextTime();

  std::size_t scheduledCount() const { return live_; }
  std::size_t heapSize() const { return heap_.size(); }

 private:
  struct Entry {
    std::int64_t at_ms;
    std::uint32_t slot;
    std::uint32_t generation;
  };
  static bool later(const Entry& a, const Entry& b) {
    return a.at_ms != b.at_ms ? a.at_ms > b.at_ms : a.slot > b.slot;
  }
  bool isLive(const Entry& e) const { return generation_[e.slot] == e.generation && at_[e.slot] == e.at_ms; }
  void dropStaleTop();
  void compact();

  std::vector<Entry> heap_;
  std::vector<std::uint32_t> generation_;  // per slot; bumped on every change
  std::vector<std::int64_t> at_;           // per slot; kUnscheduled when none
  std::size_t live_ = 0;
};

}  // namespace cpesim
