// Choice-rule evaluation. Rules are written as ASL JSON and parsed with the
// real parser, so each case reads like a definition.
#include "orchestrator/engine/choice_evaluator.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/choice_rule_parser.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/model.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::HasSubstr;

constexpr std::string_view kTrue = "true";
constexpr std::string_view kFalse = "false";
constexpr std::string_view kRuntime = "States.Runtime";

// The state input most cases use.
constexpr std::string_view kInput = R"({
  "str": "hello", "str2": "hello", "strB": "world", "empty": "", "upper": "Hello",
  "num": 42, "num2": 42.0, "neg": -5, "frac": 2.5, "zero": 0,
  "big": 18446744073709551615, "maxInt": 9223372036854775807,
  "bool": true, "boolF": false, "nul": null,
  "ts": "2016-03-14T01:59:00Z", "tsOff": "2016-03-14T03:59:00+02:00",
  "tsNeg": "2016-03-13T20:59:00-05:00", "tsFrac": "2016-03-14T01:59:00.5Z",
  "tsMilli": "2016-03-14T01:59:00.000Z", "tsBad": "2016-03-14 01:59:00",
  "tsLower": "2016-03-14t01:59:00z", "date": "2016-03-14",
  "obj": {"a": 1}, "arr": [1, 2, 3], "numStr": "42", "boolStr": "true",
  "eacute": "\u00e9", "emoji": "\ud83d\ude00",
  "file": "server.log", "pattern": "*.log",
  "nested": {"deep": {"x": "y", "n": 7}}
})";

constexpr std::string_view kContext = R"({
  "Execution": {"Id": "arn:aws:states:us-east-1:123456789012:execution:M:exec-1",
                "Input": {"n": 5}, "StartTime": "2016-03-14T01:59:00Z"},
  "State": {"Name": "Check", "RetryCount": 2, "EnteredTime": "2016-03-14T02:00:00.25Z"},
  "StateMachine": {"Name": "M"},
  "Map": {"Item": {"Index": 3, "Value": "hello"}}
})";

asl::ChoiceRule ParseRule(std::string_view text) {
  asl::DiagnosticList diagnostics;
  std::optional<asl::ChoiceRule> rule =
      asl::ParseChoiceRule(json::parse(text), "rule", /*top_level=*/false,
                           asl::QueryLanguage::kJsonPath, /*depth=*/0, diagnostics);
  EXPECT_TRUE(rule.has_value()) << text;
  return rule.value_or(asl::ChoiceRule{});
}

// "true", "false" or the error name.
std::string Describe(const Outcome<bool>& outcome) {
  if (!outcome.ok()) return outcome.error().error + ": " + outcome.error().cause;
  return outcome.value() ? "true" : "false";
}

struct Case {
  std::string_view name;
  std::string_view rule;
  std::string_view expected;  // kTrue, kFalse or an error name.
  std::string_view input = kInput;
};

const std::vector<Case>& Cases() {
  static const auto* const kCases = new std::vector<Case>{
      // --- String* ----------------------------------------------------------
      {"StringEqualsTrue", R"({"Variable": "$.str", "StringEquals": "hello"})", kTrue},
      {"StringEqualsCaseSensitive", R"({"Variable": "$.str", "StringEquals": "Hello"})", kFalse},
      {"StringEqualsEmpty", R"({"Variable": "$.empty", "StringEquals": ""})", kTrue},
      {"StringEqualsEmptyVsText", R"({"Variable": "$.str", "StringEquals": ""})", kFalse},
      {"StringEqualsOnNumberIsFalse", R"({"Variable": "$.num", "StringEquals": "42"})", kFalse},
      {"StringEqualsOnNullIsFalse", R"({"Variable": "$.nul", "StringEquals": "null"})", kFalse},
      {"StringEqualsOnObjectIsFalse", R"({"Variable": "$.obj", "StringEquals": "{}"})", kFalse},
      {"StringEqualsOnBoolIsFalse", R"({"Variable": "$.bool", "StringEquals": "true"})", kFalse},
      {"StringEqualsNested", R"({"Variable": "$.nested.deep.x", "StringEquals": "y"})", kTrue},
      {"StringLessThanTrue", R"({"Variable": "$.str", "StringLessThan": "help"})", kTrue},
      {"StringLessThanEqualIsFalse", R"({"Variable": "$.str", "StringLessThan": "hello"})", kFalse},
      {"StringLessThanPrefixIsLess", R"({"Variable": "$.str", "StringLessThan": "hellox"})", kTrue},
      {"StringLessThanLongerIsNotLess", R"({"Variable": "$.str", "StringLessThan": "hell"})",
       kFalse},
      {"StringLessThanEmptyFirst", R"({"Variable": "$.empty", "StringLessThan": "a"})", kTrue},
      {"StringLessThanOnBoolIsFalse", R"({"Variable": "$.bool", "StringLessThan": "z"})", kFalse},
      {"StringGreaterThanLowerAfterUpper", R"({"Variable": "$.str", "StringGreaterThan": "Hello"})",
       kTrue},
      {"StringGreaterThanEqualIsFalse", R"({"Variable": "$.str", "StringGreaterThan": "hello"})",
       kFalse},
      {"StringGreaterThanOnNumberIsFalse", R"({"Variable": "$.num", "StringGreaterThan": "1"})",
       kFalse},
      {"StringLessThanEqualsEqual", R"({"Variable": "$.str", "StringLessThanEquals": "hello"})",
       kTrue},
      {"StringLessThanEqualsLess", R"({"Variable": "$.str", "StringLessThanEquals": "world"})",
       kTrue},
      {"StringLessThanEqualsGreaterIsFalse",
       R"({"Variable": "$.strB", "StringLessThanEquals": "hello"})", kFalse},
      {"StringGreaterThanEqualsEqual",
       R"({"Variable": "$.str", "StringGreaterThanEquals": "hello"})", kTrue},
      {"StringGreaterThanEqualsLessIsFalse",
       R"({"Variable": "$.str", "StringGreaterThanEquals": "world"})", kFalse},
      {"StringGreaterThanEqualsOnNullIsFalse",
       R"({"Variable": "$.nul", "StringGreaterThanEquals": ""})", kFalse},
      // Unicode code point order: U+00E9 > 'z'; U+1F600 > U+FFFF (UTF-16
      // code-unit order would say the opposite).
      {"StringCodePointOrderLatin1", R"({"Variable": "$.eacute", "StringGreaterThan": "z"})",
       kTrue},
      {"StringCodePointOrderAstral", R"({"Variable": "$.emoji", "StringGreaterThan": "\uffff"})",
       kTrue},
      {"StringEqualsUnicode", R"({"Variable": "$.eacute", "StringEquals": "\u00e9"})", kTrue},
      {"StringEqualsMissingIsError", R"({"Variable": "$.missing", "StringEquals": "x"})", kRuntime},
      // --- String*Path --------------------------------------------------------
      {"StringEqualsPathTrue", R"({"Variable": "$.str", "StringEqualsPath": "$.str2"})", kTrue},
      {"StringEqualsPathFalse", R"({"Variable": "$.str", "StringEqualsPath": "$.strB"})", kFalse},
      {"StringEqualsPathToNumberIsFalse",
       R"({"Variable": "$.numStr", "StringEqualsPath": "$.num"})", kFalse},
      {"StringEqualsPathMissingIsError",
       R"({"Variable": "$.str", "StringEqualsPath": "$.missing"})", kRuntime},
      {"StringEqualsPathContext",
       R"({"Variable": "$.str", "StringEqualsPath": "$$.Map.Item.Value"})", kTrue},
      {"StringLessThanPathTrue", R"({"Variable": "$.str", "StringLessThanPath": "$.strB"})", kTrue},
      {"StringLessThanPathFalse", R"({"Variable": "$.strB", "StringLessThanPath": "$.str"})",
       kFalse},
      {"StringGreaterThanPathTrue", R"({"Variable": "$.strB", "StringGreaterThanPath": "$.str"})",
       kTrue},
      {"StringGreaterThanPathFalse", R"({"Variable": "$.str", "StringGreaterThanPath": "$.str2"})",
       kFalse},
      {"StringLessThanEqualsPathEqual",
       R"({"Variable": "$.str", "StringLessThanEqualsPath": "$.str2"})", kTrue},
      {"StringLessThanEqualsPathFalse",
       R"({"Variable": "$.strB", "StringLessThanEqualsPath": "$.str"})", kFalse},
      {"StringGreaterThanEqualsPathEqual",
       R"({"Variable": "$.str", "StringGreaterThanEqualsPath": "$.str2"})", kTrue},
      {"StringGreaterThanEqualsPathFalse",
       R"({"Variable": "$.str", "StringGreaterThanEqualsPath": "$.strB"})", kFalse},
      // --- StringMatches -------------------------------------------------------
      {"StringMatchesSuffix", R"({"Variable": "$.file", "StringMatches": "*.log"})", kTrue},
      {"StringMatchesNoMatch", R"({"Variable": "$.file", "StringMatches": "*.txt"})", kFalse},
      {"StringMatchesPatternIsLiteralNotPath",
       R"({"Variable": "$.pattern", "StringMatches": "\\*.log"})", kTrue},
      {"StringMatchesOnNumberIsFalse", R"({"Variable": "$.num", "StringMatches": "*"})", kFalse},
      {"StringMatchesOnNullIsFalse", R"({"Variable": "$.nul", "StringMatches": "*"})", kFalse},
      {"StringMatchesMissingIsError", R"({"Variable": "$.missing", "StringMatches": "*"})",
       kRuntime},
      // --- Numeric* -----------------------------------------------------------
      {"NumericEqualsTrue", R"({"Variable": "$.num", "NumericEquals": 42})", kTrue},
      {"NumericEqualsIntVsDouble", R"({"Variable": "$.num", "NumericEquals": 42.0})", kTrue},
      {"NumericEqualsDoubleVsInt", R"({"Variable": "$.num2", "NumericEquals": 42})", kTrue},
      {"NumericEqualsExponent", R"({"Variable": "$.num", "NumericEquals": 4.2e1})", kTrue},
      {"NumericEqualsFalse", R"({"Variable": "$.num", "NumericEquals": 43})", kFalse},
      {"NumericEqualsNegative", R"({"Variable": "$.neg", "NumericEquals": -5.0})", kTrue},
      {"NumericEqualsZero", R"({"Variable": "$.zero", "NumericEquals": -0.0})", kTrue},
      {"NumericEqualsOnStringIsFalse", R"({"Variable": "$.numStr", "NumericEquals": 42})", kFalse},
      {"NumericEqualsOnBoolIsFalse", R"({"Variable": "$.bool", "NumericEquals": 1})", kFalse},
      {"NumericEqualsOnNullIsFalse", R"({"Variable": "$.nul", "NumericEquals": 0})", kFalse},
      {"NumericEqualsOnArrayIsFalse", R"({"Variable": "$.arr", "NumericEquals": 1})", kFalse},
      {"NumericEqualsArrayElement", R"({"Variable": "$.arr[1]", "NumericEquals": 2})", kTrue},
      {"NumericEqualsMissingIsError", R"({"Variable": "$.missing", "NumericEquals": 1})", kRuntime},
      {"NumericLessThanTrue", R"({"Variable": "$.num", "NumericLessThan": 43})", kTrue},
      {"NumericLessThanEqualIsFalse", R"({"Variable": "$.num", "NumericLessThan": 42})", kFalse},
      {"NumericLessThanFraction", R"({"Variable": "$.num", "NumericLessThan": 42.5})", kTrue},
      {"NumericLessThanNegative", R"({"Variable": "$.neg", "NumericLessThan": 0})", kTrue},
      {"NumericLessThanDoubleValue", R"({"Variable": "$.frac", "NumericLessThan": 3})", kTrue},
      {"NumericLessThanOnStringIsFalse", R"({"Variable": "$.str", "NumericLessThan": 100})",
       kFalse},
      {"NumericGreaterThanTrue", R"({"Variable": "$.num", "NumericGreaterThan": 41.999})", kTrue},
      {"NumericGreaterThanEqualIsFalse", R"({"Variable": "$.num", "NumericGreaterThan": 42})",
       kFalse},
      {"NumericGreaterThanNegative", R"({"Variable": "$.neg", "NumericGreaterThan": -6})", kTrue},
      {"NumericGreaterThanFractionFalse", R"({"Variable": "$.frac", "NumericGreaterThan": 2.5})",
       kFalse},
      {"NumericLessThanEqualsEqual", R"({"Variable": "$.num", "NumericLessThanEquals": 42})",
       kTrue},
      {"NumericLessThanEqualsFalse", R"({"Variable": "$.num", "NumericLessThanEquals": 41})",
       kFalse},
      {"NumericLessThanEqualsOnBoolIsFalse",
       R"({"Variable": "$.boolF", "NumericLessThanEquals": 1})", kFalse},
      {"NumericGreaterThanEqualsEqualDouble",
       R"({"Variable": "$.num", "NumericGreaterThanEquals": 42.0})", kTrue},
      {"NumericGreaterThanEqualsFalse", R"({"Variable": "$.num", "NumericGreaterThanEquals": 43})",
       kFalse},
      // Values beyond int64 and doubles near 2^53/2^64 compare exactly.
      {"NumericUint64Max", R"({"Variable": "$.big", "NumericEquals": 18446744073709551615})",
       kTrue},
      {"NumericUint64AboveInt64Max",
       R"({"Variable": "$.big", "NumericGreaterThanPath": "$.maxInt"})", kTrue},
      {"NumericUint64AboveNegative", R"({"Variable": "$.big", "NumericGreaterThan": -1})", kTrue},
      {"NumericNegativeBelowUint64", R"({"Variable": "$.neg", "NumericLessThanPath": "$.big"})",
       kTrue},
      {"NumericUint64BelowTwoPow64",
       R"({"Variable": "$.big", "NumericLessThan": 1.8446744073709552e19})", kTrue},
      {"NumericUint64NotEqualTwoPow64",
       R"({"Variable": "$.big", "NumericEquals": 1.8446744073709552e19})", kFalse},
      {"NumericInt64MaxBelowTwoPow63",
       R"({"Variable": "$.maxInt", "NumericLessThan": 9.223372036854775808e18})", kTrue},
      {"NumericBeyondDoublePrecision",
       R"({"Variable": "$.n", "NumericGreaterThan": 9007199254740992.0})", kTrue,
       R"({"n": 9007199254740993})"},
      {"NumericHugeDouble", R"({"Variable": "$.num", "NumericLessThan": 1e300})", kTrue},
      {"NumericTinyDouble", R"({"Variable": "$.zero", "NumericLessThan": 1e-300})", kTrue},
      // --- Numeric*Path --------------------------------------------------------
      {"NumericEqualsPathIntVsDouble", R"({"Variable": "$.num", "NumericEqualsPath": "$.num2"})",
       kTrue},
      {"NumericEqualsPathFalse", R"({"Variable": "$.num", "NumericEqualsPath": "$.neg"})", kFalse},
      {"NumericEqualsPathToStringIsFalse",
       R"({"Variable": "$.num", "NumericEqualsPath": "$.numStr"})", kFalse},
      {"NumericEqualsPathMissingIsError",
       R"({"Variable": "$.num", "NumericEqualsPath": "$.missing"})", kRuntime},
      {"NumericGreaterThanPathContext",
       R"({"Variable": "$.nested.deep.n", "NumericGreaterThanPath": "$$.State.RetryCount"})",
       kTrue},
      {"NumericLessThanPathTrue", R"({"Variable": "$.neg", "NumericLessThanPath": "$.num"})",
       kTrue},
      {"NumericLessThanPathFalse", R"({"Variable": "$.num", "NumericLessThanPath": "$.frac"})",
       kFalse},
      {"NumericGreaterThanPathTrue", R"({"Variable": "$.num", "NumericGreaterThanPath": "$.frac"})",
       kTrue},
      {"NumericGreaterThanPathFalse",
       R"({"Variable": "$.num", "NumericGreaterThanPath": "$.num2"})", kFalse},
      {"NumericLessThanEqualsPathEqual",
       R"({"Variable": "$.num", "NumericLessThanEqualsPath": "$.num2"})", kTrue},
      {"NumericLessThanEqualsPathFalse",
       R"({"Variable": "$.num", "NumericLessThanEqualsPath": "$.neg"})", kFalse},
      {"NumericGreaterThanEqualsPathEqual",
       R"({"Variable": "$.num2", "NumericGreaterThanEqualsPath": "$.num"})", kTrue},
      {"NumericGreaterThanEqualsPathFalse",
       R"({"Variable": "$.frac", "NumericGreaterThanEqualsPath": "$.num"})", kFalse},
      // --- Boolean* ------------------------------------------------------------
      {"BooleanEqualsTrue", R"({"Variable": "$.bool", "BooleanEquals": true})", kTrue},
      {"BooleanEqualsFalse", R"({"Variable": "$.bool", "BooleanEquals": false})", kFalse},
      {"BooleanEqualsFalseValue", R"({"Variable": "$.boolF", "BooleanEquals": false})", kTrue},
      {"BooleanEqualsOnStringIsFalse", R"({"Variable": "$.boolStr", "BooleanEquals": true})",
       kFalse},
      {"BooleanEqualsOnNumberIsFalse", R"({"Variable": "$.zero", "BooleanEquals": false})", kFalse},
      {"BooleanEqualsOnNullIsFalse", R"({"Variable": "$.nul", "BooleanEquals": false})", kFalse},
      {"BooleanEqualsMissingIsError", R"({"Variable": "$.missing", "BooleanEquals": true})",
       kRuntime},
      {"BooleanEqualsPathTrue", R"({"Variable": "$.bool", "BooleanEqualsPath": "$.bool"})", kTrue},
      {"BooleanEqualsPathFalse", R"({"Variable": "$.bool", "BooleanEqualsPath": "$.boolF"})",
       kFalse},
      {"BooleanEqualsPathToStringIsFalse",
       R"({"Variable": "$.bool", "BooleanEqualsPath": "$.boolStr"})", kFalse},
      {"BooleanEqualsPathMissingIsError",
       R"({"Variable": "$.bool", "BooleanEqualsPath": "$.missing"})", kRuntime},
      // --- Timestamp* ----------------------------------------------------------
      {"TimestampEqualsTrue", R"({"Variable": "$.ts", "TimestampEquals": "2016-03-14T01:59:00Z"})",
       kTrue},
      {"TimestampEqualsPositiveOffset",
       R"({"Variable": "$.tsOff", "TimestampEquals": "2016-03-14T01:59:00Z"})", kTrue},
      {"TimestampEqualsNegativeOffsetPreviousDay",
       R"({"Variable": "$.tsNeg", "TimestampEquals": "2016-03-14T01:59:00Z"})", kTrue},
      {"TimestampEqualsZeroFraction",
       R"({"Variable": "$.tsMilli", "TimestampEquals": "2016-03-14T01:59:00Z"})", kTrue},
      {"TimestampEqualsFractionDiffers",
       R"({"Variable": "$.tsFrac", "TimestampEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampEqualsOperandOffset",
       R"({"Variable": "$.ts", "TimestampEquals": "2016-03-14T02:59:00+01:00"})", kTrue},
      {"TimestampEqualsOnInvalidIsFalse",
       R"({"Variable": "$.tsBad", "TimestampEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampEqualsOnLowercaseIsFalse",
       R"({"Variable": "$.tsLower", "TimestampEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampEqualsOnDateOnlyIsFalse",
       R"({"Variable": "$.date", "TimestampEquals": "2016-03-14T00:00:00Z"})", kFalse},
      {"TimestampEqualsOnNumberIsFalse",
       R"({"Variable": "$.num", "TimestampEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampEqualsOnNullIsFalse",
       R"({"Variable": "$.nul", "TimestampEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampEqualsMissingIsError",
       R"({"Variable": "$.missing", "TimestampEquals": "2016-03-14T01:59:00Z"})", kRuntime},
      {"TimestampLessThanTrue",
       R"({"Variable": "$.ts", "TimestampLessThan": "2016-03-14T02:00:00Z"})", kTrue},
      {"TimestampLessThanEqualIsFalse",
       R"({"Variable": "$.tsOff", "TimestampLessThan": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampLessThanByFraction",
       R"({"Variable": "$.ts", "TimestampLessThan": "2016-03-14T01:59:00.001Z"})", kTrue},
      {"TimestampGreaterThanTrue",
       R"({"Variable": "$.ts", "TimestampGreaterThan": "2016-03-14T01:58:59.999Z"})", kTrue},
      {"TimestampGreaterThanFraction",
       R"({"Variable": "$.tsFrac", "TimestampGreaterThan": "2016-03-14T01:59:00Z"})", kTrue},
      {"TimestampGreaterThanFalse",
       R"({"Variable": "$.ts", "TimestampGreaterThan": "2016-03-14T03:00:00+01:00"})", kFalse},
      {"TimestampLessThanEqualsEqual",
       R"({"Variable": "$.ts", "TimestampLessThanEquals": "2016-03-14T02:59:00+01:00"})", kTrue},
      {"TimestampLessThanEqualsFalse",
       R"({"Variable": "$.tsFrac", "TimestampLessThanEquals": "2016-03-14T01:59:00Z"})", kFalse},
      {"TimestampGreaterThanEqualsEqual",
       R"({"Variable": "$.tsNeg", "TimestampGreaterThanEquals": "2016-03-14T01:59:00Z"})", kTrue},
      {"TimestampGreaterThanEqualsFalse",
       R"({"Variable": "$.ts", "TimestampGreaterThanEquals": "2017-01-01T00:00:00Z"})", kFalse},
      {"TimestampGreaterThanEqualsOnStringIsFalse",
       R"({"Variable": "$.str", "TimestampGreaterThanEquals": "2000-01-01T00:00:00Z"})", kFalse},
      // --- Timestamp*Path ------------------------------------------------------
      {"TimestampEqualsPathOffsets", R"({"Variable": "$.ts", "TimestampEqualsPath": "$.tsOff"})",
       kTrue},
      {"TimestampEqualsPathFalse", R"({"Variable": "$.ts", "TimestampEqualsPath": "$.tsFrac"})",
       kFalse},
      {"TimestampEqualsPathToInvalidIsFalse",
       R"({"Variable": "$.ts", "TimestampEqualsPath": "$.tsBad"})", kFalse},
      {"TimestampEqualsPathMissingIsError",
       R"({"Variable": "$.ts", "TimestampEqualsPath": "$.missing"})", kRuntime},
      {"TimestampEqualsPathContext",
       R"({"Variable": "$.tsOff", "TimestampEqualsPath": "$$.Execution.StartTime"})", kTrue},
      {"TimestampLessThanPathTrue", R"({"Variable": "$.ts", "TimestampLessThanPath": "$.tsFrac"})",
       kTrue},
      {"TimestampLessThanPathFalse", R"({"Variable": "$.tsFrac", "TimestampLessThanPath": "$.ts"})",
       kFalse},
      {"TimestampGreaterThanPathTrue",
       R"({"Variable": "$.tsFrac", "TimestampGreaterThanPath": "$.tsNeg"})", kTrue},
      {"TimestampGreaterThanPathContext",
       R"({"Variable": "$.ts", "TimestampGreaterThanPath": "$$.State.EnteredTime"})", kFalse},
      {"TimestampLessThanEqualsPathEqual",
       R"({"Variable": "$.tsNeg", "TimestampLessThanEqualsPath": "$.tsOff"})", kTrue},
      {"TimestampLessThanEqualsPathToNumberIsFalse",
       R"({"Variable": "$.ts", "TimestampLessThanEqualsPath": "$.num"})", kFalse},
      {"TimestampGreaterThanEqualsPathEqual",
       R"({"Variable": "$.tsMilli", "TimestampGreaterThanEqualsPath": "$.ts"})", kTrue},
      {"TimestampGreaterThanEqualsPathFalse",
       R"({"Variable": "$.ts", "TimestampGreaterThanEqualsPath": "$.tsFrac"})", kFalse},
      // --- IsNull --------------------------------------------------------------
      {"IsNullTrueOnNull", R"({"Variable": "$.nul", "IsNull": true})", kTrue},
      {"IsNullTrueOnString", R"({"Variable": "$.str", "IsNull": true})", kFalse},
      {"IsNullTrueOnEmptyString", R"({"Variable": "$.empty", "IsNull": true})", kFalse},
      {"IsNullFalseOnNull", R"({"Variable": "$.nul", "IsNull": false})", kFalse},
      {"IsNullFalseOnNumber", R"({"Variable": "$.zero", "IsNull": false})", kTrue},
      {"IsNullMissingIsError", R"({"Variable": "$.missing", "IsNull": true})", kRuntime},
      // --- IsPresent -----------------------------------------------------------
      {"IsPresentTrueOnString", R"({"Variable": "$.str", "IsPresent": true})", kTrue},
      {"IsPresentTrueOnNull", R"({"Variable": "$.nul", "IsPresent": true})", kTrue},
      {"IsPresentTrueOnMissing", R"({"Variable": "$.missing", "IsPresent": true})", kFalse},
      {"IsPresentFalseOnMissing", R"({"Variable": "$.missing", "IsPresent": false})", kTrue},
      {"IsPresentFalseOnPresent", R"({"Variable": "$.str", "IsPresent": false})", kFalse},
      {"IsPresentFalseOnNull", R"({"Variable": "$.nul", "IsPresent": false})", kFalse},
      {"IsPresentMissingParent", R"({"Variable": "$.missing.deeper", "IsPresent": true})", kFalse},
      {"IsPresentThroughString", R"({"Variable": "$.str.length", "IsPresent": true})", kFalse},
      {"IsPresentArrayIndexInRange", R"({"Variable": "$.arr[2]", "IsPresent": true})", kTrue},
      {"IsPresentArrayIndexOutOfRange", R"({"Variable": "$.arr[3]", "IsPresent": true})", kFalse},
      {"IsPresentRoot", R"({"Variable": "$", "IsPresent": true})", kTrue},
      {"IsPresentContextTrue", R"({"Variable": "$$.Map.Item.Index", "IsPresent": true})", kTrue},
      {"IsPresentContextMissing", R"({"Variable": "$$.Task.Token", "IsPresent": true})", kFalse},
      // --- IsNumeric -----------------------------------------------------------
      {"IsNumericTrueOnInt", R"({"Variable": "$.num", "IsNumeric": true})", kTrue},
      {"IsNumericTrueOnDouble", R"({"Variable": "$.frac", "IsNumeric": true})", kTrue},
      {"IsNumericTrueOnUint64", R"({"Variable": "$.big", "IsNumeric": true})", kTrue},
      {"IsNumericTrueOnNumericString", R"({"Variable": "$.numStr", "IsNumeric": true})", kFalse},
      {"IsNumericTrueOnNull", R"({"Variable": "$.nul", "IsNumeric": true})", kFalse},
      {"IsNumericFalseOnString", R"({"Variable": "$.str", "IsNumeric": false})", kTrue},
      {"IsNumericFalseOnNumber", R"({"Variable": "$.neg", "IsNumeric": false})", kFalse},
      {"IsNumericMissingIsError", R"({"Variable": "$.missing", "IsNumeric": true})", kRuntime},
      // --- IsString ------------------------------------------------------------
      {"IsStringTrueOnString", R"({"Variable": "$.str", "IsString": true})", kTrue},
      {"IsStringTrueOnEmpty", R"({"Variable": "$.empty", "IsString": true})", kTrue},
      {"IsStringTrueOnTimestamp", R"({"Variable": "$.ts", "IsString": true})", kTrue},
      {"IsStringTrueOnNumber", R"({"Variable": "$.num", "IsString": true})", kFalse},
      {"IsStringTrueOnNull", R"({"Variable": "$.nul", "IsString": true})", kFalse},
      {"IsStringFalseOnNumber", R"({"Variable": "$.num", "IsString": false})", kTrue},
      {"IsStringFalseOnString", R"({"Variable": "$.str", "IsString": false})", kFalse},
      {"IsStringMissingIsError", R"({"Variable": "$.missing", "IsString": false})", kRuntime},
      // --- IsBoolean -----------------------------------------------------------
      {"IsBooleanTrueOnTrue", R"({"Variable": "$.bool", "IsBoolean": true})", kTrue},
      {"IsBooleanTrueOnFalse", R"({"Variable": "$.boolF", "IsBoolean": true})", kTrue},
      {"IsBooleanTrueOnBoolString", R"({"Variable": "$.boolStr", "IsBoolean": true})", kFalse},
      {"IsBooleanTrueOnNull", R"({"Variable": "$.nul", "IsBoolean": true})", kFalse},
      {"IsBooleanFalseOnNumber", R"({"Variable": "$.zero", "IsBoolean": false})", kTrue},
      {"IsBooleanFalseOnBool", R"({"Variable": "$.boolF", "IsBoolean": false})", kFalse},
      {"IsBooleanMissingIsError", R"({"Variable": "$.missing", "IsBoolean": true})", kRuntime},
      // --- IsTimestamp ---------------------------------------------------------
      {"IsTimestampTrueOnZulu", R"({"Variable": "$.ts", "IsTimestamp": true})", kTrue},
      {"IsTimestampTrueOnOffset", R"({"Variable": "$.tsOff", "IsTimestamp": true})", kTrue},
      {"IsTimestampTrueOnFraction", R"({"Variable": "$.tsFrac", "IsTimestamp": true})", kTrue},
      {"IsTimestampTrueOnSpaceSeparated", R"({"Variable": "$.tsBad", "IsTimestamp": true})",
       kFalse},
      {"IsTimestampTrueOnLowercase", R"({"Variable": "$.tsLower", "IsTimestamp": true})", kFalse},
      {"IsTimestampTrueOnDateOnly", R"({"Variable": "$.date", "IsTimestamp": true})", kFalse},
      {"IsTimestampTrueOnNumber", R"({"Variable": "$.num", "IsTimestamp": true})", kFalse},
      {"IsTimestampTrueOnNull", R"({"Variable": "$.nul", "IsTimestamp": true})", kFalse},
      {"IsTimestampFalseOnInvalid", R"({"Variable": "$.tsBad", "IsTimestamp": false})", kTrue},
      {"IsTimestampFalseOnValid", R"({"Variable": "$.ts", "IsTimestamp": false})", kFalse},
      {"IsTimestampMissingIsError", R"({"Variable": "$.missing", "IsTimestamp": true})", kRuntime},
      // --- Missing Variable: more shapes -----------------------------------------
      {"MissingThroughString", R"({"Variable": "$.str.x", "StringEquals": "x"})", kRuntime},
      {"MissingArrayIndex", R"({"Variable": "$.arr[10]", "NumericEquals": 1})", kRuntime},
      {"MissingNestedField", R"({"Variable": "$.nested.deep.z", "StringEquals": "y"})", kRuntime},
      {"MissingOnNonObjectInput", R"({"Variable": "$.a", "StringEquals": "y"})", kRuntime,
       R"("just a string")"},
      // --- Context object ($$) -----------------------------------------------------
      {"ContextExecutionIdMatches",
       R"({"Variable": "$$.Execution.Id", "StringMatches": "arn:aws:states:*:execution:M:*"})",
       kTrue},
      {"ContextRetryCount", R"({"Variable": "$$.State.RetryCount", "NumericEquals": 2})", kTrue},
      {"ContextExecutionInput", R"({"Variable": "$$.Execution.Input.n", "NumericGreaterThan": 4})",
       kTrue},
      {"ContextStateName", R"({"Variable": "$$.State.Name", "StringEquals": "Check"})", kTrue},
      {"ContextMissingIsError", R"({"Variable": "$$.Task.Token", "StringEquals": "t"})", kRuntime},
      // --- And / Or / Not ----------------------------------------------------------
      {"AndAllTrue", R"({"And": [{"Variable": "$.num", "NumericGreaterThanEquals": 20},
                                  {"Variable": "$.num", "NumericLessThan": 50}]})",
       kTrue},
      {"AndOneFalse", R"({"And": [{"Variable": "$.num", "NumericGreaterThanEquals": 20},
                                   {"Variable": "$.num", "NumericLessThan": 30}]})",
       kFalse},
      {"AndSingleChild", R"({"And": [{"Variable": "$.bool", "BooleanEquals": true}]})", kTrue},
      {"OrOneTrue", R"({"Or": [{"Variable": "$.str", "StringEquals": "x"},
                                {"Variable": "$.str", "StringEquals": "hello"}]})",
       kTrue},
      {"OrAllFalse", R"({"Or": [{"Variable": "$.str", "StringEquals": "x"},
                                 {"Variable": "$.str", "StringEquals": "y"}]})",
       kFalse},
      {"NotTrue", R"({"Not": {"Variable": "$.str", "StringEquals": "hello"}})", kFalse},
      {"NotFalse", R"({"Not": {"Variable": "$.str", "StringEquals": "Private"}})", kTrue},
      {"NotTypeMismatchIsTrue", R"({"Not": {"Variable": "$.num", "StringEquals": "42"}})", kTrue},
      {"NotMissingIsError", R"({"Not": {"Variable": "$.missing", "StringEquals": "x"}})", kRuntime},
      {"NotNot", R"({"Not": {"Not": {"Variable": "$.bool", "BooleanEquals": true}}})", kTrue},
      // AWS's documented guard: IsPresent first, so the missing key is not read.
      {"AndIsPresentGuardShortCircuits",
       R"({"And": [{"Variable": "$.missing", "IsPresent": true},
                   {"Variable": "$.missing", "StringEquals": "foo"}]})",
       kFalse},
      {"AndIsPresentGuardPasses",
       R"({"And": [{"Variable": "$.str", "IsPresent": true},
                   {"Variable": "$.str", "StringEquals": "hello"}]})",
       kTrue},
      {"AndErrorAfterTrue",
       R"({"And": [{"Variable": "$.str", "IsPresent": true},
                   {"Variable": "$.missing", "StringEquals": "foo"}]})",
       kRuntime},
      {"OrShortCircuitsAfterTrue",
       R"({"Or": [{"Variable": "$.str", "StringEquals": "hello"},
                  {"Variable": "$.missing", "StringEquals": "foo"}]})",
       kTrue},
      {"OrErrorBeforeTrue",
       R"({"Or": [{"Variable": "$.missing", "StringEquals": "foo"},
                  {"Variable": "$.str", "StringEquals": "hello"}]})",
       kRuntime},
      {"NestedAndOrNot",
       R"({"And": [{"Or": [{"Variable": "$.str", "StringEquals": "x"},
                           {"Variable": "$.num", "NumericEquals": 42}]},
                   {"Not": {"Variable": "$.nul", "IsNull": false}},
                   {"Variable": "$.ts", "TimestampLessThanPath": "$.tsFrac"}]})",
       kTrue},
      {"NestedOrOfAnds",
       R"({"Or": [{"And": [{"Variable": "$.bool", "BooleanEquals": false},
                           {"Variable": "$.num", "NumericEquals": 42}]},
                  {"And": [{"Variable": "$.file", "StringMatches": "*.log"},
                           {"Not": {"Variable": "$.missing", "IsPresent": true}}]}]})",
       kTrue},
      {"NestedDeepFalse",
       R"({"Not": {"Or": [{"And": [{"Not": {"Variable": "$.frac", "NumericEquals": 2.5}}]},
                          {"Variable": "$.nested.deep.x", "StringEquals": "y"}]}})",
       kFalse},
      // AWS's documentation example: {"type": "Private", "value": 22} is "in the twenties".
      {"DocsValueInTwenties",
       R"({"And": [{"Variable": "$.value", "NumericGreaterThanEquals": 20},
                   {"Variable": "$.value", "NumericLessThan": 30}]})",
       kTrue, R"({"type": "Private", "value": 22})"},
      {"DocsNotPrivate", R"({"Not": {"Variable": "$.type", "StringEquals": "Private"}})", kFalse,
       R"({"type": "Private", "value": 22})"},
  };
  return *kCases;
}

class ChoiceRuleTest : public ::testing::TestWithParam<Case> {};

TEST_P(ChoiceRuleTest, Evaluates) {
  const Case& c = GetParam();
  json::value input = json::parse(c.input);
  json::value context_object = json::parse(kContext);
  EvaluationContext context{.context_object = &context_object};
  Outcome<bool> outcome = EvaluateChoiceRule(ParseRule(c.rule), input, context);
  if (c.expected == kTrue || c.expected == kFalse) {
    EXPECT_EQ(Describe(outcome), c.expected) << c.rule;
  } else {
    ASSERT_FALSE(outcome.ok()) << c.rule << " gave " << Describe(outcome);
    EXPECT_EQ(outcome.error().error, c.expected) << c.rule;
  }
}

INSTANTIATE_TEST_SUITE_P(ChoiceRules, ChoiceRuleTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.name);
                         });

// --- Exact error causes ------------------------------------------------------

TEST(ChoiceErrorTest, MissingVariableCauseMatchesAws) {
  json::value input = json::parse(R"({"a": 1})");
  Outcome<bool> outcome = EvaluateChoiceRule(
      ParseRule(R"({"Variable": "$.x", "StringEquals": "y"})"), input, EvaluationContext{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error(),
            (StateError{"States.Runtime",
                        "Invalid path '$.x': The choice state's condition path references an "
                        "invalid value."}));
}

TEST(ChoiceErrorTest, MissingOperandPathNamesThatPath) {
  json::value input = json::parse(R"({"a": 1})");
  Outcome<bool> outcome =
      EvaluateChoiceRule(ParseRule(R"({"Variable": "$.a", "NumericEqualsPath": "$.b.c"})"), input,
                         EvaluationContext{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().error, "States.Runtime");
  EXPECT_THAT(outcome.error().cause, HasSubstr("'$.b.c'"));
}

TEST(ChoiceErrorTest, UnparsableVariableIsRuntimeError) {
  asl::ChoiceRule rule;
  rule.variable = "$.a[";
  rule.op = asl::ComparisonOperator::kIsPresent;
  rule.operand = true;
  Outcome<bool> outcome = EvaluateChoiceRule(rule, json::parse("{}"), EvaluationContext{});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().error, "States.Runtime");
}

TEST(ChoiceContextTest, NullContextObjectActsAsEmptyObject) {
  json::value input = json::parse("{}");
  EvaluationContext context;  // No context object.
  Outcome<bool> present = EvaluateChoiceRule(
      ParseRule(R"({"Variable": "$$.Execution.Id", "IsPresent": true})"), input, context);
  ASSERT_TRUE(present.ok());
  EXPECT_FALSE(present.value());
  Outcome<bool> equals = EvaluateChoiceRule(
      ParseRule(R"({"Variable": "$$.Execution.Id", "StringEquals": "x"})"), input, context);
  ASSERT_FALSE(equals.ok());
  EXPECT_EQ(equals.error().error, "States.Runtime");
}

// --- JSONata conditions (until JSONata is implemented) ------------------------

asl::ChoiceRule JsonataRule(json::value condition) {
  asl::ChoiceRule rule;
  rule.kind = asl::ChoiceRule::Kind::kJsonataCondition;
  rule.condition = std::move(condition);
  rule.next = "Next";
  return rule;
}

TEST(ChoiceJsonataTest, LiteralBooleanConditions) {
  json::value input = json::parse("{}");
  Outcome<bool> yes = EvaluateChoiceRule(JsonataRule(true), input, EvaluationContext{});
  ASSERT_TRUE(yes.ok());
  EXPECT_TRUE(yes.value());
  Outcome<bool> no = EvaluateChoiceRule(JsonataRule(false), input, EvaluationContext{});
  ASSERT_TRUE(no.ok());
  EXPECT_FALSE(no.value());
}

TEST(ChoiceJsonataTest, ExpressionIsQueryEvaluationError) {
  Outcome<bool> outcome =
      EvaluateChoiceRule(JsonataRule("{% $states.input.n > 1 %}"), json::parse("{}"), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_EQ(outcome.error().error, "States.QueryEvaluationError");
}

// --- SelectChoice ---------------------------------------------------------------

asl::ChoiceFields Choices(const std::vector<std::string_view>& rules) {
  asl::ChoiceFields fields;
  for (std::string_view rule : rules) fields.choices.push_back(ParseRule(rule));
  fields.default_next = "Default";
  return fields;
}

constexpr std::string_view kIsTwo = R"({"Variable": "$.n", "NumericEquals": 2})";
constexpr std::string_view kIsPositive = R"({"Variable": "$.n", "NumericGreaterThan": 0})";
constexpr std::string_view kMissing = R"({"Variable": "$.missing", "StringEquals": "x"})";

TEST(ChoiceSelectTest, FirstMatchingRuleWins) {
  json::value input = json::parse(R"({"n": 2})");
  Outcome<std::optional<size_t>> selected =
      SelectChoice(Choices({kIsPositive, kIsTwo}), input, EvaluationContext{});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected.value(), std::optional<size_t>(0));
}

TEST(ChoiceSelectTest, LaterRuleWhenEarlierFails) {
  json::value input = json::parse(R"({"n": 7})");
  Outcome<std::optional<size_t>> selected =
      SelectChoice(Choices({kIsTwo, kIsPositive}), input, EvaluationContext{});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected.value(), std::optional<size_t>(1));
}

TEST(ChoiceSelectTest, NoMatchIsNullopt) {
  json::value input = json::parse(R"({"n": -1})");
  Outcome<std::optional<size_t>> selected =
      SelectChoice(Choices({kIsTwo, kIsPositive}), input, EvaluationContext{});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected.value(), std::nullopt);
}

TEST(ChoiceSelectTest, EmptyChoicesIsNullopt) {
  Outcome<std::optional<size_t>> selected =
      SelectChoice(asl::ChoiceFields{}, json::parse("{}"), EvaluationContext{});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected.value(), std::nullopt);
}

TEST(ChoiceSelectTest, ErrorBeforeMatchPropagates) {
  json::value input = json::parse(R"({"n": 2})");
  Outcome<std::optional<size_t>> selected =
      SelectChoice(Choices({kMissing, kIsTwo}), input, EvaluationContext{});
  ASSERT_FALSE(selected.ok());
  EXPECT_EQ(selected.error().error, "States.Runtime");
  EXPECT_THAT(selected.error().cause, HasSubstr("$.missing"));
}

TEST(ChoiceSelectTest, RulesAfterMatchAreNotEvaluated) {
  json::value input = json::parse(R"({"n": 2})");
  Outcome<std::optional<size_t>> selected =
      SelectChoice(Choices({kIsTwo, kMissing}), input, EvaluationContext{});
  ASSERT_TRUE(selected.ok());
  EXPECT_EQ(selected.value(), std::optional<size_t>(0));
}

TEST(ChoiceSelectTest, FirstErrorWins) {
  json::value input = json::parse(R"({"n": 2})");
  asl::ChoiceFields fields =
      Choices({R"({"Variable": "$.first", "IsNull": true})", kMissing, kIsTwo});
  Outcome<std::optional<size_t>> selected = SelectChoice(fields, input, EvaluationContext{});
  ASSERT_FALSE(selected.ok());
  EXPECT_THAT(selected.error().cause, HasSubstr("$.first"));
}

// --- StringMatches ------------------------------------------------------------------

struct MatchCase {
  std::string_view value;
  std::string_view pattern;
  bool matches;
};

class StringMatchesTest : public ::testing::TestWithParam<MatchCase> {};

TEST_P(StringMatchesTest, Matches) {
  const MatchCase& c = GetParam();
  EXPECT_EQ(StringMatches(c.value, c.pattern), c.matches)
      << "value '" << c.value << "' pattern '" << c.pattern << "'";
}

// Patterns are as they are after JSON decoding: "\\*" in C++ is the two
// characters `\*`, written "\\*" in JSON as "\\\\*".
INSTANTIATE_TEST_SUITE_P(
    StringMatchesCases, StringMatchesTest,
    ::testing::Values(
        // AWS documentation examples.
        MatchCase{"server.log", "*.log", true}, MatchCase{"server.log.gz", "*.log", false},
        MatchCase{".log", "*.log", true}, MatchCase{"log", "*.log", false},
        MatchCase{"test.py", "test.*", true}, MatchCase{"test.", "test.*", true},
        MatchCase{"test", "test.*", false}, MatchCase{"atest.py", "test.*", false},
        MatchCase{"log-2024.txt", "log-*.txt", true}, MatchCase{"log-.txt", "log-*.txt", true},
        MatchCase{"log-1.txt.bak", "log-*.txt", false},
        // `*` alone, empty strings, no wildcard.
        MatchCase{"anything at all", "*", true}, MatchCase{"", "*", true},
        MatchCase{"", "**", true}, MatchCase{"", "", true}, MatchCase{"a", "", false},
        MatchCase{"", "a", false}, MatchCase{"abc", "abc", true}, MatchCase{"abc", "ab", false},
        MatchCase{"ab", "abc", false}, MatchCase{"abc", "ABC", false},
        // Wildcards in the middle and several of them.
        MatchCase{"ac", "a*c", true}, MatchCase{"abbbc", "a*c", true},
        MatchCase{"abcbcd", "a*bcd", true}, MatchCase{"mississippi", "m*iss*ppi", true},
        MatchCase{"mississippi", "m*iss*ppx", false}, MatchCase{"abc", "*b*", true},
        MatchCase{"abc", "*x*", false}, MatchCase{"aXbYc", "a*b*c", true},
        MatchCase{"acb", "a*b*c", false}, MatchCase{"abcabc", "*abc", true},
        // Other glob characters are literals.
        MatchCase{"a?c", "a?c", true}, MatchCase{"abc", "a?c", false},
        MatchCase{"[a]", "[a]", true}, MatchCase{"a", "[a]", false},
        // Escapes: `\*` is a literal star, `\\` a literal backslash.
        MatchCase{"a*b", "a\\*b", true}, MatchCase{"axb", "a\\*b", false},
        MatchCase{"*", "\\*", true}, MatchCase{"x", "\\*", false},
        MatchCase{"file*.log", "*\\*.log", true}, MatchCase{"file.log", "*\\*.log", false},
        MatchCase{"a\\b", "a\\\\b", true}, MatchCase{"a\\\\b", "a\\\\b", false},
        MatchCase{"a\\xyzb", "a\\\\*b", true}, MatchCase{"a\\*", "a\\\\\\*", true},
        MatchCase{"a\\b", "a\\b", true},  // A backslash before anything else is literal.
        MatchCase{"ab\\", "ab\\", true},  // So is a trailing one.
        // UTF-8: wildcards absorb whole code points.
        MatchCase{"caf\xc3\xa9.log", "*.log", true}, MatchCase{"\xf0\x9f\x98\x80-x", "*-x", true},
        MatchCase{"\xc3\xa9t\xc3\xa9", "\xc3\xa9*\xc3\xa9", true}));

// Pathological patterns: backtracking matchers take exponential time here.
TEST(StringMatchesPathologicalTest, ManyStarsOnLongInputFinishQuickly) {
  std::string as(100000, 'a');
  EXPECT_FALSE(StringMatches(as, "a*a*a*a*b"));
  EXPECT_FALSE(StringMatches(as, "*a*a*a*a*a*a*a*a*a*a*a*a*b"));
  EXPECT_TRUE(StringMatches(as + "b", "a*a*a*a*b"));
  EXPECT_TRUE(StringMatches(as, "*a*a*a*a*a*a*a*a*a*a*a*a*"));
  std::string pattern;
  for (int i = 0; i < 1000; ++i) pattern += "*a";
  EXPECT_FALSE(StringMatches(std::string(5000, 'a') + "c", pattern + "b"));
  EXPECT_TRUE(StringMatches(std::string(5000, 'a'), pattern));
  EXPECT_FALSE(StringMatches(std::string(999, 'a'), pattern));
}

}  // namespace
}  // namespace stepwise::engine
