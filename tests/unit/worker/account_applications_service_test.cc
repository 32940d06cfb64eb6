// The AccountApplications gRPC API in-process: ApplicationsService over a
// MemoryApplicationStore, with a fake orchestrator States service that
// records StartExecution and SendTaskSuccess.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/unit/worker/account_applications_fake_states.h"
#include "worker/account_applications/applications_service.h"
#include "worker/account_applications/grpc_service.h"
#include "worker/account_applications/memory_application_store.h"
#include "workshop/v1/account_applications.grpc.pb.h"

namespace stepwise::account_applications {
namespace {

using ::stepwise::account_applications::testing::FakeStates;
using ::testing::HasSubstr;
namespace pb = ::workshop::v1;

constexpr char kStateMachineArn[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Workshop";

class AccountApplicationsServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder states_builder;
    int states_port = 0;
    states_builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &states_port);
    states_builder.RegisterService(&fake_states_);
    states_server_ = states_builder.BuildAndStart();
    ASSERT_NE(states_server_, nullptr);
    states_stub_ = stepwise::v1::States::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(states_port), grpc::InsecureChannelCredentials()));

    ApplicationsServiceOptions options;
    options.state_machine_arn = kStateMachineArn;
    options.new_id = [this] { return "application_" + std::to_string(++next_id_); };
    service_ = std::make_unique<ApplicationsService>(store_, *states_stub_, options);
    grpc_service_ = std::make_unique<AccountApplicationsGrpcService>(*service_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(grpc_service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    client_ = pb::AccountApplications::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_) server_->Shutdown();
    if (states_server_) states_server_->Shutdown();
  }

  grpc::Status Submit(const std::string& name, const std::string& address,
                      pb::SubmitApplicationResponse* response) {
    pb::SubmitApplicationRequest request;
    request.set_name(name);
    request.set_address(address);
    grpc::ClientContext context;
    return client_->SubmitApplication(&context, request, response);
  }

  grpc::Status Review(const std::string& id, pb::ReviewDecision decision,
                      pb::ReviewApplicationResponse* response) {
    pb::ReviewApplicationRequest request;
    request.set_id(id);
    request.set_decision(decision);
    grpc::ClientContext context;
    return client_->ReviewApplication(&context, request, response);
  }

  // An application the workflow flagged for review with `token`.
  std::string FlaggedApplication(const std::string& token) {
    pb::SubmitApplicationResponse submitted;
    EXPECT_TRUE(Submit("evil Spock", "123 Enterprise Street", &submitted).ok());
    const std::string id = submitted.application().id();
    EXPECT_TRUE(
        store_.Update(id, {.state = ApplicationState::kFlaggedForReview, .task_token = token})
            .ok());
    return id;
  }

  MemoryApplicationStore store_;
  FakeStates fake_states_;
  int next_id_ = 0;
  std::unique_ptr<grpc::Server> states_server_;
  std::unique_ptr<stepwise::v1::States::Stub> states_stub_;
  std::unique_ptr<ApplicationsService> service_;
  std::unique_ptr<AccountApplicationsGrpcService> grpc_service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<pb::AccountApplications::Stub> client_;
};

TEST_F(AccountApplicationsServiceTest, SubmitStoresTheApplicationAndStartsTheWorkflow) {
  pb::SubmitApplicationResponse response;
  ASSERT_TRUE(Submit("Spock", "123 Enterprise Street", &response).ok());

  const pb::Application& application = response.application();
  EXPECT_EQ(application.id(), "application_1");
  EXPECT_EQ(application.name(), "Spock");
  EXPECT_EQ(application.address(), "123 Enterprise Street");
  EXPECT_EQ(application.state(), pb::APPLICATION_STATE_SUBMITTED);
  EXPECT_EQ(application.execution_arn(),
            "arn:aws:states:us-east-1:123456789012:execution:Workshop:application_1");

  const std::vector<stepwise::v1::StartExecutionRequest> starts = fake_states_.starts();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].state_machine_arn(), kStateMachineArn);
  EXPECT_EQ(starts[0].name(), "application_1");
  EXPECT_EQ(boost::json::parse(starts[0].input()),
            boost::json::parse(R"({"application": {"id": "application_1", "name": "Spock",
                "address": "123 Enterprise Street", "state": "SUBMITTED"}})"));

  const Application stored = store_.Get("application_1").value();
  EXPECT_EQ(stored.state, ApplicationState::kSubmitted);
  EXPECT_EQ(stored.execution_arn, application.execution_arn());
}

TEST_F(AccountApplicationsServiceTest, SubmitRejectsBadInputAndStartsNothing) {
  struct Case {
    std::string name, address, message_part;
  };
  const std::vector<Case> cases = {
      {"", "123 Street", "name must not be empty"},
      {"Spock", "", "address must not be empty"},
      {std::string(1025, 'x'), "123 Street", "name must be at most 1024 bytes, not 1025"},
      {"Spock", std::string(5000, '1'), "address must be at most 1024 bytes"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message_part);
    pb::SubmitApplicationResponse response;
    const grpc::Status status = Submit(c.name, c.address, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message_part));
  }
  EXPECT_TRUE(fake_states_.starts().empty());
}

TEST_F(AccountApplicationsServiceTest, SubmitWithoutAnyStateMachineIsAnInvalidArgument) {
  ApplicationsService service(store_, *states_stub_, ApplicationsServiceOptions{});
  const absl::StatusOr<Application> submitted = service.Submit("Spock", "123 Enterprise Street");
  EXPECT_EQ(submitted.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(submitted.status().message()), HasSubstr("state_machine_arn"));
  EXPECT_THAT(std::string(submitted.status().message()), HasSubstr("--state-machine-arn"));
  EXPECT_TRUE(fake_states_.starts().empty());
}

TEST_F(AccountApplicationsServiceTest, TheRequestsStateMachineOverridesTheDefault) {
  constexpr char kOther[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Workshop-v8";
  pb::SubmitApplicationRequest request;
  request.set_name("Spock");
  request.set_address("123 Enterprise Street");
  request.set_state_machine_arn(kOther);
  pb::SubmitApplicationResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(client_->SubmitApplication(&context, request, &response).ok());

  request.set_state_machine_arn(std::string(2049, 'a'));
  grpc::ClientContext too_long;
  const grpc::Status status = client_->SubmitApplication(&too_long, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("state_machine_arn must be at most 2048 bytes"));

  const std::vector<stepwise::v1::StartExecutionRequest> starts = fake_states_.starts();
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(starts[0].state_machine_arn(), kOther);
}

TEST_F(AccountApplicationsServiceTest, RefusedStartLeavesNothingStored) {
  fake_states_.FailStartsWith(
      grpc::Status(grpc::StatusCode::NOT_FOUND, "StateMachineDoesNotExist: no such machine"));
  pb::SubmitApplicationResponse response;
  grpc::Status status = Submit("Spock", "123 Enterprise Street", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("StateMachineDoesNotExist"));
  EXPECT_EQ(store_.Get("application_1").status().code(), absl::StatusCode::kNotFound);

  fake_states_.FailStartsWith(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"));
  status = Submit("Spock", "123 Enterprise Street", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(store_.Get("application_2").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(AccountApplicationsServiceTest, ReviewResumesTheExecutionWithTheDecision) {
  struct Case {
    pb::ReviewDecision decision;
    pb::ApplicationState state;
    std::string output;
  };
  const std::vector<Case> cases = {
      {pb::REVIEW_DECISION_APPROVE, pb::APPLICATION_STATE_REVIEW_APPROVED,
       R"({"decision":"APPROVE"})"},
      {pb::REVIEW_DECISION_REJECT, pb::APPLICATION_STATE_REVIEW_REJECTED,
       R"({"decision":"REJECT"})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.output);
    const std::string token = "token-" + c.output;
    const std::string id = FlaggedApplication(token);
    pb::ReviewApplicationResponse response;
    ASSERT_TRUE(Review(id, c.decision, &response).ok());
    EXPECT_EQ(response.application().state(), c.state);

    const std::vector<stepwise::v1::SendTaskSuccessRequest> successes = fake_states_.successes();
    ASSERT_FALSE(successes.empty());
    EXPECT_EQ(successes.back().task_token(), token);
    EXPECT_EQ(successes.back().output(), c.output);

    pb::GetApplicationRequest get;
    get.set_id(id);
    pb::GetApplicationResponse got;
    grpc::ClientContext context;
    ASSERT_TRUE(client_->GetApplication(&context, get, &got).ok());
    EXPECT_EQ(got.application().state(), c.state);
  }
}

TEST_F(AccountApplicationsServiceTest, BadReviewsChangeNothing) {
  const std::string flagged = FlaggedApplication("token-1");
  pb::SubmitApplicationResponse submitted;
  ASSERT_TRUE(Submit("Spock", "123 Enterprise Street", &submitted).ok());
  const std::string not_flagged = submitted.application().id();

  struct Case {
    std::string id;
    int decision;
    grpc::StatusCode code;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {flagged, pb::REVIEW_DECISION_UNSPECIFIED, grpc::StatusCode::INVALID_ARGUMENT,
       "decision must be APPROVE or REJECT"},
      {flagged, 42, grpc::StatusCode::INVALID_ARGUMENT, "decision must be APPROVE or REJECT"},
      {"", pb::REVIEW_DECISION_APPROVE, grpc::StatusCode::INVALID_ARGUMENT, "id must not be empty"},
      {"application_nope", pb::REVIEW_DECISION_APPROVE, grpc::StatusCode::NOT_FOUND,
       "Application 'application_nope' does not exist"},
      {not_flagged, pb::REVIEW_DECISION_REJECT, grpc::StatusCode::FAILED_PRECONDITION,
       "is SUBMITTED, not FLAGGED_FOR_REVIEW"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message_part);
    pb::ReviewApplicationResponse response;
    const grpc::Status status =
        Review(c.id, static_cast<pb::ReviewDecision>(c.decision), &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message_part));
  }
  EXPECT_TRUE(fake_states_.successes().empty());
  EXPECT_EQ(store_.Get(flagged).value().state, ApplicationState::kFlaggedForReview);
  EXPECT_EQ(store_.Get(not_flagged).value().state, ApplicationState::kSubmitted);
}

TEST_F(AccountApplicationsServiceTest, ASecondReviewIsRefused) {
  const std::string id = FlaggedApplication("token-1");
  pb::ReviewApplicationResponse response;
  ASSERT_TRUE(Review(id, pb::REVIEW_DECISION_APPROVE, &response).ok());
  const grpc::Status again = Review(id, pb::REVIEW_DECISION_REJECT, &response);
  EXPECT_EQ(again.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(again.error_message(), HasSubstr("is REVIEW_APPROVED, not FLAGGED_FOR_REVIEW"));
  EXPECT_EQ(fake_states_.successes().size(), 1u);
  EXPECT_EQ(store_.Get(id).value().state, ApplicationState::kReviewApproved);
}

TEST_F(AccountApplicationsServiceTest, FailedSendTaskSuccessUndoesTheReview) {
  struct Case {
    grpc::Status sent;
    grpc::StatusCode code;
  };
  const std::vector<Case> cases = {
      {grpc::Status(grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist: gone"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {grpc::Status(grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut: late"),
       grpc::StatusCode::FAILED_PRECONDITION},
      {grpc::Status(grpc::StatusCode::UNAVAILABLE, "down"), grpc::StatusCode::UNAVAILABLE},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sent.error_message());
    const std::string id = FlaggedApplication("token-" + c.sent.error_message());
    fake_states_.FailSuccessesWith(c.sent);
    pb::ReviewApplicationResponse response;
    const grpc::Status status = Review(id, pb::REVIEW_DECISION_APPROVE, &response);
    EXPECT_EQ(status.error_code(), c.code);
    EXPECT_THAT(status.error_message(), HasSubstr(c.sent.error_message()));
    const Application stored = store_.Get(id).value();
    EXPECT_EQ(stored.state, ApplicationState::kFlaggedForReview);
    EXPECT_EQ(stored.task_token, "token-" + c.sent.error_message());
  }
}

TEST_F(AccountApplicationsServiceTest, GetAndFind) {
  for (int i = 0; i < 5; ++i) {
    pb::SubmitApplicationResponse submitted;
    ASSERT_TRUE(Submit("Spock " + std::to_string(i), "1 Street", &submitted).ok());
  }
  ASSERT_TRUE(store_.Update("application_2", {.state = ApplicationState::kApproved}).ok());

  pb::GetApplicationRequest get;
  get.set_id("application_3");
  pb::GetApplicationResponse got;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(client_->GetApplication(&context, get, &got).ok());
  }
  EXPECT_EQ(got.application().name(), "Spock 2");
  get.set_id("application_9");
  {
    grpc::ClientContext context;
    EXPECT_EQ(client_->GetApplication(&context, get, &got).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }
  get.clear_id();
  {
    grpc::ClientContext context;
    EXPECT_EQ(client_->GetApplication(&context, get, &got).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }

  // Four SUBMITTED, two per page.
  pb::FindApplicationsRequest find;
  find.set_state(pb::APPLICATION_STATE_SUBMITTED);
  find.set_page_size(2);
  std::vector<std::string> ids;
  for (int page = 0; page < 5; ++page) {
    pb::FindApplicationsResponse found;
    grpc::ClientContext context;
    ASSERT_TRUE(client_->FindApplications(&context, find, &found).ok());
    for (const pb::Application& application : found.applications()) {
      ids.push_back(application.id());
    }
    if (found.next_page_token().empty()) break;
    find.set_page_token(found.next_page_token());
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"application_1", "application_3", "application_4",
                                           "application_5"}));

  find.Clear();
  find.set_state(pb::APPLICATION_STATE_APPROVED);
  pb::FindApplicationsResponse approved;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(client_->FindApplications(&context, find, &approved).ok());
  }
  ASSERT_EQ(approved.applications_size(), 1);
  EXPECT_EQ(approved.applications(0).id(), "application_2");
  EXPECT_TRUE(approved.next_page_token().empty());
}

TEST_F(AccountApplicationsServiceTest, FindRejectsBadRequests) {
  struct Case {
    int state;
    int page_size;
    std::string message_part;
  };
  const std::vector<Case> cases = {
      {pb::APPLICATION_STATE_UNSPECIFIED, 0, "state must be one of the application states"},
      {99, 0, "state must be one of the application states"},
      {pb::APPLICATION_STATE_SUBMITTED, -1, "page_size must be from 0 to 1000, not -1"},
      {pb::APPLICATION_STATE_SUBMITTED, 1001, "page_size must be from 0 to 1000, not 1001"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message_part);
    pb::FindApplicationsRequest find;
    find.set_state(static_cast<pb::ApplicationState>(c.state));
    find.set_page_size(c.page_size);
    pb::FindApplicationsResponse found;
    grpc::ClientContext context;
    const grpc::Status status = client_->FindApplications(&context, find, &found);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr(c.message_part));
  }
}

}  // namespace
}  // namespace stepwise::account_applications
