// GetExecutionHistory of a Task on an activity: AWS's Activity* events and
// their details through the proto mapping (activityScheduledEventDetails,
// ...), with and without the execution data, and the ActivityScheduleFailed
// of an activity that does not exist (the executor's check_activities).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;

constexpr char kMachine[] = R"({
  "StartAt": "Review",
  "States": {
    "Review": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:review",
               "TimeoutSeconds": 30, "HeartbeatSeconds": 10, "Next": "Audit"},
    "Audit": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:audit",
              "End": true}
  }
})";

class HistoryEventsTest : public StatesServiceFixture {
 protected:
  HistoryEventsTest() {
    ExecutorOptions options;
    options.check_activities = true;
    checked_executor_ = std::make_unique<ExecutionExecutor>(store_, clock_, nullptr, options);
    checked_ = std::make_unique<StatesService>(store_, *checked_executor_, clock_,
                                               StatesServiceOptions{}, &waiter_);
  }

  v1::GetExecutionHistoryResponse History(const std::string& arn, bool with_data) {
    v1::GetExecutionHistoryRequest request;
    request.set_execution_arn(arn);
    request.set_include_execution_data(with_data);
    v1::GetExecutionHistoryResponse response;
    EXPECT_TRUE(checked_->GetExecutionHistory(request, &response).ok());
    return response;
  }

  std::unique_ptr<ExecutionExecutor> checked_executor_;
  std::unique_ptr<StatesService> checked_;
};

TEST_F(HistoryEventsTest, ActivityEventsAndAMissingActivity) {
  v1::CreateActivityRequest create;
  create.set_name("review");
  v1::CreateActivityResponse created;
  ASSERT_TRUE(checked_->CreateActivity(create, &created).ok());
  const std::string sm = CreateMachine("M", kMachine);
  v1::StartExecutionRequest start;
  start.set_state_machine_arn(sm);
  start.set_name("run");
  start.set_input(R"({"doc":"secret"})");
  v1::StartExecutionResponse started;
  ASSERT_TRUE(checked_->StartExecution(start, &started).ok());
  auto task = store_.ClaimTask("review", "w", clock_.Now() + absl::Minutes(1), clock_.Now());
  ASSERT_TRUE(task.ok() && task->has_value());
  ASSERT_TRUE(
      checked_executor_->Apply(started.execution_arn(), engine::TaskStarted{(*task)->task_id})
          .ok());
  v1::SendTaskSuccessRequest success;
  success.set_task_token((*task)->task_token);
  success.set_output(R"({"verdict":"secret-ok"})");
  v1::SendTaskSuccessResponse succeeded;
  ASSERT_TRUE(checked_->SendTaskSuccess(success, &succeeded).ok());

  // "audit" was never created: the execution fails when it reaches Audit.
  v1::DescribeExecutionRequest describe;
  describe.set_execution_arn(started.execution_arn());
  v1::DescribeExecutionResponse described;
  ASSERT_TRUE(checked_->DescribeExecution(describe, &described).ok());
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(described.error(), "States.Runtime");

  const v1::GetExecutionHistoryResponse full = History(started.execution_arn(), true);
  std::vector<v1::HistoryEventType> types;
  for (const v1::HistoryEvent& e : full.events()) types.push_back(e.type());
  EXPECT_THAT(
      types,
      ::testing::ElementsAre(
          v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED, v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED,
          v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULED, v1::HISTORY_EVENT_TYPE_ACTIVITY_STARTED,
          v1::HISTORY_EVENT_TYPE_ACTIVITY_SUCCEEDED, v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED,
          v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED, v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULED,
          v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULE_FAILED,
          v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED));
  ASSERT_EQ(full.events_size(), 10);
  const v1::ActivityScheduledEventDetails& scheduled =
      full.events(2).activity_scheduled_event_details();
  EXPECT_EQ(scheduled.resource(), "arn:aws:states:us-east-1:123456789012:activity:review");
  EXPECT_EQ(json::parse(scheduled.input()), json::parse(R"({"doc":"secret"})"));
  EXPECT_FALSE(scheduled.input_details().truncated());
  EXPECT_EQ(scheduled.timeout_in_seconds(), 30);
  EXPECT_EQ(scheduled.heartbeat_in_seconds(), 10);
  EXPECT_TRUE(full.events(3).has_activity_started_event_details());
  EXPECT_EQ(json::parse(full.events(4).activity_succeeded_event_details().output()),
            json::parse(R"({"verdict":"secret-ok"})"));
  const v1::ActivityScheduleFailedEventDetails& failed =
      full.events(8).activity_schedule_failed_event_details();
  EXPECT_EQ(failed.error(), "States.Runtime");
  EXPECT_THAT(failed.cause(), ::testing::HasSubstr("activity:audit"));

  // includeExecutionData=false leaves the payloads out, the rest stays.
  const v1::GetExecutionHistoryResponse bare = History(started.execution_arn(), false);
  ASSERT_EQ(bare.events_size(), full.events_size());
  for (const v1::HistoryEvent& e : bare.events()) {
    EXPECT_EQ(e.SerializeAsString().find("secret"), std::string::npos)
        << v1::HistoryEventType_Name(e.type());
  }
  EXPECT_EQ(bare.events(2).activity_scheduled_event_details().resource(), scheduled.resource());
  EXPECT_EQ(bare.events(8).activity_schedule_failed_event_details().error(), "States.Runtime");
}

}  // namespace
}  // namespace stepwise::service::testing
