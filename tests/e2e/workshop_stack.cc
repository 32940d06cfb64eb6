#include "tests/e2e/workshop_stack.h"

#include <atomic>
#include <fstream>
#include <iterator>
#include <map>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "tests/e2e/grpc_call.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

namespace pb = ::workshop::v1;
using testing::ChildProcess;

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
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

absl::StatusOr<std::unique_ptr<WorkshopStack>> WorkshopStack::Start(const std::string& dir) {
  ASSIGN_OR_RETURN(const std::string database_url, testing::CreateTestDatabase());
  std::unique_ptr<WorkshopStack> stack(new WorkshopStack());

  ASSIGN_OR_RETURN(stack->orchestrator_,
                   OrchestratorProcess::Start(/*port=*/0, {"--database-url", database_url},
                                              dir + "/orchestrator.log"));
  const std::string& orchestrator = stack->orchestrator_->endpoint();

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

  stack->applications_ = pb::AccountApplications::NewStub(
      grpc::CreateChannel(stack->applications_endpoint_, grpc::InsecureChannelCredentials()));
  return stack;
}

std::string WorkshopStack::LogTails() const {
  return StrCat("--- orchestrator.log\n", Tail(orchestrator_->process().Log()),
                "\n--- data-checking.log\n", Tail(data_checking_->Log()),
                "\n--- account-applications.log\n", Tail(account_applications_->Log()));
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
  std::map<std::string, std::string> definition_substitutions;
  for (const auto& [key, value] : substitutions.as_object()) {
    if (!value.is_string()) {
      return absl::InvalidArgumentError(
          StrCat("substitution ", std::string(key), " is not a string"));
    }
    definition_substitutions[std::string(key)] = value.as_string().c_str();
  }
  return CreateMachine(states, StrCat("workshop-", version.substr(0, version.find('-'))),
                       definition, definition_substitutions);
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
  auto context = CallContext();
  RETURN_IF_ERROR(FromGrpc(applications.SubmitApplication(context.get(), request, &response),
                           StrCat("SubmitApplication ", name)));
  return response.application();
}

absl::StatusOr<pb::Application> GetApplication(pb::AccountApplications::Stub& applications,
                                               const std::string& id) {
  pb::GetApplicationRequest request;
  request.set_id(id);
  pb::GetApplicationResponse response;
  auto context = CallContext();
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
  auto context = CallContext();
  RETURN_IF_ERROR(FromGrpc(applications.ReviewApplication(context.get(), request, &response),
                           StrCat("ReviewApplication ", id)));
  return response.application();
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
