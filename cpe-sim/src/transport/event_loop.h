// transport/event_loop.h: a single-threaded readiness loop (epoll) with timers and a
// thread-safe task queue. Each fleet shard runs one; every session of the shard progresses
// inside it, so the simulator drives thousands of concurrent sessions from a few threads.
//
// Why not Poco::Net::SocketReactor or PollSet: PollSet (Poco 1.11) cannot be woken from
// another thread and rebuilds a std::map per poll; SocketReactor dispatches through
// notification objects per event and a fixed poll timeout. We still use Poco's StreamSocket
// for the sockets themselves (address resolution, connectNB, non-blocking send/receive);
// only readiness comes from epoll directly.
//
//   EventLoop loop;
//   loop.watch(fd, EventLoop::kRead, [&](std::uint32_t events) { ... });
//   loop.addTimer(loop.now() + std::chrono::seconds(30), [&] { timeout(); });
//   std::thread t([&] { loop.run(); });
//   loop.post([&] { ... });   // from any thread
//   loop.stop(); t.join();
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <vector>

namespace cpesim {

class EventLoop {
 public:
  using Clock = std::chrono::steady_clock;
  using IoCallback = std::function<void(std::uint32_t events)>;
  using TimerId = std::uint64_t;

  static constexpr std::uint32_t kRead = 0x1;
  static constexpr std::uint32_t kWrite = 0x4;
  static constexpr std::uint32_t kError = 0x8;   // reported, never requested
  static constexpr std::uint32_t kHangup = 0x10;  // reported, never requested

  // Throws std::system_error when epoll or eventfd cannot be created.
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Loop-thread only. `callback` runs on readiness with the kRead/kWrite/kError/kHangup
  // bits that fired. An fd has one callback; unwatch before closing the fd. A callback may
  // unwatch its own or any other fd, and destroy whatever it captured: events already
  // collected for an unwatched fd are dropped.
  void watch(int fd, std::uint32_t interest, IoCallback callback);
  void modify(int fd, std::uint32_t interest);
  void unwatch(int fd);

  // Loop-thread only. Runs `callback` once at or after `when`. Timers due at the same time
  // run in the order they were added.
  TimerId addTimer(Clock::time_point when, std::function<void()> callback);
  void cancelTimer(TimerId id);

  // Any thread. Runs `task` on the loop thread soon; tasks run in posting order.
  void post(std::function<void()> task);

  // Runs until stop(). Exceptions from callbacks propagate out of run().
  void run();
  // Any thread.
  void stop();

  Clock::time_point now() const { return Clock::now(); }
  std::size_t watchedCount() const { return watchers_.size(); }

 private:
  struct Timer {
    Clock::time_point when;
    TimerId id;
    bool operator>(const Timer& other) const {
      return when != other.when ? when > other.when : id > other.id;
    }
  };
  struct Watcher {
    std::uint64_t generation;
    IoCallback callback;
  };

  void wake();
  void runTasks();
  int runTimers();  // returns the epoll timeout in ms until the next timer (-1: none)

  int epoll_fd_ = -1;
  int event_fd_ = -1;
  bool stopping_ = false;  // loop thread
  std::uint64_t next_generation_ = 1;
  std::unordered_map<int, Watcher> watchers_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  std::unordered_map<TimerId, std::function<void()>> timer_callbacks_;
  TimerId next_timer_ = 1;

  std::mutex tasks_mutex_;
  std::vector<std::function<void()>> tasks_;  // guarded by tasks_mutex_
  bool stop_requested_ = false;               // guarded by tasks_mutex_
};

}  // namespace cpesim
