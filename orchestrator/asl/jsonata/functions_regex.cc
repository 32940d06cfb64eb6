// Functions taking a string or a regex: $contains $split $match $replace.
// Regex matches iterate like jsonata-js's regex closure: after a match, the
// search resumes at its end, and a later empty match is D1004.
#include <cmath>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

struct Match {
  std::string text;
  size_t start, end;
  std::vector<Value> groups;
};

std::optional<Match> Exec(const std::regex& re, const std::string& s, size_t from) {
  std::smatch m;
  auto flags =
      from > 0 ? std::regex_constants::match_prev_avail : std::regex_constants::match_default;
  if (!std::regex_search(s.begin() + static_cast<long>(from), s.end(), m, re, flags)) {
    return std::nullopt;
  }
  Match match;
  match.text = m.str(0);
  match.start = from + static_cast<size_t>(m.position(0));
  match.end = match.start + match.text.size();
  for (size_t g = 1; g < m.size(); ++g) {
    match.groups.push_back(m[g].matched ? Value::String(m.str(g)) : Value());
  }
  return match;
}

// Every match of `matcher` in `s` (at most `limit`, negative = all). As in
// jsonata-js, the next match is looked for after each one even when the
// limit is reached, and a non-first empty match is D1004 (JS does not
// advance past an empty match, so it would repeat forever).
std::vector<Match> AllMatches(const Value& matcher, const std::string& s, double limit, int pos) {
  if (!matcher.IsFunction() || matcher.function().kind != Function::Kind::kRegex) {
    Fail("S0500", pos, "custom matcher functions");
  }
  const std::regex& re = *matcher.function().regex;
  std::vector<Match> out;
  std::optional<Match> current = Exec(re, s, 0);
  while (current && (limit < 0 || static_cast<double>(out.size()) < limit)) {
    out.push_back(*current);
    if (current->end >= s.size()) break;
    current = Exec(re, s, current->end);
    if (current && current->text.empty()) Fail("D1004", pos);
  }
  return out;
}

// The UTF-16 offset (JavaScript's string index) of byte `byte` of UTF-8 `s`.
double Utf16Offset(const std::string& s, size_t byte) {
  double units = 0;
  for (size_t i = 0; i < byte && i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    units += c >= 0xF0 ? 2 : 1;        // astral code points are surrogate pairs
  }
  return units;
}

// The match object, with positions in UTF-16 code units as jsonata-js's.
Value MatchObject(const Match& m, const std::string& s, bool with_index) {
  auto o = std::make_shared<Object>();
  o->members.emplace_back("match", Value::String(m.text));
  if (with_index) {
    o->members.emplace_back("index", Value::Number(Utf16Offset(s, m.start)));
  } else {
    o->members.emplace_back("start", Value::Number(Utf16Offset(s, m.start)));
    o->members.emplace_back("end", Value::Number(Utf16Offset(s, m.end)));
  }
  o->members.emplace_back("groups", MakeArray(m.groups));
  return Value::Of(std::move(o));
}

// jsonata-js's `$n` substitution in a replacement string.
std::string Substitute(const std::string& replacement, const Match& m) {
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
      out += m.text;
      ++position;
    } else {
      size_t groups = m.groups.size();
      size_t max_digits = groups == 0 ? 1 : static_cast<size_t>(std::floor(std::log10(groups))) + 1;
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
      if (max_digits > 1 && group > static_cast<long>(groups)) group = parse(max_digits - 1);
      if (group >= 0) {
        if (groups > 0 && group >= 1 && static_cast<size_t>(group) <= groups) {
          const Value& g = m.groups[group - 1];
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

Value Replace(Evaluator& ev, Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  const std::string& s = a[0].str();
  if (a[1].IsString() && a[1].str().empty()) Fail("D3010", pos);
  if (!a[3].IsUndefined() && a[3].number() < 0) Fail("D3011", pos);
  double limit = a[3].IsUndefined() ? -1 : a[3].number();
  if (limit == 0) return a[0];
  std::string out;
  size_t position = 0;
  if (a[1].IsString()) {
    const std::string& pattern = a[1].str();
    std::string with = a[2].IsString() ? a[2].str() : "";
    double count = 0;
    size_t index = s.find(pattern);
    while (index != std::string::npos && (limit < 0 || count < limit)) {
      out += s.substr(position, index - position) + with;
      position = index + pattern.size();
      ++count;
      index = s.find(pattern, position);
    }
    return Value::String(out + s.substr(position));
  }
  std::vector<Match> matches = AllMatches(a[1], s, limit, pos);
  if (matches.empty()) return a[0];
  for (const Match& m : matches) {
    out += s.substr(position, m.start - position);
    if (a[2].IsString()) {
      out += Substitute(a[2].str(), m);
    } else {
      Value r = ev.Apply(a[2], {MatchObject(m, s, false)}, Value::Null(), pos);
      if (!r.IsString()) Fail("D3012", pos);
      out += r.str();
    }
    position = m.end;
  }
  return Value::String(out + s.substr(position));
}

Value Split(Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  if (!a[2].IsUndefined() && a[2].number() < 0) Fail("D3020", pos);
  double limit = a[2].IsUndefined() ? -1 : std::floor(a[2].number());
  std::vector<Value> out;
  const std::string& s = a[0].str();
  auto room = [&] { return limit < 0 || static_cast<double>(out.size()) < limit; };
  if (a[1].IsString()) {
    const std::string& sep = a[1].str();
    if (sep.empty()) {
      for (char32_t c : ToUtf32(s)) {
        if (!room()) break;
        out.push_back(Value::String(FromUtf32(std::u32string(1, c))));
      }
    } else {
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
    }
    return MakeArray(std::move(out));
  }
  if (limit == 0) return MakeArray({});
  std::vector<Match> matches = AllMatches(a[1], s, limit, pos);
  size_t start = 0;
  for (const Match& m : matches) {
    out.push_back(Value::String(s.substr(start, m.start - start)));
    start = m.end;
  }
  if (room()) out.push_back(Value::String(s.substr(start)));
  return MakeArray(std::move(out));
}

}  // namespace

void RegisterRegexFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "contains", "<s-(sf):b>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined() || a[1].IsUndefined()) return Value();
    if (a[1].IsString()) return Value::Bool(a[0].str().find(a[1].str()) != std::string::npos);
    if (!a[1].IsFunction() || a[1].function().kind != Function::Kind::kRegex) {
      Fail("S0500", pos, "custom matcher functions");
    }
    return Value::Bool(Exec(*a[1].function().regex, a[0].str(), 0).has_value());
  });
  RegisterBuiltin(r, "split", "<s-(sf)n?:a<s>>", 3,
                  [](Evaluator&, Args& a, const Value&, int pos) { return Split(a, pos); });
  RegisterBuiltin(r, "match", "<s-f<s:o>n?:a<o>>", 3,
                  [](Evaluator&, Args& a, const Value&, int pos) {
                    if (a[0].IsUndefined()) return Value();
                    if (!a[2].IsUndefined() && a[2].number() < 0) Fail("D3040", pos);
                    double limit = a[2].IsUndefined() ? -1 : a[2].number();
                    Value seq = NewSequence();
                    for (const Match& m : AllMatches(a[1], a[0].str(), limit, pos)) {
                      seq.array().items.push_back(MatchObject(m, a[0].str(), true));
                    }
                    return seq;
                  });
  RegisterBuiltin(
      r, "replace", "<s-(sf)(sf)n?:s>", 4,
      [](Evaluator& ev, Args& a, const Value&, int pos) { return Replace(ev, a, pos); });
}

}  // namespace stepwise::jsonata::internal
