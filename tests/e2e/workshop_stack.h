// WorkshopStack: the workshop's three processes for e2e tests —
// stepwise-orchestrator, data-checking and account-applications — on one
// fresh database of the test binary's embedded PostgreSQL, plus gRPC
// clients for them and the AccountApplications calls the e2e tests make
// (the States calls are in states_calls.h).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<WorkshopStack> stack, WorkshopStack::Start(dir.path()));
//   ASSIGN_OR_RETURN(std::string arn, DeployWorkshopVersion(stack->states(), "8-parallel-steps"));
//   ASSIGN_OR_RETURN(workshop::v1::Application application,
//                    SubmitApplication(stack->applications(), "Spock", "123 Street", arn));
//   stack->orchestrator().Signal(SIGTERM);
//
// Binary paths come from compile definitions (STEPWISE_ORCHESTRATOR_BIN for
// orchestrator_process.h, DATA_CHECKING_BIN, ACCOUNT_APPLICATIONS_BIN), the
// workshop's files from STEPWISE_SOURCE_DIR. Every call has a deadline;
// errors carry the gRPC code and message as an absl::Status.
#ifndef STEPWISE_TESTS_E2E_WORKSHOP_STACK_H_
#define STEPWISE_TESTS_E2E_WORKSHOP_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/e2e/orchestrator_process.h"
#include "tests/e2e/states_calls.h"
#include "tests/testing/await.h"
#include "tests/testing/child_process.h"
#include "workshop/v1/account_applications.grpc.pb.h"

namespace stepwise::e2e {

class WorkshopStack {
 public:
  // Starts the orchestrator on a new test database, then both workers
  // against it; returns once all three print their ready line. Logs go to
  // `dir`/{orchestrator,data-checking,account-applications}.log.
  static absl::StatusOr<std::unique_ptr<WorkshopStack>> Start(const std::string& dir);

  testing::ChildProcess& orchestrator() { return orchestrator_->process(); }
  testing::ChildProcess& data_checking() { return *data_checking_; }
  testing::ChildProcess& account_applications() { return *account_applications_; }

  v1::States::Stub& states() { return orchestrator_->states(); }
  workshop::v1::AccountApplications::Stub& applications() { return *applications_; }
  // "127.0.0.1:PORT" of the AccountApplications API (for the CLI's --endpoint).
  const std::string& applications_endpoint() const { return applications_endpoint_; }

  // Closes the test's own connections (states() and applications() must not
  // be used after), so that a server's shutdown does not wait for an idle
  // client of the test to see its GOAWAY.
  void CloseClients() {
    orchestrator_->CloseClient();
    applications_.reset();
  }

  // The tails of the three logs, for failure messages.
  std::string LogTails() const;

 private:
  WorkshopStack() = default;

  // Destroyed last (a clean stop, after the workers' SIGKILL).
  std::unique_ptr<OrchestratorProcess> orchestrator_;
  std::unique_ptr<testing::ChildProcess> data_checking_;
  std::unique_ptr<testing::ChildProcess> account_applications_;
  std::unique_ptr<workshop::v1::AccountApplications::Stub> applications_;
  std::string applications_endpoint_;
};

// Creates state machine "workshop-<version's number>" from
// examples/workshop/<version>__account-application-workflow.asl.json with
// tests/workshop/substitutions.json as definition substitutions.
absl::StatusOr<std::string> DeployWorkshopVersion(v1::States::Stub& states,
                                                  const std::string& version);

absl::StatusOr<workshop::v1::Application> SubmitApplication(
    workshop::v1::AccountApplications::Stub& applications, const std::string& name,
    const std::string& address, const std::string& state_machine_arn);
absl::StatusOr<workshop::v1::Application> GetApplication(
    workshop::v1::AccountApplications::Stub& applications, const std::string& id);
absl::StatusOr<workshop::v1::Application> ReviewApplication(
    workshop::v1::AccountApplications::Stub& applications, const std::string& id,
    workshop::v1::ReviewDecision decision);

// The tests wait for what they cannot be signalled about with it.
using ::stepwise::testing::AwaitTrue;

// A command's exit code and what it wrote to stdout and stderr.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
// Runs `argv` (argv[0] a path) with `env` (NAME=VALUE) added to ours and
// stdout and stderr captured in files under `dir`; waits up to `timeout`.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         const std::string& dir,
                                         absl::Duration timeout = absl::Seconds(30),
                                         const std::vector<std::string>& env = {});

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_WORKSHOP_STACK_H_
