#include "orchestrator/asl/jsonata/matcher.h"

#include <cmath>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

// The string a regex closure was called with, and the work budget that its
// match and every following next() share: however many matches a
// $match/$replace/$split walks, the regex work on one string stays bounded.
struct Subject {
  explicit Subject(std::u16string s) : units(std::move(s)), budget(units.size()) {}
  const std::u16string units;
  JsRegex::Budget budget;
};
using Units = std::shared_ptr<Subject>;

Value NextFunction(const Value& closure, Units subject, int position);

// jsonata-js's closure(str, fromIndex) over `subject`: re.lastIndex =
// fromIndex, exec, and the match object with its next().
Value Exec(const Value& closure, const Units& subject, size_t from, int position) {
  const Function& f = closure.function();
  size_t& last_index = *f.last_index;
  std::optional<JsRegex::Match> m;
  if (from <= subject->units.size()) {
    absl::StatusOr<std::optional<JsRegex::Match>> found =
        f.regex->Search(subject->units, from, subject->budget);
    if (!found.ok()) {
      Fail("U1003", position,
           StrCat("/", f.regex->source(), "/ on ", subject->units.size(), " characters"));
    }
    m = *std::move(found);
  }
  if (!m) {
    last_index = 0;  // a failed exec resets a global RegExp's lastIndex
    return Value();
  }
  last_index = m->end;
  auto o = std::make_shared<Object>();
  o->members.emplace_back(
      "match", Value::String(FromUtf16Units(
                   std::u16string_view(subject->units).substr(m->start, m->end - m->start))));
  o->members.emplace_back("start", Value::Number(static_cast<double>(m->start)));
  o->members.emplace_back("end", Value::Number(static_cast<double>(m->end)));
  std::vector<Value> groups;
  for (const std::optional<std::u16string>& g : m->groups) {
    groups.push_back(g ? Value::String(FromUtf16Units(*g)) : Value());
  }
  o->members.emplace_back("groups", MakeArray(std::move(groups)));
  o->members.emplace_back("next", NextFunction(closure, subject, position));
  return Value::Of(std::move(o));
}

// result.next: continues from the closure's lastIndex (shared by every match
// of the closure, as jsonata-js's RegExp object is).
Value NextFunction(const Value& closure, Units subject, int position) {
  auto f = std::make_shared<Function>();
  f->kind = Function::Kind::kBuiltin;
  f->name = "next";
  f->arity = 0;
  f->impl = [closure, subject = std::move(subject), position](Evaluator&, std::vector<Value>&,
                                                              const Value&, int) {
    size_t from = *closure.function().last_index;
    if (from >= subject->units.size()) return Value();
    Value next = Exec(closure, subject, from, position);
    if (next.IsObject() && next.object().Find("match")->str().empty()) {
      Fail("D1004", position, closure.function().regex->source());
    }
    return next;
  };
  return Value::Of(std::shared_ptr<const Function>(std::move(f)));
}

// JavaScript's String() of a primitive.
std::string JsString(const Value& v, int position) {
  switch (v.kind()) {
    case Value::Kind::kString:
      return v.str();
    case Value::Kind::kUndefined:
      return "undefined";
    case Value::Kind::kNull:
      return "null";
    case Value::Kind::kBool:
      return v.bool_value() ? "true" : "false";
    case Value::Kind::kNumber:
      return std::isfinite(v.number()) ? NumberToString(v.number())
                                       : (std::isnan(v.number()) ? "NaN"
                                          : v.number() > 0       ? "Infinity"
                                                                 : "-Infinity");
    default:
      Fail("T0410", position, "1");
  }
}

// JavaScript's falsy values other than undefined.
bool IsFalsy(const Value& v) {
  return v.IsNull() || (v.IsBool() && !v.bool_value()) ||
         (v.IsNumber() && (v.number() == 0 || std::isnan(v.number()))) ||
         (v.IsString() && v.str().empty());
}

}  // namespace

Value MakeRegexClosure(std::shared_ptr<const JsRegex> regex) {
  auto f = std::make_shared<Function>();
  f->kind = Function::Kind::kRegex;
  f->regex = std::move(regex);
  f->last_index = std::make_shared<size_t>(0);
  f->arity = 2;  // closure(str, fromIndex): $map & co. pass the index
  return Value::Of(std::shared_ptr<const Function>(std::move(f)));
}

Value CallRegexClosure(const Value& closure, const std::vector<Value>& args, int position) {
  auto subject =
      std::make_shared<Subject>(ToUtf16Units(JsString(args.empty() ? Value() : args[0], position)));
  double from = args.size() > 1 && args[1].IsNumber() ? args[1].number() : 0;
  if (std::isnan(from) || from < 0) from = 0;
  return Exec(closure, subject,
              from >= static_cast<double>(subject->units.size()) + 1 ? subject->units.size() + 1
                                                                     : static_cast<size_t>(from),
              position);
}

Value Member(const Value& match, const char* name) {
  if (match.IsNull()) Fail("T1010", -1, "");
  if (!match.IsObject()) return Value();
  const Value* v = match.object().Find(name);
  return v == nullptr ? Value() : *v;
}

MatchIterator::MatchIterator(Evaluator& ev, const Value& matcher, const std::string& subject,
                             std::string function_name, int position)
    : ev_(ev), function_name_(std::move(function_name)), position_(position) {
  current_ = Call(matcher, Value::String(subject));
}

void MatchIterator::Next() { current_ = Call(Member(current_, "next"), Value()); }

Value MatchIterator::Call(const Value& fn, Value arg) {
  // jsonata-js calls matcher.apply(...): anything else is a TypeError.
  if (!fn.IsFunction()) Fail("T1010", position_, StrCat("\"", function_name_, "\""));
  Value r = ev_.Apply(fn, {std::move(arg)}, Value::Null(), position_);
  if (r.IsUndefined() || IsFalsy(r)) return r;
  if (r.IsObject()) {
    const Value* start = r.object().Find("start");
    const Value* groups = r.object().Find("groups");
    const Value* next = r.object().Find("next");
    if ((start != nullptr && start->IsNumber()) || (groups != nullptr && groups->IsArray()) ||
        (next != nullptr && next->IsFunction())) {
      return r;
    }
  }
  Fail("T1010", position_, StrCat("\"", function_name_, "\""));
}

}  // namespace stepwise::jsonata::internal
