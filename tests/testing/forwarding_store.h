// ForwardingStore: a persistence::ExecutionStore that passes every call to
// another store, for tests that intercept a few calls (hold one at a gate,
// count them, fail them) and leave the rest to a real store. A subclass
// overrides only what it intercepts and calls ForwardingStore's version (or
// inner()) to go on:
//
//   class CountingStore final : public testing::ForwardingStore {
//    public:
//     CountingStore() : ForwardingStore(std::make_unique<persistence::MemoryStore>()) {}
//     absl::Status DeleteTimer(std::string_view arn, std::string_view timer_id,
//                              std::string_view owner) override {
//       ++deletes_;
//       return ForwardingStore::DeleteTimer(arn, timer_id, owner);
//     }
//     std::atomic<int> deletes_{0};
//   };
//
// Thread-safe as far as the wrapped store and the subclass are.
#ifndef STEPWISE_TESTS_TESTING_FORWARDING_STORE_H_
#define STEPWISE_TESTS_TESTING_FORWARDING_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::testing {

class ForwardingStore : public persistence::ExecutionStore {
 public:
  // Forwards to `inner`, which must outlive this store.
  explicit ForwardingStore(persistence::ExecutionStore& inner) : inner_(inner) {}
  // Forwards to `owned`, and owns it (for a subclass that wraps a store of
  // its own, e.g. a fresh MemoryStore).
  explicit ForwardingStore(std::unique_ptr<persistence::ExecutionStore> owned)
      : owned_(std::move(owned)), inner_(*owned_) {}
  ForwardingStore(const ForwardingStore&) = delete;
  ForwardingStore& operator=(const ForwardingStore&) = delete;

  // The wrapped store.
  persistence::ExecutionStore& inner() { return inner_; }

  absl::StatusOr<persistence::StateMachineRecord> CreateStateMachine(
      const persistence::StateMachineRecord& record) override {
    return inner_.CreateStateMachine(record);
  }
  absl::StatusOr<persistence::StateMachineRecord> GetStateMachine(std::string_view arn) override {
    return inner_.GetStateMachine(arn);
  }
  absl::StatusOr<persistence::StateMachineRevision> GetStateMachineRevision(
      std::string_view revision_id) override {
    return inner_.GetStateMachineRevision(revision_id);
  }
  absl::StatusOr<persistence::StateMachinePage> ListStateMachines(
      int page_size, std::string_view page_token) override {
    return inner_.ListStateMachines(page_size, page_token);
  }
  absl::StatusOr<persistence::StateMachineRecord> UpdateStateMachine(
      const persistence::StateMachineUpdate& update) override {
    return inner_.UpdateStateMachine(update);
  }
  absl::Status DeleteStateMachine(std::string_view arn) override {
    return inner_.DeleteStateMachine(arn);
  }

  absl::StatusOr<persistence::ActivityRecord> CreateActivity(
      const persistence::ActivityRecord& record) override {
    return inner_.CreateActivity(record);
  }
  absl::StatusOr<persistence::ActivityRecord> GetActivity(std::string_view arn) override {
    return inner_.GetActivity(arn);
  }
  absl::Status DeleteActivity(std::string_view arn) override { return inner_.DeleteActivity(arn); }
  absl::StatusOr<persistence::ActivityPage> ListActivities(int page_size,
                                                           std::string_view page_token) override {
    return inner_.ListActivities(page_size, page_token);
  }

  absl::StatusOr<persistence::CreateExecutionResult> CreateExecution(
      const persistence::NewExecution& execution) override {
    return inner_.CreateExecution(execution);
  }
  absl::StatusOr<persistence::ExecutionRecord> GetExecution(
      std::string_view execution_arn) override {
    return inner_.GetExecution(execution_arn);
  }
  absl::StatusOr<persistence::ExecutionSnapshot> LoadExecution(
      std::string_view execution_arn) override {
    return inner_.LoadExecution(execution_arn);
  }
  absl::StatusOr<persistence::ExecutionPage> ListExecutions(
      const persistence::ExecutionFilter& filter, int page_size,
      std::string_view page_token) override {
    return inner_.ListExecutions(filter, page_size, page_token);
  }
  absl::StatusOr<int64_t> CommitStep(const persistence::StepUpdate& update,
                                     int64_t expected_version) override {
    return inner_.CommitStep(update, expected_version);
  }
  absl::StatusOr<std::vector<persistence::HistoryRecord>> ReadHistory(
      std::string_view execution_arn, const persistence::HistoryQuery& query) override {
    return inner_.ReadHistory(execution_arn, query);
  }

  using persistence::ExecutionStore::ClaimTask;
  absl::StatusOr<std::optional<persistence::TaskRecord>> ClaimTask(
      std::string_view queue, std::string_view worker_id, const persistence::TaskLeaseRule& rule,
      absl::Time now) override {
    return inner_.ClaimTask(queue, worker_id, rule, now);
  }
  absl::StatusOr<persistence::TaskRecord> FindTaskByToken(std::string_view task_token) override {
    return inner_.FindTaskByToken(task_token);
  }
  absl::StatusOr<persistence::TaskRecord> RecordHeartbeat(std::string_view task_token,
                                                          absl::Time now,
                                                          absl::Time lease_until) override {
    return inner_.RecordHeartbeat(task_token, now, lease_until);
  }
  absl::StatusOr<persistence::TaskRecord> AcknowledgeInvocation(
      std::string_view invocation_token) override {
    return inner_.AcknowledgeInvocation(invocation_token);
  }

  absl::StatusOr<std::vector<persistence::TimerRecord>> ClaimDueTimers(
      absl::Time now, int limit, std::string_view owner, absl::Time lease_until) override {
    return inner_.ClaimDueTimers(now, limit, owner, lease_until);
  }
  absl::Status RescheduleTimer(std::string_view execution_arn, std::string_view timer_id,
                               std::string_view owner, absl::Time fire_at) override {
    return inner_.RescheduleTimer(execution_arn, timer_id, owner, fire_at);
  }
  absl::Status DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                           std::string_view owner) override {
    return inner_.DeleteTimer(execution_arn, timer_id, owner);
  }

 private:
  std::unique_ptr<persistence::ExecutionStore> owned_;  // Null when not owned.
  persistence::ExecutionStore& inner_;
};

// A method added to ExecutionStore must be forwarded here too.
static_assert(!std::is_abstract_v<ForwardingStore>,
              "ForwardingStore misses an ExecutionStore method");

}  // namespace stepwise::testing

#endif  // STEPWISE_TESTS_TESTING_FORWARDING_STORE_H_
