#include "orchestrator/asl/intrinsic_function.h"

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/json_path.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::asl {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ArgKind = IntrinsicArgument::Kind;
using F = IntrinsicFunction;

constexpr ArgKind L = ArgKind::kLiteral;
constexpr ArgKind P = ArgKind::kPath;
constexpr ArgKind C = ArgKind::kCall;

std::vector<ArgKind> KindsOf(const IntrinsicCall& call) {
  std::vector<ArgKind> kinds;
  for (const IntrinsicArgument& arg : call.arguments) kinds.push_back(arg.kind);
  return kinds;
}

// ---------------------------------------------------------------------------
// Valid calls: the function and the kind of each argument.

struct ValidCase {
  std::string text;
  F function;
  std::vector<ArgKind> args;
};
void PrintTo(const ValidCase& c, std::ostream* os) { *os << c.text; }

class IntrinsicValidTest : public ::testing::TestWithParam<ValidCase> {};

TEST_P(IntrinsicValidTest, Parses) {
  const ValidCase& c = GetParam();
  EXPECT_TRUE(LooksLikeIntrinsicCall(c.text)) << c.text;
  absl::StatusOr<IntrinsicCall> call = ParseIntrinsicCall(c.text);
  ASSERT_THAT(call, IsOk()) << c.text;
  EXPECT_EQ(call->function, c.function) << c.text;
  EXPECT_EQ(KindsOf(*call), c.args) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    IntrinsicValid, IntrinsicValidTest,
    ::testing::Values(
        ValidCase{"States.Format('Hello, {}', $.name)", F::kFormat, {L, P}},
        ValidCase{"States.Format('{} and {}', $.a, 'b')", F::kFormat, {L, P, L}},
        ValidCase{"States.Format('no placeholders')", F::kFormat, {L}},
        ValidCase{"States.Format($.template, $.a, $.b)", F::kFormat, {P, P, P}},
        ValidCase{"States.Format('escaped \\{\\} {}', 1)", F::kFormat, {L, L}},
        ValidCase{"States.Format('{}', $$.Execution.Id)", F::kFormat, {L, P}},
        ValidCase{"States.Format('{}', $.a[0])", F::kFormat, {L, P}},
        ValidCase{"States.Format('{}', $.a['x,y)'])", F::kFormat, {L, P}},
        ValidCase{"States.Format('{}', $.items[?(@.a == 'x)')].b)", F::kFormat, {L, P}},
        ValidCase{"States.Format('{}', $)", F::kFormat, {L, P}},
        ValidCase{"States.Format('{}{}', States.UUID(), null)", F::kFormat, {L, C, L}},
        ValidCase{"States.StringToJson($.s)", F::kStringToJson, {P}},
        ValidCase{"States.StringToJson('{\"a\": 1}')", F::kStringToJson, {L}},
        ValidCase{"States.JsonToString($.o)", F::kJsonToString, {P}},
        ValidCase{"States.JsonToString(42)", F::kJsonToString, {L}},
        ValidCase{"States.Array()", F::kArray, {}}, ValidCase{"States.Array( )", F::kArray, {}},
        ValidCase{"States.Array(1, 'x', true, false, null, 3.5, -2, $.a, States.UUID())",
                  F::kArray,
                  {L, L, L, L, L, L, L, P, C}},
        ValidCase{"States.ArrayPartition($.arr, 4)", F::kArrayPartition, {P, L}},
        ValidCase{"States.ArrayContains($.arr, $.v)", F::kArrayContains, {P, P}},
        ValidCase{"States.ArrayContains($.arr, 'x')", F::kArrayContains, {P, L}},
        ValidCase{"States.ArrayRange(1, 9, 2)", F::kArrayRange, {L, L, L}},
        ValidCase{"States.ArrayRange(10, 0, -1)", F::kArrayRange, {L, L, L}},
        ValidCase{"States.ArrayRange($.s, $.e, 1)", F::kArrayRange, {P, P, L}},
        ValidCase{"States.ArrayGetItem($.a, 0)", F::kArrayGetItem, {P, L}},
        ValidCase{"States.ArrayGetItem($.a, $.i)", F::kArrayGetItem, {P, P}},
        ValidCase{"States.ArrayLength($.a)", F::kArrayLength, {P}},
        ValidCase{"States.ArrayLength(States.Array(1, 2))", F::kArrayLength, {C}},
        ValidCase{"States.ArrayUnique($.a)", F::kArrayUnique, {P}},
        ValidCase{"States.Base64Encode($.s)", F::kBase64Encode, {P}},
        ValidCase{"States.Base64Decode('aGk=')", F::kBase64Decode, {L}},
        ValidCase{"States.Hash($.data, 'SHA-256')", F::kHash, {P, L}},
        ValidCase{"States.Hash('x', 'MD5')", F::kHash, {L, L}},
        ValidCase{"States.Hash($.d, 'SHA-1')", F::kHash, {P, L}},
        ValidCase{"States.Hash($.d, 'SHA-384')", F::kHash, {P, L}},
        ValidCase{"States.Hash($.d, 'SHA-512')", F::kHash, {P, L}},
        ValidCase{"States.Hash('x', $.alg)", F::kHash, {L, P}},
        ValidCase{"States.JsonMerge($.a, $.b, false)", F::kJsonMerge, {P, P, L}},
        ValidCase{
            "States.JsonMerge($.a, States.StringToJson($.s), $.deep)", F::kJsonMerge, {P, C, P}},
        ValidCase{"States.MathRandom(1, 999)", F::kMathRandom, {L, L}},
        ValidCase{"States.MathRandom($.s, $.e, 1234)", F::kMathRandom, {P, P, L}},
        ValidCase{"States.MathAdd($.v, -1)", F::kMathAdd, {P, L}},
        ValidCase{"States.MathAdd(1.5, 2)", F::kMathAdd, {L, L}},
        ValidCase{"States.MathAdd(States.ArrayLength($.a), 1)", F::kMathAdd, {C, L}},
        ValidCase{"States.StringSplit($.s, ',')", F::kStringSplit, {P, L}},
        ValidCase{"States.UUID()", F::kUuid, {}}, ValidCase{"  States.UUID ( )  ", F::kUuid, {}},
        ValidCase{"States.MathAdd( $.a ,  2 )", F::kMathAdd, {P, L}},
        ValidCase{"States.MathAdd(\t$.a,\n2)", F::kMathAdd, {P, L}},
        ValidCase{"States.Format('{}', States.Format('{}', States.UUID()))", F::kFormat, {L, C}},
        ValidCase{"States.Format('{}', $.error-info)", F::kFormat, {L, P}}));

TEST(IntrinsicDetails, StringLiteralEscapesAndPlaceholders) {
  absl::StatusOr<IntrinsicCall> call =
      ParseIntrinsicCall("States.Format('it\\'s {} \\\\ \\{\\} {}!', $.x, $.y)");
  ASSERT_THAT(call, IsOk());
  const IntrinsicArgument& tmpl = call->arguments[0];
  EXPECT_EQ(tmpl.literal, boost::json::value("it's {} \\ {} {}!"));
  EXPECT_THAT(tmpl.placeholders, ElementsAre(5, 13));
  EXPECT_EQ(call->name, "States.Format");
}

TEST(IntrinsicDetails, LiteralValues) {
  absl::StatusOr<IntrinsicCall> call =
      ParseIntrinsicCall("States.Array(1, -2, 3.5, -0.25, 1e3, true, false, null, '')");
  ASSERT_THAT(call, IsOk());
  const auto& a = call->arguments;
  ASSERT_EQ(a.size(), 9u);
  EXPECT_TRUE(a[0].literal.is_int64());
  EXPECT_EQ(a[0].literal, boost::json::value(1));
  EXPECT_EQ(a[1].literal, boost::json::value(-2));
  EXPECT_EQ(a[2].literal, boost::json::value(3.5));
  EXPECT_EQ(a[3].literal, boost::json::value(-0.25));
  EXPECT_EQ(a[4].literal, boost::json::value(1000.0));
  EXPECT_EQ(a[5].literal, boost::json::value(true));
  EXPECT_EQ(a[6].literal, boost::json::value(false));
  EXPECT_TRUE(a[7].literal.is_null());
  EXPECT_EQ(a[8].literal, boost::json::value(""));
}

TEST(IntrinsicDetails, PathArguments) {
  absl::StatusOr<IntrinsicCall> call =
      ParseIntrinsicCall("States.Array($, $$.Execution.Id, $.a[0], $['b c'].d)");
  ASSERT_THAT(call, IsOk());
  const auto& a = call->arguments;
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].path.text, "$");
  EXPECT_TRUE(a[1].path.context_object);
  EXPECT_EQ(a[1].path.text, "$$.Execution.Id");
  EXPECT_EQ(a[2].path.segments.size(), 2u);
  EXPECT_EQ(a[2].path.segments[1].kind, PathSegment::Kind::kIndex);
  EXPECT_EQ(a[3].path.segments[0].field, "b c");
}

TEST(IntrinsicDetails, NestedCalls) {
  absl::StatusOr<IntrinsicCall> call =
      ParseIntrinsicCall("States.MathAdd(States.ArrayLength(States.Array(1, $.x)), 1)");
  ASSERT_THAT(call, IsOk());
  ASSERT_NE(call->arguments[0].call, nullptr);
  const IntrinsicCall& length = *call->arguments[0].call;
  EXPECT_EQ(length.function, F::kArrayLength);
  ASSERT_NE(length.arguments[0].call, nullptr);
  EXPECT_EQ(length.arguments[0].call->function, F::kArray);
  EXPECT_EQ(length.arguments[0].call->arguments.size(), 2u);
}

// ---------------------------------------------------------------------------
// Invalid calls.

struct InvalidCase {
  std::string text;
  std::string message;  // A substring of the expected message.
};
void PrintTo(const InvalidCase& c, std::ostream* os) { *os << c.text; }

class IntrinsicInvalidTest : public ::testing::TestWithParam<InvalidCase> {};

TEST_P(IntrinsicInvalidTest, IsRejected) {
  const InvalidCase& c = GetParam();
  absl::StatusOr<IntrinsicCall> call = ParseIntrinsicCall(c.text);
  ASSERT_THAT(call, StatusIs(absl::StatusCode::kInvalidArgument)) << c.text;
  EXPECT_THAT(call.status().message(), HasSubstr(c.message)) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    IntrinsicInvalid, IntrinsicInvalidTest,
    ::testing::Values(
        // Names and arity.
        InvalidCase{"States.Foo()", "unknown intrinsic function 'States.Foo'"},
        InvalidCase{"States.format('x')", "unknown intrinsic function 'States.format'"},
        InvalidCase{"States.Hash($.a)", "States.Hash expects 2 arguments, got 1"},
        InvalidCase{"States.Format()", "States.Format expects at least 1 argument, got 0"},
        InvalidCase{"States.UUID(1)", "States.UUID expects 0 arguments, got 1"},
        InvalidCase{"States.MathRandom(1)", "States.MathRandom expects 2 or 3 arguments, got 1"},
        InvalidCase{"States.MathRandom(1, 2, 3, 4)", "expects 2 or 3 arguments, got 4"},
        InvalidCase{"States.ArrayLength()", "States.ArrayLength expects 1 argument, got 0"},
        InvalidCase{"States.JsonMerge($.a, $.b)", "expects 3 arguments, got 2"},
        InvalidCase{"States.ArrayRange(1, 2)", "expects 3 arguments, got 2"},
        InvalidCase{"States.StringToJson($.a, $.b)", "expects 1 argument, got 2"},
        // Literal types and values.
        InvalidCase{"States.MathAdd('a', 1)", "States.MathAdd argument 1 must be a number"},
        InvalidCase{"States.MathAdd(1, true)", "argument 2 must be a number"},
        InvalidCase{"States.MathRandom(1, 2, 'seed')", "argument 3 must be a number"},
        InvalidCase{"States.ArrayRange('1', 2, 1)", "argument 1 must be a number"},
        InvalidCase{"States.ArrayRange(1, null, 1)", "argument 2 must be a number"},
        InvalidCase{"States.ArrayRange(1, 5, 0)", "(step) must not be 0"},
        InvalidCase{"States.ArrayRange(0, 5000, 1)", "more than 1000"},
        InvalidCase{"States.Hash($.a, 'SHA-999')", "must be one of MD5"},
        InvalidCase{"States.Hash($.a, 'sha-256')", "must be one of MD5"},
        InvalidCase{"States.Hash($.a, 1)", "argument 2 must be a string"},
        InvalidCase{"States.Hash(1, 'MD5')", "argument 1 must be a string"},
        InvalidCase{"States.JsonMerge($.a, $.b, true)", "must be false"},
        InvalidCase{"States.JsonMerge($.a, $.b, 'false')", "must be false"},
        InvalidCase{"States.JsonMerge('x', $.b, false)", "argument 1 must be an object"},
        InvalidCase{"States.ArrayLength('abc')", "must be an array"},
        InvalidCase{"States.ArrayUnique(null)", "must be an array"},
        InvalidCase{"States.ArrayContains(1, 1)", "must be an array"},
        InvalidCase{"States.ArrayGetItem($.a, -1)", "must not be negative"},
        InvalidCase{"States.ArrayGetItem($.a, 'x')", "must be a number"},
        InvalidCase{"States.ArrayPartition($.a, 0)", "must be greater than 0"},
        InvalidCase{"States.Base64Encode(1)", "must be a string"},
        InvalidCase{"States.Base64Decode(false)", "must be a string"},
        InvalidCase{"States.StringSplit($.a, 1)", "argument 2 must be a string"},
        InvalidCase{"States.StringToJson(1)", "must be a string"},
        InvalidCase{"States.Format('{} {}', $.a)", "2 '{}' placeholder(s) but 1"},
        InvalidCase{"States.Format('{}')", "1 '{}' placeholder(s) but 0"},
        InvalidCase{"States.Format('x', $.a)", "0 '{}' placeholder(s) but 1"},
        InvalidCase{"States.Format('\\{\\}', $.a)", "0 '{}' placeholder(s) but 1"},
        InvalidCase{"States.Format(1)", "must be a string"},
        InvalidCase{"States.Format(States.UUID())", "must be a string literal or a path"},
        InvalidCase{"States.Format('{ }', 1)", "unescaped '{' or '}'"},
        InvalidCase{"States.Format('}{', 1)", "unescaped '{' or '}'"},
        InvalidCase{"States.MathAdd(States.Foo(), 1)", "unknown intrinsic function 'States.Foo'"},
        InvalidCase{"States.Array(States.Hash($.a))", "States.Hash expects 2 arguments"},
        // Syntax.
        InvalidCase{"", "expected 'States.'"}, InvalidCase{"   ", "expected 'States.'"},
        InvalidCase{"Foo.Bar()", "expected 'States.'"},
        InvalidCase{"States.()", "expected a function name"},
        InvalidCase{"States.UUID", "expected '(' after 'States.UUID'"},
        InvalidCase{"States.UUID x()", "expected '('"},
        InvalidCase{"States.Array(", "expected an argument"},
        InvalidCase{"States.Array(1", "expected ',' or ')'"},
        InvalidCase{"States.Array(1,)", "expected an argument"},
        InvalidCase{"States.Array(,1)", "expected an argument"},
        InvalidCase{"States.Array(1 2)", "expected ',' or ')'"},
        InvalidCase{"States.Array('x)", "unterminated string literal"},
        InvalidCase{"States.Array('\\n')", "invalid escape"},
        InvalidCase{"States.Array('x\\", "invalid escape"},
        InvalidCase{"States.Array(\"x\")", "expected an argument"},
        InvalidCase{"States.Array(tru)", "expected an argument"},
        InvalidCase{"States.Array(truex)", "expected an argument"},
        InvalidCase{"States.Array(1a)", "expected ',' or ')'"},
        InvalidCase{"States.Array(-)", "expected a digit"},
        InvalidCase{"States.Array(1.)", "expected a digit after '.'"},
        InvalidCase{"States.Array(1e999)", "number out of range"},
        InvalidCase{"States.Array($.)", "States.Array argument 1 at position 13: invalid JSONPath"},
        InvalidCase{"States.Array(1, $.a[)", "argument 2"},
        InvalidCase{"States.Array($1)", "invalid JSONPath"},
        InvalidCase{"States.Array(@.a)", "expected an argument"},
        InvalidCase{"States.Array() x", "unexpected text after the call"},
        InvalidCase{"States.Array()(", "unexpected text after the call"},
        InvalidCase{"States.UUID() States.UUID()", "unexpected text after the call"}));

TEST(IntrinsicErrors, NestingDepthIsLimited) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "States.Array(";
  EXPECT_THAT(ParseIntrinsicCall(deep), StatusIs(absl::StatusCode::kInvalidArgument));

  auto nested = [](int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += "States.Array(";
    return s + std::string(n, ')');
  };
  EXPECT_THAT(ParseIntrinsicCall(nested(kMaxIntrinsicNesting)), IsOk());
  absl::StatusOr<IntrinsicCall> too_deep = ParseIntrinsicCall(nested(kMaxIntrinsicNesting + 1));
  ASSERT_THAT(too_deep, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(too_deep.status().message(), HasSubstr("nested deeper than"));
}

TEST(IntrinsicErrors, LongInputsDoNotCrash) {
  EXPECT_THAT(ParseIntrinsicCall("States.Array($.a[" + std::string(200000, '[') + ")"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(ParseIntrinsicCall("States.Array('" + std::string(200000, '\\')),
              StatusIs(absl::StatusCode::kInvalidArgument));
  std::string many = "States.Array(1";
  for (int i = 0; i < 100000; ++i) many += ", 1";
  many += ")";
  absl::StatusOr<IntrinsicCall> call = ParseIntrinsicCall(many);
  ASSERT_THAT(call, IsOk());
  EXPECT_EQ(call->arguments.size(), 100001u);
}

// ---------------------------------------------------------------------------
// LooksLikeIntrinsicCall.

struct LooksLikeCase {
  std::string text;
  bool expected;
};
void PrintTo(const LooksLikeCase& c, std::ostream* os) { *os << c.text; }

class IntrinsicLooksLikeTest : public ::testing::TestWithParam<LooksLikeCase> {};

TEST_P(IntrinsicLooksLikeTest, Classifies) {
  EXPECT_EQ(LooksLikeIntrinsicCall(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    IntrinsicLooksLike, IntrinsicLooksLikeTest,
    ::testing::Values(LooksLikeCase{"States.Format('x')", true},
                      LooksLikeCase{"  States.UUID()", true}, LooksLikeCase{"States.Foo (", true},
                      LooksLikeCase{"States.Array\t(", true}, LooksLikeCase{"States.UUID(", true},
                      LooksLikeCase{"States.UUID", false}, LooksLikeCase{"States.()", false},
                      LooksLikeCase{"States.", false}, LooksLikeCase{"States.Foo Bar(", false},
                      LooksLikeCase{"$.a", false}, LooksLikeCase{"states.UUID()", false},
                      LooksLikeCase{"xStates.UUID()", false}, LooksLikeCase{"", false},
                      LooksLikeCase{"Hello States.UUID()", false}));

}  // namespace
}  // namespace stepwise::asl
