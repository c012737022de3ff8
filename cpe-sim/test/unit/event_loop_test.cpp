#include "transport/event_loop.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace cpesim {
namespace {

TEST(EventLoop, RunsDueTimersInTimeThenInsertionOrder) {
  EventLoop loop;
  std::vector<int> order;
  auto base = loop.now();
  loop.addTimer(base + std::chrono::milliseconds(2), [&] { order.push_back(3); });
  loop.addTimer(base, [&] { order.push_back(1); });
  loop.addTimer(base, [&] { order.push_back(2); });
  EventLoop::TimerId cancelled = loop.addTimer(base, [&] { order.push_back(99); });
  loop.cancelTimer(cancelled);
  loop.addTimer(base + std::chrono::milliseconds(3), [&] { loop.stop(); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, RunsTasksPostedFromOtherThreadsInOrder) {
  EventLoop loop;
  std::vector<int> seen;
  std::thread poster([&] {
    for (int i = 0; i < 100; ++i) loop.post([&seen, i] { seen.push_back(i); });
    loop.post([&] { loop.stop(); });
  });
  loop.run();
  poster.join();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], i);
}

TEST(EventLoop, ReportsReadinessAndToleratesUnwatchInsideCallback) {
  int fds[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EventLoop loop;
  int calls = 0;
  loop.watch(fds[0], EventLoop::kRead, [&](std::uint32_t events) {
    ++calls;
    EXPECT_TRUE(events & EventLoop::kRead);
    char c = 0;
    EXPECT_EQ(::read(fds[0], &c, 1), 1);
    EXPECT_EQ(c, 'x');
    loop.unwatch(fds[0]);
    loop.stop();
  });
  ASSERT_EQ(::write(fds[1], "x", 1), 1);
  loop.run();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(loop.watchedCount(), 0u);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace cpesim
