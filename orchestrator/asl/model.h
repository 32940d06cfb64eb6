// The typed, immutable model of an Amazon States Language definition.
//
// A `StateMachine` is produced by `ParseDefinition` (validator.h) only from a
// definition that validated without errors, so the engine may rely on every
// invariant checked there: transitions name existing states, paths parse,
// exactly one of Next/End is set, and so on. Path and template fields keep
// their source text (a path string, a JSON payload template); the engine
// compiles them.
//
// Optional JSONPath/JSONata fields are std::optional; a field that is absent
// in the definition is nullopt. For ResultPath/InputPath/OutputPath the
// three cases AWS distinguishes are kept apart: absent (default `$`),
// explicit null (`PathField::kNull`), or a path.
#ifndef STEPWISE_ORCHESTRATOR_ASL_MODEL_H_
#define STEPWISE_ORCHESTRATOR_ASL_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "boost/json/value.hpp"

namespace stepwise::asl {

enum class StateType { kPass, kTask, kChoice, kWait, kSucceed, kFail, kParallel, kMap };
enum class QueryLanguage { kJsonPath, kJsonata };

// A path-valued field that may be explicitly null (InputPath/OutputPath/ResultPath).
struct PathField {
  bool is_null = false;  // `"ResultPath": null`: discard/empty, per the ASL spec.
  std::string path;      // Meaningful when !is_null.
};

// An integer field that may come literally or from a path / JSONata expression
// (`TimeoutSeconds` vs `TimeoutSecondsPath`, `"{% ... %}"` under JSONata).
struct DynamicInt {
  std::optional<int64_t> value;
  std::optional<std::string> path;        // `...Path` variant (reference path).
  std::optional<std::string> expression;  // JSONata `{% %}` string.
};

// Same for a string (Fail Error/Cause, Wait Timestamp).
struct DynamicString {
  std::optional<std::string> value;
  std::optional<std::string> path;  // Reference path or intrinsic function (Fail).
  std::optional<std::string> expression;
};

enum class JitterStrategy { kNone, kFull };

struct Retrier {
  std::vector<std::string> error_equals;
  int64_t interval_seconds = 1;
  int64_t max_attempts = 3;
  double backoff_rate = 2.0;
  std::optional<int64_t> max_delay_seconds;
  JitterStrategy jitter_strategy = JitterStrategy::kNone;
};

struct Catcher {
  std::vector<std::string> error_equals;
  std::string next;
  std::optional<PathField> result_path;      // JSONPath.
  std::optional<boost::json::value> output;  // JSONata.
  std::optional<boost::json::value> assign;
};

// Choice rules (JSONPath form). A rule is either a comparison, or a boolean
// combination of nested rules.
enum class ComparisonOperator {
  kStringEquals,
  kStringLessThan,
  kStringGreaterThan,
  kStringLessThanEquals,
  kStringGreaterThanEquals,
  kStringMatches,
  kNumericEquals,
  kNumericLessThan,
  kNumericGreaterThan,
  kNumericLessThanEquals,
  kNumericGreaterThanEquals,
  kBooleanEquals,
  kTimestampEquals,
  kTimestampLessThan,
  kTimestampGreaterThan,
  kTimestampLessThanEquals,
  kTimestampGreaterThanEquals,
  kIsNull,
  kIsPresent,
  kIsNumeric,
  kIsString,
  kIsBoolean,
  kIsTimestamp,
};

struct ChoiceRule {
  enum class Kind { kComparison, kAnd, kOr, kNot, kJsonataCondition };
  Kind kind = Kind::kComparison;
  // kComparison.
  std::string variable;
  ComparisonOperator op = ComparisonOperator::kStringEquals;
  bool operand_is_path = false;  // `StringEqualsPath` etc.: `operand` holds the path string.
  boost::json::value operand;
  // kAnd / kOr / kNot (exactly one child).
  std::vector<ChoiceRule> children;
  // kJsonataCondition: a boolean or a `{% %}` string.
  boost::json::value condition;
  // Top-level rules only.
  std::string next;
  std::optional<boost::json::value> assign;
  std::optional<boost::json::value> output;
};

struct StateMachine;  // Sub-machines of Parallel and Map.

struct PassFields {
  std::optional<boost::json::value> result;
};

struct TaskFields {
  std::string resource;
  DynamicInt timeout_seconds;
  DynamicInt heartbeat_seconds;
  std::optional<boost::json::value> credentials;
};

struct ChoiceFields {
  std::vector<ChoiceRule> choices;
  std::optional<std::string> default_next;
};

struct WaitFields {
  DynamicInt seconds;
  DynamicString timestamp;
};

struct FailFields {
  DynamicString error;
  DynamicString cause;
};

struct ParallelFields {
  std::vector<std::shared_ptr<const StateMachine>> branches;
};

enum class MapMode { kInline, kDistributed };
enum class MapExecutionType { kStandard, kExpress };

struct MapFields {
  std::shared_ptr<const StateMachine> processor;  // ItemProcessor or legacy Iterator.
  MapMode mode = MapMode::kInline;
  std::optional<MapExecutionType> execution_type;
  std::optional<std::string> items_path;            // JSONPath.
  std::optional<boost::json::value> items;          // JSONata: array or `{% %}`.
  std::optional<boost::json::value> item_selector;  // Also legacy `Parameters`.
  DynamicInt max_concurrency;
  // Distributed mode.
  std::optional<boost::json::value> item_reader;
  std::optional<boost::json::value> item_batcher;
  std::optional<boost::json::value> result_writer;
  std::optional<double> tolerated_failure_percentage;
  std::optional<std::string> tolerated_failure_percentage_path;
  std::optional<int64_t> tolerated_failure_count;
  std::optional<std::string> tolerated_failure_count_path;
  // JSONata: a `{% %}` string for ToleratedFailureCount / ToleratedFailurePercentage.
  std::optional<std::string> tolerated_failure_count_expression;
  std::optional<std::string> tolerated_failure_percentage_expression;
  std::optional<std::string> label;
};

struct State {
  std::string name;
  StateType type = StateType::kPass;
  QueryLanguage query_language = QueryLanguage::kJsonPath;  // Effective language.
  std::optional<std::string> comment;
  std::optional<std::string> next;
  bool end = false;
  // JSONPath input/output processing.
  std::optional<PathField> input_path;
  std::optional<boost::json::value> parameters;
  std::optional<boost::json::value> result_selector;
  std::optional<PathField> result_path;
  std::optional<PathField> output_path;
  // JSONata.
  std::optional<boost::json::value> arguments;
  std::optional<boost::json::value> output;
  // Both languages.
  std::optional<boost::json::value> assign;
  std::vector<Retrier> retry;
  std::vector<Catcher> catch_;

  std::variant<PassFields, TaskFields, ChoiceFields, WaitFields, std::monostate /*Succeed*/,
               FailFields, ParallelFields, MapFields>
      fields;
};

struct StateMachine {
  std::string start_at;
  std::optional<std::string> comment;
  std::optional<std::string> version;
  std::optional<int64_t> timeout_seconds;
  QueryLanguage query_language = QueryLanguage::kJsonPath;
  // In document order.
  std::vector<State> states;
  // Name -> index into `states`.
  std::map<std::string, size_t, std::less<>> index;

  const State* Find(std::string_view name) const {
    auto it = index.find(name);
    return it == index.end() ? nullptr : &states[it->second];
  }
};

std::string_view StateTypeName(StateType type);
std::string_view ComparisonOperatorName(ComparisonOperator op);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_MODEL_H_
