#include "orchestrator/engine/intrinsics.h"

#include <cstdint>
#include <ostream>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/state_error.h"
#include "tests/unit/engine/intrinsics_test_util.h"

namespace stepwise::engine {
namespace {

namespace json = boost::json;
using testing::Describe;
using testing::Eval;
using ::testing::HasSubstr;

// ---------------------------------------------------------------------------
// Successful evaluations: call text, input, expected result (JSON).

struct ValueCase {
  std::string name;
  std::string call;
  std::string input;
  std::string expected;
};

void PrintTo(const ValueCase& c, std::ostream* os) { *os << c.call; }

class IntrinsicValueTest : public ::testing::TestWithParam<ValueCase> {};

TEST_P(IntrinsicValueTest, Evaluates) {
  const ValueCase& c = GetParam();
  const Outcome<json::value> r = Eval(c.call, c.input);
  ASSERT_TRUE(r.ok()) << c.call << " -> " << Describe(r);
  EXPECT_EQ(r.value(), json::parse(c.expected))
      << c.call << " -> " << json::serialize(r.value()) << ", want " << c.expected;
}

const std::vector<ValueCase> kValueCases = {
    // States.Format (AWS examples, then edge cases).
    {"FormatDocLiteral", "States.Format('Hello, my name is {}.', $.name)",
     R"({"name": "Arnav", "template": "Hello, my name is {}."})", R"("Hello, my name is Arnav.")"},
    {"FormatDocPathTemplate", "States.Format($.template, $.name)",
     R"({"name": "Arnav", "template": "Hello, my name is {}."})", R"("Hello, my name is Arnav.")"},
    {"FormatNoPlaceholders", "States.Format('plain')", "{}", R"("plain")"},
    {"FormatEmptyTemplate", "States.Format('')", "{}", R"("")"},
    {"FormatOnlyPlaceholder", "States.Format('{}', $.a)", R"({"a": "x"})", R"("x")"},
    {"FormatAdjacentPlaceholders", "States.Format('{}{}', 'a', 'b')", "{}", R"("ab")"},
    {"FormatEscapedBraces", R"(States.Format('\{\} and {}', 'x'))", "{}", R"("{} and x")"},
    {"FormatEscapedQuote", R"(States.Format('it\'s {}', 'me'))", "{}", R"("it's me")"},
    {"FormatEscapedBackslash", R"(States.Format('a\\b {}', 1))", "{}", R"("a\\b 1")"},
    {"FormatInteger", "States.Format('n={}', $.n)", R"({"n": 42})", R"("n=42")"},
    {"FormatNegative", "States.Format('n={}', -7)", "{}", R"("n=-7")"},
    {"FormatDouble", "States.Format('{}', $.n)", R"({"n": 1.1})", R"("1.1")"},
    {"FormatDoubleIntegral", "States.Format('{}', $.n)", R"({"n": 2.0})", R"("2.0")"},
    {"FormatDoubleLarge", "States.Format('{}', $.n)", R"({"n": 1e10})", R"("1.0E10")"},
    {"FormatDoubleSmall", "States.Format('{}', $.n)", R"({"n": 0.0001})", R"("1.0E-4")"},
    {"FormatBoolean", "States.Format('{} {}', true, false)", "{}", R"("true false")"},
    {"FormatNull", "States.Format('Formatting argument {}.', $.v)", R"({"v": null})",
     R"("Formatting argument null.")"},
    {"FormatEmptyString", "States.Format('Formatting argument {}.', $.v)", R"({"v": ""})",
     R"("Formatting argument .")"},
    {"FormatJsonLookingString", "States.Format('{}', $.v)", R"({"v": "{\"Arg1\": 1}"})",
     R"("{\"Arg1\": 1}")"},
    {"FormatObjectJavaStyle", "States.Format('fst={}', $.v)", R"({"v": {"Arg1": 1, "Arg2": []}})",
     R"("fst={Arg1=1, Arg2=[]}")"},
    {"FormatArrayJavaStyle", "States.Format('{}', $.v)", R"({"v": ["a", 1, null, {"b": "c"}]})",
     R"("[a, 1, null, {b=c}]")"},
    {"FormatContextObject", "States.Format('{} in {}', $$.Execution.Name, $$.State.Name)", "{}",
     R"("e1 in Step")"},
    {"FormatPathTemplateKeepsBackslashes", "States.Format($.t, 1)", R"({"t": "a\\{}"})",
     R"("a\\1")"},
    {"FormatPathTemplateBraceFreeText", "States.Format($.t)", R"({"t": "no holes"})",
     R"("no holes")"},
    {"FormatUnicode", "States.Format('{}✓', $.v)", R"({"v": "héllo"})", R"("héllo✓")"},
    {"FormatNested", "States.Format('{}-{}', States.ArrayLength($.a), States.MathAdd(1, 2))",
     R"({"a": [1, 2]})", R"("2-3")"},

    // States.StringToJson / States.JsonToString.
    {"StringToJsonDoc", "States.StringToJson($.escapedJsonString)",
     R"({"escapedJsonString": "{\"foo\": \"bar\"}"})", R"({"foo": "bar"})"},
    {"StringToJsonNumber", "States.StringToJson('42')", "{}", "42"},
    {"StringToJsonArray", "States.StringToJson($.s)", R"({"s": "[1, \"a\", null]"})",
     R"([1, "a", null])"},
    {"StringToJsonString", "States.StringToJson($.s)", R"({"s": "\"x\""})", R"("x")"},
    {"StringToJsonBlank", "States.StringToJson('  ')", "{}", "null"},
    {"StringToJsonEmpty", "States.StringToJson('')", "{}", "null"},
    {"JsonToStringDoc", "States.JsonToString($.unescapedJson)",
     R"({"unescapedJson": {"foo": "bar"}})", R"("{\"foo\":\"bar\"}")"},
    {"JsonToStringCompactNested", "States.JsonToString($.v)",
     R"({"v": {"a": [1, 2.5, true, null], "b": {"c": "d"}}})",
     R"("{\"a\":[1,2.5,true,null],\"b\":{\"c\":\"d\"}}")"},
    {"JsonToStringKeepsKeyOrder", "States.JsonToString($.v)", R"({"v": {"z": 1, "a": 2}})",
     R"("{\"z\":1,\"a\":2}")"},
    {"JsonToStringString", "States.JsonToString($.v)", R"({"v": "q\"uote"})", R"("\"q\\\"uote\"")"},
    {"JsonToStringNumber", "States.JsonToString($.v)", R"({"v": 12})", R"("12")"},
    {"JsonToStringDouble", "States.JsonToString($.v)", R"({"v": 0.5})", R"("0.5")"},
    {"JsonToStringLargeDouble", "States.JsonToString($.v)", R"({"v": 1e21})", R"("1.0E21")"},
    {"JsonToStringDoubleAt1e7", "States.JsonToString($.v)", R"({"v": 1e7})", R"("1.0E7")"},
    {"JsonToStringDoubleBelow1e7", "States.JsonToString($.v)", R"({"v": 123456.789})",
     R"("123456.789")"},
    {"JsonToStringDoubleAtOneThousandth", "States.JsonToString($.v)", R"({"v": 0.001})",
     R"("0.001")"},
    {"JsonToStringNegativeDouble", "States.JsonToString($.v)", R"({"v": -2.5e-7})", R"("-2.5E-7")"},
    {"JsonToStringNegativeZero", "States.JsonToString($.v)", R"({"v": -0.0})", R"("-0.0")"},
    {"JsonToStringUint64", "States.JsonToString($.v)", R"({"v": 18446744073709551615})",
     R"("18446744073709551615")"},
    {"JsonToStringEscapes", "States.JsonToString($.v)", R"({"v": {"k\n": "a\tb\u0001"}})",
     R"("{\"k\\n\":\"a\\tb\\u0001\"}")"},
    {"JsonToStringNull", "States.JsonToString($.v)", R"({"v": null})", R"("null")"},
    {"JsonToStringWholeInput", "States.JsonToString($)", R"({"a": 1})", R"("{\"a\":1}")"},
    {"JsonRoundTrip", "States.StringToJson(States.JsonToString($.v))",
     R"({"v": {"a": [1, {"b": null}]}})", R"({"a": [1, {"b": null}]})"},

    // States.Array.
    {"ArrayDoc", "States.Array($.Id)", R"({"Id": 123456})", "[123456]"},
    {"ArrayEmpty", "States.Array()", "{}", "[]"},
    {"ArrayMixedLiterals", "States.Array('a', 1, 2.5, true, false, null)", "{}",
     R"(["a", 1, 2.5, true, false, null])"},
    {"ArrayOfContainers", "States.Array($.o, $.a)", R"({"o": {"x": 1}, "a": [1]})",
     R"([{"x": 1}, [1]])"},
    {"ArrayNested", "States.Array(States.Array(1), States.Array())", "{}", "[[1], []]"},
    {"ArrayWildcardPath", "States.Array($.items[*].id)", R"({"items": [{"id": 1}, {"id": 2}]})",
     "[[1, 2]]"},
    {"ArrayWildcardNoMatch", "States.Array($.items[*].id)", R"({"items": []})", "[[]]"},
    {"ArrayNegativeIndex", "States.Array($.a[-1])", R"({"a": [1, 2, 3]})", "[3]"},
    {"ArrayContextPath", "States.Array($$.Execution.Input.k)", "{}", R"(["v"])"},
    {"ArrayRootPath", "States.Array($)", R"({"a": 1})", R"([{"a": 1}])"},
    {"ArrayNullValue", "States.Array($.n)", R"({"n": null})", "[null]"},

    // States.ArrayPartition.
    {"ArrayPartitionDoc", "States.ArrayPartition($.inputArray, 4)",
     R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]})", "[[1, 2, 3, 4], [5, 6, 7, 8], [9]]"},
    {"ArrayPartitionExact", "States.ArrayPartition($.a, 2)", R"({"a": [1, 2, 3, 4]})",
     "[[1, 2], [3, 4]]"},
    {"ArrayPartitionLargerChunk", "States.ArrayPartition($.a, 10)", R"({"a": [1, 2]})", "[[1, 2]]"},
    {"ArrayPartitionEmpty", "States.ArrayPartition($.a, 3)", R"({"a": []})", "[]"},
    {"ArrayPartitionOne", "States.ArrayPartition($.a, 1)", R"({"a": ["x", "y"]})",
     R"([["x"], ["y"]])"},
    {"ArrayPartitionRoundsChunk", "States.ArrayPartition($.a, 1.5)", R"({"a": [1, 2, 3]})",
     "[[1, 2], [3]]"},
    {"ArrayPartitionChunkFromPath", "States.ArrayPartition($.a, $.n)",
     R"({"a": [1, 2, 3], "n": 2})", "[[1, 2], [3]]"},

    // States.ArrayContains.
    {"ArrayContainsDoc", "States.ArrayContains($.inputArray, $.lookingFor)",
     R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "lookingFor": 5})", "true"},
    {"ArrayContainsMissing", "States.ArrayContains($.a, 10)", R"({"a": [1, 2]})", "false"},
    {"ArrayContainsEmpty", "States.ArrayContains($.a, 1)", R"({"a": []})", "false"},
    {"ArrayContainsNumberByValue", "States.ArrayContains($.a, 1)", R"({"a": [1.0]})", "true"},
    {"ArrayContainsString", "States.ArrayContains($.a, 'b')", R"({"a": ["a", "b"]})", "true"},
    {"ArrayContainsStringNotNumber", "States.ArrayContains($.a, '1')", R"({"a": [1]})", "false"},
    {"ArrayContainsNull", "States.ArrayContains($.a, null)", R"({"a": [1, null]})", "true"},
    {"ArrayContainsObjectDeep", "States.ArrayContains($.a, $.o)",
     R"({"a": [{"x": 1, "y": [1, 2]}], "o": {"y": [1, 2], "x": 1}})", "true"},
    {"ArrayContainsObjectDiffers", "States.ArrayContains($.a, $.o)",
     R"({"a": [{"x": 1}], "o": {"x": 1, "y": 2}})", "false"},
    {"ArrayContainsArrayOrderMatters", "States.ArrayContains($.a, $.o)",
     R"({"a": [[1, 2]], "o": [2, 1]})", "false"},
    {"ArrayContainsBoolNotNumber", "States.ArrayContains($.a, true)", R"({"a": [1]})", "false"},

    // States.ArrayRange.
    {"ArrayRangeDoc", "States.ArrayRange(1, 9, 2)", "{}", "[1, 3, 5, 7, 9]"},
    {"ArrayRangeInclusiveEnd", "States.ArrayRange(0, 3, 1)", "{}", "[0, 1, 2, 3]"},
    {"ArrayRangeStepOvershoots", "States.ArrayRange(1, 10, 4)", "{}", "[1, 5, 9]"},
    {"ArrayRangeDescending", "States.ArrayRange(5, 1, -2)", "{}", "[5, 3, 1]"},
    {"ArrayRangeSingle", "States.ArrayRange(4, 4, 1)", "{}", "[4]"},
    {"ArrayRangeWrongDirection", "States.ArrayRange(5, 1, 1)", "{}", "[]"},
    {"ArrayRangeNegative", "States.ArrayRange(-3, 0, 1)", "{}", "[-3, -2, -1, 0]"},
    {"ArrayRangeRounds", "States.ArrayRange(0.6, 2.4, 1)", "{}", "[1, 2]"},
    {"ArrayRangeFromPaths", "States.ArrayRange($.s, $.e, $.st)", R"({"s": 10, "e": 30, "st": 10})",
     "[10, 20, 30]"},

    // States.ArrayGetItem.
    {"ArrayGetItemDoc", "States.ArrayGetItem($.inputArray, $.index)",
     R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9], "index": 5})", "6"},
    {"ArrayGetItemFirst", "States.ArrayGetItem($.a, 0)", R"({"a": ["x", "y"]})", R"("x")"},
    {"ArrayGetItemLast", "States.ArrayGetItem($.a, 1)", R"({"a": ["x", {"y": 1}]})", R"({"y": 1})"},
    {"ArrayGetItemNested", "States.ArrayGetItem(States.StringSplit($.arn, ':'), 3)",
     R"({"arn": "arn:aws:states:us-east-1:123:stateMachine:M"})", R"("us-east-1")"},

    // States.ArrayLength.
    {"ArrayLengthDoc", "States.ArrayLength($.inputArray)",
     R"({"inputArray": [1, 2, 3, 4, 5, 6, 7, 8, 9]})", "9"},
    {"ArrayLengthEmpty", "States.ArrayLength($.a)", R"({"a": []})", "0"},
    {"ArrayLengthOfWildcard", "States.ArrayLength($.a[*].b)",
     R"({"a": [{"b": 1}, {"c": 2}, {"b": 3}]})", "2"},

    // States.ArrayUnique.
    {"ArrayUniqueDoc", "States.ArrayUnique($.inputArray)",
     R"({"inputArray": [1, 2, 3, 3, 3, 3, 3, 3, 4]})", "[1, 2, 3, 4]"},
    {"ArrayUniqueKeepsFirstOrder", "States.ArrayUnique($.a)", R"({"a": [3, 1, 3, 2, 1]})",
     "[3, 1, 2]"},
    {"ArrayUniqueMixed", "States.ArrayUnique($.a)", R"({"a": ["1", 1, "1", null, null, true]})",
     R"(["1", 1, null, true])"},
    {"ArrayUniqueObjects", "States.ArrayUnique($.a)",
     R"({"a": [{"a": 1, "b": 2}, {"b": 2, "a": 1}, {"a": 2}]})", R"([{"a": 1, "b": 2}, {"a": 2}])"},
    {"ArrayUniqueNumbersByValue", "States.ArrayUnique($.a)", R"({"a": [1, 1.0, 2.5, 2.50]})",
     "[1, 2.5]"},
    {"ArrayUniqueEmpty", "States.ArrayUnique($.a)", R"({"a": []})", "[]"},

    // States.Base64Encode / States.Base64Decode.
    {"Base64EncodeDoc", "States.Base64Encode($.input)", R"({"input": "Data to encode"})",
     R"("RGF0YSB0byBlbmNvZGU=")"},
    {"Base64DecodeDoc", "States.Base64Decode($.base64)", R"({"base64": "RGF0YSB0byBlbmNvZGU="})",
     R"("Data to encode")"},
    {"Base64EncodeEmpty", "States.Base64Encode('')", "{}", R"("")"},
    {"Base64DecodeEmpty", "States.Base64Decode('')", "{}", R"("")"},
    {"Base64EncodePadding1", "States.Base64Encode('ab')", "{}", R"("YWI=")"},
    {"Base64EncodePadding2", "States.Base64Encode('a')", "{}", R"("YQ==")"},
    {"Base64EncodeUtf8", "States.Base64Encode($.s)", R"({"s": "héllo wörld ✓"})",
     R"("aMOpbGxvIHfDtnJsZCDinJM=")"},
    {"Base64DecodeUtf8", "States.Base64Decode('aMOpbGxvIHfDtnJsZCDinJM=')", "{}",
     R"("héllo wörld ✓")"},
    {"Base64DecodeUnpadded", "States.Base64Decode('YQ')", "{}", R"("a")"},
    {"Base64DecodeInvalidUtf8Replaced", "States.Base64Decode('/w==')", "{}", R"("\uFFFD")"},
    {"Base64RoundTrip", "States.Base64Decode(States.Base64Encode($.s))", R"({"s": "x+y/z?"})",
     R"("x+y/z?")"},

    // States.Hash.
    {"HashDocSha1", "States.Hash($.Data, $.Algorithm)",
     R"({"Data": "input data", "Algorithm": "SHA-1"})",
     R"("aaff4a450a104cd177d28d18d74485e8cae074b7")"},
    {"HashMd5", "States.Hash('input data', 'MD5')", "{}", R"("812f45842bc6d66ee14572ce20db8e86")"},
    {"HashSha256", "States.Hash('input data', 'SHA-256')", "{}",
     R"("b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3")"},
    {"HashSha384", "States.Hash('abc', 'SHA-384')", "{}",
     R"("cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7")"},
    {"HashSha512", "States.Hash('abc', 'SHA-512')", "{}",
     R"("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")"},
    {"HashEmptySha256", "States.Hash('', 'SHA-256')", "{}",
     R"("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")"},
    {"HashUtf8", "States.Hash($.s, 'SHA-256')", R"({"s": "héllo"})",
     R"("3c48591d8d098a4538f5e013dfcf406e948eac4d3277b10bf614e295d6068179")"},

    // States.JsonMerge.
    {"JsonMergeDoc", "States.JsonMerge($.json1, $.json2, false)",
     R"({"json1": {"a": {"a1": 1, "a2": 2}, "b": 2}, "json2": {"a": {"a3": 1, "a4": 2}, "c": 3}})",
     R"({"a": {"a3": 1, "a4": 2}, "b": 2, "c": 3})"},
    {"JsonMergeEmptyLeft", "States.JsonMerge($.x, $.y, false)", R"({"x": {}, "y": {"a": 1}})",
     R"({"a": 1})"},
    {"JsonMergeEmptyRight", "States.JsonMerge($.x, $.y, false)", R"({"x": {"a": 1}, "y": {}})",
     R"({"a": 1})"},
    {"JsonMergeRightWinsWithNull", "States.JsonMerge($.x, $.y, false)",
     R"({"x": {"a": 1}, "y": {"a": null}})", R"({"a": null})"},
    {"JsonMergeDeepFlagFromPath", "States.JsonMerge($.x, $.y, $.deep)",
     R"({"x": {"a": 1}, "y": {"b": 2}, "deep": false})", R"({"a": 1, "b": 2})"},
    {"JsonMergeSameObject", "States.JsonMerge($.x, $.x, false)", R"({"x": {"a": 1}})",
     R"({"a": 1})"},

    // States.MathAdd (AWS rounds non-integers half up, as Java's Math.round).
    {"MathAddDoc", "States.MathAdd($.value1, $.step)", R"({"value1": 111, "step": -1})", "110"},
    {"MathAddNegative", "States.MathAdd(-9, 3)", "{}", "-6"},
    {"MathAddRoundsUp", "States.MathAdd(1.49, 1.5)", "{}", "3"},
    {"MathAddRoundsBoth", "States.MathAdd(1.5, 1.51)", "{}", "4"},
    {"MathAddRoundsNegativeHalfUp", "States.MathAdd(-1.49, -1.5)", "{}", "-2"},
    {"MathAddHalfOfNegative", "States.MathAdd(-2.5, 0)", "{}", "-2"},
    {"MathAddHalf", "States.MathAdd(2.5, 0)", "{}", "3"},
    {"MathAddInt32Bounds", "States.MathAdd(2147483647, 2147483647)", "{}", "4294967294"},
    {"MathAddMinBound", "States.MathAdd(-2147483648, 0)", "{}", "-2147483648"},
    {"MathAddIntegralDouble", "States.MathAdd($.a, 1)", R"({"a": 2.0})", "3"},
    {"MathAddNested", "States.MathAdd(States.ArrayLength($.a), 10)", R"({"a": [1, 2, 3]})", "13"},

    // States.MathRandom with a seed is deterministic; see also IntrinsicRandomTest.
    {"MathRandomSingleValueRange", "States.MathRandom(5, 6)", "{}", "5"},
    {"MathRandomSeededSingleValueRange", "States.MathRandom(-3, -2, 99)", "{}", "-3"},

    // States.StringSplit.
    {"StringSplitDoc1", "States.StringSplit($.inputString, $.splitter)",
     R"({"inputString": "1,2,3,4,5", "splitter": ","})", R"(["1", "2", "3", "4", "5"])"},
    {"StringSplitDoc2", "States.StringSplit($.inputString, $.splitter)",
     R"({"inputString": "This.is+a,test=string", "splitter": ".+,="})",
     R"(["This", "is", "a", "test", "string"])"},
    {"StringSplitDropsEmpty", "States.StringSplit(',a,,b,', ',')", "{}", R"(["a", "b"])"},
    {"StringSplitNoDelimiterFound", "States.StringSplit('abc', ',')", "{}", R"(["abc"])"},
    {"StringSplitEmptyString", "States.StringSplit('', ',')", "{}", "[]"},
    {"StringSplitOnlyDelimiters", "States.StringSplit(',,,', ',')", "{}", "[]"},
    {"StringSplitEmptyDelimiters", "States.StringSplit('a b', '')", "{}", R"(["a b"])"},
    {"StringSplitSpace", "States.StringSplit('a b  c', ' ')", "{}", R"(["a", "b", "c"])"},
    {"StringSplitMultibyteDelimiter", "States.StringSplit($.s, '→')", R"({"s": "a→b→c"})",
     R"(["a", "b", "c"])"},
    {"StringSplitMultibyteText", "States.StringSplit($.s, '-')", R"({"s": "é-ü"})",
     R"(["é", "ü"])"},
    {"StringSplitMultibyteNotSplitByByte", "States.StringSplit($.s, $.d)",
     R"({"s": "aéb", "d": "è"})", R"(["aéb"])"},
    {"StringSplitRegexCharsLiteral", "States.StringSplit('a.b*c', '.*')", "{}",
     R"(["a", "b", "c"])"},

    // Nesting, as in AWS's nine-call example.
    {"NestedAwsArnExample",
     "States.Format('{}.{}.{}', "
     "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
     "$.ImageRecipe.Arn, '/'), 2), '.'), 0), "
     "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
     "$.ImageRecipe.Arn, '/'), 2), '.'), 1), "
     "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit("
     "$.ImageRecipe.Arn, '/'), 2), '.'), 2))",
     R"({"ImageRecipe": {"Arn": "arn:aws:imagebuilder:us-east-1:123:image-recipe/r/1.2.3"}})",
     R"("1.2.3")"},
    {"NestedPartitionOfRange", "States.ArrayPartition(States.ArrayRange(1, 5, 1), 2)", "{}",
     "[[1, 2], [3, 4], [5]]"},
    {"NestedUniqueLength", "States.ArrayLength(States.ArrayUnique($.a))", R"({"a": [1, 1, 2]})",
     "2"},
    {"NestedMergeOfParsed", "States.JsonMerge(States.StringToJson($.s), $.o, false)",
     R"({"s": "{\"a\": 1}", "o": {"b": 2}})", R"({"a": 1, "b": 2})"},
    {"NestedContainsOfSplit", "States.ArrayContains(States.StringSplit($.csv, ','), 'b')",
     R"({"csv": "a,b,c"})", "true"},
};

INSTANTIATE_TEST_SUITE_P(Intrinsic, IntrinsicValueTest, ::testing::ValuesIn(kValueCases),
                         [](const ::testing::TestParamInfo<ValueCase>& p) { return p.param.name; });

// ---------------------------------------------------------------------------
// Failures: call text, input, expected error name and parts of the cause.

struct ErrorCase {
  std::string name;
  std::string call;
  std::string input;
  std::string error;
  std::vector<std::string> cause_parts;
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.call; }

class IntrinsicErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(IntrinsicErrorTest, Fails) {
  const ErrorCase& c = GetParam();
  const Outcome<json::value> r = Eval(c.call, c.input);
  ASSERT_FALSE(r.ok()) << c.call << " -> " << Describe(r);
  EXPECT_EQ(r.error().error, c.error) << Describe(r);
  for (const std::string& part : c.cause_parts) {
    EXPECT_THAT(r.error().cause, HasSubstr(part));
  }
}

constexpr char kIF[] = "States.IntrinsicFailure";
constexpr char kRT[] = "States.Runtime";

const std::vector<ErrorCase> kErrorCases = {
    // Paths that select nothing.
    {"MissingPath", "States.Array($.missing)", "{}", kRT, {"$.missing", "States.Array", "input"}},
    {"MissingNestedPath", "States.Format('{}', $.a.b)", R"({"a": {}})", kRT, {"$.a.b"}},
    {"MissingIndex", "States.Array($.a[5])", R"({"a": [1]})", kRT, {"$.a[5]"}},
    {"MissingContextPath",
     "States.Array($$.Execution.Nope)",
     "{}",
     kRT,
     {"$$.Execution.Nope", "context object"}},
    {"MissingPathInNestedCall",
     "States.ArrayLength(States.Array($.x, $.y))",
     R"({"x": 1})",
     kRT,
     {"$.y"}},
    {"PathIntoScalar", "States.Array($.a.b)", R"({"a": 5})", kRT, {"$.a.b"}},

    // States.Format.
    {"FormatTemplateNotString",
     "States.Format($.t, 1)",
     R"({"t": 5})",
     kIF,
     {"States.Format", "argument 1", "template", "string", "a number"}},
    {"FormatPathTemplateTooFewArgs",
     "States.Format($.t, 1)",
     R"({"t": "{} {}"})",
     kIF,
     {"2 '{}' placeholder(s)", "1 value argument(s)"}},
    {"FormatPathTemplateTooManyArgs",
     "States.Format($.t, 1, 2)",
     R"({"t": "{}"})",
     kIF,
     {"1 '{}' placeholder(s)", "2 value argument(s)"}},

    // States.StringToJson.
    {"StringToJsonInvalid",
     "States.StringToJson($.s)",
     R"({"s": "{not json"})",
     kIF,
     {"States.StringToJson", "not valid JSON"}},
    {"StringToJsonTrailing", "States.StringToJson('1 2')", "{}", kIF, {"not valid JSON"}},
    {"StringToJsonNotString",
     "States.StringToJson($.s)",
     R"({"s": {"a": 1}})",
     kIF,
     {"must be a string", "an object"}},

    // Arrays.
    {"ArrayPartitionNotArray",
     "States.ArrayPartition($.a, 2)",
     R"({"a": "abc"})",
     kIF,
     {"States.ArrayPartition", "argument 1", "an array", "a string"}},
    {"ArrayPartitionZeroChunk",
     "States.ArrayPartition($.a, $.n)",
     R"({"a": [1], "n": 0})",
     kIF,
     {"argument 2", "chunk size"}},
    {"ArrayPartitionRoundsToZero",
     "States.ArrayPartition($.a, $.n)",
     R"({"a": [1], "n": 0.4})",
     kIF,
     {"chunk size"}},
    {"ArrayPartitionChunkNotNumber",
     "States.ArrayPartition($.a, $.n)",
     R"({"a": [1], "n": "2"})",
     kIF,
     {"chunk size", "a string"}},
    {"ArrayContainsNotArray",
     "States.ArrayContains($.a, 1)",
     R"({"a": {"x": 1}})",
     kIF,
     {"States.ArrayContains", "an array", "an object"}},
    {"ArrayRangeZeroStep",
     "States.ArrayRange(1, $.e, $.s)",
     R"({"e": 5, "s": 0})",
     kIF,
     {"step", "must not be 0"}},
    {"ArrayRangeTooMany",
     "States.ArrayRange($.s, 1000, 1)",
     R"({"s": 0})",
     kIF,
     {"more than 1000"}},
    {"ArrayRangeHuge",
     "States.ArrayRange($.s, $.e, 1)",
     R"({"s": -9223372036854775808, "e": 9223372036854775807})",
     kIF,
     {"more than 1000"}},
    {"ArrayRangeNotNumber",
     "States.ArrayRange($.s, 5, 1)",
     R"({"s": "1"})",
     kIF,
     {"States.ArrayRange", "start", "a string"}},
    {"ArrayRangeOutOfInt64",
     "States.ArrayRange($.s, 5, 1)",
     R"({"s": 1e300})",
     kIF,
     {"start", "integer"}},
    {"ArrayGetItemOutOfRange",
     "States.ArrayGetItem($.a, 3)",
     R"({"a": [1, 2, 3]})",
     kIF,
     {"States.ArrayGetItem", "index", "3 is out of bounds", "3 items"}},
    {"ArrayGetItemEmpty", "States.ArrayGetItem($.a, 0)", R"({"a": []})", kIF, {"out of bounds"}},
    {"ArrayGetItemNegativeFromPath",
     "States.ArrayGetItem($.a, $.i)",
     R"({"a": [1], "i": -1})",
     kIF,
     {"index"}},
    {"ArrayGetItemIndexNotNumber",
     "States.ArrayGetItem($.a, $.i)",
     R"({"a": [1], "i": null})",
     kIF,
     {"index", "null"}},
    {"ArrayGetItemNotArray",
     "States.ArrayGetItem($.a, 0)",
     R"({"a": "xyz"})",
     kIF,
     {"an array", "a string"}},
    {"ArrayLengthNotArray",
     "States.ArrayLength($.a)",
     R"({"a": 3})",
     kIF,
     {"States.ArrayLength", "a number"}},
    {"ArrayUniqueNotArray",
     "States.ArrayUnique($.a)",
     R"({"a": null})",
     kIF,
     {"States.ArrayUnique", "null"}},

    // Encoding and hashing.
    {"Base64EncodeNotString",
     "States.Base64Encode($.a)",
     R"({"a": 1})",
     kIF,
     {"States.Base64Encode", "string"}},
    {"Base64DecodeBadChar", "States.Base64Decode('ab!d')", "{}", kIF, {"not valid base64"}},
    {"Base64DecodeDanglingChar", "States.Base64Decode('abcde')", "{}", kIF, {"not valid base64"}},
    {"Base64DecodeBadPadding", "States.Base64Decode('a===')", "{}", kIF, {"not valid base64"}},
    {"Base64DecodeDataAfterPadding",
     "States.Base64Decode('YQ==YQ==')",
     "{}",
     kIF,
     {"not valid base64"}},
    {"Base64DecodeUrlAlphabet", "States.Base64Decode('-_-_')", "{}", kIF, {"not valid base64"}},
    {"Base64DecodeWhitespace", "States.Base64Decode('YW Jj')", "{}", kIF, {"not valid base64"}},
    {"HashUnknownAlgorithmFromPath",
     "States.Hash('x', $.alg)",
     R"({"alg": "SHA-3"})",
     kIF,
     {"States.Hash", "algorithm", "SHA-3"}},
    {"HashAlgorithmCaseSensitive",
     "States.Hash('x', $.alg)",
     R"({"alg": "sha-256"})",
     kIF,
     {"algorithm"}},
    {"HashDataNotString", "States.Hash($.d, 'MD5')", R"({"d": [1]})", kIF, {"an array"}},
    {"HashAlgorithmNotString",
     "States.Hash('x', $.alg)",
     R"({"alg": 256})",
     kIF,
     {"algorithm", "a number"}},

    // States.JsonMerge.
    {"JsonMergeDeepTrueFromPath",
     "States.JsonMerge($.x, $.y, $.d)",
     R"({"x": {}, "y": {}, "d": true})",
     kIF,
     {"States.JsonMerge", "deep merge"}},
    {"JsonMergeDeepNotBool",
     "States.JsonMerge($.x, $.y, $.d)",
     R"({"x": {}, "y": {}, "d": 0})",
     kIF,
     {"deep merge", "a boolean"}},
    {"JsonMergeLeftNotObject",
     "States.JsonMerge($.x, $.y, false)",
     R"({"x": [], "y": {}})",
     kIF,
     {"argument 1", "an object", "an array"}},
    {"JsonMergeRightNotObject",
     "States.JsonMerge($.x, $.y, false)",
     R"({"x": {}, "y": "s"})",
     kIF,
     {"argument 2", "an object", "a string"}},

    // Math.
    {"MathAddNotNumber",
     "States.MathAdd($.a, 1)",
     R"({"a": "1"})",
     kIF,
     {"States.MathAdd", "a string"}},
    {"MathAddAboveInt32",
     "States.MathAdd($.a, 1)",
     R"({"a": 2147483648})",
     kIF,
     {"-2147483648 to 2147483647"}},
    {"MathAddBelowInt32",
     "States.MathAdd(1, $.a)",
     R"({"a": -2147483649})",
     kIF,
     {"argument 2", "-2147483648 to 2147483647"}},
    {"MathAddHugeDouble", "States.MathAdd($.a, 1)", R"({"a": 1e20})", kIF, {"integer"}},
    {"MathAddBool", "States.MathAdd($.a, 1)", R"({"a": true})", kIF, {"a boolean"}},
    {"MathRandomEmptyRange",
     "States.MathRandom(5, 5)",
     "{}",
     kIF,
     {"States.MathRandom", "greater than the start"}},
    {"MathRandomReversed",
     "States.MathRandom($.s, 1)",
     R"({"s": 10})",
     kIF,
     {"greater than the start"}},
    {"MathRandomSeedNotNumber",
     "States.MathRandom(1, 10, $.seed)",
     R"({"seed": "x"})",
     kIF,
     {"seed", "a string"}},

    // States.StringSplit.
    {"StringSplitNotString",
     "States.StringSplit($.s, ',')",
     R"({"s": 12})",
     kIF,
     {"States.StringSplit", "a number"}},
    {"StringSplitDelimiterNotString",
     "States.StringSplit('a', $.d)",
     R"({"d": null})",
     kIF,
     {"argument 2", "null"}},

    // Errors inside nested calls surface unchanged.
    {"NestedFailurePropagates",
     "States.Array(States.ArrayGetItem($.a, 9))",
     R"({"a": [1]})",
     kIF,
     {"States.ArrayGetItem", "out of bounds"}},
};

INSTANTIATE_TEST_SUITE_P(Intrinsic, IntrinsicErrorTest, ::testing::ValuesIn(kErrorCases),
                         [](const ::testing::TestParamInfo<ErrorCase>& p) { return p.param.name; });

}  // namespace
}  // namespace stepwise::engine
