#include "worker/account_applications/applications_service.h"

#include <chrono>
#include <string>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"

namespace stepwise::account_applications {
namespace {

absl::Status CheckField(std::string_view field, std::string_view value) {
  if (value.empty()) return absl::InvalidArgumentError(StrCat(field, " must not be empty"));
  if (value.size() > kMaxFieldBytes) {
    return absl::InvalidArgumentError(
        StrCat(field, " must be at most ", kMaxFieldBytes, " bytes, not ", value.size()));
  }
  return absl::OkStatus();
}

bool OutcomeUnknown(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

// A failed orchestrator call as this service's error: transport trouble
// stays retryable, anything the orchestrator refused becomes
// kFailedPrecondition (the request was fine; the workflow's state is not).
absl::Status FromOrchestrator(const grpc::Status& status, std::string_view what) {
  const absl::StatusCode code = static_cast<absl::StatusCode>(status.error_code());
  std::string detail = StrCat(what, " failed (", absl::StatusCodeToString(code), ")");
  if (!status.error_message().empty()) StrAppend(&detail, ": ", status.error_message());
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
      return absl::UnavailableError(StrCat("The orchestrator cannot be reached. ", detail));
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return absl::DeadlineExceededError(
          StrCat("The orchestrator did not answer in time. ", detail));
    default:
      return absl::FailedPreconditionError(detail);
  }
}

}  // namespace

std::string_view ReviewDecisionName(ReviewDecision decision) {
  return decision == ReviewDecision::kApprove ? "APPROVE" : "REJECT";
}

ApplicationsService::ApplicationsService(ApplicationStore& store,
                                         stepwise::v1::States::StubInterface& states,
                                         ApplicationsServiceOptions options)
    : store_(store), states_(states), options_(std::move(options)) {}

absl::StatusOr<Application> ApplicationsService::Submit(std::string_view name,
                                                        std::string_view address,
                                                        std::string_view state_machine_arn) {
  RETURN_IF_ERROR(CheckField("name", name));
  RETURN_IF_ERROR(CheckField("address", address));
  if (state_machine_arn.size() > kMaxStateMachineArnBytes) {
    return absl::InvalidArgumentError(StrCat("state_machine_arn must be at most ",
                                             kMaxStateMachineArnBytes, " bytes, not ",
                                             state_machine_arn.size()));
  }
  const std::string machine(state_machine_arn.empty() ? options_.state_machine_arn
                                                      : state_machine_arn);
  if (machine.empty()) {
    return absl::InvalidArgumentError(
        "state_machine_arn is required: this service has no default state machine (give "
        "state_machine_arn in the request, or start account-applications with "
        "--state-machine-arn)");
  }
  Application application;
  application.id = options_.new_id();
  application.name = std::string(name);
  application.address = std::string(address);
  application.state = ApplicationState::kSubmitted;
  RETURN_IF_ERROR(store_.Insert(application));

  stepwise::v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine);
  // Named after the application: one execution per application, and a
  // repeated start is recognizable as such by the orchestrator.
  request.set_name(application.id);
  request.set_input(
      boost::json::serialize(boost::json::object{{"application", ApplicationToJson(application)}}));
  stepwise::v1::StartExecutionResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoNanoseconds(options_.orchestrator_timeout));
  const grpc::Status started = states_.StartExecution(&context, request, &response);
  if (!started.ok()) {
    const absl::Status error =
        FromOrchestrator(started, StrCat("StartExecution of ", machine, " for ", application.id));
    // When the execution may have started, keep what it will look up.
    if (!OutcomeUnknown(started)) store_.Delete(application.id).IgnoreError();
    return error;
  }
  application.execution_arn = response.execution_arn();
  // The execution runs already; failing to note its ARN is not worth
  // failing the call for: the response still carries it.
  store_.Update(application.id, {.execution_arn = application.execution_arn}).IgnoreError();
  return application;
}

absl::StatusOr<Application> ApplicationsService::Review(std::string_view id,
                                                        ReviewDecision decision) {
  if (id.empty()) return absl::InvalidArgumentError("id must not be empty");
  const ApplicationState reviewed = decision == ReviewDecision::kApprove
                                        ? ApplicationState::kReviewApproved
                                        : ApplicationState::kReviewRejected;
  // Compare-and-set first: of two concurrent reviews only one gets here.
  ASSIGN_OR_RETURN(Application application,
                   store_.Update(id, {.state = reviewed,
                                      .expected_state = ApplicationState::kFlaggedForReview}));
  const auto undo = [&] {
    store_.Update(id, {.state = ApplicationState::kFlaggedForReview, .expected_state = reviewed})
        .IgnoreError();
  };
  if (application.task_token.empty()) {
    undo();
    return absl::FailedPreconditionError(
        StrCat("Application '", id, "' has no task token: no execution waits for its review"));
  }
  stepwise::v1::SendTaskSuccessRequest request;
  request.set_task_token(application.task_token);
  request.set_output(
      boost::json::serialize(boost::json::object{{"decision", ReviewDecisionName(decision)}}));
  stepwise::v1::SendTaskSuccessResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       absl::ToChronoNanoseconds(options_.orchestrator_timeout));
  const grpc::Status sent = states_.SendTaskSuccess(&context, request, &response);
  if (!sent.ok()) {
    // Undone even when the outcome is unknown: if the decision did arrive,
    // the workflow goes on to APPROVED/REJECTED regardless.
    undo();
    return FromOrchestrator(sent, StrCat("SendTaskSuccess for application '", id, "'"));
  }
  return application;
}

absl::StatusOr<Application> ApplicationsService::Get(std::string_view id) {
  if (id.empty()) return absl::InvalidArgumentError("id must not be empty");
  return store_.Get(id);
}

absl::StatusOr<ApplicationPage> ApplicationsService::Find(ApplicationState state, int page_size,
                                                          std::string_view page_token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        StrCat("page_size must be from 0 to ", kMaxPageSize, ", not ", page_size));
  }
  if (page_token.size() > kMaxFieldBytes) {
    return absl::InvalidArgumentError("page_token is not one this service returned");
  }
  return store_.FindByState(state, page_size == 0 ? kDefaultPageSize : page_size, page_token);
}

}  // namespace stepwise::account_applications
