// The payload size check without a walk (issue 3, bench/README.md): a Pass
// state passing its input on, or putting its Result in at a ResultPath,
// knows a crude bound of its output from its input's; Continue skips the
// walk when that bound is under the limit and walks (then counts exactly)
// when it is not. Both branches, and the bound's arithmetic.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/internal/payload_size.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using internal::CrudeKeyBound;
using internal::CrudeSizeBound;
using internal::FitsIn;

LocalRunResult RunPasses(std::string_view definition, std::string_view input, size_t limit,
                         bool history = false) {
  asl::ValidationResult machine = asl::ValidateDefinition(definition);
  EXPECT_TRUE(machine.ok()) << definition;
  InterpreterOptions options;
  options.max_payload_bytes = limit;
  options.record_history = history;
  Interpreter interpreter(machine.machine, options);
  return RunLocally(interpreter, ExecutionInfo{"arn:e", "e", "arn:m", "m", "arn:role"},
                    json::parse(input),
                    [](const ScheduleTask&) {
                      return TaskAnswer{TaskAnswer::Kind::kNoAnswer, {}, "", ""};
                    },
                    {});
}

// {"a":"x"} is 9 bytes, crude bound 20; with {"k":"v"} at $.r, 23 bytes,
// crude bound 50, and the bound derived without a walk 20 + 20 + 4 + 8 = 52.
constexpr std::string_view kResultAtPath = R"j({"StartAt":"P","States":{
    "P":{"Type":"Pass","Result":{"k":"v"},"ResultPath":"$.r","End":true}}})j";

TEST(PayloadBoundTest, DerivedBoundOverTheLimitFallsBackToTheWalk) {
  // 52 > 30 and the crude walk's 50 > 30, but the text (23) fits.
  LocalRunResult r = RunPasses(kResultAtPath, R"j({"a":"x"})j", 30);
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":"x","r":{"k":"v"}})j");
}

TEST(PayloadBoundTest, OutputOverTheLimitFailsWithItsExactSize) {
  LocalRunResult r = RunPasses(kResultAtPath, R"j({"a":"x"})j", 22);
  ASSERT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  EXPECT_EQ(r.state.cause,
            "The state/task 'P' returned a result with a size of 23 bytes that exceeds the "
            "maximum size of 22 bytes");
  // The state document keeps the state's input as it was.
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":"x"})j");
}

TEST(PayloadBoundTest, DerivedBoundCountsTheNewKeys) {
  // Without the key's share the bound would be 2 + 2 = 4 <= 16 and the
  // 17-byte output would pass.
  LocalRunResult r = RunPasses(R"j({"StartAt":"P","States":{
      "P":{"Type":"Pass","Result":"","ResultPath":"$.kkkkkkkkkk","End":true}}})j",
                               "{}", 16);
  ASSERT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  EXPECT_NE(r.state.cause.find("a size of 17 bytes"), std::string::npos) << r.state.cause;
  EXPECT_TRUE(RunPasses(R"j({"StartAt":"P","States":{
      "P":{"Type":"Pass","Result":"","ResultPath":"$.kkkkkkkkkk","End":true}}})j",
                        "{}", 17)
                  .state.status == ExecutionStatus::kSucceeded);
}

TEST(PayloadBoundTest, ChainOfBoundsGivesTheSameOutputsAsHistory) {
  // Result at a new path, a whole-input Pass, a Result replacing a value,
  // a nested path creating objects, Parameters (walked), then a whole-input
  // Pass again; with history every output is serialized and measured.
  constexpr std::string_view kChain = R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"s":"received"},"ResultPath":"$.meta","Next":"B"},
      "B":{"Type":"Pass","Next":"C"},
      "C":{"Type":"Pass","Result":[1,2.5,true,null],"ResultPath":"$.meta","Next":"D"},
      "D":{"Type":"Pass","Result":"deep","ResultPath":"$.x.y.z","Next":"E"},
      "E":{"Type":"Pass","Parameters":{"m.$":"$.meta","x.$":"$.x","o.$":"$.order"},"Next":"F"},
      "F":{"Type":"Pass","InputPath":"$","OutputPath":"$","End":true}}})j";
  constexpr std::string_view kInput = R"j({"order":{"id":"o-1","items":["a","b"]}})j";
  const std::string expected =
      R"j({"m":[1,2.5E0,true,null],"x":{"y":{"z":"deep"}},"o":{"id":"o-1","items":["a","b"]}})j";
  for (bool history : {false, true}) {
    LocalRunResult r = RunPasses(kChain, kInput, 256 * 1024, history);
    ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
    EXPECT_EQ(json::serialize(r.state.output), expected) << history;
  }
  // The largest output is D's: exactly at its size, and one under.
  const std::string d_output =
      R"j({"order":{"id":"o-1","items":["a","b"]},"meta":[1,2.5E0,true,null],"x":{"y":{"z":"deep"}}})j";
  LocalRunResult at = RunPasses(kChain, kInput, d_output.size());
  EXPECT_EQ(at.state.status, ExecutionStatus::kSucceeded) << at.state.cause;
  LocalRunResult under = RunPasses(kChain, kInput, d_output.size() - 1);
  EXPECT_EQ(under.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(under.state.cause,
            StrCat("The state/task 'D' returned a result with a size of ", d_output.size(),
                   " bytes that exceeds the maximum size of ", d_output.size() - 1, " bytes"));
}

TEST(PayloadBoundTest, CrudeBoundIsAnUpperBoundAndAddsUp) {
  const json::value document = json::parse(R"j({"a":"x","n":[1,-2,3.5,true,null],"o":{}})j");
  EXPECT_GE(CrudeSizeBound(document), json::serialize(document).size());
  // An object's bound: 2, plus per member 2 + the key's + the value's.
  EXPECT_EQ(CrudeSizeBound(json::parse(R"j({"a":"x"})j")), 2 + 2 + CrudeKeyBound(1) + 8);
  // Putting a value in at a path of keys adds at most its bound plus 4 and
  // the key's bound per key.
  json::value grown = document;
  const json::value result = json::parse(R"j({"k":[1,2]})j");
  grown.get_object()["p"] = json::object{{"q", result}};
  EXPECT_LE(CrudeSizeBound(grown), CrudeSizeBound(document) + CrudeSizeBound(result) +
                                       (4 + CrudeKeyBound(1)) + (4 + CrudeKeyBound(1)));
  json::value replaced = document;
  replaced.get_object()["n"] = result;
  EXPECT_LE(CrudeSizeBound(replaced),
            CrudeSizeBound(document) + CrudeSizeBound(result) + 4 + CrudeKeyBound(1));
}

TEST(PayloadBoundTest, FitsInKeepsTheCrudeBoundOnlyUnderTheLimit) {
  const json::value document = json::parse(R"j({"a":"x"})j");  // 9 bytes, crude 20.
  std::optional<size_t> bound;
  EXPECT_TRUE(FitsIn(document, 100, bound));
  EXPECT_EQ(bound, std::optional<size_t>(20));
  EXPECT_TRUE(FitsIn(document, 10, bound));  // Fits by the closer count.
  EXPECT_EQ(bound, std::nullopt);
  bound = 5;
  EXPECT_FALSE(FitsIn(document, 8, bound));
  EXPECT_EQ(bound, std::nullopt);
}

}  // namespace
}  // namespace stepwise::engine
