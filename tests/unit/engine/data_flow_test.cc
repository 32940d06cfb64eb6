#include "orchestrator/engine/data_flow.h"

#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kRuntime = "States.Runtime";
constexpr const char* kMatchFailure = "States.ResultPathMatchFailure";

// Sentinels for a PathField column: absent field, explicit null, else the path.
constexpr const char* kAbsent = nullptr;
constexpr const char* kNullPath = "null";

json::value J(std::string_view text) { return json::parse(text); }

// Names parameterized cases after their `name` column.
struct CaseName {
  template <typename Case>
  std::string operator()(const ::testing::TestParamInfo<Case>& case_info) const {
    return case_info.param.name;
  }
};

std::optional<asl::PathField> Path(const char* text) {
  if (text == kAbsent) return std::nullopt;
  if (std::string_view(text) == kNullPath) return asl::PathField{.is_null = true, .path = ""};
  return asl::PathField{.is_null = false, .path = text};
}

// The context object from AWS's "Context object" page, plus a Map iteration
// context as Map's ItemSelector sees it.
const json::value& DocContext() {
  static const json::value* const kContext = new json::value(J(R"({
    "Execution": {
      "Id": "arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName",
      "Input": {"key": "value"}, "Name": "executionName",
      "RoleArn": "arn:aws:iam::123456789012:role...", "StartTime": "2019-03-26T20:14:13.192Z"
    },
    "State": {"EnteredTime": "2019-03-26T20:14:13.192Z", "Name": "Test", "RetryCount": 3},
    "StateMachine": {"Id": "arn:aws:states:us-east-1:123456789012:stateMachine:stateMachineName",
                     "Name": "stateMachineName"},
    "Task": {"Token": "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W"}
  })"));
  return *kContext;
}

const json::value& MapContext() {
  static const json::value* const kContext = new json::value(J(R"({
    "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:sm:run"},
    "Map": {"Item": {"Index": 0, "Value": {"who": "bob"}}}
  })"));
  return *kContext;
}

enum class Ctx { kDoc, kMap, kNone };

EvaluationContext ContextFor(Ctx ctx) {
  switch (ctx) {
    case Ctx::kDoc:
      return EvaluationContext{.context_object = &DocContext(), .entropy = nullptr};
    case Ctx::kMap:
      return EvaluationContext{.context_object = &MapContext(), .entropy = nullptr};
    case Ctx::kNone:
      break;
  }
  return EvaluationContext{};
}

// Checks an Outcome against either an expected JSON value or an error name
// (and, when given, a cause that must appear in the error's cause).
void ExpectOutcome(const Outcome<json::value>& got, const char* expected_json,
                   const char* expected_error, const char* cause_part) {
  if (expected_error != nullptr && *expected_error != '\0') {
    ASSERT_FALSE(got.ok()) << "expected " << expected_error << ", got "
                           << json::serialize(got.value());
    EXPECT_EQ(got.error().error, expected_error) << got.error().cause;
    if (cause_part != nullptr && *cause_part != '\0') {
      EXPECT_THAT(got.error().cause, HasSubstr(cause_part));
    }
    return;
  }
  ASSERT_TRUE(got.ok()) << got.error().error << ": " << got.error().cause;
  EXPECT_EQ(got.value(), J(expected_json))
      << "got " << json::serialize(got.value()) << "\nwant " << expected_json;
}

// ---------------------------------------------------------------------------
// SelectPath

struct SelectCase {
  const char* name;
  const char* path;
  const char* input;
  const char* expected;  // JSON, when `error` is empty.
  const char* error = "";
  const char* cause = "";
  Ctx ctx = Ctx::kDoc;
};
void PrintTo(const SelectCase& c, std::ostream* os) { *os << c.path << " on " << c.input; }

class DataFlowSelectPathTest : public ::testing::TestWithParam<SelectCase> {};

TEST_P(DataFlowSelectPathTest, Selects) {
  const SelectCase& c = GetParam();
  EvaluationContext context = ContextFor(c.ctx);
  ExpectOutcome(SelectPath(c.path, J(c.input), context, "InputPath"), c.expected, c.error, c.cause);
}

constexpr const char* kDoc = R"({
  "a": 1, "n": null, "f": false, "e": {}, "s": "str", "error-info": "x",
  "arr": [10, 20, {"x": "deep"}], "b": {"c": {"d": "leaf"}}, "a b": "spaced",
  "obj": {"p": 1, "q": 2}, "empty": [],
  "items": [{"name": "pen", "price": 5}, {"name": "book", "price": 12},
            {"name": "cup", "price": 8}]
})";

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowSelectPathTest,
    ::testing::Values(
        SelectCase{"Root", "$", R"({"a":1})", R"({"a":1})"},
        SelectCase{"RootOfScalar", "$", R"("str")", R"("str")"},
        SelectCase{"RootOfArray", "$", "[1,2]", "[1,2]"},
        SelectCase{"RootOfNull", "$", "null", "null"}, SelectCase{"Field", "$.a", kDoc, "1"},
        SelectCase{"NestedField", "$.b.c.d", kDoc, R"("leaf")"},
        SelectCase{"NestedObject", "$.b.c", kDoc, R"({"d":"leaf"})"},
        SelectCase{"BracketField", "$['a b']", kDoc, R"("spaced")"},
        SelectCase{"DashedField", "$.error-info", kDoc, R"("x")"},
        SelectCase{"Index", "$.arr[1]", kDoc, "20"},
        SelectCase{"NegativeIndexIsDefinite", "$.arr[-1]", kDoc, R"({"x":"deep"})"},
        SelectCase{"FieldAfterIndex", "$.arr[2].x", kDoc, R"("deep")"},
        SelectCase{"IndexOnRootArray", "$[0]", "[7,8]", "7"},
        SelectCase{"NullValueIsFound", "$.n", kDoc, "null"},
        SelectCase{"FalseValueIsFound", "$.f", kDoc, "false"},
        SelectCase{"EmptyObjectIsFound", "$.e", kDoc, "{}"},
        SelectCase{"WholeArray", "$.arr", kDoc, R"([10,20,{"x":"deep"}])"},
        SelectCase{"MissingField", "$.missing", kDoc, "", kRuntime,
                   "The JSONPath '$.missing' specified for the field 'InputPath' could not be "
                   "found in the input"},
        SelectCase{"MissingIntermediate", "$.nope.deeper", kDoc, "", kRuntime, "'$.nope.deeper'"},
        SelectCase{"IndexOutOfRange", "$.arr[3]", kDoc, "", kRuntime},
        SelectCase{"NegativeIndexOutOfRange", "$.arr[-4]", kDoc, "", kRuntime},
        SelectCase{"FieldOfArray", "$.arr.x", kDoc, "", kRuntime},
        SelectCase{"IndexOfObject", "$.obj[0]", kDoc, "", kRuntime},
        SelectCase{"FieldOfString", "$.s.length", kDoc, "", kRuntime},
        SelectCase{"FieldThroughNull", "$.n.x", kDoc, "", kRuntime},
        SelectCase{"FieldOfScalarInput", "$.a", "42", "", kRuntime},
        SelectCase{"WildcardArray", "$.arr[*]", kDoc, R"([10,20,{"x":"deep"}])"},
        SelectCase{"WildcardObject", "$.obj.*", kDoc, "[1,2]"},
        SelectCase{"WildcardEmptyArray", "$.empty[*]", kDoc, "[]"},
        SelectCase{"WildcardOnMissingIsEmpty", "$.missing[*]", kDoc, "[]"},
        SelectCase{"WildcardThenField", "$.items[*].name", kDoc, R"(["pen","book","cup"])"},
        SelectCase{"DocSlice", "$.a[0:2]", R"({ "a": [1, 2, 3, 4] })", "[1,2]"},
        SelectCase{"SpecOpenSlice", "$.vals[3:]", R"({"vals":[0,10,20,30,40,50]})", "[30,40,50]"},
        SelectCase{"UnionOfIndices", "$.arr[0,1]", kDoc, "[10,20]"},
        SelectCase{"UnionOfNames", "$.obj['q','p']", kDoc, "[2,1]"},
        SelectCase{"RecursiveDescent", "$..name", kDoc, R"(["pen","book","cup"])"},
        SelectCase{"Filter", "$.items[?(@.price < 10)].name", kDoc, R"(["pen","cup"])"},
        SelectCase{"FilterNoMatch", "$.items[?(@.price > 100)]", kDoc, "[]"},
        SelectCase{"SingleMatchIsStillAnArray", "$.items[?(@.name == 'book')].price", kDoc, "[12]"},
        SelectCase{"FlattenArrayOfArrays", "$[*][*]", "[[1,2],[3],[]]", "[1,2,3]"},
        SelectCase{
            "ContextExecutionId", "$$.Execution.Id", "{}",
            R"("arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName")"},
        SelectCase{"ContextNested", "$$.Execution.Input.key", "{}", R"("value")"},
        SelectCase{"ContextRetryCount", "$$.State.RetryCount", "{}", "3"},
        SelectCase{"ContextTaskToken", "$$.Task.Token", R"({"Task":"ignored"})",
                   R"("h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W")"},
        SelectCase{"ContextMapItem", "$$.Map.Item.Value.who", "{}", R"("bob")", "", "", Ctx::kMap},
        SelectCase{"ContextMissing", "$$.Map.Item.Index", "{}", "", kRuntime,
                   "'$$.Map.Item.Index'"},
        SelectCase{"ContextWildcard", "$$.State.*", "{}",
                   R"(["2019-03-26T20:14:13.192Z","Test",3])"},
        SelectCase{"NullContextIsEmptyObject", "$$", R"({"a":1})", "{}", "", "", Ctx::kNone},
        SelectCase{"NullContextMissingField", "$$.Execution.Id", "{}", "", kRuntime, "",
                   Ctx::kNone},
        SelectCase{"InputIsNotTheContext", "$.Execution", "{}", "", kRuntime}),
    CaseName());

TEST(DataFlowSelectPath, ContextRootIsTheWholeContextObject) {
  EvaluationContext context = ContextFor(Ctx::kMap);
  Outcome<json::value> got = SelectPath("$$", J("{}"), context, "InputPath");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got.value(), MapContext());
}

// ---------------------------------------------------------------------------
// InputPath and OutputPath (same rules; the field name appears in causes)

struct SelectionCase {
  const char* name;
  const char* path;  // kAbsent, kNullPath or a path.
  const char* input;
  const char* expected;
  const char* error = "";
};
void PrintTo(const SelectionCase& c, std::ostream* os) {
  *os << (c.path == kAbsent ? "<absent>" : c.path) << " on " << c.input;
}

class DataFlowInputOutputPathTest : public ::testing::TestWithParam<SelectionCase> {};

TEST_P(DataFlowInputOutputPathTest, InputPath) {
  const SelectionCase& c = GetParam();
  EvaluationContext context = ContextFor(Ctx::kDoc);
  ExpectOutcome(ApplyInputPath(Path(c.path), J(c.input), context), c.expected, c.error,
                *c.error != '\0' ? "for the field 'InputPath'" : "");
}

TEST_P(DataFlowInputOutputPathTest, OutputPath) {
  const SelectionCase& c = GetParam();
  EvaluationContext context = ContextFor(Ctx::kDoc);
  ExpectOutcome(ApplyOutputPath(Path(c.path), J(c.input), context), c.expected, c.error,
                *c.error != '\0' ? "for the field 'OutputPath'" : "");
}

constexpr const char* kInputPathDoc = R"({
  "comment": "Example for InputPath.",
  "dataset1": {"val1": 1, "val2": 2, "val3": 3},
  "dataset2": {"val1": "a", "val2": "b", "val3": "c"}
})";

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowInputOutputPathTest,
    ::testing::Values(
        SelectionCase{"AbsentKeepsValue", kAbsent, R"({"a":1})", R"({"a":1})"},
        SelectionCase{"AbsentKeepsScalar", kAbsent, "12.5", "12.5"},
        SelectionCase{"AbsentKeepsNull", kAbsent, "null", "null"},
        SelectionCase{"NullGivesEmptyObject", kNullPath, R"({"a":1})", "{}"},
        SelectionCase{"NullGivesEmptyObjectForArrays", kNullPath, "[1,2]", "{}"},
        SelectionCase{"NullGivesEmptyObjectForNull", kNullPath, "null", "{}"},
        SelectionCase{"DollarKeepsValue", "$", R"({"a":[1]})", R"({"a":[1]})"},
        SelectionCase{"DocDataset2", "$.dataset2", kInputPathDoc,
                      R"({"val1": "a", "val2": "b", "val3": "c"})"},
        SelectionCase{"DocSliceYieldsArray", "$.a[0:2]", R"({ "a": [1, 2, 3, 4] })", "[1,2]"},
        SelectionCase{"SpecNumbers", "$.numbers",
                      R"({"title": "Numbers to add", "numbers": { "val1": 3, "val2": 4 }})",
                      R"({ "val1": 3, "val2": 4 })"},
        SelectionCase{"SpecSum", "$.sum",
                      R"({"title": "Numbers to add", "numbers": {"val1": 3, "val2": 4},
                          "sum": 7})",
                      "7"},
        SelectionCase{"SelectsNull", "$.x", R"({"x":null})", "null"},
        SelectionCase{"SelectsArrayElement", "$.list[0]", R"({"list":[{"id":1}]})", R"({"id":1})"},
        SelectionCase{"IndefiniteEmpty", "$.list[?(@.id > 5)]", R"({"list":[{"id":1}]})", "[]"},
        SelectionCase{"ContextObject", "$$.Execution.Name", "{}", R"("executionName")"},
        SelectionCase{"Missing", "$.missing", R"({"a":1})", "", kRuntime},
        SelectionCase{"MissingOnScalar", "$.a", "true", "", kRuntime}),
    CaseName());

TEST(DataFlowInputOutputPath, ExactMissingPathCause) {
  EvaluationContext context;
  Outcome<json::value> got = ApplyInputPath(asl::PathField{.is_null = false, .path = "$.missing"},
                                            J(R"({"a": 1})"), context);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(),
            (StateError{"States.Runtime",
                        "The JSONPath '$.missing' specified for the field 'InputPath' could not "
                        "be found in the input '{\"a\":1}'"}));
}

TEST(DataFlowInputOutputPath, ExactMissingOutputPathCause) {
  EvaluationContext context;
  Outcome<json::value> got = ApplyOutputPath(asl::PathField{.is_null = false, .path = "$.b[2]"},
                                             J(R"({"b":[1]})"), context);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().cause,
            "The JSONPath '$.b[2]' specified for the field 'OutputPath' could not be found in the "
            "input '{\"b\":[1]}'");
}

TEST(DataFlowInputOutputPath, CauseQuotesTheContextObjectForContextPaths) {
  EvaluationContext context;  // No context object: `$$` is {}.
  Outcome<json::value> got = ApplyInputPath(
      asl::PathField{.is_null = false, .path = "$$.Execution.Id"}, J(R"({"a":1})"), context);
  ASSERT_FALSE(got.ok());
  EXPECT_THAT(got.error().cause, EndsWith("could not be found in the input '{}'"));
}

TEST(DataFlowInputOutputPath, HugeInputIsTruncatedInTheCause) {
  std::string big(10000, 'x');
  json::value input = json::object{{"big", big}};
  EvaluationContext context;
  Outcome<json::value> got =
      ApplyInputPath(asl::PathField{.is_null = false, .path = "$.nope"}, input, context);
  ASSERT_FALSE(got.ok());
  EXPECT_LT(got.error().cause.size(), 400u);
  EXPECT_THAT(got.error().cause, HasSubstr(R"('{"big":"xxxx)"));
  EXPECT_THAT(got.error().cause, EndsWith("...'"));
}

TEST(DataFlowInputOutputPath, TruncationNeverSplitsAUtf8Character) {
  // 2-byte characters after an odd-length prefix put a character across the cut.
  std::string text = "a";
  for (int i = 0; i < 300; ++i) text += "\xC3\xA9";  // U+00E9
  json::value input = json::object{{"k", text}};
  EvaluationContext context;
  Outcome<json::value> got =
      ApplyInputPath(asl::PathField{.is_null = false, .path = "$.nope"}, input, context);
  ASSERT_FALSE(got.ok());
  const std::string& cause = got.error().cause;
  ASSERT_THAT(cause, EndsWith("...'"));
  // The byte before "..." must end a character: not a lead byte of a
  // 2-byte sequence.
  unsigned char before = static_cast<unsigned char>(cause[cause.size() - 5]);
  EXPECT_NE(before & 0xE0, 0xC0);
}

// ---------------------------------------------------------------------------
// Payload templates (Parameters, ResultSelector, ItemSelector)

struct TemplateCase {
  const char* name;
  const char* payload_template;
  const char* input;
  const char* expected;
  const char* error = "";
  const char* cause = "";
  Ctx ctx = Ctx::kDoc;
};
void PrintTo(const TemplateCase& c, std::ostream* os) { *os << c.payload_template; }

class DataFlowTemplateTest : public ::testing::TestWithParam<TemplateCase> {};

TEST_P(DataFlowTemplateTest, Expands) {
  const TemplateCase& c = GetParam();
  EvaluationContext context = ContextFor(c.ctx);
  ExpectOutcome(ApplyPayloadTemplate(J(c.payload_template), J(c.input), context), c.expected,
                c.error, c.cause);
}

constexpr const char* kParametersDocInput = R"({
  "comment": "Example for Parameters.",
  "product": {
    "details": {"color": "blue", "size": "small", "material": "cotton"},
    "availability": "in stock",
    "sku": "2317",
    "cost": "$23"
  }
})";

constexpr const char* kEmrResult = R"({
  "resourceType": "elasticmapreduce", "resource": "createCluster.sync",
  "output": {
    "SdkHttpMetadata": {
      "HttpHeaders": {"Content-Length": "1112", "Content-Type": "application/x-amz-JSON-1.1",
                      "Date": "Mon, 25 Nov 2019 19:41:29 GMT", "x-amzn-RequestId": "1234-5678-9011"},
      "HttpStatusCode": 200},
    "SdkResponseMetadata": {"RequestId": "1234-5678-9011"},
    "ClusterId": "AKIAIOSFODNN7EXAMPLE"}
})";

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowTemplateTest,
    ::testing::Values(
        TemplateCase{"StaticCopy", R"({"a":1,"b":[true,null,"x"],"c":{"d":2.5}})", R"({"z":0})",
                     R"({"a":1,"b":[true,null,"x"],"c":{"d":2.5}})"},
        TemplateCase{"EmptyTemplate", "{}", R"({"a":1})", "{}"},
        TemplateCase{"DocParameters",
                     R"({"comment": "Selecting what I care about.",
                         "MyDetails": {"size.$": "$.product.details.size",
                                       "exists.$": "$.product.availability",
                                       "StaticValue": "foo"}})",
                     kParametersDocInput,
                     R"({"comment": "Selecting what I care about.",
                         "MyDetails": {"size": "small", "exists": "in stock",
                                       "StaticValue": "foo"}})"},
        TemplateCase{"SpecParametersAfterInputPath",
                     R"({"flagged": true, "parts": {"first.$": "$.vals[0]",
                                                    "last3.$": "$.vals[3:]"}})",
                     R"({"vals": [0, 10, 20, 30, 40, 50]})",
                     R"({"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]}})"},
        TemplateCase{
            "DocResultSelectorEmr",
            R"({"ClusterId.$": "$.output.ClusterId",
                         "ResourceType.$": "$.resourceType"})",
            kEmrResult,
            R"({"ClusterId": "AKIAIOSFODNN7EXAMPLE", "ResourceType": "elasticmapreduce"})"},
        TemplateCase{"ResultSelectorFlattensParallelResults", R"({"flattenArray.$": "$[*][*]"})",
                     R"([[{"resultA":"A1"},{"resultA":"A2"}],[{"resultB":"B1"}]])",
                     R"({"flattenArray":[{"resultA":"A1"},{"resultA":"A2"},{"resultB":"B1"}]})"},
        TemplateCase{"DocTaskTokenCallback",
                     R"({"FunctionName": "get-model-review-decision",
                         "Payload": {"model.$": "$.new_model", "token.$": "$$.Task.Token"}})",
                     R"({"new_model": "m1"})",
                     R"({"FunctionName": "get-model-review-decision",
                         "Payload": {"model": "m1",
                                     "token": "h7XRiCdLtd/83p1E0dMccoxlzFhglsdkzpK9mBVKZsp7d9yrT1W"}})"},
        TemplateCase{"DocContextObjectExecutionId",
                     R"({"comment": "Selecting what I care about.",
                         "MyDetails": {"size.$": "$.product.details.size"},
                         "ExecutionId.$": "$$.Execution.Id"})",
                     kParametersDocInput,
                     R"({"comment": "Selecting what I care about.",
                         "MyDetails": {"size": "small"},
                         "ExecutionId":
                           "arn:aws:states:us-east-1:123456789012:execution:stateMachineName:executionName"})"},
        TemplateCase{"DocMapItemSelector",
                     R"({"ContextIndex.$": "$$.Map.Item.Index",
                         "ContextValue.$": "$$.Map.Item.Value"})",
                     R"({"who": "bob"})", R"({"ContextIndex": 0, "ContextValue": {"who": "bob"}})",
                     "", "", Ctx::kMap},
        TemplateCase{"MapItemSelectorMixesItemAndInput",
                     R"({"item.$": "$$.Map.Item.Value", "prefix.$": "$.prefix"})",
                     R"({"prefix": "p-"})", R"({"item": {"who": "bob"}, "prefix": "p-"})", "", "",
                     Ctx::kMap},
        TemplateCase{"SelectsObject", R"({"o.$": "$.obj"})", R"({"obj":{"k":[1,2]}})",
                     R"({"o":{"k":[1,2]}})"},
        TemplateCase{"SelectsArray", R"({"l.$": "$.list"})", R"({"list":[1,"two"]})",
                     R"({"l":[1,"two"]})"},
        TemplateCase{"SelectsNull", R"({"v.$": "$.v"})", R"({"v":null})", R"({"v":null})"},
        TemplateCase{"SelectsWholeInput", R"({"all.$": "$"})", R"({"a":1})", R"({"all":{"a":1}})"},
        TemplateCase{"SelectsFromArrayInput", R"({"second.$": "$[1]"})", R"(["a","b"])",
                     R"({"second":"b"})"},
        TemplateCase{"SelectsFromScalarInput", R"({"v.$": "$"})", "42", R"({"v":42})"},
        TemplateCase{"IndefinitePathGivesArray", R"({"names.$": "$.items[*].n"})",
                     R"({"items":[{"n":"a"},{"n":"b"}]})", R"({"names":["a","b"]})"},
        TemplateCase{"IndefinitePathNoMatchGivesEmptyArray", R"({"names.$": "$.items[*].n"})",
                     R"({"items":[]})", R"({"names":[]})"},
        TemplateCase{"FilterInTemplate", R"({"cheap.$": "$.items[?(@.p < 3)].n"})",
                     R"({"items":[{"n":"a","p":1},{"n":"b","p":5}]})", R"({"cheap":["a"]})"},
        TemplateCase{"ObjectsInsideArraysAreExpanded",
                     R"({"list": [{"v.$": "$.a"}, "static", {"w": {"x.$": "$.b"}}]})",
                     R"({"a":1,"b":2})", R"({"list": [{"v": 1}, "static", {"w": {"x": 2}}]})"},
        TemplateCase{"ArraysInsideArrays", R"({"m": [[{"v.$": "$.a"}], []]})", R"({"a":"x"})",
                     R"({"m": [[{"v": "x"}], []]})"},
        TemplateCase{"DeepNesting", R"({"a":{"b":{"c":{"d.$":"$.x.y"}}}})", R"({"x":{"y":"deep"}})",
                     R"({"a":{"b":{"c":{"d":"deep"}}}})"},
        TemplateCase{"PlainKeyWithPathLikeValueStaysLiteral", R"({"p": "$.a"})", R"({"a":1})",
                     R"({"p": "$.a"})"},
        TemplateCase{"DollarInsideKeyIsLiteral", R"({"a.$b": "$.a", "$": 1})", R"({"a":1})",
                     R"({"a.$b": "$.a", "$": 1})"},
        TemplateCase{"KeyThatIsOnlyDotDollar", R"({".$": "$.a"})", R"({"a":1})", R"({"": 1})"},
        TemplateCase{"SelectedValueIsNotReexpanded", R"({"t.$": "$.tmpl"})",
                     R"({"tmpl": {"x.$": "$.a"}})", R"({"t": {"x.$": "$.a"}})"},
        TemplateCase{"LaterPathKeyWins", R"({"a": "static", "a.$": "$.v"})", R"({"v":"dynamic"})",
                     R"({"a": "dynamic"})"},
        TemplateCase{"LaterStaticKeyWins", R"({"a.$": "$.v", "a": "static"})", R"({"v":"dynamic"})",
                     R"({"a": "static"})"},
        TemplateCase{"NonObjectTemplateIsCopied", R"(["x", {"y.$": "$.a"}])", R"({"a":3})",
                     R"(["x", {"y": 3}])"},
        TemplateCase{"ScalarTemplateIsCopied", R"("plain")", R"({"a":3})", R"("plain")"},
        TemplateCase{"MissingPath", R"({"name.$": "$.x"})", R"({"a":1})", "", kRuntime,
                     "The JSONPath '$.x' specified for the field 'name.$' could not be found in "
                     "the input '{\"a\":1}'"},
        TemplateCase{"MissingPathInNestedObject", R"({"o": {"deep.$": "$.a.b"}})", R"({"a":{}})",
                     "", kRuntime, "for the field 'deep.$'"},
        TemplateCase{"MissingPathInsideArray", R"({"l": [1, {"v.$": "$.nope"}]})", "{}", "",
                     kRuntime, "'$.nope'"},
        TemplateCase{"MissingContextPath", R"({"i.$": "$$.Map.Item.Index"})", "{}", "", kRuntime,
                     "for the field 'i.$'"},
        TemplateCase{"FirstErrorWins", R"({"a.$": "$.one", "b.$": "$.two"})", "{}", "", kRuntime,
                     "'$.one'"},
        TemplateCase{"NotAPath", R"({"v.$": "plain text"})", "{}", "", kRuntime, "'v.$'"},
        TemplateCase{"NonStringValueForPathKey", R"({"v.$": 5})", "{}", "", kRuntime, "'v.$'"}),
    CaseName());

TEST(DataFlowTemplate, KeepsTheTemplatesKeyOrder) {
  EvaluationContext context;
  Outcome<json::value> got = ApplyPayloadTemplate(
      J(R"({"z": 1, "y.$": "$.a", "x": {"w.$": "$.a", "v": 2}})"), J(R"({"a": 0})"), context);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::serialize(got.value()), R"({"z":1,"y":0,"x":{"w":0,"v":2}})");
}

TEST(DataFlowTemplate, DoesNotModifyTheTemplateOrTheInput) {
  constexpr const char* kTemplate = R"({"a.$": "$.x", "b": [{"c.$": "$.x"}]})";
  constexpr const char* kInput = R"({"x": {"y": 1}})";
  EvaluationContext context;
  const json::value payload_template = J(kTemplate);
  const json::value input = J(kInput);
  ASSERT_TRUE(ApplyPayloadTemplate(payload_template, input, context).ok());
  EXPECT_EQ(payload_template, J(kTemplate));
  EXPECT_EQ(input, J(kInput));
}

// ---------------------------------------------------------------------------
// ResultPath

struct ResultPathCase {
  const char* name;
  const char* path;  // kAbsent, kNullPath or a path.
  const char* input;
  const char* result;
  const char* expected;
  const char* error = "";
  const char* cause = "";
};
void PrintTo(const ResultPathCase& c, std::ostream* os) {
  *os << (c.path == kAbsent ? "<absent>" : c.path) << " on " << c.input;
}

class DataFlowResultPathTest : public ::testing::TestWithParam<ResultPathCase> {};

TEST_P(DataFlowResultPathTest, Applies) {
  const ResultPathCase& c = GetParam();
  ExpectOutcome(ApplyResultPath(Path(c.path), J(c.input), J(c.result)), c.expected, c.error,
                c.cause);
}

constexpr const char* kResultPathDocInput = R"({
  "comment": "This is a test",
  "details": "Default example",
  "who" : "Step Functions"
})";

constexpr const char* kStringsDocInput = R"({
  "comment": "An input comment.",
  "strings": {"string1": "foo", "string2": "bar", "string3": "baz"},
  "who": "AWS Step Functions"
})";

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowResultPathTest,
    ::testing::Values(
        ResultPathCase{"DocAbsentReplacesInput", kAbsent, kResultPathDocInput,
                       R"("Hello, Step Functions!")", R"("Hello, Step Functions!")"},
        ResultPathCase{"DocDollarReplacesInput", "$", kResultPathDocInput,
                       R"("Hello, Step Functions!")", R"("Hello, Step Functions!")"},
        ResultPathCase{"DocNullKeepsInput", kNullPath, kResultPathDocInput,
                       R"("Hello, Step Functions!")", kResultPathDocInput},
        ResultPathCase{"DocTaskResult", "$.taskresult", kResultPathDocInput,
                       R"("Hello, Step Functions!")",
                       R"({"comment": "This is a test", "details": "Default example",
                           "who": "Step Functions", "taskresult": "Hello, Step Functions!"})"},
        ResultPathCase{"DocChildNode", "$.strings.lambdaresult", kStringsDocInput,
                       R"("Hello, AWS Step Functions!")",
                       R"({"comment": "An input comment.",
                           "strings": {"string1": "foo", "string2": "bar", "string3": "baz",
                                       "lambdaresult": "Hello, AWS Step Functions!"},
                           "who": "AWS Step Functions"})"},
        ResultPathCase{"DocUpdateNode", "$.comment", kResultPathDocInput,
                       R"("Hello, Step Functions!")",
                       R"({"comment": "Hello, Step Functions!", "details": "Default example",
                           "who": "Step Functions"})"},
        ResultPathCase{"DocCatchError", "$.error", R"({"foo": "bar"})",
                       R"({"Error": "Error here"})",
                       R"({"foo": "bar", "error": {"Error": "Error here"}})"},
        ResultPathCase{"DocEmrOutput", "$.EMROutput", R"({"OtherDataFromInput": {}})",
                       R"({"ClusterId": "AKIAIOSFODNN7EXAMPLE",
                           "ResourceType": "elasticmapreduce"})",
                       R"({"OtherDataFromInput": {},
                           "EMROutput": {"ClusterId": "AKIAIOSFODNN7EXAMPLE",
                                         "ResourceType": "elasticmapreduce"}})"},
        ResultPathCase{"NullKeepsNonObjectInput", kNullPath, "[1,2]", "3", "[1,2]"},
        ResultPathCase{"AbsentReplacesArrayInput", kAbsent, "[1,2]", R"({"r":1})", R"({"r":1})"},
        ResultPathCase{"DollarReplacesScalarInput", "$", R"("s")", "null", "null"},
        ResultPathCase{"CreatesMissingIntermediates", "$.a.b.c", "{}", "1",
                       R"({"a":{"b":{"c":1}}})"},
        ResultPathCase{"CreatesOnlyWhatIsMissing", "$.a.b.c", R"({"a":{"x":0}})", "1",
                       R"({"a":{"x":0,"b":{"c":1}}})"},
        ResultPathCase{"MergesIntoExistingObject", "$.a.b", R"({"a":{"b":{"old":1},"k":2}})",
                       R"({"new":2})", R"({"a":{"b":{"new":2},"k":2}})"},
        ResultPathCase{"OverwritesScalarLeafWithObject", "$.a", R"({"a":"text"})", R"({"o":true})",
                       R"({"a":{"o":true}})"},
        ResultPathCase{"OverwritesObjectLeafWithScalar", "$.a", R"({"a":{"x":1}})", "false",
                       R"({"a":false})"},
        ResultPathCase{"PlacesNullResult", "$.r", R"({"a":1})", "null", R"({"a":1,"r":null})"},
        ResultPathCase{"PlacesArrayResult", "$.r", "{}", "[1,[2]]", R"({"r":[1,[2]]})"},
        ResultPathCase{"BracketNotation", "$['my key']", "{}", "1", R"({"my key":1})"},
        ResultPathCase{"ReplacesArrayElement", "$.arr[1]", R"({"arr":[1,2,3]})", R"("two")",
                       R"({"arr":[1,"two",3]})"},
        ResultPathCase{"ReplacesRootArrayElement", "$[0]", R"(["a","b"])", "0", R"([0,"b"])"},
        ResultPathCase{"FieldInsideArrayElement", "$.arr[1].x", R"({"arr":[{},{"y":1}]})", "5",
                       R"({"arr":[{},{"y":1,"x":5}]})"},
        ResultPathCase{"CreatesUnderArrayElement", "$.arr[0].a.b", R"({"arr":[{}]})", "5",
                       R"({"arr":[{"a":{"b":5}}]})"},
        ResultPathCase{"NestedArrays", "$.m[1][0]", R"({"m":[[0],[1,2]]})", "9",
                       R"({"m":[[0],[9,2]]})"},
        ResultPathCase{"IntermediateIsString", "$.a.b", R"({"a":"text"})", "1", "", kMatchFailure,
                       R"(Unable to apply ReferencePath $.a.b to input "{\"a\":\"text\"}")"},
        ResultPathCase{"IntermediateIsNumber", "$.a.b", R"({"a":3})", "1", "", kMatchFailure},
        ResultPathCase{"IntermediateIsNull", "$.a.b", R"({"a":null})", "1", "", kMatchFailure},
        ResultPathCase{"IntermediateIsBoolean", "$.a.b.c", R"({"a":{"b":true}})", "1", "",
                       kMatchFailure},
        ResultPathCase{"FieldOfArray", "$.arr.x", R"({"arr":[]})", "1", "", kMatchFailure},
        ResultPathCase{"InputIsString", "$.a", R"("text")", "1", "", kMatchFailure,
                       R"(to input "\"text\"")"},
        ResultPathCase{"InputIsArray", "$.a", "[1]", "1", "", kMatchFailure},
        ResultPathCase{"InputIsNull", "$.a", "null", "1", "", kMatchFailure},
        ResultPathCase{"InputIsNumber", "$.a", "7", "1", "", kMatchFailure},
        ResultPathCase{"IndexOutOfRange", "$.arr[3]", R"({"arr":[1,2,3]})", "1", "", kMatchFailure,
                       "Unable to apply ReferencePath $.arr[3]"},
        ResultPathCase{"IndexIntoEmptyArray", "$.arr[0]", R"({"arr":[]})", "1", "", kMatchFailure},
        ResultPathCase{"IndexOnObject", "$.o[0]", R"({"o":{"0":1}})", "1", "", kMatchFailure},
        ResultPathCase{"IndexOnMissingField", "$.missing[0]", "{}", "1", "", kMatchFailure},
        ResultPathCase{"ContextObjectPath", "$$.Execution.Id", "{}", "1", "", kMatchFailure},
        ResultPathCase{"IndefinitePath", "$.a[*]", R"({"a":[1]})", "1", "", kMatchFailure}),
    CaseName());

TEST(DataFlowResultPath, UpdatesANodeInPlace) {
  // AWS's "Update a node in the input" example: the replaced node keeps its
  // position among its siblings.
  Outcome<json::value> got =
      ApplyResultPath(asl::PathField{.is_null = false, .path = "$.comment"}, J(kResultPathDocInput),
                      J(R"("Hello, Step Functions!")"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::serialize(got.value()),
            R"({"comment":"Hello, Step Functions!","details":"Default example",)"
            R"("who":"Step Functions"})");
}

TEST(DataFlowResultPath, AppendsNewFieldsLast) {
  Outcome<json::value> got = ApplyResultPath(asl::PathField{.is_null = false, .path = "$.z.y"},
                                             J(R"({"b":1,"a":2})"), J("0"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(json::serialize(got.value()), R"({"b":1,"a":2,"z":{"y":0}})");
}

TEST(DataFlowResultPath, ExactFailureCause) {
  Outcome<json::value> got = ApplyResultPath(asl::PathField{.is_null = false, .path = "$.a.b"},
                                             J(R"({"a": "x"})"), J("1"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error(), (StateError{"States.ResultPathMatchFailure",
                                     R"(Unable to apply ReferencePath $.a.b to input )"
                                     R"("{\"a\":\"x\"}")"}));
}

TEST(DataFlowResultPath, HugeInputIsTruncatedInTheCause) {
  json::value input = json::object{{"a", std::string(5000, 'y')}};
  Outcome<json::value> got =
      ApplyResultPath(asl::PathField{.is_null = false, .path = "$.a.b"}, input, J("1"));
  ASSERT_FALSE(got.ok());
  EXPECT_LT(got.error().cause.size(), 400u);
  EXPECT_THAT(got.error().cause, StartsWith("Unable to apply ReferencePath $.a.b to input "));
  EXPECT_THAT(got.error().cause, EndsWith(R"(...")"));
}

TEST(DataFlowResultPath, LeavesTheStateInputUntouched) {
  const json::value input = J(R"({"a": {"b": 1}})");
  Outcome<json::value> got =
      ApplyResultPath(asl::PathField{.is_null = false, .path = "$.a.c"}, input, J("2"));
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(input, J(R"({"a": {"b": 1}})"));
  EXPECT_EQ(got.value(), J(R"({"a": {"b": 1, "c": 2}})"));
}

// ---------------------------------------------------------------------------
// The whole JSONPath pipeline, on AWS's worked examples:
//   input -> InputPath -> Parameters -> task -> ResultSelector -> ResultPath
//         -> OutputPath

struct PipelineCase {
  const char* name;
  const char* input;
  const char* input_path;
  const char* parameters;  // nullptr: none.
  const char* effective_input;
  const char* task_result;
  const char* result_selector;  // nullptr: none.
  const char* result_path;
  const char* output_path;
  const char* output;
};
void PrintTo(const PipelineCase& c, std::ostream* os) { *os << c.name; }

class DataFlowPipelineTest : public ::testing::TestWithParam<PipelineCase> {};

TEST_P(DataFlowPipelineTest, Runs) {
  const PipelineCase& c = GetParam();
  EvaluationContext context = ContextFor(Ctx::kDoc);
  const json::value raw_input = J(c.input);

  Outcome<json::value> effective = ApplyInputPath(Path(c.input_path), raw_input, context);
  ASSERT_TRUE(effective.ok()) << effective.error().cause;
  if (c.parameters != nullptr) {
    effective = ApplyPayloadTemplate(J(c.parameters), effective.value(), context);
    ASSERT_TRUE(effective.ok()) << effective.error().cause;
  }
  EXPECT_EQ(effective.value(), J(c.effective_input));

  Outcome<json::value> result = J(c.task_result);
  if (c.result_selector != nullptr) {
    result = ApplyPayloadTemplate(J(c.result_selector), result.value(), context);
    ASSERT_TRUE(result.ok()) << result.error().cause;
  }
  Outcome<json::value> combined =
      ApplyResultPath(Path(c.result_path), raw_input, std::move(result).value());
  ASSERT_TRUE(combined.ok()) << combined.error().cause;
  Outcome<json::value> output = ApplyOutputPath(Path(c.output_path), combined.value(), context);
  ASSERT_TRUE(output.ok()) << output.error().cause;
  EXPECT_EQ(output.value(), J(c.output)) << json::serialize(output.value());
}

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowPipelineTest,
    ::testing::Values(
        PipelineCase{"SpecNumbersToAdd",
                     R"({"title": "Numbers to add", "numbers": { "val1": 3, "val2": 4 }})",
                     "$.numbers", nullptr, R"({ "val1": 3, "val2": 4 })", "7", nullptr, "$.sum",
                     "$",
                     R"({"title": "Numbers to add", "numbers": { "val1": 3, "val2": 4 },
                         "sum": 7})"},
        PipelineCase{"SpecNumbersToAddOutputSum", R"({"numbers": { "val1": 3, "val2": 4 }})",
                     "$.numbers", nullptr, R"({ "val1": 3, "val2": 4 })", "7", nullptr, "$.sum",
                     "$.sum", "7"},
        PipelineCase{"DocInputResultOutputPath",
                     R"({"comment": "An input comment.", "data": {"val1": 23, "val2": 17},
                         "extra": "foo", "lambda": {"who": "AWS Step Functions"}})",
                     "$.lambda", nullptr, R"({"who": "AWS Step Functions"})",
                     R"("Hello, AWS Step Functions!")", nullptr, "$.data.lambdaresult", "$.data",
                     R"({"val1": 23, "val2": 17, "lambdaresult": "Hello, AWS Step Functions!"})"},
        PipelineCase{"DocEmrResultSelector", R"({"OtherDataFromInput": {}})", kAbsent, nullptr,
                     R"({"OtherDataFromInput": {}})", kEmrResult,
                     R"({"ClusterId.$": "$.output.ClusterId",
                         "ResourceType.$": "$.resourceType"})",
                     "$.EMROutput", kAbsent,
                     R"({"OtherDataFromInput": {},
                         "EMROutput": {"ClusterId": "AKIAIOSFODNN7EXAMPLE",
                                       "ResourceType": "elasticmapreduce"}})"},
        PipelineCase{"InputPathThenParameters", R"({"sub": {"vals": [0, 10, 20, 30, 40, 50]},
                                                    "flagged": 7})",
                     "$.sub",
                     R"({"flagged": true, "parts": {"first.$": "$.vals[0]",
                                                    "last3.$": "$.vals[3:]"}})",
                     R"({"flagged": true, "parts": {"first": 0, "last3": [30, 40, 50]}})",
                     R"({"ok": true})", nullptr, "$.out", "$.out", R"({"ok": true})"},
        PipelineCase{"NullInputPathAndStaticParameters", R"({"secret": 1})", kNullPath,
                     R"({"static": "x", "exec.$": "$$.Execution.Name"})",
                     R"({"static": "x", "exec": "executionName"})", "1", nullptr, kNullPath,
                     kAbsent, R"({"secret": 1})"},
        PipelineCase{"NullOutputPath", R"({"a": 1})", kAbsent, nullptr, R"({"a": 1})", "2", nullptr,
                     "$.b", kNullPath, "{}"},
        PipelineCase{"ContextInOutputPath", R"({"a": 1})", kAbsent, nullptr, R"({"a": 1})", "2",
                     nullptr, kNullPath, "$$.State.Name", R"("Test")"}),
    CaseName());

// ---------------------------------------------------------------------------
// Intrinsic functions as `.$` values (evaluated by intrinsics.cc).

struct IntrinsicTemplateCase {
  const char* name;
  const char* payload_template;
  const char* input;
  const char* expected;
  const char* error = "";
};
void PrintTo(const IntrinsicTemplateCase& c, std::ostream* os) { *os << c.payload_template; }

class DataFlowIntrinsicTest : public ::testing::TestWithParam<IntrinsicTemplateCase> {};

TEST_P(DataFlowIntrinsicTest, Evaluates) {
  const IntrinsicTemplateCase& c = GetParam();
  SeededEntropy entropy(1);
  EvaluationContext context{.context_object = &DocContext(), .entropy = &entropy};
  ExpectOutcome(ApplyPayloadTemplate(J(c.payload_template), J(c.input), context), c.expected,
                c.error, "");
}

INSTANTIATE_TEST_SUITE_P(
    DataFlow, DataFlowIntrinsicTest,
    ::testing::Values(
        IntrinsicTemplateCase{"TutorialStringToJson",
                              R"j({"identity.$": "States.StringToJson($.Payload.body)"})j",
                              R"j({"ExecutedVersion": "$LATEST",
                                  "Payload": {"statusCode": 200,
                                              "body": "{\"approved\":true,\"message\":\"identity validation passed\"}"}})j",
                              R"j({"identity": {"approved": true,
                                               "message": "identity validation passed"}})j"},
        IntrinsicTemplateCase{"Format", R"j({"greeting.$": "States.Format('Hello, {}!', $.who)"})j",
                              R"j({"who": "Step Functions"})j",
                              R"j({"greeting": "Hello, Step Functions!"})j"},
        IntrinsicTemplateCase{"FormatWithContextPath",
                              R"j({"m.$": "States.Format('{} in {}', $.a, $$.State.Name)"})j",
                              R"j({"a": "x"})j", R"j({"m": "x in Test"})j"},
        IntrinsicTemplateCase{"ArrayOfPathsInsideTemplateArray",
                              R"j({"l": [{"v.$": "States.Array($.a, 'b', 3)"}]})j", R"j({"a": 1})j",
                              R"j({"l": [{"v": [1, "b", 3]}]})j"},
        IntrinsicTemplateCase{"MathAdd", R"j({"sum.$": "States.MathAdd($.x, 1)"})j",
                              R"j({"x": 41})j", R"j({"sum": 42})j"},
        IntrinsicTemplateCase{"NestedCalls",
                              R"j({"n.$": "States.ArrayLength(States.Array($.a, $.b))"})j",
                              R"j({"a": 1, "b": 2})j", R"j({"n": 2})j"},
        IntrinsicTemplateCase{"MissingPathArgumentFails",
                              R"j({"v.$": "States.Format('{}', $.missing)"})j", "{}", "",
                              kRuntime}),
    CaseName());

}  // namespace
}  // namespace stepwise::engine
