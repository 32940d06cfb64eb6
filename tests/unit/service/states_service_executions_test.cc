// StatesService: ListExecutions, payload limits, StopExecution checks and
// GetExecutionHistory(include_execution_data=false).
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;

class ExecutionsTest : public StatesServiceFixture {
 protected:
  grpc::Status List(v1::ListExecutionsRequest request, v1::ListExecutionsResponse* response) {
    return service_->ListExecutions(request, response);
  }

  std::vector<std::string> Names(const v1::ListExecutionsResponse& response) {
    std::vector<std::string> names;
    for (const v1::ExecutionListItem& item : response.executions()) names.push_back(item.name());
    return names;
  }
};

TEST_F(ExecutionsTest, ListExecutionsNewestFirstFilteredAndPaged) {
  const std::string arn = CreateMachine("M", kTaskMachine);
  for (const char* name : {"a", "b", "c", "d", "e"}) {
    Start(arn, name);
    clock_.Advance(absl::Seconds(1));
  }
  // Another machine's executions never show up.
  Start(CreateMachine("Other", kTaskMachine), "x");
  v1::StopExecutionRequest stop;
  stop.set_execution_arn(executor_->ExecutionArn("M", "b"));
  v1::StopExecutionResponse stopped;
  ASSERT_TRUE(service_->StopExecution(stop, &stopped).ok());

  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(arn);
  v1::ListExecutionsResponse all;
  ASSERT_TRUE(List(request, &all).ok());
  EXPECT_EQ(Names(all), (std::vector<std::string>{"e", "d", "c", "b", "a"}));
  EXPECT_TRUE(all.next_token().empty());
  const v1::ExecutionListItem& b = all.executions(3);
  EXPECT_EQ(b.execution_arn(), stop.execution_arn());
  EXPECT_EQ(b.state_machine_arn(), arn);
  EXPECT_EQ(b.status(), v1::EXECUTION_STATUS_ABORTED);
  EXPECT_TRUE(b.has_stop_date());
  EXPECT_FALSE(all.executions(0).has_stop_date());

  // Pages of two concatenate to the whole list.
  request.set_max_results(2);
  std::vector<std::string> paged;
  for (int pages = 0; pages < 10; ++pages) {
    v1::ListExecutionsResponse page;
    ASSERT_TRUE(List(request, &page).ok());
    EXPECT_LE(page.executions_size(), 2);
    for (const std::string& name : Names(page)) paged.push_back(name);
    if (page.next_token().empty()) break;
    request.set_next_token(page.next_token());
  }
  EXPECT_EQ(paged, Names(all));

  request.clear_next_token();
  request.set_max_results(0);
  request.set_status_filter(v1::EXECUTION_STATUS_ABORTED);
  v1::ListExecutionsResponse aborted;
  ASSERT_TRUE(List(request, &aborted).ok());
  EXPECT_EQ(Names(aborted), std::vector<std::string>{"b"});

  request.set_status_filter(v1::EXECUTION_STATUS_PENDING_REDRIVE);
  v1::ListExecutionsResponse pending;
  ASSERT_TRUE(List(request, &pending).ok());
  EXPECT_EQ(pending.executions_size(), 0);

  request.set_status_filter(v1::EXECUTION_STATUS_UNSPECIFIED);
  request.set_redrive_filter(v1::EXECUTION_REDRIVE_FILTER_REDRIVEN);
  v1::ListExecutionsResponse redriven;
  ASSERT_TRUE(List(request, &redriven).ok());
  EXPECT_EQ(redriven.executions_size(), 0);
  EXPECT_TRUE(redriven.next_token().empty());
  request.set_redrive_filter(v1::EXECUTION_REDRIVE_FILTER_NOT_REDRIVEN);
  v1::ListExecutionsResponse not_redriven;
  ASSERT_TRUE(List(request, &not_redriven).ok());
  EXPECT_EQ(Names(not_redriven), Names(all));
}

TEST_F(ExecutionsTest, ListExecutionsOverGrpcRejectsAForgedToken) {
  const std::string arn = CreateMachine("M", kTaskMachine);
  Start(arn, "a");
  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(arn);
  v1::ListExecutionsResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub_->ListExecutions(&context, request, &response).ok());
  ASSERT_EQ(response.executions_size(), 1);

  request.set_next_token("not-a-token");
  grpc::ClientContext bad_context;
  ExpectError(stub_->ListExecutions(&bad_context, request, &response),
              grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken", {{"field", "next_token"}});
}

TEST_F(ExecutionsTest, HistoryWithoutExecutionDataLeavesPayloadsOut) {
  const std::string arn = CreateMachine("M", kTaskMachine);
  const std::string run = Start(arn, "run", R"({"secret": 1})");
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, R"({"secret": 2})").ok());

  v1::GetExecutionHistoryRequest request;
  request.set_execution_arn(run);
  v1::GetExecutionHistoryResponse with_data;
  ASSERT_TRUE(service_->GetExecutionHistory(request, &with_data).ok());
  request.set_include_execution_data(false);
  v1::GetExecutionHistoryResponse without;
  ASSERT_TRUE(service_->GetExecutionHistory(request, &without).ok());
  ASSERT_EQ(without.events_size(), with_data.events_size());

  bool saw_started = false, saw_scheduled = false, saw_succeeded = false;
  for (int i = 0; i < without.events_size(); ++i) {
    const v1::HistoryEvent& full = with_data.events(i);
    const v1::HistoryEvent& bare = without.events(i);
    EXPECT_EQ(bare.type(), full.type());
    EXPECT_EQ(bare.id(), full.id());
    EXPECT_EQ(bare.details_case(), full.details_case());  // Details stay, minus the data.
    EXPECT_EQ(bare.SerializeAsString().find("secret"), std::string::npos)
        << v1::HistoryEventType_Name(bare.type());
    if (full.has_execution_started_event_details()) {
      saw_started = true;
      EXPECT_FALSE(full.execution_started_event_details().input().empty());
      EXPECT_TRUE(bare.execution_started_event_details().input().empty());
    }
    // The task is a Lambda function ARN: LambdaFunctionScheduled, whose
    // payload is `input` (AWS's shape).
    if (full.has_lambda_function_scheduled_event_details()) {
      saw_scheduled = true;
      EXPECT_FALSE(full.lambda_function_scheduled_event_details().input().empty());
      EXPECT_TRUE(bare.lambda_function_scheduled_event_details().input().empty());
      EXPECT_EQ(bare.lambda_function_scheduled_event_details().resource(),
                full.lambda_function_scheduled_event_details().resource());
      EXPECT_EQ(bare.lambda_function_scheduled_event_details().resource(),
                "arn:aws:lambda:us-east-1:123456789012:function:greeter");
    }
    if (full.has_execution_succeeded_event_details()) {
      saw_succeeded = true;
      EXPECT_EQ(json::parse(full.execution_succeeded_event_details().output()),
                json::parse(R"({"secret": 2})"));
      EXPECT_TRUE(bare.execution_succeeded_event_details().output().empty());
    }
  }
  EXPECT_TRUE(saw_started && saw_scheduled && saw_succeeded);
}

TEST_F(ExecutionsTest, InputAtTheLimitIsAcceptedAndOneByteMoreIsNot) {
  const std::string arn = CreateMachine("M", kPassMachine);
  // A JSON string of exactly 256 KiB.
  const std::string at_limit = "\"" + std::string(256 * 1024 - 2, 'a') + "\"";
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(arn);
  request.set_name("at-limit");
  request.set_input(at_limit);
  v1::StartExecutionResponse response;
  grpc::Status status = service_->StartExecution(request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();

  request.set_name("over-limit");
  request.set_input("\"" + std::string(256 * 1024 - 1, 'a') + "\"");
  ExpectError(service_->StartExecution(request, &response), grpc::StatusCode::INVALID_ARGUMENT,
              "InvalidExecutionInput", {{"field", "input"}});
}

TEST_F(ExecutionsTest, ConfiguredPayloadLimitApplies) {
  StatesServiceOptions options;
  options.max_payload_bytes = 16;
  Rebuild(options);
  const std::string arn = CreateMachine("M", kPassMachine);
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(arn);
  request.set_input(R"({"who": "a long enough name"})");
  v1::StartExecutionResponse response;
  ExpectError(service_->StartExecution(request, &response), grpc::StatusCode::INVALID_ARGUMENT,
              "InvalidExecutionInput", {{"field", "input"}});
}

struct ExecutionErrorCase {
  std::string name;
  std::function<grpc::Status(StatesService&, const std::string& standard,
                             const std::string& express)>
      call;
  grpc::StatusCode code;
  std::string exception;
  std::map<std::string, std::string> metadata;
};

// ctest shows the case's name, not its bytes.
void PrintTo(const ExecutionErrorCase& c, std::ostream* os) { *os << c.name; }

class ExecutionErrorsTest : public StatesServiceFixture,
                            public ::testing::WithParamInterface<ExecutionErrorCase> {};

TEST_P(ExecutionErrorsTest, FailsWithTheAwsException) {
  const std::string standard = CreateMachine("Standard", kTaskMachine);
  const std::string express =
      CreateMachine("Express", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  Start(standard, "running");
  ExpectError(GetParam().call(*service_, standard, express), GetParam().code, GetParam().exception,
              GetParam().metadata);
}

grpc::Status CallList(StatesService& s, const v1::ListExecutionsRequest& request) {
  v1::ListExecutionsResponse response;
  return s.ListExecutions(request, &response);
}

v1::ListExecutionsRequest ListOf(const std::string& arn) {
  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(arn);
  return request;
}

grpc::Status CallStart(StatesService& s, const std::string& arn, const std::string& name,
                       const std::string& input) {
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(arn);
  request.set_name(name);
  request.set_input(input);
  v1::StartExecutionResponse response;
  return s.StartExecution(request, &response);
}

grpc::Status CallStop(StatesService& s, const std::string& arn, const std::string& error,
                      const std::string& cause) {
  v1::StopExecutionRequest request;
  request.set_execution_arn(arn);
  request.set_error(error);
  request.set_cause(cause);
  v1::StopExecutionResponse response;
  return s.StopExecution(request, &response);
}

const char kMapRun[] = "arn:aws:states:us-east-1:123456789012:mapRun:M/label:1";
const char kRunning[] = "arn:aws:states:us-east-1:123456789012:execution:Standard:running";
const char kNoSuchExecution[] = "arn:aws:states:us-east-1:123456789012:execution:Standard:nope";
const char kNoSuchMachine[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Nope";

std::vector<ExecutionErrorCase> ExecutionErrorCases() {
  using S = StatesService;
  using A = const std::string&;
  return {
      {"ListNeitherArn",
       [](S& s, A, A) { return CallList(s, {}); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "state_machine_arn"}}},
      {"ListBothArns",
       [](S& s, A standard, A) {
         auto r = ListOf(standard);
         r.set_map_run_arn(kMapRun);
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "map_run_arn"}}},
      {"ListMapRun",
       [](S& s, A, A) {
         v1::ListExecutionsRequest r;
         r.set_map_run_arn(kMapRun);
         return CallList(s, r);
       },
       grpc::StatusCode::NOT_FOUND,
       "ResourceNotFound",
       {{"resource", kMapRun}}},
      {"ListMalformedMapRun",
       [](S& s, A, A) {
         v1::ListExecutionsRequest r;
         r.set_map_run_arn("mapRun");
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidArn",
       {}},
      {"ListExecutionArnAsMachine",
       [](S& s, A, A) { return CallList(s, ListOf(kRunning)); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidArn",
       {{"resource", kRunning}}},
      {"ListMissingMachine",
       [](S& s, A, A) { return CallList(s, ListOf(kNoSuchMachine)); },
       grpc::StatusCode::NOT_FOUND,
       "StateMachineDoesNotExist",
       {{"resource", kNoSuchMachine}}},
      {"ListExpress",
       [](S& s, A, A express) { return CallList(s, ListOf(express)); },
       grpc::StatusCode::FAILED_PRECONDITION,
       "StateMachineTypeNotSupported",
       {}},
      {"ListGarbageToken",
       [](S& s, A standard, A) {
         auto r = ListOf(standard);
         r.set_next_token("%%%");
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidToken",
       {{"field", "next_token"}}},
      {"ListTooManyResults",
       [](S& s, A standard, A) {
         auto r = ListOf(standard);
         r.set_max_results(1001);
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "max_results"}}},
      {"ListNegativeResults",
       [](S& s, A standard, A) {
         auto r = ListOf(standard);
         r.set_max_results(-5);
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "max_results"}}},
      {"ListUnknownStatus",
       [](S& s, A standard, A) {
         auto r = ListOf(standard);
         r.set_status_filter(static_cast<v1::ExecutionStatus>(42));
         return CallList(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "status_filter"}}},
      {"StartInputNotJson",
       [](S& s, A standard, A) { return CallStart(s, standard, "x", "{"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidExecutionInput",
       {{"field", "input"}}},
      {"StartBadName",
       [](S& s, A standard, A) { return CallStart(s, standard, "a b", "{}"); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidName",
       {{"field", "name"}}},
      {"StartTakenNameOtherInput",
       [](S& s, A standard, A) { return CallStart(s, standard, "running", R"({"x": 1})"); },
       grpc::StatusCode::ALREADY_EXISTS,
       "ExecutionAlreadyExists",
       {{"resource", kRunning}}},
      {"StartMissingMachine",
       [](S& s, A, A) { return CallStart(s, kNoSuchMachine, "x", "{}"); },
       grpc::StatusCode::NOT_FOUND,
       "StateMachineDoesNotExist",
       {{"resource", kNoSuchMachine}}},
      {"StopMissingExecution",
       [](S& s, A, A) { return CallStop(s, kNoSuchExecution, "", ""); },
       grpc::StatusCode::NOT_FOUND,
       "ExecutionDoesNotExist",
       {{"resource", kNoSuchExecution}}},
      {"StopErrorTooLong",
       [](S& s, A, A) { return CallStop(s, kRunning, std::string(257, 'e'), ""); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "error"}}},
      {"StopCauseTooLong",
       [](S& s, A, A) { return CallStop(s, kRunning, "", std::string(32769, 'c')); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "cause"}}},
      {"HistoryTooManyResults",
       [](S& s, A, A) {
         v1::GetExecutionHistoryRequest r;
         r.set_execution_arn(kRunning);
         r.set_max_results(5000);
         v1::GetExecutionHistoryResponse response;
         return s.GetExecutionHistory(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "max_results"}}},
      {"HistoryBadToken",
       [](S& s, A, A) {
         v1::GetExecutionHistoryRequest r;
         r.set_execution_arn(kRunning);
         r.set_next_token("r:1");  // A reverse token for a forward read.
         v1::GetExecutionHistoryResponse response;
         return s.GetExecutionHistory(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidToken",
       {{"field", "next_token"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(All, ExecutionErrorsTest, ::testing::ValuesIn(ExecutionErrorCases()),
                         [](const ::testing::TestParamInfo<ExecutionErrorCase>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace stepwise::service::testing
