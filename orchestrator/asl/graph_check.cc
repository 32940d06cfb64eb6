#include "orchestrator/asl/graph_check.h"

#include <deque>

#include "common/str_cat.h"

namespace stepwise::asl {

std::vector<std::string_view> Successors(const State& state) {
  std::vector<std::string_view> next;
  if (state.next) next.push_back(*state.next);
  if (const auto* choice = std::get_if<ChoiceFields>(&state.fields)) {
    for (const ChoiceRule& rule : choice->choices) next.push_back(rule.next);
    if (choice->default_next) next.push_back(*choice->default_next);
  }
  for (const Catcher& catcher : state.catch_) next.push_back(catcher.next);
  return next;
}

bool IsTerminal(const State& state) {
  return state.end || state.type == StateType::kSucceed || state.type == StateType::kFail;
}

void CheckGraph(const StateMachine& machine, const std::string& location,
                DiagnosticList& diagnostics) {
  const size_t n = machine.states.size();
  std::vector<std::vector<size_t>> successors(n);
  std::vector<std::vector<size_t>> predecessors(n);
  for (size_t i = 0; i < n; ++i) {
    for (std::string_view target : Successors(machine.states[i])) {
      auto it = machine.index.find(target);
      if (it == machine.index.end()) continue;
      successors[i].push_back(it->second);
      predecessors[it->second].push_back(i);
    }
  }
  auto flood = [n](std::deque<size_t> queue, const std::vector<std::vector<size_t>>& edges) {
    std::vector<bool> seen(n, false);
    for (size_t i : queue) seen[i] = true;
    while (!queue.empty()) {
      size_t i = queue.front();
      queue.pop_front();
      for (size_t j : edges[i]) {
        if (!seen[j]) {
          seen[j] = true;
          queue.push_back(j);
        }
      }
    }
    return seen;
  };

  auto start = machine.index.find(machine.start_at);
  if (start == machine.index.end()) return;
  std::vector<bool> reachable = flood({start->second}, successors);

  std::deque<size_t> terminals;
  for (size_t i = 0; i < n; ++i) {
    if (IsTerminal(machine.states[i])) terminals.push_back(i);
  }
  if (terminals.empty()) {
    diagnostics.Error(DiagnosticCode::kMissingEndState, location,
                      "No terminal state: no state has 'End': true or is of type Succeed or Fail");
  }
  std::vector<bool> can_finish = flood(terminals, predecessors);

  std::string states_location = ChildLocation(location, "States");
  for (size_t i = 0; i < n; ++i) {
    const State& state = machine.states[i];
    std::string state_location = ChildLocation(states_location, state.name);
    if (!reachable[i]) {
      diagnostics.Error(
          DiagnosticCode::kSchemaValidationFailed, state_location,
          StrCat("State '", state.name, "' is not reachable from '", machine.start_at, "'"));
    } else if (!terminals.empty() && !can_finish[i]) {
      // AWS only rejects machines without any terminal state; a loop with no
      // way out is legal there (it runs until the execution times out). So
      // this is a warning: the definition stays valid, the trap is visible.
      diagnostics.Warning(DiagnosticCode::kMissingEndState, state_location,
                          StrCat("No terminal state can be reached from state '", state.name,
                                 "': every path from it loops forever"));
    }
  }
}

}  // namespace stepwise::asl
