// Date/time functions: $now $millis $fromMillis $toMillis (with XPath
// picture strings and timezones, datetime_picture.h), and $formatInteger
// $parseInteger (integer_picture.h). "Now" is the caller's
// (Environment::now_millis), fixed for one evaluation as in jsonata-js.
#include <cmath>
#include <cstdio>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/datetime_picture.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/integer_picture.h"
#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/utf.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// `re`'s match in `s` (U1003 if that takes too much backtracking).
std::optional<TextMatch> MatchOrFail(const JsRegex& re, const std::string& s) {
  absl::StatusOr<std::optional<TextMatch>> m = SearchText(re, s);
  if (!m.ok()) Fail("U1003", -1, StrCat("/", re.source(), "/ on ", Utf16Length(s), " characters"));
  return *std::move(m);
}

// nullopt if `s` is not what jsonata-js accepts as ISO 8601 (D3110); NaN if
// it is, but names no real instant (JavaScript's Date.parse gives NaN).
std::optional<double> MillisFromIso(const std::string& s) {
  static const auto* kLoose = new std::shared_ptr<const JsRegex>(JsRegex::Compile(
      "^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]"
      "\\d|Z)?$",
      ""));
  if (!MatchOrFail(**kLoose, s)) return std::nullopt;
  static const auto* kIso = new std::shared_ptr<const JsRegex>(JsRegex::Compile(
      "^(\\d{4})(?:-(\\d{2}))?(?:-(\\d{2}))?(?:T(\\d{2}):(\\d{2})(?::(\\d{2}))?(?:\\.(\\d+))?)?"
      "(Z|[+-]\\d{2}:?\\d{2})?$",
      ""));
  std::optional<TextMatch> m = MatchOrFail(**kIso, s);
  if (!m) return std::nan("");
  auto num = [&](int g, int def) { return m->groups[g - 1] ? std::stoi(*m->groups[g - 1]) : def; };
  int month = num(2, 1), day = num(3, 1), hour = num(4, 0), minute = num(5, 0), sec = num(6, 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || sec > 59) {
    return std::nan("");
  }
  double frac = 0;
  if (m->groups[6]) frac = std::floor(std::stod("0." + *m->groups[6]) * 1000 + 1e-9);
  double millis = static_cast<double>(DaysFromCivil(num(1, 0), month, day)) * 86400000.0 +
                  hour * 3600000.0 + minute * 60000.0 + sec * 1000.0 + frac;
  if (m->groups[7] && *m->groups[7] != "Z") {
    const std::string& off = *m->groups[7];
    int sign = off[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : off.substr(1)) {
      if (c != ':') digits.push_back(c);
    }
    millis -= sign * (std::stoi(digits.substr(0, 2)) * 3600000.0 +
                      std::stoi(digits.substr(2, 2)) * 60000.0);
  }
  return millis;
}

std::optional<std::string> OptionalString(const Value& v) {
  return v.IsUndefined() ? std::nullopt : std::optional<std::string>(v.str());
}

}  // namespace

void RegisterDateFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "millis", "<:n>", 0, [](Evaluator& ev, Args&, const Value&, int) {
    return Value::Number(static_cast<double>(ev.now_millis()));
  });
  RegisterBuiltin(r, "now", "<s?s?:s>", 2, [](Evaluator& ev, Args& a, const Value&, int) {
    return Value::String(FormatDateTime(static_cast<double>(ev.now_millis()), OptionalString(a[0]),
                                        OptionalString(a[1])));
  });
  RegisterBuiltin(r, "fromMillis", "<n-s?s?:s>", 3, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::String(FormatDateTime(a[0].number(), OptionalString(a[1]), OptionalString(a[2])));
  });
  RegisterBuiltin(r, "toMillis", "<s-s?:n>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    if (!a[1].IsUndefined()) {
      std::optional<double> millis = ParseDateTime(a[0].str(), a[1].str(), ev.now_millis());
      return millis ? Value::Number(*millis) : Value();
    }
    std::optional<double> millis = MillisFromIso(a[0].str());
    if (!millis) Fail("D3110", pos, a[0].str());
    return Value::Number(*millis);
  });
  RegisterBuiltin(r, "formatInteger", "<n-s:s>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::String(
        FormatInteger(std::floor(a[0].number()), AnalyseIntegerPicture(a[1].str())));
  });
  RegisterBuiltin(r, "parseInteger", "<s-s:n>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::Number(IntegerMatcherFor(AnalyseIntegerPicture(a[1].str())).parse(a[0].str()));
  });
}

}  // namespace stepwise::jsonata::internal
