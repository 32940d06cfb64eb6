// Numeric and aggregation functions: $number $abs $floor $ceil $round
// $power $sqrt $random $formatNumber (a subset) $formatBase $sum $max $min
// $average $count, and the boolean ones: $boolean $not $exists.
#include <cmath>
#include <cstdlib>
#include <regex>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// JS Math.round: halves go toward +infinity.
double JsRound(double x) { return std::floor(x + 0.5); }

// jsonata-js's round: half to even, with the decimal shift done on the
// decimal string so 1.005 is not 1.00499999.
double RoundHalfEven(double arg, double precision) {
  auto shift = [](double v, double by) {
    std::string s = NumberToString(v);
    size_t e = s.find('e');
    double exp = by;
    if (e != std::string::npos) {
      exp += std::strtod(s.c_str() + e + 1, nullptr);
      s = s.substr(0, e);
    }
    return std::strtod(StrCat(s, "e", NumberToString(exp)).c_str(), nullptr);
  };
  if (precision != 0) arg = shift(arg, precision);
  double result = JsRound(arg);
  double diff = result - arg;
  if (std::fabs(diff) == 0.5 && std::fabs(std::fmod(result, 2)) == 1) result -= 1;
  if (precision != 0) result = shift(result, -precision);
  if (result == 0) result = 0;  // no -0
  return result;
}

Value ToNumber(const Value& v, int pos) {
  if (v.IsUndefined()) return v;
  if (v.IsNumber()) return v;
  if (v.IsBool()) return Value::Number(v.bool_value() ? 1 : 0);
  if (v.IsString()) {
    static const std::regex kDecimal("^-?[0-9]+(\\.[0-9]+)?([Ee][-+]?[0-9]+)?$");
    static const std::regex kRadix("^0[xX][0-9A-Fa-f]+|^0[oO][0-7]+|^0[bB][01]+");
    const std::string& s = v.str();
    if (std::regex_match(s, kDecimal)) {
      double d = std::strtod(s.c_str(), nullptr);
      if (std::isfinite(d)) return Value::Number(d);
    } else if (std::regex_match(s, kRadix)) {
      int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
      return Value::Number(static_cast<double>(std::strtoull(s.c_str() + 2, nullptr, base)));
    }
  }
  Fail("D3030", pos, Stringify(v, 0));
}

// Number#toString(radix) of the rounded value.
std::string FormatBase(double value, double radix) {
  double v = RoundHalfEven(value, 0);
  if (!std::isfinite(v)) return NumberToString(v);
  bool negative = v < 0;
  v = std::fabs(v);
  std::string digits;
  do {
    digits.insert(digits.begin(),
                  "0123456789abcdefghijklmnopqrstuvwxyz"[static_cast<int>(std::fmod(v, radix))]);
    v = std::floor(v / radix);
  } while (v >= 1);
  return negative ? "-" + digits : digits;
}

// XPath format-number, the common subset: prefix/suffix text, '#', '0',
// ',' grouping, '.', '%' and '‰', and ';' for a negative sub-picture.
std::string FormatNumber(double value, const std::string& full_picture, int pos) {
  // jsonata-js leaves non-finite numbers unspecified (a TODO in its source).
  if (!std::isfinite(value)) return "NaN";
  std::string picture = full_picture;
  size_t semi = picture.find(';');
  if (semi != std::string::npos && picture.find(';', semi + 1) != std::string::npos) {
    Fail("D3080", pos);
  }
  bool negative = value < 0;
  std::string neg_prefix = "-";
  if (semi != std::string::npos) {
    picture = negative ? full_picture.substr(semi + 1) : full_picture.substr(0, semi);
    if (negative) neg_prefix.clear();
  }
  const std::string active = "0123456789#.,";
  size_t first = picture.find_first_of(active);
  size_t last = picture.find_last_of(active);
  std::string prefix = first == std::string::npos ? picture : picture.substr(0, first);
  std::string body = first == std::string::npos ? "" : picture.substr(first, last - first + 1);
  std::string suffix = first == std::string::npos ? "" : picture.substr(last + 1);
  double v = std::fabs(value);
  if (picture.find('%') != std::string::npos) v *= 100;
  if (picture.find("\u2030") != std::string::npos) v *= 1000;
  size_t dot = body.find('.');
  std::string int_part = body.substr(0, dot);
  std::string frac_part = dot == std::string::npos ? "" : body.substr(dot + 1);
  int min_int = 0, min_frac = 0, max_frac = 0;
  std::vector<int> group_positions;
  for (size_t i = 0; i < int_part.size(); ++i) {
    if (int_part[i] == '0') ++min_int;
    if (int_part[i] == ',') {
      int after = 0;
      for (size_t k = i + 1; k < int_part.size(); ++k) {
        if (int_part[k] != ',') ++after;
      }
      group_positions.push_back(after);
    }
  }
  for (char c : frac_part) {
    if (c == '0') ++min_frac;
    if (c == '0' || c == '#') ++max_frac;
  }
  if (min_int == 0 && max_frac == 0) min_int = 1;
  v = RoundHalfEven(v, max_frac);
  char buf[400];
  std::snprintf(buf, sizeof(buf), "%.*f", max_frac, v);
  std::string digits = buf;
  size_t p = digits.find('.');
  std::string ip = digits.substr(0, p);
  std::string fp = p == std::string::npos ? "" : digits.substr(p + 1);
  while (static_cast<int>(fp.size()) > min_frac && !fp.empty() && fp.back() == '0') fp.pop_back();
  if (ip == "0" && min_int == 0) ip.clear();
  while (static_cast<int>(ip.size()) < min_int) ip.insert(ip.begin(), '0');
  if (!group_positions.empty()) {
    // Regular grouping when every separator is a multiple of the last one.
    int g = group_positions.back();
    std::string grouped;
    for (size_t i = 0; i < ip.size(); ++i) {
      size_t from_right = ip.size() - i;
      grouped.push_back(ip[i]);
      bool at = false;
      if (g > 0 && from_right > 1 && (from_right - 1) % static_cast<size_t>(g) == 0) at = true;
      if (at && from_right - 1 > 0) grouped.push_back(',');
    }
    ip = grouped;
  }
  std::string out = ip;
  if (!fp.empty()) out += "." + fp;
  return (negative ? neg_prefix : "") + prefix + out + suffix;
}

Value Aggregate(Args& a, const std::string& which) {
  if (a[0].IsUndefined()) return Value();
  const auto& items = a[0].array().items;
  if (which == "sum") {
    double total = 0;
    for (const Value& v : items) total += v.number();
    return Value::Number(total);
  }
  if (items.empty()) return Value();
  double acc = items[0].number();
  for (const Value& v : items) {
    if (which == "max") acc = std::max(acc, v.number());
    if (which == "min") acc = std::min(acc, v.number());
  }
  if (which == "average") {
    double total = 0;
    for (const Value& v : items) total += v.number();
    acc = total / static_cast<double>(items.size());
  }
  return Value::Number(acc);
}

}  // namespace

void RegisterNumericFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "number", "<(nsb)-:n>", 1,
                  [](Evaluator&, Args& a, const Value&, int pos) { return ToNumber(a[0], pos); });
  auto unary = [&r](const std::string& name, double (*f)(double)) {
    RegisterBuiltin(r, name, "<n-:n>", 1, [f](Evaluator&, Args& a, const Value&, int) {
      return a[0].IsUndefined() ? Value() : Value::Number(f(a[0].number()));
    });
  };
  unary("abs", [](double d) { return std::fabs(d); });
  unary("floor", [](double d) { return std::floor(d); });
  unary("ceil", [](double d) { return std::ceil(d); });
  RegisterBuiltin(r, "round", "<n-n?:n>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::Number(RoundHalfEven(a[0].number(), a[1].IsUndefined() ? 0 : a[1].number()));
  });
  RegisterBuiltin(r, "power", "<n-n:n>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    double result = std::pow(a[0].number(), a[1].number());
    if (!std::isfinite(result)) {
      Fail("D3061", pos,
           StrCat("base=", NumberToString(a[0].number()),
                  ", exponent=", NumberToString(a[1].number())));
    }
    return Value::Number(result);
  });
  RegisterBuiltin(r, "sqrt", "<n-:n>", 1, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    if (a[0].number() < 0) Fail("D3060", pos, NumberToString(a[0].number()));
    return Value::Number(std::sqrt(a[0].number()));
  });
  RegisterBuiltin(r, "formatBase", "<n-n?:s>", 2, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    double radix = a[1].IsUndefined() ? 10 : a[1].number();
    if (radix < 2 || radix > 36) Fail("D3100", pos, NumberToString(radix));
    return Value::String(FormatBase(a[0].number(), std::trunc(radix)));
  });
  RegisterBuiltin(r, "formatNumber", "<n-so?:s>", 3,
                  [](Evaluator&, Args& a, const Value&, int pos) {
                    if (a[0].IsUndefined()) return Value();
                    return Value::String(FormatNumber(a[0].number(), a[1].str(), pos));
                  });
  for (std::string name : {"sum", "max", "min", "average"}) {
    RegisterBuiltin(r, name, "<a<n>:n>", 1,
                    [name](Evaluator&, Args& a, const Value&, int) { return Aggregate(a, name); });
  }
  RegisterBuiltin(r, "count", "<a:n>", 1, [](Evaluator&, Args& a, const Value&, int) {
    return Value::Number(a[0].IsUndefined() ? 0 : static_cast<double>(a[0].array().items.size()));
  });
  RegisterBuiltin(r, "boolean", "<x-:b>", 1, [](Evaluator&, Args& a, const Value&, int) {
    std::optional<bool> b = ToBoolean(a[0]);
    return b ? Value::Bool(*b) : Value();
  });
  RegisterBuiltin(r, "not", "<x-:b>", 1, [](Evaluator&, Args& a, const Value&, int) {
    std::optional<bool> b = ToBoolean(a[0]);
    return b ? Value::Bool(!*b) : Value();
  });
  RegisterBuiltin(r, "exists", "<x:b>", 1, [](Evaluator&, Args& a, const Value&, int) {
    return Value::Bool(!a[0].IsUndefined());
  });
}

}  // namespace stepwise::jsonata::internal
