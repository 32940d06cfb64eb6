// Array and higher-order functions: $append $sort $reverse $shuffle
// $distinct $zip $filter $map $reduce $single.
#include <cmath>

#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

Value Sort(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  const auto& items = a[0].array().items;
  if (items.size() <= 1) return a[0];
  if (a[1].IsUndefined()) {
    if (!IsArrayOfNumbers(a[0]) && !IsArrayOfStrings(a[0])) Fail("D3070", pos);
    return MakeArray(MergeSort(items, [](const Value& x, const Value& y) {
      return x.IsNumber() ? x.number() > y.number() : x.str() > y.str();
    }));
  }
  return MakeArray(MergeSort(items, [&](const Value& x, const Value& y) {
    return Truthy(ev.Apply(a[1], {x, y}, Value::Null(), pos));
  }));
}

Value Shuffle(Evaluator& ev, Args& a) {
  if (a[0].IsUndefined()) return Value();
  const auto& items = a[0].array().items;
  if (items.size() <= 1) return a[0];
  std::vector<Value> result(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto j = static_cast<size_t>(std::floor(ev.Random() * static_cast<double>(i + 1)));
    if (j > i) j = i;
    if (i != j) result[i] = result[j];
    result[j] = items[i];
  }
  return MakeArray(std::move(result));
}

Value Distinct(Args& a) {
  if (a[0].IsUndefined()) return Value();
  if (!a[0].IsArray() || a[0].array().items.size() <= 1) return a[0];
  Value out = a[0].IsSequence() ? NewSequence() : MakeArray({});
  for (const Value& v : a[0].array().items) {
    bool seen = false;
    for (const Value& w : out.array().items) {
      if (DeepEqual(v, w)) seen = true;
    }
    if (!seen) out.array().items.push_back(v);
  }
  return out;
}

Value Reduce(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  int arity = Evaluator::Arity(a[1]);
  if (arity < 2) Fail("D3050", pos);
  const auto& items = a[0].array().items;
  Value result;
  size_t index = 0;
  if (a[2].IsUndefined() && !items.empty()) {
    result = items[0];
    index = 1;
  } else {
    result = a[2];
  }
  for (; index < items.size(); ++index) {
    std::vector<Value> args{result, items[index]};
    if (arity >= 3) args.push_back(Value::Number(static_cast<double>(index)));
    if (arity >= 4) args.push_back(a[0]);
    result = ev.Apply(a[1], std::move(args), Value::Null(), pos);
  }
  return result;
}

Value Single(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  const auto& items = a[0].array().items;
  bool found = false;
  Value result;
  for (size_t i = 0; i < items.size(); ++i) {
    bool positive = true;
    if (!a[1].IsUndefined()) {
      positive = Truthy(ev.CallWithItem(a[1], items[i], static_cast<int>(i), a[0], pos));
    }
    if (!positive) continue;
    if (found) Fail("D3138", pos);
    result = items[i];
    found = true;
  }
  if (!found) Fail("D3139", pos);
  return result;
}

}  // namespace

void RegisterArrayFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "append", "<xx:a>", 2,
                  [](Evaluator&, Args& a, const Value&, int) { return Append(a[0], a[1]); });
  RegisterBuiltin(r, "sort", "<af?:a>", 2,
                  [](Evaluator& ev, Args& a, const Value&, int pos) { return Sort(ev, a, pos); });
  RegisterBuiltin(r, "reverse", "<a:a>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    if (a[0].array().items.size() <= 1) return a[0];
    std::vector<Value> items(a[0].array().items.rbegin(), a[0].array().items.rend());
    return MakeArray(std::move(items));
  });
  RegisterBuiltin(r, "shuffle", "<a:a>", 1,
                  [](Evaluator& ev, Args& a, const Value&, int) { return Shuffle(ev, a); });
  RegisterBuiltin(r, "distinct", "<x:x>", 1,
                  [](Evaluator&, Args& a, const Value&, int) { return Distinct(a); });
  RegisterBuiltin(r, "zip", "<a+>", 0, [](Evaluator&, Args& a, const Value&, int) {
    size_t length = a.empty() ? 0 : SIZE_MAX;
    for (const Value& v : a) length = std::min(length, v.IsArray() ? v.array().items.size() : 0);
    std::vector<Value> out;
    for (size_t i = 0; i < length; ++i) {
      std::vector<Value> tuple;
      for (const Value& v : a) tuple.push_back(v.array().items[i]);
      out.push_back(MakeArray(std::move(tuple)));
    }
    return MakeArray(std::move(out));
  });
  RegisterBuiltin(r, "map", "<af>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    Value out = NewSequence();
    const auto& items = a[0].array().items;
    for (size_t i = 0; i < items.size(); ++i) {
      Value res = ev.CallWithItem(a[1], items[i], static_cast<int>(i), a[0], pos);
      if (!res.IsUndefined()) out.array().items.push_back(res);
    }
    return out;
  });
  RegisterBuiltin(r, "filter", "<af>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    Value out = NewSequence();
    const auto& items = a[0].array().items;
    for (size_t i = 0; i < items.size(); ++i) {
      if (Truthy(ev.CallWithItem(a[1], items[i], static_cast<int>(i), a[0], pos))) {
        out.array().items.push_back(items[i]);
      }
    }
    return out;
  });
  RegisterBuiltin(r, "reduce", "<afj?:j>", 3,
                  [](Evaluator& ev, Args& a, const Value&, int pos) { return Reduce(ev, a, pos); });
  RegisterBuiltin(r, "single", "<af?>", 2,
                  [](Evaluator& ev, Args& a, const Value&, int pos) { return Single(ev, a, pos); });
}

}  // namespace stepwise::jsonata::internal
