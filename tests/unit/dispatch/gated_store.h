// For dispatch tests that make a race deterministic: a MemoryStore whose
// ClaimTask and CreateExecution can be held at gates and which counts claims
// and releases, and PollAnswer, a TaskDispatcher::Poll callback a test can
// wait on.
//
//   GatedStore store;
//   store.claim_gate.Close();
//   ... a poll arrives: its ClaimTask blocks ...
//   ASSERT_TRUE(store.claim_gate.AwaitBlocked());
//   ... cancel the poll, open another ...
//   store.claim_gate.Open();
//   ASSERT_TRUE(AwaitTrue([&] { return store.releases() == 1; }));
#ifndef STEPWISE_TESTS_UNIT_DISPATCH_GATED_STORE_H_
#define STEPWISE_TESTS_UNIT_DISPATCH_GATED_STORE_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "orchestrator/dispatch/waiting_polls.h"
#include "persistence/memory/memory_store.h"
#include "persistence/records.h"
#include "tests/testing/forwarding_store.h"

namespace stepwise::dispatch::testing {

// Holds the calls that pass it while closed (up to 10 s each, so a failing
// test cannot hang). Open at first.
class Gate {
 public:
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  // Whether a call is held at the gate now, or comes within 10 s.
  bool AwaitBlocked() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return blocked_ > 0; });
  }
  // Called by the gated operation: returns once the gate is open.
  void Pass() {
    std::unique_lock<std::mutex> lock(mu_);
    ++blocked_;
    cv_.notify_all();
    cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
    --blocked_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int blocked_ = 0;
};

class GatedStore final : public ::stepwise::testing::ForwardingStore {
 public:
  GatedStore() : ForwardingStore(std::make_unique<persistence::MemoryStore>()) {}

  Gate claim_gate;   // Before every ClaimTask.
  Gate create_gate;  // Before every CreateExecution.

  int claims() const { return claims_.load(); }
  // Heartbeats that end a lease at once: the dispatcher's releases.
  int releases() const { return releases_.load(); }
  // The next CreateExecution fails with kUnavailable and writes nothing.
  void FailNextCreate() { fail_next_create_ = true; }

  using ForwardingStore::ClaimTask;
  absl::StatusOr<std::optional<persistence::TaskRecord>> ClaimTask(
      std::string_view queue, std::string_view worker_id, const persistence::TaskLeaseRule& rule,
      absl::Time now) override {
    claim_gate.Pass();
    ++claims_;
    return ForwardingStore::ClaimTask(queue, worker_id, rule, now);
  }

  absl::StatusOr<persistence::CreateExecutionResult> CreateExecution(
      const persistence::NewExecution& execution) override {
    if (fail_next_create_.exchange(false)) {
      return absl::UnavailableError("injected: the database went away");
    }
    create_gate.Pass();
    return ForwardingStore::CreateExecution(execution);
  }

  absl::StatusOr<persistence::TaskRecord> RecordHeartbeat(std::string_view token, absl::Time now,
                                                          absl::Time lease_until) override {
    absl::StatusOr<persistence::TaskRecord> task =
        ForwardingStore::RecordHeartbeat(token, now, lease_until);
    if (task.ok() && lease_until <= now) ++releases_;
    return task;
  }

 private:
  std::atomic<int> claims_{0};
  std::atomic<int> releases_{0};
  std::atomic<bool> fail_next_create_{false};
};

// One poll's answer (TaskDispatcher::Poll's `done`).
struct PollAnswer {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::optional<DispatchedTask> task;

  PollDone Callback() {
    return [this](std::optional<DispatchedTask> t) {
      std::lock_guard<std::mutex> lock(mu);
      task = std::move(t);
      done = true;
      cv.notify_all();
    };
  }
  // Whether the answer came within 10 s.
  bool Wait() {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, std::chrono::seconds(10), [&] { return done; });
  }
  bool IsDone() {
    std::lock_guard<std::mutex> lock(mu);
    return done;
  }
};

}  // namespace stepwise::dispatch::testing

#endif  // STEPWISE_TESTS_UNIT_DISPATCH_GATED_STORE_H_
