// Contract tests for proto/stepwise/v1: the services keep every RPC, the
// messages round-trip through the wire format, names follow AWS's.

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "stepwise/v1/error_details.pb.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/states.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "stepwise/v1/worker.pb.h"

namespace stepwise::v1 {
namespace {

using ::google::protobuf::DescriptorPool;
using ::google::protobuf::EnumDescriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::FileDescriptor;
using ::google::protobuf::ServiceDescriptor;
using ::testing::UnorderedElementsAreArray;

template <typename Message>
Message RoundTrip(const Message& in) {
  std::string wire;
  EXPECT_TRUE(in.SerializeToString(&wire));
  Message out;
  EXPECT_TRUE(out.ParseFromString(wire));
  return out;
}

// "EXECUTION_STATUS_TIMED_OUT" -> "ExecutionStatusTimedOut".
std::string UpperSnakeToPascal(std::string_view name) {
  std::string out;
  bool start = true;
  for (char c : name) {
    if (c == '_') {
      start = true;
    } else {
      out += start ? c : static_cast<char>(c - 'A' + 'a');
      start = false;
    }
  }
  return out;
}

// "StateMachineType" -> "STATE_MACHINE_TYPE".
std::string PascalToUpperSnake(std::string_view name) {
  std::string out;
  for (char c : name) {
    if (c >= 'A' && c <= 'Z' && !out.empty()) out += '_';
    out += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

std::vector<std::string> MethodNames(const ServiceDescriptor& service) {
  std::vector<std::string> names;
  for (int i = 0; i < service.method_count(); ++i) names.push_back(service.method(i)->name());
  return names;
}

TEST(ProtoServices, StatesHasEveryAwsOperation) {
  const ServiceDescriptor* service =
      DescriptorPool::generated_pool()->FindServiceByName("stepwise.v1.States");
  ASSERT_NE(service, nullptr);
  const std::vector<std::string> expected = {
      "CreateStateMachine",  "DescribeStateMachine",
      "UpdateStateMachine",  "DeleteStateMachine",
      "ListStateMachines",   "ValidateStateMachineDefinition",
      "StartExecution",      "StartSyncExecution",
      "DescribeExecution",   "ListExecutions",
      "GetExecutionHistory", "StopExecution",
      "RedriveExecution",    "TestState",
      "CreateActivity",      "DescribeActivity",
      "DeleteActivity",      "ListActivities",
      "GetActivityTask",     "SendTaskSuccess",
      "SendTaskFailure",     "SendTaskHeartbeat",
  };
  EXPECT_THAT(MethodNames(*service), UnorderedElementsAreArray(expected));
  // Request/response types follow the RPC's name (AWS's XxxInput/XxxOutput).
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    EXPECT_EQ(method->input_type()->name(), method->name() + "Request");
    EXPECT_EQ(method->output_type()->name(), method->name() + "Response");
    EXPECT_FALSE(method->client_streaming() || method->server_streaming()) << method->name();
  }
}

TEST(ProtoServices, WorkerHasItsThreeCalls) {
  const ServiceDescriptor* service =
      DescriptorPool::generated_pool()->FindServiceByName("stepwise.v1.Worker");
  ASSERT_NE(service, nullptr);
  EXPECT_THAT(MethodNames(*service),
              UnorderedElementsAreArray({"PollTask", "WithdrawPolls", "CompleteAndPollTask"}));
}

TEST(ProtoServices, GeneratedServiceDefaultsToUnimplemented) {
  States::Service states;
  StartExecutionRequest request;
  StartExecutionResponse response;
  EXPECT_EQ(states.StartExecution(nullptr, &request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  Worker::Service worker;
  PollTaskRequest poll;
  PollTaskResponse task;
  EXPECT_EQ(worker.PollTask(nullptr, &poll, &task).error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST(ProtoMessages, StartExecutionRoundTrips) {
  StartExecutionRequest request;
  request.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Checks");
  request.set_name("run-1");
  request.set_input(R"({"data":{"name":"Spock"}})");
  request.set_trace_header("Root=1-abc");
  const StartExecutionRequest copy = RoundTrip(request);
  EXPECT_EQ(copy.state_machine_arn(), request.state_machine_arn());
  EXPECT_EQ(copy.name(), "run-1");
  EXPECT_EQ(copy.input(), request.input());
  EXPECT_EQ(copy.trace_header(), "Root=1-abc");
}

TEST(ProtoMessages, DescribeExecutionRoundTrips) {
  DescribeExecutionResponse response;
  response.set_execution_arn("arn:aws:states:us-east-1:123456789012:execution:Checks:run-1");
  response.set_status(EXECUTION_STATUS_FAILED);
  response.mutable_start_date()->set_seconds(1'700'000'000);
  response.mutable_stop_date()->set_seconds(1'700'000'005);
  response.set_error("States.TaskFailed");
  response.set_cause(R"({"errorType":"ValueError","errorMessage":"no"})");
  response.set_redrive_status(EXECUTION_REDRIVE_STATUS_REDRIVABLE);
  const DescribeExecutionResponse copy = RoundTrip(response);
  EXPECT_EQ(copy.status(), EXECUTION_STATUS_FAILED);
  EXPECT_EQ(copy.stop_date().seconds() - copy.start_date().seconds(), 5);
  EXPECT_EQ(copy.error(), "States.TaskFailed");
  EXPECT_EQ(copy.cause(), response.cause());
  EXPECT_EQ(copy.redrive_status(), EXECUTION_REDRIVE_STATUS_REDRIVABLE);
}

TEST(ProtoMessages, HistoryEventKeepsItsDetails) {
  GetExecutionHistoryResponse history;
  HistoryEvent* scheduled = history.add_events();
  scheduled->set_id(3);
  scheduled->set_previous_event_id(2);
  scheduled->set_type(HISTORY_EVENT_TYPE_TASK_SCHEDULED);
  scheduled->mutable_timestamp()->set_nanos(5'000'000);
  TaskScheduledEventDetails* details = scheduled->mutable_task_scheduled_event_details();
  details->set_resource_type("lambda");
  details->set_resource("invoke");
  details->set_parameters(R"({"FunctionName":"check-name"})");
  details->set_heartbeat_in_seconds(0);  // Present, although zero.
  HistoryEvent* iteration = history.add_events();
  iteration->set_id(4);
  iteration->set_type(HISTORY_EVENT_TYPE_MAP_ITERATION_STARTED);
  iteration->mutable_map_iteration_started_event_details()->set_index(0);

  const GetExecutionHistoryResponse copy = RoundTrip(history);
  ASSERT_EQ(copy.events_size(), 2);
  const HistoryEvent& event = copy.events(0);
  EXPECT_EQ(event.id(), 3);
  EXPECT_EQ(event.previous_event_id(), 2);
  EXPECT_EQ(event.type(), HISTORY_EVENT_TYPE_TASK_SCHEDULED);
  EXPECT_EQ(event.timestamp().nanos(), 5'000'000);
  ASSERT_EQ(event.details_case(), HistoryEvent::kTaskScheduledEventDetails);
  EXPECT_EQ(event.task_scheduled_event_details().parameters(), details->parameters());
  EXPECT_FALSE(event.task_scheduled_event_details().has_timeout_in_seconds());
  EXPECT_TRUE(event.task_scheduled_event_details().has_heartbeat_in_seconds());
  ASSERT_EQ(copy.events(1).details_case(), HistoryEvent::kMapIterationStartedEventDetails);
  EXPECT_TRUE(copy.events(1).map_iteration_started_event_details().has_index());
}

TEST(ProtoMessages, IncludeExecutionDataDistinguishesUnsetFromFalse) {
  GetExecutionHistoryRequest request;
  request.set_execution_arn("arn:aws:states:us-east-1:123456789012:execution:Checks:run-1");
  EXPECT_FALSE(RoundTrip(request).has_include_execution_data());  // AWS default: true.
  request.set_include_execution_data(false);
  const GetExecutionHistoryRequest copy = RoundTrip(request);
  ASSERT_TRUE(copy.has_include_execution_data());
  EXPECT_FALSE(copy.include_execution_data());
}

TEST(ProtoMessages, PollTaskResponseWithAndWithoutTask) {
  EXPECT_FALSE(RoundTrip(PollTaskResponse()).has_task());
  PollTaskResponse response;
  Task* task = response.mutable_task();
  task->set_task_token("tok");
  task->set_input("{}");
  task->set_queue("check-name");
  task->set_state_name("Check Name");
  task->set_heartbeat_seconds(10);
  task->set_attempt(2);
  const PollTaskResponse copy = RoundTrip(response);
  ASSERT_TRUE(copy.has_task());
  EXPECT_EQ(copy.task().task_token(), "tok");
  EXPECT_EQ(copy.task().state_name(), "Check Name");
  EXPECT_EQ(copy.task().heartbeat_seconds(), 10);
  EXPECT_EQ(copy.task().attempt(), 2);
}

TEST(ProtoMessages, ErrorInfoTravelsInRpcStatus) {
  ErrorInfo info;
  info.set_reason("ExecutionDoesNotExist");
  info.set_domain("stepwise");
  (*info.mutable_metadata())["resource"] = "arn:aws:states:us-east-1:1:execution:M:x";
  RpcStatus status;
  status.set_code(static_cast<int>(grpc::StatusCode::NOT_FOUND));
  status.set_message("ExecutionDoesNotExist: no execution x");
  auto* any = status.add_details();
  any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
  any->set_value(info.SerializeAsString());

  // What a server puts in the trailer and what a client reads back.
  const grpc::Status rpc(grpc::StatusCode::NOT_FOUND, status.message(), status.SerializeAsString());
  RpcStatus received;
  ASSERT_TRUE(received.ParseFromString(rpc.error_details()));
  ASSERT_EQ(received.details_size(), 1);
  ErrorInfo received_info;
  ASSERT_TRUE(received_info.ParseFromString(received.details(0).value()));
  EXPECT_EQ(received_info.reason(), "ExecutionDoesNotExist");
  EXPECT_EQ(received_info.domain(), "stepwise");
  EXPECT_EQ(received_info.metadata().at("resource"), info.metadata().at("resource"));
}

TEST(ProtoNames, HistoryEventTypeListsEveryAwsType) {
  const std::vector<std::string> aws = {
      "ActivityFailed",
      "ActivityScheduled",
      "ActivityScheduleFailed",
      "ActivityStarted",
      "ActivitySucceeded",
      "ActivityTimedOut",
      "ChoiceStateEntered",
      "ChoiceStateExited",
      "ExecutionAborted",
      "ExecutionFailed",
      "ExecutionStarted",
      "ExecutionSucceeded",
      "ExecutionTimedOut",
      "FailStateEntered",
      "LambdaFunctionFailed",
      "LambdaFunctionScheduled",
      "LambdaFunctionScheduleFailed",
      "LambdaFunctionStarted",
      "LambdaFunctionStartFailed",
      "LambdaFunctionSucceeded",
      "LambdaFunctionTimedOut",
      "MapIterationAborted",
      "MapIterationFailed",
      "MapIterationStarted",
      "MapIterationSucceeded",
      "MapStateAborted",
      "MapStateEntered",
      "MapStateExited",
      "MapStateFailed",
      "MapStateStarted",
      "MapStateSucceeded",
      "ParallelStateAborted",
      "ParallelStateEntered",
      "ParallelStateExited",
      "ParallelStateFailed",
      "ParallelStateStarted",
      "ParallelStateSucceeded",
      "PassStateEntered",
      "PassStateExited",
      "SucceedStateEntered",
      "SucceedStateExited",
      "TaskFailed",
      "TaskScheduled",
      "TaskStarted",
      "TaskStartFailed",
      "TaskStateAborted",
      "TaskStateEntered",
      "TaskStateExited",
      "TaskSubmitFailed",
      "TaskSubmitted",
      "TaskSucceeded",
      "TaskTimedOut",
      "WaitStateAborted",
      "WaitStateEntered",
      "WaitStateExited",
      "MapRunAborted",
      "MapRunFailed",
      "MapRunStarted",
      "MapRunSucceeded",
      "ExecutionRedriven",
      "MapRunRedriven",
      "EvaluationFailed",
  };
  const EnumDescriptor* type = HistoryEventType_descriptor();
  const std::string prefix = "HISTORY_EVENT_TYPE_";
  std::vector<std::string> names;
  for (int i = 0; i < type->value_count(); ++i) {
    const std::string& value = type->value(i)->name();
    if (value == prefix + "UNSPECIFIED") continue;
    ASSERT_EQ(value.rfind(prefix, 0), 0u) << value;
    names.push_back(UpperSnakeToPascal(value.substr(prefix.size())));
  }
  EXPECT_THAT(names, UnorderedElementsAreArray(aws));
}

// "Strip the enum's prefix to get AWS's string" holds for every enum.
TEST(ProtoNames, EnumValuesCarryTheirEnumsPrefix) {
  for (const FileDescriptor* file :
       {StartExecutionRequest::descriptor()->file(), PollTaskRequest::descriptor()->file()}) {
    for (int e = 0; e < file->enum_type_count(); ++e) {
      const EnumDescriptor* type = file->enum_type(e);
      const std::string prefix = PascalToUpperSnake(type->name()) + "_";
      EXPECT_EQ(type->value(0)->number(), 0);
      EXPECT_EQ(type->value(0)->name(), prefix + "UNSPECIFIED");
      for (int v = 0; v < type->value_count(); ++v) {
        EXPECT_EQ(type->value(v)->name().rfind(prefix, 0), 0u) << type->value(v)->name();
      }
    }
  }
}

std::vector<std::string> JsonNames(const google::protobuf::Descriptor& message) {
  std::vector<std::string> names;
  for (int i = 0; i < message.field_count(); ++i) names.push_back(message.field(i)->json_name());
  return names;
}

TEST(ProtoNames, JsonNamesAreAwsMemberNames) {
  EXPECT_THAT(JsonNames(*DescribeExecutionResponse::descriptor()), UnorderedElementsAreArray({
                                                                       "executionArn",
                                                                       "stateMachineArn",
                                                                       "name",
                                                                       "status",
                                                                       "startDate",
                                                                       "stopDate",
                                                                       "input",
                                                                       "inputDetails",
                                                                       "output",
                                                                       "outputDetails",
                                                                       "traceHeader",
                                                                       "mapRunArn",
                                                                       "error",
                                                                       "cause",
                                                                       "stateMachineVersionArn",
                                                                       "stateMachineAliasArn",
                                                                       "redriveCount",
                                                                       "redriveDate",
                                                                       "redriveStatus",
                                                                       "redriveStatusReason",
                                                                   }));
  const std::vector<std::string> history = JsonNames(*HistoryEvent::descriptor());
  for (const char* aws :
       {"id", "previousEventId", "timestamp", "type", "activityScheduleFailedEventDetails",
        "taskTimedOutEventDetails", "executionRedrivenEventDetails",
        "mapIterationAbortedEventDetails", "lambdaFunctionScheduleFailedEventDetails",
        "stateExitedEventDetails", "mapRunRedrivenEventDetails", "evaluationFailedEventDetails"}) {
    EXPECT_THAT(history, ::testing::Contains(aws));
  }
  EXPECT_EQ(HistoryEvent::descriptor()->field_count(), 4 + 37);

  // The proto3 JSON printer therefore speaks AWS's member names.
  StartExecutionResponse response;
  response.set_execution_arn("arn:x");
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(response, &json).ok());
  EXPECT_EQ(json, R"({"executionArn":"arn:x"})");
}

}  // namespace
}  // namespace stepwise::v1
