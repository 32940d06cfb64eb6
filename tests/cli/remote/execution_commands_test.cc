// The execution and task commands against a real in-process orchestrator:
// start -> describe-execution -> get-execution-history -> stop, completing
// tasks with send-task-*, and the error paths.
#include "cli/remote/execution_commands.h"

#include <algorithm>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "cli/remote/state_machine_commands.h"
#include "cli/remote/task_commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/remote_test_support.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;
using testing::CommandOutput;
using ::testing::HasSubstr;
using testing::InProcessOrchestrator;
using testing::RunCommand;
using ::testing::StartsWith;

constexpr char kMachineArn[] = "arn:aws:states:us-east-1:123456789012:stateMachine:Greeter";
constexpr char kGreeter[] = R"({
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"who.$": "$.name"}, "Next": "Greet"},
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "End": true}
  }
})";

std::vector<std::string> EventTypes(const json::value& history) {
  std::vector<std::string> types;
  for (const json::value& event : history.at("events").as_array()) {
    types.emplace_back(event.at("type").as_string());
  }
  return types;
}

class ExecutionCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    CommandOutput created =
        RunCommand(RunCreateStateMachine,
                   CreateStateMachineFlags{.name = "Greeter", .definition = kGreeter}, endpoint());
    ASSERT_EQ(created.code, 0) << created.err;
  }

  std::string endpoint() const { return orchestrator_.endpoint(); }

  // Starts run `name` and returns its ARN.
  std::string Start(const std::string& name, const std::string& input = R"({"name": "Ada"})") {
    CommandOutput started = RunCommand(
        RunStartExecution,
        StartExecutionFlags{.state_machine_arn = kMachineArn, .name = name, .input = input},
        endpoint());
    EXPECT_EQ(started.code, 0) << started.err;
    return std::string(started.Json().at("executionArn").as_string());
  }

  json::value Describe(const std::string& arn) {
    CommandOutput described =
        RunCommand(RunDescribeExecution, DescribeExecutionFlags{.execution_arn = arn}, endpoint());
    EXPECT_EQ(described.code, 0) << described.err;
    return described.Json();
  }

  InProcessOrchestrator orchestrator_;
};

TEST_F(ExecutionCommandsTest, StartDescribeHistoryStop) {
  testing::TempDir dir;
  const std::string input = dir.Write("input.json", R"({"name": "Ada"})");
  CommandOutput started =
      RunCommand(RunStartExecution,
                 StartExecutionFlags{
                     .state_machine_arn = kMachineArn, .name = "run-1", .input = "file://" + input},
                 endpoint());
  ASSERT_EQ(started.code, 0) << started.err;
  const std::string arn = "arn:aws:states:us-east-1:123456789012:execution:Greeter:run-1";
  EXPECT_EQ(started.Json().at("executionArn").as_string(), arn);
  EXPECT_EQ(started.Json().at("startDate"), "2023-11-14T22:13:20+00:00");

  const json::value running = Describe(arn);
  EXPECT_EQ(running.at("status"), "RUNNING");
  EXPECT_EQ(running.at("name"), "run-1");
  EXPECT_EQ(running.at("stateMachineArn"), kMachineArn);
  EXPECT_EQ(json::parse(running.at("input").as_string()), json::parse(R"({"name": "Ada"})"));
  EXPECT_FALSE(running.as_object().contains("stopDate"));

  CommandOutput history = RunCommand(RunGetExecutionHistory,
                                     GetExecutionHistoryFlags{.execution_arn = arn}, endpoint());
  ASSERT_EQ(history.code, 0) << history.err;
  const std::vector<std::string> types = EventTypes(history.Json());
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types.front(), "ExecutionStarted");
  // A Lambda function ARN as the Resource: AWS's LambdaFunction* events.
  EXPECT_THAT(types, ::testing::Contains("LambdaFunctionScheduled"));
  const json::value first = history.Json().at("events").at(0);
  EXPECT_EQ(first.at("id"), 1);
  EXPECT_EQ(first.at("previousEventId"), 0);
  EXPECT_TRUE(first.at("executionStartedEventDetails").as_object().contains("input"));

  CommandOutput reversed =
      RunCommand(RunGetExecutionHistory,
                 GetExecutionHistoryFlags{.execution_arn = arn, .reverse_order = true}, endpoint());
  ASSERT_EQ(reversed.code, 0) << reversed.err;
  std::vector<std::string> reversed_types = EventTypes(reversed.Json());
  std::reverse(reversed_types.begin(), reversed_types.end());
  EXPECT_EQ(reversed_types, types);

  // One page of two, with the token for the next.
  GetExecutionHistoryFlags paged{.execution_arn = arn};
  paged.page.max_results = 2;
  CommandOutput page = RunCommand(RunGetExecutionHistory, paged, endpoint());
  ASSERT_EQ(page.code, 0) << page.err;
  EXPECT_EQ(page.Json().at("events").as_array().size(), 2u);
  EXPECT_TRUE(page.Json().at("nextToken").is_string());

  orchestrator_.clock().Advance(absl::Seconds(2));
  CommandOutput stopped = RunCommand(
      RunStopExecution,
      StopExecutionFlags{.execution_arn = arn, .error = "Operator.Stop", .cause = "testing"},
      endpoint());
  ASSERT_EQ(stopped.code, 0) << stopped.err;
  EXPECT_EQ(stopped.Json().at("stopDate"), "2023-11-14T22:13:22+00:00");

  const json::value aborted = Describe(arn);
  EXPECT_EQ(aborted.at("status"), "ABORTED");
  EXPECT_EQ(aborted.at("error"), "Operator.Stop");
  EXPECT_EQ(aborted.at("cause"), "testing");
  EXPECT_EQ(aborted.at("stopDate"), "2023-11-14T22:13:22+00:00");

  CommandOutput after = RunCommand(RunGetExecutionHistory,
                                   GetExecutionHistoryFlags{.execution_arn = arn}, endpoint());
  EXPECT_EQ(EventTypes(after.Json()).back(), "ExecutionAborted");
}

TEST_F(ExecutionCommandsTest, SendTaskSuccessCompletesTheExecution) {
  const std::string arn = Start("run-ok");
  const std::string token = orchestrator_.ClaimTaskToken("greeter");
  ASSERT_FALSE(token.empty());

  CommandOutput sent = RunCommand(
      RunSendTaskSuccess,
      SendTaskSuccessFlags{.task_token = token, .task_output = R"({"greeting": "Hello, Ada"})"},
      endpoint());
  ASSERT_EQ(sent.code, 0) << sent.err;
  EXPECT_EQ(sent.out, "");  // An empty response prints nothing, as the AWS CLI.

  const json::value done = Describe(arn);
  EXPECT_EQ(done.at("status"), "SUCCEEDED");
  EXPECT_EQ(json::parse(done.at("output").as_string()),
            json::parse(R"({"greeting": "Hello, Ada"})"));

  CommandOutput again =
      RunCommand(RunSendTaskSuccess, SendTaskSuccessFlags{.task_token = token, .task_output = "{}"},
                 endpoint());
  EXPECT_EQ(again.code, 254);
  EXPECT_THAT(again.err, StartsWith("An error occurred (TaskTimedOut) when calling the "
                                    "SendTaskSuccess operation: "));
}

TEST_F(ExecutionCommandsTest, SendTaskFailureFailsTheExecution) {
  const std::string arn = Start("run-fail");
  const std::string token = orchestrator_.ClaimTaskToken("greeter");
  CommandOutput sent = RunCommand(
      RunSendTaskFailure,
      SendTaskFailureFlags{.task_token = token, .error = "Greeter.Broken", .cause = "no voice"},
      endpoint());
  ASSERT_EQ(sent.code, 0) << sent.err;
  const json::value failed = Describe(arn);
  EXPECT_EQ(failed.at("status"), "FAILED");
  EXPECT_EQ(failed.at("error"), "Greeter.Broken");
  EXPECT_EQ(failed.at("cause"), "no voice");
}

TEST_F(ExecutionCommandsTest, UnknownExecutionIsExecutionDoesNotExist) {
  CommandOutput described = RunCommand(
      RunDescribeExecution,
      DescribeExecutionFlags{.execution_arn =
                                 "arn:aws:states:us-east-1:123456789012:execution:Greeter:nope"},
      endpoint());
  EXPECT_EQ(described.code, 254);
  EXPECT_EQ(described.out, "");
  EXPECT_THAT(described.err, StartsWith("An error occurred (ExecutionDoesNotExist) when calling "
                                        "the DescribeExecution operation: "));

  CommandOutput started =
      RunCommand(RunStartExecution,
                 StartExecutionFlags{.state_machine_arn =
                                         "arn:aws:states:us-east-1:123456789012:stateMachine:Nope"},
                 endpoint());
  EXPECT_EQ(started.code, 254);
  EXPECT_THAT(started.err, StartsWith("An error occurred (StateMachineDoesNotExist) when calling "
                                      "the StartExecution operation: "));

  CommandOutput token =
      RunCommand(RunSendTaskHeartbeat, SendTaskHeartbeatFlags{.task_token = "forged"}, endpoint());
  EXPECT_EQ(token.code, 254);
  EXPECT_THAT(token.err, HasSubstr("when calling the SendTaskHeartbeat operation: "));
}

TEST_F(ExecutionCommandsTest, SameNameDifferentInputIsExecutionAlreadyExists) {
  Start("twice", R"({"name": "Ada"})");
  CommandOutput again = RunCommand(
      RunStartExecution,
      StartExecutionFlags{
          .state_machine_arn = kMachineArn, .name = "twice", .input = R"({"name": "Bob"})"},
      endpoint());
  EXPECT_EQ(again.code, 254);
  EXPECT_THAT(again.err, StartsWith("An error occurred (ExecutionAlreadyExists)"));
}

TEST(ExecutionCommandsLocalInputTest, BadInputIsAUsageErrorAndSendsNothing) {
  const std::string nowhere = testing::UnusedEndpoint();
  CommandOutput input = RunCommand(
      RunStartExecution, StartExecutionFlags{.state_machine_arn = kMachineArn, .input = "{\"a\":"},
      nowhere);
  EXPECT_EQ(input.code, 252);
  EXPECT_THAT(input.err, StartsWith("Error parsing parameter '--input': the value is not valid "
                                    "JSON: line 1, column 6"));
  EXPECT_EQ(input.out, "");

  CommandOutput file = RunCommand(
      RunStartExecution,
      StartExecutionFlags{.state_machine_arn = kMachineArn, .input = "file://no/such/input.json"},
      nowhere);
  EXPECT_EQ(file.code, 252);
  EXPECT_THAT(file.err, HasSubstr("cannot read 'no/such/input.json'"));

  CommandOutput output =
      RunCommand(RunSendTaskSuccess,
                 SendTaskSuccessFlags{.task_token = "t", .task_output = "not json"}, nowhere);
  EXPECT_EQ(output.code, 252);
  EXPECT_THAT(output.err, StartsWith("Error parsing parameter '--task-output'"));

  CommandOutput list = RunCommand(RunListExecutions, ListExecutionsFlags{}, nowhere);
  EXPECT_EQ(list.code, 252);
  EXPECT_THAT(list.err, HasSubstr("'--state-machine-arn': required (or --map-run-arn)"));

  CommandOutput filter = RunCommand(
      RunListExecutions,
      ListExecutionsFlags{.state_machine_arn = kMachineArn, .status_filter = "running"}, nowhere);
  EXPECT_EQ(filter.code, 252);
  EXPECT_THAT(filter.err, HasSubstr("'running' is not one of RUNNING, SUCCEEDED"));
}

TEST(ExecutionCommandsLocalInputTest, UnreachableEndpointNamesIt) {
  const std::string nowhere = testing::UnusedEndpoint();
  CommandOutput described =
      RunCommand(RunDescribeExecution, DescribeExecutionFlags{.execution_arn = "arn:x"}, nowhere);
  EXPECT_EQ(described.code, 255);
  EXPECT_EQ(described.out, "");
  EXPECT_THAT(described.err, StartsWith("Could not connect to the endpoint \"" + nowhere +
                                        "\" (calling the DescribeExecution operation)"));
}

}  // namespace
}  // namespace stepwise::cli
