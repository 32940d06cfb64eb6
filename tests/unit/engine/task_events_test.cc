// History events per Task resource (AWS's GetExecutionHistory shapes):
// Activity* for activity ARNs, LambdaFunction* for Lambda function ARNs used
// as the Resource, Task* for service integrations; TaskScheduleFailed (an
// activity that does not exist) and FailRequested (a deleted state machine).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
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

constexpr char kActivity[] = "arn:aws:states:us-east-1:123456789012:activity:review";

std::string OneTask(std::string_view resource, std::string_view extra = "") {
  return std::string(R"j({"StartAt":"T","States":{"T":{"Type":"Task","Resource":")j") +
         std::string(resource) + "\"" + std::string(extra) + R"j(,"End":true}}})j";
}

class TaskEventsTest : public SteppedExecutionTest {
 protected:
  // The task's input is {"k":1}.
  void Load(const std::string& definition) {
    SteppedExecutionTest::Load(definition, R"j({"k":1})j");
  }

  // The GetExecutionHistory JSON of the first event of `type`.
  json::object EventJson(std::string_view type) const {
    for (const HistoryEvent& e : history_) {
      if (TypeName(e) == type) return ToJson(e).as_object();
    }
    ADD_FAILURE() << "no " << type << " event";
    return {};
  }
};

TEST_F(TaskEventsTest, ActivityArnRecordsActivityEventsInAwsShape) {
  Load(OneTask(kActivity, R"j(,"TimeoutSeconds":30,"HeartbeatSeconds":10)j"));
  ASSERT_EQ(task_ids_.size(), 1u);
  Apply(TaskStarted{task_ids_[0]});
  Apply(TaskSucceeded{task_ids_[0], json::parse(R"j({"ok":true})j")});
  EXPECT_THAT(Types(), ElementsAre("ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                   "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
                                   "ExecutionSucceeded"));
  EXPECT_EQ(json::serialize(EventJson("ActivityScheduled").at("activityScheduledEventDetails")),
            json::serialize(json::parse(
                R"j({"resource":"arn:aws:states:us-east-1:123456789012:activity:review",
                     "input":"{\"k\":1}","inputDetails":{"truncated":false},
                     "timeoutInSeconds":30,"heartbeatInSeconds":10})j")));
  EXPECT_TRUE(EventJson("ActivityStarted").contains("activityStartedEventDetails"));
  EXPECT_EQ(json::serialize(EventJson("ActivitySucceeded").at("activitySucceededEventDetails")),
            R"j({"output":"{\"ok\":true}","outputDetails":{"truncated":false}})j");
}

TEST_F(TaskEventsTest, ActivityStartedNamesTheWorkerThatTookIt) {
  Load(OneTask(kActivity, ""));
  Apply(TaskStarted{task_ids_[0], "host-7/pid-42"});
  EXPECT_EQ(json::serialize(EventJson("ActivityStarted").at("activityStartedEventDetails")),
            R"j({"workerName":"host-7/pid-42"})j");
}

TEST_F(TaskEventsTest, OnlyActivityStartedRecordsTheWorkerName) {
  Load(OneTask("arn:aws:lambda:us-east-1:123456789012:function:Check", ""));
  Apply(TaskStarted{task_ids_[0], "host-7/pid-42"});
  EXPECT_FALSE(EventJson("LambdaFunctionStarted").contains("lambdaFunctionStartedEventDetails"));
}

TEST_F(TaskEventsTest, ActivityFailureAndTimeout) {
  Load(OneTask(kActivity, R"j(,"Retry":[{"ErrorEquals":["E"],"IntervalSeconds":1}])j"));
  Apply(TaskFailed{task_ids_[0], "E", "bad"});
  EXPECT_EQ(json::serialize(EventJson("ActivityFailed").at("activityFailedEventDetails")),
            R"j({"error":"E","cause":"bad"})j");
  Apply(TimerFired{state_.root.timer_id});
  ASSERT_EQ(task_ids_.size(), 2u);
  Apply(TaskFailed{task_ids_[1], std::string(errors::kTimeout), "late"});
  EXPECT_EQ(json::serialize(EventJson("ActivityTimedOut").at("activityTimedOutEventDetails")),
            R"j({"error":"States.Timeout","cause":"late"})j");
  EXPECT_EQ(state_.status, ExecutionStatus::kFailed);
}

TEST_F(TaskEventsTest, LambdaFunctionArnRecordsLambdaFunctionEvents) {
  Load(OneTask("arn:aws:lambda:us-east-1:123456789012:function:Check:live",
               R"j(,"TimeoutSeconds":30,"HeartbeatSeconds":10)j"));
  Apply(TaskStarted{task_ids_[0]});
  Apply(TaskFailed{task_ids_[0], "Boom", "c"});
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionFailed", "ExecutionFailed"));
  // AWS's LambdaFunctionScheduledEventDetails has no heartbeat; Started has
  // no details at all.
  EXPECT_EQ(json::serialize(
                EventJson("LambdaFunctionScheduled").at("lambdaFunctionScheduledEventDetails")),
            json::serialize(json::parse(
                R"j({"resource":"arn:aws:lambda:us-east-1:123456789012:function:Check:live",
               "input":"{\"k\":1}","inputDetails":{"truncated":false},"timeoutInSeconds":30})j")));
  EXPECT_EQ(EventJson("LambdaFunctionStarted").size(),
            4u);  // timestamp, type, id, previousEventId.
  EXPECT_EQ(
      json::serialize(EventJson("LambdaFunctionFailed").at("lambdaFunctionFailedEventDetails")),
      R"j({"error":"Boom","cause":"c"})j");
}

TEST_F(TaskEventsTest, ServiceIntegrationsKeepTaskEvents) {
  Load(OneTask("arn:aws:states:::lambda:invoke", R"j(,"Parameters":{"FunctionName":"f"})j"));
  Apply(TaskSucceeded{task_ids_[0], json::object{}});
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                          "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"));
  const json::object scheduled = EventJson("TaskScheduled");
  EXPECT_EQ(scheduled.at("taskScheduledEventDetails").at("resourceType"), "lambda");
  EXPECT_EQ(scheduled.at("taskScheduledEventDetails").at("resource"), "invoke");
  // Something that only looks like an activity ARN stays a Task.
  history_.clear();
  task_ids_.clear();
  state_ = {};
  Load(OneTask("arn:aws:states:us-east-1:123456789012:activity:"));
  EXPECT_THAT(Types(), ElementsAre("ExecutionStarted", "TaskStateEntered", "TaskScheduled"));
}

TEST_F(TaskEventsTest, ScheduleFailedFailsTheStateWithItsError) {
  Load(OneTask(kActivity, R"j(,"Retry":[{"ErrorEquals":["States.Runtime"]}],
      "Catch":[{"ErrorEquals":["States.Runtime"],"Next":"T"}])j"));
  StepResult result =
      Apply(TaskScheduleFailed{task_ids_[0], std::string(errors::kRuntime), "no such activity"});
  // States.Runtime is never retried nor caught, even when named (AWS).
  EXPECT_THAT(Types(), ElementsAre("ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                   "ActivityScheduleFailed", "ExecutionFailed"));
  EXPECT_EQ(
      json::serialize(EventJson("ActivityScheduleFailed").at("activityScheduleFailedEventDetails")),
      R"j({"error":"States.Runtime","cause":"no such activity"})j");
  EXPECT_EQ(state_.status, ExecutionStatus::kFailed);
  EXPECT_EQ(state_.error, "States.Runtime");
  // As every States.Runtime failure, with the state named (AWS's form).
  EXPECT_THAT(state_.cause, ::testing::HasSubstr("'T'"));
  EXPECT_THAT(state_.cause, ::testing::EndsWith("no such activity"));
  EXPECT_THAT(result.effects, IsEmpty());
}

TEST_F(TaskEventsTest, ScheduleFailedOfAnotherErrorIsCaught) {
  // The executor reports States.Runtime, which nothing catches (AWS); the
  // event itself is a task failure like any other.
  Load(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:us-east-1:123456789012:activity:review",
           "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Fallback"}],"End":true},
      "Fallback":{"Type":"Pass","End":true}}})j");
  Apply(TaskScheduleFailed{task_ids_[0], "Unavailable", "try later"});
  EXPECT_EQ(state_.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(Types(), ElementsAre("ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                   "ActivityScheduleFailed", "TaskStateExited", "PassStateEntered",
                                   "PassStateExited", "ExecutionSucceeded"));
}

TEST_F(TaskEventsTest, ScheduleFailedOfOtherResources) {
  Load(OneTask("arn:aws:lambda:us-east-1:1:function:f"));
  Apply(TaskScheduleFailed{task_ids_[0], "E", "c"});
  EXPECT_THAT(Types(),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionScheduleFailed", "ExecutionFailed"));
  history_.clear();
  task_ids_.clear();
  state_ = {};
  Load(OneTask("arn:aws:states:::sqs:sendMessage"));
  Apply(TaskScheduleFailed{task_ids_[0], "E", "c"});
  const json::object failed = EventJson("TaskStartFailed");
  EXPECT_EQ(json::serialize(failed.at("taskStartFailedEventDetails")),
            R"j({"resourceType":"sqs","resource":"sendMessage","error":"E","cause":"c"})j");
}

TEST_F(TaskEventsTest, ScheduleFailedOfAClosedTaskChangesNothing) {
  Load(OneTask(kActivity));
  Apply(TaskSucceeded{task_ids_[0], json::object{}});
  const size_t events = history_.size();
  StepResult late = Apply(TaskScheduleFailed{task_ids_[0], "E", "c"});
  EXPECT_THAT(late.history, IsEmpty());
  EXPECT_EQ(history_.size(), events);
  EXPECT_EQ(state_.status, ExecutionStatus::kSucceeded);
}

TEST_F(TaskEventsTest, FailRequestedEndsTheExecutionAndCancelsItsWork) {
  Load(R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
      "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Caught"}],"Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Task",
          "Resource":"arn:aws:states:us-east-1:123456789012:activity:review","End":true}}},
        {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}}]},
      "Caught":{"Type":"Pass","End":true}}})j");
  ASSERT_EQ(task_ids_.size(), 1u);
  StepResult result =
      Apply(FailRequested{std::string(errors::kRuntime), "State machine m has been deleted."});
  EXPECT_EQ(state_.status, ExecutionStatus::kFailed);
  EXPECT_EQ(state_.error, "States.Runtime");
  EXPECT_EQ(state_.cause, "State machine m has been deleted.");
  ASSERT_FALSE(history_.empty());
  EXPECT_EQ(TypeName(history_.back()), "ExecutionFailed");
  bool cancelled_task = false;
  bool cancelled_timer = false;
  for (const Effect& effect : result.effects) {
    if (const auto* task = std::get_if<CancelTask>(&effect)) {
      cancelled_task = cancelled_task || task->task_id == task_ids_[0];
    }
    cancelled_timer = cancelled_timer || std::holds_alternative<CancelTimer>(effect);
  }
  EXPECT_TRUE(cancelled_task);
  EXPECT_TRUE(cancelled_timer);
  // Nothing applies to an ended execution.
  StepResult again = Apply(FailRequested{"E", "c"});
  EXPECT_THAT(again.history, IsEmpty());
}

}  // namespace
}  // namespace stepwise::engine
