// The validator parses every `{% %}` expression, as AWS rejects a definition
// whose JSONata does not parse; the message carries JSONata's code and position.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::asl {
namespace {

using ::testing::HasSubstr;

TEST(JsonataSyntaxTest, MessageNamesExpressionCodeAndPosition) {
  ValidationResult result = ValidateDefinition(R"j({"QueryLanguage":"JSONata","StartAt":"P",
      "States":{"P":{"Type":"Pass","End":true,"Output":{"x":"{% $states.input.( %}"}}}})j");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.diagnostics.size(), 1u);
  const Diagnostic& diagnostic = result.diagnostics[0];
  EXPECT_EQ(diagnostic.code, DiagnosticCode::kSchemaValidationFailed);
  EXPECT_EQ(diagnostic.location, "/States/P/Output/x");
  EXPECT_THAT(diagnostic.message, HasSubstr("'{% $states.input.( %}' is invalid: S0"));
  EXPECT_THAT(diagnostic.message, HasSubstr("at position"));
}

TEST(JsonataSyntaxTest, ExpressionsThatParseAreAccepted) {
  ValidationResult result = ValidateDefinition(R"j({"QueryLanguage":"JSONata","StartAt":"P",
      "States":{"P":{"Type":"Pass","End":true,
      "Output":{"x":"{% $sum($states.input.items.(price * qty)) %}","y":"{% 'a' & \"b\" %}"},
      "Assign":{"v":"{% $states.input ~> $keys() %}"}}}})j");
  EXPECT_TRUE(result.ok());
}

}  // namespace
}  // namespace stepwise::asl
