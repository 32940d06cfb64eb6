// StatesService: AWS's two execution ARN forms (STANDARD
// ...:execution:MACHINE:NAME, EXPRESS ...:express:MACHINE:NAME:UUID) wherever
// an execution ARN is accepted, and the asynchronous DeleteStateMachine
// (DELETING until the machine's executions end).
#include <string>
#include <vector>

#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/service/states_service_internal.h"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::MatchesRegex;

constexpr char kStandardPrefix[] = "arn:aws:states:us-east-1:123456789012:execution:";
constexpr char kExpressPattern[] =
    "arn:aws:states:us-east-1:123456789012:express:E:run:"
    "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

class ExpressArnTest : public StatesServiceFixture {
 protected:
  grpc::Status History(const std::string& arn, v1::GetExecutionHistoryResponse* response) {
    v1::GetExecutionHistoryRequest request;
    request.set_execution_arn(arn);
    return service_->GetExecutionHistory(request, response);
  }

  grpc::Status Stop(const std::string& arn) {
    v1::StopExecutionRequest request;
    request.set_execution_arn(arn);
    v1::StopExecutionResponse response;
    return service_->StopExecution(request, &response);
  }
};

TEST(ExecutionArnTest, AcceptsBothFormsAndNothingElse) {
  EXPECT_TRUE(internal::IsExecutionArn("arn:aws:states:us-east-1:1:execution:M:run"));
  EXPECT_TRUE(internal::IsExecutionArn(
      "arn:aws:states:us-east-1:1:express:M:run:0c4a5d6e-1f2b-4c3d-8e9f-a0b1c2d3e4f5"));
  for (const char* bad : {
           "",
           "arn:aws:states:us-east-1:1:execution:M",            // No name.
           "arn:aws:states:us-east-1:1:execution:M:",           // Empty name.
           "arn:aws:states:us-east-1:1:execution::run",         // Empty machine.
           "arn:aws:states:us-east-1:1:execution:M:run:extra",  // One part too many.
           "arn:aws:states:us-east-1:1:express:M:run",          // No UUID.
           "arn:aws:states:us-east-1:1:express:M:run:",         // Empty UUID.
           "arn:aws:states:us-east-1:1:express:M:run:u:v",      // One part too many.
           "arn:aws:states:us-east-1:1:stateMachine:M",
           "arn:aws:lambda:us-east-1:1:execution:M:run",
           "arn:aws:states:us-east-1:1:activity:M:run",
       }) {
    EXPECT_FALSE(internal::IsExecutionArn(bad)) << bad;
  }
}

TEST(ExecutionArnTest, DispatchDerivesTheMachineFromBothForms) {
  EXPECT_EQ(dispatch::StateMachineArnOf("arn:aws:states:eu-west-1:42:execution:greeter:run-1"),
            "arn:aws:states:eu-west-1:42:stateMachine:greeter");
  EXPECT_EQ(dispatch::StateMachineArnOf(
                "arn:aws:states:eu-west-1:42:express:greeter:run-1:0c4a5d6e-1f2b-4c3d-8e9f-a0b1"),
            "arn:aws:states:eu-west-1:42:stateMachine:greeter");
  EXPECT_EQ(dispatch::StateMachineArnOf("arn:aws:states:eu-west-1:42:express:greeter:run-1"), "");
}

TEST_F(ExpressArnTest, StandardExecutionsKeepTheExecutionForm) {
  const std::string sm = CreateMachine("S", kPassMachine);
  EXPECT_EQ(Start(sm, "run"), std::string(kStandardPrefix) + "S:run");
}

TEST_F(ExpressArnTest, ExpressStartsAreNewExecutionsWithExpressArns) {
  const std::string sm = CreateMachine("E", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  const std::string first = Start(sm, "run", R"({"who": "a"})");
  const std::string second = Start(sm, "run", R"({"who": "a"})");
  EXPECT_THAT(first, MatchesRegex(kExpressPattern));
  EXPECT_THAT(second, MatchesRegex(kExpressPattern));
  // AWS: StartExecution is not idempotent for EXPRESS machines.
  EXPECT_NE(first, second);

  // Stepwise keeps Express executions, so it describes them (AWS does not).
  v1::DescribeExecutionResponse described = Describe(first);
  EXPECT_EQ(described.execution_arn(), first);
  EXPECT_EQ(described.state_machine_arn(), sm);
  EXPECT_EQ(described.name(), "run");
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  v1::GetExecutionHistoryResponse history;
  ASSERT_TRUE(History(first, &history).ok());
  ASSERT_FALSE(history.events().empty());
  // Stopping an ended execution changes nothing (and accepts the form).
  EXPECT_TRUE(Stop(first).ok());
  // Not redrivable, as AWS (EXPRESS), but the ARN is accepted.
  v1::RedriveExecutionRequest redrive;
  redrive.set_execution_arn(first);
  v1::RedriveExecutionResponse redriven;
  ExpectError(service_->RedriveExecution(redrive, &redriven), grpc::StatusCode::FAILED_PRECONDITION,
              "ExecutionNotRedrivable");
}

TEST_F(ExpressArnTest, StopExecutionStopsARunningExpressExecution) {
  const std::string sm = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  const std::string arn = Start(sm, "run");
  ASSERT_THAT(arn, MatchesRegex(kExpressPattern));
  ASSERT_TRUE(Stop(arn).ok());
  EXPECT_EQ(Describe(arn).status(), v1::EXECUTION_STATUS_ABORTED);
}

TEST_F(ExpressArnTest, StartSyncExecutionAnswersWithAnExpressArn) {
  const std::string sm = CreateMachine("E", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  v1::StartSyncExecutionRequest request;
  request.set_state_machine_arn(sm);
  request.set_name("run");
  request.set_input(R"({"who": "sync"})");
  v1::StartSyncExecutionResponse response;
  ASSERT_TRUE(service_->StartSyncExecution(request, &response).ok());
  EXPECT_THAT(response.execution_arn(), MatchesRegex(kExpressPattern));
  EXPECT_EQ(response.status(), v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(Describe(response.execution_arn()).status(), v1::EXECUTION_STATUS_SUCCEEDED);
}

TEST_F(ExpressArnTest, MalformedAndMissingExecutionArnsGetClearErrors) {
  const std::string sm = CreateMachine("E", kPassMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  const std::string arn = Start(sm, "run");
  const std::string no_uuid = arn.substr(0, arn.rfind(':'));  // ...:express:E:run
  v1::DescribeExecutionRequest describe;
  v1::DescribeExecutionResponse described;
  for (const std::string& bad : {no_uuid, arn + ":more", sm}) {
    describe.set_execution_arn(bad);
    ExpectError(service_->DescribeExecution(describe, &described),
                grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn", {{"resource", bad}});
    v1::GetExecutionHistoryResponse history;
    ExpectError(History(bad, &history), grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
    ExpectError(Stop(bad), grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
  }
  // Well-formed but unknown: another UUID.
  const std::string other = no_uuid + ":00000000-0000-4000-8000-000000000000";
  describe.set_execution_arn(other);
  ExpectError(service_->DescribeExecution(describe, &described), grpc::StatusCode::NOT_FOUND,
              "ExecutionDoesNotExist", {{"resource", other}});
  v1::GetExecutionHistoryResponse history;
  ExpectError(History(other, &history), grpc::StatusCode::NOT_FOUND, "ExecutionDoesNotExist");
  ExpectError(Stop(other), grpc::StatusCode::NOT_FOUND, "ExecutionDoesNotExist");
}

class DeletingTest : public StatesServiceFixture {
 protected:
  grpc::Status Delete(const std::string& arn) {
    v1::DeleteStateMachineRequest request;
    request.set_state_machine_arn(arn);
    v1::DeleteStateMachineResponse response;
    return service_->DeleteStateMachine(request, &response);
  }

  grpc::Status DescribeMachine(const std::string& arn, v1::DescribeStateMachineResponse* out) {
    v1::DescribeStateMachineRequest request;
    request.set_state_machine_arn(arn);
    return service_->DescribeStateMachine(request, out);
  }

  std::vector<std::string> ListedMachines() {
    v1::ListStateMachinesRequest request;
    v1::ListStateMachinesResponse response;
    EXPECT_TRUE(service_->ListStateMachines(request, &response).ok());
    std::vector<std::string> arns;
    for (const v1::StateMachineListItem& item : response.state_machines()) {
      arns.push_back(item.state_machine_arn());
    }
    return arns;
  }
};

TEST_F(DeletingTest, MachineIsDeletingWhileItsExecutionsRun) {
  const std::string sm = CreateMachine("M", kTaskMachine);
  const std::string run = Start(sm, "run");
  ASSERT_TRUE(Delete(sm).ok());

  v1::DescribeStateMachineResponse described;
  ASSERT_TRUE(DescribeMachine(sm, &described).ok());
  EXPECT_EQ(described.status(), v1::STATE_MACHINE_STATUS_DELETING);
  EXPECT_EQ(described.name(), "M");
  EXPECT_THAT(ListedMachines(), ElementsAre(sm));

  // No new executions, updates or re-creations: StateMachineDeleting.
  v1::StartExecutionRequest start;
  start.set_state_machine_arn(sm);
  start.set_name("late");
  v1::StartExecutionResponse started;
  ExpectError(service_->StartExecution(start, &started), grpc::StatusCode::FAILED_PRECONDITION,
              "StateMachineDeleting", {{"resource", sm}});
  v1::UpdateStateMachineRequest update;
  update.set_state_machine_arn(sm);
  update.set_definition(kPassMachine);
  v1::UpdateStateMachineResponse updated;
  ExpectError(service_->UpdateStateMachine(update, &updated), grpc::StatusCode::FAILED_PRECONDITION,
              "StateMachineDeleting", {{"resource", sm}});
  v1::CreateStateMachineRequest create;
  create.set_name("M");
  create.set_definition(kTaskMachine);
  v1::CreateStateMachineResponse created;
  ExpectError(service_->CreateStateMachine(create, &created), grpc::StatusCode::FAILED_PRECONDITION,
              "StateMachineDeleting", {{"resource", sm}});
  // Its executions can still be listed.
  v1::ListExecutionsRequest list;
  list.set_state_machine_arn(sm);
  v1::ListExecutionsResponse listed;
  ASSERT_TRUE(service_->ListExecutions(list, &listed).ok());
  EXPECT_EQ(listed.executions_size(), 1);

  // As AWS, the running execution ends at its next state transition (here
  // its task's completion): FAILED, States.Runtime. Then the machine is gone
  // and its name free.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, "{}").ok());
  const v1::DescribeExecutionResponse ended = Describe(run);
  EXPECT_EQ(ended.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(ended.error(), "States.Runtime");
  EXPECT_EQ(ended.cause(), "State machine M has been deleted.");
  ExpectError(DescribeMachine(sm, &described), grpc::StatusCode::NOT_FOUND,
              "StateMachineDoesNotExist", {{"resource", sm}});
  EXPECT_THAT(ListedMachines(), ElementsAre());
  EXPECT_TRUE(Delete(sm).ok());  // As AWS: deleting a missing machine succeeds.
  ASSERT_TRUE(service_->CreateStateMachine(create, &created).ok());
  ASSERT_TRUE(DescribeMachine(sm, &described).ok());
  EXPECT_EQ(described.status(), v1::STATE_MACHINE_STATUS_ACTIVE);
}

TEST_F(DeletingTest, MachineWithoutRunningExecutionsIsGoneAtOnce) {
  const std::string sm = CreateMachine("M", kPassMachine);
  Start(sm, "done");  // Pass: already SUCCEEDED.
  ASSERT_TRUE(Delete(sm).ok());
  v1::DescribeStateMachineResponse described;
  ExpectError(DescribeMachine(sm, &described), grpc::StatusCode::NOT_FOUND,
              "StateMachineDoesNotExist");
}

TEST_F(DeletingTest, StoppingTheLastExecutionFinishesTheDeletion) {
  const std::string sm = CreateMachine("M", kTaskMachine);
  const std::string run = Start(sm, "run");
  ASSERT_TRUE(Delete(sm).ok());
  v1::StopExecutionRequest stop;
  stop.set_execution_arn(run);
  v1::StopExecutionResponse stopped;
  ASSERT_TRUE(service_->StopExecution(stop, &stopped).ok());
  v1::DescribeStateMachineResponse described;
  ExpectError(DescribeMachine(sm, &described), grpc::StatusCode::NOT_FOUND,
              "StateMachineDoesNotExist");
}

TEST_F(DeletingTest, StartSyncExecutionOnADeletingExpressMachine) {
  const std::string sm = CreateMachine("E", kTaskMachine, v1::STATE_MACHINE_TYPE_EXPRESS);
  Start(sm, "running");
  ASSERT_TRUE(Delete(sm).ok());
  v1::StartSyncExecutionRequest request;
  request.set_state_machine_arn(sm);
  v1::StartSyncExecutionResponse response;
  ExpectError(service_->StartSyncExecution(request, &response),
              grpc::StatusCode::FAILED_PRECONDITION, "StateMachineDeleting", {{"resource", sm}});
}

}  // namespace
}  // namespace stepwise::service::testing
