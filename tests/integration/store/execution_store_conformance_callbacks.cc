// ExecutionStore conformance, callback tasks: a .waitForTaskToken task's
// invocation token (lookup, heartbeat, AcknowledgeInvocation) and the retry
// attempt a task carries.
#include "tests/integration/store/execution_store_conformance.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::Field;

constexpr char kQueue[] = "Review";

TaskRecord CallbackTask(std::string_view execution_arn, std::string_view task_id) {
  TaskRecord task = MakeTask(execution_arn, task_id, kQueue, T(1));
  task.resource = "arn:aws:states:::lambda:invoke.waitForTaskToken";
  task.invocation_token = StrCat("invocation-", execution_arn, "-", task_id);
  task.attempt = 2;
  return task;
}

template <typename Backend>
class CallbackTaskConformance : public ExecutionStoreConformance<Backend> {
 protected:
  // Starts an execution with one callback task and returns that task.
  TaskRecord StartWithCallbackTask(std::string_view name = "run") {
    NewExecution execution = MakeExecution(this->Machine(), name);
    TaskRecord task = CallbackTask(execution.execution.execution_arn, "t1");
    execution.first_step.new_tasks.push_back(task);
    this->Start(execution);
    return task;
  }
};

TYPED_TEST_SUITE(CallbackTaskConformance, Backends, BackendNames);

TYPED_TEST(CallbackTaskConformance, ClaimCarriesAttemptAndInvocationToken) {
  const TaskRecord task = this->StartWithCallbackTask();
  absl::StatusOr<std::optional<TaskRecord>> claimed =
      this->store().ClaimTask(kQueue, "w1", T(100), T(2));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->attempt, 2);
  EXPECT_EQ((*claimed)->invocation_token, task.invocation_token);
  EXPECT_EQ((*claimed)->task_token, task.task_token);
}

TYPED_TEST(CallbackTaskConformance, PlainTaskHasNoInvocationToken) {
  NewExecution execution = MakeExecution(this->Machine(), "plain");
  execution.first_step.new_tasks.push_back(
      MakeTask(execution.execution.execution_arn, "t1", "q", T(0)));
  this->Start(execution);
  absl::StatusOr<TaskRecord> found =
      this->store().FindTaskByToken(execution.first_step.new_tasks[0].task_token);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->invocation_token, "");
  EXPECT_EQ(found->attempt, 0);
  // An empty token never names the plain tasks that have none.
  EXPECT_THAT(this->store().FindTaskByToken(""), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().AcknowledgeInvocation(""), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(CallbackTaskConformance, EitherTokenFindsTheTask) {
  const TaskRecord task = this->StartWithCallbackTask();
  for (const std::string& token : {task.task_token, task.invocation_token}) {
    absl::StatusOr<TaskRecord> found = this->store().FindTaskByToken(token);
    ASSERT_THAT(found, IsOk()) << token;
    EXPECT_EQ(found->task_id, "t1");
    EXPECT_EQ(found->task_token, task.task_token);
    EXPECT_EQ(found->invocation_token, task.invocation_token);
  }
}

TYPED_TEST(CallbackTaskConformance, AcknowledgedInvocationIsNeverHandedOutAgain) {
  const TaskRecord task = this->StartWithCallbackTask();
  ASSERT_TRUE(this->store().ClaimTask(kQueue, "w1", T(10), T(2)).value().has_value());
  absl::StatusOr<TaskRecord> acknowledged =
      this->store().AcknowledgeInvocation(task.invocation_token);
  ASSERT_THAT(acknowledged, IsOk());
  EXPECT_EQ(acknowledged->status, TaskStatus::kInvoked);
  EXPECT_FALSE(acknowledged->lease_until.has_value());
  // Long after the lease would have ended, nobody gets it again.
  absl::StatusOr<std::optional<TaskRecord>> again =
      this->store().ClaimTask(kQueue, "w2", T(1000), T(500));
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->has_value());
  // Idempotent.
  EXPECT_THAT(this->store().AcknowledgeInvocation(task.invocation_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kInvoked)));
  // Still open: the callback token's heartbeat is recorded.
  absl::StatusOr<TaskRecord> beat = this->store().RecordHeartbeat(task.task_token, T(20), T(40));
  ASSERT_THAT(beat, IsOk());
  EXPECT_EQ(beat->last_heartbeat, T(20));
  EXPECT_EQ(beat->status, TaskStatus::kInvoked);
}

TYPED_TEST(CallbackTaskConformance, PendingInvocationCanBeAcknowledged) {
  const TaskRecord task = this->StartWithCallbackTask();
  EXPECT_THAT(this->store().AcknowledgeInvocation(task.invocation_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kInvoked)));
  EXPECT_FALSE(this->store().ClaimTask(kQueue, "w1", T(10), T(2)).value().has_value());
}

TYPED_TEST(CallbackTaskConformance, HeartbeatByInvocationTokenExtendsTheLease) {
  const TaskRecord task = this->StartWithCallbackTask();
  ASSERT_TRUE(this->store().ClaimTask(kQueue, "w1", T(10), T(2)).value().has_value());
  absl::StatusOr<TaskRecord> beat =
      this->store().RecordHeartbeat(task.invocation_token, T(5), T(50));
  ASSERT_THAT(beat, IsOk());
  EXPECT_EQ(beat->lease_until, T(50));
  EXPECT_FALSE(this->store().ClaimTask(kQueue, "w2", T(100), T(20)).value().has_value());
}

TYPED_TEST(CallbackTaskConformance, TheCallbackTokenIsNotAnInvocationToken) {
  const TaskRecord task = this->StartWithCallbackTask();
  EXPECT_THAT(this->store().AcknowledgeInvocation(task.task_token),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().AcknowledgeInvocation("no-such-token"),
              StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(CallbackTaskConformance, CallbackBeforeAcknowledgementIsFine) {
  const TaskRecord task = this->StartWithCallbackTask();
  const std::string& arn = task.execution_arn;
  ASSERT_TRUE(this->store().ClaimTask(kQueue, "w1", T(10), T(2)).value().has_value());
  StepUpdate step = MakeStep(arn, 2, 2);
  step.completed_task_ids = {"t1"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  // The worker's invocation ends after the callback: nothing to do, no error.
  EXPECT_THAT(this->store().AcknowledgeInvocation(task.invocation_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kCompleted)));
}

TYPED_TEST(CallbackTaskConformance, AcknowledgingAClosedTaskFails) {
  const TaskRecord task = this->StartWithCallbackTask();
  StepUpdate step = MakeStep(task.execution_arn, 2, 2);
  step.timed_out_task_ids = {"t1"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  EXPECT_THAT(this->store().AcknowledgeInvocation(task.invocation_token),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(this->store().RecordHeartbeat(task.invocation_token, T(3), T(30)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TYPED_TEST(CallbackTaskConformance, InvokedTaskCanBeCompletedOrCancelled) {
  const TaskRecord task = this->StartWithCallbackTask();
  ASSERT_THAT(this->store().AcknowledgeInvocation(task.invocation_token), IsOk());
  StepUpdate step = MakeStep(task.execution_arn, 2, 2);
  step.cancelled_task_ids = {"t1"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  EXPECT_THAT(this->store().FindTaskByToken(task.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kCancelled)));
}

}  // namespace
}  // namespace stepwise::persistence::testing
