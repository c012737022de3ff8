#include "store/sql/periodic_task.h"

#include <utility>

namespace acs::store::sql {

PeriodicTask::PeriodicTask(std::chrono::milliseconds period, std::function<void()> run)
    : period_(period), run_(std::move(run)), thread_([this] { loop(); }) {}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PeriodicTask::loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (cv_.wait_for(lock, period_, [this] { return stop_; })) break;
    lock.unlock();
    run_();
    lock.lock();
  }
}

}  // namespace acs::store::sql
