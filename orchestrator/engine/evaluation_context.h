// What expression evaluation may read besides the state's input: the context
// object (`$$`), workflow variables (`$name`) and the randomness source.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EVALUATION_CONTEXT_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EVALUATION_CONTEXT_H_

#include "boost/json/value.hpp"
#include "orchestrator/engine/entropy.h"

namespace stepwise::engine {

class ExpressionCache;
class VariableScope;

struct EvaluationContext {
  // The context object for `$$` paths: {Execution, State, StateMachine, Task, Map}.
  // Null means an empty object.
  const boost::json::value* context_object = nullptr;
  // For States.MathRandom / States.UUID. Required when those are evaluated.
  Entropy* entropy = nullptr;
  // Pre-parsed paths and intrinsic calls of the state machine; optional.
  const ExpressionCache* expressions = nullptr;
  // The variables `$name` paths read; null means none is defined.
  const VariableScope* variables = nullptr;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EVALUATION_CONTEXT_H_
