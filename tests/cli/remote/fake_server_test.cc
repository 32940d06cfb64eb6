// The commands against a scripted States service: how flags become request
// fields, how list pages are joined, and how the client copes with answers
// the real orchestrator may not give today (UNIMPLEMENTED, errors without
// details, a call that never answers).
#include <string>

#include "boost/json/value.hpp"
#include "cli/remote/activity_commands.h"
#include "cli/remote/execution_commands.h"
#include "cli/remote/state_machine_commands.h"
#include "cli/remote/task_commands.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/fake_states.h"
#include "tests/cli/remote/remote_test_support.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;
using testing::CommandOutput;
using testing::FakeStates;
using ::testing::HasSubstr;
using testing::RunCommand;
using ::testing::StartsWith;
using testing::TestServer;

class FakeServerTest : public ::testing::Test {
 protected:
  FakeStates fake_;
  TestServer server_{&fake_};
};

TEST_F(FakeServerTest, ListExecutionsJoinsEveryPage) {
  CommandOutput listed =
      RunCommand(RunListExecutions,
                 ListExecutionsFlags{.state_machine_arn = "arn:sm", .status_filter = "SUCCEEDED"},
                 server_.endpoint());
  ASSERT_EQ(listed.code, 0) << listed.err;
  const json::object response = listed.Json().as_object();
  ASSERT_EQ(response.at("executions").as_array().size(), 5u);
  EXPECT_EQ(response.at("executions").at(4).at("name"), "e4");
  EXPECT_EQ(response.at("executions").at(0).at("status"), "SUCCEEDED");
  EXPECT_FALSE(response.contains("nextToken"));
  ASSERT_EQ(fake_.list_requests().size(), 3u);  // 2 + 2 + 1.
  for (const v1::ListExecutionsRequest& request : fake_.list_requests()) {
    EXPECT_EQ(request.state_machine_arn(), "arn:sm");
    EXPECT_EQ(request.status_filter(), v1::EXECUTION_STATUS_SUCCEEDED);
    EXPECT_EQ(request.max_results(), 0);  // The server's page size.
  }
  EXPECT_EQ(fake_.list_requests()[2].next_token(), "4");
}

TEST_F(FakeServerTest, ListExecutionsWithMaxResultsIsOnePage) {
  ListExecutionsFlags flags{.state_machine_arn = "arn:sm"};
  flags.page.max_results = 3;
  CommandOutput first = RunCommand(RunListExecutions, flags, server_.endpoint());
  ASSERT_EQ(first.code, 0) << first.err;
  EXPECT_EQ(first.Json().at("executions").as_array().size(), 3u);
  EXPECT_EQ(first.Json().at("nextToken"), "3");

  flags.page.next_token = "3";
  CommandOutput second = RunCommand(RunListExecutions, flags, server_.endpoint());
  ASSERT_EQ(second.code, 0) << second.err;
  EXPECT_EQ(second.Json().at("executions").as_array().size(), 2u);
  EXPECT_FALSE(second.Json().as_object().contains("nextToken"));

  ListExecutionsFlags no_paginate{.state_machine_arn = "arn:sm"};
  no_paginate.page.no_paginate = true;
  CommandOutput single = RunCommand(RunListExecutions, no_paginate, server_.endpoint());
  EXPECT_EQ(single.Json().at("executions").as_array().size(), 2u);
  EXPECT_EQ(single.Json().at("nextToken"), "2");
}

TEST_F(FakeServerTest, ARepeatedNextTokenStopsPaging) {
  CommandOutput listed = RunCommand(RunListActivities, ListActivitiesFlags{}, server_.endpoint());
  EXPECT_EQ(listed.code, 254);
  EXPECT_EQ(listed.out, "");
  EXPECT_THAT(listed.err, HasSubstr("returned the same nextToken twice for ListActivities"));
}

TEST_F(FakeServerTest, HistoryFlagsReachTheRequest) {
  GetExecutionHistoryFlags flags{
      .execution_arn = "arn:e", .reverse_order = true, .include_execution_data = false};
  flags.page.max_results = 7;
  CommandOutput history = RunCommand(RunGetExecutionHistory, flags, server_.endpoint());
  ASSERT_EQ(history.code, 0) << history.err;
  EXPECT_EQ(history.out, "{\n    \"events\": []\n}\n");
  EXPECT_EQ(fake_.history_request().execution_arn(), "arn:e");
  EXPECT_TRUE(fake_.history_request().reverse_order());
  EXPECT_EQ(fake_.history_request().max_results(), 7);
  ASSERT_TRUE(fake_.history_request().has_include_execution_data());
  EXPECT_FALSE(fake_.history_request().include_execution_data());

  // Not given: left unset, so the server's default (true) applies.
  ASSERT_EQ(RunCommand(RunGetExecutionHistory, GetExecutionHistoryFlags{.execution_arn = "arn:e"},
                       server_.endpoint())
                .code,
            0);
  EXPECT_FALSE(fake_.history_request().has_include_execution_data());
}

TEST_F(FakeServerTest, UpdateSendsOnlyWhatWasGiven) {
  CommandOutput updated =
      RunCommand(RunUpdateStateMachine,
                 UpdateStateMachineFlags{.state_machine_arn = "arn:sm",
                                         .definition = R"({"StartAt": "${S}"})",
                                         .definition_substitutions = R"({"S": "P"})"},
                 server_.endpoint());
  ASSERT_EQ(updated.code, 0) << updated.err;
  EXPECT_EQ(updated.Json().at("revisionId"), "rev-2");
  EXPECT_EQ(updated.Json().at("updateDate"), "2023-11-14T22:13:20+00:00");
  EXPECT_TRUE(fake_.update_request().has_definition());
  EXPECT_FALSE(fake_.update_request().has_role_arn());
  EXPECT_EQ(fake_.update_request().definition_substitutions().at("S"), "P");
}

TEST_F(FakeServerTest, StartSyncRedriveAndActivities) {
  CommandOutput sync = RunCommand(
      RunStartSyncExecution,
      StartSyncExecutionFlags{.state_machine_arn = "arn:sm", .name = "s", .input = R"({"a": 1})"},
      server_.endpoint());
  ASSERT_EQ(sync.code, 0) << sync.err;
  EXPECT_EQ(sync.Json().at("status"), "SUCCEEDED");
  EXPECT_EQ(sync.Json().at("output"), R"({"a": 1})");

  CommandOutput redriven = RunCommand(
      RunRedriveExecution, RedriveExecutionFlags{.execution_arn = "arn:e", .client_token = "c1"},
      server_.endpoint());
  ASSERT_EQ(redriven.code, 0) << redriven.err;
  EXPECT_EQ(redriven.Json().at("redriveDate"), "2023-11-14T22:13:21+00:00");
  EXPECT_EQ(fake_.redrive_request().client_token(), "c1");

  CommandOutput created = RunCommand(
      RunCreateActivity,
      CreateActivityFlags{.name = "Review", .tags = {R"([{"key": "team", "value": "ops"}])"}},
      server_.endpoint());
  ASSERT_EQ(created.code, 0) << created.err;
  EXPECT_EQ(created.Json().at("activityArn"),
            "arn:aws:states:us-east-1:123456789012:activity:Review");
  ASSERT_EQ(fake_.activity_request().tags_size(), 1);
  EXPECT_EQ(fake_.activity_request().tags(0).value(), "ops");

  CommandOutput task =
      RunCommand(RunGetActivityTask, GetActivityTaskFlags{.activity_arn = "arn:activity:busy"},
                 server_.endpoint());
  ASSERT_EQ(task.code, 0) << task.err;
  EXPECT_EQ(task.Json().at("taskToken"), "token-1");
  EXPECT_EQ(task.Json().at("input"), R"({"job": 1})");

  CommandOutput idle =
      RunCommand(RunGetActivityTask, GetActivityTaskFlags{.activity_arn = "arn:activity:idle"},
                 server_.endpoint());
  EXPECT_EQ(idle.code, 0);
  EXPECT_EQ(idle.out, "");  // No task within the poll: nothing, as the AWS CLI.
}

TEST_F(FakeServerTest, ErrorWithoutDetailsUsesTheMessagePrefix) {
  CommandOutput started = RunCommand(
      RunStartExecution, StartExecutionFlags{.state_machine_arn = "arn:sm"}, server_.endpoint());
  EXPECT_EQ(started.code, 254);
  EXPECT_EQ(started.err,
            "An error occurred (ExecutionLimitExceeded) when calling the StartExecution "
            "operation: too many open executions\n");
}

TEST_F(FakeServerTest, ReadTimeoutIsAClientError) {
  CommandOutput described =
      RunCommand(RunDescribeExecution, DescribeExecutionFlags{.execution_arn = "arn:e"},
                 server_.endpoint(), absl::Milliseconds(200));
  EXPECT_EQ(described.code, 255);
  EXPECT_THAT(described.err, StartsWith("Read timeout on endpoint \"" + server_.endpoint() +
                                        "\": no answer to the DescribeExecution operation "
                                        "within 200ms"));
}

TEST(UnimplementedServerTest, EveryOperationSaysWhatIsMissing) {
  v1::States::Service unimplemented;  // The generated base: every RPC UNIMPLEMENTED.
  TestServer empty(&unimplemented);
  CommandOutput deleted =
      RunCommand(RunDeleteActivity, ActivityArnFlags{.activity_arn = "arn:a"}, empty.endpoint());
  EXPECT_EQ(deleted.code, 254);
  EXPECT_EQ(deleted.err,
            "An error occurred (UnknownOperationException) when calling the "
            "DeleteActivity operation: the orchestrator at " +
                empty.endpoint() + " does not implement DeleteActivity (yet)\n");
  CommandOutput heartbeat =
      RunCommand(RunSendTaskHeartbeat, SendTaskHeartbeatFlags{.task_token = "t"}, empty.endpoint());
  EXPECT_EQ(heartbeat.code, 254);
  EXPECT_THAT(heartbeat.err, HasSubstr("does not implement SendTaskHeartbeat"));
}

}  // namespace
}  // namespace stepwise::cli
