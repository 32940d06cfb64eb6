// The workshop scenario (WORKSHOP.md) end to end: the real
// stepwise-orchestrator, data-checking and account-applications processes on
// one PostgreSQL database; all eight versions deployed with the workshop's
// definition substitutions; WORKSHOP.md's applications submitted through the
// AccountApplications API (all at once, one state machine ARN per version);
// reviews sent through the API and the account-applications CLI; then each
// execution's status, history and output and each application's state are
// checked against tests/e2e/workshop_cases.cc, and bad input to the CLI is
// shown to change nothing. Also: SIGTERM stops all three processes cleanly
// while executions wait for a review.
#include <signal.h>

#include <algorithm>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/workshop_cases.h"
#include "tests/e2e/workshop_stack.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

namespace pb = ::workshop::v1;
using ::testing::HasSubstr;

// Every execution settles within this (a loaded 2-core machine).
constexpr absl::Duration kSettleTimeout = absl::Seconds(60);

std::string StateName(pb::ApplicationState state) {
  const std::string name = pb::ApplicationState_Name(state);
  return name.substr(std::string("APPLICATION_STATE_").size());
}

// A submitted case and its ids.
struct Submitted {
  WorkshopCase c;
  std::string id;
  std::string execution_arn;
};

std::string Describe(const Submitted& run) {
  return StrCat("v", run.c.version, " ", run.c.label, " (", run.id, ")");
}

// `text` parsed; null (and a test failure) when it is not JSON.
boost::json::value Json(const std::string& text) {
  boost::system::error_code error;
  boost::json::value value = boost::json::parse(text, error);
  if (error) ADD_FAILURE() << "not JSON: '" << text << "'";
  return value;
}

// A JSON string's text ("" for anything else).
std::string Text(const boost::json::value& value) {
  return value.is_string() ? std::string(value.get_string()) : "";
}

class WorkshopE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<WorkshopStack>> stack = WorkshopStack::Start(dir_.path());
    ASSERT_TRUE(stack.ok()) << stack.status();
    stack_ = *std::move(stack);
  }

  void TearDown() override {
    if (HasFailure() && stack_ != nullptr) std::cerr << stack_->LogTails() << "\n";
  }

  // Deploys every version; returns version number -> state machine ARN.
  std::map<int, std::string> DeployAll() {
    std::map<int, std::string> machines;
    for (int n = 1; n <= 8; ++n) {
      absl::StatusOr<std::string> arn =
          DeployWorkshopVersion(stack_->states(), kWorkshopVersions[n - 1]);
      EXPECT_TRUE(arn.ok()) << arn.status();
      if (arn.ok()) machines[n] = *arn;
    }
    return machines;
  }

  v1::ExecutionStatus Status(const Submitted& run) {
    absl::StatusOr<v1::DescribeExecutionResponse> described =
        DescribeExecution(stack_->states(), run.execution_arn);
    return described.ok() ? described->status() : v1::EXECUTION_STATUS_UNSPECIFIED;
  }

  std::string ApplicationStateOf(const Submitted& run) {
    absl::StatusOr<pb::Application> application = GetApplication(stack_->applications(), run.id);
    return application.ok() ? StateName(application->state()) : "";
  }

  // For a failed wait: each run that is not `ready` yet, with its status,
  // application state and the last events of its history (a lost delivery
  // shows as a Started more than Scheduled, a stuck one as a Scheduled last).
  std::string NotReady(const std::vector<Submitted>& runs,
                       const std::function<bool(const Submitted&)>& ready) {
    constexpr size_t kLastEvents = 8;
    std::string out = "not there yet:";
    for (const Submitted& run : runs) {
      if (ready(run)) continue;
      StrAppend(&out, "\n  ", Describe(run), ": ", v1::ExecutionStatus_Name(Status(run)),
                ", application ", ApplicationStateOf(run), ", last events:");
      absl::StatusOr<std::vector<v1::HistoryEvent>> history =
          ExecutionHistory(stack_->states(), run.execution_arn);
      if (!history.ok()) {
        StrAppend(&out, " (", history.status().ToString(), ")");
        continue;
      }
      const size_t from = history->size() > kLastEvents ? history->size() - kLastEvents : 0;
      for (size_t i = from; i < history->size(); ++i) {
        std::string type = v1::HistoryEventType_Name((*history)[i].type());
        constexpr std::string_view kPrefix = "HISTORY_EVENT_TYPE_";
        if (type.rfind(kPrefix, 0) == 0) type.erase(0, kPrefix.size());
        StrAppend(&out, " ", type);
      }
    }
    return out;
  }

  // Checks the execution, its history and its application against `outcome`.
  void ExpectOutcome(const Submitted& run, const Outcome& outcome) {
    SCOPED_TRACE(Describe(run));
    absl::StatusOr<v1::DescribeExecutionResponse> described =
        DescribeExecution(stack_->states(), run.execution_arn);
    ASSERT_TRUE(described.ok()) << described.status();
    EXPECT_EQ(v1::ExecutionStatus_Name(described->status()),
              v1::ExecutionStatus_Name(outcome.status))
        << described->error() << ": " << described->cause();
    if (!outcome.error.empty()) {
      EXPECT_EQ(described->error(), outcome.error);
      EXPECT_THAT(described->cause(), HasSubstr(outcome.cause_part));
    }
    if (outcome.status == v1::EXECUTION_STATUS_SUCCEEDED &&
        described->status() == v1::EXECUTION_STATUS_SUCCEEDED) {
      boost::system::error_code parse_error;
      const boost::json::value output = boost::json::parse(described->output(), parse_error);
      ASSERT_FALSE(parse_error) << "output is not JSON: " << described->output();
      for (const auto& [pointer, expected] : outcome.output) {
        boost::system::error_code error;
        const boost::json::value* actual = output.find_pointer(pointer, error);
        ASSERT_NE(actual, nullptr) << "output has no " << pointer << ": " << described->output();
        EXPECT_EQ(*actual, boost::json::parse(expected))
            << pointer << " in " << described->output();
      }
    }

    absl::StatusOr<std::vector<v1::HistoryEvent>> history =
        ExecutionHistory(stack_->states(), run.execution_arn);
    ASSERT_TRUE(history.ok()) << history.status();
    ASSERT_FALSE(history->empty());
    EXPECT_EQ(history->front().type(), v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED);
    const std::vector<std::string> entered = StatesEntered(*history);
    EXPECT_TRUE(MatchesGroups(entered, outcome.entered))
        << "entered: " << StrJoin(entered, ", ")
        << "\nexpected: " << GroupsToString(outcome.entered);
    // Every Task went through a worker: scheduled, picked up, answered
    // (except the callback Pending Review waits for, and a Parallel branch's
    // task that the other branch's failure may have cut short). The data
    // checks and Approve/Reject name Lambda function ARNs (LambdaFunction*
    // events, as AWS), the flag step uses lambda:invoke (Task* events).
    auto count = [&](v1::HistoryEventType task, v1::HistoryEventType lambda) {
      return CountEvents(*history, task) + CountEvents(*history, lambda);
    };
    const int scheduled = count(v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED,
                                v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED);
    EXPECT_GE(scheduled, 1);
    const int started =
        count(v1::HISTORY_EVENT_TYPE_TASK_STARTED, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED);
    const int failed =
        count(v1::HISTORY_EVENT_TYPE_TASK_FAILED, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED);
    const int answered = count(v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED,
                               v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED) +
                         failed;
    const bool running = outcome.status == v1::EXECUTION_STATUS_RUNNING;
    const bool branch_may_abort =
        !outcome.reason.empty() &&
        std::any_of(outcome.entered.begin(), outcome.entered.end(),
                    [](const std::vector<std::string>& group) { return group.size() > 1; });
    if (branch_may_abort) {
      // The failing branch may end the Parallel before a worker even picked
      // up the other branch's task.
      EXPECT_LE(answered, started);
      EXPECT_LE(started, scheduled);
    } else {
      EXPECT_EQ(started, scheduled);
      EXPECT_EQ(answered, scheduled - (running ? 1 : 0));
    }
    if (outcome.status == v1::EXECUTION_STATUS_SUCCEEDED && outcome.reason.empty()) {
      EXPECT_EQ(failed, 0);
    }
    if (running) {
      EXPECT_EQ(entered.back(), "Pending Review");
    } else {
      const v1::HistoryEventType last = outcome.status == v1::EXECUTION_STATUS_SUCCEEDED
                                            ? v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED
                                            : v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED;
      EXPECT_EQ(v1::HistoryEventType_Name(history->back().type()), v1::HistoryEventType_Name(last));
    }
    if (!outcome.reason.empty() || outcome.error == "UnprocessableDataException") {
      // The data check's failure, as the worker SDK reported it.
      ASSERT_EQ(failed, 1);
      for (const v1::HistoryEvent& event : *history) {
        if (!event.has_lambda_function_failed_event_details()) continue;
        const v1::LambdaFunctionFailedEventDetails& details =
            event.lambda_function_failed_event_details();
        EXPECT_EQ(details.error(), "UnprocessableDataException");
        const boost::json::value cause = Json(details.cause());
        EXPECT_EQ(cause.at("errorMessage"), kUnprocessableReason);
      }
    }

    absl::StatusOr<pb::Application> application = GetApplication(stack_->applications(), run.id);
    ASSERT_TRUE(application.ok()) << application.status();
    EXPECT_EQ(StateName(application->state()), outcome.application_state);
    EXPECT_EQ(application->reason(), outcome.reason);
    EXPECT_EQ(application->execution_arn(), run.execution_arn);
  }

  // Bad input to the CLI against the live service: one line on stderr, a
  // non-zero exit, and the applications and executions as they were.
  void ExpectBadCliInputChangesNothing(const std::vector<Submitted>& runs) {
    const auto find = [&](int version, const std::string& label) {
      return std::find_if(runs.begin(), runs.end(), [&](const Submitted& run) {
        return run.c.version == version && run.c.label == label;
      });
    };
    ASSERT_NE(find(8, "BadAddressWaitsForReview"), runs.end());
    ASSERT_NE(find(8, "SpockApproved"), runs.end());
    const Submitted& waiting = *find(8, "BadAddressWaitsForReview");
    const Submitted& approved = *find(8, "SpockApproved");
    const std::string waiting_state = ApplicationStateOf(waiting);
    const v1::ExecutionStatus waiting_status = Status(waiting);
    const std::string approved_state = ApplicationStateOf(approved);
    struct BadCall {
      std::vector<std::string> args;
      int exit_code;
      std::string message_part;
    };
    const std::vector<BadCall> calls = {
        {{"review", "--id", waiting.id, "--decision", "MAYBE"},
         2,
         "--decision must be APPROVE or REJECT, not 'MAYBE'"},
        {{"review", "--id", waiting.id}, 2, "--decision is required"},
        {{"review", "--id", "application_nope", "--decision", "APPROVE"},
         1,
         "(NOT_FOUND): Application 'application_nope' does not exist"},
        {{"get", "--id", "application_nope"}, 1, "Application 'application_nope' does not exist"},
        {{"review", "--id", approved.id, "--decision", "REJECT"}, 1, "(FAILED_PRECONDITION)"},
        {{"find", "--state", "PENDING"}, 2, "--state must be one of SUBMITTED, FLAGGED_FOR_REVIEW"},
        {{"submit", "--name", "Spock", "--address", "1 Nowhere Lane", "--state-machine-arn",
          "arn:aws:states:us-east-1:123456789012:stateMachine:nope"},
         1,
         "StateMachineDoesNotExist"},
    };
    for (const BadCall& call : calls) {
      SCOPED_TRACE(StrJoin(call.args, " "));
      const CommandResult result = Cli(call.args);
      EXPECT_EQ(result.exit_code, call.exit_code);
      EXPECT_THAT(result.err, HasSubstr(call.message_part));
      EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << result.err;
      EXPECT_TRUE(result.out.empty()) << result.out;
    }
    EXPECT_EQ(ApplicationStateOf(waiting), waiting_state);
    EXPECT_EQ(Status(waiting), waiting_status);
    EXPECT_EQ(ApplicationStateOf(approved), approved_state);
    // The refused submit left nothing behind.
    const CommandResult submitted = Cli({"find", "--state", "SUBMITTED"});
    EXPECT_EQ(submitted.exit_code, 0) << submitted.err;
    EXPECT_THAT(submitted.out, ::testing::Not(HasSubstr("Nowhere")));
  }

  // Runs the account-applications CLI against the stack.
  CommandResult Cli(std::vector<std::string> args) {
    args.insert(args.begin(), ACCOUNT_APPLICATIONS_BIN);
    args.push_back("--endpoint");
    args.push_back(stack_->applications_endpoint());
    absl::StatusOr<CommandResult> result = RunCommand(args, dir_.path());
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommandResult{};
  }

  testing::ScopedTempDir dir_{"stepwise-workshop-e2e"};
  std::unique_ptr<WorkshopStack> stack_;
};

TEST_F(WorkshopE2eTest, EveryVersionReachesTheWorkshopsOutcomes) {
  const std::map<int, std::string> machines = DeployAll();
  ASSERT_EQ(machines.size(), 8u);

  // Submit everything at once: the executions run side by side.
  std::vector<Submitted> runs;
  for (const WorkshopCase& c : WorkshopCases()) runs.push_back({c, "", ""});
  {
    std::vector<std::future<absl::StatusOr<pb::Application>>> submitted;
    submitted.reserve(runs.size());
    for (const Submitted& run : runs) {
      submitted.push_back(std::async(std::launch::async, [&] {
        return SubmitApplication(stack_->applications(), run.c.name, run.c.address,
                                 machines.at(run.c.version));
      }));
    }
    for (size_t i = 0; i < runs.size(); ++i) {
      absl::StatusOr<pb::Application> application = submitted[i].get();
      ASSERT_TRUE(application.ok()) << Describe(runs[i]) << ": " << application.status();
      EXPECT_EQ(StateName(application->state()), "SUBMITTED");
      EXPECT_EQ(application->name(), runs[i].c.name);
      runs[i].id = application->id();
      runs[i].execution_arn = application->execution_arn();
      EXPECT_THAT(runs[i].execution_arn,
                  HasSubstr(StrCat(":execution:workshop-", runs[i].c.version, ":", runs[i].id)));
    }
  }

  // Phase 1: every execution ends, or waits at Pending Review with its
  // application flagged.
  const auto settled = [&](const Submitted& run) {
    if (Status(run) != v1::EXECUTION_STATUS_RUNNING) return true;
    return run.c.waits_for_review && ApplicationStateOf(run) == "FLAGGED_FOR_REVIEW";
  };
  EXPECT_TRUE(
      AwaitTrue([&] { return std::all_of(runs.begin(), runs.end(), settled); }, kSettleTimeout))
      << NotReady(runs, settled);
  std::vector<std::string> flagged_ids;
  for (const Submitted& run : runs) {
    if (!run.c.waits_for_review) continue;
    flagged_ids.push_back(run.id);
    ExpectOutcome(run, {.status = v1::EXECUTION_STATUS_RUNNING,
                        .application_state = "FLAGGED_FOR_REVIEW",
                        .entered = UpToPendingReview(run.c.outcome.entered)});
  }
  // The reviewer's view: the CLI finds every flagged application.
  const CommandResult found = Cli({"find", "--state", "FLAGGED_FOR_REVIEW"});
  ASSERT_EQ(found.exit_code, 0) << found.err;
  std::vector<std::string> found_ids;
  const boost::json::value found_json = Json(found.out);
  for (const boost::json::value& a : found_json.at("applications").as_array()) {
    EXPECT_EQ(a.at("state"), "FLAGGED_FOR_REVIEW");
    found_ids.emplace_back(a.at("id").as_string());
  }
  EXPECT_THAT(found_ids, ::testing::UnorderedElementsAreArray(flagged_ids));

  // Phase 2: the reviews; version 8's through the CLI, the others through gRPC.
  for (const Submitted& run : runs) {
    if (run.c.review == Review::kNone) continue;
    SCOPED_TRACE(Describe(run));
    const bool approve = run.c.review == Review::kApprove;
    if (run.c.version == 8) {
      const CommandResult reviewed =
          Cli({"review", "--id", run.id, "--decision", approve ? "APPROVE" : "REJECT"});
      if (reviewed.exit_code != 0) {
        ADD_FAILURE() << reviewed.err;
        continue;
      }
      const boost::json::value application = Json(reviewed.out);
      EXPECT_EQ(Text(application.at("id")), run.id);
      EXPECT_EQ(Text(application.at("state")), approve ? "REVIEW_APPROVED" : "REVIEW_REJECTED");
      EXPECT_EQ(Text(application.at("executionArn")), run.execution_arn);
    } else {
      absl::StatusOr<pb::Application> reviewed =
          ReviewApplication(stack_->applications(), run.id,
                            approve ? pb::REVIEW_DECISION_APPROVE : pb::REVIEW_DECISION_REJECT);
      if (!reviewed.ok()) {
        ADD_FAILURE() << reviewed.status();
        continue;
      }
      EXPECT_EQ(StateName(reviewed->state()), approve ? "REVIEW_APPROVED" : "REVIEW_REJECTED");
    }
  }
  // The last Task sets the application's final state before the execution
  // ends, so an ended execution has its final application state.
  const auto done = [&](const Submitted& run) {
    return run.c.outcome.status == v1::EXECUTION_STATUS_RUNNING ||
           Status(run) != v1::EXECUTION_STATUS_RUNNING;
  };
  EXPECT_TRUE(
      AwaitTrue([&] { return std::all_of(runs.begin(), runs.end(), done); }, kSettleTimeout))
      << NotReady(runs, done);
  for (const Submitted& run : runs) ExpectOutcome(run, run.c.outcome);

  // The CLI's view of one application matches the API's.
  const Submitted& unprocessable = runs.back();
  ASSERT_EQ(unprocessable.c.label, "UnprocessableData");
  const CommandResult got = Cli({"get", "--id", unprocessable.id});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  EXPECT_EQ(Json(got.out),
            boost::json::value(boost::json::object{{"id", unprocessable.id},
                                                   {"name", "UNPROCESSABLE_DATA"},
                                                   {"address", "123 Street"},
                                                   {"state", "FLAGGED_WITH_UNPROCESSABLE_DATA"},
                                                   {"reason", kUnprocessableReason},
                                                   {"executionArn", unprocessable.execution_arn}}));
  EXPECT_TRUE(got.err.empty()) << got.err;

  ExpectBadCliInputChangesNothing(runs);
}

// SIGTERM to all three at once (as Kubernetes sends it) while executions
// wait for a review and workers hold open polls: each exits 0, promptly.
TEST_F(WorkshopE2eTest, AllThreeStopCleanlyOnSigterm) {
  absl::StatusOr<std::string> machine =
      DeployWorkshopVersion(stack_->states(), kWorkshopVersions[7]);
  ASSERT_TRUE(machine.ok()) << machine.status();
  std::vector<Submitted> runs;
  for (const char* name : {"Spock", "evil Spock"}) {
    absl::StatusOr<pb::Application> application =
        SubmitApplication(stack_->applications(), name, "123 Enterprise Street", *machine);
    ASSERT_TRUE(application.ok()) << application.status();
    runs.push_back({{}, application->id(), application->execution_arn()});
  }
  // Spock's execution ends; evil Spock's waits for the review (or, if the
  // callback is broken, ends too: the shutdown must be clean either way).
  ASSERT_TRUE(AwaitTrue(
      [&] {
        return Status(runs[0]) == v1::EXECUTION_STATUS_SUCCEEDED &&
               (Status(runs[1]) != v1::EXECUTION_STATUS_RUNNING ||
                ApplicationStateOf(runs[1]) == "FLAGGED_FOR_REVIEW");
      },
      kSettleTimeout));

  // An idle client connection holds a server's shutdown until the client
  // reads the GOAWAY (about 5 s here); the test's own would count against
  // the servers.
  stack_->CloseClients();
  const absl::Time start = absl::Now();
  for (testing::ChildProcess* process :
       {&stack_->orchestrator(), &stack_->data_checking(), &stack_->account_applications()}) {
    process->Signal(SIGTERM);
  }
  for (testing::ChildProcess* process :
       {&stack_->orchestrator(), &stack_->data_checking(), &stack_->account_applications()}) {
    absl::StatusOr<int> code = process->Wait(absl::Seconds(20));
    ASSERT_TRUE(code.ok()) << code.status() << "\n" << process->Log();
    EXPECT_EQ(*code, 0) << process->Log();
  }
  // They stop in well under a second; the margin is for a loaded machine.
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_THAT(stack_->orchestrator().Log(), HasSubstr("stepwise-orchestrator: stopped"));
  EXPECT_THAT(stack_->account_applications().Log(), HasSubstr("SIGTERM received"));
}

}  // namespace
}  // namespace stepwise::e2e
