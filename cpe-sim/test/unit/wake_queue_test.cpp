#include "fleet/wake_queue.h"

#include <gtest/gtest.h>

#include <random>

namespace cpesim {
namespace {

TEST(WakeQueue, PopsDueDevicesEarliestFirst) {
  WakeQueue queue(10);
  queue.schedule(3, 300);
  queue.schedule(1, 100);
  queue.schedule(2, 100);
  queue.schedule(4, 400);
  std::vector<std::uint32_t> due;
  queue.popDue(300, 100, due);
  EXPECT_EQ(due, (std::vector<std::uint32_t>{1, 2, 3}));
  EXPECT_EQ(queue.nextTime(), 400);
  EXPECT_EQ(queue.scheduledCount(), 1u);
}

TEST(WakeQueue, RescheduleReplacesTheEarlierWakeup) {
  WakeQueue queue(4);
  queue.schedule(0, 100);
  queue.schedule(0, 50);
  queue.schedule(0, 500);
  EXPECT_EQ(queue.nextTime(), 500);
  EXPECT_EQ(queue.scheduledAt(0), 500);
  std::vector<std::uint32_t> due;
  queue.popDue(499, 10, due);
  EXPECT_TRUE(due.empty());
  queue.popDue(500, 10, due);
  EXPECT_EQ(due, (std::vector<std::uint32_t>{0}));
  EXPECT_FALSE(queue.scheduledAt(0));
}

TEST(WakeQueue, CancelRemovesWakeup) {
  WakeQueue queue(4);
  queue.schedule(1, 10);
  queue.cancel(1);
  queue.cancel(1);
  EXPECT_FALSE(queue.nextTime());
  EXPECT_EQ(queue.scheduledCount(), 0u);
}

TEST(WakeQueue, PopRespectsLimit) {
  WakeQueue queue(5);
  for (std::uint32_t i = 0; i < 5; ++i) queue.schedule(i, 0);
  std::vector<std::uint32_t> due;
  queue.popDue(0, 2, due);
  EXPECT_EQ(due.size(), 2u);
  queue.popDue(0, 10, due);
  EXPECT_EQ(due.size(), 5u);
}

TEST(WakeQueue, StaysSmallUnderRepeatedRescheduling) {
  WakeQueue queue(100);
  std::mt19937 rng(1);
  std::vector<std::int64_t> last(100);
  for (int round = 0; round < 1000; ++round) {
    for (std::uint32_t i = 0; i < 100; ++i) {
      last[i] = static_cast<std::int64_t>(rng() % 1000);
      queue.schedule(i, last[i]);
    }
  }
  EXPECT_LE(queue.heapSize(), 400u);
  std::vector<std::uint32_t> due;
  queue.popDue(1000, 1000, due);
  ASSERT_EQ(due.size(), 100u);
  for (std::size_t i = 1; i < due.size(); ++i) EXPECT_LE(last[due[i - 1]], last[due[i]]);
}

}  // namespace
}  // namespace cpesim
