// What the data-driven catalogue (definition_cases_test.cc) cannot express
// well: state machine names, raw-text edge cases (duplicate keys, line and
// column, extreme nesting), the parsed model, and DefinitionSubstitutions.
#include "orchestrator/asl/validator.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/substitutions.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr std::string_view kArn = "arn:aws:lambda:us-east-1:123456789012:function:Work";

std::string Describe(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += std::string(SeverityName(d.severity)) + " " + std::string(DiagnosticCodeName(d.code)) +
           " at '" + d.location + "': " + d.message + "\n";
  }
  return out;
}

std::string Repeat(std::string_view piece, int times) {
  std::string out;
  for (int i = 0; i < times; ++i) out += piece;
  return out;
}

// A single-diagnostic check: code, location and severity.
MATCHER_P2(IsError, code, location, "") {
  return arg.severity == Severity::kError && arg.code == code && arg.location == location;
}

// --- ValidateStateMachineName -------------------------------------------------

TEST(ValidatorStateMachineNameTest, EmptyName) {
  EXPECT_THAT(ValidateStateMachineName(""),
              ElementsAre(IsError(DiagnosticCode::kStateMachineNameEmpty, "")));
}

TEST(ValidatorStateMachineNameTest, LengthLimitIsEightyCharacters) {
  EXPECT_THAT(ValidateStateMachineName(std::string(80, 'a')), IsEmpty());
  EXPECT_THAT(ValidateStateMachineName(std::string(81, 'a')),
              ElementsAre(IsError(DiagnosticCode::kStateMachineNameTooLong, "")));
}

TEST(ValidatorStateMachineNameTest, MultiByteCharactersCountAsOne) {
  // 80 two-byte characters (160 bytes) and 80 four-byte characters are fine.
  EXPECT_THAT(ValidateStateMachineName(Repeat("\xC3\xA9", 80)), IsEmpty());
  EXPECT_THAT(ValidateStateMachineName(Repeat("\xF0\x9F\x9A\x80", 80)), IsEmpty());
  EXPECT_THAT(ValidateStateMachineName(Repeat("\xC3\xA9", 81)),
              ElementsAre(IsError(DiagnosticCode::kStateMachineNameTooLong, "")));
}

TEST(ValidatorStateMachineNameTest, ValidNames) {
  for (std::string_view name :
       {"HelloWorld", "my-machine_v2.1", "a+b=c@d!(x)'", "n\xC3\xA9v", "1"}) {
    EXPECT_THAT(ValidateStateMachineName(name), IsEmpty()) << name;
  }
}

TEST(ValidatorStateMachineNameTest, EachForbiddenCharacterClass) {
  const std::vector<std::string> forbidden = {
      // Whitespace.
      " ", "\t", "\n", "\r",
      // Brackets.
      "<", ">", "{", "}", "[", "]",
      // Wildcards.
      "?", "*",
      // Special characters.
      "\"", "#", "%", "\\", "^", "|", "~", "`", "$", "&", ",", ";", ":", "/",
      // Control characters: C0, DEL and C1 (U+0085).
      std::string(1, '\x01'), std::string(1, '\x1f'), "\x7f", "\xC2\x85"};
  for (const std::string& c : forbidden) {
    std::string name = "my" + c + "machine";
    EXPECT_THAT(ValidateStateMachineName(name),
                ElementsAre(IsError(DiagnosticCode::kStateMachineNameInvalid, "")))
        << "character code " << static_cast<int>(static_cast<unsigned char>(c[0]));
  }
}

// --- Document-level edge cases ------------------------------------------------

TEST(ValidatorDocumentTest, EmptyAndWhitespaceTextIsMissingDescription) {
  for (std::string_view text : {"", "  \n", "\t\r\n "}) {
    ValidationResult result = ValidateDefinition(text);
    EXPECT_FALSE(result.ok());
    EXPECT_THAT(result.diagnostics, ElementsAre(IsError(DiagnosticCode::kMissingDescription, "")))
        << Describe(result.diagnostics);
  }
}

TEST(ValidatorDocumentTest, SyntaxErrorMessageHasLineAndColumn) {
  ValidationResult result = ValidateDefinition(
      "{\n"
      "  \"StartAt\": \"A\",\n"
      "  \"States\": {,}\n"
      "}\n");
  EXPECT_FALSE(result.ok());
  ASSERT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kInvalidJsonDescription, "")));
  EXPECT_THAT(result.diagnostics[0].message, HasSubstr("line 3, column"));
}

TEST(ValidatorDocumentTest, DuplicateStateNameInOneStatesObject) {
  ValidationResult result = ValidateDefinition(R"({
    "StartAt": "X",
    "States": {
      "X": {"Type": "Succeed"},
      "X": {"Type": "Succeed"}
    }
  })");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kDuplicateStateName, "/States/X")))
      << Describe(result.diagnostics);
}

TEST(ValidatorDocumentTest, OtherDuplicateKeysAreSchemaErrorsAtTheKey) {
  ValidationResult result = ValidateDefinition(R"({
    "StartAt": "A",
    "States": {
      "A": {"Type": "Pass", "Type": "Pass", "End": true}
    }
  })");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kSchemaValidationFailed, "/States/A/Type")))
      << Describe(result.diagnostics);

  result = ValidateDefinition(R"({
    "StartAt": "A",
    "States": {
      "A": {"Type": "Pass", "End": true, "Parameters": {"list": [{"x": 1, "x": 2}]}}
    }
  })");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics, ElementsAre(IsError(DiagnosticCode::kSchemaValidationFailed,
                                                      "/States/A/Parameters/list/0/x")))
      << Describe(result.diagnostics);
}

TEST(ValidatorDocumentTest, SameStateNameInTwoParallelBranches) {
  ValidationResult result = ValidateDefinition(R"({
    "StartAt": "P",
    "States": {
      "P": {"Type": "Parallel", "End": true, "Branches": [
        {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}},
        {"StartAt": "X", "States": {"X": {"Type": "Succeed"}}}
      ]}
    }
  })");
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics, ElementsAre(IsError(DiagnosticCode::kDuplicateStateName,
                                                      "/States/P/Branches/1/States/X")))
      << Describe(result.diagnostics);
}

// `depth` Parallel states, each the only state of its parent's (sub-)machine:
// P0 at the top, P1 in P0's branch, ... The innermost branch holds a Succeed.
std::string NestedParallels(int depth) {
  json::value machine =
      json::parse(R"({"StartAt": "Leaf", "States": {"Leaf": {"Type": "Succeed"}}})");
  for (int i = depth - 1; i >= 0; --i) {
    std::string name = "P" + std::to_string(i);
    json::object state;
    state["Type"] = "Parallel";
    state["End"] = true;
    state["Branches"] = json::array{machine};
    json::object states;
    states[name] = std::move(state);
    json::object parent;
    parent["StartAt"] = name;
    parent["States"] = std::move(states);
    machine = std::move(parent);
  }
  return json::serialize(machine);
}

std::string NestedParallelLocation(int index) {
  std::string location;
  for (int i = 0; i < index; ++i) location += "/States/P" + std::to_string(i) + "/Branches/0";
  return location + "/States/P" + std::to_string(index);
}

TEST(ValidatorDocumentTest, NestingUpToFortyParallelsIsFine) {
  for (int depth : {1, 10, 40}) {
    ValidationResult result = ValidateDefinition(NestedParallels(depth));
    EXPECT_TRUE(result.ok()) << depth << "\n" << Describe(result.diagnostics);
    EXPECT_THAT(result.diagnostics, IsEmpty());
  }
}

TEST(ValidatorDocumentTest, FortyOneNestedParallelsAreTooDeep) {
  ValidationResult result = ValidateDefinition(NestedParallels(41));
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kTooDeeplyNested, NestedParallelLocation(40))))
      << Describe(result.diagnostics);
}

TEST(ValidatorDocumentTest, FortyOneNestedMapsAreTooDeep) {
  json::value machine =
      json::parse(R"({"StartAt": "Leaf", "States": {"Leaf": {"Type": "Succeed"}}})");
  std::string location;
  for (int i = 40; i >= 0; --i) {
    std::string name = "M" + std::to_string(i);
    json::object state;
    state["Type"] = "Map";
    state["End"] = true;
    state["ItemProcessor"] = machine;
    json::object states;
    states[name] = std::move(state);
    json::object parent;
    parent["StartAt"] = name;
    parent["States"] = std::move(states);
    machine = std::move(parent);
  }
  for (int i = 0; i < 40; ++i) location += "/States/M" + std::to_string(i) + "/ItemProcessor";
  location += "/States/M40";
  ValidationResult result = ValidateDefinition(json::serialize(machine));
  EXPECT_FALSE(result.ok());
  EXPECT_THAT(result.diagnostics, ElementsAre(IsError(DiagnosticCode::kTooDeeplyNested, location)))
      << Describe(result.diagnostics);
}

TEST(ValidatorDocumentTest, JsonNestedSixHundredLevelsIsRejectedWithoutCrashing) {
  for (const auto& [open, close] : {std::pair{"[", "]"}, std::pair{"{\"a\":", "}"}}) {
    std::string text = Repeat(open, 600) + "1" + Repeat(close, 600);
    ValidationResult result = ValidateDefinition(text);
    EXPECT_FALSE(result.ok());
    EXPECT_THAT(result.diagnostics,
                ElementsAre(IsError(DiagnosticCode::kInvalidJsonDescription, "")))
        << Describe(result.diagnostics);
  }
  // The same depth inside an otherwise valid definition.
  std::string deep = Repeat("{\"a\":", 600) + "1" + Repeat("}", 600);
  ValidationResult result = ValidateDefinition(
      R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Result": )" + deep +
      "}}}");
  EXPECT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kInvalidJsonDescription, "")));
}

TEST(ValidatorDocumentTest, DeepButAllowedJsonValidates) {
  std::string deep = Repeat("[", 400) + Repeat("]", 400);
  ValidationResult result = ValidateDefinition(
      R"({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true, "Result": )" + deep +
      "}}}");
  EXPECT_TRUE(result.ok()) << Describe(result.diagnostics);
}

TEST(ValidatorDocumentTest, PlaceholderResourceDependsOnOption) {
  const std::string text = R"({"StartAt": "A", "States": {"A": {
      "Type": "Task", "Resource": "${WorkFunctionArn}", "End": true}}})";
  ValidationResult allowed = ValidateDefinition(text);
  EXPECT_TRUE(allowed.ok()) << Describe(allowed.diagnostics);
  EXPECT_THAT(allowed.diagnostics, IsEmpty());

  ValidationResult rejected = ValidateDefinition(text, {.allow_placeholders = false});
  EXPECT_FALSE(rejected.ok());
  EXPECT_THAT(rejected.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kInvalidResource, "/States/A/Resource")));
}

TEST(ValidatorDocumentTest, WarningsDoNotPreventAModel) {
  ValidationResult result = ValidateDefinition(R"({"StartAt": "A", "States": {"A": {
      "Type": "Pass", "Parameters": {"x": "$.x"}, "End": true}}})");
  EXPECT_TRUE(result.ok());
  ASSERT_THAT(result.diagnostics, SizeIs(1));
  EXPECT_EQ(result.diagnostics[0].severity, Severity::kWarning);
  EXPECT_EQ(result.diagnostics[0].code, DiagnosticCode::kNoDollar);
  EXPECT_EQ(result.diagnostics[0].location, "/States/A/Parameters/x");
}

TEST(ValidatorDocumentTest, DiagnosticsAreInDocumentOrder) {
  ValidationResult result = ValidateDefinition(R"({"StartAt": "A", "States": {
      "A": {"Type": "Pass", "Next": "B", "Foo": 1},
      "B": {"Type": "Pass", "End": true, "Bar": 2}}})");
  EXPECT_THAT(result.diagnostics,
              ElementsAre(IsError(DiagnosticCode::kSchemaValidationFailed, "/States/A/Foo"),
                          IsError(DiagnosticCode::kSchemaValidationFailed, "/States/B/Bar")));
}

TEST(ValidatorDocumentTest, CodeAndSeverityNames) {
  EXPECT_EQ(DiagnosticCodeName(DiagnosticCode::kSchemaValidationFailed),
            "SCHEMA_VALIDATION_FAILED");
  EXPECT_EQ(DiagnosticCodeName(DiagnosticCode::kMissingTransitionTarget),
            "MISSING_TRANSITION_TARGET");
  EXPECT_EQ(DiagnosticCodeName(DiagnosticCode::kPassResultIsStatic), "PASS_RESULT_IS_STATIC");
  EXPECT_EQ(SeverityName(Severity::kError), "ERROR");
  EXPECT_EQ(SeverityName(Severity::kWarning), "WARNING");
}

// --- The parsed model -----------------------------------------------------------

std::shared_ptr<const StateMachine> MustParse(std::string_view text) {
  ValidationResult result = ValidateDefinition(text);
  EXPECT_TRUE(result.ok()) << Describe(result.diagnostics);
  return result.machine;
}

TEST(ValidatorModelTest, TopLevelFields) {
  auto machine = MustParse(R"({"Comment": "c", "Version": "1.0", "TimeoutSeconds": 60,
      "StartAt": "A", "States": {"A": {"Type": "Succeed"}}})");
  ASSERT_NE(machine, nullptr);
  EXPECT_EQ(machine->start_at, "A");
  EXPECT_EQ(machine->comment, "c");
  EXPECT_EQ(machine->version, "1.0");
  EXPECT_EQ(machine->timeout_seconds, 60);
  EXPECT_EQ(machine->query_language, QueryLanguage::kJsonPath);
  ASSERT_NE(machine->Find("A"), nullptr);
  EXPECT_EQ(machine->Find("A")->type, StateType::kSucceed);
  EXPECT_EQ(machine->Find("B"), nullptr);
}

TEST(ValidatorModelTest, StatesKeepDocumentOrder) {
  auto machine = MustParse(R"({"StartAt": "Z", "States": {
      "Z": {"Type": "Pass", "Next": "A"}, "A": {"Type": "Pass", "Next": "M"},
      "M": {"Type": "Succeed"}}})");
  ASSERT_NE(machine, nullptr);
  ASSERT_THAT(machine->states, SizeIs(3));
  EXPECT_EQ(machine->states[0].name, "Z");
  EXPECT_EQ(machine->states[1].name, "A");
  EXPECT_EQ(machine->states[2].name, "M");
  EXPECT_EQ(machine->states[0].next, "A");
  EXPECT_FALSE(machine->states[0].end);
}

TEST(ValidatorModelTest, RetryDefaultsAndExplicitValues) {
  std::string text = R"({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ")" +
                     std::string(kArn) + R"(", "End": true,
      "Retry": [
        {"ErrorEquals": ["MyError"]},
        {"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 0,
         "BackoffRate": 1.5, "MaxDelaySeconds": 30, "JitterStrategy": "FULL"}]}}})";
  auto machine = MustParse(text);
  ASSERT_NE(machine, nullptr);
  const State& state = *machine->Find("A");
  ASSERT_THAT(state.retry, SizeIs(2));
  const Retrier& defaults = state.retry[0];
  EXPECT_THAT(defaults.error_equals, ElementsAre("MyError"));
  EXPECT_EQ(defaults.interval_seconds, 1);
  EXPECT_EQ(defaults.max_attempts, 3);
  EXPECT_DOUBLE_EQ(defaults.backoff_rate, 2.0);
  EXPECT_FALSE(defaults.max_delay_seconds.has_value());
  EXPECT_EQ(defaults.jitter_strategy, JitterStrategy::kNone);
  const Retrier& set = state.retry[1];
  EXPECT_THAT(set.error_equals, ElementsAre("States.ALL"));
  EXPECT_EQ(set.interval_seconds, 5);
  EXPECT_EQ(set.max_attempts, 0);
  EXPECT_DOUBLE_EQ(set.backoff_rate, 1.5);
  EXPECT_EQ(set.max_delay_seconds, 30);
  EXPECT_EQ(set.jitter_strategy, JitterStrategy::kFull);
}

TEST(ValidatorModelTest, PathFieldsDistinguishAbsentNullAndPath) {
  auto machine = MustParse(R"({"StartAt": "A", "States": {
      "A": {"Type": "Pass", "ResultPath": null, "InputPath": "$.in", "Next": "B"},
      "B": {"Type": "Pass", "End": true}}})");
  ASSERT_NE(machine, nullptr);
  const State& a = *machine->Find("A");
  ASSERT_TRUE(a.result_path.has_value());
  EXPECT_TRUE(a.result_path->is_null);
  ASSERT_TRUE(a.input_path.has_value());
  EXPECT_FALSE(a.input_path->is_null);
  EXPECT_EQ(a.input_path->path, "$.in");
  EXPECT_FALSE(a.output_path.has_value());
  const State& b = *machine->Find("B");
  EXPECT_FALSE(b.result_path.has_value());
  EXPECT_TRUE(b.end);
}

TEST(ValidatorModelTest, TaskFields) {
  std::string text = R"({"StartAt": "A", "States": {"A": {"Type": "Task", "Resource": ")" +
                     std::string(kArn) + R"(", "TimeoutSecondsPath": "$.t", "HeartbeatSeconds": 5,
      "Credentials": {"RoleArn": "arn:aws:iam::123456789012:role/R"},
      "Parameters": {"x.$": "$.x"}, "ResultSelector": {"y.$": "$.y"},
      "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Done", "ResultPath": "$.error"}],
      "Next": "Done"}, "Done": {"Type": "Succeed"}}})";
  auto machine = MustParse(text);
  ASSERT_NE(machine, nullptr);
  const State& state = *machine->Find("A");
  EXPECT_EQ(state.type, StateType::kTask);
  const auto* task = std::get_if<TaskFields>(&state.fields);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->resource, kArn);
  EXPECT_FALSE(task->timeout_seconds.value.has_value());
  EXPECT_EQ(task->timeout_seconds.path, "$.t");
  EXPECT_EQ(task->heartbeat_seconds.value, 5);
  ASSERT_TRUE(task->credentials.has_value());
  EXPECT_TRUE(task->credentials->is_object());
  ASSERT_TRUE(state.parameters.has_value());
  EXPECT_EQ(*state.parameters, json::parse(R"({"x.$": "$.x"})"));
  ASSERT_TRUE(state.result_selector.has_value());
  ASSERT_THAT(state.catch_, SizeIs(1));
  EXPECT_EQ(state.catch_[0].next, "Done");
  ASSERT_TRUE(state.catch_[0].result_path.has_value());
  EXPECT_EQ(state.catch_[0].result_path->path, "$.error");
}

TEST(ValidatorModelTest, ChoiceRules) {
  auto machine = MustParse(R"({"StartAt": "C", "States": {
      "C": {"Type": "Choice", "Choices": [
        {"Variable": "$.n", "NumericGreaterThanEqualsPath": "$.m", "Next": "Done"},
        {"Variable": "$.s", "StringEquals": "x", "Next": "Done"},
        {"And": [{"Variable": "$.a", "IsPresent": true},
                 {"Not": {"Variable": "$.b", "BooleanEquals": false}}], "Next": "Done"}],
        "Default": "Done"},
      "Done": {"Type": "Succeed"}}})");
  ASSERT_NE(machine, nullptr);
  const auto* choice = std::get_if<ChoiceFields>(&machine->Find("C")->fields);
  ASSERT_NE(choice, nullptr);
  EXPECT_EQ(choice->default_next, "Done");
  ASSERT_THAT(choice->choices, SizeIs(3));

  const ChoiceRule& path_rule = choice->choices[0];
  EXPECT_EQ(path_rule.kind, ChoiceRule::Kind::kComparison);
  EXPECT_EQ(path_rule.variable, "$.n");
  EXPECT_EQ(path_rule.op, ComparisonOperator::kNumericGreaterThanEquals);
  EXPECT_TRUE(path_rule.operand_is_path);
  EXPECT_EQ(path_rule.operand, json::value("$.m"));
  EXPECT_EQ(path_rule.next, "Done");

  const ChoiceRule& literal_rule = choice->choices[1];
  EXPECT_EQ(literal_rule.op, ComparisonOperator::kStringEquals);
  EXPECT_FALSE(literal_rule.operand_is_path);
  EXPECT_EQ(literal_rule.operand, json::value("x"));
  EXPECT_EQ(ComparisonOperatorName(literal_rule.op), "StringEquals");

  const ChoiceRule& and_rule = choice->choices[2];
  EXPECT_EQ(and_rule.kind, ChoiceRule::Kind::kAnd);
  ASSERT_THAT(and_rule.children, SizeIs(2));
  EXPECT_EQ(and_rule.children[0].op, ComparisonOperator::kIsPresent);
  EXPECT_EQ(and_rule.children[0].operand, json::value(true));
  EXPECT_EQ(and_rule.children[1].kind, ChoiceRule::Kind::kNot);
  ASSERT_THAT(and_rule.children[1].children, SizeIs(1));
  EXPECT_EQ(and_rule.children[1].children[0].op, ComparisonOperator::kBooleanEquals);
  EXPECT_TRUE(and_rule.children[1].next.empty());
}

TEST(ValidatorModelTest, WaitAndFailFields) {
  auto machine = MustParse(R"({"StartAt": "W", "States": {
      "W": {"Type": "Wait", "SecondsPath": "$.delay", "Next": "W2"},
      "W2": {"Type": "Wait", "Timestamp": "2016-03-14T01:59:00Z", "Next": "F"},
      "F": {"Type": "Fail", "ErrorPath": "$.error", "Cause": "broken"}}})");
  ASSERT_NE(machine, nullptr);
  const auto* wait = std::get_if<WaitFields>(&machine->Find("W")->fields);
  ASSERT_NE(wait, nullptr);
  EXPECT_EQ(wait->seconds.path, "$.delay");
  EXPECT_FALSE(wait->seconds.value.has_value());
  const auto* wait2 = std::get_if<WaitFields>(&machine->Find("W2")->fields);
  ASSERT_NE(wait2, nullptr);
  EXPECT_EQ(wait2->timestamp.value, "2016-03-14T01:59:00Z");
  const auto* fail = std::get_if<FailFields>(&machine->Find("F")->fields);
  ASSERT_NE(fail, nullptr);
  EXPECT_EQ(fail->error.path, "$.error");
  EXPECT_FALSE(fail->error.value.has_value());
  EXPECT_EQ(fail->cause.value, "broken");
}

TEST(ValidatorModelTest, ParallelBranches) {
  auto machine = MustParse(R"({"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
      "Branches": [
        {"StartAt": "B1", "States": {"B1": {"Type": "Succeed"}}},
        {"StartAt": "B2", "States": {"B2": {"Type": "Pass", "End": true}}}]}}})");
  ASSERT_NE(machine, nullptr);
  const auto* parallel = std::get_if<ParallelFields>(&machine->Find("P")->fields);
  ASSERT_NE(parallel, nullptr);
  ASSERT_THAT(parallel->branches, SizeIs(2));
  EXPECT_EQ(parallel->branches[0]->start_at, "B1");
  EXPECT_EQ(parallel->branches[1]->start_at, "B2");
  EXPECT_NE(parallel->branches[1]->Find("B2"), nullptr);
}

TEST(ValidatorModelTest, DistributedMap) {
  auto machine = MustParse(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "Label": "Files", "ToleratedFailurePercentage": 12.5, "ToleratedFailureCountPath": "$.c",
      "MaxConcurrency": 100, "ItemsPath": "$.items", "ItemSelector": {"v.$": "$$.Map.Item.Value"},
      "ItemReader": {"Resource": "arn:aws:states:::s3:getObject",
                     "Parameters": {"Bucket": "b", "Key": "k"}},
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
        "StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}})");
  ASSERT_NE(machine, nullptr);
  const auto* map = std::get_if<MapFields>(&machine->Find("M")->fields);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->mode, MapMode::kDistributed);
  EXPECT_EQ(map->execution_type, MapExecutionType::kExpress);
  EXPECT_EQ(map->label, "Files");
  EXPECT_EQ(map->tolerated_failure_percentage, 12.5);
  EXPECT_EQ(map->tolerated_failure_count_path, "$.c");
  EXPECT_EQ(map->max_concurrency.value, 100);
  EXPECT_EQ(map->items_path, "$.items");
  ASSERT_TRUE(map->item_selector.has_value());
  ASSERT_TRUE(map->item_reader.has_value());
  ASSERT_NE(map->processor, nullptr);
  EXPECT_EQ(map->processor->start_at, "I");
}

TEST(ValidatorModelTest, InlineMapWithLegacyIteratorAndParameters) {
  auto machine = MustParse(R"({"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
      "Parameters": {"v.$": "$$.Map.Item.Value"},
      "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Succeed"}}}}}})");
  ASSERT_NE(machine, nullptr);
  const auto* map = std::get_if<MapFields>(&machine->Find("M")->fields);
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->mode, MapMode::kInline);
  ASSERT_NE(map->processor, nullptr);
  EXPECT_EQ(map->processor->start_at, "I");
  ASSERT_TRUE(map->item_selector.has_value());
  EXPECT_EQ(*map->item_selector, json::parse(R"({"v.$": "$$.Map.Item.Value"})"));
}

TEST(ValidatorModelTest, JsonataLanguageIsInheritedAndOverridable) {
  auto machine = MustParse(R"({"QueryLanguage": "JSONata", "StartAt": "A", "States": {
      "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
            "Arguments": {"Payload": "{% $states.input %}"}, "TimeoutSeconds": "{% $t %}",
            "Output": "{% $states.result %}", "Assign": {"n": 1}, "Next": "B"},
      "B": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}}})");
  ASSERT_NE(machine, nullptr);
  EXPECT_EQ(machine->query_language, QueryLanguage::kJsonata);
  const State& a = *machine->Find("A");
  EXPECT_EQ(a.query_language, QueryLanguage::kJsonata);
  ASSERT_TRUE(a.arguments.has_value());
  ASSERT_TRUE(a.output.has_value());
  ASSERT_TRUE(a.assign.has_value());
  const auto* task = std::get_if<TaskFields>(&a.fields);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->timeout_seconds.expression, "{% $t %}");

  auto mixed = MustParse(R"({"StartAt": "A", "States": {
      "A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "Next": "B"},
      "B": {"Type": "Pass", "End": true}}})");
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->Find("A")->query_language, QueryLanguage::kJsonata);
  EXPECT_EQ(mixed->Find("B")->query_language, QueryLanguage::kJsonPath);
}

// --- DefinitionSubstitutions ------------------------------------------------------

TEST(ValidatorSubstitutionTest, ReplacesInValuesNotKeys) {
  absl::StatusOr<std::string> out =
      ApplySubstitutions(R"({"${Name}": "${Name}", "list": ["${Name}"]})", {{"Name", "v"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, R"({"${Name}": "v", "list": ["v"]})");
}

TEST(ValidatorSubstitutionTest, KeyDetectionAllowsWhitespaceBeforeColon) {
  absl::StatusOr<std::string> out = ApplySubstitutions("{\"${K}\"  \n :\"${K}\"}", {{"K", "x"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "{\"${K}\"  \n :\"x\"}");
}

TEST(ValidatorSubstitutionTest, EscapesQuotesAndBackslashesInValues) {
  const std::string value = "say \"hi\" \\ bye";
  absl::StatusOr<std::string> out = ApplySubstitutions(R"({"a": "${V}"})", {{"V", value}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, R"({"a": "say \"hi\" \\ bye"})");
  EXPECT_EQ(json::parse(*out).at("a").as_string(), value);
}

TEST(ValidatorSubstitutionTest, LeavesUnknownPlaceholders) {
  absl::StatusOr<std::string> out =
      ApplySubstitutions(R"({"a": "${Known}-${Unknown}"})", {{"Known", "k"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, R"({"a": "k-${Unknown}"})");
}

TEST(ValidatorSubstitutionTest, KeepsEveryOtherByte) {
  const std::string text =
      "{\n  \"a\" :  \"pre ${K} post\" ,\n\t\"b\": [1,2.50, true ,null],\n"
      "  \"c\": \"esc \\\" \\u00e9 \\\\ ${K}\",  \"d\":{}\n}\n";
  absl::StatusOr<std::string> out = ApplySubstitutions(text, {{"K", "X"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out,
            "{\n  \"a\" :  \"pre X post\" ,\n\t\"b\": [1,2.50, true ,null],\n"
            "  \"c\": \"esc \\\" \\u00e9 \\\\ X\",  \"d\":{}\n}\n");
  // No substitutions: the text comes back unchanged.
  absl::StatusOr<std::string> same = ApplySubstitutions(text, {});
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(*same, text);
}

TEST(ValidatorSubstitutionTest, KeepsDuplicateKeys) {
  const std::string text = R"({"a": "${K}", "a": "${K}"})";
  absl::StatusOr<std::string> out = ApplySubstitutions(text, {{"K", "1"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, R"({"a": "1", "a": "1"})");
}

TEST(ValidatorSubstitutionTest, InvalidJsonIsInvalidArgument) {
  for (std::string_view text : {"", "{", R"({"a": "${K}")", "[1,]"}) {
    absl::StatusOr<std::string> out = ApplySubstitutions(text, {{"K", "v"}});
    EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

TEST(ValidatorSubstitutionTest, FindPlaceholdersIsSortedAndUnique) {
  EXPECT_THAT(FindPlaceholders(R"({"${InKey}": "${B} and ${A}", "x": ["${A}", {"y": "${C}"}]})"),
              ElementsAre("A", "B", "C"));
  EXPECT_THAT(FindPlaceholders(R"({"a": "no placeholders, $ or {} here"})"), IsEmpty());
  EXPECT_THAT(FindPlaceholders("not json"), IsEmpty());
}

TEST(ValidatorSubstitutionTest, StringHelpers) {
  EXPECT_TRUE(HasPlaceholder("${A}"));
  EXPECT_TRUE(HasPlaceholder("arn:${Partition}:lambda"));
  EXPECT_FALSE(HasPlaceholder("${}"));
  EXPECT_FALSE(HasPlaceholder("$.path"));
  EXPECT_FALSE(HasPlaceholder("${unterminated"));
  EXPECT_EQ(SubstituteString("a ${X} b ${Y} c", {{"X", "1"}}), "a 1 b ${Y} c");
}

TEST(ValidatorSubstitutionTest, SubstitutedDefinitionValidatesWithoutPlaceholders) {
  const std::string text = R"({"StartAt": "A", "States": {"A": {
      "Type": "Task", "Resource": "${FunctionArn}", "Parameters": {"Name": "${FunctionName}"},
      "End": true}}})";
  EXPECT_THAT(FindPlaceholders(text), ElementsAre("FunctionArn", "FunctionName"));
  absl::StatusOr<std::string> out =
      ApplySubstitutions(text, {{"FunctionArn", std::string(kArn)}, {"FunctionName", "Work"}});
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_THAT(FindPlaceholders(*out), IsEmpty());
  ValidationResult result = ValidateDefinition(*out, {.allow_placeholders = false});
  EXPECT_TRUE(result.ok()) << Describe(result.diagnostics);
  const auto* task = std::get_if<TaskFields>(&result.machine->Find("A")->fields);
  ASSERT_NE(task, nullptr);
  EXPECT_EQ(task->resource, kArn);
}

}  // namespace
}  // namespace stepwise::asl
