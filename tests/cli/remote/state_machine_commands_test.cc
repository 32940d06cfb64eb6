// The state machine commands against a real in-process orchestrator:
// create -> describe -> list (paged) -> validate, and their error paths.
#include "cli/remote/state_machine_commands.h"

#include <string>
#include <vector>

#include "boost/json/value.hpp"
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

constexpr char kArnPrefix[] = "arn:aws:states:us-east-1:123456789012:stateMachine:";
constexpr char kGreeter[] = R"({
  "StartAt": "Greet",
  "States": {"Greet": {"Type": "Task", "Resource": "${GreeterArn}", "End": true}}
})";
constexpr char kPass[] = R"({"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}})";

class StateMachineCommandsTest : public ::testing::Test {
 protected:
  CommandOutput Create(const std::string& name, const std::string& definition = kPass) {
    return RunCommand(RunCreateStateMachine,
                      CreateStateMachineFlags{.name = name, .definition = definition},
                      orchestrator_.endpoint());
  }

  InProcessOrchestrator orchestrator_;
};

TEST_F(StateMachineCommandsTest, CreateThenDescribe) {
  testing::TempDir dir;
  const std::string definition = dir.Write("greeter.asl.json", kGreeter);
  const std::string substitutions =
      dir.Write("subs.json", R"({"GreeterArn": "arn:aws:lambda:us-east-1:1:function:greeter"})");
  CommandOutput created =
      RunCommand(RunCreateStateMachine,
                 CreateStateMachineFlags{.name = "Greeter",
                                         .definition = "file://" + definition,
                                         .role_arn = "arn:aws:iam::123456789012:role/r",
                                         .definition_substitutions = "file://" + substitutions,
                                         .tags = {"key=team,value=ops"}},
                 orchestrator_.endpoint());
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_EQ(created.err, "");
  const json::value response = created.Json();
  EXPECT_EQ(response.at("stateMachineArn").as_string(), std::string(kArnPrefix) + "Greeter");
  EXPECT_EQ(response.at("creationDate"), "2023-11-14T22:13:20+00:00");  // FakeClock's start.
  EXPECT_THAT(created.out, StartsWith("{\n    \"stateMachineArn\": "));

  CommandOutput described = RunCommand(
      RunDescribeStateMachine,
      DescribeStateMachineFlags{.state_machine_arn = std::string(kArnPrefix) + "Greeter"},
      orchestrator_.endpoint());
  ASSERT_EQ(described.code, 0) << described.err;
  const json::value machine = described.Json();
  EXPECT_EQ(machine.at("name"), "Greeter");
  EXPECT_EQ(machine.at("status"), "ACTIVE");
  EXPECT_EQ(machine.at("type"), "STANDARD");
  EXPECT_EQ(machine.at("roleArn"), "arn:aws:iam::123456789012:role/r");
  EXPECT_THAT(std::string(machine.at("definition").as_string()),
              HasSubstr("arn:aws:lambda:us-east-1:1:function:greeter"));

  CommandOutput metadata =
      RunCommand(RunDescribeStateMachine,
                 DescribeStateMachineFlags{.state_machine_arn = std::string(kArnPrefix) + "Greeter",
                                           .included_data = "METADATA_ONLY"},
                 orchestrator_.endpoint());
  ASSERT_EQ(metadata.code, 0) << metadata.err;
  EXPECT_FALSE(metadata.Json().as_object().contains("definition"));
}

TEST_F(StateMachineCommandsTest, ExpressType) {
  CommandOutput created =
      RunCommand(RunCreateStateMachine,
                 CreateStateMachineFlags{.name = "Fast", .definition = kPass, .type = "EXPRESS"},
                 orchestrator_.endpoint());
  ASSERT_EQ(created.code, 0) << created.err;
  CommandOutput described =
      RunCommand(RunDescribeStateMachine,
                 DescribeStateMachineFlags{.state_machine_arn = std::string(kArnPrefix) + "Fast"},
                 orchestrator_.endpoint());
  EXPECT_EQ(described.Json().at("type"), "EXPRESS");
}

TEST_F(StateMachineCommandsTest, ListFetchesEveryPageUnlessAskedForOne) {
  std::vector<std::string> names = {"M1", "M2", "M3", "M4", "M5"};
  for (const std::string& name : names) ASSERT_EQ(Create(name).code, 0);

  // Default: every page, joined; no nextToken.
  CommandOutput all =
      RunCommand(RunListStateMachines, ListStateMachinesFlags{}, orchestrator_.endpoint());
  ASSERT_EQ(all.code, 0) << all.err;
  const json::object everything = all.Json().as_object();
  EXPECT_EQ(everything.at("stateMachines").as_array().size(), names.size());
  EXPECT_FALSE(everything.contains("nextToken"));

  // --max-results: one page at a time, following nextToken by hand.
  std::vector<std::string> paged;
  ListStateMachinesFlags flags;
  flags.page.max_results = 2;
  for (int pages = 1; pages <= 10; ++pages) {
    CommandOutput page = RunCommand(RunListStateMachines, flags, orchestrator_.endpoint());
    ASSERT_EQ(page.code, 0) << page.err;
    const json::object object = page.Json().as_object();
    const json::array& items = object.at("stateMachines").as_array();
    EXPECT_LE(items.size(), 2u);
    for (const json::value& item : items) {
      paged.emplace_back(item.at("name").as_string());
      EXPECT_EQ(item.at("type"), "STANDARD");
      EXPECT_TRUE(item.at("creationDate").is_string());
    }
    if (!object.contains("nextToken")) break;
    flags.page.next_token = std::string(object.at("nextToken").as_string());
  }
  std::vector<std::string> listed;
  for (const json::value& item : everything.at("stateMachines").as_array()) {
    listed.emplace_back(item.at("name").as_string());
  }
  EXPECT_EQ(paged, listed);
  EXPECT_THAT(listed, ::testing::UnorderedElementsAreArray(names));
}

TEST_F(StateMachineCommandsTest, UnknownArnIsStateMachineDoesNotExist) {
  CommandOutput described =
      RunCommand(RunDescribeStateMachine,
                 DescribeStateMachineFlags{.state_machine_arn = std::string(kArnPrefix) + "Nope"},
                 orchestrator_.endpoint());
  EXPECT_EQ(described.code, 254);
  EXPECT_EQ(described.out, "");
  EXPECT_THAT(described.err,
              StartsWith("An error occurred (StateMachineDoesNotExist) when calling the "
                         "DescribeStateMachine operation: "));
  EXPECT_THAT(described.err, HasSubstr("Nope"));

  CommandOutput malformed = RunCommand(RunDescribeStateMachine,
                                       DescribeStateMachineFlags{.state_machine_arn = "not-an-arn"},
                                       orchestrator_.endpoint());
  EXPECT_EQ(malformed.code, 254);
  EXPECT_THAT(malformed.err, StartsWith("An error occurred (InvalidArn) when calling the "
                                        "DescribeStateMachine operation: "));
}

TEST_F(StateMachineCommandsTest, InvalidDefinitionIsReported) {
  CommandOutput created = Create("Broken", R"({"StartAt": "Missing", "States": {}})");
  EXPECT_EQ(created.code, 254);
  EXPECT_THAT(created.err, StartsWith("An error occurred (InvalidDefinition) when calling the "
                                      "CreateStateMachine operation: "));
}

TEST_F(StateMachineCommandsTest, ValidateReportsDiagnostics) {
  CommandOutput ok = RunCommand(RunValidateStateMachineDefinition,
                                ValidateStateMachineDefinitionFlags{.definition = kPass},
                                orchestrator_.endpoint());
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.Json().at("result"), "OK");
  EXPECT_EQ(ok.Json().at("diagnostics"), json::array());
  EXPECT_EQ(ok.Json().at("truncated"), false);

  CommandOutput fail = RunCommand(
      RunValidateStateMachineDefinition,
      ValidateStateMachineDefinitionFlags{
          .definition = R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}}})"},
      orchestrator_.endpoint());
  ASSERT_EQ(fail.code, 0) << fail.err;  // A bad definition is a successful call.
  EXPECT_EQ(fail.Json().at("result"), "FAIL");
  const json::value diagnostic = fail.Json().at("diagnostics").at(0);
  EXPECT_EQ(diagnostic.at("severity"), "ERROR");
  EXPECT_EQ(diagnostic.at("code"), "MISSING_TRANSITION_TARGET");
  EXPECT_EQ(diagnostic.at("location"), "/States/A/Next");
}

// Bad local input fails with 252 before any call: the endpoint has no
// server, so a call would have failed with 255 instead.
TEST(StateMachineCommandsLocalInputTest, BadInputIsAUsageErrorAndSendsNothing) {
  const std::string nowhere = testing::UnusedEndpoint();
  CommandOutput unreadable = RunCommand(
      RunCreateStateMachine,
      CreateStateMachineFlags{.name = "M", .definition = "file://no/such/machine.json"}, nowhere);
  EXPECT_EQ(unreadable.code, 252);
  EXPECT_EQ(unreadable.err,
            "Error parsing parameter '--definition': cannot read 'no/such/machine.json': No such "
            "file or directory\n");

  CommandOutput substitutions = RunCommand(
      RunCreateStateMachine,
      CreateStateMachineFlags{.name = "M", .definition = kPass, .definition_substitutions = "{x"},
      nowhere);
  EXPECT_EQ(substitutions.code, 252);
  EXPECT_THAT(substitutions.err,
              StartsWith("Error parsing parameter '--definition-substitutions': the value is not "
                         "valid JSON: line 1, column 2"));

  CommandOutput type = RunCommand(
      RunCreateStateMachine,
      CreateStateMachineFlags{.name = "M", .definition = kPass, .type = "FAST"}, nowhere);
  EXPECT_EQ(type.code, 252);
  EXPECT_THAT(type.err, HasSubstr("'--type': 'FAST' is not one of STANDARD, EXPRESS"));

  CommandOutput tags = RunCommand(
      RunCreateStateMachine,
      CreateStateMachineFlags{.name = "M", .definition = kPass, .tags = {"[1]"}}, nowhere);
  EXPECT_EQ(tags.code, 252);
  EXPECT_THAT(tags.err, HasSubstr("Error parsing parameter '--tags'"));
}

}  // namespace
}  // namespace stepwise::cli
