// The transform operator `| pattern | update [, delete] |` (jsonata-js's
// evaluateTransformExpression): a function of one object or array that
// returns a copy ($clone) in which every value the pattern selects is merged
// with the update object and loses the deleted keys.
//
//   $ ~> |Account.Order.Product|{"Total": Price * Quantity}, ["Description"]|
#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

Value Transform(Evaluator& ev, const NodePtr& expr, const FramePtr& env, const Value& obj) {
  if (obj.IsUndefined()) return Value();
  Value clone = env->Lookup("clone");
  if (!clone.IsFunction()) Fail("T2013", expr->position);
  Value result = ev.Apply(clone, {obj}, Value::Null(), expr->position);
  Value matches = ev.Evaluate(expr->lhs, result, env);
  if (matches.IsUndefined()) return result;
  std::vector<Value> items;
  if (matches.IsArray()) {
    items = matches.array().items;
  } else {
    items.push_back(matches);
  }
  for (const Value& match : items) {
    Value update = ev.Evaluate(expr->rhs, match, env);
    if (!update.IsUndefined()) {
      if (!update.IsObject()) Fail("T2011", expr->rhs->position, Stringify(update, 0));
      if (match.IsObject()) {
        for (const auto& [key, value] : update.object().members) match.object().Set(key, value);
        // The update may make the object contain itself (`|$|{'self': $}|`,
        // as jsonata-js would): walks of it then fail (U1001), and the
        // evaluator breaks the cycle when the evaluation ends.
        ev.TrackChanged(match.object_ptr());
      }
    }
    if (!expr->expression) continue;
    Value deletions = ev.Evaluate(expr->expression, match, env);
    if (deletions.IsUndefined()) continue;
    Value list = deletions.IsArray() ? deletions : MakeArray({deletions});
    if (!IsArrayOfStrings(list)) Fail("T2012", expr->expression->position, Stringify(deletions, 0));
    if (!match.IsObject()) continue;
    auto& members = match.object().members;
    for (const Value& key : list.array().items) {
      for (auto it = members.begin(); it != members.end(); ++it) {
        if (it->first == key.str()) {
          members.erase(it);
          break;
        }
      }
    }
  }
  return result;
}

}  // namespace

Value MakeTransformer(Evaluator& evaluator, const NodePtr& expr, const FramePtr& env) {
  auto f = std::make_shared<Function>();
  f->kind = Function::Kind::kBuiltin;
  f->name = "transform";
  f->signature = Signature::Parse("<(oa):o>");
  f->arity = 1;
  f->impl = [expr, env](Evaluator& ev, std::vector<Value>& args, const Value&, int) {
    return Transform(ev, expr, env, args[0]);
  };
  return evaluator.Track(std::move(f));
}

}  // namespace stepwise::jsonata::internal
