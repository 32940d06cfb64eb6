// Object and type functions: $keys $lookup $spread $merge $each $sift
// $type $error $assert $clone.
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// A range over an object's members that stays valid while the function
// called per member changes the object (a transform whose pattern selects it
// through $$ or a variable; growing the members would free them under a
// plain loop). Like JavaScript's for-in: the keys present at the start, each
// visited if still present, with its value at that time.
class MembersAsVisited {
 public:
  explicit MembersAsVisited(const Object& object) : object_(object) {
    keys_.reserve(object.members.size());
    for (const auto& [k, v] : object.members) keys_.push_back(k);
  }
  class Iterator {
   public:
    Iterator(const MembersAsVisited& range, size_t i) : range_(range), i_(i) { Settle(); }
    std::pair<const std::string&, Value> operator*() const { return {range_.keys_[i_], value_}; }
    Iterator& operator++() {
      ++i_;
      Settle();
      return *this;
    }
    bool operator!=(const Iterator& other) const { return i_ != other.i_; }

   private:
    // Skips to the next key still present and copies its value (the call
    // for it may change the object).
    void Settle() {
      const auto& members = range_.object_.members;
      for (; i_ < range_.keys_.size(); ++i_) {
        const std::string& key = range_.keys_[i_];
        const Value* v = i_ < members.size() && members[i_].first == key ? &members[i_].second
                                                                         : range_.object_.Find(key);
        if (v != nullptr) {
          value_ = *v;
          return;
        }
      }
    }
    const MembersAsVisited& range_;
    size_t i_;
    Value value_;
  };
  Iterator begin() const { return Iterator(*this, 0); }
  Iterator end() const { return Iterator(*this, keys_.size()); }

 private:
  const Object& object_;
  std::vector<std::string> keys_;
};

Value Keys(const Value& arg) {
  Value result = NewSequence();
  if (arg.IsArray()) {
    for (const Value& item : arg.array().items) {
      Value ks = Keys(item);
      for (const Value& k : ks.array().items) {
        bool seen = false;
        for (const Value& have : result.array().items) seen = seen || have.str() == k.str();
        if (!seen) result.array().items.push_back(k);
      }
    }
  } else if (arg.IsObject()) {
    for (const auto& [k, v] : arg.object().members)
      result.array().items.push_back(Value::String(k));
  }
  return result;
}

Value Spread(const Value& arg) {
  if (arg.IsArray()) {
    Value result = NewSequence();
    for (const Value& item : arg.array().items) result = Append(result, Spread(item));
    return result;
  }
  if (arg.IsObject()) {
    Value result = NewSequence();
    for (const auto& [k, v] : arg.object().members) {
      auto o = std::make_shared<Object>();
      o->members.emplace_back(k, v);
      result.array().items.push_back(Value::Of(std::move(o)));
    }
    return result;
  }
  return arg;
}

std::string TypeName(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kNumber:
      // As jsonata-js: isNumeric (throws D1001 for an infinity); NaN is an "object".
      return IsNumeric(v) ? "number" : "object";
    case Value::Kind::kString:
      return "string";
    case Value::Kind::kBool:
      return "boolean";
    case Value::Kind::kArray:
      return "array";
    case Value::Kind::kFunction:
      return "function";
    default:
      return "object";
  }
}

}  // namespace

void RegisterObjectFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "keys", "<x-:a<s>>", 1,
                  [](Evaluator&, Args& a, const Value&, int) { return Keys(a[0]); });
  RegisterBuiltin(r, "lookup", "<x-s:x>", 2, [](Evaluator&, Args& a, const Value&, int) {
    return LookupField(a[0], a[1].IsString() ? a[1].str() : "");
  });
  RegisterBuiltin(r, "spread", "<x-:a<o>>", 1,
                  [](Evaluator&, Args& a, const Value&, int) { return Spread(a[0]); });
  RegisterBuiltin(r, "merge", "<a<o>:o>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    auto o = std::make_shared<Object>();
    for (const Value& item : a[0].array().items) {
      for (const auto& [k, v] : item.object().members) o->Set(k, v);
    }
    return Value::Of(std::move(o));
  });
  RegisterBuiltin(r, "each", "<o-f:a>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    Value out = NewSequence();
    for (const auto& [k, v] : MembersAsVisited(a[0].object())) {
      std::vector<Value> args{v};
      int arity = Evaluator::Arity(a[1]);
      if (arity >= 2) args.push_back(Value::String(k));
      if (arity >= 3) args.push_back(a[0]);
      Value res = ev.Apply(a[1], std::move(args), Value::Null(), pos);
      if (!res.IsUndefined()) out.array().items.push_back(res);
    }
    return out;
  });
  RegisterBuiltin(r, "sift", "<o-f?:o>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    auto o = std::make_shared<Object>();
    for (const auto& [k, v] : MembersAsVisited(a[0].object())) {
      std::vector<Value> args{v};
      int arity = Evaluator::Arity(a[1]);
      if (arity >= 2) args.push_back(Value::String(k));
      if (arity >= 3) args.push_back(a[0]);
      if (Truthy(ev.Apply(a[1], std::move(args), Value::Null(), pos)))
        o->members.emplace_back(k, v);
    }
    if (o->members.empty()) return Value();
    return Value::Of(std::move(o));
  });
  // JSON.parse($string(x)): a deep copy, numbers to 15 significant digits.
  RegisterBuiltin(r, "clone", "<(oa)-:o>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    // Boost.JSON's default depth limit (32) would throw out of the library.
    boost::json::parse_options options;
    options.max_depth = kMaxValueNesting + 1;
    return FromJson(boost::json::parse(Stringify(a[0], 0), {}, options));
  });
  RegisterBuiltin(r, "type", "<x:s>", 1, [](Evaluator&, Args& a, const Value&, int) {
    return a[0].IsUndefined() ? Value() : Value::String(TypeName(a[0]));
  });
  RegisterBuiltin(r, "error", "<s?:x>", 1, [](Evaluator&, Args& a, const Value&, int pos) -> Value {
    Fail("D3137", pos,
         a[0].IsString() && !a[0].str().empty() ? a[0].str() : "$error() function evaluated");
  });
  RegisterBuiltin(r, "assert", "<bs?:x>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (!a[0].bool_value()) {
      Fail("D3141", pos,
           a[1].IsString() && !a[1].str().empty() ? a[1].str() : "$assert() statement failed");
    }
    return Value();
  });
}

}  // namespace stepwise::jsonata::internal
