// Paths, steps, predicates, group-by and order-by (jsonata-js's
// evaluatePath/evaluateStep/evaluateFilter/evaluateGroupExpression/
// evaluateSortExpression).
#include <cmath>
#include <unordered_map>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {

Value LookupField(const Value& input, const std::string& key) {
  if (input.IsArray()) {
    NestingGuard nesting;
    Value result = NewSequence();
    for (const Value& item : input.array().items) {
      Value res = LookupField(item, key);
      if (res.IsUndefined()) continue;
      if (res.IsArray()) {
        for (const Value& v : res.array().items) result.array().items.push_back(v);
      } else {
        result.array().items.push_back(res);
      }
    }
    return result;
  }
  if (input.IsObject()) {
    const Value* v = input.object().Find(key);
    return v == nullptr ? Value() : *v;
  }
  return Value();
}

namespace {

void Flatten(const Value& v, std::vector<Value>& out) {
  if (v.IsArray()) {
    NestingGuard nesting;
    for (const Value& item : v.array().items) Flatten(item, out);
  } else {
    out.push_back(v);
  }
}

void RecurseDescendants(const Value& input, std::vector<Value>& out) {
  NestingGuard nesting;
  if (!input.IsArray()) out.push_back(input);
  if (input.IsArray()) {
    for (const Value& item : input.array().items) RecurseDescendants(item, out);
  } else if (input.IsObject()) {
    for (const auto& [k, v] : input.object().members) RecurseDescendants(v, out);
  }
}

}  // namespace

Value Wildcard(const Value& input) {
  Value results = NewSequence();
  Value in = input;
  if (in.IsArray() && in.array().outer_wrapper && !in.array().items.empty()) {
    in = in.array().items[0];
  }
  auto add = [&](const Value& value) {
    if (value.IsArray()) {
      std::vector<Value> flat;
      Flatten(value, flat);
      results = Append(results, MakeArray(std::move(flat)));
    } else {
      results.array().items.push_back(value);
    }
  };
  if (in.IsObject()) {
    for (const auto& [k, v] : in.object().members) add(v);
  } else if (in.IsArray()) {
    for (const Value& v : in.array().items) add(v);
  }
  return results;
}

Value Descendants(const Value& input) {
  if (input.IsUndefined()) return Value();
  Value seq = NewSequence();
  RecurseDescendants(input, seq.array().items);
  if (seq.array().items.size() == 1) return seq.array().items[0];
  return seq;
}

Value Evaluator::EvaluatePath(const NodePtr& expr, const Value& input, const FramePtr& env) {
  Value input_sequence;
  if (input.IsArray() && expr->steps[0]->type != NodeType::kVariable) {
    input_sequence = input;
  } else {
    input_sequence = NewSequence(input);
  }
  Value result_sequence;
  bool is_tuple_stream = false;
  Value tuple_bindings;
  for (size_t i = 0; i < expr->steps.size(); ++i) {
    const NodePtr& step = expr->steps[i];
    if (step->tuple) is_tuple_stream = true;
    if (i == 0 && step->cons_array) {
      result_sequence = Evaluate(step, input_sequence, env);
    } else if (is_tuple_stream) {
      tuple_bindings = EvaluateTupleStep(step, input_sequence, tuple_bindings, env);
    } else {
      result_sequence = EvaluateStep(step, input_sequence, env, i == expr->steps.size() - 1);
    }
    if (!is_tuple_stream &&
        (result_sequence.IsUndefined() ||
         (result_sequence.IsArray() && result_sequence.array().items.empty()))) {
      break;
    }
    // A focus binding keeps the context for the next step.
    if (step->focus.empty()) input_sequence = result_sequence;
  }
  if (is_tuple_stream) {
    if (expr->tuple) {
      result_sequence = tuple_bindings;  // carries ancestry up to an enclosing path
    } else {
      result_sequence = NewSequence();
      if (tuple_bindings.IsArray()) {
        for (const Value& t : tuple_bindings.array().items) {
          result_sequence.array().items.push_back(TupleFocus(t));
        }
      }
    }
  }
  if (expr->keep_singleton_array && !result_sequence.IsUndefined()) {
    if (result_sequence.IsArray() && result_sequence.array().cons &&
        !result_sequence.array().sequence) {
      result_sequence = NewSequence(result_sequence);
    }
    if (result_sequence.IsArray()) result_sequence.array().keep_singleton = true;
  }
  if (expr->has_group) {
    result_sequence = EvaluateGroup(expr->group, expr->group_position,
                                    is_tuple_stream ? tuple_bindings : result_sequence, env);
  }
  return result_sequence;
}

Value Evaluator::EvaluateStep(const NodePtr& step, const Value& input, const FramePtr& env,
                              bool last) {
  if (step->type == NodeType::kSort) {
    Value result = EvaluateSort(step, input, env);
    return EvaluateStages(step->stages, result, env);
  }
  std::vector<Value> results;
  for (const Value& item : input.array().items) {
    Value res = Evaluate(step, item, env);
    for (const NodePtr& stage : step->stages) {
      if (stage->type != NodeType::kIndexStage) res = EvaluateFilter(stage, res, env);
    }
    if (!res.IsUndefined()) results.push_back(res);
  }
  if (last && results.size() == 1 && results[0].IsArray() && !results[0].IsSequence()) {
    return results[0];
  }
  Value out = NewSequence();
  for (const Value& res : results) {
    if (!res.IsArray() || res.array().cons) {
      out.array().items.push_back(res);
    } else {
      for (const Value& v : res.array().items) out.array().items.push_back(v);
    }
  }
  return out;
}

Value Evaluator::EvaluateFilter(const NodePtr& predicate, const Value& input, const FramePtr& env) {
  Value results = NewSequence();
  bool tuples = input.IsArray() && input.array().tuple_stream;
  if (tuples) results.array().tuple_stream = true;
  std::vector<Value> single;
  const std::vector<Value>* items;
  if (input.IsArray()) {
    items = &input.array().items;
  } else {
    single.push_back(input);
    items = &single;
  }
  const auto n = static_cast<double>(items->size());
  if (predicate->type == NodeType::kNumber) {
    double index = std::floor(predicate->number);
    if (index < 0) index += n;
    if (index >= 0 && index < n) {
      const Value& item = (*items)[static_cast<size_t>(index)];
      if (item.IsArray()) return item;
      if (!item.IsUndefined()) results.array().items.push_back(item);
    }
    return results;
  }
  for (size_t index = 0; index < items->size(); ++index) {
    const Value& item = (*items)[index];
    Value res = tuples ? Evaluate(predicate, TupleFocus(item), FrameFromTuple(env, item))
                       : Evaluate(predicate, item, env);
    if (IsNumeric(res)) res = MakeArray({res});
    if (IsArrayOfNumbers(res) && !res.array().items.empty()) {
      for (const Value& r : res.array().items) {
        double ii = std::floor(r.number());
        if (ii < 0) ii += n;
        if (ii == static_cast<double>(index)) results.array().items.push_back(item);
      }
    } else if (Truthy(res)) {
      results.array().items.push_back(item);
    }
  }
  return results;
}

Value Evaluator::EvaluateGroup(const std::vector<std::pair<NodePtr, NodePtr>>& pairs, int position,
                               const Value& input, const FramePtr& env) {
  std::vector<Value> items;
  if (input.IsArray()) {
    items = input.array().items;
  } else {
    items.push_back(input);
  }
  bool reduce = input.IsArray() && input.array().tuple_stream;
  if (items.empty() && !reduce) items.push_back(Value());
  struct Group {
    std::string key;
    Value data;
    size_t expr_index;
  };
  std::vector<Group> groups;
  std::unordered_map<std::string, size_t> index;
  for (const Value& item : items) {
    FramePtr item_env = reduce ? FrameFromTuple(env, item) : env;
    for (size_t p = 0; p < pairs.size(); ++p) {
      Value key = Evaluate(pairs[p].first, reduce ? TupleFocus(item) : item, item_env);
      if (key.IsUndefined()) continue;
      if (!key.IsString()) Fail("T1003", position, Stringify(key, 0));
      auto it = index.find(key.str());
      if (it == index.end()) {
        index.emplace(key.str(), groups.size());
        groups.push_back(Group{key.str(), item, p});
      } else {
        Group* found = &groups[it->second];
        if (found->expr_index != p) Fail("D1009", position, key.str());
        found->data = Append(found->data, item);
      }
    }
  }
  auto obj = std::make_shared<Object>();
  for (const Group& g : groups) {
    Value context = g.data;
    FramePtr value_env = env;
    if (reduce) {
      Value tuple = ReduceTupleStream(g.data);
      context = TupleFocus(tuple);
      if (tuple.IsObject()) {
        auto& members = tuple.object().members;
        for (auto it = members.begin(); it != members.end(); ++it) {
          if (it->first == "@") {
            members.erase(it);
            break;
          }
        }
      }
      value_env = FrameFromTuple(env, tuple);
    }
    Value value = Evaluate(pairs[g.expr_index].second, context, value_env);
    if (!value.IsUndefined()) obj->Add(g.key, value);
  }
  return Value::Of(std::move(obj));
}

Value Evaluator::EvaluateSort(const NodePtr& expr, const Value& input, const FramePtr& env) {
  if (input.IsUndefined()) return input;
  if (!input.IsArray() || input.array().items.size() <= 1) return input;
  bool tuples = input.array().tuple_stream;
  auto swap = [&](const Value& a, const Value& b) {
    int comp = 0;
    for (size_t t = 0; comp == 0 && t < expr->terms.size(); ++t) {
      const SortTerm& term = expr->terms[t];
      Value aa = tuples ? Evaluate(term.expression, TupleFocus(a), FrameFromTuple(env, a))
                        : Evaluate(term.expression, a, env);
      Value bb = tuples ? Evaluate(term.expression, TupleFocus(b), FrameFromTuple(env, b))
                        : Evaluate(term.expression, b, env);
      if (aa.IsUndefined()) {
        comp = bb.IsUndefined() ? 0 : 1;
        continue;
      }
      if (bb.IsUndefined()) {
        comp = -1;
        continue;
      }
      bool a_ok = aa.IsString() || aa.IsNumber();
      bool b_ok = bb.IsString() || bb.IsNumber();
      if (!a_ok || !b_ok) Fail("T2008", expr->position);
      if (aa.kind() != bb.kind()) Fail("T2007", expr->position);
      bool less = aa.IsNumber() ? aa.number() < bb.number() : aa.str() < bb.str();
      bool equal = aa.IsNumber() ? aa.number() == bb.number() : aa.str() == bb.str();
      comp = equal ? 0 : (less ? -1 : 1);
      if (term.descending) comp = -comp;
    }
    return comp == 1;
  };
  return MakeArray(MergeSort(input.array().items, swap));
}

}  // namespace stepwise::jsonata::internal
