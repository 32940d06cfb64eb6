// StartSyncExecution's store reads, counted on a ForwardingStore: the state
// machine is read once per replica (ExecutionExecutor::StateMachine, whose
// record the service checks for EXPRESS/DELETING and hands on to the start),
// then not again until a start finds its record stale (updated, deleted or
// re-created: the start's commit checks the revision); the execution never:
// the waiter registers before the first commit and waits from the record the
// start returned; a close committed on this replica wakes it with its
// outcome. StartExecution needs no read after the start either. A change
// here must update these counts.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_waiter.h"
#include "orchestrator/service/states_service.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/await.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

using ::stepwise::testing::AwaitTrue;
using ::stepwise::testing::IsOk;

class ReadCountingStore final : public ::stepwise::testing::ForwardingStore {
 public:
  ReadCountingStore() : ForwardingStore(std::make_unique<persistence::MemoryStore>()) {}
  absl::StatusOr<persistence::StateMachineRecord> GetStateMachine(std::string_view arn) override {
    ++machine_reads;
    return ForwardingStore::GetStateMachine(arn);
  }
  absl::StatusOr<persistence::ExecutionRecord> GetExecution(std::string_view arn) override {
    ++execution_reads;
    return ForwardingStore::GetExecution(arn);
  }
  void Reset() { machine_reads = execution_reads = 0; }

  std::atomic<int> machine_reads{0};
  std::atomic<int> execution_reads{0};
};

class SyncReadsTest : public ::testing::Test {
 protected:
  SyncReadsTest() {
    ExecutorOptions executor_options;
    executor_options.observer = &waiter_;
    executor_ = std::make_unique<ExecutionExecutor>(store_, clock_, nullptr, executor_options);
    service_ = std::make_unique<StatesService>(store_, *executor_, clock_, StatesServiceOptions{},
                                               &waiter_);
  }

  std::string CreateExpressMachine(const std::string& name, const std::string& definition) {
    v1::CreateStateMachineRequest request;
    request.set_name(name);
    request.set_definition(definition);
    request.set_type(v1::STATE_MACHINE_TYPE_EXPRESS);
    v1::CreateStateMachineResponse response;
    const grpc::Status status = service_->CreateStateMachine(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.state_machine_arn();
  }

  v1::StartSyncExecutionResponse RunSync(const std::string& machine) {
    v1::StartSyncExecutionResponse response;
    const grpc::Status status = TrySync(machine, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status TrySync(const std::string& machine, v1::StartSyncExecutionResponse* response) {
    v1::StartSyncExecutionRequest request;
    request.set_state_machine_arn(machine);
    request.set_input(R"({"who": "Ada"})");
    return service_->StartSyncExecution(request, response);
  }

  void UpdateDefinition(const std::string& machine, const std::string& definition) {
    v1::UpdateStateMachineRequest request;
    request.set_state_machine_arn(machine);
    request.set_definition(definition);
    v1::UpdateStateMachineResponse response;
    const grpc::Status status = service_->UpdateStateMachine(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Delete(const std::string& machine) {
    v1::DeleteStateMachineRequest request;
    request.set_state_machine_arn(machine);
    v1::DeleteStateMachineResponse response;
    const grpc::Status status = service_->DeleteStateMachine(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  ReadCountingStore store_;
  FakeClock clock_;
  // No re-reads while waiting: only the closing commit wakes a waiter.
  ExecutionWaiter waiter_{store_, {.poll_interval = absl::Hours(1)}};
  std::unique_ptr<ExecutionExecutor> executor_;
  std::unique_ptr<StatesService> service_;
};

TEST_F(SyncReadsTest, MachineClosedByItsFirstStep) {
  const std::string machine = CreateExpressMachine("P", kPassMachine);
  store_.Reset();
  const v1::StartSyncExecutionResponse response = RunSync(machine);
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(response.output(), R"({"echo":"Ada"})");
  EXPECT_TRUE(response.has_start_date() && response.has_stop_date());
  EXPECT_EQ(response.input(), R"({"who":"Ada"})") << "as stored";
  EXPECT_EQ(store_.machine_reads, 1);
  EXPECT_EQ(store_.execution_reads, 0);

  store_.Reset();
  EXPECT_EQ(RunSync(machine).output(), R"({"echo":"Ada"})");
  EXPECT_EQ(store_.machine_reads, 0) << "the executor's record of the machine";
  EXPECT_EQ(store_.execution_reads, 0);
}

// Another replica's (here: the store's) UpdateStateMachine makes the cached
// record stale: the start's commit refuses it, the machine is read again and
// the execution runs the new definition, on this very call.
TEST_F(SyncReadsTest, UpdatedMachineTakesEffectForTheNextStart) {
  const std::string machine = CreateExpressMachine("U", kPassMachine);
  EXPECT_EQ(RunSync(machine).output(), R"({"echo":"Ada"})");
  UpdateDefinition(machine, R"({"StartAt": "P", "States": {"P": {"Type": "Pass",
      "Parameters": {"hello.$": "$.who"}, "End": true}}})");
  store_.Reset();
  EXPECT_EQ(RunSync(machine).output(), R"({"hello":"Ada"})");
  EXPECT_EQ(store_.machine_reads, 1) << "read again once, after the stale start";
  store_.Reset();
  EXPECT_EQ(RunSync(machine).output(), R"({"hello":"Ada"})");
  EXPECT_EQ(store_.machine_reads, 0);
}

TEST_F(SyncReadsTest, DeletedMachineCannotStartFromTheCachedRecord) {
  const std::string machine = CreateExpressMachine("D", kPassMachine);
  EXPECT_EQ(RunSync(machine).status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  Delete(machine);
  v1::StartSyncExecutionResponse response;
  grpc::Status status = TrySync(machine, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_NE(status.error_message().find("does not exist"), std::string::npos)
      << status.error_message();
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine);
  v1::StartExecutionResponse started;
  status = service_->StartExecution(request, &started);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
}

// Deleted and created again under the same ARN as a STANDARD machine: the
// record read again after the stale start fails StartSyncExecution's checks.
TEST_F(SyncReadsTest, MachineCreatedAgainAsStandardIsRefused) {
  const std::string machine = CreateExpressMachine("R", kPassMachine);
  EXPECT_EQ(RunSync(machine).status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  Delete(machine);
  v1::CreateStateMachineRequest create;
  create.set_name("R");
  create.set_definition(kPassMachine);
  create.set_type(v1::STATE_MACHINE_TYPE_STANDARD);
  v1::CreateStateMachineResponse created;
  ASSERT_TRUE(service_->CreateStateMachine(create, &created).ok());
  ASSERT_EQ(created.state_machine_arn(), machine);
  v1::StartSyncExecutionResponse response;
  const grpc::Status status = TrySync(machine, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  EXPECT_NE(status.error_message().find("only supported for EXPRESS"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(waiter_.waiting(), 0);
}

TEST_F(SyncReadsTest, MachineClosedByAWorkersCompletionOnThisReplica) {
  const std::string machine = CreateExpressMachine("T", kTaskMachine);
  store_.Reset();
  v1::StartSyncExecutionResponse response;
  std::thread sync([&] { response = RunSync(machine); });
  ASSERT_TRUE(AwaitTrue([&] { return waiter_.waiting() == 1; }));
  absl::StatusOr<std::optional<persistence::TaskRecord>> task =
      store_.ClaimTask("greeter", "worker-1", clock_.Now() + absl::Minutes(1), clock_.Now());
  ASSERT_THAT(task, IsOk());
  ASSERT_TRUE(task->has_value());
  const int execution_reads_before_completion = store_.execution_reads;
  ASSERT_THAT(executor_->CompleteTask((*task)->task_token, R"({"done": true})"), IsOk());
  sync.join();
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(response.output(), R"({"done":true})");
  EXPECT_EQ(response.input(), R"({"who":"Ada"})") << "as stored";
  EXPECT_TRUE(response.has_start_date()) << "from the start's record";
  EXPECT_EQ(store_.machine_reads, 1);
  EXPECT_EQ(execution_reads_before_completion, 0) << "the start's record, no read";
  EXPECT_EQ(store_.execution_reads, 0) << "none after the closing commit woke the waiter";
}

TEST_F(SyncReadsTest, StartExecutionReadsTheMachineOnce) {
  const std::string machine = CreateExpressMachine("S", kTaskMachine);
  store_.Reset();
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine);
  request.set_input("{}");
  v1::StartExecutionResponse response;
  const grpc::Status status = service_->StartExecution(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.execution_arn().empty());
  EXPECT_EQ(response.start_date().seconds(), absl::ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(store_.machine_reads, 1) << "the executor's";
  EXPECT_EQ(store_.execution_reads, 0) << "the start date comes from the created record";

  store_.Reset();
  ASSERT_TRUE(service_->StartExecution(request, &response).ok());
  EXPECT_EQ(store_.machine_reads, 0) << "the executor's record of the machine";
}

}  // namespace
}  // namespace stepwise::service::testing
