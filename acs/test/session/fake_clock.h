// acs/test/session/fake_clock.h: a Clock for unit tests; time moves only when the test says.
#pragma once

#include <chrono>

#include "acs/src/core/clock.h"

namespace acs::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(
      store::TimePoint start = store::TimePoint(std::chrono::milliseconds(1'700'000'000'000)))
      : now_(start) {}
  store::TimePoint now() const override { return now_; }
  void advance(std::chrono::milliseconds d) { now_ += d; }

 private:
  store::TimePoint now_;
};

}  // namespace acs::testing
