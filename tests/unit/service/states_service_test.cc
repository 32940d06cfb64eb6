// StatesGrpcService end to end over an in-process gRPC server, MemoryStore
// and FakeClock. Everything is synchronous: each RPC commits before it returns.
#include "orchestrator/service/states_service.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/states_grpc_service.h"
#include "persistence/memory/memory_store.h"
#include "stepwise/v1/error_details.pb.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

// The workshop's shape: a Pass, a Task on a Lambda (via a substitution), a Succeed.
constexpr char kWorkshopMachine[] = R"({
  "Comment": "Greets",
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"who.$": "$.name"}, "Next": "Greet"},
    "Greet": {"Type": "Task", "Resource": "${GreeterArn}", "Next": "Done"},
    "Done": {"Type": "Succeed"}
  }
})";
constexpr char kGreeterArn[] = "arn:aws:lambda:us-east-1:123456789012:function:greeter";

std::optional<v1::ErrorInfo> ErrorInfoOf(const grpc::Status& status) {
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (details.ParseFromString(status.error_details()) && details.details_size() > 0 &&
      details.details(0).type_url() == "type.googleapis.com/google.rpc.ErrorInfo" &&
      info.ParseFromString(details.details(0).value())) {
    return info;
  }
  return std::nullopt;
}

class StatesServiceTest : public ::testing::Test {
 protected:
  StatesServiceTest()
      : executor_(store_, clock_), service_(store_, executor_, clock_), grpc_service_(service_) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&grpc_service_);
    server_ = builder.BuildAndStart();
    EXPECT_NE(server_, nullptr);
    EXPECT_GT(port_, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = v1::States::NewStub(channel_);
  }
  ~StatesServiceTest() override {
    if (server_) server_->Shutdown();
  }

  std::string CreateWorkshop(const std::string& name) {
    v1::CreateStateMachineRequest request;
    request.set_name(name);
    request.set_definition(kWorkshopMachine);
    (*request.mutable_definition_substitutions())["GreeterArn"] = kGreeterArn;
    v1::CreateStateMachineResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->CreateStateMachine(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.state_machine_arn();
  }

  std::string Start(const std::string& sm_arn, const std::string& name, const std::string& input) {
    v1::StartExecutionRequest request;
    request.set_state_machine_arn(sm_arn);
    request.set_name(name);
    request.set_input(input);
    v1::StartExecutionResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->StartExecution(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.execution_arn();
  }

  v1::DescribeExecutionResponse Describe(const std::string& arn) {
    v1::DescribeExecutionRequest request;
    request.set_execution_arn(arn);
    v1::DescribeExecutionResponse response;
    grpc::ClientContext context;
    grpc::Status status = stub_->DescribeExecution(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  std::vector<v1::HistoryEventType> HistoryTypes(const v1::GetExecutionHistoryResponse& r) {
    std::vector<v1::HistoryEventType> types;
    for (const v1::HistoryEvent& e : r.events()) types.push_back(e.type());
    return types;
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  ExecutionExecutor executor_;
  StatesService service_;
  StatesGrpcService grpc_service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::States::Stub> stub_;
};

TEST_F(StatesServiceTest, CreateAndDescribeStateMachine) {
  const std::string arn = CreateWorkshop("Workshop");
  EXPECT_EQ(arn, "arn:aws:states:us-east-1:123456789012:stateMachine:Workshop");

  v1::DescribeStateMachineRequest request;
  request.set_state_machine_arn(arn);
  v1::DescribeStateMachineResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->DescribeStateMachine(&context, request, &response).ok());
  EXPECT_EQ(response.name(), "Workshop");
  EXPECT_EQ(response.type(), v1::STATE_MACHINE_TYPE_STANDARD);
  EXPECT_EQ(response.status(), v1::STATE_MACHINE_STATUS_ACTIVE);
  EXPECT_THAT(response.definition(), HasSubstr(kGreeterArn));  // Substituted.
  EXPECT_FALSE(response.revision_id().empty());
  EXPECT_EQ(response.creation_date().seconds(), absl::ToUnixSeconds(clock_.Now()));

  // Same arguments again: idempotent.
  EXPECT_EQ(CreateWorkshop("Workshop"), arn);

  v1::ListStateMachinesResponse list;
  grpc::ClientContext list_context;
  ASSERT_TRUE(stub_->ListStateMachines(&list_context, {}, &list).ok());
  ASSERT_EQ(list.state_machines_size(), 1);
  EXPECT_EQ(list.state_machines(0).state_machine_arn(), arn);
  EXPECT_TRUE(list.next_token().empty());
}

TEST_F(StatesServiceTest, InvalidDefinitionIsInvalidArgument) {
  v1::CreateStateMachineRequest request;
  request.set_name("Broken");
  request.set_definition(R"({"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}})");
  v1::CreateStateMachineResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->CreateStateMachine(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("InvalidDefinition: "));
  EXPECT_THAT(status.error_message(), HasSubstr("MISSING_TRANSITION_TARGET"));
  std::optional<v1::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "InvalidDefinition");
  EXPECT_EQ(info->domain(), "stepwise");

  // An unsubstituted placeholder in Resource is invalid at create time.
  v1::CreateStateMachineRequest unsubstituted;
  unsubstituted.set_name("Unsubstituted");
  unsubstituted.set_definition(kWorkshopMachine);
  grpc::ClientContext context2;
  status = stub_->CreateStateMachine(&context2, unsubstituted, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("InvalidDefinition"));

  v1::CreateStateMachineRequest bad_name;
  bad_name.set_name("has space");
  bad_name.set_definition(R"({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})");
  grpc::ClientContext context3;
  status = stub_->CreateStateMachine(&context3, bad_name, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(ErrorInfoOf(status).has_value());
  EXPECT_EQ(ErrorInfoOf(status)->reason(), "InvalidName");
}

TEST_F(StatesServiceTest, ValidateStateMachineDefinition) {
  v1::ValidateStateMachineDefinitionRequest request;
  request.set_definition(R"({"StartAt": "Missing", "States": {"A": {"Type": "Succeed"}}})");
  v1::ValidateStateMachineDefinitionResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ValidateStateMachineDefinition(&context, request, &response).ok());
  EXPECT_EQ(response.result(), v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_FAIL);
  ASSERT_GE(response.diagnostics_size(), 1);
  EXPECT_EQ(response.diagnostics(0).severity(),
            v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_ERROR);

  request.set_definition(kWorkshopMachine);  // Placeholders are fine here.
  response.Clear();
  grpc::ClientContext context2;
  ASSERT_TRUE(stub_->ValidateStateMachineDefinition(&context2, request, &response).ok());
  EXPECT_EQ(response.result(), v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_OK);
  EXPECT_EQ(response.diagnostics_size(), 0);
}

TEST_F(StatesServiceTest, ExecutionRunsToSuccessThroughSendTaskSuccess) {
  const std::string sm_arn = CreateWorkshop("Workshop");
  const std::string arn = Start(sm_arn, "run-1", R"({"name": "Ada"})");
  EXPECT_EQ(arn, "arn:aws:states:us-east-1:123456789012:execution:Workshop:run-1");

  v1::DescribeExecutionResponse running = Describe(arn);
  EXPECT_EQ(running.status(), v1::EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(running.state_machine_arn(), sm_arn);
  EXPECT_EQ(running.name(), "run-1");
  EXPECT_EQ(json::parse(running.input()), json::parse(R"({"name": "Ada"})"));
  EXPECT_FALSE(running.has_stop_date());

  auto task =
      store_.ClaimTask("greeter", "worker-1", clock_.Now() + absl::Minutes(5), clock_.Now());
  ASSERT_TRUE(task.ok()) << task.status();
  ASSERT_TRUE(task->has_value());
  EXPECT_EQ(json::parse((*task)->payload), json::parse(R"({"who": "Ada"})"));

  clock_.Advance(absl::Seconds(3));
  v1::SendTaskSuccessRequest success;
  success.set_task_token((*task)->task_token);
  success.set_output(R"({"greeting": "Hello, Ada"})");
  v1::SendTaskSuccessResponse success_response;
  grpc::ClientContext context;
  grpc::Status status = stub_->SendTaskSuccess(&context, success, &success_response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::DescribeExecutionResponse done = Describe(arn);
  EXPECT_EQ(done.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(done.output()), json::parse(R"({"greeting": "Hello, Ada"})"));
  EXPECT_TRUE(done.has_stop_date());

  // A second completion of the same task: no longer open.
  grpc::ClientContext again_context;
  status = stub_->SendTaskSuccess(&again_context, success, &success_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("TaskTimedOut: "));

  // History, oldest first.
  v1::GetExecutionHistoryRequest history_request;
  history_request.set_execution_arn(arn);
  v1::GetExecutionHistoryResponse history;
  grpc::ClientContext history_context;
  ASSERT_TRUE(stub_->GetExecutionHistory(&history_context, history_request, &history).ok());
  std::vector<v1::HistoryEventType> types = HistoryTypes(history);
  ASSERT_GE(types.size(), 4u);
  EXPECT_EQ(types.front(), v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED);
  EXPECT_EQ(types.back(), v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED);
  // A Lambda function ARN as the Resource: AWS's LambdaFunction* events.
  EXPECT_THAT(types, ::testing::Contains(v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED));
  EXPECT_THAT(types, ::testing::Contains(v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED));
  for (int i = 0; i < history.events_size(); ++i) {
    EXPECT_EQ(history.events(i).id(), i + 1);
    // Every event of this machine carries details (the stored JSON parsed),
    // but LambdaFunctionStarted, which has none in AWS's API.
    if (history.events(i).type() == v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED) continue;
    EXPECT_NE(history.events(i).details_case(), v1::HistoryEvent::DETAILS_NOT_SET)
        << v1::HistoryEventType_Name(history.events(i).type());
  }
  EXPECT_TRUE(history.next_token().empty());
  const v1::HistoryEvent& started = history.events(0);
  ASSERT_TRUE(started.has_execution_started_event_details());
  EXPECT_EQ(json::parse(started.execution_started_event_details().input()),
            json::parse(R"({"name": "Ada"})"));
  const v1::HistoryEvent& last = history.events(history.events_size() - 1);
  ASSERT_TRUE(last.has_execution_succeeded_event_details());
  EXPECT_EQ(json::parse(last.execution_succeeded_event_details().output()),
            json::parse(R"({"greeting": "Hello, Ada"})"));
  EXPECT_EQ(last.timestamp().seconds(), absl::ToUnixSeconds(clock_.Now()));

  // Reversed.
  history_request.set_reverse_order(true);
  v1::GetExecutionHistoryResponse reversed;
  grpc::ClientContext reversed_context;
  ASSERT_TRUE(stub_->GetExecutionHistory(&reversed_context, history_request, &reversed).ok());
  std::vector<v1::HistoryEventType> reversed_types = HistoryTypes(reversed);
  std::reverse(reversed_types.begin(), reversed_types.end());
  EXPECT_EQ(reversed_types, types);

  // Paged by two, forward: the pages concatenate to the whole history.
  history_request.set_reverse_order(false);
  history_request.set_max_results(2);
  std::vector<v1::HistoryEventType> paged;
  for (int pages = 0; pages < 100; ++pages) {
    v1::GetExecutionHistoryResponse page;
    grpc::ClientContext page_context;
    ASSERT_TRUE(stub_->GetExecutionHistory(&page_context, history_request, &page).ok());
    EXPECT_LE(page.events_size(), 2);
    for (const v1::HistoryEvent& e : page.events()) paged.push_back(e.type());
    if (page.next_token().empty()) break;
    history_request.set_next_token(page.next_token());
  }
  EXPECT_EQ(paged, types);
}

TEST_F(StatesServiceTest, SendTaskFailureFailsTheExecution) {
  const std::string arn = Start(CreateWorkshop("Workshop"), "run-f", R"({"name": "Bob"})");
  auto task =
      store_.ClaimTask("greeter", "worker-1", clock_.Now() + absl::Minutes(5), clock_.Now());
  ASSERT_TRUE(task.ok() && task->has_value());
  v1::SendTaskFailureRequest failure;
  failure.set_task_token((*task)->task_token);
  failure.set_error("Greeter.Broken");
  failure.set_cause("no greeting today");
  v1::SendTaskFailureResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->SendTaskFailure(&context, failure, &response).ok());
  v1::DescribeExecutionResponse failed = Describe(arn);
  EXPECT_EQ(failed.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(failed.error(), "Greeter.Broken");
  EXPECT_EQ(failed.cause(), "no greeting today");
}

TEST_F(StatesServiceTest, StopExecutionAborts) {
  const std::string arn = Start(CreateWorkshop("Workshop"), "run-s", R"({"name": "Cy"})");
  v1::StopExecutionRequest stop;
  stop.set_execution_arn(arn);
  stop.set_error("Operator");
  stop.set_cause("stopped by test");
  v1::StopExecutionResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->StopExecution(&context, stop, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.stop_date().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_ABORTED);

  // Stopping again is a no-op.
  grpc::ClientContext again;
  EXPECT_TRUE(stub_->StopExecution(&again, stop, &response).ok());
}

TEST_F(StatesServiceTest, UnknownResourcesAreNotFound) {
  CreateWorkshop("Workshop");
  v1::DescribeExecutionRequest request;
  request.set_execution_arn("arn:aws:states:us-east-1:123456789012:execution:Workshop:nope");
  v1::DescribeExecutionResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->DescribeExecution(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("ExecutionDoesNotExist: "));
  std::optional<v1::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->reason(), "ExecutionDoesNotExist");
  EXPECT_EQ(info->metadata().at("resource"), request.execution_arn());

  v1::GetExecutionHistoryRequest history;
  history.set_execution_arn(request.execution_arn());
  v1::GetExecutionHistoryResponse history_response;
  grpc::ClientContext history_context;
  status = stub_->GetExecutionHistory(&history_context, history, &history_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("ExecutionDoesNotExist"));

  v1::StartExecutionRequest start;
  start.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Missing");
  v1::StartExecutionResponse start_response;
  grpc::ClientContext start_context;
  status = stub_->StartExecution(&start_context, start, &start_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("StateMachineDoesNotExist: "));

  request.set_execution_arn("not-an-arn");
  grpc::ClientContext bad_context;
  status = stub_->DescribeExecution(&bad_context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("InvalidArn: "));

  // A well-formed token (64 hex characters, as Stepwise issues) naming no task.
  v1::SendTaskSuccessRequest success;
  success.set_task_token(std::string(64, '0'));
  success.set_output("{}");
  v1::SendTaskSuccessResponse success_response;
  grpc::ClientContext task_context;
  status = stub_->SendTaskSuccess(&task_context, success, &success_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("TaskDoesNotExist: "));

  // A malformed one cannot name a task at all.
  success.set_task_token("no-such-token");
  grpc::ClientContext malformed_context;
  status = stub_->SendTaskSuccess(&malformed_context, success, &success_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::StartsWith("InvalidToken: "));
}

}  // namespace
}  // namespace stepwise::service
