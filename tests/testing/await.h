// AwaitTrue: waits for a condition another thread or process makes true,
// with a deadline instead of a fixed sleep, for state a test can only poll
// (a process's output, a server's answer, a counter without a condition
// variable). Where the code under test can signal, wait on a
// std::condition_variable instead.
//
//   ASSERT_TRUE(AwaitTrue([&] { return server.waiting_polls() == 0; }, absl::Seconds(10)));
#ifndef STEPWISE_TESTS_TESTING_AWAIT_H_
#define STEPWISE_TESTS_TESTING_AWAIT_H_

#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace stepwise::testing {

// Calls `done` every `poll` until it returns true (then true) or `timeout`
// passes (then false; `done` was called at least once).
inline bool AwaitTrue(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(10),
                      absl::Duration poll = absl::Milliseconds(50)) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(poll);
  }
  return true;
}

}  // namespace stepwise::testing

#endif  // STEPWISE_TESTS_TESTING_AWAIT_H_
