#include "worker/account_applications/grpc_service.h"

#include <optional>
#include <string>

#include "common/str_cat.h"

namespace stepwise::account_applications {
namespace {

namespace pb = ::workshop::v1;

// absl and gRPC share their code numbering. This service has no AWS-style
// exception names to add, so the message passes through unchanged.
grpc::Status ToGrpc(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  return grpc::Status(static_cast<grpc::StatusCode>(static_cast<int>(status.code())),
                      std::string(status.message().data(), status.message().size()));
}

pb::ApplicationState ToProto(ApplicationState state) {
  switch (state) {
    case ApplicationState::kSubmitted:
      return pb::APPLICATION_STATE_SUBMITTED;
    case ApplicationState::kFlaggedForReview:
      return pb::APPLICATION_STATE_FLAGGED_FOR_REVIEW;
    case ApplicationState::kFlaggedWithUnprocessableData:
      return pb::APPLICATION_STATE_FLAGGED_WITH_UNPROCESSABLE_DATA;
    case ApplicationState::kReviewApproved:
      return pb::APPLICATION_STATE_REVIEW_APPROVED;
    case ApplicationState::kReviewRejected:
      return pb::APPLICATION_STATE_REVIEW_REJECTED;
    case ApplicationState::kApproved:
      return pb::APPLICATION_STATE_APPROVED;
    case ApplicationState::kRejected:
      return pb::APPLICATION_STATE_REJECTED;
  }
  return pb::APPLICATION_STATE_UNSPECIFIED;
}

// Proto enum names are "APPLICATION_STATE_" + the workshop's name.
std::optional<ApplicationState> FromProto(pb::ApplicationState state) {
  constexpr std::string_view kPrefix = "APPLICATION_STATE_";
  if (!pb::ApplicationState_IsValid(state)) return std::nullopt;
  const std::string& name = pb::ApplicationState_Name(state);
  if (!std::string_view(name).starts_with(kPrefix)) return std::nullopt;
  return ParseApplicationState(std::string_view(name).substr(kPrefix.size()));
}

}  // namespace

pb::Application ToProto(const Application& application) {
  pb::Application proto;
  proto.set_id(application.id);
  proto.set_name(application.name);
  proto.set_address(application.address);
  proto.set_state(ToProto(application.state));
  proto.set_reason(application.reason);
  proto.set_execution_arn(application.execution_arn);
  return proto;
}

grpc::Status AccountApplicationsGrpcService::SubmitApplication(
    grpc::ServerContext* /*context*/, const pb::SubmitApplicationRequest* request,
    pb::SubmitApplicationResponse* response) {
  absl::StatusOr<Application> application =
      service_.Submit(request->name(), request->address(), request->state_machine_arn());
  if (!application.ok()) return ToGrpc(application.status());
  *response->mutable_application() = ToProto(*application);
  return grpc::Status::OK;
}

grpc::Status AccountApplicationsGrpcService::ReviewApplication(
    grpc::ServerContext* /*context*/, const pb::ReviewApplicationRequest* request,
    pb::ReviewApplicationResponse* response) {
  ReviewDecision decision;
  switch (request->decision()) {
    case pb::REVIEW_DECISION_APPROVE:
      decision = ReviewDecision::kApprove;
      break;
    case pb::REVIEW_DECISION_REJECT:
      decision = ReviewDecision::kReject;
      break;
    default:
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                          StrCat("decision must be APPROVE or REJECT (REVIEW_DECISION_APPROVE "
                                 "or REVIEW_DECISION_REJECT), not ",
                                 static_cast<int>(request->decision())));
  }
  absl::StatusOr<Application> application = service_.Review(request->id(), decision);
  if (!application.ok()) return ToGrpc(application.status());
  *response->mutable_application() = ToProto(*application);
  return grpc::Status::OK;
}

grpc::Status AccountApplicationsGrpcService::GetApplication(
    grpc::ServerContext* /*context*/, const pb::GetApplicationRequest* request,
    pb::GetApplicationResponse* response) {
  absl::StatusOr<Application> application = service_.Get(request->id());
  if (!application.ok()) return ToGrpc(application.status());
  *response->mutable_application() = ToProto(*application);
  return grpc::Status::OK;
}

grpc::Status AccountApplicationsGrpcService::FindApplications(
    grpc::ServerContext* /*context*/, const pb::FindApplicationsRequest* request,
    pb::FindApplicationsResponse* response) {
  std::optional<ApplicationState> state = FromProto(request->state());
  if (!state.has_value()) {
    return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        StrCat("state must be one of the application states (e.g. "
                               "APPLICATION_STATE_FLAGGED_FOR_REVIEW), not ",
                               static_cast<int>(request->state())));
  }
  absl::StatusOr<ApplicationPage> page =
      service_.Find(*state, request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpc(page.status());
  for (const Application& application : page->applications) {
    *response->add_applications() = ToProto(application);
  }
  response->set_next_page_token(page->next_after_id);
  return grpc::Status::OK;
}

}  // namespace stepwise::account_applications
