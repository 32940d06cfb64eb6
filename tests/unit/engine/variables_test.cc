// Workflow variables (Assign and `$name` references) in JSONPath state
// machines: table-driven scenarios through RunLocally (which restores the
// execution state from JSON between every two events), then history,
// round-trip and VariableScope checks.
#include "orchestrator/engine/variables.h"

#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::HasSubstr;

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

// Tasks echo their payload as {"echo": payload}; a resource ending in
// ":fail" fails with Boom / "it broke".
TaskAnswer Echo(const ScheduleTask& task) {
  if (task.resource.ends_with(":fail")) {
    return {TaskAnswer::Kind::kFail, nullptr, "Boom", "it broke"};
  }
  return {TaskAnswer::Kind::kSucceed, json::object{{"echo", task.payload}}, "", ""};
}

LocalRunResult RunMachine(std::string_view definition, std::string_view input,
                          bool round_trip = true) {
  std::shared_ptr<const asl::StateMachine> machine = Machine(definition);
  if (machine == nullptr) return {};
  Interpreter interpreter(machine);
  LocalRunOptions options;
  options.round_trip_state = round_trip;
  LocalRunResult result = RunLocally(interpreter, Info(), json::parse(input), Echo, options);
  EXPECT_EQ(result.problem, "");
  return result;
}

struct VariableCase {
  const char* name;
  const char* definition;
  const char* input;
  ExecutionStatus status;
  const char* output;          // Expected output JSON (SUCCEEDED).
  const char* error;           // Expected error (FAILED).
  const char* cause_contains;  // Part of the expected cause (FAILED).
};

void PrintTo(const VariableCase& c, std::ostream* os) { *os << c.name; }

constexpr ExecutionStatus kOk = ExecutionStatus::kSucceeded;
constexpr ExecutionStatus kFailed = ExecutionStatus::kFailed;

const VariableCase kCases[] = {
    {"PassLiteralPathContextAndIntrinsic",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"lit":{"k":[1,2]},"n":7,"s":"text","p.$":"$.in",
            "ctx.$":"$$.Execution.Name","f.$":"States.Format('Hi {}', $.in)"},"Next":"B"},
       "B":{"Type":"Pass","Parameters":{"lit.$":"$lit","n.$":"$n","s.$":"$s","p.$":"$p",
            "ctx.$":"$ctx","f.$":"$f"},"End":true}}})j",
     R"j({"in":"x"})j", kOk,
     R"j({"lit":{"k":[1,2]},"n":7,"s":"text","p":"x","ctx":"run-1","f":"Hi x"})j", "", ""},
    {"PassResultIsDollarForAssign",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Result":{"q":"what?"},"Assign":{"q.$":"$.q"},"Next":"B"},
       "B":{"Type":"Pass","Parameters":{"q.$":"$q"},"End":true}}})j",
     "{}", kOk, R"j({"q":"what?"})j", "", ""},
    {"PassParametersOutputIsDollarForAssign",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","InputPath":"$.in","Parameters":{"v.$":"$.deep"},
            "Assign":{"v.$":"$.v"},"ResultPath":"$.r","Next":"B"},
       "B":{"Type":"Pass","Parameters":{"v.$":"$v"},"End":true}}})j",
     R"j({"in":{"deep":5}})j", kOk, R"j({"v":5})j", "", ""},
    {"AssignmentsSeeValuesFromBeforeTheState",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"x":1,"y":2},"Next":"B"},
       "B":{"Type":"Pass","Assign":{"x.$":"$y","y.$":"$x","sum.$":"States.MathAdd($x, $y)"},
            "Next":"C"},
       "C":{"Type":"Pass","Parameters":{"x.$":"$x","y.$":"$y","sum.$":"$sum"},"End":true}}})j",
     "{}", kOk, R"j({"x":2,"y":1,"sum":3})j", "", ""},
    {"OutputPathReadsTheValueFromBeforeTheState",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"answer":42},"Next":"B"},
       "B":{"Type":"Pass","Assign":{"answer":"later"},"OutputPath":"$answer","End":true}}})j",
     "{}", kOk, "42", "", ""},
    {"InputPathReadsAVariable",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"theAnswer":{"v":42}},"Next":"B"},
       "B":{"Type":"Pass","InputPath":"$theAnswer.v","End":true}}})j",
     "{}", kOk, "42", "", ""},
    {"FieldsAndIndicesOfAVariable",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"o":{"list":["a","b",{"c":true}]}},"Next":"B"},
       "B":{"Type":"Pass","Parameters":{"b.$":"$o.list[1]","c.$":"$o.list[2].c",
            "all.$":"$o.list[*]"},"End":true}}})j",
     "{}", kOk, R"j({"b":"b","c":true,"all":["a","b",{"c":true}]})j", "", ""},
    {"TaskAssignReadsTheRawResultBeforeResultSelector",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"v":{"k":1}},"Next":"T"},
       "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
            "Parameters":{"FunctionName":"f","Payload.$":"$v"},
            "ResultSelector":{"r.$":"$.echo.Payload"},"Assign":{"raw.$":"$"},"Next":"P"},
       "P":{"Type":"Pass","Parameters":{"raw.$":"$raw","out.$":"$"},"End":true}}})j",
     "{}", kOk, R"j({"raw":{"echo":{"FunctionName":"f","Payload":{"k":1}}},"out":{"r":{"k":1}}})j",
     "", ""},
    {"CatcherAssignReadsTheErrorOutput",
     R"j({"StartAt":"T","States":{
       "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:fail",
            "Assign":{"never":1},
            "Catch":[{"ErrorEquals":["States.ALL"],"Assign":{"err.$":"$.Error","why.$":"$.Cause"},
                      "ResultPath":null,"Next":"P"}],"End":true},
       "P":{"Type":"Pass","Parameters":{"err.$":"$err","why.$":"$why","in.$":"$"},"End":true}}})j",
     R"j({"a":1})j", kOk, R"j({"err":"Boom","why":"it broke","in":{"a":1}})j", "", ""},
    {"StateAssignIsNotAppliedWhenCaught",
     R"j({"StartAt":"T","States":{
       "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:fail",
            "Assign":{"never":1},
            "Catch":[{"ErrorEquals":["States.ALL"],"Next":"P"}],"End":true},
       "P":{"Type":"Pass","Parameters":{"never.$":"$never"},"End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "'$never'"},
    {"ChoiceMatchedRuleAssignOnly",
     R"j({"StartAt":"C","States":{
       "C":{"Type":"Choice","Choices":[
              {"Variable":"$.v","NumericEquals":42,"Assign":{"status":"CORRECT"},"Next":"P"}],
            "Assign":{"status":"INCORRECT","guess.$":"$.v"},"Default":"P"},
       "P":{"Type":"Pass","Parameters":{"status.$":"$status"},"End":true}}})j",
     R"j({"v":42})j", kOk, R"j({"status":"CORRECT"})j", "", ""},
    {"ChoiceDefaultTakesTheStateAssign",
     R"j({"StartAt":"C","States":{
       "C":{"Type":"Choice","InputPath":"$.in","Choices":[
              {"Variable":"$.v","NumericEquals":42,"Assign":{"status":"CORRECT"},"Next":"P"}],
            "Assign":{"status":"INCORRECT","guess.$":"$.v"},"Default":"P"},
       "P":{"Type":"Pass","Parameters":{"status.$":"$status","guess.$":"$guess"},"End":true}}})j",
     R"j({"in":{"v":"42"}})j", kOk, R"j({"status":"INCORRECT","guess":"42"})j", "", ""},
    {"ChoiceVariableLoopCounter",
     R"j({"StartAt":"Init","States":{
       "Init":{"Type":"Pass","Assign":{"count":0},"Next":"Check"},
       "Check":{"Type":"Choice","Choices":[{"Variable":"$count","NumericLessThan":3,"Next":"Inc"}],
                "Default":"Done"},
       "Inc":{"Type":"Pass","Assign":{"count.$":"States.MathAdd($count, 1)"},"Next":"Check"},
       "Done":{"Type":"Pass","Parameters":{"count.$":"$count"},"End":true}}})j",
     "{}", kOk, R"j({"count":3})j", "", ""},
    {"ChoicePathOperandIsAVariable",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"expected":"yes"},"Next":"C"},
       "C":{"Type":"Choice","Choices":[{"Variable":"$.got","StringEqualsPath":"$expected",
            "Next":"Match"}],"Default":"NoMatch"},
       "Match":{"Type":"Pass","Result":"match","End":true},
       "NoMatch":{"Type":"Pass","Result":"no","End":true}}})j",
     R"j({"got":"yes"})j", kOk, R"j("match")j", "", ""},
    {"WaitSecondsPathAndWaitAssign",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"secs":3},"Next":"W"},
       "W":{"Type":"Wait","SecondsPath":"$secs","Assign":{"waited.$":"$secs","in.$":"$.k"},
            "Next":"P"},
       "P":{"Type":"Pass","Parameters":{"waited.$":"$waited","in.$":"$in"},"End":true}}})j",
     R"j({"k":"v"})j", kOk, R"j({"waited":3,"in":"v"})j", "", ""},
    {"FailErrorPathAndCausePathReadVariables",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"e":"Custom.Error","c":"because"},"Next":"F"},
       "F":{"Type":"Fail","ErrorPath":"$e","CausePath":"States.Format('{}!', $c)"}}})j",
     "{}", kFailed, "", "Custom.Error", "because!"},
    {"MapIterationsReadOuterVariables",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"items":[1,2],"bias":10},"Next":"M"},
       "M":{"Type":"Map","ItemsPath":"$items",
            "ItemSelector":{"v.$":"$$.Map.Item.Value","b.$":"$bias"},
            "ItemProcessor":{"StartAt":"Add","States":{"Add":{"Type":"Pass",
                "Parameters":{"sum.$":"States.MathAdd($.v, $bias)"},"End":true}}},
            "Assign":{"results.$":"$"},"Next":"P"},
       "P":{"Type":"Pass","Parameters":{"r.$":"$results","bias.$":"$bias"},"End":true}}})j",
     "{}", kOk, R"j({"r":[{"sum":11},{"sum":12}],"bias":10})j", "", ""},
    {"MapIterationVariablesStayInTheIteration",
     R"j({"StartAt":"M","States":{
       "M":{"Type":"Map","ItemProcessor":{"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"local.$":"$"},"Next":"Use"},
              "Use":{"Type":"Pass","Parameters":{"mine.$":"$local"},"End":true}}},"Next":"P"},
       "P":{"Type":"Pass","Parameters":{"x.$":"$local"},"End":true}}})j",
     "[1,2]", kFailed, "", "States.Runtime", "'$local'"},
    {"MapIterationsKeepTheirOwnValues",
     R"j({"StartAt":"M","States":{
       "M":{"Type":"Map","ItemProcessor":{"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"local.$":"$"},"Next":"Use"},
              "Use":{"Type":"Pass","Parameters":{"mine.$":"$local"},"End":true}}},"End":true}}})j",
     "[1,2,3]", kOk, R"j([{"mine":1},{"mine":2},{"mine":3}])j", "", ""},
    {"InnerScopeMayNotAssignAnOuterName",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"total":0},"Next":"M"},
       "M":{"Type":"Map","ItemProcessor":{"StartAt":"Set","States":{
              "Set":{"Type":"Pass","Assign":{"total.$":"$"},"End":true}}},"End":true}}})j",
     "[1]", kFailed, "", "States.Runtime", "outer scope"},
    {"ParallelBranchesReadOuterAndKeepTheirOwn",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"base":"b"},"Next":"Par"},
       "Par":{"Type":"Parallel","Branches":[
          {"StartAt":"X","States":{"X":{"Type":"Pass","Assign":{"mine":"x"},"Next":"X2"},
            "X2":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}{}', $base, $mine)"},
                  "End":true}}},
          {"StartAt":"Y","States":{"Y":{"Type":"Pass","Assign":{"mine":"y"},"Next":"Y2"},
            "Y2":{"Type":"Pass","Parameters":{"v.$":"States.Format('{}{}', $base, $mine)"},
                  "End":true}}}],
        "Assign":{"first.$":"$[0].v"},"Next":"P"},
       "P":{"Type":"Pass","Parameters":{"first.$":"$first","out.$":"$"},"End":true}}})j",
     "{}", kOk, R"j({"first":"bx","out":[{"v":"bx"},{"v":"by"}]})j", "", ""},
    {"NestedMapReadsEveryEnclosingScope",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"top":100},"Next":"Outer"},
       "Outer":{"Type":"Map","ItemProcessor":{"StartAt":"Mid","States":{
          "Mid":{"Type":"Pass","Assign":{"mid.$":"$[0]"},"Next":"Inner"},
          "Inner":{"Type":"Map","ItemProcessor":{"StartAt":"Leaf","States":{
             "Leaf":{"Type":"Pass",
                     "Parameters":{"v.$":"States.MathAdd(States.MathAdd($, $mid), $top)"},
                     "OutputPath":"$.v","End":true}}},"End":true}}},"End":true}}})j",
     "[[1,2],[10]]", kOk, "[[102,103],[120]]", "", ""},
    {"DistributedMapIterationsDoNotSeeOuterVariables",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"outer":1},"Next":"M"},
       "M":{"Type":"Map","ItemSelector":{"fromOuter.$":"$outer"},
            "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
              "StartAt":"In","States":{"In":{"Type":"Pass","Parameters":{"x.$":"$outer"},
              "End":true}}},"End":true}}})j",
     // The child fails (States.Runtime naming '$outer'); the Map Run then
     // fails on its tolerated failure threshold (distributed_map_test.cc).
     "[1]", kFailed, "", "States.ExceedToleratedFailureThreshold", "threshold was exceeded"},
    {"DistributedMapItemSelectorReadsOuterVariables",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"outer":1},"Next":"M"},
       "M":{"Type":"Map","ItemSelector":{"fromOuter.$":"$outer"},
            "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
              "StartAt":"In","States":{"In":{"Type":"Pass","Assign":{"outer":2},"End":true}}},
            "End":true}}})j",
     "[1]", kOk, R"j([{"fromOuter":1}])j", "", ""},
    {"UndefinedVariableInParameters",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Parameters":{"x.$":"$nope"},"End":true}}})j",
     "{}", kFailed, "", "States.Runtime",
     "The JSONPath '$nope' specified for the field 'x.$' references the variable '$nope', which "
     "is not defined"},
    {"UndefinedVariableIsNotCaught",
     R"j({"StartAt":"T","States":{
       "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
            "TimeoutSecondsPath":"$nope",
            "Catch":[{"ErrorEquals":["States.ALL"],"Next":"P"}],"End":true},
       "P":{"Type":"Pass","End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "'$nope'"},
    {"UndefinedVariableInIntrinsic",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Parameters":{"x.$":"States.Format('{}', $nope)"},"End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "'$nope'"},
    {"UndefinedVariableInChoice",
     R"j({"StartAt":"C","States":{
       "C":{"Type":"Choice","Choices":[{"Variable":"$nope","IsPresent":true,"Next":"P"}],
            "Default":"P"},
       "P":{"Type":"Pass","End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "'$nope'"},
    {"MissingFieldOfADefinedVariable",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"v":{"a":1}},"Next":"B"},
       "B":{"Type":"Pass","Parameters":{"x.$":"$v.b"},"End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "could not be found in the input '{\"a\":1}'"},
    {"UndefinedVariableInAssignFailsTheState",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"x.$":"$y"},"End":true}}})j",
     "{}", kFailed, "", "States.Runtime", "'$y'"},
    {"ContextPathsAndPlainPathsUnchanged",
     R"j({"StartAt":"A","States":{
       "A":{"Type":"Pass","Assign":{"all.$":"$","ctx.$":"$$.State.Name"},"Next":"B"},
       "B":{"Type":"Pass","Parameters":{"all.$":"$all","ctx.$":"$ctx","in.$":"$.k"},
            "End":true}}})j",
     R"j({"k":1})j", kOk, R"j({"all":{"k":1},"ctx":"A","in":1})j", "", ""},
};

class VariableCaseTest : public ::testing::TestWithParam<VariableCase> {};

TEST_P(VariableCaseTest, RunsAsAwsDocuments) {
  const VariableCase& c = GetParam();
  LocalRunResult r = RunMachine(c.definition, c.input);
  ASSERT_EQ(ExecutionStatusName(r.state.status), ExecutionStatusName(c.status))
      << r.state.error << ": " << r.state.cause;
  if (c.status == kOk) {
    EXPECT_EQ(json::serialize(r.state.output), json::serialize(json::parse(c.output)));
  } else {
    EXPECT_EQ(r.state.error, c.error);
    EXPECT_THAT(r.state.cause, HasSubstr(c.cause_contains));
  }
}

INSTANTIATE_TEST_SUITE_P(Variables, VariableCaseTest, ::testing::ValuesIn(kCases),
                         [](const auto& test) { return std::string(test.param.name); });

const HistoryEvent* FindExited(const LocalRunResult& r, std::string_view state) {
  for (const HistoryEvent& e : r.history) {
    if (e.type != HistoryEventType::kStateExited) continue;
    const json::value* name = e.details.if_contains("name");
    if (name != nullptr && name->is_string() && name->get_string() == state) return &e;
  }
  return nullptr;
}

TEST(VariablesTest, ExitedEventsCarryAssignedVariablesAsJsonText) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Assign":{"n":1,"s":"x","o.$":"$"},"Next":"B"},
      "B":{"Type":"Pass","Assign":{},"End":true}}})j",
                                R"j({"k":[true,null]})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  const HistoryEvent* a = FindExited(r, "A");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->details.at("assignedVariables"),
            json::parse(R"j({"n":"1","s":"\"x\"","o":"{\"k\":[true,null]}"})j"));
  EXPECT_EQ(a->details.at("assignedVariablesDetails"), json::parse(R"j({"truncated":false})j"));
  // AWS's JSON shape: stateExitedEventDetails.assignedVariables.
  json::value shaped = ToJson(*a);
  EXPECT_TRUE(shaped.at("stateExitedEventDetails").as_object().contains("assignedVariables"));
  const HistoryEvent* b = FindExited(r, "B");
  ASSERT_NE(b, nullptr);
  // An empty Assign sets nothing and shows nothing, as on AWS.
  EXPECT_FALSE(b->details.contains("assignedVariables"));
  EXPECT_FALSE(b->details.contains("assignedVariablesDetails"));
}

TEST(VariablesTest, CatcherAssignShowsOnTheTaskStateExitedEvent) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:fail",
           "Catch":[{"ErrorEquals":["Boom"],"Assign":{"e.$":"$"},"Next":"P"}],"End":true},
      "P":{"Type":"Pass","End":true}}})j",
                                "{}");
  const HistoryEvent* t = FindExited(r, "T");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(TypeName(*t), "TaskStateExited");
  EXPECT_EQ(t->details.at("assignedVariables"),
            json::parse(R"j({"e":"{\"Error\":\"Boom\",\"Cause\":\"it broke\"}"})j"));
}

TEST(VariablesTest, TimeoutSecondsPathReadsAVariable) {
  std::shared_ptr<const asl::StateMachine> machine = Machine(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Assign":{"t":30,"h":5},"Next":"T"},
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
           "TimeoutSecondsPath":"$t","HeartbeatSecondsPath":"$h","End":true}}})j");
  Interpreter interpreter(machine);
  std::optional<int64_t> timeout, heartbeat;
  LocalRunResult r = RunLocally(interpreter, Info(), json::object(), [&](const ScheduleTask& t) {
    timeout = t.timeout_seconds;
    heartbeat = t.heartbeat_seconds;
    return Echo(t);
  });
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(timeout, 30);
  EXPECT_EQ(heartbeat, 5);
}

std::string Repeat(char c, size_t n) { return std::string(n, c); }

// A one-state machine whose Pass state assigns `assign` (literals: the
// execution input could not hold values this large).
std::string AssignMachine(json::object assign) {
  json::object state{{"Type", "Pass"}, {"Assign", std::move(assign)}, {"End", true}};
  json::object definition{{"StartAt", "A"}, {"States", json::object{{"A", std::move(state)}}}};
  return json::serialize(definition);
}

TEST(VariablesTest, OneVariableAbove256KiBIsDataLimitExceeded) {
  // With its quotes the value is 2 bytes over.
  LocalRunResult r = RunMachine(AssignMachine({{"big", Repeat('a', kMaxVariableBytes)}}), "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  EXPECT_THAT(r.state.cause, HasSubstr("'big'"));
}

TEST(VariablesTest, OneAssignAbove256KiBTogetherIsDataLimitExceeded) {
  const std::string half = Repeat('a', kMaxAssignBytes / 2);
  LocalRunResult r = RunMachine(AssignMachine({{"a", half}, {"b", half}}), "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  EXPECT_THAT(r.state.cause, HasSubstr("combined"));
}

TEST(VariablesTest, ExactlyAtTheLimitIsFine) {
  LocalRunResult r = RunMachine(AssignMachine({{"s", Repeat('a', kMaxVariableBytes - 2)}}), "{}");
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
}

std::string Name(int i) { return "v" + std::to_string(i); }

TEST(VariablesTest, TotalAbove10MiBIsDataLimitExceeded) {
  // Each Pass state keeps a new 250 KiB variable: the 41st passes 10 MiB.
  constexpr int kStates = 42;
  json::object states;
  for (int i = 0; i < kStates; ++i) {
    json::object state{{"Type", "Pass"}, {"Assign", json::object{{Name(i) + ".$", "$.s"}}}};
    if (i + 1 < kStates) {
      state["Next"] = Name(i + 1);
    } else {
      state["End"] = true;
    }
    states[Name(i)] = std::move(state);
  }
  json::object definition{{"StartAt", Name(0)}, {"States", std::move(states)}};
  json::object input{{"s", Repeat('a', 250 * 1024)}};
  LocalRunResult r = RunMachine(json::serialize(definition), json::serialize(input), false);
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  EXPECT_THAT(r.state.cause, HasSubstr("maximum total size"));
  EXPECT_THAT(r.state.cause, HasSubstr("'v40'"));
}

TEST(VariablesTest, RoundTripBetweenEventsKeepsVariables) {
  const char* definition = R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Assign":{"n":0,"seen":[]},"Next":"P"},
      "P":{"Type":"Parallel","Branches":[
        {"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items","MaxConcurrency":1,"ItemProcessor":{
           "StartAt":"Keep","States":{
             "Keep":{"Type":"Pass","Assign":{"item.$":"$"},"Next":"T"},
             "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
                  "Parameters":{"item.$":"$item","n.$":"$n"},"Assign":{"got.$":"$.echo"},
                  "Next":"W"},
             "W":{"Type":"Wait","Seconds":2,"Assign":{"after.$":"$got"},"Next":"Out"},
             "Out":{"Type":"Pass","Parameters":{"after.$":"$after"},"End":true}}},
           "End":true}}},
        {"StartAt":"W2","States":{"W2":{"Type":"Wait","Seconds":3,"Assign":{"b":2},"Next":"U"},
           "U":{"Type":"Pass","Parameters":{"b.$":"$b","n.$":"$n"},"End":true}}}],
      "Assign":{"n.$":"States.ArrayLength($[0])"},"Next":"Z"},
      "Z":{"Type":"Pass","Parameters":{"n.$":"$n"},"End":true}}})j";
  LocalRunResult plain = RunMachine(definition, R"j({"items":[1,2]})j", /*round_trip=*/false);
  LocalRunResult restored = RunMachine(definition, R"j({"items":[1,2]})j", /*round_trip=*/true);
  ASSERT_EQ(plain.state.status, ExecutionStatus::kSucceeded) << plain.state.cause;
  EXPECT_EQ(plain.state.output, json::parse(R"j({"n":2})j"));
  EXPECT_EQ(json::serialize(ToJson(plain.state)), json::serialize(ToJson(restored.state)));
  ASSERT_EQ(plain.history.size(), restored.history.size());
  for (size_t i = 0; i < plain.history.size(); ++i) {
    EXPECT_EQ(json::serialize(ToJson(plain.history[i])),
              json::serialize(ToJson(restored.history[i])));
  }
  EXPECT_EQ(json::value(plain.state.root.variables), json::parse(R"j({"n":2,"seen":[]})j"));
}

TEST(VariablesTest, StateDocumentKeepsFrameVariablesAndOldDocumentsLoad) {
  ExecutionState state;
  state.root.variables = json::parse(R"j({"a":1,"b":{"c":[1,"x"]}})j").as_object();
  Frame child;
  child.variables["local"] = "v";
  state.root.children.push_back(child);
  json::value document = ToJson(state);
  absl::StatusOr<ExecutionState> restored = ExecutionStateFromJson(document);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->root.variables, state.root.variables);
  ASSERT_EQ(restored->root.children.size(), 1u);
  EXPECT_EQ(restored->root.children[0].variables, child.variables);
  EXPECT_EQ(json::serialize(ToJson(*restored)), json::serialize(document));

  document.as_object()["root"].as_object().erase("variables");
  restored = ExecutionStateFromJson(document);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_TRUE(restored->root.variables.empty());

  document.as_object()["root"].as_object()["variables"] = json::array();
  restored = ExecutionStateFromJson(document);
  EXPECT_FALSE(restored.ok());
  EXPECT_THAT(std::string(restored.status().message()), HasSubstr("root.variables"));
}

TEST(EvaluateAssignTest, EvaluatesEveryEntryAgainstTheCurrentValues) {
  json::object vars = json::parse(R"j({"x":1,"y":{"list":[5,6]}})j").as_object();
  VariableScope scope({&vars});
  EvaluationContext context;
  context.variables = &scope;
  Outcome<json::object> assigned = EvaluateAssign(
      json::parse(R"j({"x.$":"$y.list[1]","y.$":"$x","lit":{"k.$":"$.in"},"plain":"$x"})j"),
      json::parse(R"j({"in":"I"})j"), context);
  ASSERT_TRUE(assigned.ok()) << assigned.error().cause;
  EXPECT_EQ(json::value(assigned.value()),
            json::parse(R"j({"x":6,"y":1,"lit":{"k":"I"},"plain":"$x"})j"));
  // Nothing is written by evaluation.
  EXPECT_EQ(json::value(vars), json::parse(R"j({"x":1,"y":{"list":[5,6]}})j"));
}

TEST(EvaluateAssignTest, UndefinedVariableIsRuntimeErrorNamingIt) {
  Outcome<json::value> selected = SelectPath("$x.a", json::object(), EvaluationContext{}, "F");
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().error, "States.Runtime");
  EXPECT_EQ(selected.error().cause,
            "The JSONPath '$x.a' specified for the field 'F' references the variable '$x', which "
            "is not defined");
}

TEST(EvaluateAssignTest, ResultPathNeverWritesAVariable) {
  Outcome<json::value> output =
      ApplyResultPath(asl::PathField{false, "$x"}, json::object(), json::value(1));
  ASSERT_FALSE(output.ok());
  EXPECT_EQ(output.error().error, "States.ResultPathMatchFailure");
}

TEST(VariableScopeTest, InnerScopesComeFirstAndOuterNamesAreKnown) {
  json::object outer = json::parse(R"j({"a":1,"b":2})j").as_object();
  json::object inner = json::parse(R"j({"c":3})j").as_object();
  VariableScope scope({&inner, nullptr, &outer});
  ASSERT_NE(scope.Find("a"), nullptr);
  EXPECT_EQ(*scope.Find("a"), json::value(1));
  EXPECT_EQ(*scope.Find("c"), json::value(3));
  EXPECT_EQ(scope.Find("z"), nullptr);
  EXPECT_TRUE(scope.DefinedLocally("c"));
  EXPECT_FALSE(scope.DefinedLocally("a"));
  EXPECT_TRUE(scope.DefinedOutside("b"));
  EXPECT_FALSE(scope.DefinedOutside("c"));
  EXPECT_EQ(json::value(scope.Visible()), json::parse(R"j({"c":3,"a":1,"b":2})j"));
  EXPECT_EQ(scope.TotalBytes(SIZE_MAX), 3u);
  EXPECT_FALSE(scope.empty());
  EXPECT_TRUE(VariableScope().empty());
  EXPECT_EQ(VariableScope().Find("a"), nullptr);
}

}  // namespace
}  // namespace stepwise::engine
