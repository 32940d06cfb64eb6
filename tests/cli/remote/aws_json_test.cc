// The AWS-shaped JSON output: member names, enum strings, timestamps, which
// members appear, and the AWS CLI's 4-space layout.
#include "cli/remote/aws_json.h"

#include <sstream>
#include <string>

#include "boost/json/parse.hpp"
#include "cli/remote/aws_names.h"
#include "gtest/gtest.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;

google::protobuf::Timestamp At(int64_t seconds, int32_t nanos = 0) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  t.set_nanos(nanos);
  return t;
}

std::string Printed(const google::protobuf::Message& message) {
  std::ostringstream out;
  PrintAwsResponse(message, out);
  return out.str();
}

TEST(AwsJsonTest, DescribeExecutionHasAwsNamesEnumsAndDates) {
  v1::DescribeExecutionResponse response;
  response.set_execution_arn("arn:aws:states:us-east-1:123456789012:execution:M:run-1");
  response.set_status(v1::EXECUTION_STATUS_RUNNING);
  *response.mutable_start_date() = At(1700000000, 123000000);
  response.set_input(R"({"name": "Ada"})");
  response.mutable_input_details()->set_included(true);
  response.set_redrive_status(v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);

  const json::object object = ToAwsJson(response);
  EXPECT_EQ(object.at("executionArn"), "arn:aws:states:us-east-1:123456789012:execution:M:run-1");
  EXPECT_EQ(object.at("status"), "RUNNING");
  EXPECT_EQ(object.at("startDate"), "2023-11-14T22:13:20.123000+00:00");
  EXPECT_EQ(object.at("input"), R"({"name": "Ada"})");
  EXPECT_EQ(object.at("inputDetails"), json::parse(R"({"included": true})"));
  EXPECT_EQ(object.at("redriveStatus"), "NOT_REDRIVABLE");
  EXPECT_EQ(object.at("redriveCount"), 0);  // Numbers always, as AWS.
  // Unset: empty strings, unset dates and messages, *_UNSPECIFIED enums.
  EXPECT_FALSE(object.contains("stopDate"));
  EXPECT_FALSE(object.contains("output"));
  EXPECT_FALSE(object.contains("outputDetails"));
  EXPECT_FALSE(object.contains("error"));
  EXPECT_FALSE(object.contains("state_machine_arn"));
}

TEST(AwsJsonTest, HistoryEventTypesAreUpperCamelAndIdsAreNumbers) {
  v1::GetExecutionHistoryResponse response;
  v1::HistoryEvent* event = response.add_events();
  event->set_id(1);
  event->set_previous_event_id(0);
  event->set_type(v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED);
  *event->mutable_timestamp() = At(1700000000);
  event->mutable_state_entered_event_details()->set_name("Greet");
  v1::HistoryEvent* scheduled = response.add_events();
  scheduled->set_id(2);
  scheduled->set_previous_event_id(1);
  scheduled->set_type(v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED);
  scheduled->mutable_task_scheduled_event_details()->set_heartbeat_in_seconds(0);

  const json::value value = ToAwsJson(response);
  const json::array& events = value.at("events").as_array();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].at("id"), 1);
  EXPECT_TRUE(events[0].at("id").is_int64());  // Not "1" as proto3 JSON would print.
  EXPECT_EQ(events[0].at("previousEventId"), 0);
  EXPECT_EQ(events[0].at("type"), "TaskStateEntered");
  EXPECT_EQ(events[0].at("timestamp"), "2023-11-14T22:13:20+00:00");
  EXPECT_EQ(events[0].at("stateEnteredEventDetails"), json::parse(R"({"name": "Greet"})"));
  EXPECT_EQ(events[1].at("type"), "TaskScheduled");
  // `optional` members: printed when set, even to 0; left out when unset.
  const json::object& details = events[1].at("taskScheduledEventDetails").as_object();
  EXPECT_EQ(details.at("heartbeatInSeconds"), 0);
  EXPECT_FALSE(details.contains("timeoutInSeconds"));
  EXPECT_FALSE(value.as_object().contains("nextToken"));
}

TEST(AwsJsonTest, LayoutIsTheAwsClis) {
  v1::ListStateMachinesResponse response;
  v1::StateMachineListItem* item = response.add_state_machines();
  item->set_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Hello");
  item->set_name("Hello");
  item->set_type(v1::STATE_MACHINE_TYPE_EXPRESS);
  *item->mutable_creation_date() = At(1700000000);
  EXPECT_EQ(Printed(response),
            "{\n"
            "    \"stateMachines\": [\n"
            "        {\n"
            "            \"stateMachineArn\": "
            "\"arn:aws:states:us-east-1:123456789012:stateMachine:Hello\",\n"
            "            \"name\": \"Hello\",\n"
            "            \"type\": \"EXPRESS\",\n"
            "            \"creationDate\": \"2023-11-14T22:13:20+00:00\"\n"
            "        }\n"
            "    ]\n"
            "}\n");
  EXPECT_EQ(Printed(v1::ListStateMachinesResponse()), "{\n    \"stateMachines\": []\n}\n");
}

TEST(AwsJsonTest, EmptyResponsesPrintNothing) {
  EXPECT_EQ(Printed(v1::DeleteStateMachineResponse()), "");
  EXPECT_EQ(Printed(v1::SendTaskSuccessResponse()), "");
  EXPECT_EQ(Printed(v1::GetActivityTaskResponse()), "");  // No task arrived.
}

TEST(AwsJsonTest, StringsKeepUnicodeAndEscapeQuotes) {
  v1::DescribeExecutionResponse response;
  response.set_output("{\"greeting\": \"h\xC3\xA9llo\\n\"}");
  EXPECT_EQ(Printed(response),
            "{\n    \"output\": \"{\\\"greeting\\\": \\\"h\xC3\xA9llo\\\\n\\\"}\",\n"
            "    \"redriveCount\": 0\n}\n");
}

TEST(AwsJsonTest, ItemCountOnlyForMapRunChildren) {
  v1::ExecutionListItem item;
  item.set_name("run-1");
  EXPECT_FALSE(ToAwsJson(item).contains("itemCount"));
  EXPECT_EQ(ToAwsJson(item).at("redriveCount"), 0);
  item.set_item_count(3);
  EXPECT_EQ(ToAwsJson(item).at("itemCount"), 3);
}

TEST(AwsJsonTest, MapsAreObjectsWhenNotEmpty) {
  v1::StateExitedEventDetails details;
  details.set_name("Assign");
  EXPECT_FALSE(ToAwsJson(details).contains("assignedVariables"));
  (*details.mutable_assigned_variables())["x"] = "1";
  EXPECT_EQ(ToAwsJson(details).at("assignedVariables"), json::parse(R"({"x": "1"})"));
}

TEST(AwsJsonTest, UnknownEnumValuesPrintAsNumbers) {
  v1::DescribeExecutionResponse response;
  response.set_status(static_cast<v1::ExecutionStatus>(42));  // From a newer server.
  EXPECT_EQ(ToAwsJson(response).at("status"), 42);
}

TEST(AwsJsonTest, TimestampsAreIsoWithMicrosecondsWhenNotWhole) {
  EXPECT_EQ(FormatAwsTimestamp(At(0)), "1970-01-01T00:00:00+00:00");
  EXPECT_EQ(FormatAwsTimestamp(At(1700000000, 5000)), "2023-11-14T22:13:20.000005+00:00");
  EXPECT_EQ(FormatAwsTimestamp(At(1700000000, 999)), "2023-11-14T22:13:20+00:00");
}

TEST(AwsNamesTest, NamesBothWays) {
  EXPECT_EQ(AwsEnumName(*v1::ExecutionStatus_descriptor()->FindValueByNumber(
                v1::EXECUTION_STATUS_PENDING_REDRIVE)),
            "PENDING_REDRIVE");
  EXPECT_EQ(AwsEnumName(*v1::HistoryEventType_descriptor()->FindValueByNumber(
                v1::HISTORY_EVENT_TYPE_MAP_RUN_STARTED)),
            "MapRunStarted");
  EXPECT_EQ(AwsEnumNames(*v1::StateMachineType_descriptor()),
            (std::vector<std::string>{"STANDARD", "EXPRESS"}));
  EXPECT_EQ(AwsEnumNumber(*v1::StateMachineType_descriptor(), "EXPRESS"),
            v1::STATE_MACHINE_TYPE_EXPRESS);
  EXPECT_EQ(AwsEnumNumber(*v1::StateMachineType_descriptor(), "express"), std::nullopt);
  EXPECT_EQ(AwsEnumNumber(*v1::StateMachineType_descriptor(), "UNSPECIFIED"), std::nullopt);
}

}  // namespace
}  // namespace stepwise::cli
