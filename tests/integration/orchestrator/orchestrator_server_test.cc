// OrchestratorServer in-process on a real PostgreSQL database: the parts are
// wired (health, reflection, the States API end to end through the store).
#include "orchestrator/server/orchestrator_server.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::server {
namespace {

class OrchestratorServerTest : public testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    OrchestratorOptions options;
    options.listen = "127.0.0.1:0";
    options.database_url = database_url();
    options.max_connections = 4;
    absl::StatusOr<std::unique_ptr<OrchestratorServer>> server = OrchestratorServer::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->endpoint(), grpc::InsecureChannelCredentials());
    states_ = v1::States::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context() {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    return context;
  }

  std::unique_ptr<OrchestratorServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::States::Stub> states_;
};

TEST_F(OrchestratorServerTest, ReportsServingThroughHealthChecks) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  auto context = Context();
  ASSERT_TRUE(health->Check(context.get(), request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(OrchestratorServerTest, RunsAPassMachineThroughTheStore) {
  v1::CreateStateMachineRequest create;
  create.set_name("hello");
  create.set_definition(R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})");
  v1::CreateStateMachineResponse created;
  auto context = Context();
  ASSERT_TRUE(states_->CreateStateMachine(context.get(), create, &created).ok());

  v1::StartExecutionRequest start;
  start.set_state_machine_arn(created.state_machine_arn());
  start.set_name("run-1");
  start.set_input(R"({"x":1})");
  v1::StartExecutionResponse started;
  context = Context();
  ASSERT_TRUE(states_->StartExecution(context.get(), start, &started).ok());

  v1::DescribeExecutionRequest describe;
  describe.set_execution_arn(started.execution_arn());
  v1::DescribeExecutionResponse described;
  context = Context();
  ASSERT_TRUE(states_->DescribeExecution(context.get(), describe, &described).ok());
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(described.output(), R"({"x":1})");
}

TEST_F(OrchestratorServerTest, HandsATaskToAPollingWorkerAndFiresTimers) {
  // A Wait (timer loop), then a Task (dispatcher + PollTask), then SendTaskSuccess.
  v1::CreateStateMachineRequest create;
  create.set_name("wait-then-task");
  create.set_definition(R"({"StartAt":"Nap","States":{
    "Nap":{"Type":"Wait","Seconds":1,"Next":"Work"},
    "Work":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:adder",
            "TimeoutSeconds":60,"End":true}}})");
  v1::CreateStateMachineResponse created;
  auto context = Context();
  ASSERT_TRUE(states_->CreateStateMachine(context.get(), create, &created).ok());
  v1::StartExecutionRequest start;
  start.set_state_machine_arn(created.state_machine_arn());
  start.set_name("run-1");
  start.set_input(R"({"a":2,"b":3})");
  v1::StartExecutionResponse started;
  context = Context();
  ASSERT_TRUE(states_->StartExecution(context.get(), start, &started).ok());

  auto worker = v1::Worker::NewStub(channel_);
  v1::PollTaskRequest poll;
  poll.set_queue("adder");
  poll.set_worker_name("test-worker");
  poll.set_wait_time_seconds(20);
  v1::PollTaskResponse polled;
  context = Context();
  ASSERT_TRUE(worker->PollTask(context.get(), poll, &polled).ok());
  ASSERT_TRUE(polled.has_task()) << "no task within 20 s: the Wait timer did not fire?";
  EXPECT_EQ(polled.task().input(), R"({"a":2,"b":3})");
  EXPECT_EQ(polled.task().state_name(), "Work");
  EXPECT_EQ(polled.task().timeout_seconds(), 60);
  EXPECT_EQ(polled.task().lease_seconds(), 60);  // --task-lease-seconds' default.

  v1::SendTaskSuccessRequest success;
  success.set_task_token(polled.task().task_token());
  success.set_output(R"({"sum":5})");
  v1::SendTaskSuccessResponse succeeded;
  context = Context();
  ASSERT_TRUE(states_->SendTaskSuccess(context.get(), success, &succeeded).ok());

  v1::DescribeExecutionRequest describe;
  describe.set_execution_arn(started.execution_arn());
  v1::DescribeExecutionResponse described;
  context = Context();
  ASSERT_TRUE(states_->DescribeExecution(context.get(), describe, &described).ok());
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(described.output(), R"({"sum":5})");

  // The same token again changes nothing and says why.
  context = Context();
  grpc::Status again = states_->SendTaskSuccess(context.get(), success, &succeeded);
  EXPECT_FALSE(again.ok());
}

TEST_F(OrchestratorServerTest, ShutdownIsIdempotentAndRefusesNewCalls) {
  server_->Shutdown(absl::Seconds(1));
  server_->Shutdown(absl::Seconds(1));
  v1::ListStateMachinesRequest request;
  v1::ListStateMachinesResponse response;
  auto context = Context();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(2)));
  EXPECT_FALSE(states_->ListStateMachines(context.get(), request, &response).ok());
}

TEST(OrchestratorServerOptionsTest, RejectsAListenAddressWithoutPort) {
  OrchestratorOptions options;
  options.listen = "localhost";
  options.database_url = "postgresql://unused";
  absl::StatusOr<std::unique_ptr<OrchestratorServer>> server = OrchestratorServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(server.status().message()).find("HOST:PORT"), std::string::npos);
}

TEST(OrchestratorServerOptionsTest, RejectsLeasesTooShortToHeartbeatIn) {
  OrchestratorOptions options;
  options.listen = "127.0.0.1:0";
  options.database_url = "postgresql://unused";
  options.task_lease_seconds = 2;
  absl::StatusOr<std::unique_ptr<OrchestratorServer>> server = OrchestratorServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(server.status().message()).find("--task-lease-seconds"), std::string::npos);
  options.task_lease_seconds = 60;
  options.timer_lease_seconds = 0;
  server = OrchestratorServer::Start(options);
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(server.status().message()).find("--timer-lease-seconds"),
            std::string::npos);
}

TEST(OrchestratorServerOptionsTest, NamesTheDatabaseItCannotReach) {
  OrchestratorOptions options;
  options.listen = "127.0.0.1:0";
  options.database_url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  absl::StatusOr<std::unique_ptr<OrchestratorServer>> server = OrchestratorServer::Start(options);
  ASSERT_FALSE(server.ok());
  EXPECT_NE(std::string(server.status().message()).find("connecting to PostgreSQL"),
            std::string::npos)
      << server.status();
}

}  // namespace
}  // namespace stepwise::server
