// Malformed and hostile expressions never crash or hang the evaluator:
// generated expressions, truncated and with characters replaced, must
// either evaluate or fail with a JSONata error code.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/jsonata/parser.h"
#include "tests/unit/jsonata/expression_generator.h"

namespace stepwise::jsonata {
namespace {

TEST(JsonataRobustnessTest, MutatedExpressionsFailCleanly) {
  testing::ExpressionGenerator generator(99);
  boost::json::value input = testing::ExpressionGenerator::Input();
  const std::string alphabet = "()[]{}.,;:?$*&|/\\'\"`~^%#@!<>=+-0123456789 abxyz";
  uint64_t state = 12345;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>(state >> 33);
  };
  int errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string expr = generator.Next();
    switch (next() % 3) {
      case 0:
        expr = expr.substr(0, next() % (expr.size() + 1));
        break;
      case 1:
        for (int k = 0; k < 3 && !expr.empty(); ++k)
          expr[next() % expr.size()] = alphabet[next() % alphabet.size()];
        break;
      default:
        expr.insert(next() % (expr.size() + 1), 1, alphabet[next() % alphabet.size()]);
    }
    SCOPED_TRACE(expr);
    auto parsed = Parse(expr);
    absl::Status status = parsed.status();
    if (parsed.ok()) status = Evaluate(**parsed, &input, {}, {}).status();
    if (!status.ok()) {
      ++errors;
      EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
      EXPECT_EQ(ErrorCode(status).size(), 5u) << status;
    }
  }
  EXPECT_GT(errors, 100);  // the mutations do break expressions
}

TEST(JsonataRobustnessTest, ResourceLimits) {
  for (const char* expr :
       {"[1..100000000]", "$pad('x', 1e12)", "$range(0, 1e9, 1)", "$formatBase(1e300, 2)",
        "$substring('abc', 1e300, 1e300)", "$partition([1, 2], 1e300)", "$round(1, 400)",
        "[1, 2][1e300]", "$split('abc', '', 1e300)", "$power(2, 1e9)"}) {
    SCOPED_TRACE(expr);
    auto parsed = Parse(expr);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    (void)Evaluate(**parsed, nullptr, {}, {});  // must return, whatever the outcome
  }
}

}  // namespace
}  // namespace stepwise::jsonata

namespace stepwise::jsonata {
namespace {

// A lambda stored into the object it was made over (here by a transform)
// holds that object through its captured input: a cycle of shared
// pointers, which leaked every evaluation. The evaluator cuts it when it
// ends, as it clears the frames' bindings.
TEST(JsonataRobustnessTest, LambdaStoredInItsOwnInputIsFreedAfterTheEvaluation) {
  std::weak_ptr<const internal::Function> lambda;
  {
    internal::Evaluator evaluator(0, [] { return 0.5; });
    internal::FramePtr frame = evaluator.NewFrame(nullptr);
    internal::NodePtr ast =
        internal::ParseExpression("{'start': 1} ~> |$|{'next': function(){()}}|");
    internal::Value result = evaluator.Evaluate(ast, internal::Value(), frame);
    ASSERT_TRUE(result.IsObject());
    const internal::Value* next = result.object().Find("next");
    ASSERT_NE(next, nullptr);
    ASSERT_TRUE(next->IsFunction());
    lambda = next->function_ptr();
    // The cycle: the lambda's input is the object that holds the lambda.
    ASSERT_TRUE(lambda.lock()->input.IsObject());
  }
  EXPECT_TRUE(lambda.expired());
}

}  // namespace
}  // namespace stepwise::jsonata
