// Whole-machine checks on the transition graph of one (sub-)machine:
// unreachable states and states from which no terminal state can be reached.
#ifndef STEPWISE_ORCHESTRATOR_ASL_GRAPH_CHECK_H_
#define STEPWISE_ORCHESTRATOR_ASL_GRAPH_CHECK_H_

#include <string>
#include <string_view>
#include <vector>

#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/model.h"

namespace stepwise::asl {

// Every state a state may go to next: Next, Choice rules and Default, Catch.
std::vector<std::string_view> Successors(const State& state);

// True for End: true, Succeed and Fail.
bool IsTerminal(const State& state);

// Requires that every state of `machine` parsed and that all transitions
// name existing states. `location` is the (sub-)machine's location.
void CheckGraph(const StateMachine& machine, const std::string& location,
                DiagnosticList& diagnostics);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_GRAPH_CHECK_H_
