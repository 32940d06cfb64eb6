#include "worker/sdk/internal/backoff.h"

#include <algorithm>

namespace stepwise::worker::internal {
namespace {

// A fresh seed without a std::random_device per Backoff (one is made for
// every task report): the device is read once per thread.
std::minstd_rand::result_type NextSeed() {
  thread_local std::minstd_rand seeds(std::random_device{}());
  return seeds();
}

}  // namespace

Backoff::Backoff(absl::Duration initial, absl::Duration max)
    : initial_(std::max(initial, absl::Milliseconds(1))),
      max_(std::max(max, initial_)),
      step_(initial_),
      random_(NextSeed()) {}

absl::Duration Backoff::Next() {
  std::uniform_real_distribution<double> fraction(0.5, 1.0);
  const absl::Duration wait = step_ * fraction(random_);
  step_ = std::min(step_ * 2, max_);
  return wait;
}

}  // namespace stepwise::worker::internal
