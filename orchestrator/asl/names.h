// Naming rules of AWS Step Functions for state names, state machine (and
// execution/activity) names, Distributed Map labels and variable names.
#ifndef STEPWISE_ORCHESTRATOR_ASL_NAMES_H_
#define STEPWISE_ORCHESTRATOR_ASL_NAMES_H_

#include <string>
#include <string_view>

namespace stepwise::asl {

inline constexpr size_t kMaxStateNameLength = 80;
inline constexpr size_t kMaxResourceNameLength = 80;
inline constexpr size_t kMaxLabelLength = 40;

// Empty when `name` is a valid state name (1..80 characters, no control
// characters); otherwise what is wrong with it.
std::string StateNameProblem(std::string_view name);

enum class ResourceNameProblem { kNone, kEmpty, kTooLong, kInvalid };
// State machine, execution and activity names: 1..80 characters, none of
// whitespace, `< > { } [ ]`, `? *`, `" # % \ ^ | ~ ` $ & , ; : /`, or
// control characters.
ResourceNameProblem CheckResourceName(std::string_view name);

// Empty when valid: at most 40 characters, same characters as resource names.
std::string LabelProblem(std::string_view label);

// Variable names for Assign: a letter or `_`, then letters, digits or `_`,
// at most 80 characters.
bool IsValidVariableName(std::string_view name);

// Length in Unicode code points of UTF-8 text (AWS counts characters).
size_t Utf8Length(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_NAMES_H_
