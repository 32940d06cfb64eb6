// Operators (jsonata-js's evaluateBinary/evaluateUnary and friends).
#include <cmath>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

Value Numeric(const Value& lhs, const Value& rhs, const std::string& op, int position) {
  if (!lhs.IsUndefined() && !IsNumeric(lhs)) Fail("T2001", position, op);
  if (!rhs.IsUndefined() && !IsNumeric(rhs)) Fail("T2002", position, op);
  if (lhs.IsUndefined() || rhs.IsUndefined()) return Value();
  double a = lhs.number(), b = rhs.number();
  double r = 0;
  switch (op[0]) {
    case '+':
      r = a + b;
      break;
    case '-':
      r = a - b;
      break;
    case '*':
      r = a * b;
      break;
    case '/':
      r = a / b;
      break;
    case '%':
      r = std::fmod(a, b);
      break;
  }
  return Value::Number(r);
}

Value Compare(const Value& lhs, const Value& rhs, const std::string& op, int position) {
  auto comparable = [](const Value& v) { return v.IsUndefined() || v.IsString() || v.IsNumber(); };
  if (!comparable(lhs) || !comparable(rhs)) Fail("T2010", position, op);
  if (lhs.IsUndefined() || rhs.IsUndefined()) return Value();
  if (lhs.kind() != rhs.kind()) Fail("T2009", position, op);
  int c;
  if (lhs.IsNumber()) {
    c = lhs.number() < rhs.number() ? -1 : (lhs.number() > rhs.number() ? 1 : 0);
    if (std::isnan(lhs.number()) || std::isnan(rhs.number())) return Value::Bool(false);
  } else {
    c = lhs.str().compare(rhs.str());
  }
  if (op == "<") return Value::Bool(c < 0);
  if (op == "<=") return Value::Bool(c <= 0);
  if (op == ">") return Value::Bool(c > 0);
  return Value::Bool(c >= 0);
}

Value Range(const Value& lhs, const Value& rhs, int position, Evaluator& ev) {
  if (!lhs.IsUndefined() && !(lhs.IsNumber() && IsInteger(lhs.number()))) Fail("T2003", position);
  if (!rhs.IsUndefined() && !(rhs.IsNumber() && IsInteger(rhs.number()))) Fail("T2004", position);
  if (lhs.IsUndefined() || rhs.IsUndefined()) return Value();
  double from = lhs.number(), to = rhs.number();
  if (from > to) return Value();
  double size = to - from + 1;
  if (size > 1e7) Fail("D2014", position, NumberToString(size));
  ev.CountRangeItems(size, position);
  Value seq = NewSequence();
  seq.array().items.reserve(static_cast<size_t>(size));
  for (double v = from; v <= to; ++v) seq.array().items.push_back(Value::Number(v));
  return seq;
}

}  // namespace

void Evaluator::CountRangeItems(double items, int position) {
  if (range_items_ + items > kMaxRangeItems) {
    Fail("U1002", position,
         StrCat("ranges of ", NumberToString(range_items_ + items),
                " items in one evaluation (at most ", NumberToString(kMaxRangeItems), ")"));
  }
  range_items_ += items;
}

Value Evaluator::EvaluateBinary(const NodePtr& expr, const Value& input, const FramePtr& env) {
  const std::string& op = expr->value;
  Value lhs = Evaluate(expr->lhs, input, env);
  if (op == "and") return Value::Bool(Truthy(lhs) && Truthy(Evaluate(expr->rhs, input, env)));
  if (op == "or") return Value::Bool(Truthy(lhs) || Truthy(Evaluate(expr->rhs, input, env)));
  if (op == "?:") return Truthy(lhs) ? lhs : Evaluate(expr->rhs, input, env);
  if (op == "??") return lhs.IsUndefined() ? Evaluate(expr->rhs, input, env) : lhs;
  Value rhs = Evaluate(expr->rhs, input, env);
  int pos = expr->position;
  if (op == "+" || op == "-" || op == "*" || op == "/" || op == "%") {
    return Numeric(lhs, rhs, op, pos);
  }
  if (op == "=" || op == "!=") {
    if (lhs.IsUndefined() || rhs.IsUndefined()) return Value::Bool(false);
    return Value::Bool(DeepEqual(lhs, rhs) == (op == "="));
  }
  if (op == "<" || op == "<=" || op == ">" || op == ">=") return Compare(lhs, rhs, op, pos);
  if (op == "&") {
    std::string l = lhs.IsUndefined() ? "" : ToJsonataString(lhs, false, pos);
    std::string r = rhs.IsUndefined() ? "" : ToJsonataString(rhs, false, pos);
    return Value::String(l + r);
  }
  if (op == "..") return Range(lhs, rhs, pos, *this);
  if (op == "in") {
    if (lhs.IsUndefined() || rhs.IsUndefined()) return Value::Bool(false);
    if (!rhs.IsArray()) return Value::Bool(StrictEqual(lhs, rhs));
    for (const Value& item : rhs.array().items) {
      if (StrictEqual(item, lhs)) return Value::Bool(true);
    }
    return Value::Bool(false);
  }
  Fail("S0204", pos, op);
}

Value Evaluator::EvaluateUnary(const NodePtr& expr, const Value& input, const FramePtr& env) {
  if (expr->value == "-") {
    Value v = Evaluate(expr->expression, input, env);
    if (v.IsUndefined()) return v;
    if (!IsNumeric(v)) Fail("D1002", expr->position, Stringify(v, 0));
    return Value::Number(-v.number());
  }
  if (expr->value == "[") {
    Value result = MakeArray({});
    for (const NodePtr& item : expr->expressions) {
      Value value = Evaluate(item, input, env);
      if (value.IsUndefined()) continue;
      if (item->type == NodeType::kUnary && item->value == "[") {
        result.array().items.push_back(value);
      } else {
        result = Append(result, value);
      }
    }
    if (expr->cons_array) result.array().cons = true;
    return result;
  }
  return EvaluateGroup(expr->pairs, expr->position, input, env);
}

}  // namespace stepwise::jsonata::internal
