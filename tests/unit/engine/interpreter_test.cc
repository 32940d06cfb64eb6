// Scenario tests of the interpreter through RunLocally: whole executions on a
// virtual clock, with tasks answered by small handlers.
#include "orchestrator/engine/interpreter.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;

std::shared_ptr<const asl::StateMachine> Machine(std::string_view definition) {
  asl::ValidationResult result = asl::ValidateDefinition(definition);
  EXPECT_TRUE(result.ok()) << definition;
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.location << ": " << d.message;
  return result.machine;
}

ExecutionInfo Info() {
  return {"arn:aws:states:local:000000000000:execution:test:run-1", "run-1",
          "arn:aws:states:local:000000000000:stateMachine:test", "test", "arn:aws:iam::0:role/r"};
}

TaskAnswer Succeed(json::value output) {
  return {TaskAnswer::Kind::kSucceed, std::move(output), "", ""};
}
TaskAnswer Fail(std::string error, std::string cause) {
  return {TaskAnswer::Kind::kFail, nullptr, std::move(error), std::move(cause)};
}

LocalRunResult RunMachine(
    std::string_view definition, std::string_view input,
    const TaskHandler& handler = [](const ScheduleTask&) { return Succeed(json::object{}); },
    bool round_trip = true) {
  Interpreter interpreter(Machine(definition));
  LocalRunOptions options;
  options.round_trip_state = round_trip;
  LocalRunResult result = RunLocally(interpreter, Info(), json::parse(input), handler, options);
  EXPECT_EQ(result.problem, "");
  return result;
}

std::vector<std::string> Types(const LocalRunResult& result) {
  std::vector<std::string> types;
  for (const HistoryEvent& e : result.history) types.push_back(TypeName(e));
  return types;
}

TEST(InterpreterTest, PassChainTransformsInput) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"x":1},"ResultPath":"$.a","Next":"B"},
      "B":{"Type":"Pass","Parameters":{"sum.$":"States.MathAdd($.a.x, 41)","orig.$":"$.in"},
           "End":true}}})j",
                                R"j({"in":"hello"})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j({"sum":42,"orig":"hello"})j"));
  EXPECT_THAT(Types(r), ElementsAre("ExecutionStarted", "PassStateEntered", "PassStateExited",
                                    "PassStateEntered", "PassStateExited", "ExecutionSucceeded"));
  for (size_t i = 0; i < r.history.size(); ++i) {
    EXPECT_EQ(r.history[i].id, static_cast<int64_t>(i + 1));
    EXPECT_EQ(r.history[i].previous_event_id, static_cast<int64_t>(i));
  }
}

TEST(InterpreterTest, TaskResultSelectorResultPathOutputPath) {
  LocalRunResult r = RunMachine(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"f","Payload.$":"$"},
      "ResultSelector":{"v.$":"$.Payload.value"},"ResultPath":"$.result","OutputPath":"$.result",
      "End":true}}})j",
      R"j({"k":1})j", [](const ScheduleTask& task) {
        EXPECT_EQ(task.resource, "arn:aws:states:::lambda:invoke");
        EXPECT_EQ(task.payload, json::parse(R"j({"FunctionName":"f","Payload":{"k":1}})j"));
        return Succeed(json::parse(R"j({"Payload":{"value":7},"StatusCode":200})j"));
      });
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j({"v":7})j"));
  EXPECT_THAT(Types(r),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted",
                          "TaskSucceeded", "TaskStateExited", "ExecutionSucceeded"));
}

TEST(InterpreterTest, RetryBacksOffOnTheVirtualClockThenCatches) {
  int calls = 0;
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
           "Retry":[{"ErrorEquals":["Boom"],"IntervalSeconds":2,"MaxAttempts":3,"BackoffRate":3}],
           "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"Handled"}],
           "End":true},
      "Handled":{"Type":"Pass","End":true}}})j",
                                R"j({"a":1})j", [&](const ScheduleTask&) {
                                  ++calls;
                                  return Fail("Boom", "it broke");
                                });
  EXPECT_EQ(calls, 4);  // The first attempt and three retries.
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j({"a":1,"err":{"Error":"Boom","Cause":"it broke"}})j"));
  // Retries at +2 s, +6 s, +18 s: the last failure is 26 s after the start.
  absl::Time start = r.history.front().timestamp;
  std::vector<int64_t> failures;
  for (const HistoryEvent& e : r.history) {
    if (e.type == HistoryEventType::kLambdaFunctionFailed) {
      failures.push_back(absl::ToInt64Seconds(e.timestamp - start));
    }
  }
  EXPECT_THAT(failures, ElementsAre(0, 2, 8, 26));
}

TEST(InterpreterTest, MaxAttemptsZeroAndUncaughtErrorFailsExecution) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f",
      "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":0}],"End":true}}})j",
                                "{}", [](const ScheduleTask&) { return Fail("Nope", "c"); });
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "Nope");
  EXPECT_EQ(r.state.cause, "c");
}

TEST(InterpreterTest, TaskFailedDoesNotMatchTimeout) {
  LocalRunResult r =
      RunMachine(R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f",
      "Catch":[{"ErrorEquals":["States.TaskFailed"],"Next":"Caught"}],"End":true},
      "Caught":{"Type":"Succeed"}}})j",
                 "{}", [](const ScheduleTask&) { return Fail("States.Timeout", ""); });
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.Timeout");
}

TEST(InterpreterTest, ChoiceWaitAndFail) {
  const char* definition = R"j({"StartAt":"C","States":{
      "C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericGreaterThan":10,"Next":"W"}],
           "Default":"F"},
      "W":{"Type":"Wait","SecondsPath":"$.n","Next":"S"},
      "S":{"Type":"Succeed"},
      "F":{"Type":"Fail","Error":"TooSmall","CausePath":"States.Format('n was {}', $.n)"}}})j";
  LocalRunResult big = RunMachine(definition, R"j({"n":90})j");
  EXPECT_EQ(big.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(big.state.output, json::parse(R"j({"n":90})j"));
  EXPECT_EQ(absl::ToInt64Seconds(big.history.back().timestamp - big.history.front().timestamp), 90);
  LocalRunResult small = RunMachine(definition, R"j({"n":3})j");
  EXPECT_EQ(small.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(small.state.error, "TooSmall");
  EXPECT_EQ(small.state.cause, "n was 3");
}

TEST(InterpreterTest, NoChoiceMatched) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"C","States":{
      "C":{"Type":"Choice","Choices":[{"Variable":"$.n","IsPresent":true,"Next":"S"}]},
      "S":{"Type":"Succeed"}}})j",
                                "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.NoChoiceMatched");
}

TEST(InterpreterTest, ParallelResultsInBranchOrderAndBranchFailureFailsState) {
  const char* definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
      {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:a","End":true}}},
      {"StartAt":"B","States":{"B":{"Type":"Pass","Result":"b","End":true}}}],
      "ResultPath":"$.out","Catch":[{"ErrorEquals":["Bad"],"Next":"Caught"}],"End":true},
      "Caught":{"Type":"Pass","End":true}}})j";
  LocalRunResult ok = RunMachine(definition, R"j({"x":1})j",
                                 [](const ScheduleTask& t) { return Succeed(t.payload); });
  EXPECT_EQ(ok.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(ok.state.output, json::parse(R"j({"x":1,"out":[{"x":1},"b"]})j"));
  LocalRunResult bad = RunMachine(definition, R"j({"x":1})j",
                                  [](const ScheduleTask&) { return Fail("Bad", "why"); });
  EXPECT_EQ(bad.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(bad.state.output, json::parse(R"j({"Error":"Bad","Cause":"why"})j"));
  EXPECT_THAT(Types(bad), ::testing::Contains("ParallelStateFailed"));
}

TEST(InterpreterTest, MapKeepsOrderHonoursItemSelectorAndConcurrency) {
  int in_flight_max = 0;
  LocalRunResult r =
      RunMachine(R"j({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
      "MaxConcurrency":2,
      "ItemSelector":{"i.$":"$$.Map.Item.Index","v.$":"$$.Map.Item.Value","k.$":"$.k"},
      "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
          "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}},
      "End":true}}})j",
                 R"j({"k":"K","items":["a","b","c","d","e"]})j",
                 [&](const ScheduleTask& t) { return Succeed(t.payload); });
  (void)in_flight_max;
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j([{"i":0,"v":"a","k":"K"},{"i":1,"v":"b","k":"K"},
      {"i":2,"v":"c","k":"K"},{"i":3,"v":"d","k":"K"},{"i":4,"v":"e","k":"K"}])j"));
}

TEST(InterpreterTest, MapOverNonArrayIsRuntimeError) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.x",
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},"End":true}}})j",
                                R"j({"x":5})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.Runtime");
}

TEST(InterpreterTest, ExecutionTimeout) {
  LocalRunResult r = RunMachine(R"j({"TimeoutSeconds":5,"StartAt":"W","States":{
      "W":{"Type":"Wait","Seconds":60,"End":true}}})j",
                                "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(r.state.error, "States.Timeout");
  EXPECT_EQ(TypeName(r.history.back()), "ExecutionTimedOut");
}

TEST(InterpreterTest, RoundTripBetweenEventsChangesNothing) {
  const char* definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
      {"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"ItemProcessor":{
          "StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
          "Retry":[{"ErrorEquals":["Flaky"],"JitterStrategy":"FULL","IntervalSeconds":3}],
          "End":true}}},"End":true}}},
      {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":7,"Next":"U"},
          "U":{"Type":"Pass","Parameters":{"id.$":"States.UUID()"},"End":true}}}],"End":true}}})j";
  auto handler = [count = 0](const ScheduleTask& t) mutable {
    return ++count % 2 == 1 ? Fail("Flaky", "") : Succeed(t.payload);
  };
  LocalRunResult plain = RunMachine(definition, "[1,2,3]", handler, /*round_trip=*/false);
  LocalRunResult restored = RunMachine(definition, "[1,2,3]", handler, /*round_trip=*/true);
  ASSERT_EQ(plain.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::serialize(ToJson(plain.state)), json::serialize(ToJson(restored.state)));
  ASSERT_EQ(plain.history.size(), restored.history.size());
  for (size_t i = 0; i < plain.history.size(); ++i) {
    EXPECT_EQ(json::serialize(ToJson(plain.history[i])),
              json::serialize(ToJson(restored.history[i])));
  }
}

TEST(InterpreterTest, LateAndDuplicateEventsChangeNothing) {
  Interpreter interpreter(Machine(R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}})j"));
  absl::Time t0 = absl::FromUnixSeconds(100);
  StepResult started =
      interpreter.Apply({}, Event{t0, "e1", StartExecution{Info(), json::object{}}});
  ASSERT_EQ(started.effects.size(), 1u);
  std::string task_id = std::get<ScheduleTask>(started.effects[0]).task_id;
  StepResult unknown =
      interpreter.Apply(started.state, Event{t0, "e2", TaskSucceeded{"task-999", 1}});
  EXPECT_TRUE(unknown.history.empty());
  EXPECT_EQ(json::serialize(ToJson(unknown.state)), json::serialize(ToJson(started.state)));
  StepResult done = interpreter.Apply(started.state, Event{t0, "e3", TaskSucceeded{task_id, 5}});
  EXPECT_EQ(done.state.status, ExecutionStatus::kSucceeded);
  StepResult again = interpreter.Apply(done.state, Event{t0, "e4", TaskSucceeded{task_id, 6}});
  EXPECT_TRUE(again.history.empty());
  EXPECT_EQ(again.state.output, json::value(5));
}

TEST(InterpreterTest, DistributedMapReaderIsRefusedClearly) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"M","States":{"M":{"Type":"Map",
      "ItemReader":{"Resource":"arn:aws:states:::s3:getObject",
                    "Parameters":{"Bucket":"b","Key":"k"}},
      "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                       "StartAt":"P","States":{"P":{"Type":"Pass","End":true}}},
      "End":true}}})j",
                                "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.ItemReaderFailed");
  EXPECT_THAT(r.state.cause, ::testing::HasSubstr("ItemReader"));
}

// The workshop's version 8 with the behaviour of WORKSHOP.md's workers.
std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TaskAnswer WorkshopWorkers(const ScheduleTask& task, const std::string& decision) {
  const json::object& payload = task.payload.as_object();
  if (task.resource == "arn:aws:lambda:local:0:function:DataChecking") {
    std::string command(payload.at("command").as_string());
    const json::object& data = payload.at("data").as_object();
    if (command == "CHECK_NAME") {
      std::string name(data.at("name").as_string());
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (lower.find("unprocessable_data") != std::string::npos) {
        std::string message = "Simulated error: Name '" + name + "' is not possible to check.";
        return Fail("UnprocessableDataException",
                    json::serialize(json::object{{"errorType", "UnprocessableDataException"},
                                                 {"errorMessage", message}}));
      }
      return Succeed(json::object{{"flagged", lower.find("evil") != std::string::npos}});
    }
    std::string address(data.at("address").as_string());
    bool ok = std::regex_search(address, std::regex(R"j((\d+ \w+)|(\w+ \d+))j"));
    return Succeed(json::object{{"flagged", !ok}});
  }
  if (task.resource == "arn:aws:states:::lambda:invoke.waitForTaskToken") {
    if (decision.empty()) return {TaskAnswer::Kind::kNoAnswer, nullptr, "", ""};
    return Succeed(json::object{{"decision", decision}});
  }
  return Succeed(json::object{{"ok", true}});
}

LocalRunResult RunWorkshop(const std::string& name, const std::string& address,
                           const std::string& decision) {
  absl::StatusOr<std::string> text = asl::ApplySubstitutions(
      ReadFile("examples/workshop/8-parallel-steps__account-application-workflow.asl.json"),
      {{"DataCheckingFunctionArn", "arn:aws:lambda:local:0:function:DataChecking"},
       {"FlagApplicationFunctionName", "FlagApplication"},
       {"ApproveApplicationFunctionArn", "arn:aws:lambda:local:0:function:Approve"},
       {"RejectApplicationFunctionArn", "arn:aws:lambda:local:0:function:Reject"}});
  EXPECT_TRUE(text.ok());
  json::object application{
      {"id", "application_1"}, {"name", name}, {"address", address}, {"state", "SUBMITTED"}};
  return RunMachine(*text, json::serialize(json::object{{"application", application}}),
                    [&](const ScheduleTask& t) { return WorkshopWorkers(t, decision); });
}

std::vector<std::string> EnteredStates(const LocalRunResult& r) {
  std::vector<std::string> names;
  for (const HistoryEvent& e : r.history) {
    if (e.type == HistoryEventType::kStateEntered) {
      names.push_back(std::string(e.details.at("name").as_string()));
    }
  }
  return names;
}

TEST(WorkshopScenarioTest, CleanApplicationIsApproved) {
  LocalRunResult r = RunWorkshop("Spock", "123 Enterprise Street", "");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(EnteredStates(r), ElementsAre("Check Applicant Data", "Check Name", "Check Address",
                                            "Review Required?", "Approve Application"));
}

TEST(WorkshopScenarioTest, FlaggedNameWaitsForReviewThenFollowsTheDecision) {
  LocalRunResult waiting = RunWorkshop("evil Spock", "123 Enterprise Street", "");
  EXPECT_EQ(waiting.state.status, ExecutionStatus::kRunning);
  EXPECT_EQ(EnteredStates(waiting).back(), "Pending Review");
  LocalRunResult approved = RunWorkshop("evil Spock", "123 Enterprise Street", "APPROVE");
  EXPECT_EQ(approved.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(EnteredStates(approved).back(), "Approve Application");
  LocalRunResult rejected = RunWorkshop("evil Spock", "123 Enterprise Street", "REJECT");
  EXPECT_EQ(rejected.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(EnteredStates(rejected).back(), "Reject Application");
}

TEST(WorkshopScenarioTest, BadAddressWaitsForReview) {
  LocalRunResult r = RunWorkshop("Spock", "ABadAddress", "");
  EXPECT_EQ(r.state.status, ExecutionStatus::kRunning);
  EXPECT_EQ(EnteredStates(r).back(), "Pending Review");
}

TEST(WorkshopScenarioTest, UnprocessableDataIsFlaggedWithTheLambdaCause) {
  LocalRunResult r = RunWorkshop("UNPROCESSABLE_DATA", "123 Street", "");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(EnteredStates(r).back(), "Flag Application As Unprocessable");
  const HistoryEvent* scheduled = nullptr;
  for (const HistoryEvent& e : r.history) {
    if (e.type == HistoryEventType::kTaskScheduled) scheduled = &e;
  }
  ASSERT_NE(scheduled, nullptr);
  json::value parameters = json::parse(scheduled->details.at("parameters").as_string());
  json::value cause = json::parse(parameters.at("Payload").at("errorInfo").at("Cause").as_string());
  EXPECT_EQ(cause.at("errorMessage"),
            "Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check.");
  EXPECT_EQ(parameters.at("Payload").at("flagType"), "UNPROCESSABLE_DATA");
}

}  // namespace
}  // namespace stepwise::engine
