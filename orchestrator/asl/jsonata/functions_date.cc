// Date/time functions: $now $millis $fromMillis $toMillis. "Now" is the
// caller's (Environment::now_millis), fixed for one evaluation as in
// jsonata-js; there are no picture strings (D3133), only ISO 8601 in UTC.
#include <cmath>
#include <cstdio>
#include <regex>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

std::string IsoFromMillis(double millis) {
  auto ms = static_cast<int64_t>(std::floor(millis));
  int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
  int64_t rem = ms - days * 86400000;
  int64_t y, m, d;
  CivilFromDays(days, y, m, d);
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lldZ",
                static_cast<long long>(y), static_cast<long long>(m), static_cast<long long>(d),
                static_cast<long long>(rem / 3600000), static_cast<long long>(rem / 60000 % 60),
                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

// nullopt if `s` is not what jsonata-js accepts as ISO 8601 (D3110); NaN if
// it is, but names no real instant (JavaScript's Date.parse gives NaN).
std::optional<double> MillisFromIso(const std::string& s) {
  static const std::regex kLoose(
      "^\\d{4}(-[01]\\d)*(-[0-3]\\d)*(T[0-2]\\d:[0-5]\\d:[0-5]\\d)*(\\.\\d+)?([+-][0-2]\\d:?[0-5]"
      "\\d|Z)?$");
  if (!std::regex_match(s, kLoose)) return std::nullopt;
  static const std::regex kIso(
      "^(\\d{4})(?:-(\\d{2}))?(?:-(\\d{2}))?(?:T(\\d{2}):(\\d{2})(?::(\\d{2}))?(?:\\.(\\d+))?)?"
      "(Z|[+-]\\d{2}:?\\d{2})?$");
  std::smatch m;
  if (!std::regex_match(s, m, kIso)) return std::nan("");
  auto num = [&](int g, int def) { return m[g].matched ? std::stoi(m.str(g)) : def; };
  int month = num(2, 1), day = num(3, 1), hour = num(4, 0), minute = num(5, 0), sec = num(6, 0);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || sec > 59) {
    return std::nan("");
  }
  double frac = 0;
  if (m[7].matched) frac = std::floor(std::stod("0." + m.str(7)) * 1000 + 1e-9);
  double millis = static_cast<double>(DaysFromCivil(num(1, 0), month, day)) * 86400000.0 +
                  hour * 3600000.0 + minute * 60000.0 + sec * 1000.0 + frac;
  if (m[8].matched && m.str(8) != "Z") {
    std::string off = m.str(8);
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

}  // namespace

void RegisterDateFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "millis", "<:n>", 0, [](Evaluator& ev, Args&, const Value&, int) {
    return Value::Number(static_cast<double>(ev.now_millis()));
  });
  RegisterBuiltin(r, "now", "<s?s?:s>", 2, [](Evaluator& ev, Args& a, const Value&, int pos) {
    if (!a[0].IsUndefined()) Fail("D3133", pos, a[0].str());
    return Value::String(IsoFromMillis(static_cast<double>(ev.now_millis())));
  });
  RegisterBuiltin(r, "fromMillis", "<n-s?s?:s>", 3, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    if (!a[1].IsUndefined()) Fail("D3133", pos, a[1].str());
    return Value::String(IsoFromMillis(a[0].number()));
  });
  RegisterBuiltin(r, "toMillis", "<s-s?:n>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    if (!a[1].IsUndefined()) Fail("D3133", pos, a[1].str());
    std::optional<double> millis = MillisFromIso(a[0].str());
    if (!millis) Fail("D3110", pos, a[0].str());
    return Value::Number(*millis);
  });
}

}  // namespace stepwise::jsonata::internal
