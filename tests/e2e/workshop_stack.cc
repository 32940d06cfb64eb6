#include "tests/e2e/workshop_stack.h"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

namespace pb = ::workshop::v1;
using testing::ChildProcess;

// Generous: a loaded 2-core machine runs these tests next to builds.
constexpr absl::Duration kStartTimeout = absl::Seconds(60);
constexpr absl::Duration kCallTimeout = absl::Seconds(20);

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  return context;
}

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      StrCat(what, ": ", status.error_message()));
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Tail(const std::string& text, size_t max = 3000) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

// Single quotes for /bin/sh: ' becomes '\''.
std::string ShellQuote(const std::string& arg) {
  std::string quoted = "'";
  for (char c : arg) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace

std::string EndpointInReadyLine(const std::string& line) {
  constexpr std::string_view kMarker = "serving on ";
  const size_t at = line.find(kMarker);
  if (at == std::string::npos) return "";
  const size_t begin = at + kMarker.size();
  const size_t end = line.find_first_of(" ,", begin);
  return line.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

absl::StatusOr<std::unique_ptr<WorkshopStack>> WorkshopStack::Start(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::string database_url, testing::CreateTestDatabase());
  std::unique_ptr<WorkshopStack> stack(new WorkshopStack());

  ASSIGN_OR_RETURN(stack->orchestrator_,
                   ChildProcess::Start({STEPWISE_ORCHESTRATOR_BIN, "--listen", "127.0.0.1:0",
                                        "--database-url", database_url},
                                       dir + "/orchestrator.log"));
  ASSIGN_OR_RETURN(const std::string orchestrator_line,
                   stack->orchestrator_->WaitForLine("serving on", kStartTimeout));
  const std::string orchestrator = EndpointInReadyLine(orchestrator_line);

  // Both workers start at once; each waits for its own ready line.
  ASSIGN_OR_RETURN(stack->data_checking_,
                   ChildProcess::Start({DATA_CHECKING_BIN, "--orchestrator", orchestrator},
                                       dir + "/data-checking.log"));
  ASSIGN_OR_RETURN(
      stack->account_applications_,
      ChildProcess::Start({ACCOUNT_APPLICATIONS_BIN, "serve", "--database-url", database_url,
                           "--listen", "127.0.0.1:0", "--orchestrator", orchestrator},
                          dir + "/account-applications.log"));
  RETURN_IF_ERROR(stack->data_checking_->WaitForLine("polling", kStartTimeout).status());
  ASSIGN_OR_RETURN(const std::string applications_line,
                   stack->account_applications_->WaitForLine("serving on", kStartTimeout));
  stack->applications_endpoint_ = EndpointInReadyLine(applications_line);

  stack->states_ =
      v1::States::NewStub(grpc::CreateChannel(orchestrator, grpc::InsecureChannelCredentials()));
  stack->applications_ = pb::AccountApplications::NewStub(
      grpc::CreateChannel(stack->applications_endpoint_, grpc::InsecureChannelCredentials()));
  return stack;
}

std::string WorkshopStack::LogTails() const {
  return StrCat("--- orchestrator.log\n", Tail(orchestrator_->Log()), "\n--- data-checking.log\n",
                Tail(data_checking_->Log()), "\n--- account-applications.log\n",
                Tail(account_applications_->Log()));
}

absl::StatusOr<std::string> DeployWorkshopVersion(v1::States::Stub& states,
                                                  const std::string& version) {
  ASSIGN_OR_RETURN(const std::string definition,
                   ReadFile(StrCat(STEPWISE_SOURCE_DIR, "/examples/workshop/", version,
                                   "__account-application-workflow.asl.json")));
  ASSIGN_OR_RETURN(const std::string substitutions_text,
                   ReadFile(StrCat(STEPWISE_SOURCE_DIR, "/tests/workshop/substitutions.json")));
  boost::system::error_code error;
  const boost::json::value substitutions = boost::json::parse(substitutions_text, error);
  if (error || !substitutions.is_object()) {
    return absl::InvalidArgumentError("tests/workshop/substitutions.json is not a JSON object");
  }
  v1::CreateStateMachineRequest request;
  request.set_name(StrCat("workshop-", version.substr(0, version.find('-'))));
  request.set_definition(definition);
  for (const auto& [key, value] : substitutions.as_object()) {
    if (!value.is_string()) {
      return absl::InvalidArgumentError(
          StrCat("substitution ", std::string(key), " is not a string"));
    }
    (*request.mutable_definition_substitutions())[std::string(key)] = value.as_string().c_str();
  }
  v1::CreateStateMachineResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(states.CreateStateMachine(context.get(), request, &response),
                           StrCat("CreateStateMachine ", version)));
  return response.state_machine_arn();
}

absl::StatusOr<pb::Application> SubmitApplication(pb::AccountApplications::Stub& applications,
                                                  const std::string& name,
                                                  const std::string& address,
                                                  const std::string& state_machine_arn) {
  pb::SubmitApplicationRequest request;
  request.set_name(name);
  request.set_address(address);
  request.set_state_machine_arn(state_machine_arn);
  pb::SubmitApplicationResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(applications.SubmitApplication(context.get(), request, &response),
                           StrCat("SubmitApplication ", name)));
  return response.application();
}

absl::StatusOr<pb::Application> GetApplication(pb::AccountApplications::Stub& applications,
                                               const std::string& id) {
  pb::GetApplicationRequest request;
  request.set_id(id);
  pb::GetApplicationResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(applications.GetApplication(context.get(), request, &response),
                           StrCat("GetApplication ", id)));
  return response.application();
}

absl::StatusOr<pb::Application> ReviewApplication(pb::AccountApplications::Stub& applications,
                                                  const std::string& id,
                                                  pb::ReviewDecision decision) {
  pb::ReviewApplicationRequest request;
  request.set_id(id);
  request.set_decision(decision);
  pb::ReviewApplicationResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(applications.ReviewApplication(context.get(), request, &response),
                           StrCat("ReviewApplication ", id)));
  return response.application();
}

absl::StatusOr<v1::DescribeExecutionResponse> DescribeExecution(v1::States::Stub& states,
                                                                const std::string& arn) {
  v1::DescribeExecutionRequest request;
  request.set_execution_arn(arn);
  v1::DescribeExecutionResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(states.DescribeExecution(context.get(), request, &response),
                           StrCat("DescribeExecution ", arn)));
  return response;
}

absl::StatusOr<std::vector<v1::HistoryEvent>> ExecutionHistory(v1::States::Stub& states,
                                                               const std::string& arn) {
  std::vector<v1::HistoryEvent> events;
  v1::GetExecutionHistoryRequest request;
  request.set_execution_arn(arn);
  request.set_max_results(1000);
  do {
    v1::GetExecutionHistoryResponse response;
    auto context = Context();
    RETURN_IF_ERROR(FromGrpc(states.GetExecutionHistory(context.get(), request, &response),
                             StrCat("GetExecutionHistory ", arn)));
    for (v1::HistoryEvent& event : *response.mutable_events()) events.push_back(std::move(event));
    request.set_next_token(response.next_token());
  } while (!request.next_token().empty());
  return events;
}

std::vector<std::string> StatesEntered(const std::vector<v1::HistoryEvent>& history) {
  std::vector<std::string> names;
  for (const v1::HistoryEvent& event : history) {
    if (event.has_state_entered_event_details()) {
      names.push_back(event.state_entered_event_details().name());
    }
  }
  return names;
}

int CountEvents(const std::vector<v1::HistoryEvent>& history, v1::HistoryEventType type) {
  return static_cast<int>(std::count_if(
      history.begin(), history.end(), [&](const v1::HistoryEvent& e) { return e.type() == type; }));
}

bool AwaitTrue(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const std::string& dir, absl::Duration timeout,
                                         const std::vector<std::string>& env) {
  static std::atomic<int> runs{0};
  const std::string stem = StrCat(dir, "/command-", ++runs);
  std::string script = "exec";
  for (const std::string& arg : argv) StrAppend(&script, " ", ShellQuote(arg));
  StrAppend(&script, " >", ShellQuote(stem + ".out"), " 2>", ShellQuote(stem + ".err"));
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> process,
                   ChildProcess::Start({"/bin/sh", "-c", script}, stem + ".log", env));
  CommandResult result;
  ASSIGN_OR_RETURN(result.exit_code, process->Wait(timeout));
  ASSIGN_OR_RETURN(result.out, ReadFile(stem + ".out"));
  ASSIGN_OR_RETURN(result.err, ReadFile(stem + ".err"));
  return result;
}

}  // namespace stepwise::e2e
