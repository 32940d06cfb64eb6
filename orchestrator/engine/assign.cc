// Workflow variables in the interpreter: which scopes a frame sees, JSONPath
// Assign evaluation with AWS's limits, and writing the values at state exit.
#include <optional>
#include <utility>
#include <vector>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/internal/history_text.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

std::string_view View(json::string_view s) { return {s.data(), s.size()}; }

// Finds `target` below `node` (which runs `machine`), recording the frames
// from `node` down to it in `path`, and for each link whether the child is a
// Distributed Map iteration (isolated from the scopes above it).
bool FindFrame(const Frame& node, const asl::StateMachine& machine, const Frame* target,
               std::vector<const Frame*>& path, std::vector<bool>& isolated) {
  path.push_back(&node);
  if (&node == target) return true;
  if (!node.children.empty()) {
    if (const asl::State* state = machine.Find(node.state)) {
      const auto* map = std::get_if<asl::MapFields>(&state->fields);
      const bool distributed = map != nullptr && map->mode == asl::MapMode::kDistributed;
      for (const Frame& child : node.children) {
        isolated.push_back(distributed);
        if (FindFrame(child, Step::ChildMachine(*state, child), target, path, isolated)) {
          return true;
        }
        isolated.pop_back();
      }
    }
  }
  path.pop_back();
  return false;
}

StateError DataLimit(std::string cause) {
  return StateError{std::string(errors::kDataLimitExceeded), std::move(cause)};
}

}  // namespace

VariableScope Step::ScopeOf(const Frame& frame) {
  std::vector<const Frame*> path;
  std::vector<bool> isolated;
  if (&frame == &state_.root || !FindFrame(state_.root, machine_, &frame, path, isolated)) {
    return VariableScope({&frame.variables});
  }
  std::vector<const json::object*> scopes;
  for (size_t i = path.size(); i-- > 0;) {
    scopes.push_back(&path[i]->variables);
    // AWS: a Distributed Map's child workflow cannot read outer variables.
    if (i > 0 && isolated[i - 1]) break;
  }
  return VariableScope(std::move(scopes));
}

Outcome<std::optional<json::object>> Step::EvaluateAssignment(
    const asl::State& state, const std::optional<json::value>& assign, const json::value& input,
    const Context& context) {
  if (!assign || state.query_language != asl::QueryLanguage::kJsonPath) {
    return std::optional<json::object>();
  }
  Outcome<json::object> evaluated = EvaluateAssign(*assign, input, context.evaluation());
  if (!evaluated.ok()) return evaluated.error();
  return CheckAssignment(state, std::move(evaluated).value(), context.variables);
}

Outcome<std::optional<json::object>> Step::EvaluateJsonataAssignment(
    const asl::State& state, const std::optional<json::value>& assign, JsonataFields& fields,
    const VariableScope& scope) {
  if (!assign) return std::optional<json::object>();
  // Every value reads the variables from before this Assign: `fields` was
  // bound once, so assignments are parallel as in JSONPath mode.
  Outcome<json::value> evaluated = fields.Value(*assign, "Assign");
  if (!evaluated.ok()) return evaluated.error();
  if (!evaluated.value().is_object()) {
    return StateError{std::string(errors::kQueryEvaluationError),
                      std::string("The field 'Assign' must be an object of variable names")};
  }
  return CheckAssignment(state, std::move(evaluated.value().get_object()), scope);
}

Outcome<std::optional<json::object>> Step::CheckAssignment(const asl::State& state,
                                                           json::object values,
                                                           const VariableScope& scope) {
  size_t assign_bytes = 0;
  size_t replaced_bytes = 0;
  for (const auto& [key, value] : values) {
    std::string_view name = View(key);
    if (scope.DefinedOutside(name)) {
      // Inner scopes (Parallel branches, Map iterations) read the outer
      // variables but may not assign them.
      return StateError{std::string(errors::kRuntime),
                        StrCat("The state '", state.name, "' cannot assign the variable '", name,
                               "': it belongs to an outer scope")};
    }
    const size_t size = SerializedSize(value, kMaxVariableBytes);
    if (size > kMaxVariableBytes) {
      return DataLimit(StrCat("The value assigned to the variable '", name, "' in the state '",
                              state.name, "' exceeds the maximum size of ", kMaxVariableBytes,
                              " bytes"));
    }
    assign_bytes += size;
    if (assign_bytes > kMaxAssignBytes) {
      return DataLimit(StrCat("The variables assigned in the state '", state.name,
                              "' exceed the maximum combined size of ", kMaxAssignBytes, " bytes"));
    }
    if (scope.DefinedLocally(name)) {
      replaced_bytes += SerializedSize(*scope.Find(name), kMaxTotalVariableBytes);
    }
  }
  if (!values.empty()) {
    const size_t before = scope.TotalBytes(kMaxTotalVariableBytes + replaced_bytes);
    const size_t after = before - std::min(before, replaced_bytes) + assign_bytes;
    if (after > kMaxTotalVariableBytes) {
      return DataLimit(
          StrCat("The variables of the execution would exceed the maximum total "
                 "size of ",
                 kMaxTotalVariableBytes, " bytes after the state '", state.name, "' assigns them"));
    }
  }
  return std::optional<json::object>(std::move(values));
}

void Step::CommitAssignment(Frame& frame, json::object assigned, HistoryDetails& exited_details) {
  // AWS leaves assignedVariables out when an Assign sets nothing ("Assign": {}).
  if (assigned.empty()) return;
  json::object texts;
  for (auto& [key, value] : assigned) {
    if (options_.record_history) texts[key] = Serialize(value);
    frame.variables[key] = std::move(value);
  }
  if (!options_.record_history) return;
  // GetExecutionHistory: stateExitedEventDetails.assignedVariables (name ->
  // the value as JSON text) and assignedVariablesDetails. One Assign is at
  // most 256 KiB, so the values are never truncated.
  exited_details = DetailsText()
                       .Members(exited_details.text())
                       .Raw("assignedVariables", json::serialize(texts))
                       .Raw("assignedVariablesDetails", kNotTruncated)
                       .Finish();
}

}  // namespace stepwise::engine::internal
