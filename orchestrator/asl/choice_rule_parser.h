// Choice rules: the JSONPath form (Variable + one comparison operator, or
// And/Or/Not over nested rules) and the JSONata form (Condition).
#ifndef STEPWISE_ORCHESTRATOR_ASL_CHOICE_RULE_PARSER_H_
#define STEPWISE_ORCHESTRATOR_ASL_CHOICE_RULE_PARSER_H_

#include <optional>
#include <string>

#include "boost/json/value.hpp"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/model.h"

namespace stepwise::asl {

// Parses one rule of `Choices` (top_level: must have Next) or a nested rule
// of And/Or/Not (must not have Next). Reports problems at `location`;
// returns nullopt when the rule is unusable. `depth` bounds nesting.
std::optional<ChoiceRule> ParseChoiceRule(const boost::json::value& value,
                                          const std::string& location, bool top_level,
                                          QueryLanguage language, int depth,
                                          DiagnosticList& diagnostics);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_CHOICE_RULE_PARSER_H_
