// RedriveExecution on PostgreSQL: a Parallel state whose Task branch failed is
// redriven through StatesService; only that branch runs again, the store
// counts the redrive, the history continues and a retried request with the
// same client token changes nothing.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/states_service.h"
#include "persistence/postgres/postgres_store.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::service {
namespace {

using ::stepwise::testing::IsOk;

constexpr char kMachine[] = R"({
  "StartAt": "Both",
  "States": {
    "Both": {
      "Type": "Parallel",
      "End": true,
      "Branches": [
        {"StartAt": "Fixed", "States": {"Fixed": {"Type": "Pass", "Result": "kept", "End": true}}},
        {"StartAt": "Work", "States": {"Work": {"Type": "Task",
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:work", "End": true}}}
      ]
    }
  }
})";

class RedrivePostgresTest : public ::stepwise::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    persistence::PostgresStoreOptions options;
    options.url = database_url();
    options.max_connections = 2;
    auto store = persistence::PostgresStore::Connect(options);
    ASSERT_THAT(store, IsOk());
    store_ = std::move(*store);
    executor_ = std::make_unique<ExecutionExecutor>(*store_, clock_);
    service_ = std::make_unique<StatesService>(*store_, *executor_, clock_);
  }

  std::optional<persistence::TaskRecord> Claim() {
    auto task = store_->ClaimTask("work", "w", clock_.Now() + absl::Minutes(1), clock_.Now());
    EXPECT_THAT(task, IsOk());
    return task.ok() ? *task : std::nullopt;
  }

  v1::DescribeExecutionResponse Describe(const std::string& arn) {
    v1::DescribeExecutionRequest request;
    request.set_execution_arn(arn);
    v1::DescribeExecutionResponse response;
    EXPECT_TRUE(service_->DescribeExecution(request, &response).ok());
    return response;
  }

  grpc::Status Redrive(const std::string& arn, v1::RedriveExecutionResponse* response) {
    v1::RedriveExecutionRequest request;
    request.set_execution_arn(arn);
    request.set_client_token("retry-safe");
    return service_->RedriveExecution(request, response);
  }

  FakeClock clock_;
  std::unique_ptr<persistence::PostgresStore> store_;
  std::unique_ptr<ExecutionExecutor> executor_;
  std::unique_ptr<StatesService> service_;
};

TEST_F(RedrivePostgresTest, OnlyTheFailedBranchRunsAgain) {
  v1::CreateStateMachineRequest create;
  create.set_name("M");
  create.set_definition(kMachine);
  v1::CreateStateMachineResponse created;
  ASSERT_TRUE(service_->CreateStateMachine(create, &created).ok());
  v1::StartExecutionRequest start;
  start.set_state_machine_arn(created.state_machine_arn());
  start.set_name("run");
  start.set_input(R"({"n":1})");
  v1::StartExecutionResponse started;
  ASSERT_TRUE(service_->StartExecution(start, &started).ok());
  const std::string arn = started.execution_arn();

  std::optional<persistence::TaskRecord> first = Claim();
  ASSERT_TRUE(first.has_value());
  v1::SendTaskFailureRequest failure;
  failure.set_task_token(first->task_token);
  failure.set_error("Boom");
  v1::SendTaskFailureResponse failed;
  ASSERT_TRUE(service_->SendTaskFailure(failure, &failed).ok());
  ASSERT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(Describe(arn).redrive_status(), v1::EXECUTION_REDRIVE_STATUS_REDRIVABLE);

  clock_.Advance(absl::Minutes(1));
  v1::RedriveExecutionResponse redriven;
  ASSERT_TRUE(Redrive(arn, &redriven).ok());
  // The same client token again (a client retry): no second redrive.
  clock_.Advance(absl::Seconds(5));
  v1::RedriveExecutionResponse retried;
  ASSERT_TRUE(Redrive(arn, &retried).ok());
  EXPECT_EQ(retried.redrive_date().seconds(), redriven.redrive_date().seconds());

  v1::DescribeExecutionResponse running = Describe(arn);
  EXPECT_EQ(running.status(), v1::EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(running.redrive_count(), 1);
  EXPECT_EQ(running.redrive_date().seconds(), redriven.redrive_date().seconds());

  std::optional<persistence::TaskRecord> second = Claim();
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->task_token, first->task_token);
  EXPECT_EQ(second->payload, R"({"n":1})");
  v1::SendTaskSuccessRequest success;
  success.set_task_token(second->task_token);
  success.set_output(R"("new")");
  v1::SendTaskSuccessResponse succeeded;
  ASSERT_TRUE(service_->SendTaskSuccess(success, &succeeded).ok());

  v1::DescribeExecutionResponse done = Describe(arn);
  EXPECT_EQ(done.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(done.output(), R"(["kept","new"])");
  EXPECT_EQ(done.redrive_count(), 1);

  v1::GetExecutionHistoryRequest history_request;
  history_request.set_execution_arn(arn);
  v1::GetExecutionHistoryResponse history;
  ASSERT_TRUE(service_->GetExecutionHistory(history_request, &history).ok());
  std::vector<v1::HistoryEventType> types;
  int redriven_events = 0;
  int passes_entered = 0;
  for (const v1::HistoryEvent& event : history.events()) {
    types.push_back(event.type());
    if (event.type() == v1::HISTORY_EVENT_TYPE_EXECUTION_REDRIVEN) {
      ++redriven_events;
      EXPECT_EQ(event.execution_redriven_event_details().redrive_count(), 1);
    }
    passes_entered += event.type() == v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED ? 1 : 0;
  }
  EXPECT_EQ(redriven_events, 1);
  EXPECT_EQ(passes_entered, 1);  // The Pass branch succeeded the first time.
  for (size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(history.events(static_cast<int>(i)).id(), static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(types.back(), v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED);
}

}  // namespace
}  // namespace stepwise::service
