// ExecutionWaiter: blocks a caller (StartSyncExecution) until an execution
// closes, woken by the commit that closed it.
//
//   ExecutionWaiter waiter(store);
//   fanout.Add(&waiter);                          // or ExecutorOptions::observer = &waiter
//   ASSIGN_OR_RETURN(std::string arn, executor.StartExecution(sm_arn, name, input));
//   absl::StatusOr<ExecutionRecord> done = waiter.WaitUntilClosed(arn, absl::Minutes(5));
//
// Without any read: register before the first commit, wait from the record
// the start returned (StartSyncExecution does so):
//   std::optional<ExecutionWaiter::Ticket> ticket;
//   ExecutionExecutor::StartOptions start{.machine = &machine, .before_commit =
//       [&](const std::string& arn) { ticket.emplace(waiter.Register(arn)); }};
//   ASSIGN_OR_RETURN(ExecutionRecord record,
//                    executor.StartExecutionRecord(sm_arn, name, input, start));
//   done = waiter.WaitUntilClosed(*std::move(ticket), record, absl::Minutes(5));
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
#include <utility>

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
  // when `timeout` passes first; kCancelled once `cancelled` (checked
  // whenever poll_interval passes without a close, and when the timeout
  // passes; may be empty) returns true; the store's errors
  // as they come (kNotFound: no such execution).
  absl::StatusOr<persistence::ExecutionRecord> WaitUntilClosed(
      std::string_view execution_arn, absl::Duration timeout,
      const std::function<bool()>& cancelled = nullptr);

  // A registration made before the execution's first commit (Register in
  // ExecutionExecutor::StartOptions::before_commit), so that the caller can
  // wait on the record the start returned without reading the store: every
  // close committed on this replica after Register is seen. Unregisters when
  // destroyed; movable, not copyable.
  class Ticket;
  Ticket Register(std::string_view execution_arn);
  // WaitUntilClosed for `ticket`'s execution, starting from `started` (its
  // record as the start returned it) instead of a read. Then as above.
  absl::StatusOr<persistence::ExecutionRecord> WaitUntilClosed(
      Ticket ticket, persistence::ExecutionRecord started, absl::Duration timeout,
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

  // Waits on `ticket` from `record` (the first read or the start's record).
  absl::StatusOr<persistence::ExecutionRecord> Wait(
      Ticket& ticket, absl::StatusOr<persistence::ExecutionRecord> record, absl::Duration timeout,
      const std::function<bool()>& cancelled);
  void Unregister(const std::string& execution_arn, Slot& slot);

  persistence::ExecutionStore& store_;
  ExecutionWaiterOptions options_;
  mutable std::mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<Slot>> slots_;  // By execution ARN.
};

class ExecutionWaiter::Ticket {
 public:
  Ticket(Ticket&& other) noexcept
      : waiter_(std::exchange(other.waiter_, nullptr)),
        arn_(std::move(other.arn_)),
        slot_(std::move(other.slot_)),
        seen_(other.seen_) {}
  Ticket& operator=(Ticket&&) = delete;
  ~Ticket() {
    if (waiter_ != nullptr) waiter_->Unregister(arn_, *slot_);
  }
  const std::string& execution_arn() const { return arn_; }

 private:
  friend class ExecutionWaiter;
  Ticket(ExecutionWaiter* waiter, std::string arn, std::shared_ptr<Slot> slot, uint64_t seen)
      : waiter_(waiter), arn_(std::move(arn)), slot_(std::move(slot)), seen_(seen) {}

  ExecutionWaiter* waiter_;
  std::string arn_;
  std::shared_ptr<Slot> slot_;
  uint64_t seen_;  // slot_->closes already accounted for.
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_WAITER_H_
