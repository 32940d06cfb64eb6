// Internal to the asl layer: parsing one state (and, for Parallel and Map,
// their sub-machines) into the model while reporting diagnostics. Parsing
// goes on past errors so that one run reports as many problems as it can;
// the caller discards the model if any error was reported.
#ifndef STEPWISE_ORCHESTRATOR_ASL_STATE_PARSER_H_
#define STEPWISE_ORCHESTRATOR_ASL_STATE_PARSER_H_

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/value.hpp"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/field_reader.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::asl {

// Parallel/Map nesting limit (TOO_DEEPLY_NESTED beyond it).
inline constexpr int kMaxMachineNesting = 40;

// State shared by the whole definition.
struct ParseContext {
  const ValidateOptions& options;
  DiagnosticList& diagnostics;
  // From the JSON pass: object location -> keys that occur twice in it.
  std::map<std::string, std::vector<std::string>, std::less<>>& duplicate_keys;
  // State names are unique across the whole definition: name -> first location.
  std::map<std::string, std::string, std::less<>> state_names;
  // Distributed Map labels: label -> first location.
  std::map<std::string, std::string, std::less<>> labels;
};

// What a state needs to know about the (sub-)machine it is in.
struct MachineScope {
  const std::set<std::string, std::less<>>* state_names;  // Valid transition targets.
  QueryLanguage language;                                 // The machine's language.
  int depth;                                              // 0 at top level.
};

enum class MachineKind { kTopLevel, kBranch, kItemProcessor, kIterator };

// Parses a (sub-)machine object at `location`. Never null: a machine with
// errors is returned partially filled.
std::shared_ptr<StateMachine> ParseMachine(const boost::json::value& value,
                                           const std::string& location, MachineKind kind,
                                           QueryLanguage inherited, int depth,
                                           ParseContext& context);

// Parses one state; nullopt when it is not an object or has no usable Type.
std::optional<State> ParseState(std::string_view name, const boost::json::value& value,
                                const std::string& location, const MachineScope& scope,
                                ParseContext& context);

// Reports MISSING_TRANSITION_TARGET at `location` unless `target` is a state.
void CheckTarget(const std::string& target, const std::string& location, const MachineScope& scope,
                 ParseContext& context);

// Type-specific parts, in their own files.
void ParseParallelFields(FieldReader& fields, State& state, const MachineScope& scope,
                         ParseContext& context);
void ParseMapFields(FieldReader& fields, State& state, const MachineScope& scope,
                    ParseContext& context);

// Retry and Catch (Task, Parallel, Map).
void ParseRetryAndCatch(FieldReader& fields, State& state, const MachineScope& scope,
                        ParseContext& context);

// An integer field with its `...Path` variant (JSONPath) or a JSONata
// expression form: TimeoutSeconds, HeartbeatSeconds, MaxConcurrency, ...
// Reports both-present at the state's location unless `check_exclusive` is
// false (the caller checks a larger set, as Wait does).
DynamicInt ReadDynamicInt(FieldReader& fields, std::string_view key, int64_t min, int64_t max,
                          QueryLanguage language, DiagnosticList& diagnostics,
                          bool check_exclusive = true);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_STATE_PARSER_H_
