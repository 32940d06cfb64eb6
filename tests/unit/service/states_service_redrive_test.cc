// StatesService::RedriveExecution and DescribeExecution's redrive fields, over
// the executor and a MemoryStore (the engine's side: tests/unit/engine/redrive_test.cc).
#include <string>
#include <vector>

#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

// A Pass, then a Task on the "greeter" queue.
constexpr char kPassThenTask[] = R"({
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Result": "ready", "ResultPath": "$.prepared", "Next": "Greet"},
    "Greet": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter",
              "ResultPath": "$.greeting", "End": true}
  }
})";

class RedriveExecutionTest : public StatesServiceFixture {
 protected:
  grpc::Status Redrive(const std::string& arn, const std::string& token = "",
                       v1::RedriveExecutionResponse* response = nullptr) {
    v1::RedriveExecutionRequest request;
    request.set_execution_arn(arn);
    request.set_client_token(token);
    v1::RedriveExecutionResponse ignored;
    return service_->RedriveExecution(request, response != nullptr ? response : &ignored);
  }

  grpc::Status Fail(const std::string& token) {
    v1::SendTaskFailureRequest request;
    request.set_task_token(token);
    request.set_error("Boom");
    request.set_cause("it broke");
    v1::SendTaskFailureResponse response;
    return service_->SendTaskFailure(request, &response);
  }

  // Starts `name` on a kPassThenTask machine and fails its task.
  std::string StartAndFail(const std::string& name) {
    if (machine_.empty()) machine_ = CreateMachine("M", kPassThenTask);
    const std::string arn = Start(machine_, name, R"({"who":"ann"})");
    std::optional<persistence::TaskRecord> task = ClaimGreeter();
    EXPECT_TRUE(task.has_value());
    if (task.has_value()) {
      EXPECT_TRUE(Fail(task->task_token).ok());
    }
    EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_FAILED);
    return arn;
  }

  std::vector<v1::HistoryEvent> History(const std::string& arn) {
    v1::GetExecutionHistoryRequest request;
    request.set_execution_arn(arn);
    request.set_max_results(1000);
    v1::GetExecutionHistoryResponse response;
    EXPECT_TRUE(service_->GetExecutionHistory(request, &response).ok());
    return {response.events().begin(), response.events().end()};
  }

  int64_t Seconds(const google::protobuf::Timestamp& t) { return t.seconds(); }

  std::string machine_;
};

TEST_F(RedriveExecutionTest, FailedTaskRunsAgainAndTheExecutionSucceeds) {
  const std::string arn = StartAndFail("run");
  v1::DescribeExecutionResponse failed = Describe(arn);
  EXPECT_EQ(failed.redrive_status(), v1::EXECUTION_REDRIVE_STATUS_REDRIVABLE);
  EXPECT_EQ(failed.redrive_status_reason(), "");
  EXPECT_EQ(failed.redrive_count(), 0);
  EXPECT_FALSE(failed.has_redrive_date());
  EXPECT_EQ(failed.error(), "Boom");
  const std::string old_token = recorder_.tokens().back();

  clock_.Advance(absl::Minutes(3));
  v1::RedriveExecutionResponse response;
  ASSERT_TRUE(Redrive(arn, "", &response).ok());
  EXPECT_EQ(Seconds(response.redrive_date()), absl::ToUnixSeconds(clock_.Now()));

  v1::DescribeExecutionResponse running = Describe(arn);
  EXPECT_EQ(running.status(), v1::EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(running.redrive_count(), 1);
  EXPECT_EQ(Seconds(running.redrive_date()), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_FALSE(running.has_stop_date());
  EXPECT_EQ(running.error(), "");
  EXPECT_EQ(running.redrive_status(), v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);
  EXPECT_EQ(running.redrive_status_reason(), "Execution is RUNNING and cannot be redriven.");

  // A new task with a new token; the old token stays closed.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  EXPECT_NE(task->task_token, old_token);
  EXPECT_EQ(task->payload, R"({"who":"ann","prepared":"ready"})");
  ExpectError(Succeed(old_token, "1"), grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut");
  ASSERT_TRUE(Succeed(task->task_token, R"("hi")").ok());

  v1::DescribeExecutionResponse done = Describe(arn);
  EXPECT_EQ(done.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(done.output(), R"({"who":"ann","prepared":"ready","greeting":"hi"})");
  EXPECT_EQ(done.redrive_count(), 1);
  EXPECT_EQ(done.redrive_status(), v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);
  EXPECT_EQ(done.redrive_status_reason(), "Execution is SUCCEEDED and cannot be redriven.");

  // The history continues after ExecutionFailed; Prepare is not entered again.
  // (The test answers tasks without a dispatcher, so each completion records
  // the TaskStarted nobody recorded before it.)
  std::vector<v1::HistoryEvent> history = History(arn);
  std::vector<v1::HistoryEventType> types;
  for (const v1::HistoryEvent& e : history) types.push_back(e.type());
  EXPECT_THAT(
      types,
      ::testing::ElementsAre(
          v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED, v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED,
          v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED, v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED, v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED,
          v1::HISTORY_EVENT_TYPE_EXECUTION_REDRIVEN, v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED,
          v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED,
          v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED, v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED));
  ASSERT_GE(history.size(), 9u);
  const v1::HistoryEvent& redriven = history[8];
  EXPECT_EQ(redriven.id(), 9);
  EXPECT_EQ(redriven.previous_event_id(), 8);
  ASSERT_TRUE(redriven.has_execution_redriven_event_details());
  EXPECT_EQ(redriven.execution_redriven_event_details().redrive_count(), 1);

  v1::ListExecutionsRequest list;
  list.set_state_machine_arn(machine_);
  list.set_redrive_filter(v1::EXECUTION_REDRIVE_FILTER_REDRIVEN);
  v1::ListExecutionsResponse listed;
  ASSERT_TRUE(service_->ListExecutions(list, &listed).ok());
  ASSERT_EQ(listed.executions_size(), 1);
  EXPECT_EQ(listed.executions(0).redrive_count(), 1);
}

TEST_F(RedriveExecutionTest, StoppedExecutionRedrivesItsWaitingTask) {
  const std::string sm = CreateMachine("M", kPassThenTask);
  const std::string arn = Start(sm, "run");
  ASSERT_TRUE(ClaimGreeter().has_value());
  v1::StopExecutionRequest stop;
  stop.set_execution_arn(arn);
  v1::StopExecutionResponse stopped;
  ASSERT_TRUE(service_->StopExecution(stop, &stopped).ok());
  ASSERT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_ABORTED);
  EXPECT_EQ(Describe(arn).redrive_status(), v1::EXECUTION_REDRIVE_STATUS_REDRIVABLE);

  ASSERT_TRUE(Redrive(arn).ok());
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, "1").ok());
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_SUCCEEDED);
}

TEST_F(RedriveExecutionTest, RedriveRunsTheRevisionTheExecutionStartedWith) {
  const std::string arn = StartAndFail("run");
  v1::UpdateStateMachineRequest update;
  update.set_state_machine_arn(machine_);
  update.set_definition(kPassMachine);
  v1::UpdateStateMachineResponse updated;
  ASSERT_TRUE(service_->UpdateStateMachine(update, &updated).ok());

  ASSERT_TRUE(Redrive(arn).ok());
  // Still the Task of the first revision, not the new Pass machine.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->state_name, "Greet");
}

TEST_F(RedriveExecutionTest, ErrorsNameTheProblem) {
  ExpectError(Redrive("not-an-arn"), grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
  const std::string missing = executor_->ExecutionArn("M", "missing");
  ExpectError(Redrive(missing), grpc::StatusCode::NOT_FOUND, "ExecutionDoesNotExist",
              {{"resource", missing}});

  const std::string running = Start(CreateMachine("Tasks", kTaskMachine), "running");
  ExpectError(Redrive(running), grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable",
              {{"resource", running}});
  grpc::Status status = Redrive(running);
  EXPECT_THAT(status.error_message(),
              ::testing::HasSubstr("Execution is RUNNING and cannot be redriven."));

  const std::string succeeded =
      Start(CreateMachine("Passes", kPassMachine), "succeeded", R"({"who":"x"})");
  ASSERT_EQ(Describe(succeeded).status(), v1::EXECUTION_STATUS_SUCCEEDED);
  ExpectError(Redrive(succeeded), grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable");
  EXPECT_EQ(Describe(succeeded).redrive_status_reason(),
            "Execution is SUCCEEDED and cannot be redriven.");

  const std::string failed = StartAndFail("failed");
  ExpectError(Redrive(failed, "has space"), grpc::StatusCode::INVALID_ARGUMENT,
              "ValidationException", {{"field", "client_token"}});
  ExpectError(Redrive(failed, std::string(65, 'x')), grpc::StatusCode::INVALID_ARGUMENT,
              "ValidationException", {{"field", "client_token"}});
  EXPECT_EQ(Describe(failed).redrive_count(), 0);
}

TEST_F(RedriveExecutionTest, OverGrpcTheRedriveDateComesBack) {
  const std::string arn = StartAndFail("run");
  v1::RedriveExecutionRequest request;
  request.set_execution_arn(arn);
  v1::RedriveExecutionResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->RedriveExecution(&context, request, &response).ok());
  EXPECT_EQ(Seconds(response.redrive_date()), absl::ToUnixSeconds(clock_.Now()));
  grpc::ClientContext again;
  ExpectError(stub_->RedriveExecution(&again, request, &response),
              grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable");
}

TEST_F(RedriveExecutionTest, AThousandRedrivesAtMost) {
  const std::string arn = Start(CreateMachine("Fails", kFailMachine), "run");
  for (int i = 0; i < 1000; ++i) {
    grpc::Status status = Redrive(arn);
    ASSERT_TRUE(status.ok()) << i << ": " << status.error_message();
  }
  v1::DescribeExecutionResponse described = Describe(arn);
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(described.redrive_count(), 1000);
  EXPECT_EQ(described.redrive_status(), v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);
  EXPECT_EQ(described.redrive_status_reason(),
            "Execution has been redriven the maximum of 1000 times.");
  ExpectError(Redrive(arn), grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable");
  EXPECT_EQ(Describe(arn).redrive_count(), 1000);
}

TEST_F(RedriveExecutionTest, OnlyWithinFourteenDaysOfTheStop) {
  const std::string arn = StartAndFail("run");
  clock_.Advance(absl::Hours(14 * 24) - absl::Seconds(1));
  EXPECT_EQ(Describe(arn).redrive_status(), v1::EXECUTION_REDRIVE_STATUS_REDRIVABLE);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(Describe(arn).redrive_status(), v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);
  EXPECT_EQ(Describe(arn).redrive_status_reason(), "Execution redrivable period exceeded.");
  ExpectError(Redrive(arn), grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable");
}

TEST_F(RedriveExecutionTest, AClientTokenMakesTheCallIdempotentFor15Minutes) {
  const std::string arn = StartAndFail("run");
  v1::RedriveExecutionResponse first;
  ASSERT_TRUE(Redrive(arn, "token-1", &first).ok());
  clock_.Advance(absl::Minutes(1));
  // The same token: the same answer, and no second redrive.
  v1::RedriveExecutionResponse again;
  ASSERT_TRUE(Redrive(arn, "token-1", &again).ok());
  EXPECT_EQ(Seconds(again.redrive_date()), Seconds(first.redrive_date()));
  EXPECT_EQ(Describe(arn).redrive_count(), 1);
  // Another token is a new request: the execution is running.
  ExpectError(Redrive(arn, "token-2"), grpc::StatusCode::FAILED_PRECONDITION,
              "ExecutionNotRedrivable");
  // Even after the execution failed again, the first token still answers.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Fail(task->task_token).ok());
  ASSERT_TRUE(Redrive(arn, "token-1", &again).ok());
  EXPECT_EQ(Seconds(again.redrive_date()), Seconds(first.redrive_date()));
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_FAILED);
  // After 15 minutes the token is forgotten: a new redrive.
  clock_.Advance(absl::Minutes(14));
  ASSERT_TRUE(Redrive(arn, "token-1", &again).ok());
  EXPECT_EQ(Seconds(again.redrive_date()), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(Describe(arn).redrive_count(), 2);
}

TEST_F(RedriveExecutionTest, DeletedMachinesAndExpressExecutionsAreNotRedrivable) {
  const std::string arn = StartAndFail("run");
  v1::DeleteStateMachineRequest remove;
  remove.set_state_machine_arn(machine_);
  v1::DeleteStateMachineResponse removed;
  ASSERT_TRUE(service_->DeleteStateMachine(remove, &removed).ok());
  EXPECT_EQ(Describe(arn).redrive_status_reason(), "State machine is in DELETING status.");
  ExpectError(Redrive(arn), grpc::StatusCode::FAILED_PRECONDITION, "ExecutionNotRedrivable");

  const std::string express =
      CreateMachine("Express", kFailMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionRequest request;
  request.set_state_machine_arn(express);
  request.set_name("sync");
  v1::StartSyncExecutionResponse response;
  ASSERT_TRUE(service_->StartSyncExecution(request, &response).ok());
  ASSERT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_FAILED);
  ExpectError(Redrive(response.execution_arn()), grpc::StatusCode::FAILED_PRECONDITION,
              "ExecutionNotRedrivable");
}

}  // namespace
}  // namespace stepwise::service::testing
