// Intrinsic functions: randomness, size limits and hand-built calls.
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
#include "orchestrator/engine/intrinsics.h"
#include "orchestrator/engine/state_error.h"
#include "tests/unit/engine/intrinsics_test_util.h"

namespace stepwise::engine {
namespace {

namespace json = boost::json;
using testing::Describe;
using testing::Eval;
using ::testing::HasSubstr;
using testing::kContextObject;

// ---------------------------------------------------------------------------
// Randomness, limits and hand-built calls.

TEST(IntrinsicRandomTest, SeededMathRandomIsDeterministicAndInRange) {
  const Outcome<json::value> a = Eval("States.MathRandom(1, 999, 1234)", "{}", /*seed=*/1);
  const Outcome<json::value> b = Eval("States.MathRandom(1, 999, 1234)", "{}", /*seed=*/2);
  ASSERT_TRUE(a.ok()) << Describe(a);
  ASSERT_TRUE(b.ok()) << Describe(b);
  EXPECT_EQ(a.value(), b.value());  // The seed argument, not the context entropy, decides.
  ASSERT_TRUE(a.value().is_int64());
  EXPECT_GE(a.value().get_int64(), 1);
  EXPECT_LT(a.value().get_int64(), 999);
}

TEST(IntrinsicRandomTest, DifferentSeedsGiveDifferentSequences) {
  std::set<int64_t> values;
  for (int seed = 0; seed < 20; ++seed) {
    const Outcome<json::value> r =
        Eval("States.MathRandom(0, 1000000, " + std::to_string(seed) + ")", "{}");
    ASSERT_TRUE(r.ok()) << Describe(r);
    values.insert(r.value().get_int64());
  }
  EXPECT_GT(values.size(), 15u);
}

TEST(IntrinsicRandomTest, SeedFromPathAndRoundedSeedMatchLiteral) {
  const Outcome<json::value> literal = Eval("States.MathRandom(0, 100, 42)", "{}");
  const Outcome<json::value> path = Eval("States.MathRandom(0, 100, $.seed)", R"({"seed": 42})");
  const Outcome<json::value> rounded =
      Eval("States.MathRandom(0, 100, $.seed)", R"({"seed": 41.5})");
  ASSERT_TRUE(literal.ok() && path.ok() && rounded.ok());
  EXPECT_EQ(literal.value(), path.value());
  EXPECT_EQ(literal.value(), rounded.value());
}

TEST(IntrinsicRandomTest, UnseededMathRandomDrawsFromContextEntropy) {
  const Outcome<json::value> a = Eval("States.MathRandom(-50, 50)", "{}", /*seed=*/3);
  const Outcome<json::value> b = Eval("States.MathRandom(-50, 50)", "{}", /*seed=*/3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value(), b.value());
  std::set<int64_t> values;
  for (uint64_t seed = 0; seed < 200; ++seed) {
    const Outcome<json::value> r = Eval("States.MathRandom(-50, 50)", "{}", seed);
    ASSERT_TRUE(r.ok()) << Describe(r);
    const int64_t v = r.value().get_int64();
    EXPECT_GE(v, -50);
    EXPECT_LT(v, 50);  // End is exclusive.
    values.insert(v);
  }
  EXPECT_GT(values.size(), 50u);
}

TEST(IntrinsicRandomTest, MathRandomRoundsBounds) {
  for (uint64_t seed = 0; seed < 50; ++seed) {
    const Outcome<json::value> r = Eval("States.MathRandom(12.5, 14.4)", "{}", seed);
    ASSERT_TRUE(r.ok()) << Describe(r);
    EXPECT_EQ(r.value().get_int64(), 13);  // [13, 14).
  }
}

TEST(IntrinsicRandomTest, MathRandomFullInt64Range) {
  const Outcome<json::value> r = Eval("States.MathRandom($.s, $.e)",
                                      R"({"s": -9223372036854775808, "e": 9223372036854775807})");
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_TRUE(r.value().is_int64());
}

// Lowercase 8-4-4-4-12 hex, version 4, RFC 4122 variant.
bool IsUuidV4(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    const char c = s[i];
    if (dash != (c == '-')) return false;
    if (!dash && !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return s[14] == '4' && std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

TEST(IntrinsicRandomTest, UuidIsV4AndDeterministicForSeed) {
  const Outcome<json::value> a = Eval("States.UUID()", "{}", /*seed=*/11);
  const Outcome<json::value> b = Eval("States.UUID()", "{}", /*seed=*/11);
  const Outcome<json::value> c = Eval("States.UUID()", "{}", /*seed=*/12);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a.value(), b.value());
  EXPECT_NE(a.value(), c.value());
  const std::string uuid(a.value().get_string());
  EXPECT_TRUE(IsUuidV4(uuid)) << uuid;
}

TEST(IntrinsicRandomTest, UuidsDifferWithinOneEntropyStream) {
  const absl::StatusOr<asl::IntrinsicCall> call =
      asl::ParseIntrinsicCall("States.Array(States.UUID(), States.UUID())");
  ASSERT_TRUE(call.ok());
  SeededEntropy entropy(5);
  const Outcome<json::value> r = EvaluateIntrinsic(*call, json::object(), {nullptr, &entropy});
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_NE(r.value().get_array()[0], r.value().get_array()[1]);
}

TEST(IntrinsicRandomTest, MissingEntropyIsAFailureNotACrash) {
  const absl::StatusOr<asl::IntrinsicCall> uuid = asl::ParseIntrinsicCall("States.UUID()");
  const absl::StatusOr<asl::IntrinsicCall> random =
      asl::ParseIntrinsicCall("States.MathRandom(1, 9)");
  const absl::StatusOr<asl::IntrinsicCall> seeded =
      asl::ParseIntrinsicCall("States.MathRandom(1, 9, 3)");
  ASSERT_TRUE(uuid.ok() && random.ok() && seeded.ok());
  const json::value input = json::object();
  EXPECT_EQ(EvaluateIntrinsic(*uuid, input, {}).error().error, "States.IntrinsicFailure");
  EXPECT_EQ(EvaluateIntrinsic(*random, input, {}).error().error, "States.IntrinsicFailure");
  EXPECT_TRUE(EvaluateIntrinsic(*seeded, input, {}).ok());  // A seed needs no entropy.
}

TEST(IntrinsicTest, ContextPathWithoutContextObjectSeesAnEmptyObject) {
  const absl::StatusOr<asl::IntrinsicCall> call =
      asl::ParseIntrinsicCall("States.Array($$.Execution.Id)");
  const absl::StatusOr<asl::IntrinsicCall> whole = asl::ParseIntrinsicCall("States.Array($$)");
  ASSERT_TRUE(call.ok() && whole.ok());
  const json::value input = json::parse(R"({"Execution": {"Id": "from-input"}})");
  const Outcome<json::value> r = EvaluateIntrinsic(*call, input, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, "States.Runtime");
  const Outcome<json::value> w = EvaluateIntrinsic(*whole, input, {});
  ASSERT_TRUE(w.ok()) << Describe(w);
  EXPECT_EQ(w.value(), json::parse("[{}]"));
}

TEST(IntrinsicTest, ArrayRangeOfExactly1000Items) {
  const Outcome<json::value> r = Eval("States.ArrayRange($.s, 999, 1)", R"({"s": 0})");
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.value().get_array().size(), 1000u);
  EXPECT_EQ(r.value().get_array().back(), json::value(999));
}

TEST(IntrinsicTest, CodecInputsAreLimitedTo10000Characters) {
  const std::string ok_input = R"({"s": ")" + std::string(10000, 'a') + R"("})";
  const std::string long_input = R"({"s": ")" + std::string(10001, 'a') + R"("})";
  for (const char* call : {"States.Base64Encode($.s)", "States.Hash($.s, 'MD5')"}) {
    EXPECT_TRUE(Eval(call, ok_input).ok()) << call;
    const Outcome<json::value> r = Eval(call, long_input);
    ASSERT_FALSE(r.ok()) << call;
    EXPECT_EQ(r.error().error, "States.IntrinsicFailure");
    EXPECT_THAT(r.error().cause, HasSubstr("10000 characters"));
  }
  // Characters, not bytes: 5000 two-byte characters are fine.
  std::string wide;
  for (int i = 0; i < 5000; ++i) wide += "é";
  EXPECT_TRUE(Eval("States.Base64Encode($.s)", R"({"s": ")" + wide + R"("})").ok());
}

TEST(IntrinsicTest, OversizedArgumentsFailInsteadOfBlowingUp) {
  // ~200 KB input; four copies exceed the 256 KiB payload limit.
  const std::string input = R"({"s": ")" + std::string(200000, 'x') + R"("})";
  const Outcome<json::value> one = Eval("States.Array($.s)", input);
  EXPECT_TRUE(one.ok());
  const Outcome<json::value> r = Eval("States.Array($.s, $.s, $.s, $.s)", input);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, "States.IntrinsicFailure");
  EXPECT_THAT(r.error().cause, HasSubstr("payload limit"));
  const Outcome<json::value> f = Eval("States.Format('{}{}{}', $.s, $.s, $.s)", input);
  ASSERT_FALSE(f.ok());
}

TEST(IntrinsicTest, DeeplyNestedStringToJsonFails) {
  const std::string deep = std::string(2000, '[') + std::string(2000, ']');
  const Outcome<json::value> r = Eval("States.StringToJson($.s)", R"({"s": ")" + deep + R"("})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, "States.IntrinsicFailure");
}

TEST(IntrinsicTest, ArrayUniqueOnLargeArrayIsFast) {
  std::string input = R"({"a": [)";
  for (int i = 0; i < 20000; ++i) input += std::to_string(i % 1000) + ",";
  input += "0]}";
  const Outcome<json::value> r = Eval("States.ArrayLength(States.ArrayUnique($.a))", input);
  ASSERT_TRUE(r.ok()) << Describe(r);
  EXPECT_EQ(r.value(), json::value(1000));
}

TEST(IntrinsicTest, HandBuiltCallWithWrongArityFails) {
  asl::IntrinsicCall call;
  call.function = asl::IntrinsicFunction::kArrayGetItem;
  call.name = "States.ArrayGetItem";
  const Outcome<json::value> r = EvaluateIntrinsic(call, json::object(), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().error, "States.IntrinsicFailure");
}

TEST(IntrinsicTest, InputIsNotModified) {
  const absl::StatusOr<asl::IntrinsicCall> call =
      asl::ParseIntrinsicCall("States.JsonMerge($.x, $.y, false)");
  ASSERT_TRUE(call.ok());
  constexpr std::string_view kInput = R"({"x": {"a": 1}, "y": {"a": 2, "b": 3}})";
  const json::value input = json::parse(kInput);
  const Outcome<json::value> r = EvaluateIntrinsic(*call, input, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.value(), json::parse(R"({"a": 2, "b": 3})"));
  EXPECT_EQ(input, json::parse(kInput));
}

}  // namespace
}  // namespace stepwise::engine
