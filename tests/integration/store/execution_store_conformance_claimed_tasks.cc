// ExecutionStore conformance: new tasks inserted already claimed
// (TaskRecord::claim, schema 0007), as the task dispatcher hands a task that
// a step creates straight to a waiting poll. The row must be exactly the one
// ClaimTask would leave, on every backend.
#include <optional>
#include <string>

#include "persistence/store_rules.h"
#include "tests/integration/store/execution_store_conformance.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

// The claim a dispatcher makes for `task` at `now` under `rule`.
TaskClaim ClaimFor(const TaskRecord& task, std::string_view worker, const TaskLeaseRule& rule,
                   absl::Time now) {
  return TaskClaim{std::string(worker), now, now + TaskLeaseFor(task, rule)};
}

// Everything ClaimTask maintains, compared field by field.
void ExpectSameClaim(const TaskRecord& inserted, const TaskRecord& claimed) {
  EXPECT_EQ(inserted.status, claimed.status);
  EXPECT_EQ(inserted.worker_id, claimed.worker_id);
  EXPECT_EQ(inserted.lease_until, claimed.lease_until);
  EXPECT_EQ(inserted.last_heartbeat, claimed.last_heartbeat);
  EXPECT_EQ(inserted.delivery_count, claimed.delivery_count);
  EXPECT_FALSE(inserted.claim.has_value());
}

TYPED_TEST(ExecutionStoreConformance, NewTaskWithAClaimIsInsertedAsClaimTaskLeavesIt) {
  const StateMachineRecord machine = this->Machine();
  const TaskLeaseRule rule{.default_lease = absl::Seconds(60),
                           .use_timeout = false,
                           .heartbeat_margin = true,
                           .max_lease = absl::Seconds(60)};
  // The control: a PENDING task claimed by ClaimTask at T(5).
  NewExecution control = MakeExecution(machine, "control");
  TaskRecord control_task = MakeTask(control.execution.execution_arn, "c1", "control", T(0));
  control_task.heartbeat_seconds = 20;
  control.first_step.new_tasks.push_back(control_task);
  this->Start(control);
  absl::StatusOr<std::optional<TaskRecord>> claimed =
      this->store().ClaimTask("control", "w1", rule, T(5));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());

  // The same task inserted claimed, by CreateExecution's first step and by a
  // later CommitStep; a sibling without a claim stays PENDING.
  NewExecution execution = MakeExecution(machine, "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord first = MakeTask(arn, "t1", "q", T(0));
  first.heartbeat_seconds = 20;
  first.claim = ClaimFor(first, "w1", rule, T(5));
  execution.first_step.new_tasks.push_back(first);
  this->Start(execution);
  StepUpdate step = MakeStep(arn, 2, 2);
  TaskRecord second = MakeTask(arn, "t2", "q", T(1));
  second.heartbeat_seconds = 20;
  second.claim = ClaimFor(second, "w1", rule, T(5));
  step.new_tasks.push_back(second);
  step.new_tasks.push_back(MakeTask(arn, "t3", "q", T(2)));
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());

  for (const TaskRecord* task : {&first, &second}) {
    absl::StatusOr<TaskRecord> stored = this->store().FindTaskByToken(task->task_token);
    ASSERT_THAT(stored, IsOk());
    ExpectSameClaim(*stored, **claimed);
    EXPECT_EQ(stored->lease_until, T(5) + absl::Seconds(25));  // HeartbeatSeconds + 5 s margin.
  }
  // Only the PENDING sibling is claimable while the leases hold; then the
  // claimed ones come back, as any lease that ended.
  EXPECT_EQ(this->store().ClaimTask("q", "w2", rule, T(6)).value()->task_id, "t3");
  EXPECT_FALSE(this->store().ClaimTask("q", "w2", rule, T(29)).value().has_value());
  absl::StatusOr<std::optional<TaskRecord>> again = this->store().ClaimTask("q", "w2", rule, T(30));
  ASSERT_THAT(again, IsOk());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->task_id, "t1");
  EXPECT_EQ((*again)->worker_id, "w2");
  EXPECT_EQ((*again)->delivery_count, 2);
}

TYPED_TEST(ExecutionStoreConformance, ClaimedNewTaskCanBeReleasedAndCompleted) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord task = MakeTask(arn, "t1", "q", T(0));
  task.claim = TaskClaim{"w1", T(1), T(61)};
  execution.first_step.new_tasks.push_back(task);
  this->Start(execution);
  // Released as the dispatcher does for a poll that went away: claimable at once.
  ASSERT_THAT(this->store().RecordHeartbeat(task.task_token, T(2), T(2)), IsOk());
  absl::StatusOr<std::optional<TaskRecord>> claimed =
      this->store().ClaimTask("q", "w2", T(100), T(2));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->delivery_count, 2);
  StepUpdate done = MakeStep(arn, 2, 2);
  done.completed_task_ids = {"t1"};
  done.consumed_tasks_must_be_open = true;
  EXPECT_THAT(this->store().CommitStep(done, 1), IsOk());
}

TYPED_TEST(ExecutionStoreConformance, ClaimWhoseLeaseEndsBeforeItIsRejected) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);
  StepUpdate step = MakeStep(arn, 2, 2);
  TaskRecord task = MakeTask(arn, "t1", "q", T(0));
  task.claim = TaskClaim{"w1", T(10), T(9)};
  step.new_tasks.push_back(task);
  absl::StatusOr<int64_t> refused = this->store().CommitStep(step, 1);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("'t1' is claimed with a lease ending before"));
  absl::StatusOr<ExecutionRecord> unchanged = this->store().GetExecution(arn);
  ASSERT_THAT(unchanged, IsOk());
  EXPECT_EQ(unchanged->version, 1);
}

}  // namespace
}  // namespace stepwise::persistence::testing
