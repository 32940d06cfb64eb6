// Exponential backoff with jitter for reconnecting and retrying reports.
//
//   Backoff backoff(absl::Milliseconds(100), absl::Seconds(10));
//   while (!Call().ok()) WaitFor(backoff.Next());
//   backoff.Reset();
#ifndef STEPWISE_WORKER_SDK_INTERNAL_BACKOFF_H_
#define STEPWISE_WORKER_SDK_INTERNAL_BACKOFF_H_

#include <random>

#include "absl/time/time.h"

namespace stepwise::worker::internal {

// Not thread-safe: one per retrying loop.
class Backoff {
 public:
  // Steps start at `initial` and double up to `max`.
  Backoff(absl::Duration initial, absl::Duration max);

  // The wait before the next attempt: a random duration in [step/2, step]
  // (jitter, so that a fleet of workers does not reconnect in lockstep after
  // an orchestrator restart), then the step doubles.
  absl::Duration Next();

  // Back to the initial step, after a success.
  void Reset() { step_ = initial_; }

 private:
  absl::Duration initial_;
  absl::Duration max_;
  absl::Duration step_;
  std::minstd_rand random_;
};

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_BACKOFF_H_
