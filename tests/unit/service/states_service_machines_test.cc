// StatesService: UpdateStateMachine, DeleteStateMachine and the state machine
// request checks, through the plain class and (a few) over gRPC.
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service::testing {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;

constexpr char kV2Machine[] = R"({
  "StartAt": "V2",
  "States": {"V2": {"Type": "Pass", "Result": {"version": 2}, "End": true}}
})";

class StateMachinesTest : public StatesServiceFixture {
 protected:
  v1::DescribeStateMachineResponse DescribeMachine(const std::string& arn) {
    v1::DescribeStateMachineRequest request;
    request.set_state_machine_arn(arn);
    v1::DescribeStateMachineResponse response;
    grpc::Status status = service_->DescribeStateMachine(request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  grpc::Status Update(const std::string& arn, std::optional<std::string> definition,
                      std::optional<std::string> role_arn,
                      v1::UpdateStateMachineResponse* response) {
    v1::UpdateStateMachineRequest request;
    request.set_state_machine_arn(arn);
    if (definition) request.set_definition(*definition);
    if (role_arn) request.set_role_arn(*role_arn);
    return service_->UpdateStateMachine(request, response);
  }
};

TEST_F(StateMachinesTest, UpdateChangesDefinitionRoleAndRevision) {
  const std::string arn = CreateMachine("M", kPassMachine);
  const std::string first_revision = DescribeMachine(arn).revision_id();

  clock_.Advance(absl::Seconds(5));
  v1::UpdateStateMachineResponse updated;
  ASSERT_TRUE(Update(arn, kV2Machine, std::nullopt, &updated).ok());
  EXPECT_NE(updated.revision_id(), first_revision);
  EXPECT_EQ(updated.update_date().seconds(), absl::ToUnixSeconds(clock_.Now()));
  v1::DescribeStateMachineResponse described = DescribeMachine(arn);
  EXPECT_EQ(described.revision_id(), updated.revision_id());
  EXPECT_EQ(json::parse(described.definition()), json::parse(kV2Machine));

  // The same definition again changes nothing: same revision, same date.
  clock_.Advance(absl::Seconds(5));
  v1::UpdateStateMachineResponse same;
  ASSERT_TRUE(Update(arn, described.definition(), std::nullopt, &same).ok());
  EXPECT_EQ(same.revision_id(), updated.revision_id());
  EXPECT_EQ(same.update_date().seconds(), updated.update_date().seconds());

  // Role only: a new revision, the definition stays.
  v1::UpdateStateMachineResponse role;
  ASSERT_TRUE(Update(arn, std::nullopt, "arn:aws:iam::123456789012:role/r2", &role).ok());
  EXPECT_NE(role.revision_id(), updated.revision_id());
  described = DescribeMachine(arn);
  EXPECT_EQ(described.role_arn(), "arn:aws:iam::123456789012:role/r2");
  EXPECT_EQ(json::parse(described.definition()), json::parse(kV2Machine));
}

TEST_F(StateMachinesTest, UpdateAppliesSubstitutionsToTheNewDefinition) {
  const std::string arn = CreateMachine("M", kPassMachine);
  v1::UpdateStateMachineRequest request;
  request.set_state_machine_arn(arn);
  request.set_definition(R"({"StartAt": "T", "States": {"T": {"Type": "Task",
      "Resource": "${Fn}", "End": true}}})");
  (*request.mutable_definition_substitutions())["Fn"] =
      "arn:aws:lambda:us-east-1:123456789012:function:other";
  v1::UpdateStateMachineResponse response;
  ASSERT_TRUE(service_->UpdateStateMachine(request, &response).ok());
  EXPECT_THAT(DescribeMachine(arn).definition(), HasSubstr("function:other"));
}

TEST_F(StateMachinesTest, RunningExecutionsKeepTheirRevisionAcrossAnUpdate) {
  const std::string arn = CreateMachine("M", kTaskMachine);
  const std::string old_run = Start(arn, "old");
  v1::UpdateStateMachineResponse updated;
  ASSERT_TRUE(Update(arn, kV2Machine, std::nullopt, &updated).ok());

  // The old execution still runs its Task and finishes with the task's output.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, R"({"from": "v1"})").ok());
  v1::DescribeExecutionResponse old_done = Describe(old_run);
  EXPECT_EQ(old_done.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(old_done.output()), json::parse(R"({"from": "v1"})"));

  // A new execution runs the new definition.
  v1::DescribeExecutionResponse new_done = Describe(Start(arn, "new"));
  EXPECT_EQ(new_done.status(), v1::EXECUTION_STATUS_SUCCEEDED);
  EXPECT_EQ(json::parse(new_done.output()), json::parse(R"({"version": 2})"));
}

TEST_F(StateMachinesTest, DeleteIsIdempotentAndRunningExecutionsEndAtTheNextTransition) {
  const std::string arn = CreateMachine("M", kTaskMachine);
  const std::string run = Start(arn, "run");

  v1::DeleteStateMachineRequest request;
  request.set_state_machine_arn(arn);
  v1::DeleteStateMachineResponse response;
  ASSERT_TRUE(service_->DeleteStateMachine(request, &response).ok());
  // Again, and a machine that never existed: both succeed (AWS).
  EXPECT_TRUE(service_->DeleteStateMachine(request, &response).ok());
  request.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Never");
  EXPECT_TRUE(service_->DeleteStateMachine(request, &response).ok());

  // DELETING while the execution runs (AWS's asynchronous delete).
  EXPECT_EQ(DescribeMachine(arn).status(), v1::STATE_MACHINE_STATUS_DELETING);
  v1::StartExecutionRequest start;
  start.set_state_machine_arn(arn);
  v1::StartExecutionResponse started;
  ExpectError(service_->StartExecution(start, &started), grpc::StatusCode::FAILED_PRECONDITION,
              "StateMachineDeleting", {{"resource", arn}});

  // The execution that was running ends at its next transition (its task's
  // completion), FAILED as AWS does; then the machine is gone.
  std::optional<persistence::TaskRecord> task = ClaimGreeter();
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(Succeed(task->task_token, R"({"done": true})").ok());
  const v1::DescribeExecutionResponse ended = Describe(run);
  EXPECT_EQ(ended.status(), v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(ended.error(), "States.Runtime");
  EXPECT_EQ(ended.cause(), "State machine M has been deleted.");
  v1::DescribeStateMachineRequest describe;
  describe.set_state_machine_arn(arn);
  v1::DescribeStateMachineResponse described;
  ExpectError(service_->DescribeStateMachine(describe, &described), grpc::StatusCode::NOT_FOUND,
              "StateMachineDoesNotExist", {{"resource", arn}});
  ExpectError(service_->StartExecution(start, &started), grpc::StatusCode::NOT_FOUND,
              "StateMachineDoesNotExist", {{"resource", arn}});
}

TEST_F(StateMachinesTest, UpdateAndDeleteOverGrpc) {
  const std::string arn = CreateMachine("M", kPassMachine);
  v1::UpdateStateMachineRequest update;
  update.set_state_machine_arn(arn);
  v1::UpdateStateMachineResponse updated;
  grpc::ClientContext update_context;
  ExpectError(stub_->UpdateStateMachine(&update_context, update, &updated),
              grpc::StatusCode::INVALID_ARGUMENT, "MissingRequiredParameter");

  update.set_definition(kV2Machine);
  grpc::ClientContext update_context2;
  grpc::Status status = stub_->UpdateStateMachine(&update_context2, update, &updated);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(updated.revision_id().empty());

  v1::DeleteStateMachineRequest remove;
  remove.set_state_machine_arn(arn);
  v1::DeleteStateMachineResponse removed;
  grpc::ClientContext delete_context;
  EXPECT_TRUE(stub_->DeleteStateMachine(&delete_context, remove, &removed).ok());
  remove.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:execution:M:x");
  grpc::ClientContext delete_context2;
  ExpectError(stub_->DeleteStateMachine(&delete_context2, remove, &removed),
              grpc::StatusCode::INVALID_ARGUMENT, "InvalidArn");
}

struct ErrorCase {
  std::string name;
  std::function<grpc::Status(StatesService&, const std::string& existing_arn)> call;
  grpc::StatusCode code;
  std::string exception;
  std::map<std::string, std::string> metadata;
};

// ctest shows the case's name, not its bytes.
void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

class StateMachineErrorsTest : public StatesServiceFixture,
                               public ::testing::WithParamInterface<ErrorCase> {};

TEST_P(StateMachineErrorsTest, FailsWithTheAwsException) {
  const std::string existing = CreateMachine("Existing", kPassMachine);
  ExpectError(GetParam().call(*service_, existing), GetParam().code, GetParam().exception,
              GetParam().metadata);
}

v1::UpdateStateMachineRequest UpdateRequest(const std::string& arn) {
  v1::UpdateStateMachineRequest request;
  request.set_state_machine_arn(arn);
  return request;
}

grpc::Status CallUpdate(StatesService& service, const v1::UpdateStateMachineRequest& request) {
  v1::UpdateStateMachineResponse response;
  return service.UpdateStateMachine(request, &response);
}

grpc::Status CallCreate(StatesService& service, const v1::CreateStateMachineRequest& request) {
  v1::CreateStateMachineResponse response;
  return service.CreateStateMachine(request, &response);
}

const char kMissingArn[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Missing";

std::vector<ErrorCase> StateMachineErrorCases() {
  return {
      {"UpdateInvalidArn",
       [](StatesService& s, const std::string&) {
         auto r = UpdateRequest("arn:aws:states:us-east-1:123456789012:activity:A");
         r.set_role_arn("arn:aws:iam::123456789012:role/r");
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidArn",
       {{"resource", "arn:aws:states:us-east-1:123456789012:activity:A"}}},
      {"UpdateNeitherDefinitionNorRole",
       [](StatesService& s, const std::string& arn) { return CallUpdate(s, UpdateRequest(arn)); },
       grpc::StatusCode::INVALID_ARGUMENT,
       "MissingRequiredParameter",
       {}},
      {"UpdateBadDefinition",
       [](StatesService& s, const std::string& arn) {
         auto r = UpdateRequest(arn);
         r.set_definition(R"({"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}})");
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidDefinition",
       {{"field", "definition"}}},
      {"UpdateUnsubstitutedPlaceholder",
       [](StatesService& s, const std::string& arn) {
         auto r = UpdateRequest(arn);
         r.set_definition(
             R"({"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${Fn}", "End": true}}})");
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidDefinition",
       {{"field", "definition"}}},
      {"UpdateEmptyRole",
       [](StatesService& s, const std::string& arn) {
         auto r = UpdateRequest(arn);
         r.set_role_arn("");
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "role_arn"}}},
      {"UpdateSubstitutionsWithoutDefinition",
       [](StatesService& s, const std::string& arn) {
         auto r = UpdateRequest(arn);
         r.set_role_arn("arn:aws:iam::123456789012:role/r");
         (*r.mutable_definition_substitutions())["A"] = "b";
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "definition_substitutions"}}},
      {"UpdateDefinitionTooLarge",
       [](StatesService& s, const std::string& arn) {
         auto r = UpdateRequest(arn);
         r.set_definition(std::string(1024 * 1024 + 1, ' '));
         return CallUpdate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "definition"}}},
      {"UpdateMissingMachine",
       [](StatesService& s, const std::string&) {
         auto r = UpdateRequest(kMissingArn);
         r.set_definition(kV2Machine);
         return CallUpdate(s, r);
       },
       grpc::StatusCode::NOT_FOUND,
       "StateMachineDoesNotExist",
       {{"resource", kMissingArn}}},
      {"DeleteInvalidArn",
       [](StatesService& s, const std::string&) {
         v1::DeleteStateMachineRequest r;
         r.set_state_machine_arn("stateMachine:M");
         v1::DeleteStateMachineResponse response;
         return s.DeleteStateMachine(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidArn",
       {{"resource", "stateMachine:M"}}},
      {"DescribeMissingMachine",
       [](StatesService& s, const std::string&) {
         v1::DescribeStateMachineRequest r;
         r.set_state_machine_arn(kMissingArn);
         v1::DescribeStateMachineResponse response;
         return s.DescribeStateMachine(r, &response);
       },
       grpc::StatusCode::NOT_FOUND,
       "StateMachineDoesNotExist",
       {{"resource", kMissingArn}}},
      {"CreateTooManyTags",
       [](StatesService& s, const std::string&) {
         v1::CreateStateMachineRequest r;
         r.set_name("Tagged");
         r.set_definition(kPassMachine);
         for (int i = 0; i < 51; ++i) r.add_tags()->set_key(std::to_string(i));
         return CallCreate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "TooManyTags",
       {{"field", "tags"}}},
      {"CreateUnknownType",
       [](StatesService& s, const std::string&) {
         v1::CreateStateMachineRequest r;
         r.set_name("Typed");
         r.set_definition(kPassMachine);
         r.set_type(static_cast<v1::StateMachineType>(7));
         return CallCreate(s, r);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "type"}}},
      {"CreateTakenNameOtherDefinition",
       [](StatesService& s, const std::string&) {
         v1::CreateStateMachineRequest r;
         r.set_name("Existing");
         r.set_definition(kV2Machine);
         return CallCreate(s, r);
       },
       grpc::StatusCode::ALREADY_EXISTS,
       "StateMachineAlreadyExists",
       {}},
      {"ListStateMachinesBadToken",
       [](StatesService& s, const std::string&) {
         v1::ListStateMachinesRequest r;
         r.set_next_token("garbage");
         v1::ListStateMachinesResponse response;
         return s.ListStateMachines(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "InvalidToken",
       {{"field", "next_token"}}},
      {"ListStateMachinesTooManyResults",
       [](StatesService& s, const std::string&) {
         v1::ListStateMachinesRequest r;
         r.set_max_results(1001);
         v1::ListStateMachinesResponse response;
         return s.ListStateMachines(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "max_results"}}},
      {"ValidateNegativeMaxResults",
       [](StatesService& s, const std::string&) {
         v1::ValidateStateMachineDefinitionRequest r;
         r.set_definition(kPassMachine);
         r.set_max_results(-1);
         v1::ValidateStateMachineDefinitionResponse response;
         return s.ValidateStateMachineDefinition(r, &response);
       },
       grpc::StatusCode::INVALID_ARGUMENT,
       "ValidationException",
       {{"field", "max_results"}}},
  };
}

INSTANTIATE_TEST_SUITE_P(All, StateMachineErrorsTest, ::testing::ValuesIn(StateMachineErrorCases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace stepwise::service::testing
