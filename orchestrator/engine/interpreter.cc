#include "orchestrator/engine/interpreter.h"

#include <utility>

#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/internal/context_usage.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine {

Interpreter::Interpreter(std::shared_ptr<const asl::StateMachine> machine,
                         InterpreterOptions options)
    : machine_(std::move(machine)),
      options_(options),
      context_usage_(std::make_shared<internal::ContextUsage>(*machine_)),
      expressions_(std::make_shared<ExpressionCache>(*machine_)) {}

StepResult Interpreter::Apply(ExecutionState state, const Event& event) const {
  internal::Step step(*machine_, options_, *context_usage_, *expressions_, state, event);
  step.Run();
  return {std::move(state), step.TakeEffects(), step.TakeHistory()};
}

StepResult Interpreter::Apply(ExecutionState state, Event&& event) const {
  internal::Step step(*machine_, options_, *context_usage_, *expressions_, state, event, &event);
  step.Run();
  return {std::move(state), step.TakeEffects(), step.TakeHistory()};
}

StepOutput Interpreter::ApplyInPlace(ExecutionState& state, Event&& event) const {
  internal::Step step(*machine_, options_, *context_usage_, *expressions_, state, event, &event);
  step.Run();
  return {step.TakeEffects(), step.TakeHistory()};
}

}  // namespace stepwise::engine
