// StatesService::StartSyncExecution: EXPRESS machines run to completion within
// the call, woken by the commit (or by re-reading the store).
#include <atomic>
#include <functional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;

class SyncTest : public StatesServiceFixture {
 protected:
  v1::StartSyncExecutionRequest SyncRequest(const std::string& arn, const std::string& input) {
    v1::StartSyncExecutionRequest request;
    request.set_state_machine_arn(arn);
    request.set_input(input);
    return request;
  }
};

TEST_F(SyncTest, PassMachineSucceedsWithItsOutput) {
  const std::string arn = CreateMachine("E", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionRequest request = SyncRequest(arn, R"({"who": "Ada"})");
  request.set_name("sync-1");
  request.set_trace_header("Root=1-abc");
  v1::StartSyncExecutionResponse response;
  grpc::Status status = service_->StartSyncExecution(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  // AWS's Express form: arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:UUID.
  EXPECT_THAT(response.execution_arn(),
              ::testing::MatchesRegex(
                  "arn:aws:states:us-east-1:123456789012:express:E:sync-1:[0-9a-f-]{36}"));
  EXPECT_EQ(response.state_machine_arn(), arn);
  EXPECT_EQ(response.name(), "sync-1");
  EXPECT_EQ(json::parse(response.output()), json::parse(R"({"echo": "Ada"})"));
  EXPECT_TRUE(response.output_details().included());
  EXPECT_EQ(json::parse(response.input()), json::parse(R"({"who": "Ada"})"));
  EXPECT_TRUE(response.input_details().included());
  EXPECT_EQ(response.start_date().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_TRUE(response.has_stop_date());
  EXPECT_EQ(response.trace_header(), "Root=1-abc");
  EXPECT_TRUE(response.error().empty());

  request.set_name("sync-2");
  request.set_included_data(v1::INCLUDED_DATA_METADATA_ONLY);
  v1::StartSyncExecutionResponse bare;
  ASSERT_TRUE(service_->StartSyncExecution(request, &bare).ok());
  EXPECT_EQ(bare.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_TRUE(bare.input().empty());
  EXPECT_TRUE(bare.output().empty());
  EXPECT_FALSE(bare.input_details().included());

  // No name: a UUID.
  v1::StartSyncExecutionResponse unnamed;
  ASSERT_TRUE(service_->StartSyncExecution(SyncRequest(arn, "{}"), &unnamed).ok());
  EXPECT_EQ(unnamed.name().size(), 36u);
}

TEST_F(SyncTest, FailStateReportsErrorAndCause) {
  const std::string arn = CreateMachine("E", kFailMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionResponse response;
  ASSERT_TRUE(service_->StartSyncExecution(SyncRequest(arn, "{}"), &response).ok());
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_FAILED);
  EXPECT_EQ(response.error(), "Custom.Broken");
  EXPECT_EQ(response.cause(), "on purpose");
  EXPECT_TRUE(response.output().empty());
}

TEST_F(SyncTest, WaitsOverGrpcUntilAWorkerCompletesTheTask) {
  StatesServiceOptions options;
  options.sync_execution_timeout = absl::Seconds(10);  // Fail, not hang, if never woken.
  Rebuild(options);
  const std::string arn = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionResponse response;
  grpc::Status status;
  std::thread caller([&] {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    status = stub_->StartSyncExecution(&context, SyncRequest(arn, "{}"), &response);
  });
  // The fixture's waiter polls hourly: only the commit notification can wake it.
  std::optional<persistence::TaskRecord> task;
  ASSERT_TRUE(AwaitTrue([&] { return (task = ClaimGreeter()).has_value(); }));
  ASSERT_TRUE(AwaitTrue([&] { return waiter_.waiting() == 1; }));
  const auto completed = std::chrono::steady_clock::now();
  ASSERT_TRUE(Succeed(task->task_token, R"({"greeting": "hi"})").ok());
  caller.join();
  // Woken by the commit, long before the 10 s timeout would have re-read it.
  EXPECT_LT(std::chrono::steady_clock::now() - completed, std::chrono::seconds(5));
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(response.output()), json::parse(R"({"greeting": "hi"})"));
  EXPECT_EQ(waiter_.waiting(), 0);
}

TEST_F(SyncTest, TimeoutStopsTheExecutionAndAnswersTimedOut) {
  StatesServiceOptions options;
  options.sync_execution_timeout = absl::Milliseconds(30);
  Rebuild(options);
  const std::string arn = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionResponse response;
  ASSERT_TRUE(service_->StartSyncExecution(SyncRequest(arn, "{}"), &response).ok());
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_TIMED_OUT);
  EXPECT_EQ(response.error(), "States.Timeout");
  EXPECT_TRUE(response.has_stop_date());
  EXPECT_EQ(Describe(response.execution_arn()).status(), v1::EXECUTION_STATUS_ABORTED);
}

TEST_F(SyncTest, RpcDeadlineBoundsTheWait) {
  const std::string arn = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionResponse response;
  SyncCallContext call;
  call.time_left = absl::Milliseconds(280);  // Minus the 250 ms margin: 30 ms.
  ASSERT_TRUE(service_->StartSyncExecution(SyncRequest(arn, "{}"), &response, call).ok());
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_TIMED_OUT);

  // A deadline already inside the margin: no wait at all.
  call.time_left = absl::Milliseconds(10);
  v1::StartSyncExecutionResponse late;
  ASSERT_TRUE(service_->StartSyncExecution(SyncRequest(arn, "{}"), &late, call).ok());
  EXPECT_EQ(late.status(), v1::SYNC_EXECUTION_STATUS_TIMED_OUT);
}

TEST_F(SyncTest, CancelledCallLeavesTheExecutionRunning) {
  // A service with its own (polling) waiter notices the cancellation.
  StatesServiceOptions options;
  options.sync_poll_interval = absl::Milliseconds(5);
  StatesService polling(store_, *executor_, clock_, options);
  const std::string arn = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  std::atomic<int> checks{0};
  SyncCallContext call;
  call.cancelled = [&] { return ++checks > 2; };
  v1::StartSyncExecutionResponse response;
  v1::StartSyncExecutionRequest request = SyncRequest(arn, "{}");
  request.set_name("cancelled");
  grpc::Status status = polling.StartSyncExecution(request, &response, call);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << status.error_message();
  // The call answered no ARN (it carries a UUID): find the execution.
  persistence::ExecutionFilter filter;
  filter.state_machine_arn = arn;
  absl::StatusOr<persistence::ExecutionPage> page = store_.ListExecutions(filter, 10, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->executions.size(), 1u);
  EXPECT_EQ(page->executions[0].name, "cancelled");
  EXPECT_EQ(Describe(page->executions[0].execution_arn).status(), v1::EXECUTION_STATUS_RUNNING);
}

TEST_F(SyncTest, AnotherReplicaFinishingTheExecutionIsSeenByReReading) {
  // This replica's executor tells nobody about its commits; the other
  // replica's executor finishes the execution.
  ExecutionExecutor quiet(store_, clock_);
  ExecutionExecutor other_replica(store_, clock_);
  StatesServiceOptions options;
  options.sync_poll_interval = absl::Milliseconds(10);
  StatesService service(store_, quiet, clock_, options);
  const std::string arn = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionResponse response;
  grpc::Status status;
  std::thread caller(
      [&] { status = service.StartSyncExecution(SyncRequest(arn, "{}"), &response); });
  std::optional<persistence::TaskRecord> task;
  ASSERT_TRUE(AwaitTrue([&] { return (task = ClaimGreeter()).has_value(); }));
  ASSERT_TRUE(other_replica.CompleteTask(task->task_token, R"({"by": "other"})").ok());
  caller.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(response.output()), json::parse(R"({"by": "other"})"));
}

struct SyncErrorCase {
  std::string name;
  std::function<void(v1::StartSyncExecutionRequest&, const std::string& standard,
                     const std::string& express)>
      edit;
  grpc::StatusCode code;
  std::string exception;
  std::map<std::string, std::string> metadata;
};

// ctest shows the case's name, not its bytes.
void PrintTo(const SyncErrorCase& c, std::ostream* os) { *os << c.name; }

class SyncErrorsTest : public StatesServiceFixture,
                       public ::testing::WithParamInterface<SyncErrorCase> {};

TEST_P(SyncErrorsTest, FailsWithTheAwsException) {
  const std::string standard = CreateMachine("Standard", kPassMachine);
  const std::string express =
      CreateMachine("Express", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionRequest request;
  request.set_state_machine_arn(express);
  GetParam().edit(request, standard, express);
  v1::StartSyncExecutionResponse response;
  ExpectError(service_->StartSyncExecution(request, &response), GetParam().code,
              GetParam().exception, GetParam().metadata);
}

using R = v1::StartSyncExecutionRequest;
using A = const std::string&;
const char kNoSuchMachine[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Nope";

INSTANTIATE_TEST_SUITE_P(
    All, SyncErrorsTest,
    ::testing::ValuesIn(std::vector<SyncErrorCase>{
        {"StandardMachine",
         [](R& r, A standard, A) { r.set_state_machine_arn(standard); },
         grpc::StatusCode::FAILED_PRECONDITION,
         "StateMachineTypeNotSupported",
         {}},
        {"MissingMachine",
         [](R& r, A, A) { r.set_state_machine_arn(kNoSuchMachine); },
         grpc::StatusCode::NOT_FOUND,
         "StateMachineDoesNotExist",
         {{"resource", kNoSuchMachine}}},
        {"ActivityArn",
         [](R& r, A, A) {
           r.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:activity:A");
         },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidArn",
         {}},
        {"BadName",
         [](R& r, A, A) { r.set_name("bad*name"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidName",
         {{"field", "name"}}},
        {"InputNotJson",
         [](R& r, A, A) { r.set_input("[1,"); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidExecutionInput",
         {{"field", "input"}}},
        {"InputTooLarge",
         [](R& r, A, A) { r.set_input("\"" + std::string(256 * 1024, 'x') + "\""); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "InvalidExecutionInput",
         {{"field", "input"}}},
        {"UnknownIncludedData",
         [](R& r, A, A) { r.set_included_data(static_cast<v1::IncludedData>(9)); },
         grpc::StatusCode::INVALID_ARGUMENT,
         "ValidationException",
         {{"field", "included_data"}}},
    }),
    [](const ::testing::TestParamInfo<SyncErrorCase>& param) { return param.param.name; });

}  // namespace
}  // namespace stepwise::service::testing
