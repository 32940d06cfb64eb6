// DefinitionSubstitutions, as AWS applies them at CreateStateMachine time:
// every `${Name}` inside a JSON string value of the definition is replaced by
// the substitution's value when `Name` is in the map. Placeholders with no
// substitution stay as they are (validation then decides whether they are
// acceptable where they stand).
//
//   ASSIGN_OR_RETURN(std::string text,
//                    ApplySubstitutions(raw, {{"DataCheckingFunctionArn", "arn:..."}}));
#ifndef STEPWISE_ORCHESTRATOR_ASL_SUBSTITUTIONS_H_
#define STEPWISE_ORCHESTRATOR_ASL_SUBSTITUTIONS_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace stepwise::asl {

using Substitutions = std::map<std::string, std::string, std::less<>>;

// The definition with placeholders replaced in string values (not keys);
// everything else is kept byte for byte. kInvalidArgument if `definition_text` is not JSON.
absl::StatusOr<std::string> ApplySubstitutions(std::string_view definition_text,
                                               const Substitutions& substitutions);

// Replaces `${Name}` placeholders in one string.
std::string SubstituteString(std::string_view text, const Substitutions& substitutions);

// The names of all `${Name}` placeholders in the definition's string values,
// sorted and unique (for "missing substitution" messages).
std::vector<std::string> FindPlaceholders(std::string_view text);

// True if `text` contains a `${Name}` placeholder.
bool HasPlaceholder(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_SUBSTITUTIONS_H_
