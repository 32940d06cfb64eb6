// MockConfigFile parsing (AWS Step Functions Local's format) and the mock
// task handler, alone and driving whole runs through RunLocally.
#include "orchestrator/engine/mock_config.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::shared_ptr<const asl::StateMachine> Machine(std::string_view definition) {
  asl::ValidationResult result = asl::ValidateDefinition(definition);
  EXPECT_TRUE(result.ok()) << definition;
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.location << ": " << d.message;
  return result.machine;
}

absl::StatusOr<std::vector<MockedResponse>> Parse(std::string_view text) {
  return ParseMockedResponse(json::parse(text), "R");
}

// One Task "T" -> "U" (Task) -> end, plus a Parallel and a Map holding nested
// Task states, for name checks.
constexpr std::string_view kNested = R"j({"StartAt":"T","States":{
  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"P"},
  "P":{"Type":"Parallel","Next":"M","Branches":[
    {"StartAt":"InBranch","States":{"InBranch":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}]},
  "M":{"Type":"Map","Next":"Done","ItemProcessor":{"StartAt":"InMap","States":{
    "InMap":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}},
  "Done":{"Type":"Pass","End":true}}})j";

absl::StatusOr<MockTestCase> Load(std::string_view config, std::string_view machine_name = "M1",
                                  std::string_view test_case = "Happy",
                                  std::string_view definition = kNested) {
  return LoadMockTestCase(json::parse(config), machine_name, test_case, *Machine(definition));
}

TEST(MockedResponseTest, ParsesSingleKeysAndRangesInOrder) {
  auto r = Parse(R"j({"3":{"Return":{"x":3}},"0":{"Throw":{"Error":"E","Cause":"C"}},
                      "1-2":{"Return":[1,2]}})j");
  ASSERT_THAT(r, IsOk());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].first, 0);
  EXPECT_EQ((*r)[0].last, 0);
  EXPECT_TRUE((*r)[0].is_throw);
  EXPECT_EQ((*r)[0].error, "E");
  EXPECT_EQ((*r)[0].cause, "C");
  EXPECT_EQ((*r)[1].first, 1);
  EXPECT_EQ((*r)[1].last, 2);
  EXPECT_FALSE((*r)[1].is_throw);
  EXPECT_EQ((*r)[1].return_value, json::parse("[1,2]"));
  EXPECT_EQ((*r)[2].first, 3);
  EXPECT_EQ((*r)[2].return_value, json::parse(R"j({"x":3})j"));
}

TEST(MockedResponseTest, ReturnMayBeAnyJsonValue) {
  for (std::string_view value : {"null", "false", "\"s\"", "12.5", "[]", "{}"}) {
    auto r = Parse(std::string(R"j({"0":{"Return":)j") + std::string(value) + "}}");
    ASSERT_THAT(r, IsOk()) << value;
    EXPECT_EQ((*r)[0].return_value, json::parse(value));
  }
}

TEST(MockedResponseTest, ThrowCauseIsOptional) {
  auto r = Parse(R"j({"0":{"Throw":{"Error":"Lambda.ServiceException"}}})j");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)[0].error, "Lambda.ServiceException");
  EXPECT_EQ((*r)[0].cause, "");
}

TEST(MockedResponseTest, SingleInvocationRangeAndLargeNumbers) {
  auto r = Parse(R"j({"5-5":{"Return":1},"6-1000000":{"Return":2}})j");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)[0].first, 5);
  EXPECT_EQ((*r)[0].last, 5);
  EXPECT_EQ((*r)[1].last, 1000000);
}

TEST(MockedResponseTest, RejectsMalformedKeys) {
  for (std::string_view key : {"", "a", "-1", "1-", "-", "2-1", "1-2-3", " 1", "1.5", "+1", "0x1",
                               "1 - 2", "99999999999999999999"}) {
    auto r = Parse(std::string(R"j({")j") + std::string(key) + R"j(":{"Return":1}})j");
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << "key '" << key << "'";
    if (!r.ok()) {
      EXPECT_THAT(std::string(r.status().message()), HasSubstr("MockedResponses.R")) << key;
    }
  }
}

TEST(MockedResponseTest, RejectsOverlappingKeys) {
  for (std::string_view text : {R"j({"0-2":{"Return":1},"2":{"Return":2}})j",
                                R"j({"0-5":{"Return":1},"1-2":{"Return":2}})j",
                                R"j({"3-4":{"Return":1},"0-3":{"Return":2}})j",
                                R"j({"1":{"Return":1},"01":{"Return":2}})j"}) {
    auto r = Parse(text);
    EXPECT_THAT(r, StatusIs(absl::StatusCode::kInvalidArgument)) << text;
    if (!r.ok()) {
      EXPECT_THAT(std::string(r.status().message()), HasSubstr("more than one")) << text;
    }
  }
}

TEST(MockedResponseTest, AdjacentAndGappedRangesAreFine) {
  EXPECT_THAT(Parse(R"j({"0-1":{"Return":1},"2-3":{"Return":2}})j"), IsOk());
  EXPECT_THAT(Parse(R"j({"0":{"Return":1},"5":{"Return":2}})j"), IsOk());
}

TEST(MockedResponseTest, RejectsMalformedValues) {
  for (std::string_view text : {
           R"j([])j",
           R"j("Return")j",
           R"j({})j",
           R"j({"0":1})j",
           R"j({"0":{}})j",
           R"j({"0":{"Return":1,"Throw":{"Error":"E","Cause":"C"}}})j",
           R"j({"0":{"Return":1,"Extra":2}})j",
           R"j({"0":{"Returns":1}})j",
           R"j({"0":{"Throw":"E"}})j",
           R"j({"0":{"Throw":{"Cause":"C"}}})j",
           R"j({"0":{"Throw":{"Error":"","Cause":"C"}}})j",
           R"j({"0":{"Throw":{"Error":1,"Cause":"C"}}})j",
           R"j({"0":{"Throw":{"Error":"E","Cause":{"a":1}}}})j",
           R"j({"0":{"Throw":{"Error":"E","Cause":"C","Extra":1}}})j",
       }) {
    EXPECT_THAT(Parse(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(MockTestCaseTest, FindCoversRangesGapsAndTheEnd) {
  auto responses = Parse(R"j({"0":{"Return":"a"},"1-2":{"Return":"b"},"5":{"Return":"c"}})j");
  ASSERT_THAT(responses, IsOk());
  MockTestCase mocks({{"S", *responses}});
  EXPECT_TRUE(mocks.Mocks("S"));
  EXPECT_FALSE(mocks.Mocks("Other"));
  auto value_at = [&](int64_t n) -> std::string {
    const MockedResponse* r = mocks.Find("S", n);
    return r == nullptr ? "-" : std::string(r->return_value.as_string());
  };
  EXPECT_EQ(value_at(0), "a");
  EXPECT_EQ(value_at(1), "b");
  EXPECT_EQ(value_at(2), "b");
  EXPECT_EQ(value_at(3), "-");
  EXPECT_EQ(value_at(4), "-");
  EXPECT_EQ(value_at(5), "c");
  EXPECT_EQ(value_at(6), "-");
  EXPECT_EQ(value_at(-1), "-");
  EXPECT_EQ(mocks.Find("Other", 0), nullptr);
}

constexpr std::string_view kConfig = R"j({
  "StateMachines": {
    "M1": {"TestCases": {
      "Happy": {"T": "Ok", "InBranch": "Ok", "InMap": "Two"},
      "Empty": {}
    }},
    "M2": {"TestCases": {"Other": {"T": "Ok"}}}
  },
  "MockedResponses": {
    "Ok": {"0": {"Return": {"ok": true}}},
    "Two": {"0-1": {"Return": 1}}
  }
})j";

TEST(MockLoadTestCaseTest, LoadsTheNamedMachineAndCaseIncludingNestedStates) {
  auto mocks = Load(kConfig);
  ASSERT_THAT(mocks, IsOk());
  EXPECT_EQ(mocks->states().size(), 3u);
  EXPECT_TRUE(mocks->Mocks("T"));
  EXPECT_TRUE(mocks->Mocks("InBranch"));
  EXPECT_TRUE(mocks->Mocks("InMap"));
  ASSERT_NE(mocks->Find("InMap", 1), nullptr);
  EXPECT_EQ(mocks->Find("InMap", 2), nullptr);
  EXPECT_EQ(mocks->Find("T", 0)->return_value, json::parse(R"j({"ok":true})j"));
}

TEST(MockLoadTestCaseTest, EmptyTestCaseMocksNothing) {
  auto mocks = Load(kConfig, "M1", "Empty");
  ASSERT_THAT(mocks, IsOk());
  EXPECT_TRUE(mocks->states().empty());
}

TEST(MockLoadTestCaseTest, UnknownMachineWithSeveralInTheFileIsNotFound) {
  auto mocks = Load(kConfig, "Nope");
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("'Nope'"));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("'M1', 'M2'"));
}

TEST(MockLoadTestCaseTest, SingleMachineAppliesWhateverTheName) {
  constexpr std::string_view kSingle = R"j({"StateMachines":{"Whatever":{"TestCases":{
      "Happy":{"T":"Ok"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}}}})j";
  auto mocks = Load(kSingle, "account-application-workflow");
  ASSERT_THAT(mocks, IsOk());
  EXPECT_TRUE(mocks->Mocks("T"));
}

TEST(MockLoadTestCaseTest, UnknownTestCaseIsNotFoundAndListsTheCases) {
  auto mocks = Load(kConfig, "M1", "Sad");
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("'Sad'"));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("'Happy'"));
}

TEST(MockLoadTestCaseTest, UnknownStateIsInvalid) {
  constexpr std::string_view kUnknown = R"j({"StateMachines":{"M1":{"TestCases":{
      "Happy":{"T":"Ok","NoSuchState":"Ok"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}}}})j";
  auto mocks = Load(kUnknown);
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("no state 'NoSuchState'"));
}

TEST(MockLoadTestCaseTest, NestedStatesOfAnotherMachineAreUnknown) {
  // InMap exists only inside kNested's Map; this machine has no Map.
  constexpr std::string_view kFlat = R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}})j";
  auto mocks = Load(kConfig, "M1", "Happy", kFlat);
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("no state 'InBranch'"));
}

TEST(MockLoadTestCaseTest, DeeplyNestedStatesAreKnown) {
  constexpr std::string_view kDeep = R"j({"StartAt":"P","States":{
      "P":{"Type":"Parallel","End":true,"Branches":[{"StartAt":"M","States":{
        "M":{"Type":"Map","End":true,"Iterator":{"StartAt":"Deep","States":{
          "Deep":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}}]}}})j";
  constexpr std::string_view kDeepConfig = R"j({"StateMachines":{"M1":{"TestCases":{
      "Happy":{"Deep":"Ok"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}}}})j";
  EXPECT_THAT(Load(kDeepConfig, "M1", "Happy", kDeep), IsOk());
}

TEST(MockLoadTestCaseTest, NonTaskStateIsInvalid) {
  constexpr std::string_view kPass = R"j({"StateMachines":{"M1":{"TestCases":{
      "Happy":{"Done":"Ok"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}}}})j";
  auto mocks = Load(kPass);
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("Pass"));
}

TEST(MockLoadTestCaseTest, UnknownResponseIsInvalid) {
  constexpr std::string_view kMissing = R"j({"StateMachines":{"M1":{"TestCases":{
      "Happy":{"T":"Missing"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}}}})j";
  auto mocks = Load(kMissing);
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("'Missing'"));
}

TEST(MockLoadTestCaseTest, MalformedUnusedResponseIsStillReported) {
  constexpr std::string_view kBad = R"j({"StateMachines":{"M1":{"TestCases":{
      "Happy":{"T":"Ok"}}}},"MockedResponses":{"Ok":{"0":{"Return":1}},
      "Bad":{"zero":{"Return":1}}}})j";
  auto mocks = Load(kBad);
  EXPECT_THAT(mocks, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(mocks.status().message()), HasSubstr("MockedResponses.Bad"));
}

TEST(MockLoadTestCaseTest, RejectsMalformedFiles) {
  for (std::string_view text : {
           R"j([])j",
           R"j({})j",
           R"j({"StateMachines":[]})j",
           R"j({"StateMachines":{"M1":{}}})j",
           R"j({"StateMachines":{"M1":{"TestCases":[]}}})j",
           R"j({"StateMachines":{"M1":[]}})j",
           R"j({"StateMachines":{"M1":{"TestCases":{"Happy":[]}}}})j",
           R"j({"StateMachines":{"M1":{"TestCases":{"Happy":{"T":1}}}},
                "MockedResponses":{}})j",
           R"j({"StateMachines":{"M1":{"TestCases":{"Happy":{}}}},"MockedResponses":[]})j",
       }) {
    EXPECT_THAT(Load(text), StatusIs(absl::StatusCode::kInvalidArgument)) << text;
  }
}

TEST(MockLoadTestCaseTest, MockedResponsesMayBeAbsentWhenUnused) {
  EXPECT_THAT(Load(R"j({"StateMachines":{"M1":{"TestCases":{"Happy":{}}}}})j"), IsOk());
}

// --- The handler, alone and in whole runs. ---

ScheduleTask Task(std::string state) {
  ScheduleTask task;
  task.task_id = "t";
  task.state_name = std::move(state);
  return task;
}

MockTestCase Mocks(std::string_view state, std::string_view responses) {
  auto parsed = Parse(responses);
  EXPECT_THAT(parsed, IsOk());
  return MockTestCase({{std::string(state), *parsed}});
}

TEST(MockTaskHandlerTest, AnswersInInvocationOrderThenFailsTheExecution) {
  auto mocks = std::make_shared<const MockTestCase>(
      Mocks("S", R"j({"0":{"Throw":{"Error":"E","Cause":"C"}},"1":{"Return":{"n":1}}})j"));
  std::vector<std::string> unmocked;
  TaskHandler handler = MakeMockTaskHandler(mocks, &unmocked);
  TaskAnswer first = handler(Task("S"));
  EXPECT_EQ(first.kind, TaskAnswer::Kind::kFail);
  EXPECT_EQ(first.error, "E");
  EXPECT_EQ(first.cause, "C");
  TaskHandler copy = handler;  // Copies share the counts.
  TaskAnswer second = copy(Task("S"));
  EXPECT_EQ(second.kind, TaskAnswer::Kind::kSucceed);
  EXPECT_EQ(second.output, json::parse(R"j({"n":1})j"));
  TaskAnswer third = handler(Task("S"));
  EXPECT_EQ(third.kind, TaskAnswer::Kind::kFail);
  EXPECT_EQ(third.error, "States.Runtime");
  EXPECT_THAT(third.cause, HasSubstr("invocation 2"));
  EXPECT_THAT(third.cause, HasSubstr("'S'"));
  EXPECT_TRUE(unmocked.empty());
}

TEST(MockTaskHandlerTest, UnmockedStatesStayPendingAndAreRecordedOnce) {
  auto mocks = std::make_shared<const MockTestCase>(Mocks("S", R"j({"0":{"Return":1}})j"));
  std::vector<std::string> unmocked;
  TaskHandler handler = MakeMockTaskHandler(mocks, &unmocked);
  EXPECT_EQ(handler(Task("B")).kind, TaskAnswer::Kind::kNoAnswer);
  EXPECT_EQ(handler(Task("A")).kind, TaskAnswer::Kind::kNoAnswer);
  EXPECT_EQ(handler(Task("B")).kind, TaskAnswer::Kind::kNoAnswer);
  EXPECT_THAT(unmocked, ElementsAre("B", "A"));
  // Without a list, unmocked tasks still stay pending.
  TaskHandler quiet = MakeMockTaskHandler(mocks);
  EXPECT_EQ(quiet(Task("B")).kind, TaskAnswer::Kind::kNoAnswer);
}

LocalRunResult RunWithMocks(std::string_view definition, std::string_view config,
                            std::vector<std::string>* unmocked = nullptr,
                            std::string_view input = "{}") {
  std::shared_ptr<const asl::StateMachine> machine = Machine(definition);
  absl::StatusOr<MockTestCase> mocks = LoadMockTestCase(json::parse(config), "m", "Case", *machine);
  EXPECT_THAT(mocks, IsOk());
  Interpreter interpreter(machine);
  LocalRunOptions options;
  options.round_trip_state = true;
  ExecutionInfo info{"arn:aws:states:local:0:execution:m:r", "r",
                     "arn:aws:states:local:0:stateMachine:m", "m", ""};
  return RunLocally(
      interpreter, info, json::parse(input),
      MakeMockTaskHandler(std::make_shared<const MockTestCase>(*std::move(mocks)), unmocked),
      options);
}

TEST(MockRunTest, RetriesCountAsInvocations) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true,
          "Retry":[{"ErrorEquals":["Lambda.ServiceException"],"IntervalSeconds":3600,
                    "MaxAttempts":3}]}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"T":"Flaky"}}}},"MockedResponses":{
          "Flaky":{"0-1":{"Throw":{"Error":"Lambda.ServiceException","Cause":"down"}},
                   "2":{"Return":{"done":true}}}}})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j({"done":true})j"));
  // Two hour-long retry intervals passed on the virtual clock.
  EXPECT_GE(r.history.back().timestamp - r.history.front().timestamp, absl::Hours(2));
}

TEST(MockRunTest, MapIterationsCountAsInvocations) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,"End":true,
          "ItemProcessor":{"StartAt":"T","States":{
            "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}}}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"T":"Seq"}}}},"MockedResponses":{
          "Seq":{"0":{"Return":"a"},"1-2":{"Return":"b"},"3":{"Return":"c"}}}})j",
      nullptr, "[10,20,30,40]");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j(["a","b","b","c"])j"));
}

TEST(MockRunTest, ThrowIsCaughtWithErrorAndCause) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true,
          "Catch":[{"ErrorEquals":["Custom"],"ResultPath":"$.err","Next":"Handled"}]},
          "Handled":{"Type":"Pass","End":true}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"T":"Boom"}}}},"MockedResponses":{
          "Boom":{"0":{"Throw":{"Error":"Custom","Cause":"{\"errorMessage\":\"x\"}"}}}}})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output,
            json::parse(R"j({"err":{"Error":"Custom","Cause":"{\"errorMessage\":\"x\"}"}})j"));
}

TEST(MockRunTest, UncaughtThrowFailsTheExecution) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"T":"Boom"}}}},"MockedResponses":{
          "Boom":{"0":{"Throw":{"Error":"Custom","Cause":"why"}}}}})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "Custom");
  EXPECT_EQ(r.state.cause, "why");
}

TEST(MockRunTest, ExhaustedResponsesFailTheExecutionPastCatchAll) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true,
          "Retry":[{"ErrorEquals":["States.ALL"],"MaxAttempts":5}],
          "Catch":[{"ErrorEquals":["States.ALL"],"Next":"Handled"}]},
          "Handled":{"Type":"Pass","End":true}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"T":"Once"}}}},"MockedResponses":{
          "Once":{"0":{"Throw":{"Error":"E","Cause":"C"}}}}})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.Runtime");
  EXPECT_THAT(r.state.cause, HasSubstr("invocation 1"));
}

TEST(MockRunTest, UnmockedTaskLeavesTheExecutionRunning) {
  std::vector<std::string> unmocked;
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"A","States":{"A":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","Next":"B"},
          "B":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"A":"Ok"}}}},"MockedResponses":{
          "Ok":{"0":{"Return":{}}}}})j",
      &unmocked);
  EXPECT_EQ(r.state.status, ExecutionStatus::kRunning);
  EXPECT_THAT(unmocked, ElementsAre("B"));
}

TEST(MockRunTest, WaitForTaskTokenReturnIsTheCallbackOutput) {
  LocalRunResult r = RunWithMocks(
      R"j({"StartAt":"W","States":{"W":{"Type":"Task",
          "Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
          "Parameters":{"FunctionName":"f","Payload":{"token.$":"$$.Task.Token"}},
          "ResultPath":"$.review","End":true}}})j",
      R"j({"StateMachines":{"m":{"TestCases":{"Case":{"W":"Approve"}}}},"MockedResponses":{
          "Approve":{"0":{"Return":{"decision":"APPROVE"}}}}})j",
      nullptr, R"j({"id":1})j");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(r.state.output, json::parse(R"j({"id":1,"review":{"decision":"APPROVE"}})j"));
}

}  // namespace
}  // namespace stepwise::engine
