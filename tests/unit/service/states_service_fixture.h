// A StatesService over a MemoryStore and a FakeClock, with an ExecutionWaiter
// as the executor's CommitObserver, served in process over gRPC too. Shared by
// the states_service_*_test.cc files.
//
//   TEST_F(StatesServiceFixture, Foo) {
//     const std::string sm = CreateMachine("M", kTaskMachine);
//     ExpectError(service_->DeleteStateMachine(request, &response),
//                 grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
//   }
#ifndef STEPWISE_TESTS_UNIT_SERVICE_STATES_SERVICE_FIXTURE_H_
#define STEPWISE_TESTS_UNIT_SERVICE_STATES_SERVICE_FIXTURE_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_waiter.h"
#include "orchestrator/service/states_grpc_service.h"
#include "orchestrator/service/states_service.h"
#include "persistence/memory/memory_store.h"
#include "stepwise/v1/error_details.pb.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/testing/await.h"

namespace stepwise::service::testing {

// Pass -> Succeed.
inline constexpr char kPassMachine[] = R"({
  "StartAt": "P",
  "States": {"P": {"Type": "Pass", "Parameters": {"echo.$": "$.who"}, "End": true}}
})";
// One Task on the Lambda function "greeter" (queue "greeter"), then Succeed.
inline constexpr char kTaskMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter",
              "HeartbeatSeconds": 600, "End": true}
  }
})";
// Same queue, no HeartbeatSeconds.
inline constexpr char kTaskMachineNoHeartbeat[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task",
              "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter", "End": true}
  }
})";
inline constexpr char kFailMachine[] = R"({
  "StartAt": "F",
  "States": {"F": {"Type": "Fail", "Error": "Custom.Broken", "Cause": "on purpose"}}
})";

// The ErrorInfo detail of a failed status, as errors.md describes it.
inline std::optional<v1::ErrorInfo> ErrorInfoOf(const grpc::Status& status) {
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (details.ParseFromString(status.error_details()) && details.details_size() > 0 &&
      details.details(0).type_url() == "type.googleapis.com/google.rpc.ErrorInfo" &&
      info.ParseFromString(details.details(0).value())) {
    return info;
  }
  return std::nullopt;
}

// The code, the "Exception: " message prefix, the ErrorInfo reason and,
// when given, metadata[key] == value.
inline void ExpectError(const grpc::Status& status, grpc::StatusCode code,
                        const std::string& exception,
                        const std::map<std::string, std::string>& metadata = {}) {
  EXPECT_EQ(status.error_code(), code) << status.error_message();
  EXPECT_THAT(status.error_message(), ::testing::StartsWith(exception + ": "));
  std::optional<v1::ErrorInfo> info = ErrorInfoOf(status);
  ASSERT_TRUE(info.has_value()) << status.error_message();
  EXPECT_EQ(info->reason(), exception);
  EXPECT_EQ(info->domain(), "stepwise");
  for (const auto& [key, value] : metadata) {
    auto it = info->metadata().find(key);
    ASSERT_NE(it, info->metadata().end())
        << "no metadata '" << key << "' in " << status.error_message();
    EXPECT_EQ(it->second, value) << key;
  }
}

// Polls `predicate` until it holds or `timeout` passes (no fixed sleeps).
using ::stepwise::testing::AwaitTrue;

// Forwards every commit to `next` and remembers the tokens of the tasks
// they scheduled (a PENDING task's token is otherwise only in the store).
class RecordingObserver final : public CommitObserver {
 public:
  explicit RecordingObserver(CommitObserver& next) : next_(next) {}
  void OnCommitted(const persistence::StepUpdate& update) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (const persistence::TaskRecord& task : update.new_tasks) {
        tokens_.push_back(task.task_token);
      }
    }
    next_.OnCommitted(update);
  }
  std::vector<std::string> tokens() const {
    std::lock_guard<std::mutex> lock(mu_);
    return tokens_;
  }

 private:
  CommitObserver& next_;
  mutable std::mutex mu_;
  std::vector<std::string> tokens_;
};

class StatesServiceFixture : public ::testing::Test {
 protected:
  StatesServiceFixture() { Rebuild({}); }
  ~StatesServiceFixture() override { StopServer(); }

  // Recreates the service (same store and clock) with `options`.
  void Rebuild(StatesServiceOptions options) {
    StopServer();
    grpc_service_.reset();
    service_.reset();
    executor_.reset();
    ExecutorOptions executor_options;
    executor_options.observer = &recorder_;
    executor_ = std::make_unique<ExecutionExecutor>(store_, clock_, nullptr, executor_options);
    service_ = std::make_unique<StatesService>(store_, *executor_, clock_, options, &waiter_);
    grpc_service_ = std::make_unique<StatesGrpcService>(*service_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(grpc_service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::States::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                                    grpc::InsecureChannelCredentials()));
  }

  void StopServer() {
    if (server_) server_->Shutdown();
    server_.reset();
  }

  std::string CreateMachine(const std::string& name, const std::string& definition,
                            v1::StateMachineType type = v1::STATE_MACHINE_TYPE_STANDARD) {
    v1::CreateStateMachineRequest request;
    request.set_name(name);
    request.set_definition(definition);
    request.set_type(type);
    v1::CreateStateMachineResponse response;
    grpc::Status status = service_->CreateStateMachine(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.state_machine_arn();
  }

  std::string Start(const std::string& sm_arn, const std::string& name,
                    const std::string& input = "{}") {
    v1::StartExecutionRequest request;
    request.set_state_machine_arn(sm_arn);
    request.set_name(name);
    request.set_input(input);
    v1::StartExecutionResponse response;
    grpc::Status status = service_->StartExecution(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.execution_arn();
  }

  v1::DescribeExecutionResponse Describe(const std::string& arn) {
    v1::DescribeExecutionRequest request;
    request.set_execution_arn(arn);
    v1::DescribeExecutionResponse response;
    grpc::Status status = service_->DescribeExecution(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Claims the next task of the "greeter" queue with a lease of `lease`.
  std::optional<persistence::TaskRecord> ClaimGreeter(absl::Duration lease = absl::Minutes(1)) {
    auto task = store_.ClaimTask("greeter", "worker-1", clock_.Now() + lease, clock_.Now());
    EXPECT_TRUE(task.ok()) << task.status();
    return task.ok() ? *task : std::nullopt;
  }

  grpc::Status Succeed(const std::string& token, const std::string& output) {
    v1::SendTaskSuccessRequest request;
    request.set_task_token(token);
    request.set_output(output);
    v1::SendTaskSuccessResponse response;
    return service_->SendTaskSuccess(request, &response);
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  // Never polls in practice: StartSyncExecution tests pass only if the
  // commit notification wakes the waiter.
  ExecutionWaiter waiter_{store_, ExecutionWaiterOptions{.poll_interval = absl::Hours(1)}};
  RecordingObserver recorder_{waiter_};
  std::unique_ptr<ExecutionExecutor> executor_;
  std::unique_ptr<StatesService> service_;
  std::unique_ptr<StatesGrpcService> grpc_service_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::States::Stub> stub_;
};

}  // namespace stepwise::service::testing

#endif  // STEPWISE_TESTS_UNIT_SERVICE_STATES_SERVICE_FIXTURE_H_
