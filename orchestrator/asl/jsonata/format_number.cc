#include "orchestrator/asl/jsonata/format_number.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <optional>
#include <vector>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {
namespace {

using U32 = std::u32string;
constexpr size_t npos = U32::npos;

struct Properties {
  U32 decimal = U".", grouping = U",", exponent = U"e", minus = U"-", percent = U"%",
      permille = U"\u2030", zero = U"0", digit = U"#", pattern = U";";
};

// JavaScript's String#substring (clamped, swapped) and Array#slice indexes.
U32 Substring(const U32& s, long a, long b) {
  long n = static_cast<long>(s.size());
  a = std::clamp(a, 0L, n);
  b = std::clamp(b, 0L, n);
  if (a > b) std::swap(a, b);
  return s.substr(static_cast<size_t>(a), static_cast<size_t>(b - a));
}
long SliceIndex(long i, long n) { return i < 0 ? std::max(n + i, 0L) : std::min(i, n); }
U32 InsertAt(const U32& s, long at, const U32& what) {
  long n = static_cast<long>(s.size());
  long i = SliceIndex(at, n);
  return s.substr(0, static_cast<size_t>(i)) + what + s.substr(static_cast<size_t>(i));
}
long Find(const U32& s, const U32& what, long from = 0) {
  size_t at = s.find(what, static_cast<size_t>(std::max(from, 0L)));
  return at == npos ? -1 : static_cast<long>(at);
}
long FindLast(const U32& s, const U32& what) {
  size_t at = s.rfind(what);
  return at == npos ? -1 : static_cast<long>(at);
}

struct Parts {
  U32 prefix, suffix, active, mantissa, integer, fractional, subpicture;
  std::optional<U32> exponent;
};

struct Variables {
  std::vector<long> integer_grouping, fractional_grouping;
  long regular = 0, min_integer = 0, scaling = 0, min_fraction = 0, max_fraction = 0,
       min_exponent = 0;
  U32 prefix, suffix, picture;
};

class Formatter {
 public:
  explicit Formatter(const Properties& p) : p_(p) {
    char32_t zero = p_.zero.empty() ? 0 : p_.zero[0];
    for (char32_t c = zero; c < zero + 10; ++c) family_.push_back(c);
  }

  bool InFamily(char32_t c) const { return family_.find(c) != npos; }
  static bool Is(char32_t c, const U32& prop) { return prop.size() == 1 && prop[0] == c; }
  bool IsActive(char32_t c) const {
    return InFamily(c) || Is(c, p_.decimal) || Is(c, p_.exponent) || Is(c, p_.grouping) ||
           Is(c, p_.digit) || Is(c, p_.pattern);
  }
  long Count(const U32& s, bool digits_too) const {
    return std::count_if(s.begin(), s.end(), [&](char32_t c) {
      return InFamily(c) || (digits_too && Is(c, p_.digit));
    });
  }

  Parts Split(const U32& sub) const {
    Parts parts;
    parts.subpicture = sub;
    long n = static_cast<long>(sub.size());
    for (long i = 0; i < n; ++i) {
      if (IsActive(sub[i]) && !Is(sub[i], p_.exponent)) {
        parts.prefix = sub.substr(0, static_cast<size_t>(i));
        break;
      }
    }
    for (long i = n - 1; i >= 0; --i) {
      if (IsActive(sub[i]) && !Is(sub[i], p_.exponent)) {
        parts.suffix = sub.substr(static_cast<size_t>(i + 1));
        break;
      }
    }
    long psize = static_cast<long>(parts.prefix.size()),
         ssize = static_cast<long>(parts.suffix.size());
    parts.active = Substring(sub, psize, n - ssize);
    // jsonata-js indexes the active part with a position in the sub-picture.
    long exp = Find(sub, p_.exponent, psize);
    if (exp == -1 || exp > n - ssize) {
      parts.mantissa = parts.active;
    } else {
      parts.mantissa = Substring(parts.active, 0, exp);
      parts.exponent = Substring(parts.active, exp + 1, static_cast<long>(parts.active.size()));
    }
    long dot = Find(parts.mantissa, p_.decimal);
    if (dot == -1) {
      parts.integer = parts.mantissa;
      parts.fractional = parts.suffix;
    } else {
      parts.integer = Substring(parts.mantissa, 0, dot);
      parts.fractional =
          Substring(parts.mantissa, dot + 1, static_cast<long>(parts.mantissa.size()));
    }
    return parts;
  }

  void Validate(const Parts& parts) const {
    const U32& sub = parts.subpicture;
    std::string error;
    long dot = Find(sub, p_.decimal);
    if (dot != FindLast(sub, p_.decimal)) error = "D3081";
    if (Find(sub, p_.percent) != FindLast(sub, p_.percent)) error = "D3082";
    if (Find(sub, p_.permille) != FindLast(sub, p_.permille)) error = "D3083";
    if (Find(sub, p_.percent) != -1 && Find(sub, p_.permille) != -1) error = "D3084";
    if (Count(parts.mantissa, true) == 0) error = "D3085";
    for (char32_t c : parts.active) {
      if (!IsActive(c)) error = "D3086";
    }
    auto char_at = [](const U32& s, long i) {
      return i >= 0 && i < static_cast<long>(s.size()) ? U32(1, s[i]) : U32();
    };
    if (dot != -1) {
      if (char_at(sub, dot - 1) == p_.grouping || char_at(sub, dot + 1) == p_.grouping) {
        error = "D3087";
      }
    } else if (char_at(parts.integer, static_cast<long>(parts.integer.size()) - 1) == p_.grouping) {
      error = "D3088";
    }
    if (Find(sub, p_.grouping + p_.grouping) != -1) error = "D3089";
    long opt = Find(parts.integer, p_.digit);
    if (opt != -1 && Count(Substring(parts.integer, 0, opt), false) > 0) error = "D3090";
    opt = FindLast(parts.fractional, p_.digit);
    if (opt != -1 && Count(parts.fractional.substr(static_cast<size_t>(opt)), false) > 0) {
      error = "D3091";
    }
    if (parts.exponent && !parts.exponent->empty() &&
        (Find(sub, p_.percent) != -1 || Find(sub, p_.permille) != -1)) {
      error = "D3092";
    }
    if (parts.exponent &&
        (parts.exponent->empty() ||
         Count(*parts.exponent, false) != static_cast<long>(parts.exponent->size()))) {
      error = "D3093";
    }
    if (!error.empty()) Fail(error, -1);
  }

  std::vector<long> GroupingPositions(const U32& part, const U32& integer, bool to_left) const {
    std::vector<long> positions;
    long at = Find(part, p_.grouping);
    while (at != -1) {
      U32 side =
          to_left ? Substring(part, 0, at) : Substring(part, at, static_cast<long>(part.size()));
      positions.push_back(Count(side, true));
      at = Find(integer, p_.grouping, at + 1);  // sic: always the integer part
    }
    return positions;
  }

  Variables Analyse(const Parts& parts) const {
    Variables v;
    v.integer_grouping = GroupingPositions(parts.integer, parts.integer, false);
    if (!v.integer_grouping.empty()) {
      long factor =
          std::accumulate(v.integer_grouping.begin() + 1, v.integer_grouping.end(),
                          v.integer_grouping[0], [](long a, long b) { return std::gcd(a, b); });
      v.regular = factor;
      for (long i = 1; i <= static_cast<long>(v.integer_grouping.size()); ++i) {
        if (std::find(v.integer_grouping.begin(), v.integer_grouping.end(), i * factor) ==
            v.integer_grouping.end()) {
          v.regular = 0;
        }
      }
    }
    v.fractional_grouping = GroupingPositions(parts.fractional, parts.integer, true);
    v.min_integer = Count(parts.integer, false);
    v.scaling = v.min_integer;
    v.min_fraction = Count(parts.fractional, false);
    v.max_fraction = Count(parts.fractional, true);
    bool exponent = parts.exponent.has_value();
    if (v.min_integer == 0 && v.max_fraction == 0) {
      if (exponent) {
        v.min_fraction = v.max_fraction = 1;
      } else {
        v.min_integer = 1;
      }
    }
    if (exponent && v.min_integer == 0 && Find(parts.integer, p_.digit) != -1) v.min_integer = 1;
    if (v.min_integer == 0 && v.min_fraction == 0) v.min_fraction = 1;
    if (exponent) v.min_exponent = Count(*parts.exponent, false);
    v.prefix = parts.prefix;
    v.suffix = parts.suffix;
    v.picture = parts.subpicture;
    return v;
  }

  // Math.abs(value).toFixed(dp) in the digit family.
  U32 MakeString(double value, long dp) const {
    if (dp > 100) Fail("D3085", -1);  // JavaScript: RangeError from toFixed
    char buf[512];
    std::snprintf(buf, sizeof(buf), "%.*f", static_cast<int>(dp), std::fabs(value));
    U32 s = ToUtf32(buf);
    for (char32_t& c : s) {
      if (c >= U'0' && c <= U'9') c = family_[c - U'0'];
    }
    return s;
  }

  std::string Format(double value, const Variables& pic) const {
    double adjusted = value;
    if (Find(pic.picture, p_.percent) != -1) {
      adjusted = value * 100;
    } else if (Find(pic.picture, p_.permille) != -1) {
      adjusted = value * 1000;
    }
    double mantissa = adjusted;
    std::optional<double> exponent;
    if (pic.min_exponent != 0) {
      double max_mantissa = std::pow(10, pic.scaling), min_mantissa = std::pow(10, pic.scaling - 1);
      exponent = 0;
      if (mantissa != 0) {
        while (std::fabs(mantissa) < min_mantissa) {
          mantissa *= 10;
          *exponent -= 1;
        }
        while (std::fabs(mantissa) > max_mantissa) {
          mantissa /= 10;
          *exponent += 1;
        }
      }
    }
    double rounded = RoundHalfEven(mantissa, static_cast<double>(pic.max_fraction));
    U32 s = MakeString(rounded, pic.max_fraction);
    size_t dot = s.find(U'.');
    if (dot == npos) {
      s += p_.decimal;
    } else {
      s = s.substr(0, dot) + p_.decimal + s.substr(dot + 1);
    }
    while (!s.empty() && U32(1, s.front()) == p_.zero) s.erase(0, 1);
    while (!s.empty() && U32(1, s.back()) == p_.zero) s.pop_back();
    long dp = Find(s, p_.decimal);
    long pad_left = pic.min_integer - dp;
    long pad_right = pic.min_fraction - (static_cast<long>(s.size()) - dp - 1);
    auto zeros = [&](long n) {
      U32 z;
      for (long i = 0; i < n; ++i) z += p_.zero;
      return z;
    };
    if (pad_left > 0) s = zeros(pad_left) + s;
    if (pad_right > 0) s += zeros(pad_right);
    dp = Find(s, p_.decimal);
    if (pic.regular > 0) {
      long groups = static_cast<long>(std::floor(static_cast<double>(dp - 1) / pic.regular));
      for (long g = 1; g <= groups; ++g) s = InsertAt(s, dp - g * pic.regular, p_.grouping);
    } else {
      for (long pos : pic.integer_grouping) {
        s = InsertAt(s, dp - pos, p_.grouping);
        ++dp;
      }
    }
    dp = Find(s, p_.decimal);
    for (long pos : pic.fractional_grouping) s = InsertAt(s, pos + dp + 1, p_.grouping);
    dp = Find(s, p_.decimal);
    if (Find(pic.picture, p_.decimal) == -1 || dp == static_cast<long>(s.size()) - 1) {
      if (!s.empty()) s.pop_back();
    }
    if (exponent) {
      U32 e = MakeString(*exponent, 0);
      long pad = pic.min_exponent - static_cast<long>(e.size());
      if (pad > 0) e = zeros(pad) + e;
      s += p_.exponent + (*exponent < 0 ? p_.minus : U"") + e;
    }
    return FromUtf32(pic.prefix + s + pic.suffix);
  }

 private:
  const Properties& p_;
  U32 family_;
};

// JS Math.round: halves go toward +infinity.
double JsRound(double x) { return std::floor(x + 0.5); }

}  // namespace

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

std::string FormatNumber(double value, const std::string& picture,
                         const std::map<std::string, std::string>& options) {
  // jsonata-js leaves non-finite numbers unspecified (a TODO in its source).
  if (!std::isfinite(value)) return "NaN";
  Properties p;
  const std::pair<const char*, U32*> names[] = {{"decimal-separator", &p.decimal},
                                                {"grouping-separator", &p.grouping},
                                                {"exponent-separator", &p.exponent},
                                                {"minus-sign", &p.minus},
                                                {"percent", &p.percent},
                                                {"per-mille", &p.permille},
                                                {"zero-digit", &p.zero},
                                                {"digit", &p.digit},
                                                {"pattern-separator", &p.pattern}};
  for (const auto& [name, field] : names) {
    auto it = options.find(name);
    if (it != options.end()) *field = ToUtf32(it->second);
  }
  U32 pic = ToUtf32(picture);
  std::vector<U32> subs;
  if (p.pattern.empty()) {
    for (char32_t c : pic) subs.push_back(U32(1, c));  // JS split("") splits every character
    if (subs.empty()) subs.push_back(U"");
  } else {
    size_t start = 0, at;
    while ((at = pic.find(p.pattern, start)) != npos) {
      subs.push_back(pic.substr(start, at - start));
      start = at + p.pattern.size();
    }
    subs.push_back(pic.substr(start));
  }
  if (subs.size() > 2) Fail("D3080", -1);
  Formatter f(p);
  std::vector<Parts> parts;
  for (const U32& s : subs) parts.push_back(f.Split(s));
  for (const Parts& part : parts) f.Validate(part);
  std::vector<Variables> vars;
  for (const Parts& part : parts) vars.push_back(f.Analyse(part));
  if (vars.size() == 1) {
    vars.push_back(vars[0]);
    vars[1].prefix = p.minus + vars[1].prefix;
  }
  return f.Format(value, value >= 0 ? vars[0] : vars[1]);
}

}  // namespace stepwise::jsonata::internal
