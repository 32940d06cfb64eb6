// Numeric and aggregation functions: $number $abs $floor $ceil $round
// $power $sqrt $random $formatNumber (format_number.h) $formatBase $sum $max $min
// $average $count, and the boolean ones: $boolean $not $exists.
#include <cmath>
#include <cstdlib>
#include <cstring>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/format_number.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

size_t Digits(const std::string& s, size_t i, const char* digits) {
  size_t start = i;
  while (i < s.size() && std::strchr(digits, s[i]) != nullptr && s[i] != '\0') ++i;
  return i - start;
}

// jsonata-js's /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/, scanned by hand
// (std::regex recursed once per character: a long string overflowed the stack).
bool IsDecimal(const std::string& s) {
  static constexpr char kDecimal[] = "0123456789";
  size_t i = !s.empty() && s[0] == '-' ? 1 : 0;
  size_t n = Digits(s, i, kDecimal);
  if (n == 0) return false;
  i += n;
  if (i < s.size() && s[i] == '.') {
    if ((n = Digits(s, i + 1, kDecimal)) == 0) return false;
    i += 1 + n;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if ((n = Digits(s, i, kDecimal)) == 0) return false;
    i += n;
  }
  return i == s.size();
}

// The base of a whole-string /0[xX][0-9A-Fa-f]+|0[oO][0-7]+|0[bB][01]+/, or 0.
int RadixBase(const std::string& s) {
  if (s.size() < 3 || s[0] != '0') return 0;
  char kind = static_cast<char>(s[1] | 0x20);
  int base = kind == 'x' ? 16 : kind == 'o' ? 8 : kind == 'b' ? 2 : 0;
  const char* digits = base == 16 ? "0123456789abcdefABCDEF" : base == 8 ? "01234567" : "01";
  return base != 0 && Digits(s, 2, digits) == s.size() - 2 ? base : 0;
}

Value ToNumber(const Value& v, int pos) {
  if (v.IsUndefined()) return v;
  if (v.IsNumber()) return v;
  if (v.IsBool()) return Value::Number(v.bool_value() ? 1 : 0);
  if (v.IsString()) {
    const std::string& s = v.str();
    if (IsDecimal(s)) {
      double d = std::strtod(s.c_str(), nullptr);
      if (std::isfinite(d)) return Value::Number(d);
    } else if (int base = RadixBase(s); base != 0) {
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
                    std::map<std::string, std::string> options;
                    if (a[2].IsObject()) {
                      for (const auto& [key, value] : a[2].object().members) {
                        options[key] = ToJsonataString(value, false, pos);
                      }
                    }
                    return Value::String(FormatNumber(a[0].number(), a[1].str(), options));
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
