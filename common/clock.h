// Where "now" comes from, injected so that time is an input. The engine
// never reads a clock (events carry their time); the service asks a Clock.
// SystemClock (wall clock) lives in orchestrator/service/system_clock.h;
// FakeClock is for tests.
//
//   FakeClock clock(absl::FromUnixSeconds(1700000000));
//   clock.Advance(absl::Seconds(10));
#ifndef STEPWISE_COMMON_CLOCK_H_
#define STEPWISE_COMMON_CLOCK_H_

#include <mutex>

#include "absl/time/time.h"

namespace stepwise {

// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time now = absl::FromUnixSeconds(1700000000)) : now_(now) {}

  absl::Time Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ += d;
  }
  void Set(absl::Time now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = now;
  }

 private:
  mutable std::mutex mu_;
  absl::Time now_;
};

}  // namespace stepwise

#endif  // STEPWISE_COMMON_CLOCK_H_
