// acs/core/clock.h: the time source of the ACS's pure layers. Production code passes a
// SystemClock; unit tests pass a fake whose time they move by hand, so no test depends on
// the wall clock.
//
//   acs::SystemClock clock;
//   acs::store::TimePoint now = clock.now();
#pragma once

#include "acs/src/store/store.h"

namespace acs {

// Thread-safe: now() may be called from any thread.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual store::TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  store::TimePoint now() const override { return store::nowMs(); }
};

}  // namespace acs
