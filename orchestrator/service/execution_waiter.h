// ExecutionWaiter: blocks a caller (StartSyncExecution) until an execution
// closes, woken by the commit that closed it.
//
//   ExecutionWaiter waiter(store);
//   fanout.Add(&waiter);                          // or ExecutorOptions::observer = &waiter
//   ASSIGN_OR_RETURN(std::string arn, executor.StartExecution(sm_arn, name, input));
//   absl::StatusOr<ExecutionRecord> done = waiter.WaitUntilClosed(arn, absl::Minutes(5));
//
// As the executor's CommitObserver it wakes the waiters of an execution as
// soon as this replica commits a step that leaves it not RUNNING, and hands
// them that step's outcome (status, output, error, cause, stop time) on top
// of the record they read while it was RUNNING: no read after the wake-up.
// Other replicas' commits are not seen that way, so every waiter also
// re-reads the store every `poll_interval`: correctness never depends on the
// notification, only latency does.
//
// Waiting uses the steady clock (it bounds how long a thread blocks, which a
// FakeClock cannot advance); execution times still come from the store.
//
// Thread-safe. Must outlive every WaitUntilClosed call and stay registered as
// an observer only while alive.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_WAITER_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_WAITER_H_

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::service {

struct ExecutionWaiterOptions {
  // How often a waiter re-reads the store without being woken (and checks
  // for cancellation).
  absl::Duration poll_interval = absl::Seconds(1);
};

class ExecutionWaiter final : public CommitObserver {
 public:
  // `store` must outlive the waiter.
  explicit ExecutionWaiter(persistence::ExecutionStore& store, ExecutionWaiterOptions options = {});

  // Wakes the waiters of `update.execution_arn` when the step closed it.
  // Quick: takes one mutex, never touches the store.
  void OnCommitted(const persistence::StepUpdate& update) override;

  // Returns the execution's record once it is not RUNNING: as read from the
  // store, or, when this replica's commit closed it, the record read before
  // with that step's status, output, error, cause and stop_time (version
  // and redrive fields as read then). kDeadlineExceeded
  // when `timeout` passes first; kCancelled as soon as `cancelled` (checked
  // at every wake-up; may be empty) returns true; the store's errors as they
  // come (kNotFound: no such execution).
  absl::StatusOr<persistence::ExecutionRecord> WaitUntilClosed(
      std::string_view execution_arn, absl::Duration timeout,
      const std::function<bool()>& cancelled = nullptr);

  // Calls currently blocked in WaitUntilClosed (for tests and metrics).
  int waiting() const;

 private:
  // The outcome of the last step that closed the execution.
  struct Closed {
    persistence::ExecutionStatus status = persistence::ExecutionStatus::kRunning;
    std::string output;
    std::string error;
    std::string cause;
    std::optional<absl::Time> stop_time;
  };
  struct Slot {
    std::condition_variable cv;
    uint64_t closes = 0;  // Commits that closed the execution so far.
    Closed last_close;    // Valid once closes > 0.
    int waiters = 0;
  };

  persistence::ExecutionStore& store_;
  ExecutionWaiterOptions options_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Slot>> slots_;  // By execution ARN.
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_WAITER_H_
