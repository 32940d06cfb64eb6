// Evaluation of Choice rules (JSONPath form) against a state's effective input.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_CHOICE_EVALUATOR_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_CHOICE_EVALUATOR_H_

#include <optional>
#include <string_view>

#include "boost/json/value.hpp"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine {

// Whether `rule` holds. A Variable (or *Path operand) that selects nothing is
// a States.Runtime error, except for IsPresent (false) as AWS does.
Outcome<bool> EvaluateChoiceRule(const asl::ChoiceRule& rule, const boost::json::value& input,
                                 const EvaluationContext& context);

// The index of the first top-level rule that holds, or nullopt (then Default
// applies, or States.NoChoiceMatched).
Outcome<std::optional<size_t>> SelectChoice(const asl::ChoiceFields& choice,
                                            const boost::json::value& input,
                                            const EvaluationContext& context);

// StringMatches: `*` matches any sequence (also empty); `\*` a literal `*`,
// `\\` a literal backslash.
bool StringMatches(std::string_view value, std::string_view pattern);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_CHOICE_EVALUATOR_H_
