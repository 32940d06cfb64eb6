// The public API of orchestrator/asl/jsonata: parse errors with codes and
// positions, bindings, the injected clock and random source, undefined.
#include <regex>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::jsonata {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

absl::StatusOr<std::optional<boost::json::value>> Eval(std::string_view expr,
                                                       const boost::json::value* input = nullptr,
                                                       const Bindings& bindings = {},
                                                       const Environment& env = {}) {
  auto parsed = Parse(expr);
  if (!parsed.ok()) return parsed.status();
  return Evaluate(**parsed, input, bindings, env);
}

TEST(JsonataApiTest, SyntaxErrorCarriesCodeAndPosition) {
  auto parsed = Parse("a + ");
  ASSERT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorCode(parsed.status()), "S0207");
  EXPECT_THAT(std::string(parsed.status().message()), ::testing::HasSubstr("position 4"));
  auto bad_close = Parse("(1))");
  EXPECT_EQ(ErrorCode(bad_close.status()), "S0201");
  EXPECT_THAT(std::string(bad_close.status().message()), ::testing::HasSubstr("Syntax error"));
}

TEST(JsonataApiTest, RuntimeErrorCarriesCode) {
  auto result = Eval("'a' + 1");
  ASSERT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(ErrorCode(result.status()), "T2001");
  EXPECT_THAT(std::string(result.status().message()),
              ::testing::HasSubstr("left side of the + operator must evaluate to a number"));
}

TEST(JsonataApiTest, UndefinedIsNullopt) {
  boost::json::value input = boost::json::parse(R"({"a": 1})");
  auto result = Eval("b", &input);
  ASSERT_THAT(result, IsOk());
  EXPECT_FALSE(result->has_value());
  auto no_input = Eval("a");
  ASSERT_THAT(no_input, IsOk());
  EXPECT_FALSE(no_input->has_value());
}

TEST(JsonataApiTest, BindingsAreVariables) {
  Bindings vars{{"states", boost::json::parse(R"({"input": {"x": [1, 2, 3]}})")},
                {"limit", boost::json::value(2)}};
  auto result = Eval("$states.input.x[$ > $limit]", nullptr, vars);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(**result, boost::json::value(3));
}

TEST(JsonataApiTest, ClockIsInjected) {
  Environment env{.now_millis = 1700000000123, .random = nullptr};
  auto now = Eval("$now()", nullptr, {}, env);
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(**now, boost::json::value("2023-11-14T22:13:20.123Z"));
  auto millis = Eval("$millis()", nullptr, {}, env);
  ASSERT_THAT(millis, IsOk());
  EXPECT_EQ(**millis, boost::json::value(1700000000123));
}

TEST(JsonataApiTest, RandomIsInjected) {
  Environment env{.now_millis = 0, .random = [] { return 0.25; }};
  auto r = Eval("$random()", nullptr, {}, env);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(**r, boost::json::value(0.25));
  auto shuffled = Eval("$shuffle([1, 2, 3, 4])", nullptr, {}, env);
  ASSERT_THAT(shuffled, IsOk());
  EXPECT_EQ((*shuffled)->as_array().size(), 4u);
  auto uuid = Eval("$uuid()", nullptr, {}, env);
  ASSERT_THAT(uuid, IsOk());
  std::string u((*uuid)->as_string());
  EXPECT_TRUE(
      std::regex_match(u, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                     "[0-9a-f]{12}")))
      << u;
}

TEST(JsonataApiTest, SeededRandomIsDeterministic) {
  auto a = Eval("$random(42)");
  auto b = Eval("$random(42)");
  auto c = Eval("$random(43)");
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(**a, **b);
  EXPECT_NE(**a, **c);
  double v = (*a)->as_double();
  EXPECT_GE(v, 0);
  EXPECT_LT(v, 1);
}

TEST(JsonataApiTest, StepFunctionsFunctions) {
  struct Case {
    const char* expr;
    const char* want;
  } cases[] = {
      {"$partition([1,2,3,4,5,6,7,8,9], 3)", "[[1,2,3],[4,5,6],[7,8,9]]"},
      {"$partition([1,2,3,4,5], 2)", "[[1,2],[3,4],[5]]"},
      {"$range(0, 10, 2)", "[0,2,4,6,8,10]"},
      {"$range(5, 1, -2)", "[5,3,1]"},
      {"$range(1, 3)", "[1,2,3]"},
      {"$hash('input data', 'SHA-256')",
       "\"b4a697a057313163aee33cd8d40c66e9f0f177e00cac2de32475ffff6169c3e3\""},
      {"$hash('abc', 'MD5')", "\"900150983cd24fb0d6963f7d28e17f72\""},
      {"$hash('abc', 'SHA-1')", "\"a9993e364706816aba3e25717850c26c9cd0d89d\""},
      {"$parse('{\"a\": [1, {\"b\": null}]}')", "{\"a\":[1,{\"b\":null}]}"},
      {"$parse('\"x\"')", "\"x\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expr);
    auto r = Eval(c.expr);
    ASSERT_THAT(r, IsOk());
    ASSERT_TRUE(r->has_value());
    EXPECT_EQ(**r, boost::json::parse(c.want)) << boost::json::serialize(**r);
  }
  EXPECT_EQ(ErrorCode(Eval("$hash('a', 'SHA-3')").status()), "T3001");
  EXPECT_EQ(ErrorCode(Eval("$parse('{bad')").status()), "T3001");
  EXPECT_EQ(ErrorCode(Eval("$partition([1], 0)").status()), "T3001");
  EXPECT_EQ(ErrorCode(Eval("$range(1, 2, 0)").status()), "T3001");
}

TEST(JsonataApiTest, DeepRecursionFailsCleanly) {
  auto r = Eval("($f := function($n){$n = 0 ? 0 : 1 + $f($n - 1)}; $f(100000))");
  EXPECT_EQ(ErrorCode(r.status()), "U1001") << r.status();
  std::string deep(5000, '(');
  auto p = Parse(deep + "1" + std::string(5000, ')'));
  EXPECT_FALSE(p.ok());
}

TEST(JsonataApiTest, ExpressionIsReusable) {
  auto parsed = Parse("x * 2");
  ASSERT_THAT(parsed, IsOk());
  for (int i = 0; i < 3; ++i) {
    boost::json::value input = {{"x", i}};
    auto r = Evaluate(**parsed, &input, {}, {});
    ASSERT_THAT(r, IsOk());
    EXPECT_EQ(**r, boost::json::value(i * 2));
  }
}

TEST(JsonataApiTest, ArrayInputIsTheContext) {
  boost::json::value input = boost::json::parse(R"([{"a": 1}, {"a": 2}])");
  auto all = Eval("a", &input);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(**all, boost::json::parse("[1, 2]"));
  auto count = Eval("$count($)", &input);
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(**count, boost::json::value(2));
}

// Expected values from npm jsonata 2.2.2 ($now(p, tz) is $fromMillis of
// "now"; the $toMillis defaults computed there with the full timestamp).
TEST(JsonataApiTest, PicturesUseTheInjectedNow) {
  Environment env{.now_millis = 1700000000000, .random = nullptr};  // 2023-11-14T22:13:20Z
  auto now = Eval("$now('[Y0001]-[M01]-[D01] [H01]:[m01] [Z]', '+0100')", nullptr, {}, env);
  ASSERT_THAT(now, IsOk());
  EXPECT_EQ(**now, boost::json::value("2023-11-14 23:13 +01:00"));
  // Missing leading components come from "now", trailing ones are minimal.
  auto time_only = Eval("$toMillis('10:30', '[H]:[m]')", nullptr, {}, env);
  ASSERT_THAT(time_only, IsOk());
  EXPECT_EQ(**time_only, boost::json::value(1699957800000));
  auto month_day = Eval("$toMillis('03-05', '[M]-[D]')", nullptr, {}, env);
  ASSERT_THAT(month_day, IsOk());
  EXPECT_EQ(**month_day, boost::json::value(1677974400000));
  auto day = Eval("$toMillis('5', '[D]')", nullptr, {}, env);
  ASSERT_THAT(day, IsOk());
  EXPECT_EQ(**day, boost::json::value(1699142400000));
  auto gap = Eval("$toMillis('2023 10', '[Y] [H]')", nullptr, {}, env);
  EXPECT_EQ(ErrorCode(gap.status()), "D3136");
}

TEST(JsonataApiTest, EvalRunsInTheCallersScope) {
  auto bound = Eval("($eval('$y := 2'); $y)");
  ASSERT_THAT(bound, IsOk());
  EXPECT_EQ(**bound, boost::json::value(2));
  auto syntax = Eval("$eval('1 +')");
  EXPECT_EQ(ErrorCode(syntax.status()), "D3120");
  EXPECT_THAT(std::string(syntax.status().message()),
              ::testing::HasSubstr("passed to function eval: \"Unexpected end of expression\""));
  auto dynamic = Eval("$eval('$undefinedfn()')");
  EXPECT_EQ(ErrorCode(dynamic.status()), "D3121");
  EXPECT_THAT(std::string(dynamic.status().message()),
              ::testing::HasSubstr("\"Attempted to invoke a non-function\""));
}

}  // namespace
}  // namespace stepwise::jsonata
