// JSONata (https://jsonata.org, version 2.x semantics) for Step Functions'
// `QueryLanguage: JSONata`: parse once, evaluate many times. Pure: no I/O,
// threads or wall clock; "now" and randomness come from the caller.
//
//   ASSIGN_OR_RETURN(auto expr, jsonata::Parse("$sum(Order.Price) * $rate"));
//   jsonata::Bindings vars{{"rate", boost::json::value(1.2)}};
//   jsonata::Environment env{.now_millis = now_ms};
//   ASSIGN_OR_RETURN(std::optional<boost::json::value> out,
//                    jsonata::Evaluate(*expr, &input, vars, env));
//   if (!out) { /* the expression produced no value (JSONata undefined) */ }
//
// Errors are kInvalidArgument with the message "<code> at position <n>:
// <text>", where <code> is JSONata's (S0201 syntax error, T0410 argument
// type, D3030 not a number, T2001 arithmetic on a non-number, ...);
// ErrorCode() extracts it.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_JSONATA_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_JSONATA_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json.hpp"

namespace stepwise::jsonata {

namespace internal {
struct Node;
}

// A parsed expression; immutable, safe to share across threads and to
// evaluate concurrently.
class Expression {
 public:
  explicit Expression(std::string source, std::shared_ptr<const internal::Node> ast)
      : source_(std::move(source)), ast_(std::move(ast)) {}
  const std::string& source() const { return source_; }
  const std::shared_ptr<const internal::Node>& ast() const { return ast_; }

 private:
  std::string source_;
  std::shared_ptr<const internal::Node> ast_;
};

// Variables visible to the expression, by name without the '$'
// (Step Functions binds "states" and the workflow variables).
using Bindings = std::map<std::string, boost::json::value, std::less<>>;

struct Environment {
  // What $now() and $millis() return (milliseconds since the Unix epoch).
  int64_t now_millis = 0;
  // Uniform in [0, 1) for $random(), $shuffle() and $uuid(). If empty, a
  // fixed-seed generator is used (deterministic).
  std::function<double()> random;
};

// Parses `source`. kInvalidArgument with an S0xxx code on a syntax error.
absl::StatusOr<std::shared_ptr<const Expression>> Parse(std::string_view source);

// Evaluates `expression` against `input` (nullptr: no input, JSONata's
// undefined). Returns nullopt when the result is undefined. kInvalidArgument
// with JSONata's error code on a runtime error (the engine maps it to
// States.QueryEvaluationError).
absl::StatusOr<std::optional<boost::json::value>> Evaluate(const Expression& expression,
                                                           const boost::json::value* input,
                                                           const Bindings& bindings,
                                                           const Environment& env);

// The JSONata error code at the start of a status message from this
// library ("" if there is none).
std::string ErrorCode(const absl::Status& status);

}  // namespace stepwise::jsonata

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_JSONATA_H_
