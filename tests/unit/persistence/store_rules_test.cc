#include "persistence/store_rules.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

TEST(StoreRulesTest, StatusNamesRoundTrip) {
  for (ExecutionStatus status :
       {ExecutionStatus::kRunning, ExecutionStatus::kSucceeded, ExecutionStatus::kFailed,
        ExecutionStatus::kTimedOut, ExecutionStatus::kAborted}) {
    EXPECT_THAT(ParseExecutionStatus(ExecutionStatusName(status)), IsOk());
    EXPECT_EQ(*ParseExecutionStatus(ExecutionStatusName(status)), status);
  }
  EXPECT_EQ(ExecutionStatusName(ExecutionStatus::kTimedOut), "TIMED_OUT");
  EXPECT_THAT(ParseExecutionStatus("running"), StatusIs(absl::StatusCode::kInvalidArgument));
  for (TaskStatus status : {TaskStatus::kPending, TaskStatus::kClaimed, TaskStatus::kCompleted,
                            TaskStatus::kCancelled}) {
    EXPECT_EQ(*ParseTaskStatus(TaskStatusName(status)), status);
  }
  EXPECT_TRUE(IsOpen(TaskStatus::kClaimed));
  EXPECT_FALSE(IsOpen(TaskStatus::kCancelled));
}

TEST(StoreRulesTest, IdempotentStartNeedsRunningAndSameInput) {
  ExecutionRecord existing;
  existing.execution_arn = "arn:x";
  existing.state_machine_arn = "arn:m";
  existing.input = "{}";
  ExecutionRecord request = existing;
  EXPECT_THAT(CheckIdempotentStart(existing, request), IsOk());
  request.input = R"({"a":1})";
  EXPECT_THAT(CheckIdempotentStart(existing, request), StatusIs(absl::StatusCode::kAlreadyExists));
  request.input = existing.input;
  existing.status = ExecutionStatus::kSucceeded;
  EXPECT_THAT(CheckIdempotentStart(existing, request), StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST(StoreRulesTest, StepsNeedRunningRedrivesNeedClosed) {
  StepUpdate step;
  step.execution_arn = "arn:x";
  EXPECT_THAT(CheckStepAllowed(ExecutionStatus::kRunning, step), IsOk());
  EXPECT_THAT(CheckStepAllowed(ExecutionStatus::kFailed, step),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  step.redrive_date = absl::UnixEpoch();
  EXPECT_THAT(CheckStepAllowed(ExecutionStatus::kFailed, step), IsOk());
  EXPECT_THAT(CheckStepAllowed(ExecutionStatus::kRunning, step),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(StoreRulesTest, RejectsMalformedSteps) {
  StepUpdate step;
  EXPECT_THAT(ValidateStepUpdate(step), StatusIs(absl::StatusCode::kInvalidArgument));
  step.execution_arn = "arn:x";
  EXPECT_THAT(ValidateStepUpdate(step), IsOk());

  StepUpdate tasks = step;
  TaskRecord task;
  task.task_id = "t";
  task.task_token = "tok";
  task.queue = "q";
  tasks.new_tasks = {task, task};
  EXPECT_THAT(ValidateStepUpdate(tasks), StatusIs(absl::StatusCode::kInvalidArgument));
  tasks.new_tasks = {task};
  tasks.new_tasks[0].queue.clear();
  EXPECT_THAT(ValidateStepUpdate(tasks), StatusIs(absl::StatusCode::kInvalidArgument));

  StepUpdate history = step;
  history.history.resize(2);
  history.history[0].id = 3;
  history.history[1].id = 3;
  EXPECT_THAT(ValidateStepUpdate(history), StatusIs(absl::StatusCode::kInvalidArgument));

  StepUpdate timers = step;
  timers.new_timers.resize(2);
  timers.new_timers[0].timer_id = timers.new_timers[1].timer_id = "w";
  EXPECT_THAT(ValidateStepUpdate(timers), StatusIs(absl::StatusCode::kInvalidArgument));

  NewExecution execution;
  execution.execution.execution_arn = "arn:x";
  execution.execution.state_machine_arn = "arn:m";
  execution.execution.name = "x";
  execution.first_step.execution_arn = "arn:other";
  EXPECT_THAT(ValidateNewExecution(execution), StatusIs(absl::StatusCode::kInvalidArgument));
  execution.first_step.execution_arn = "arn:x";
  EXPECT_THAT(ValidateNewExecution(execution), IsOk());
  execution.first_step.redrive_date = absl::UnixEpoch();
  EXPECT_THAT(ValidateNewExecution(execution), StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace stepwise::persistence
