// TaskStarted and a task's completion in either order: the dispatcher records
// TaskStarted after handing the task to the worker, so the worker's
// SendTaskSuccess/Failure may be applied first. Either way history has
// exactly one TaskStarted, before the completion.
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/state_error.h"
#include "tests/unit/engine/stepped_execution.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kTwoTasks[] = R"j({"StartAt":"A","States":{
    "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","Next":"B"},
    "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true,
         "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}]},
    "Caught":{"Type":"Pass","End":true}}})j";

constexpr char kTimedTask[] = R"j({"StartAt":"A","States":{
    "A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
         "TimeoutSeconds":5,"End":true}}})j";

class TaskStartedTest : public SteppedExecutionTest {
 protected:
  // Every event's previousEventId is an earlier event.
  void ExpectWellFormed() const {
    for (size_t i = 0; i < history_.size(); ++i) {
      EXPECT_EQ(history_[i].id, static_cast<int64_t>(i + 1));
      EXPECT_LT(history_[i].previous_event_id, history_[i].id);
    }
  }
};

TEST_F(TaskStartedTest, StartedThenCompletedAsRecorded) {
  Load(kTwoTasks);
  ASSERT_EQ(task_ids_.size(), 1u);
  Apply(TaskStarted{task_ids_[0]});
  Apply(TaskSucceeded{task_ids_[0], json::object{}});
  ASSERT_EQ(task_ids_.size(), 2u);
  Apply(TaskStarted{task_ids_[1]});
  Apply(TaskFailed{task_ids_[1], "Boom", "broke"});
  EXPECT_EQ(state_.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionFailed", "TaskStateExited", "PassStateEntered",
                          "PassStateExited", "ExecutionSucceeded"));
  ExpectWellFormed();
}

TEST_F(TaskStartedTest, CompletionBeforeTaskStartedEmitsItFirstAndTheLateOneIsIgnored) {
  Load(kTwoTasks);
  ASSERT_EQ(task_ids_.size(), 1u);
  StepResult succeeded = Apply(TaskSucceeded{task_ids_[0], json::object{{"v", 1}}});
  ASSERT_GE(succeeded.history.size(), 2u);
  EXPECT_EQ(TypeName(succeeded.history[0]), "LambdaFunctionStarted");
  EXPECT_EQ(TypeName(succeeded.history[1]), "LambdaFunctionSucceeded");
  EXPECT_EQ(succeeded.history[1].previous_event_id, succeeded.history[0].id);

  // The dispatcher's TaskStarted arrives late: nothing happens at all.
  const json::value before = ToJson(state_);
  StepResult late = Apply(TaskStarted{task_ids_[0]});
  EXPECT_THAT(late.history, IsEmpty());
  EXPECT_THAT(late.effects, IsEmpty());
  EXPECT_EQ(ToJson(late.state), before);

  // A worker's failure first, too.
  ASSERT_EQ(task_ids_.size(), 2u);
  Apply(TaskFailed{task_ids_[1], "Boom", "broke"});
  Apply(TaskStarted{task_ids_[1]});
  EXPECT_EQ(state_.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionFailed", "TaskStateExited", "PassStateEntered",
                          "PassStateExited", "ExecutionSucceeded"));
  ExpectWellFormed();
}

TEST_F(TaskStartedTest, EachDeliveryRecordsItsOwnTaskStarted) {
  // At-least-once: a task handed out again after its lease ended is started
  // again; the completion adds none.
  Load(kTwoTasks);
  Apply(TaskStarted{task_ids_[0]});
  Apply(TaskStarted{task_ids_[0]});
  Apply(TaskSucceeded{task_ids_[0], json::object{}});
  EXPECT_THAT(
      Types(),
      ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                  "LambdaFunctionStarted", "LambdaFunctionStarted", "LambdaFunctionSucceeded",
                  "TaskStateExited", "TaskStateEntered", "LambdaFunctionScheduled"));
}

TEST_F(TaskStartedTest, ATimeoutOfATaskNobodyStartedAddsNoTaskStarted) {
  Load(kTimedTask);
  ASSERT_EQ(task_ids_.size(), 1u);
  Apply(TaskFailed{task_ids_[0], std::string(errors::kTimeout), "too slow"});
  EXPECT_EQ(state_.status, ExecutionStatus::kFailed);
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionTimedOut", "ExecutionFailed"));
}

TEST_F(TaskStartedTest, DocumentsWithoutTheFlagCountAWaitingTaskAsStarted) {
  // Stored before the flag existed, when TaskStarted always came first.
  Load(kTwoTasks);
  json::value document = ToJson(state_);
  ASSERT_TRUE(document.at("root").as_object().erase("task_started"));
  absl::StatusOr<ExecutionState> old = ExecutionStateFromJson(document);
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_TRUE(old->root.task_started);
  state_ = *std::move(old);
  StepResult succeeded = Apply(TaskSucceeded{task_ids_[0], json::object{}});
  ASSERT_FALSE(succeeded.history.empty());
  EXPECT_EQ(TypeName(succeeded.history[0]), "LambdaFunctionSucceeded");

  document = ToJson(state_);
  document.at("root").as_object()["task_started"] = "yes";
  EXPECT_FALSE(ExecutionStateFromJson(document).ok());
}

}  // namespace
}  // namespace stepwise::engine
