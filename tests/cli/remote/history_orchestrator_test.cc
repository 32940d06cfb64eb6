// `stepwise history` against the real orchestrator (StatesGrpcService over
// a MemoryStore, in process): the rows of an execution that goes through a
// Pass, a caught Task failure and a Parallel state with a callback task, as
// it runs, and --watch following it to the end step by step.
#include <string>

#include "cli/remote/execution_commands.h"
#include "cli/remote/history_command.h"
#include "cli/remote/state_machine_commands.h"
#include "cli/remote/task_commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/remote_test_support.h"

namespace stepwise::cli {
namespace {

using testing::CommandOutput;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using testing::InProcessOrchestrator;
using testing::RunCommand;

constexpr char kMachineArn[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Review";
constexpr char kExecutionArn[] = "arn:aws:states:us-east-1:123456789012:execution:Review:app-1";
constexpr char kReview[] = R"({
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"who.$": "$.name"}, "Next": "Check Name"},
    "Check Name": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:checker",
                   "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                              "Next": "Review"}],
                   "Next": "Review"},
    "Review": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "Log", "States": {"Log": {"Type": "Pass", "End": true}}},
      {"StartAt": "Pending Review", "States": {"Pending Review": {
        "Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
        "Parameters": {"FunctionName": "reviewer", "Payload": {"token.$": "$$.Task.Token"}},
        "End": true}}}]}
  }
})";

class HistoryOrchestratorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandOutput created =
        RunCommand(RunCreateStateMachine,
                   CreateStateMachineFlags{.name = "Review", .definition = kReview}, endpoint());
    ASSERT_EQ(created.code, 0) << created.err;
    CommandOutput started = RunCommand(
        RunStartExecution,
        StartExecutionFlags{
            .state_machine_arn = kMachineArn, .name = "app-1", .input = R"({"name": "Spock"})"},
        endpoint());
    ASSERT_EQ(started.code, 0) << started.err;
  }

  std::string endpoint() const { return orchestrator_.endpoint(); }

  // The next step of the execution: Check Name fails (and is caught), then
  // the reviewer approves.
  void Step() {
    ++steps_;
    const std::string queue = steps_ == 1 ? "checker" : "reviewer";
    const std::string token = orchestrator_.ClaimTaskToken(queue);
    orchestrator_.clock().Advance(absl::Milliseconds(1500));
    CommandOutput sent =
        steps_ == 1
            ? RunCommand(RunSendTaskFailure,
                         SendTaskFailureFlags{
                             .task_token = token, .error = "Name.Unknown", .cause = "not on file"},
                         endpoint())
            : RunCommand(RunSendTaskSuccess,
                         SendTaskSuccessFlags{.task_token = token, .task_output = R"("approved")"},
                         endpoint());
    EXPECT_EQ(sent.code, 0) << sent.err;
  }

  InProcessOrchestrator orchestrator_;
  int steps_ = 0;
};

TEST_F(HistoryOrchestratorTest, RowsAsTheExecutionRuns) {
  CommandOutput first =
      RunCommand(RunHistory, HistoryFlags{.execution_arn = kExecutionArn}, endpoint());
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_THAT(first.out, HasSubstr("Execution  app-1\n"));
  EXPECT_THAT(first.out, HasSubstr("Machine    Review  (" + std::string(kMachineArn) + ")\n"));
  EXPECT_THAT(first.out, HasSubstr("Status     RUNNING\n"));
  EXPECT_THAT(first.out, ContainsRegex("\nPrepare +Pass +SUCCEEDED +\\+0\\.000s +0\\.000s\n"
                                       "    input:  \\{\"name\":\"Spock\"\\}\n"
                                       "    output: \\{\"who\":\"Spock\"\\}\n"));
  EXPECT_THAT(first.out, ContainsRegex("\nCheck Name +Task +RUNNING +\\+0\\.000s .*waiting for "
                                       "worker\n"));

  Step();
  CommandOutput second =
      RunCommand(RunHistory, HistoryFlags{.arn_argument = kExecutionArn}, endpoint());
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_THAT(second.out, ContainsRegex("\nCheck Name +Task +CAUGHT +\\+0\\.000s +1\\.500s\n"));
  EXPECT_THAT(second.out, HasSubstr("    error:  Name.Unknown: not on file\n"));
  EXPECT_THAT(second.out, ContainsRegex("\nReview +Parallel +RUNNING +\\+1\\.500s"));
  EXPECT_THAT(second.out, HasSubstr("\n  branch 1\n"));
  EXPECT_THAT(second.out, ContainsRegex("\n    Log +Pass +SUCCEEDED"));
  EXPECT_THAT(second.out, HasSubstr("\n  branch 2\n"));
  EXPECT_THAT(second.out,
              ContainsRegex("\n    Pending Review +Task +RUNNING .*waiting for callback\n"));

  Step();
  CommandOutput done = RunCommand(
      RunHistory, HistoryFlags{.execution_arn = kExecutionArn, .include_data = false}, endpoint());
  ASSERT_EQ(done.code, 0) << done.err;
  EXPECT_THAT(done.out, HasSubstr("Status     SUCCEEDED\n"));
  EXPECT_THAT(done.out, HasSubstr("Duration   3.000s\n"));
  EXPECT_THAT(done.out, ContainsRegex("\nReview +Parallel +SUCCEEDED +\\+1\\.500s +1\\.500s\n"));
  EXPECT_THAT(done.out, ContainsRegex("\n    Pending Review +Task +SUCCEEDED"));
  EXPECT_THAT(done.out, ::testing::Not(HasSubstr("input:")));
}

TEST_F(HistoryOrchestratorTest, WatchFollowsTheExecutionToItsEnd) {
  WatchEnvironment environment;
  environment.poll_interval = absl::ZeroDuration();
  environment.sleep = [this](absl::Duration) { Step(); };
  environment.now = [this] { return orchestrator_.clock().Now(); };
  StatesClient client(endpoint(), absl::Seconds(10));
  std::ostringstream out;
  std::ostringstream err;
  const int code = RunHistoryIn(HistoryFlags{.execution_arn = kExecutionArn, .watch = true},
                                environment, client, out, err);
  EXPECT_EQ(code, 0) << err.str();
  EXPECT_EQ(steps_, 2);
  EXPECT_THAT(out.str(), ContainsRegex("waiting for worker\n(.|\n)*Check Name +Task +CAUGHT"
                                       "(.|\n)*waiting for callback\n(.|\n)*Pending Review +Task "
                                       "+SUCCEEDED(.|\n)*\nStatus     SUCCEEDED\n"));
}

TEST_F(HistoryOrchestratorTest, BadExecutionArns) {
  CommandOutput unknown = RunCommand(
      RunHistory, HistoryFlags{.execution_arn = std::string(kExecutionArn) + "-nope"}, endpoint());
  EXPECT_EQ(unknown.code, 254);
  EXPECT_EQ(unknown.out, "");
  EXPECT_THAT(unknown.err, ::testing::StartsWith("An error occurred (ExecutionDoesNotExist) when "
                                                 "calling the DescribeExecution operation: "));
  CommandOutput malformed =
      RunCommand(RunHistory, HistoryFlags{.execution_arn = "app-1"}, endpoint());
  EXPECT_EQ(malformed.code, 252);
  EXPECT_THAT(malformed.err, HasSubstr("'app-1' is not an execution ARN"));
}

}  // namespace
}  // namespace stepwise::cli
