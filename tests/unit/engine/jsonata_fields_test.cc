// JSONata-mode field evaluation (jsonata_fields.h), the expression cache's
// JSONata entries and JSONata machines through the interpreter. The
// behaviour catalogue (cases/jsonata/) covers the state types.
#include "orchestrator/engine/jsonata_fields.h"

#include <string>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixMillis(1700000000123);

JsonataFields Fields(json::value input, const VariableScope* scope = nullptr,
                     Entropy* entropy = nullptr, const ExpressionCache* cache = nullptr) {
  return JsonataFields(json::object{{"input", std::move(input)}}, scope, kNow, entropy, cache);
}

TEST(JsonataFieldsTest, EvaluatesNestedTemplatesAndKeepsLiterals) {
  JsonataFields fields = Fields(json::parse(R"({"a":2,"name":"x"})"));
  Outcome<json::value> out = fields.Value(
      json::parse(
          R"({"n":"{% $states.input.a * 3 %}","s":"{% not closed","l":[true,"{% $states.input.name %}"]})"),
      "Output");
  ASSERT_TRUE(out.ok()) << out.error().cause;
  EXPECT_EQ(out.value(), json::parse(R"({"n":6,"s":"{% not closed","l":[true,"x"]})"));
}

TEST(JsonataFieldsTest, BindsVariablesAndStates) {
  json::object vars{{"rate", 2}};
  VariableScope scope({&vars});
  JsonataFields fields = Fields(json::parse(R"({"a":5})"), &scope);
  fields.SetStates("result", json::parse(R"({"r":1})"));
  Outcome<json::value> out =
      fields.Value(json::value("{% $states.input.a * $rate + $states.result.r %}"), "Output");
  ASSERT_TRUE(out.ok()) << out.error().cause;
  EXPECT_EQ(out.value(), json::value(11));
}

TEST(JsonataFieldsTest, UndefinedIsAQueryEvaluationErrorNamingTheField) {
  JsonataFields fields = Fields(json::object{});
  Outcome<json::value> out =
      fields.Value(json::parse(R"({"x":{"y":"{% $states.input.nope %}"}})"), "Arguments");
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().error, "States.QueryEvaluationError");
  EXPECT_THAT(out.error().cause, HasSubstr("'Arguments/x/y'"));
  EXPECT_THAT(out.error().cause, HasSubstr("'$states.input.nope'"));
  EXPECT_THAT(out.error().cause, HasSubstr("returned nothing (undefined)"));
}

TEST(JsonataFieldsTest, RuntimeAndSyntaxErrorsQuoteJsonataCodes) {
  JsonataFields fields = Fields(json::parse(R"({"s":"x"})"));
  Outcome<json::value> runtime = fields.Value(json::value("{% 1 + $states.input.s %}"), "Output");
  ASSERT_FALSE(runtime.ok());
  EXPECT_EQ(runtime.error().error, "States.QueryEvaluationError");
  EXPECT_THAT(runtime.error().cause, HasSubstr("T2002"));
  Outcome<json::value> syntax = fields.Value(json::value("{% (1 + %}"), "Output");
  ASSERT_FALSE(syntax.ok());
  EXPECT_THAT(syntax.error().cause, HasSubstr("is invalid: S0"));
}

TEST(JsonataFieldsTest, IntegersMustBeNonNegativeIntegers) {
  JsonataFields fields = Fields(json::parse(R"({"n":3,"f":1.5,"neg":-1,"s":"7"})"));
  asl::DynamicInt literal;
  literal.value = 4;
  EXPECT_EQ(fields.Int(literal, "Seconds").value(), 4);
  asl::DynamicInt absent;
  EXPECT_EQ(fields.Int(absent, "Seconds").value(), -1);
  asl::DynamicInt expression;
  expression.expression = "{% $states.input.n * 2 %}";
  EXPECT_EQ(fields.Int(expression, "Seconds").value(), 6);
  for (const char* bad :
       {"{% $states.input.f %}", "{% $states.input.neg %}", "{% $states.input.s %}"}) {
    asl::DynamicInt field;
    field.expression = bad;
    Outcome<int64_t> out = fields.Int(field, "Seconds");
    ASSERT_FALSE(out.ok()) << bad;
    EXPECT_EQ(out.error().error, "States.QueryEvaluationError");
    EXPECT_THAT(out.error().cause, HasSubstr("must return an integer"));
  }
  asl::DynamicInt zero;
  zero.expression = "{% 0 %}";
  EXPECT_FALSE(fields.Int(zero, "TimeoutSeconds", 1).ok());
}

TEST(JsonataFieldsTest, StringsAndConditionsCheckTheirType) {
  JsonataFields fields = Fields(json::parse(R"({"n":1})"));
  asl::DynamicString text;
  text.expression = "{% 'n=' & $string($states.input.n) %}";
  EXPECT_EQ(fields.String(text, "Cause").value(), "n=1");
  asl::DynamicString number;
  number.expression = "{% $states.input.n %}";
  EXPECT_THAT(fields.String(number, "Cause").error().cause, HasSubstr("must return a string"));
  EXPECT_TRUE(fields.Condition(json::value("{% $states.input.n = 1 %}")).value());
  EXPECT_FALSE(fields.Condition(json::value(false)).value());
  Outcome<bool> not_bool = fields.Condition(json::value("{% $states.input.n %}"));
  ASSERT_FALSE(not_bool.ok());
  EXPECT_EQ(not_bool.error().error, "States.QueryEvaluationError");
  EXPECT_THAT(not_bool.error().cause, HasSubstr("must return a boolean"));
}

TEST(JsonataFieldsTest, ClockAndRandomnessAreInputs) {
  JsonataFields fields = Fields(json::object{});
  EXPECT_EQ(fields.Value(json::value("{% $millis() %}"), "Output").value(),
            json::value(1700000000123));
  EXPECT_EQ(fields.Value(json::value("{% $now() %}"), "Output").value(),
            json::value("2023-11-14T22:13:20.123Z"));
  SeededEntropy a(7);
  SeededEntropy b(7);
  SeededEntropy c(8);
  json::value draw_a = Fields({}, nullptr, &a).Value(json::value("{% $uuid() %}"), "O").value();
  json::value draw_b = Fields({}, nullptr, &b).Value(json::value("{% $uuid() %}"), "O").value();
  json::value draw_c = Fields({}, nullptr, &c).Value(json::value("{% $uuid() %}"), "O").value();
  EXPECT_EQ(draw_a, draw_b);
  EXPECT_NE(draw_a, draw_c);
}

TEST(JsonataExpressionCacheTest, ParsesEveryJsonataFieldOnce) {
  asl::ValidationResult v = asl::ValidateDefinition(R"j({"QueryLanguage":"JSONata",
      "StartAt":"C","States":{
      "C":{"Type":"Choice","Choices":[{"Condition":"{% $states.input.a %}","Next":"W",
           "Output":{"o":"{% 1 %}"}}],"Default":"W"},
      "W":{"Type":"Wait","Seconds":"{% 2 %}","Next":"M"},
      "M":{"Type":"Map","Items":"{% [1] %}","ItemSelector":{"v":"{% 3 %}"},
           "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","Output":"{% 4 %}","End":true}}},
           "Assign":{"x":"{% 5 %}"},"End":true}}})j");
  ASSERT_TRUE(v.ok());
  ExpressionCache cache(*v.machine);
  for (const char* text : {"{% $states.input.a %}", "{% 1 %}", "{% 2 %}", "{% [1] %}", "{% 3 %}",
                           "{% 4 %}", "{% 5 %}"}) {
    EXPECT_NE(cache.Jsonata(text), nullptr) << text;
  }
  EXPECT_EQ(cache.Jsonata("{% 6 %}"), nullptr);
}

TEST(JsonataInterpreterTest, RunsDeterministicallyAcrossReplays) {
  asl::ValidationResult v = asl::ValidateDefinition(R"j({"QueryLanguage":"JSONata",
      "StartAt":"A","States":{
      "A":{"Type":"Pass","Assign":{"id":"{% $uuid() %}"},"Next":"B"},
      "B":{"Type":"Wait","Seconds":1,"Next":"C"},
      "C":{"Type":"Pass","Output":{"id":"{% $id %}","r":"{% $random() %}","t":"{% $now() %}"},
           "End":true}}})j");
  ASSERT_TRUE(v.ok());
  Interpreter interpreter(v.machine);
  ExecutionInfo info{"arn:aws:states:local:0:execution:m:run", "run",
                     "arn:aws:states:local:0:stateMachine:m", "m", "arn:aws:iam::0:role/r"};
  LocalRunOptions options;
  options.round_trip_state = true;
  auto no_tasks = [](const ScheduleTask&) { return TaskAnswer{}; };
  LocalRunResult first = RunLocally(interpreter, info, json::object{}, no_tasks, options);
  LocalRunResult second = RunLocally(interpreter, info, json::object{}, no_tasks, options);
  EXPECT_EQ(first.problem, "");
  ASSERT_EQ(first.state.status, ExecutionStatus::kSucceeded) << first.state.cause;
  EXPECT_EQ(first.state.output, second.state.output);
  EXPECT_EQ(first.state.output.at("id").as_string().size(), 36u);
}

}  // namespace
}  // namespace stepwise::engine
