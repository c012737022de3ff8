// PeriodicTask: runs a function every `period` on a thread of its own until destroyed.
// The SQL store uses it for work that must not land on a request's path (SQLite's WAL
// checkpoint). The destructor stops the thread and waits for a run in progress.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace acs::store::sql {

class PeriodicTask {
 public:
  // `run` must not throw.
  PeriodicTask(std::chrono::milliseconds period, std::function<void()> run);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void loop();

  std::chrono::milliseconds period_;
  std::function<void()> run_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;  // last: started once everything it uses exists
};

}  // namespace acs::store::sql
