// Functions taking a string or a matcher (a regex closure or a custom
// matcher function, see matcher.h): $contains $split $match $replace. They
// follow jsonata-js's loops: the matcher is called once, then each match's
// next() until undefined or the limit; positions are UTF-16 offsets and
// substrings are cut as JavaScript's String#substring cuts them.
#include <cmath>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/matcher.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// A JavaScript index argument: a number (NaN as 0) clamped to [0, size];
// `absent` when it is undefined; anything else as NaN.
size_t JsIndex(const Value& v, size_t size, size_t absent) {
  if (v.IsUndefined()) return absent;
  double d = v.IsNumber() ? v.number() : 0;
  if (std::isnan(d) || d <= 0) return 0;
  return d >= static_cast<double>(size) ? size : static_cast<size_t>(d);
}

// String#substring: the arguments are clamped and swapped if reversed.
std::u16string_view Substring(const std::u16string& s, const Value& from, const Value& to) {
  size_t a = JsIndex(from, s.size(), 0), b = JsIndex(to, s.size(), s.size());
  if (a > b) std::swap(a, b);
  return std::u16string_view(s).substr(a, b - a);
}

// limit < 0 is `error_code`; undefined means no limit.
bool Within(const Value& limit, double count) {
  return limit.IsUndefined() || count < limit.number();
}

// jsonata-js's `$n` substitution in a replacement string.
std::string Substitute(const std::string& replacement, const Value& match, int pos) {
  Value groups_value = Member(match, "groups");
  if (!groups_value.IsArray()) Fail("T1010", pos, "\"replace\"");  // a TypeError in JS
  const std::vector<Value>& groups = groups_value.array().items;
  Value text = Member(match, "match");
  std::string out;
  size_t position = 0;
  size_t index = replacement.find('$');
  while (index != std::string::npos && position < replacement.size()) {
    out += replacement.substr(position, index - position);
    position = index + 1;
    char next = position < replacement.size() ? replacement[position] : '\0';
    if (next == '$') {
      out += '$';
      ++position;
    } else if (next == '0') {
      if (text.IsString()) out += text.str();
      ++position;
    } else {
      size_t count = groups.size();
      size_t max_digits = count == 0 ? 1 : static_cast<size_t>(std::floor(std::log10(count))) + 1;
      auto parse = [&](size_t digits) -> long {
        std::string d;
        for (size_t k = position; k < position + digits && k < replacement.size() &&
                                  std::isdigit(static_cast<unsigned char>(replacement[k]));
             ++k) {
          d.push_back(replacement[k]);
        }
        return d.empty() ? -1 : std::stol(d);
      };
      long group = parse(max_digits);
      if (max_digits > 1 && group > static_cast<long>(count)) group = parse(max_digits - 1);
      if (group >= 0) {
        if (count > 0 && group >= 1 && static_cast<size_t>(group) <= count) {
          const Value& g = groups[group - 1];
          if (g.IsString()) out += g.str();
        }
        position += std::to_string(group).size();
      } else {
        out += '$';
      }
    }
    index = replacement.find('$', position);
  }
  if (position < replacement.size()) out += replacement.substr(position);
  return out;
}

Value ReplaceString(const std::string& s, const std::string& pattern, const Value& with,
                    const Value& limit) {
  std::string replacement = with.IsString() ? with.str() : "";
  std::string out;
  size_t position = 0;
  double count = 0;
  size_t index = s.find(pattern);
  while (index != std::string::npos && Within(limit, count)) {
    out += s.substr(position, index - position) + replacement;
    position = index + pattern.size();
    ++count;
    index = s.find(pattern, position);
  }
  return Value::String(out + s.substr(position));
}

Value Replace(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  if (a[1].IsString() && a[1].str().empty()) Fail("D3010", pos);
  if (!a[3].IsUndefined() && a[3].number() < 0) Fail("D3011", pos);
  if (!a[3].IsUndefined() && !(a[3].number() > 0)) return a[0];
  if (a[1].IsString()) return ReplaceString(a[0].str(), a[1].str(), a[2], a[3]);
  MatchIterator it(ev, a[1], a[0].str(), "replace", pos);
  if (it.done()) return a[0];
  std::u16string s = ToUtf16Units(a[0].str());
  std::u16string out;
  Value position = Value::Number(0);
  for (double count = 0; !it.done() && Within(a[3], count); ++count, it.Next()) {
    const Value& m = it.current();
    Value start = Member(m, "start");
    out += Substring(s, position, start);
    Value with = a[2].IsString() ? Value::String(Substitute(a[2].str(), m, pos))
                                 : ev.Apply(a[2], {m}, Value::Null(), pos);
    if (!with.IsString()) Fail("D3012", pos);
    out += ToUtf16Units(with.str());
    // position = start + match.length (NaN, hence 0, unless both are
    // numbers); jsonata-js fails with a TypeError without a match.
    Value text = Member(m, "match");
    if (text.IsUndefined() || text.IsNull()) Fail("T1010", pos, "\"replace\"");
    position = start.IsNumber() && text.IsString()
                   ? Value::Number(start.number() + static_cast<double>(Utf16Length(text.str())))
                   : Value::Number(std::nan(""));
  }
  out += Substring(s, position, Value());
  return Value::String(FromUtf16Units(out));
}

Value SplitString(const std::string& s, const std::string& sep, const Value& limit_value) {
  double limit = limit_value.IsUndefined() ? -1 : std::floor(limit_value.number());
  std::vector<Value> out;
  auto room = [&] { return limit < 0 || static_cast<double>(out.size()) < limit; };
  if (sep.empty()) {
    for (char32_t c : ToUtf32(s)) {
      if (!room()) break;
      out.push_back(Value::String(FromUtf32(std::u32string(1, c))));
    }
    return MakeArray(std::move(out));
  }
  size_t start = 0;
  while (room()) {
    size_t p = s.find(sep, start);
    if (p == std::string::npos) {
      out.push_back(Value::String(s.substr(start)));
      break;
    }
    out.push_back(Value::String(s.substr(start, p - start)));
    start = p + sep.size();
  }
  return MakeArray(std::move(out));
}

Value Split(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  if (!a[2].IsUndefined() && a[2].number() < 0) Fail("D3020", pos);
  if (!a[2].IsUndefined() && !(a[2].number() > 0)) return MakeArray({});
  if (a[1].IsString()) return SplitString(a[0].str(), a[1].str(), a[2]);
  std::vector<Value> out;
  MatchIterator it(ev, a[1], a[0].str(), "split", pos);
  if (it.done()) return MakeArray({a[0]});
  std::u16string s = ToUtf16Units(a[0].str());
  Value start = Value::Number(0);
  double count = 0;
  for (; !it.done() && Within(a[2], count); ++count, it.Next()) {
    out.push_back(
        Value::String(FromUtf16Units(Substring(s, start, Member(it.current(), "start")))));
    start = Member(it.current(), "end");
    if (start.IsUndefined()) start = Value::Number(std::nan(""));
  }
  if (Within(a[2], count))
    out.push_back(Value::String(FromUtf16Units(Substring(s, start, Value()))));
  return MakeArray(std::move(out));
}

Value Match(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  if (!a[2].IsUndefined() && a[2].number() < 0) Fail("D3040", pos);
  Value seq = NewSequence();
  if (!a[2].IsUndefined() && !(a[2].number() > 0)) return seq;
  MatchIterator it(ev, a[1], a[0].str(), "match", pos);
  for (double count = 0; !it.done() && Within(a[2], count); ++count, it.Next()) {
    auto o = std::make_shared<Object>();
    for (auto [from, to] :
         {std::pair{"match", "match"}, {"start", "index"}, {"groups", "groups"}}) {
      Value v = Member(it.current(), from);
      if (!v.IsUndefined()) o->members.emplace_back(to, std::move(v));
    }
    seq.array().items.push_back(Value::Of(std::move(o)));
  }
  return seq;
}

}  // namespace

void RegisterRegexFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(
      r, "contains", "<s-(sf):b>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
        if (a[0].IsUndefined() || a[1].IsUndefined()) return Value();
        if (a[1].IsString()) return Value::Bool(a[0].str().find(a[1].str()) != std::string::npos);
        return Value::Bool(!MatchIterator(ev, a[1], a[0].str(), "contains", pos).done());
      });
  RegisterBuiltin(r, "split", "<s-(sf)n?:a<s>>", 3,
                  [](Evaluator& ev, Args& a, const Value&, int pos) { return Split(ev, a, pos); });
  RegisterBuiltin(r, "match", "<s-f<s:o>n?:a<o>>", 3,
                  [](Evaluator& ev, Args& a, const Value&, int pos) { return Match(ev, a, pos); });
  RegisterBuiltin(
      r, "replace", "<s-(sf)(sf)n?:s>", 4,
      [](Evaluator& ev, Args& a, const Value&, int pos) { return Replace(ev, a, pos); });
}

}  // namespace stepwise::jsonata::internal
