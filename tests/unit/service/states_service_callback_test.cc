// StatesService with callback tasks (.waitForTaskToken): the worker's
// invocation token only acknowledges (or fails) the invocation, the callback
// token completes the state; Task attempts follow $$.State.RetryCount.
#include <string>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;

// Review waits for a callback; the worker of queue "greeter" is invoked with
// the token in its payload, as the workshop's Pending Review state does.
constexpr char kCallbackMachine[] = R"({
  "StartAt": "Review",
  "States": {
    "Review": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
      "Parameters": {"FunctionName": "greeter",
                     "Payload": {"token.$": "$$.Task.Token", "who.$": "$.who"}},
      "HeartbeatSeconds": 600,
      "End": true
    }
  }
})";

// A plain task retried twice on any error.
constexpr char kRetryMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter",
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 1,
                         "MaxAttempts": 2}],
              "End": true}
  }
})";

class CallbackTest : public StatesServiceFixture {
 protected:
  grpc::Status Fail(const std::string& token, const std::string& error) {
    v1::SendTaskFailureRequest request;
    request.set_task_token(token);
    request.set_error(error);
    request.set_cause("from the worker");
    v1::SendTaskFailureResponse response;
    return service_->SendTaskFailure(request, &response);
  }

  grpc::Status Heartbeat(const std::string& token) {
    v1::SendTaskHeartbeatRequest request;
    request.set_task_token(token);
    v1::SendTaskHeartbeatResponse response;
    return service_->SendTaskHeartbeat(request, &response);
  }

  // Fires every timer due now (Retry backoff), as the timer loop would.
  void FireDueTimers() {
    auto due = store_.ClaimDueTimers(clock_.Now(), 100, "test", clock_.Now() + absl::Minutes(1));
    ASSERT_TRUE(due.ok()) << due.status();
    for (const persistence::TimerRecord& timer : *due) {
      absl::Status fired = executor_->FireTimer(timer.execution_arn, timer.timer_id, "test");
      EXPECT_TRUE(fired.ok()) << fired;
    }
  }

  // The callback token the definition put into the payload.
  static std::string TokenInPayload(const persistence::TaskRecord& task) {
    json::value payload = json::parse(task.payload);
    return std::string(payload.at("Payload").at("token").as_string());
  }
};

TEST_F(CallbackTest, InvocationSuccessOnlyAcknowledges) {
  const std::string arn = Start(CreateMachine("M", kCallbackMachine), "run", R"({"who":"Ada"})");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_FALSE(task->invocation_token.empty());
  EXPECT_NE(task->invocation_token, task->task_token);
  EXPECT_EQ(TokenInPayload(*task), task->task_token);

  // The worker's handler returned: the state keeps waiting for the callback.
  grpc::Status acknowledged = Succeed(task->invocation_token, R"({"ignored":true})");
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.error_message();
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_RUNNING);
  // ...and the task is not handed out again when its lease would have ended.
  clock_.Advance(absl::Hours(1));
  EXPECT_FALSE(ClaimGreeter().has_value());
  // Acknowledging twice is harmless.
  EXPECT_TRUE(Succeed(task->invocation_token, "{}").ok());

  // The callback (e.g. a human review) finishes the state with its output.
  grpc::Status completed = Succeed(task->task_token, R"({"approved":true})");
  ASSERT_TRUE(completed.ok()) << completed.error_message();
  v1::DescribeExecutionResponse described = Describe(arn);
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(described.output()), json::parse(R"({"approved":true})"));
  // The worker's late report on a completed state is not an error either.
  EXPECT_TRUE(Succeed(task->invocation_token, "{}").ok());
}

TEST_F(CallbackTest, CallbackMayArriveBeforeTheInvocationEnds) {
  const std::string arn = Start(CreateMachine("M", kCallbackMachine), "run", R"({"who":"Ada"})");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, R"({"fast":true})").ok());
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_SUCCEEDED);
  grpc::Status late = Succeed(task->invocation_token, "{}");
  EXPECT_TRUE(late.ok()) << late.error_message();
}

TEST_F(CallbackTest, InvocationFailureFailsTheState) {
  const std::string arn = Start(CreateMachine("M", kCallbackMachine), "run", R"({"who":"Ada"})");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  grpc::Status failed = Fail(task->invocation_token, "Lambda.Unknown");
  ASSERT_TRUE(failed.ok()) << failed.error_message();
  v1::DescribeExecutionResponse described = Describe(arn);
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(described.error(), "Lambda.Unknown");
  EXPECT_EQ(described.cause(), "from the worker");
  // The task is closed for both tokens now.
  ExpectError(Succeed(task->task_token, "{}"), grpc::StatusCode::FAILED_PRECONDITION,
              "TaskTimedOut");
  ExpectError(Fail(task->invocation_token, "Again"), grpc::StatusCode::FAILED_PRECONDITION,
              "TaskTimedOut");
}

TEST_F(CallbackTest, HeartbeatWorksWithEitherToken) {
  Start(CreateMachine("M", kCallbackMachine), "run", R"({"who":"Ada"})");
  std::optional<persistence::TaskRecord> task = ClaimGreeter(absl::Seconds(5));
  ASSERT_TRUE(task.has_value());
  clock_.Advance(absl::Seconds(3));
  ASSERT_TRUE(Heartbeat(task->invocation_token).ok());
  // The worker's heartbeat kept the lease: no redelivery after the old one.
  clock_.Advance(absl::Seconds(10));
  EXPECT_FALSE(ClaimGreeter().has_value());
  ASSERT_TRUE(Succeed(task->invocation_token, "{}").ok());
  grpc::Status beat = Heartbeat(task->task_token);
  EXPECT_TRUE(beat.ok()) << beat.error_message();
}

TEST_F(CallbackTest, PlainTasksHaveNoInvocationToken) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->invocation_token, "");
}

TEST_F(CallbackTest, RetriedTaskCarriesItsAttempt) {
  const std::string arn = Start(CreateMachine("M", kRetryMachine), "run");
  for (int attempt = 0; attempt <= 2; ++attempt) {
    SCOPED_TRACE(attempt);
    std::optional<persistence::TaskRecord> task;
    clock_.Advance(absl::Seconds(10));  // Past any backoff (1 s, then 2 s).
    FireDueTimers();
    task = ClaimGreeter();
    ASSERT_TRUE(task.has_value());
    EXPECT_EQ(task->attempt, attempt);
    ASSERT_TRUE(Fail(task->task_token, "Boom").ok());
  }
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_FAILED);
}

}  // namespace
}  // namespace stepwise::service::testing
