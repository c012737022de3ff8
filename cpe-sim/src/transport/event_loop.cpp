#include "transport/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace cpesim {
namespace {

std::uint32_t toEpoll(std::uint32_t interest) {
  std::uint32_t events = 0;
  if (interest & EventLoop::kRead) events |= EPOLLIN | EPOLLRDHUP;
  if (interest & EventLoop::kWrite) events |= EPOLLOUT;
  return events;
}

std::uint32_t fromEpoll(std::uint32_t events) {
  std::uint32_t out = 0;
  if (events & (EPOLLIN | EPOLLRDHUP)) out |= EventLoop::kRead;
  if (events & EPOLLOUT) out |= EventLoop::kWrite;
  if (events & EPOLLERR) out |= EventLoop::kError;
  if (events & EPOLLHUP) out |= EventLoop::kHangup;
  return out;
}

// epoll_event.data carries fd (low 32 bits) and the watcher generation (high 32 bits), so
// an event collected for a watcher that was replaced in the same batch is recognised.
std::uint64_t pack(int fd, std::uint64_t generation) {
  return (generation << 32) | static_cast<std::uint32_t>(fd);
}

}  // namespace

EventLoop::EventLoop() {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) {
    int err = errno;
    ::close(epoll_fd_);
    throw std::system_error(err, std::generic_category(), "eventfd");
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = pack(event_fd_, 0);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, event_fd_, &ev) != 0) {
    int err = errno;
    ::close(event_fd_);
    ::close(epoll_fd_);
    throw std::system_error(err, std::generic_category(), "epoll_ctl(eventfd)");
  }
}

EventLoop::~EventLoop() {
  ::close(event_fd_);
  ::close(epoll_fd_);
}

void EventLoop::watch(int fd, std::uint32_t interest, IoCallback callback) {
  std::uint64_t generation = next_generation_++ & 0xffffffffu;
  if (generation == 0) generation = next_generation_++ & 0xffffffffu;
  epoll_event ev{};
  ev.events = toEpoll(interest);
  ev.data.u64 = pack(fd, generation);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl(ADD)");
  }
  watchers_[fd] = Watcher{generation, std::move(callback)};
}

void EventLoop::modify(int fd, std::uint32_t interest) {
  auto it = watchers_.find(fd);
  if (it == watchers_.end()) return;
  epoll_event ev{};
  ev.events = toEpoll(interest);
  ev.data.u64 = pack(fd, it->second.generation);
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl(MOD)");
  }
}

void EventLoop::unwatch(int fd) {
  auto it = watchers_.find(fd);
  if (it == watchers_.end()) return;
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  watchers_.erase(it);
}

EventLoop::TimerId EventLoop::addTimer(Clock::time_point when, std::function<void()> callback) {
  TimerId id = next_timer_++;
  timers_.push(Timer{when, id});
  timer_callbacks_.emplace(id, std::move(callback));
  return id;
}

void EventLoop::cancelTimer(TimerId id) { timer_callbacks_.erase(id); }

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(tasks_mutex_);
    tasks_.push_back(std::move(task));
  }
  wake();
}

void EventLoop::stop() {
  {
    std::lock_guard<std::mutex> lock(tasks_mutex_);
    stop_requested_ = true;
  }
  wake();
}

void EventLoop::wake() {
  std::uint64_t one = 1;
  // A full counter (EAGAIN) means a wake-up is pending anyway.
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
}

void EventLoop::runTasks() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(tasks_mutex_);
    tasks.swap(tasks_);
    if (stop_requested_) stopping_ = true;
  }
  for (auto& task : tasks) task();
}

int EventLoop::runTimers() {
  // Bounded per turn so a storm of due timers cannot starve socket events.
  for (int budget = 4096; budget > 0 && !timers_.empty(); --budget) {
    Timer top = timers_.top();
    auto it = timer_callbacks_.find(top.id);
    if (it == timer_callbacks_.end()) {
      timers_.pop();  // cancelled
      continue;
    }
    Clock::time_point current = Clock::now();
    if (top.when > current) {
      auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(top.when - current).count();
      return static_cast<int>(std::min<long long>(wait + 1, 60'000));
    }
    timers_.pop();
    std::function<void()> callback = std::move(it->second);
    timer_callbacks_.erase(it);
    callback();
  }
  return timers_.empty() ? -1 : 0;
}

void EventLoop::run() {
  stopping_ = false;
  std::vector<epoll_event> events(512);
  while (true) {
    runTasks();
    if (stopping_) break;
    int timeout = runTimers();
    {
      std::lock_guard<std::mutex> lock(tasks_mutex_);
      if (!tasks_.empty() || stop_requested_) timeout = 0;
    }
    int n = ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "epoll_wait");
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t data = events[static_cast<std::size_t>(i)].data.u64;
      const int fd = static_cast<int>(data & 0xffffffffu);
      const std::uint64_t generation = data >> 32;
      if (fd == event_fd_ && generation == 0) {
        std::uint64_t counter = 0;
        [[maybe_unused]] ssize_t r = ::read(event_fd_, &counter, sizeof counter);
        continue;
      }
      auto it = watchers_.find(fd);
      if (it == watchers_.end() || it->second.generation != generation) continue;
      // Copy: the callback may unwatch (and so destroy) itself.
      IoCallback callback = it->second.callback;
      callback(fromEpoll(events[static_cast<std::size_t>(i)].events));
    }
    if (static_cast<std::size_t>(n) == events.size()) events.resize(events.size() * 2);
  }
}

}  // namespace cpesim
