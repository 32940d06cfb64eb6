// The CLI11 wiring of the remote commands: flag names, required flags and
// enum values, the connection flags (--endpoint, STEPWISE_ENDPOINT,
// --cli-read-timeout), and that a parsed command runs against the server.
#include "cli/remote/remote_commands.h"

#include <stdlib.h>

#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Config.hpp"
#include "CLI/Formatter.hpp"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/fake_states.h"
#include "tests/cli/remote/remote_test_support.h"

namespace stepwise::cli {
namespace {

using testing::CommandOutput;
using testing::FakeStates;
using ::testing::HasSubstr;
using testing::InProcessOrchestrator;
using ::testing::StartsWith;
using testing::TestServer;

// Parses `args` (without the program name) as `stepwise` would and runs the
// remote command; parse errors throw CLI::ParseError.
CommandOutput Parse(const std::vector<std::string>& args) {
  CLI::App app{"stepwise"};
  app.require_subcommand(1);
  RemoteCommands remote(app);
  std::vector<const char*> argv = {"stepwise"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  std::ostringstream out;
  std::ostringstream err;
  CommandOutput result;
  const std::optional<int> code = remote.RunParsed(out, err);
  EXPECT_TRUE(code.has_value());
  result.code = code.value_or(-1);
  result.out = out.str();
  result.err = err.str();
  return result;
}

TEST(RemoteCommandsTest, EveryAwsCommandIsThere) {
  CLI::App app{"stepwise"};
  RemoteCommands remote(app);
  for (const char* name :
       {"create-state-machine", "update-state-machine",  "describe-state-machine",
        "list-state-machines",  "delete-state-machine",  "validate-state-machine-definition",
        "start-execution",      "start-sync-execution",  "describe-execution",
        "list-executions",      "get-execution-history", "stop-execution",
        "redrive-execution",    "send-task-success",     "send-task-failure",
        "send-task-heartbeat",  "create-activity",       "describe-activity",
        "list-activities",      "delete-activity",       "get-activity-task"}) {
    EXPECT_TRUE(remote.Contains(name)) << name;
  }
  EXPECT_FALSE(remote.Contains("run"));
  EXPECT_FALSE(remote.Contains(""));
}

TEST(RemoteCommandsTest, CreateStartDescribeThroughTheFlags) {
  InProcessOrchestrator orchestrator;
  const std::string endpoint = orchestrator.endpoint();
  CommandOutput created =
      Parse({"create-state-machine", "--name", "Hello", "--definition",
             R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})", "--type",
             "STANDARD", "--endpoint", endpoint});
  ASSERT_EQ(created.code, 0) << created.err;
  const std::string sm_arn = std::string(created.Json().at("stateMachineArn").as_string());

  CommandOutput started = Parse({"start-execution", "--state-machine-arn", sm_arn, "--name", "r1",
                                 "--input", R"({"x": 1})", "--endpoint", endpoint});
  ASSERT_EQ(started.code, 0) << started.err;
  const std::string arn = std::string(started.Json().at("executionArn").as_string());

  // http://HOST:PORT/ (the AWS CLI's --endpoint-url form) works too.
  CommandOutput described = Parse(
      {"describe-execution", "--execution-arn", arn, "--endpoint-url", "http://" + endpoint + "/"});
  ASSERT_EQ(described.code, 0) << described.err;
  EXPECT_EQ(described.Json().at("status"), "SUCCEEDED");
  EXPECT_EQ(boost::json::parse(described.Json().at("output").as_string()),
            boost::json::parse(R"({"x": 1})"));
}

TEST(RemoteCommandsTest, EndpointFromTheEnvironment) {
  InProcessOrchestrator orchestrator;
  ASSERT_EQ(::setenv("STEPWISE_ENDPOINT", orchestrator.endpoint().c_str(), 1), 0);
  CommandOutput listed = Parse({"list-state-machines"});
  ::unsetenv("STEPWISE_ENDPOINT");
  ASSERT_EQ(listed.code, 0) << listed.err;
  EXPECT_EQ(listed.out, "{\n    \"stateMachines\": []\n}\n");
}

TEST(RemoteCommandsTest, HistoryFlagsAndReadTimeout) {
  FakeStates fake;
  TestServer server(&fake);
  CommandOutput history =
      Parse({"get-execution-history", "--execution-arn", "arn:e", "--reverse-order",
             "--no-include-execution-data", "--max-results", "3", "--endpoint", server.endpoint()});
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_TRUE(fake.history_request().reverse_order());
  EXPECT_EQ(fake.history_request().max_results(), 3);
  ASSERT_TRUE(fake.history_request().has_include_execution_data());
  EXPECT_FALSE(fake.history_request().include_execution_data());

  ASSERT_EQ(Parse({"get-execution-history", "--execution-arn", "arn:e", "--include-execution-data",
                   "--endpoint", server.endpoint()})
                .code,
            0);
  EXPECT_TRUE(fake.history_request().include_execution_data());

  // The fake never answers DescribeExecution.
  CommandOutput timed_out = Parse({"describe-execution", "--execution-arn", "arn:e",
                                   "--cli-read-timeout", "0.2", "--endpoint", server.endpoint()});
  EXPECT_EQ(timed_out.code, 255);
  EXPECT_THAT(timed_out.err, HasSubstr("within 200ms"));
}

TEST(RemoteCommandsTest, UsageErrorsAreParseErrors) {
  EXPECT_THROW(Parse({"describe-execution"}), CLI::RequiredError);
  EXPECT_THROW(Parse({"send-task-success", "--task-token", "t"}), CLI::RequiredError);
  EXPECT_THROW(Parse({"list-executions", "--state-machine-arn", "a", "--status-filter", "DONE"}),
               CLI::ValidationError);
  EXPECT_THROW(Parse({"list-state-machines", "--max-results", "0"}), CLI::ValidationError);
  EXPECT_THROW(Parse({"describe-execution", "--execution-arn", "a", "--cli-read-timeout", "-1"}),
               CLI::ValidationError);
  EXPECT_THROW(Parse({"start-execution", "--state-machine-arn", "a", "--bogus"}), CLI::ExtrasError);
}

TEST(RemoteCommandsTest, EmptyEndpointIsAUsageError) {
  CommandOutput listed = Parse({"list-state-machines", "--endpoint", ""});
  EXPECT_EQ(listed.code, 252);
  EXPECT_THAT(listed.err, StartsWith("Error parsing parameter '--endpoint'"));
}

}  // namespace
}  // namespace stepwise::cli
