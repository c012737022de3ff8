#include "fleet/wake_queue.h"

#include <algorithm>
#include <limits>

namespace cpesim {
namespace {
constexpr std::int64_t kUnscheduled = std::numeric_limits<std::int64_t>::min();
}  // namespace

WakeQueue::WakeQueue(std::uint32_t devices) : generation_(devices, 0), at_(devices, kUnscheduled) {}

void WakeQueue::schedule(std::uint32_t slot, std::int64_t at_ms) {
  if (at_[slot] == kUnscheduled) ++live_;
  ++generation_[slot];
  at_[slot] = at_ms;
  heap_.push_back(Entry{at_ms, slot, generation_[slot]});
  std::push_heap(heap_.begin(), heap_.end(), later);
  if (heap_.size() > 64 && heap_.size() > 4 * live_) compact();
}

void WakeQueue::cancel(std::uint32_t slot) {
  if (at_[slot] == kUnscheduled) return;
  --live_;
  ++generation_[slot];
  at_[slot] = kUnscheduled;
}

std::optional<std::int64_t> WakeQueue::scheduledAt(std::uint32_t slot) const {
  if (at_[slot] == kUnscheduled) return std::nullopt;
  return at_[slot];
}

void WakeQueue::dropStaleTop() {
  while (!heap_.empty() && !isLive(heap_.front())) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
  }
}

void WakeQueue::compact() {
  heap_.erase(std::remove_if(heap_.begin(), heap_.end(), [this](const Entry& e) { return !isLive(e); }),
              heap_.end());
  std::make_heap(heap_.begin(), heap_.end(), later);
}

std::optional<std::int64_t> WakeQueue::nextTime() {
  dropStaleTop();
  if (heap_.empty()) return std::nullopt;
  return heap_.front().at_ms;
}

void WakeQueue::popDue(std::int64_t now_ms, std::size_t limit, std::vector<std::uint32_t>& out) {
  std::size_t taken = 0;
  while (taken < limit) {
    dropStaleTop();
    if (heap_.empty() || heap_.front().at_ms > now_ms) return;
    const std::uint32_t slot = heap_.front().slot;
    std::pop_heap(heap_.begin(), heap_.end(), later);
    heap_.pop_back();
    cancel(slot);
    out.push_back(slot);
    ++taken;
  }
}

}  // namespace cpesim
