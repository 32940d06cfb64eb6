// StatesService: SendTaskHeartbeat (lease extension) and the task-token error
// mapping shared by SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
#include <functional>
#include <string>
#include <vector>

#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

enum class Call { kSuccess, kFailure, kHeartbeat };

class TasksTest : public StatesServiceFixture {
 protected:
  grpc::Status Heartbeat(const std::string& token) {
    v1::SendTaskHeartbeatRequest request;
    request.set_task_token(token);
    v1::SendTaskHeartbeatResponse response;
    return service_->SendTaskHeartbeat(request, &response);
  }

  grpc::Status Send(Call call, const std::string& token) {
    switch (call) {
      case Call::kSuccess:
        return Succeed(token, "{}");
      case Call::kFailure: {
        v1::SendTaskFailureRequest request;
        request.set_task_token(token);
        request.set_error("E");
        v1::SendTaskFailureResponse response;
        return service_->SendTaskFailure(request, &response);
      }
      case Call::kHeartbeat:
        return Heartbeat(token);
    }
    return grpc::Status::OK;
  }

  persistence::TaskRecord Reread(const std::string& token) {
    absl::StatusOr<persistence::TaskRecord> task = store_.FindTaskByToken(token);
    EXPECT_TRUE(task.ok()) << task.status();
    return task.ok() ? *task : persistence::TaskRecord{};
  }
};

TEST_F(TasksTest, HeartbeatMovesTheLeaseToNowPlusHeartbeatSeconds) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter(absl::Minutes(1));
  ASSERT_TRUE(task.has_value());
  ASSERT_EQ(task->heartbeat_seconds, 600);

  clock_.Advance(absl::Seconds(30));
  grpc::Status status = Heartbeat(task->task_token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  persistence::TaskRecord after = Reread(task->task_token);
  EXPECT_EQ(after.status, persistence::TaskStatus::kClaimed);
  EXPECT_EQ(after.last_heartbeat, clock_.Now());
  EXPECT_EQ(after.lease_until, clock_.Now() + absl::Seconds(600));
}

TEST_F(TasksTest, HeartbeatNeverShortensALease) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter(absl::Hours(2));
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Heartbeat(task->task_token).ok());
  EXPECT_EQ(Reread(task->task_token).lease_until, task->lease_until);
}

TEST_F(TasksTest, HeartbeatRenewsTheLeaseTheClaimGave) {
  StatesServiceOptions options;
  options.heartbeat_lease = absl::Minutes(7);  // Only for tasks without a lease.
  Rebuild(options);
  Start(CreateMachine("M", kTaskMachineNoHeartbeat), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter(absl::Minutes(1));
  ASSERT_TRUE(task.has_value());
  ASSERT_FALSE(task->heartbeat_seconds.has_value());
  clock_.Advance(absl::Seconds(40));
  ASSERT_TRUE(Heartbeat(task->task_token).ok());
  EXPECT_EQ(Reread(task->task_token).lease_until, clock_.Now() + absl::Minutes(1));
}

TEST_F(TasksTest, HeartbeatOnAPendingTaskRecordsItOnly) {
  Start(CreateMachine("M", kTaskMachine), "run");
  ASSERT_EQ(recorder_.tokens().size(), 1u);
  const std::string token = recorder_.tokens().front();
  clock_.Advance(absl::Seconds(3));
  ASSERT_TRUE(Heartbeat(token).ok());
  persistence::TaskRecord after = Reread(token);
  EXPECT_EQ(after.status, persistence::TaskStatus::kPending);
  EXPECT_EQ(after.last_heartbeat, clock_.Now());
  EXPECT_FALSE(after.lease_until.has_value());
}

TEST_F(TasksTest, HeartbeatOverGrpc) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  v1::SendTaskHeartbeatRequest request;
  request.set_task_token(task->task_token);
  v1::SendTaskHeartbeatResponse response;
  grpc::ClientContext context;
  EXPECT_TRUE(stub_->SendTaskHeartbeat(&context, request, &response).ok());
  request.set_task_token("forged");
  grpc::ClientContext bad_context;
  ExpectError(stub_->SendTaskHeartbeat(&bad_context, request, &response),
              grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken", {{"field", "task_token"}});
}

// Every SendTask* call maps a token's problems alike (errors.md).
class TokenErrorsTest : public TasksTest, public ::testing::WithParamInterface<Call> {};

TEST_P(TokenErrorsTest, MalformedTokensAreInvalidToken) {
  for (const std::string& token :
       {std::string(), std::string("no-such-token"), std::string(64, 'G'), std::string(65, 'a'),
        std::string(3000, 'a')}) {
    ExpectError(Send(GetParam(), token), grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken",
                {{"field", "task_token"}});
  }
}

TEST_P(TokenErrorsTest, UnknownWellFormedTokenIsTaskDoesNotExist) {
  const std::string token(64, 'a');
  ExpectError(Send(GetParam(), token), grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist",
              {{"resource", token}});
}

TEST_P(TokenErrorsTest, CompletedTaskIsTaskTimedOut) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, "{}").ok());
  ExpectError(Send(GetParam(), task->task_token), grpc::StatusCode::FAILED_PRECONDITION,
              "TaskTimedOut", {{"resource", task->task_token}});
}

TEST_P(TokenErrorsTest, TaskOfAStoppedExecutionIsTaskTimedOut) {
  const std::string run = Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  v1::StopExecutionRequest stop;
  stop.set_execution_arn(run);
  v1::StopExecutionResponse stopped;
  ASSERT_TRUE(service_->StopExecution(stop, &stopped).ok());
  ExpectError(Send(GetParam(), task->task_token), grpc::StatusCode::FAILED_PRECONDITION,
              "TaskTimedOut");
}

TEST_P(TokenErrorsTest, TimedOutTaskIsTaskTimedOut) {
  const std::string run = Start(CreateMachine("M", R"({
    "StartAt": "Greet",
    "States": {"Greet": {"Type": "Task", "TimeoutSeconds": 5,
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter", "End": true}}
  })"),
                                "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  clock_.Advance(absl::Seconds(6));
  absl::StatusOr<std::vector<persistence::TimerRecord>> due =
      store_.ClaimDueTimers(clock_.Now(), 10, "timer-loop", clock_.Now() + absl::Minutes(1));
  ASSERT_TRUE(due.ok()) << due.status();
  ASSERT_EQ(due->size(), 1u);
  ASSERT_TRUE(executor_->FireTimer(run, (*due)[0].timer_id, "timer-loop").ok());
  ASSERT_EQ(Reread(task->task_token).status, persistence::TaskStatus::kTimedOut);
  ExpectError(Send(GetParam(), task->task_token), grpc::StatusCode::FAILED_PRECONDITION,
              "TaskTimedOut", {{"resource", task->task_token}});
}

INSTANTIATE_TEST_SUITE_P(AllCalls, TokenErrorsTest,
                         ::testing::Values(Call::kSuccess, Call::kFailure, Call::kHeartbeat),
                         [](const ::testing::TestParamInfo<Call>& param) {
                           switch (param.param) {
                             case Call::kSuccess:
                               return std::string("SendTaskSuccess");
                             case Call::kFailure:
                               return std::string("SendTaskFailure");
                             case Call::kHeartbeat:
                               return std::string("SendTaskHeartbeat");
                           }
                           return std::string();
                         });

TEST_F(TasksTest, PayloadAndTextLimits) {
  Start(CreateMachine("M", kTaskMachine), "run");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  const std::string& token = task->task_token;

  ExpectError(Succeed(token, "\"" + std::string(256 * 1024 - 1, 'o') + "\""),
              grpc::StatusCode::INVALID_ARGUMENT, "InvalidOutput", {{"field", "output"}});
  ExpectError(Succeed(token, "{not json"), grpc::StatusCode::INVALID_ARGUMENT, "InvalidOutput",
              {{"field", "output"}});

  v1::SendTaskFailureRequest failure;
  failure.set_task_token(token);
  v1::SendTaskFailureResponse response;
  failure.set_error(std::string(257, 'e'));
  ExpectError(service_->SendTaskFailure(failure, &response), grpc::StatusCode::INVALID_ARGUMENT,
              "ValidationException", {{"field", "error"}});
  failure.set_error("E");
  failure.set_cause(std::string(32769, 'c'));
  ExpectError(service_->SendTaskFailure(failure, &response), grpc::StatusCode::INVALID_ARGUMENT,
              "ValidationException", {{"field", "cause"}});
  // 32768 characters of two bytes each: characters are what counts.
  std::string wide;
  for (int i = 0; i < 32768; ++i) wide.append("\xC3\xA9");  // U+00E9
  failure.set_cause(wide);
  grpc::Status status = service_->SendTaskFailure(failure, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace stepwise::service::testing
