#include "worker/account_applications/client.h"

#include <cctype>
#include <chrono>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "common/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace stepwise::account_applications {
namespace {

namespace pb = ::workshop::v1;

// Proto enum names are this prefix + the workshop's word.
constexpr std::string_view kStatePrefix = "APPLICATION_STATE_";

std::string Upper(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// The workshop's words for every state, for error messages.
std::string StateWords() {
  std::vector<std::string> words;
  const google::protobuf::EnumDescriptor* states = pb::ApplicationState_descriptor();
  for (int i = 0; i < states->value_count(); ++i) {
    if (states->value(i)->number() == pb::APPLICATION_STATE_UNSPECIFIED) continue;
    words.push_back(states->value(i)->name().substr(kStatePrefix.size()));
  }
  return StrJoin(words, ", ");
}

std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + absl::ToChronoNanoseconds(timeout));
  return context;
}

}  // namespace

boost::json::object ApplicationToCliJson(const pb::Application& application) {
  std::string state = pb::ApplicationState_Name(application.state());
  if (std::string_view(state).starts_with(kStatePrefix)) state.erase(0, kStatePrefix.size());
  return {{"id", application.id()},           {"name", application.name()},
          {"address", application.address()}, {"state", state},
          {"reason", application.reason()},   {"executionArn", application.execution_arn()}};
}

absl::StatusOr<pb::ReviewDecision> ParseReviewDecision(std::string_view text) {
  const std::string upper = Upper(text);
  if (upper == "APPROVE") return pb::REVIEW_DECISION_APPROVE;
  if (upper == "REJECT") return pb::REVIEW_DECISION_REJECT;
  return absl::InvalidArgumentError(
      StrCat("--decision must be APPROVE or REJECT, not '", text, "'"));
}

absl::StatusOr<pb::ApplicationState> ParseApplicationStateWord(std::string_view text) {
  pb::ApplicationState state = pb::APPLICATION_STATE_UNSPECIFIED;
  const std::string upper = Upper(text);
  if (upper.empty() || upper == "UNSPECIFIED" ||
      !pb::ApplicationState_Parse(StrCat(kStatePrefix, upper), &state)) {
    return absl::InvalidArgumentError(
        StrCat("--state must be one of ", StateWords(), "; not '", text, "'"));
  }
  return state;
}

ApplicationsClient::ApplicationsClient(std::string endpoint, absl::Duration timeout)
    : endpoint_(std::move(endpoint)),
      timeout_(timeout),
      stub_(pb::AccountApplications::NewStub(
          grpc::CreateChannel(endpoint_, grpc::InsecureChannelCredentials()))) {}

absl::Status ApplicationsClient::FromGrpc(const grpc::Status& status, std::string_view call) const {
  if (status.ok()) return absl::OkStatus();
  const absl::StatusCode code = static_cast<absl::StatusCode>(status.error_code());
  if (code == absl::StatusCode::kUnavailable) {
    return absl::UnavailableError(StrCat("cannot reach the Account Applications service at ",
                                         endpoint_, " (", status.error_message(), ")"));
  }
  if (code == absl::StatusCode::kDeadlineExceeded) {
    return absl::DeadlineExceededError(StrCat("the Account Applications service at ", endpoint_,
                                              " did not answer ", call, " within ",
                                              absl::FormatDuration(timeout_)));
  }
  return absl::Status(code, StrCat(call, " failed (", absl::StatusCodeToString(code),
                                   "): ", status.error_message()));
}

absl::StatusOr<pb::Application> ApplicationsClient::Submit(const std::string& name,
                                                           const std::string& address,
                                                           const std::string& state_machine_arn) {
  pb::SubmitApplicationRequest request;
  request.set_name(name);
  request.set_address(address);
  request.set_state_machine_arn(state_machine_arn);
  pb::SubmitApplicationResponse response;
  const grpc::Status status = stub_->SubmitApplication(Context(timeout_).get(), request, &response);
  if (!status.ok()) return FromGrpc(status, "SubmitApplication");
  return response.application();
}

absl::StatusOr<pb::Application> ApplicationsClient::Review(const std::string& id,
                                                           pb::ReviewDecision decision) {
  pb::ReviewApplicationRequest request;
  request.set_id(id);
  request.set_decision(decision);
  pb::ReviewApplicationResponse response;
  const grpc::Status status = stub_->ReviewApplication(Context(timeout_).get(), request, &response);
  if (!status.ok()) return FromGrpc(status, "ReviewApplication");
  return response.application();
}

absl::StatusOr<pb::Application> ApplicationsClient::Get(const std::string& id) {
  pb::GetApplicationRequest request;
  request.set_id(id);
  pb::GetApplicationResponse response;
  const grpc::Status status = stub_->GetApplication(Context(timeout_).get(), request, &response);
  if (!status.ok()) return FromGrpc(status, "GetApplication");
  return response.application();
}

absl::StatusOr<std::vector<pb::Application>> ApplicationsClient::FindAll(
    pb::ApplicationState state) {
  std::vector<pb::Application> applications;
  pb::FindApplicationsRequest request;
  request.set_state(state);
  request.set_page_size(1000);
  std::set<std::string> tokens_seen;  // A service that repeats a token would loop forever.
  while (true) {
    pb::FindApplicationsResponse response;
    const grpc::Status status =
        stub_->FindApplications(Context(timeout_).get(), request, &response);
    if (!status.ok()) return FromGrpc(status, "FindApplications");
    for (pb::Application& application : *response.mutable_applications()) {
      applications.push_back(std::move(application));
    }
    if (response.next_page_token().empty()) break;
    if (!tokens_seen.insert(response.next_page_token()).second) {
      return absl::InternalError("FindApplications returned the same page token twice");
    }
    request.set_page_token(response.next_page_token());
  }
  return applications;
}

}  // namespace stepwise::account_applications
