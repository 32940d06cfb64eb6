// Tuple streams (jsonata-js's evaluateTupleStep/evaluateStages/
// reduceTupleStream): a path with a focus binding `@$v`, a positional
// binding `#$i` or a step a parent operator `%` refers to is evaluated as a
// stream of tuples {"@": context, "v": ..., "i": ..., "!0": ancestor}, each
// tuple's entries bound as variables for the steps, predicates, sort terms
// and group-by expressions that follow.
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

Value NewTuple(const Value& focus) {
  auto o = std::make_shared<Object>();
  o->Set("@", focus);
  return Value::Of(std::move(o));
}

Value NewTupleStream() {
  Value s = NewSequence();
  s.array().tuple_stream = true;
  return s;
}

}  // namespace

Value TupleFocus(const Value& tuple) {
  if (!tuple.IsObject()) return Value();
  const Value* v = tuple.object().Find("@");
  return v == nullptr ? Value() : *v;
}

FramePtr Evaluator::FrameFromTuple(const FramePtr& env, const Value& tuple) {
  FramePtr frame = NewFrame(env);
  if (tuple.IsObject()) {
    for (const auto& [key, value] : tuple.object().members) frame->Bind(key, value);
  }
  return frame;
}

Value Evaluator::EvaluateStages(const std::vector<NodePtr>& stages, const Value& input,
                                const FramePtr& env) {
  Value result = input;
  for (const NodePtr& stage : stages) {
    if (stage->type == NodeType::kIndexStage) {
      if (!result.IsArray()) continue;
      auto& items = result.array().items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i].IsObject()) {
          items[i].object().Set(stage->value, Value::Number(static_cast<double>(i)));
        }
      }
    } else {
      result = EvaluateFilter(stage, result, env);
    }
  }
  return result;
}

Value Evaluator::EvaluateTupleStep(const NodePtr& step, const Value& input,
                                   const Value& tuple_bindings, const FramePtr& env) {
  if (step->type == NodeType::kSort) {
    Value result;
    if (!tuple_bindings.IsUndefined()) {
      result = EvaluateSort(step, tuple_bindings, env);
    } else {
      Value sorted = EvaluateSort(step, input, env);
      result = NewTupleStream();
      if (sorted.IsArray()) {
        const auto& items = sorted.array().items;
        for (size_t i = 0; i < items.size(); ++i) {
          Value tuple = NewTuple(items[i]);
          if (!step->index_var.empty()) {
            tuple.object().Set(step->index_var, Value::Number(static_cast<double>(i)));
          }
          result.array().items.push_back(tuple);
        }
      }
    }
    return EvaluateStages(step->stages, result, env);
  }
  Value result = NewTupleStream();
  std::vector<Value> bindings;
  if (tuple_bindings.IsUndefined()) {
    if (input.IsArray()) {
      for (const Value& item : input.array().items) bindings.push_back(NewTuple(item));
    }
  } else if (tuple_bindings.IsArray()) {
    bindings = tuple_bindings.array().items;
  }
  for (const Value& binding : bindings) {
    FramePtr step_env = FrameFromTuple(env, binding);
    Value focus = TupleFocus(binding);
    Value res = Evaluate(step, focus, step_env);
    if (res.IsUndefined()) continue;
    bool res_tuples = res.IsArray() && res.array().tuple_stream;
    std::vector<Value> items = res.IsArray() ? res.array().items : std::vector<Value>{res};
    for (size_t bb = 0; bb < items.size(); ++bb) {
      auto tuple = std::make_shared<Object>();
      if (binding.IsObject()) tuple->members = binding.object().members;
      if (res_tuples) {
        if (items[bb].IsObject()) {
          for (const auto& [key, value] : items[bb].object().members) tuple->Set(key, value);
        }
      } else {
        if (!step->focus.empty()) {
          tuple->Set(step->focus, items[bb]);
          tuple->Set("@", focus);
        } else {
          tuple->Set("@", items[bb]);
        }
        if (!step->index_var.empty()) {
          tuple->Set(step->index_var, Value::Number(static_cast<double>(bb)));
        }
        if (step->ancestor) tuple->Set(step->ancestor->label, focus);
      }
      result.array().items.push_back(Value::Of(std::move(tuple)));
    }
  }
  if (!step->stages.empty()) result = EvaluateStages(step->stages, result, env);
  return result;
}

Value ReduceTupleStream(const Value& stream) {
  if (!stream.IsArray()) return stream;
  auto result = std::make_shared<Object>();
  const auto& items = stream.array().items;
  if (!items.empty() && items[0].IsObject()) result->members = items[0].object().members;
  for (size_t i = 1; i < items.size(); ++i) {
    if (!items[i].IsObject()) continue;
    for (const auto& [key, value] : items[i].object().members) {
      const Value* existing = result->Find(key);
      result->Set(key, Append(existing == nullptr ? Value() : *existing, value));
    }
  }
  return Value::Of(std::move(result));
}

}  // namespace stepwise::jsonata::internal
