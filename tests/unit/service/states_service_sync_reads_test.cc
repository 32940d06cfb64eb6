// StartSyncExecution's store reads, counted on a ForwardingStore: the state
// machine is read twice (the service's EXPRESS/DELETING check, then
// ExecutionExecutor::StartExecution's own read) and the execution once (the
// waiter's read before it waits, for the fields the closing commit does not
// carry: start time, input); a close committed on this replica wakes the
// waiter with its outcome, with no read after it. Removing either remaining
// read needs the executor to take the machine the service read, or to return
// the record it created: a change here must update these counts.
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
    v1::StartSyncExecutionRequest request;
    request.set_state_machine_arn(machine);
    request.set_input(R"({"who": "Ada"})");
    v1::StartSyncExecutionResponse response;
    const grpc::Status status = service_->StartSyncExecution(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
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
  EXPECT_EQ(store_.machine_reads, 2);
  EXPECT_EQ(store_.execution_reads, 1);
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
  EXPECT_EQ(store_.machine_reads, 2);
  EXPECT_EQ(execution_reads_before_completion, 1) << "the waiter's read before it waits";
  EXPECT_EQ(store_.execution_reads, 1) << "none after the closing commit woke the waiter";
}

}  // namespace
}  // namespace stepwise::service::testing
