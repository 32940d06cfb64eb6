// MemoryStore: an in-memory ExecutionStore for tests and in-process use
// (`stepwise run`-like tools). Same contract as the PostgreSQL store (both
// pass tests/integration/store/execution_store_conformance.cc), nothing is
// durable.
//
//   persistence::MemoryStore store;
//   ASSIGN_OR_RETURN(auto sm, store.CreateStateMachine(record));
//
// Thread-safe: one mutex serializes every operation, so each call is atomic.
// It is a std::mutex, not absl::Mutex: Debian's Abseil is not built for
// ThreadSanitizer, which then cannot see absl::Mutex's synchronization.
#ifndef STEPWISE_PERSISTENCE_MEMORY_MEMORY_STORE_H_
#define STEPWISE_PERSISTENCE_MEMORY_MEMORY_STORE_H_

#include <map>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "persistence/execution_store.h"

namespace stepwise::persistence {

class MemoryStore final : public ExecutionStore {
 public:
  MemoryStore() = default;
  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  absl::StatusOr<StateMachineRecord> CreateStateMachine(const StateMachineRecord& record) override;
  absl::StatusOr<StateMachineRecord> GetStateMachine(std::string_view arn) override;
  absl::StatusOr<StateMachineRevision> GetStateMachineRevision(
      std::string_view revision_id) override;
  absl::StatusOr<StateMachinePage> ListStateMachines(int page_size,
                                                     std::string_view page_token) override;
  absl::StatusOr<StateMachineRecord> UpdateStateMachine(const StateMachineUpdate& update) override;
  absl::Status DeleteStateMachine(std::string_view arn) override;

  // Activities: memory_store_activities.cc.
  absl::StatusOr<ActivityRecord> CreateActivity(const ActivityRecord& record) override;
  absl::StatusOr<ActivityRecord> GetActivity(std::string_view arn) override;
  absl::Status DeleteActivity(std::string_view arn) override;
  absl::StatusOr<ActivityPage> ListActivities(int page_size, std::string_view page_token) override;

  absl::StatusOr<CreateExecutionResult> CreateExecution(const NewExecution& execution) override;
  absl::StatusOr<ExecutionRecord> GetExecution(std::string_view execution_arn) override;
  absl::StatusOr<ExecutionSnapshot> LoadExecution(std::string_view execution_arn) override;
  absl::StatusOr<ExecutionPage> ListExecutions(const ExecutionFilter& filter, int page_size,
                                               std::string_view page_token) override;
  absl::StatusOr<int64_t> CommitStep(const StepUpdate& update, int64_t expected_version) override;
  absl::StatusOr<std::vector<HistoryRecord>> ReadHistory(std::string_view execution_arn,
                                                         const HistoryQuery& query) override;

  using ExecutionStore::ClaimTask;
  absl::StatusOr<std::optional<TaskRecord>> ClaimTask(std::string_view queue,
                                                      std::string_view worker_id,
                                                      const TaskLeaseRule& rule,
                                                      absl::Time now) override;
  absl::StatusOr<TaskRecord> FindTaskByToken(std::string_view task_token) override;
  absl::StatusOr<TaskRecord> RecordHeartbeat(std::string_view task_token, absl::Time now,
                                             absl::Time lease_until) override;
  absl::StatusOr<TaskRecord> AcknowledgeInvocation(std::string_view invocation_token) override;

  absl::StatusOr<std::vector<TimerRecord>> ClaimDueTimers(absl::Time now, int limit,
                                                          std::string_view owner,
                                                          absl::Time lease_until) override;
  absl::Status RescheduleTimer(std::string_view execution_arn, std::string_view timer_id,
                               std::string_view owner, absl::Time fire_at) override;
  absl::Status DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                           std::string_view owner) override;

 private:
  // (execution_arn, id): the key of tasks and timers.
  using Key = std::pair<std::string, std::string>;
  // (queue, time, execution_arn, task_id): claim order. The time is
  // scheduled_at in pending_tasks_, lease_until in leased_tasks_.
  using QueueKey = std::tuple<std::string, absl::Time, std::string, std::string>;
  // (available_at, execution_arn, timer_id); available_at is fire_at, or
  // lease_until while claimed.
  using TimerKey = std::tuple<absl::Time, std::string, std::string>;

  struct Execution {
    ExecutionRecord record;
    std::string state_document;
    std::vector<HistoryRecord> history;  // Ascending ids.
  };

  // Checks everything `update` would violate, so that Apply never fails
  // half-way (each call is all-or-nothing).
  absl::Status ValidateStep(const Execution& execution, const StepUpdate& update) const;
  void ApplyStep(Execution& execution, const StepUpdate& update);
  void CloseTask(const Key& key, TaskStatus status);
  // Removes `task` from the claim indexes / puts it back per its status.
  void Unindex(const TaskRecord& task);
  void Index(const TaskRecord& task);
  void PutTimer(TimerRecord timer);
  void EraseTimer(const Key& key);
  // The timer `owner` holds at `key`; kNotFound / kFailedPrecondition as
  // RescheduleTimer and DeleteTimer answer.
  absl::Status CheckTimerHeld(const Key& key, std::string_view owner) const;
  // Drops a DELETING state machine none of whose executions is RUNNING (it
  // is gone). True when no live machine has `arn` afterwards.
  bool PurgeIfGone(std::string_view arn);

  // Every member below and every private method needs `mu_` held.
  std::mutex mu_;
  std::map<std::string, StateMachineRecord, std::less<>> state_machines_;
  std::map<std::string, StateMachineRevision, std::less<>> revisions_;
  std::map<std::string, ActivityRecord, std::less<>> activities_;  // By arn.
  std::map<std::string, Execution, std::less<>> executions_;
  std::map<Key, TaskRecord> tasks_;
  std::map<std::string, Key, std::less<>> task_tokens_;
  std::set<QueueKey> pending_tasks_;
  std::set<QueueKey> leased_tasks_;
  std::map<Key, TimerRecord> timers_;
  std::set<TimerKey> timer_queue_;
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_MEMORY_MEMORY_STORE_H_
