// Workflow variables (AWS Step Functions "Passing data between states with
// variables"): what a state may read, and AWS's size limits.
//
// Variables live in scopes. The top-level states of an execution share one
// scope (ExecutionState::root's Frame::variables); every Parallel branch and
// Map iteration has a scope of its own (its Frame::variables) that can read
// the enclosing scopes but not assign their names. A VariableScope is a
// read-only view of that chain, innermost first:
//
//   VariableScope scope({&iteration.variables, &root.variables});
//   if (const boost::json::value* x = scope.Find("x")) ...
//
// The engine evaluates JSONPath references (`$x.a`) with it; JSONata can
// bind `$x` from Visible(). Values stay owned by the frames: use a scope at
// once, before the frames change.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_VARIABLES_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_VARIABLES_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace stepwise::engine {

// AWS's limits, measured as compact JSON text (bytes).
// One variable's value.
inline constexpr size_t kMaxVariableBytes = size_t{256} * 1024;
// All values of one Assign together.
inline constexpr size_t kMaxAssignBytes = size_t{256} * 1024;
// All variables an execution path can see (its scope and the enclosing ones).
inline constexpr size_t kMaxTotalVariableBytes = size_t{10} * 1024 * 1024;

class VariableScope {
 public:
  VariableScope() = default;
  // `scopes`: innermost first; null entries are skipped.
  explicit VariableScope(std::vector<const boost::json::object*> scopes)
      : scopes_(std::move(scopes)) {}

  // The value of `name` in the innermost scope that has it; null if undefined.
  const boost::json::value* Find(std::string_view name) const;
  // The scope at depth 0 defines `name` (not an enclosing one).
  bool DefinedLocally(std::string_view name) const;
  // An enclosing scope (depth >= 1) defines `name`.
  bool DefinedOutside(std::string_view name) const;
  // Every visible variable, inner names shadowing outer ones.
  boost::json::object Visible() const;
  // Compact-JSON bytes of all visible values, counted up to `stop_after`.
  size_t TotalBytes(size_t stop_after) const;

  bool empty() const;
  const std::vector<const boost::json::object*>& scopes() const { return scopes_; }

 private:
  std::vector<const boost::json::object*> scopes_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_VARIABLES_H_
