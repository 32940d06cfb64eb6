// Distributed Map (ProcessorConfig Mode DISTRIBUTED) in the engine:
// ToleratedFailureCount/Percentage (literal, ...Path, JSONata), the
// States.ExceedToleratedFailureThreshold failure, the failed iterations'
// result slots, and the Map Run's history events (MapRunStarted/Succeeded/
// Failed/Aborted/Redriven). Every run serializes and restores the engine
// state between any two events.
#include <deque>
#include <map>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr std::string_view kExceeded = "The specified tolerated failure threshold was exceeded";
constexpr std::string_view kMachineArn =
    "arn:aws:states:us-east-1:123456789012:stateMachine:Machine";

ExecutionInfo Info() {
  return {"arn:aws:states:us-east-1:123456789012:execution:Machine:run", "run",
          std::string(kMachineArn), "Machine", "arn:aws:iam::123456789012:role/r"};
}

std::shared_ptr<const asl::StateMachine> Machine(const std::string& definition) {
  asl::ValidationResult result = asl::ValidateDefinition(definition);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.location << ": " << d.message;
  return result.machine;
}

// A Distributed Map "M" over $.items whose child fails (Fail: Boom / "item
// failed") for items with "fail": true and returns the others unchanged.
// `fields` are extra Map fields ("\"ToleratedFailureCount\": 1,"), `after`
// the Map's Next/End and Retry/Catch.
std::string JsonPathMap(const std::string& fields, const std::string& after = "\"End\":true",
                        const std::string& more_states = "") {
  return StrCat(
      R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",)", fields,
      R"("ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                  "StartAt":"C","States":{
                    "C":{"Type":"Choice","Choices":[{"Variable":"$.fail","BooleanEquals":true,
                         "Next":"F"}],"Default":"P"},
                    "F":{"Type":"Fail","Error":"Boom","Cause":"item failed"},
                    "P":{"Type":"Pass","End":true}}},)",
      after, "}", more_states, "}}");
}

// The same in JSONata.
std::string JsonataMap(const std::string& fields) {
  return StrCat(
      R"({"QueryLanguage":"JSONata","StartAt":"M","States":{"M":{"Type":"Map",
                "Items":"{% $states.input.items %}",)",
      fields,
      R"("ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                  "StartAt":"C","States":{
                    "C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.fail %}",
                         "Next":"F"}],"Default":"P"},
                    "F":{"Type":"Fail","Error":"Boom","Cause":"item failed"},
                    "P":{"Type":"Pass","End":true}}},"End":true}}})");
}

// {"items": [...]}: `total` items, the first `failures` of them failing.
json::object Input(int total, int failures) {
  json::array items;
  for (int i = 0; i < total; ++i) items.push_back(json::object{{"n", i}, {"fail", i < failures}});
  return json::object{{"items", std::move(items)}};
}

LocalRunResult RunMachine(const std::string& definition, json::value input) {
  Interpreter interpreter(Machine(definition));
  LocalRunOptions options;
  options.round_trip_state = true;
  LocalRunResult result = RunLocally(
      interpreter, Info(), std::move(input),
      [](const ScheduleTask& task) {
        return TaskAnswer{TaskAnswer::Kind::kSucceed, task.payload, "", ""};
      },
      options);
  EXPECT_EQ(result.problem, "");
  return result;
}

std::vector<std::string> Types(const std::vector<HistoryEvent>& history) {
  std::vector<std::string> types;
  for (const HistoryEvent& event : history) types.push_back(TypeName(event));
  return types;
}

const HistoryEvent* Find(const std::vector<HistoryEvent>& history, HistoryEventType type) {
  for (const HistoryEvent& event : history) {
    if (event.type == type) return &event;
  }
  return nullptr;
}

// --- Thresholds: at, below and above, for every form of the fields. ---

struct ThresholdCase {
  std::string name;
  std::string fields;    // Extra Map fields.
  int total = 0;         // Items.
  int failures = 0;      // Of them failing.
  bool succeeds = true;  // Else States.ExceedToleratedFailureThreshold.
  bool jsonata = false;
  json::object extra_input;  // Merged into the input (for the ...Path fields).
};

void PrintTo(const ThresholdCase& c, std::ostream* os) { *os << c.name; }

ThresholdCase T(std::string name, std::string fields, int total, int failures, bool succeeds,
                bool jsonata = false, json::object extra_input = {}) {
  return {std::move(name), std::move(fields),     total, failures, succeeds,
          jsonata,         std::move(extra_input)};
}

class ThresholdTest : public ::testing::TestWithParam<ThresholdCase> {};

TEST_P(ThresholdTest, SucceedsOrFailsAsAwsDocuments) {
  const ThresholdCase& c = GetParam();
  json::object input = Input(c.total, c.failures);
  for (const auto& member : c.extra_input) input[member.key()] = member.value();
  LocalRunResult result =
      RunMachine(c.jsonata ? JsonataMap(c.fields) : JsonPathMap(c.fields), input);
  if (!c.succeeds) {
    EXPECT_EQ(result.state.status, ExecutionStatus::kFailed);
    EXPECT_EQ(result.state.error, "States.ExceedToleratedFailureThreshold");
    EXPECT_EQ(result.state.cause, kExceeded);
    return;
  }
  ASSERT_EQ(result.state.status, ExecutionStatus::kSucceeded)
      << result.state.error << ": " << result.state.cause;
  ASSERT_TRUE(result.state.output.is_array()) << json::serialize(result.state.output);
  const json::array& output = result.state.output.get_array();
  ASSERT_EQ(output.size(), static_cast<size_t>(c.total));
  const json::array& items = input["items"].get_array();
  for (int i = 0; i < c.total; ++i) {
    SCOPED_TRACE(StrCat("item ", i));
    if (i >= c.failures) {
      EXPECT_EQ(output[i], items[i]);  // A successful child's output.
      continue;
    }
    // A failed child's record, as AWS returns it (ResultWriter NONE shape).
    const json::object& failed = output[i].as_object();
    EXPECT_EQ(failed.at("Status"), "FAILED");
    EXPECT_EQ(failed.at("Error"), "Boom");
    EXPECT_EQ(failed.at("Cause"), "item failed");
    EXPECT_EQ(failed.at("Input").as_string(), json::serialize(items[i]));
    EXPECT_EQ(failed.at("InputDetails"), (json::object{{"Included", true}}));
    EXPECT_EQ(failed.at("StateMachineArn"),
              "arn:aws:states:us-east-1:123456789012:stateMachine:Machine/M");
    const std::string arn(failed.at("ExecutionArn").as_string());
    const std::string name(failed.at("Name").as_string());
    EXPECT_EQ(arn, StrCat("arn:aws:states:us-east-1:123456789012:execution:Machine/M:", name));
    EXPECT_TRUE(std::regex_match(name, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-"
                                                  "[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << name;
    EXPECT_EQ(failed.at("StartDate"), "2023-11-14T22:13:20.000Z");
    EXPECT_EQ(failed.at("StopDate"), "2023-11-14T22:13:20.000Z");
    EXPECT_EQ(failed.at("RedriveCount"), 0);
    EXPECT_EQ(failed.at("RedriveStatus"), "REDRIVABLE_BY_MAP_RUN");
  }
}

std::vector<ThresholdCase> ThresholdCases() {
  const std::string count2 = R"("ToleratedFailureCount":2,)";
  const std::string pct40 = R"("ToleratedFailurePercentage":40,)";
  return {
      // Neither field: the default 0 fails the run on its first failure.
      T("NoFieldsNoFailures", "", 3, 0, true),
      T("NoFieldsOneFailure", "", 3, 1, false),
      T("NoFieldsZeroItems", "", 0, 0, true),
      T("CountBelow", count2, 5, 1, true),
      T("CountAt", count2, 5, 2, true),
      T("CountAbove", count2, 5, 3, false),
      T("CountZeroOneFailure", R"("ToleratedFailureCount":0,)", 3, 1, false),
      T("CountZeroItems", R"("ToleratedFailureCount":0,)", 0, 0, true),
      T("CountAllFail", R"("ToleratedFailureCount":3,)", 3, 3, true),
      T("PercentBelow", pct40, 5, 1, true),
      T("PercentAt", pct40, 5, 2, true),
      T("PercentAbove", pct40, 5, 3, false),
      T("PercentZeroOneFailure", R"("ToleratedFailurePercentage":0,)", 4, 1, false),
      T("Percent100AllFail", R"("ToleratedFailurePercentage":100,)", 3, 3, true),
      T("PercentZeroItems", R"("ToleratedFailurePercentage":0,)", 0, 0, true),
      T("PercentFractionAbove", R"("ToleratedFailurePercentage":33.4,)", 3, 1, true),
      T("PercentFractionBelow", R"("ToleratedFailurePercentage":33.3,)", 3, 1, false),
      // Only one field set: the other's default does not apply.
      T("OnlyCountIgnoresPercentage", R"("ToleratedFailureCount":3,)", 4, 3, true),
      T("OnlyPercentageIgnoresCount", R"("ToleratedFailurePercentage":50,)", 4, 2, true),
      // Both set: exceeding either fails the run.
      T("BothWithin", R"("ToleratedFailureCount":3,"ToleratedFailurePercentage":60,)", 5, 2, true),
      T("BothCountExceeded", R"("ToleratedFailureCount":1,"ToleratedFailurePercentage":90,)", 5, 2,
        false),
      T("BothPercentageExceeded", R"("ToleratedFailureCount":10,"ToleratedFailurePercentage":20,)",
        5, 2, false),
      // ...Path: resolved on the state input.
      T("CountPathAt", R"("ToleratedFailureCountPath":"$.count",)", 5, 2, true, false,
        json::object{{"count", 2}}),
      T("CountPathAbove", R"("ToleratedFailureCountPath":"$.count",)", 5, 3, false, false,
        json::object{{"count", 2}}),
      T("PercentPathAt", R"("ToleratedFailurePercentagePath":"$.pct",)", 4, 1, true, false,
        json::object{{"pct", 25}}),
      T("PercentPathAbove", R"("ToleratedFailurePercentagePath":"$.pct",)", 4, 2, false, false,
        json::object{{"pct", 25.5}}),
      // JSONata expressions.
      T("JsonataCountAt", R"("ToleratedFailureCount":"{% $states.input.count %}",)", 3, 1, true,
        true, json::object{{"count", 1}}),
      T("JsonataCountAbove", R"("ToleratedFailureCount":"{% 1 %}",)", 3, 2, false, true),
      T("JsonataPercentAt", R"("ToleratedFailurePercentage":"{% 50 %}",)", 4, 2, true, true),
      T("JsonataPercentAbove", R"("ToleratedFailurePercentage":"{% 49.9 %}",)", 4, 2, false, true),
      T("JsonataNoFieldsOneFailure", "", 2, 1, false, true),
  };
}

INSTANTIATE_TEST_SUITE_P(DistributedMap, ThresholdTest, ::testing::ValuesIn(ThresholdCases()),
                         [](const auto& param) { return param.param.name; });

// --- Bad ...Path / JSONata values: the state fails before its Map Run. ---

struct BadValueCase {
  std::string name;
  std::string fields;
  json::object extra_input;
  std::string error;
  std::string cause_part;
  bool jsonata = false;
};

void PrintTo(const BadValueCase& c, std::ostream* os) { *os << c.name; }

BadValueCase B(std::string name, std::string fields, json::object extra_input, std::string error,
               std::string cause_part, bool jsonata = false) {
  return {std::move(name),  std::move(fields),     std::move(extra_input),
          std::move(error), std::move(cause_part), jsonata};
}

class BadValueTest : public ::testing::TestWithParam<BadValueCase> {};

TEST_P(BadValueTest, FailsWithAClearCause) {
  const BadValueCase& c = GetParam();
  json::object input = Input(2, 0);
  for (const auto& member : c.extra_input) input[member.key()] = member.value();
  LocalRunResult result =
      RunMachine(c.jsonata ? JsonataMap(c.fields) : JsonPathMap(c.fields), input);
  EXPECT_EQ(result.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(result.state.error, c.error);
  EXPECT_THAT(result.state.cause, HasSubstr(c.cause_part));
  EXPECT_EQ(Find(result.history, HistoryEventType::kMapRunStarted), nullptr);
}

std::vector<BadValueCase> BadValueCases() {
  const std::string count_path = R"("ToleratedFailureCountPath":"$.count",)";
  const std::string pct_path = R"("ToleratedFailurePercentagePath":"$.pct",)";
  return {
      B("CountPathNegative", count_path, {{"count", -1}}, "States.Runtime",
        "The value of the field 'ToleratedFailureCountPath' ('$.count') must be a non-negative "
        "integer, but was -1"),
      B("CountPathString", count_path, {{"count", "2"}}, "States.Runtime",
        "must be a non-negative integer, but was \"2\""),
      B("CountPathFraction", count_path, {{"count", 1.5}}, "States.Runtime",
        "must be a non-negative integer, but was 1.5"),
      B("CountPathMissing", count_path, {}, "States.Runtime", "$.count"),
      B("PercentPathAbove100", pct_path, {{"pct", 101}}, "States.Runtime",
        "The value of the field 'ToleratedFailurePercentagePath' ('$.pct') must be a number from 0 "
        "to 100, but was 101"),
      B("PercentPathNegative", pct_path, {{"pct", -0.5}}, "States.Runtime",
        "must be a number from 0 to 100, but was -5E-1"),
      B("PercentPathNotANumber", pct_path, {{"pct", json::array{}}}, "States.Runtime",
        "must be a number from 0 to 100, but was []"),
      B("JsonataCountNegative", R"("ToleratedFailureCount":"{% -1 %}",)", {},
        "States.QueryEvaluationError", "ToleratedFailureCount", true),
      B("JsonataPercentString", R"("ToleratedFailurePercentage":"{% 'x' %}",)", {},
        "States.QueryEvaluationError",
        "The field 'ToleratedFailurePercentage' must evaluate to a number from 0 to 100, but was "
        "\"x\"",
        true),
  };
}

INSTANTIATE_TEST_SUITE_P(DistributedMap, BadValueTest, ::testing::ValuesIn(BadValueCases()),
                         [](const auto& param) { return param.param.name; });

// --- History: the parent's history shows the Map Run, not the children. ---

TEST(DistributedMapHistoryTest, SucceededRunWithToleratedFailure) {
  LocalRunResult result = RunMachine(JsonPathMap(R"("ToleratedFailureCount":1,)"), Input(3, 1));
  ASSERT_EQ(result.state.status, ExecutionStatus::kSucceeded);
  EXPECT_THAT(
      Types(result.history),
      ElementsAre("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                  "MapRunSucceeded", "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"));
  const HistoryEvent* started = Find(result.history, HistoryEventType::kMapRunStarted);
  ASSERT_NE(started, nullptr);
  const std::string arn(started->details.at("mapRunArn").as_string());
  EXPECT_TRUE(std::regex_match(
      arn, std::regex("arn:aws:states:us-east-1:123456789012:mapRun:Machine/M:[0-9a-f-]{36}")))
      << arn;
  EXPECT_EQ(
      json::serialize(ToJson(*started)).find("mapRunStartedEventDetails") != std::string::npos,
      true);
  // Ids stay consecutive although the children's events are left out.
  for (size_t i = 0; i < result.history.size(); ++i) {
    EXPECT_EQ(result.history[i].id, static_cast<int64_t>(i + 1));
  }
}

TEST(DistributedMapHistoryTest, LabelNamesTheRun) {
  LocalRunResult result =
      RunMachine(JsonPathMap(R"("Label":"proc","ToleratedFailureCount":1,)"), Input(2, 1));
  const HistoryEvent* started = Find(result.history, HistoryEventType::kMapRunStarted);
  ASSERT_NE(started, nullptr);
  EXPECT_THAT(std::string(started->details.at("mapRunArn").as_string()),
              HasSubstr(":mapRun:Machine/proc:"));
  EXPECT_EQ(result.state.output.as_array().at(0).as_object().at("StateMachineArn"),
            "arn:aws:states:us-east-1:123456789012:stateMachine:Machine/proc");
}

TEST(DistributedMapHistoryTest, FailedRun) {
  LocalRunResult result = RunMachine(JsonPathMap(""), Input(3, 1));
  ASSERT_EQ(result.state.status, ExecutionStatus::kFailed);
  EXPECT_THAT(Types(result.history),
              ElementsAre("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                          "MapRunFailed", "MapStateFailed", "ExecutionFailed"));
  const HistoryEvent* failed = Find(result.history, HistoryEventType::kMapRunFailed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->details, (json::object{{"error", "States.ExceedToleratedFailureThreshold"},
                                           {"cause", kExceeded}}));
  EXPECT_NE(json::serialize(ToJson(*failed)).find("\"mapRunFailedEventDetails\""),
            std::string::npos);
}

TEST(DistributedMapHistoryTest, InlineMapKeepsIterationEvents) {
  // The same processor inline: MapIteration* events, no Map Run, and the
  // iteration's own error.
  std::string definition = JsonPathMap("");
  definition.replace(definition.find("DISTRIBUTED"), 11, "INLINE");
  LocalRunResult result = RunMachine(definition, Input(1, 1));
  EXPECT_EQ(result.state.error, "Boom");
  EXPECT_EQ(Find(result.history, HistoryEventType::kMapRunStarted), nullptr);
  EXPECT_NE(Find(result.history, HistoryEventType::kMapIterationFailed), nullptr);
}

TEST(DistributedMapOutputTest, FailedRecordKeepsTheChildsError) {
  // A child cannot read the parent's variables: it fails with States.Runtime,
  // and with failures tolerated its record carries that error.
  LocalRunResult result = RunMachine(
      R"j({"StartAt":"A","States":{
        "A":{"Type":"Pass","Assign":{"outer":1},"Next":"M"},
        "M":{"Type":"Map","ToleratedFailurePercentage":100,
             "ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
               "StartAt":"In","States":{"In":{"Type":"Pass","Parameters":{"x.$":"$outer"},
               "End":true}}},"End":true}}})j",
      json::array{1});
  ASSERT_EQ(result.state.status, ExecutionStatus::kSucceeded) << result.state.cause;
  const json::object& record = result.state.output.as_array().at(0).as_object();
  EXPECT_EQ(record.at("Error"), "States.Runtime");
  EXPECT_THAT(std::string(record.at("Cause").as_string()), HasSubstr("'$outer'"));
  EXPECT_EQ(record.at("Input").as_string(), "1");
}

// --- Retry and Catch of the Map Run's failure. ---

TEST(DistributedMapCatchTest, CatchesExceedToleratedFailureThreshold) {
  for (std::string error : {"States.ExceedToleratedFailureThreshold", "States.ALL"}) {
    SCOPED_TRACE(error);
    LocalRunResult result =
        RunMachine(JsonPathMap("",
                               StrCat(R"("Catch":[{"ErrorEquals":[")", error,
                                      R"("],"ResultPath":"$.error","Next":"Handled"}],"End":true)"),
                               R"(,"Handled":{"Type":"Pass","End":true})"),
                   Input(2, 1));
    ASSERT_EQ(result.state.status, ExecutionStatus::kSucceeded) << result.state.error;
    EXPECT_EQ(
        result.state.output.as_object().at("error"),
        (json::object{{"Error", "States.ExceedToleratedFailureThreshold"}, {"Cause", kExceeded}}));
  }
}

TEST(DistributedMapCatchTest, TheChildErrorIsNotTheMapError) {
  // AWS reports the run's failure, not the child's: a Catch for the child's
  // error (or for States.BranchFailed) does not match.
  for (std::string error : {"Boom", "States.BranchFailed"}) {
    SCOPED_TRACE(error);
    LocalRunResult result = RunMachine(JsonPathMap("",
                                                   StrCat(R"("Catch":[{"ErrorEquals":[")", error,
                                                          R"("],"Next":"Handled"}],"End":true)"),
                                                   R"(,"Handled":{"Type":"Pass","End":true})"),
                                       Input(2, 1));
    EXPECT_EQ(result.state.status, ExecutionStatus::kFailed);
    EXPECT_EQ(result.state.error, "States.ExceedToleratedFailureThreshold");
  }
}

TEST(DistributedMapCatchTest, RetryStartsANewMapRun) {
  LocalRunResult result = RunMachine(
      JsonPathMap("", R"("Retry":[{"ErrorEquals":["States.ExceedToleratedFailureThreshold"],
                           "MaxAttempts":1,"IntervalSeconds":1}],"End":true)"),
      Input(2, 1));
  EXPECT_EQ(result.state.error, "States.ExceedToleratedFailureThreshold");
  std::vector<std::string> arns;
  for (const HistoryEvent& event : result.history) {
    if (event.type == HistoryEventType::kMapRunStarted) {
      arns.emplace_back(event.details.at("mapRunArn").as_string());
    }
  }
  ASSERT_EQ(arns.size(), 2u);
  EXPECT_NE(arns[0], arns[1]);
}

// --- Validation: the tolerated failure fields belong to Distributed Maps. ---

TEST(DistributedMapValidationTest, InlineMapRejectsToleranceFields) {
  for (std::string field : {R"("ToleratedFailureCount":1,)", R"("ToleratedFailurePercentage":5,)",
                            R"("ToleratedFailureCountPath":"$.c",)", R"("Label":"x",)"}) {
    SCOPED_TRACE(field);
    std::string definition = JsonPathMap(field);
    definition.replace(definition.find("DISTRIBUTED"), 11, "INLINE");
    asl::ValidationResult result = asl::ValidateDefinition(definition);
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.diagnostics.at(0).message,
                HasSubstr("is only supported in a Distributed Map"));
  }
}

TEST(DistributedMapValidationTest, PercentageOutOfRangeIsInvalid) {
  asl::ValidationResult result =
      asl::ValidateDefinition(JsonPathMap(R"("ToleratedFailurePercentage":101,)"));
  EXPECT_FALSE(result.ok());
  result = asl::ValidateDefinition(JsonPathMap(R"("ToleratedFailureCount":-1,)"));
  EXPECT_FALSE(result.ok());
}

TEST(DistributedMapValidationTest, JsonataPercentageMustBeANumberOrAnExpression) {
  EXPECT_TRUE(
      asl::ValidateDefinition(JsonataMap(R"("ToleratedFailurePercentage":"{% 5 %}",)")).ok());
  EXPECT_TRUE(asl::ValidateDefinition(JsonataMap(R"("ToleratedFailurePercentage":5,)")).ok());
  EXPECT_FALSE(
      asl::ValidateDefinition(JsonataMap(R"("ToleratedFailurePercentage":"{% ( %}",)")).ok());
  EXPECT_FALSE(asl::ValidateDefinition(JsonataMap(R"("ToleratedFailurePercentage":"5",)")).ok());
  // JSONPath has no expressions; its ...Path fields are rejected in JSONata.
  EXPECT_FALSE(
      asl::ValidateDefinition(JsonPathMap(R"("ToleratedFailurePercentage":"{% 5 %}",)")).ok());
  EXPECT_FALSE(
      asl::ValidateDefinition(JsonataMap(R"("ToleratedFailurePercentagePath":"$.p",)")).ok());
}

// --- StopExecution and redrive, event by event, restoring the state each time. ---

class Driver {
 public:
  explicit Driver(const std::string& definition) : interpreter_(Machine(definition)) {}

  // Applies `body` and the task answers it leads to (`succeed` says how).
  void Apply(decltype(Event::body) body) {
    std::deque<decltype(Event::body)> ready{std::move(body)};
    while (!ready.empty()) {
      Event event{now_, StrCat("entropy-", events_++), std::move(ready.front())};
      ready.pop_front();
      StepResult step = interpreter_.Apply(std::move(state_), event);
      json::value document = ToJson(step.state);
      absl::StatusOr<ExecutionState> restored = ExecutionStateFromJson(document);
      ASSERT_TRUE(restored.ok()) << restored.status();
      ASSERT_EQ(json::serialize(ToJson(*restored)), json::serialize(document));
      state_ = *std::move(restored);
      for (HistoryEvent& h : step.history) history_.push_back(std::move(h));
      for (Effect& effect : step.effects) {
        auto* task = std::get_if<ScheduleTask>(&effect);
        if (task == nullptr || !answer_) continue;
        ready.push_back(TaskStarted{task->task_id});
        if (task->payload.as_object().at("fail").as_bool() && !redriven_) {
          ready.push_back(TaskFailed{task->task_id, "Boom", "task failed"});
        } else {
          ready.push_back(TaskSucceeded{task->task_id, task->payload});
        }
      }
    }
  }

  Interpreter interpreter_;
  ExecutionState state_;
  std::vector<HistoryEvent> history_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  int events_ = 0;
  bool answer_ = true;     // Answer tasks at once; else leave them pending.
  bool redriven_ = false;  // After the redrive, every task succeeds.
};

// A Distributed Map whose child runs a Task (echoing its payload, or
// failing with Boom for items with "fail": true).
std::string TaskMap(const std::string& fields) {
  return StrCat(
      R"({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",)", fields,
      R"("ItemProcessor":{"ProcessorConfig":{"Mode":"DISTRIBUTED","ExecutionType":"STANDARD"},
                  "StartAt":"T","States":{"T":{"Type":"Task",
                    "Resource":"arn:aws:lambda:us-east-1:123456789012:function:f","End":true}}},
                "End":true}}})");
}

TEST(DistributedMapStopTest, StopAbortsTheMapRun) {
  Driver driver(TaskMap(""));
  driver.answer_ = false;
  driver.Apply(StartExecution{Info(), Input(2, 0)});
  ASSERT_EQ(driver.state_.status, ExecutionStatus::kRunning);
  // The running Map Run is part of the state document.
  json::value document = ToJson(driver.state_);
  EXPECT_THAT(json::serialize(document), HasSubstr("\"map_run\""));
  EXPECT_THAT(json::serialize(document), HasSubstr("\"in_map_run\":true"));
  driver.Apply(StopRequested{"Stopped", "by test"});
  EXPECT_EQ(driver.state_.status, ExecutionStatus::kAborted);
  EXPECT_THAT(Types(driver.history_),
              ElementsAre("ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapRunStarted",
                          "MapRunAborted", "ExecutionAborted"));
}

TEST(DistributedMapRedriveTest, RedriveRerunsTheFailedIterations) {
  // Item 0 fails within the threshold, item 1 exceeds it: the run fails.
  Driver driver(TaskMap(R"("ToleratedFailureCount":1,"MaxConcurrency":1,)"));
  driver.Apply(StartExecution{Info(), Input(3, 2)});
  ASSERT_EQ(driver.state_.status, ExecutionStatus::kFailed);
  EXPECT_EQ(driver.state_.error, "States.ExceedToleratedFailureThreshold");
  const size_t before = driver.history_.size();
  driver.redriven_ = true;
  driver.Apply(RedriveRequested{""});
  ASSERT_EQ(driver.state_.status, ExecutionStatus::kSucceeded) << driver.state_.cause;
  // Both failed iterations ran again, and the one never started ran.
  EXPECT_EQ(driver.state_.output, Input(3, 2).at("items"));
  std::vector<std::string> types;
  for (size_t i = before; i < driver.history_.size(); ++i) {
    types.push_back(TypeName(driver.history_[i]));
  }
  EXPECT_THAT(types, ElementsAre("ExecutionRedriven", "MapStateEntered", "MapStateStarted",
                                 "MapRunRedriven", "MapRunSucceeded", "MapStateSucceeded",
                                 "MapStateExited", "ExecutionSucceeded"));
}

}  // namespace
}  // namespace stepwise::engine
