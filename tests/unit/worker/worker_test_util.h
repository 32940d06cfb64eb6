// Helpers for the Worker tests: a Worker::Run on a background thread, a
// board where handlers check in (and wait for the test to let them go), and
// options pointing at a FakeOrchestrator.
//
//   Board board;
//   worker.Register("q", [&](const Task&) { board.Enter(); board.WaitOpen(); board.Leave(); ... });
//   BackgroundRun run(worker);
//   ASSERT_TRUE(board.Await([&] { return board.running == 2; }));
#ifndef STEPWISE_TESTS_UNIT_WORKER_WORKER_TEST_UTIL_H_
#define STEPWISE_TESTS_UNIT_WORKER_WORKER_TEST_UTIL_H_

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "tests/testing/await.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker::testing {

// Worker::Run on another thread; the destructor shuts the worker down and
// waits for Run to return.
class BackgroundRun {
 public:
  explicit BackgroundRun(Worker& worker)
      : worker_(worker),
        result_(std::async(std::launch::async, [&worker] { return worker.Run(); }).share()) {}
  ~BackgroundRun() {
    worker_.Shutdown();
    result_.wait();
  }
  BackgroundRun(const BackgroundRun&) = delete;
  BackgroundRun& operator=(const BackgroundRun&) = delete;

  // Whether Run has returned within `timeout`.
  bool Returned(absl::Duration timeout) {
    return result_.wait_for(absl::ToChronoNanoseconds(timeout)) == std::future_status::ready;
  }
  // Run's result; call after Returned() said true.
  absl::Status status() { return result_.get(); }

  // Shutdown(), then Run's result, or kDeadlineExceeded when it does not
  // return within `timeout`.
  absl::Status Stop(absl::Duration timeout = absl::Seconds(5)) {
    worker_.Shutdown();
    if (!Returned(timeout)) return absl::DeadlineExceededError("Run did not return");
    return status();
  }

 private:
  Worker& worker_;
  std::shared_future<absl::Status> result_;
};

// Counters that handlers update and the test waits on, plus a gate that
// holds handlers until the test opens it.
class Board {
 public:
  void Enter() {
    std::lock_guard<std::mutex> lock(mu_);
    ++running;
    ++started;
    max_running = std::max(max_running, running);
    cv_.notify_all();
  }
  void Leave() {
    std::lock_guard<std::mutex> lock(mu_);
    --running;
    ++finished;
    cv_.notify_all();
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Blocks until Open() (true) or the timeout (false).
  bool WaitOpen(absl::Duration timeout = absl::Seconds(10)) {
    return Await([this] { return open_; }, timeout);
  }
  // A gated handler's body: Enter, WaitOpen, Leave; returns whether the
  // gate opened in time.
  bool PassGate() {
    Enter();
    const bool opened = WaitOpen();
    Leave();
    return opened;
  }
  // Blocks until `predicate` (called with the board locked) holds.
  bool Await(const std::function<bool()>& predicate, absl::Duration timeout = absl::Seconds(5)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), predicate);
  }
  int Get(const int& counter) {
    std::lock_guard<std::mutex> lock(mu_);
    return counter;
  }

  // Guarded by the board's lock (read them in Await predicates or via Get).
  int running = 0;
  int started = 0;
  int finished = 0;
  int max_running = 0;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

// For state only the worker holds (its Stats): polls with a deadline.
using ::stepwise::testing::AwaitTrue;

inline WorkerOptions TestOptions(const std::string& endpoint) {
  WorkerOptions options;
  options.endpoint = endpoint;
  options.identity = "test-worker";
  options.concurrency = 2;
  // Long polls: tests that pass prove tasks do not wait for a poll to expire.
  options.poll_wait_seconds = 20;
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(100);
  options.shutdown_grace = absl::Seconds(10);
  return options;
}

}  // namespace stepwise::worker::testing

#endif  // STEPWISE_TESTS_UNIT_WORKER_WORKER_TEST_UTIL_H_
