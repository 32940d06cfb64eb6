// Rendering, comparison and codecs behind the intrinsic functions; see
// intrinsics_internal.h.

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/string.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/engine/intrinsics_internal.h"

namespace stepwise::engine::intrinsics_internal {
namespace {

namespace json = boost::json;

std::string_view View(const json::string& s) { return std::string_view(s.data(), s.size()); }

size_t DecimalDigits(uint64_t u) {
  size_t n = 1;
  for (; u >= 10; u /= 10) ++n;
  return n;
}

// Characters of the number's shortest JSON form.
size_t NumberChars(const json::value& v) {
  if (v.is_uint64()) return DecimalDigits(v.get_uint64());
  if (v.is_int64()) {
    const int64_t i = v.get_int64();
    return i < 0 ? 1 + DecimalDigits(0 - static_cast<uint64_t>(i))
                 : DecimalDigits(static_cast<uint64_t>(i));
  }
  char buf[64];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), v.get_double());
  return r.ec == std::errc() ? static_cast<size_t>(r.ptr - buf) : sizeof(buf);
}

bool BoundedSizeImpl(const json::value& v, size_t limit, int depth, size_t& used) {
  if (depth > kMaxValueDepth) return false;
  switch (v.kind()) {
    case json::kind::null:
      used += 4;
      break;
    case json::kind::bool_:
      used += v.get_bool() ? 4 : 5;
      break;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      used += NumberChars(v);
      break;
    case json::kind::string:
      used += v.get_string().size() + 2;
      break;
    case json::kind::array:
      used += 2;
      for (const json::value& e : v.get_array()) {
        if (used > limit || !BoundedSizeImpl(e, limit, depth + 1, used)) return false;
        used += 1;
      }
      break;
    case json::kind::object:
      used += 2;
      for (const json::key_value_pair& kv : v.get_object()) {
        used += kv.key().size() + 4;
        if (used > limit || !BoundedSizeImpl(kv.value(), limit, depth + 1, used)) return false;
      }
      break;
  }
  return used <= limit;
}

void AppendNumber(std::string& out, const json::value& v) {
  if (v.is_int64()) {
    StrAppend(&out, v.get_int64());
  } else if (v.is_uint64()) {
    StrAppend(&out, v.get_uint64());
  } else {
    out += JavaDoubleString(v.get_double());
  }
}

// Exact comparison of a double with an integer.
bool DoubleEqualsInt(double d, int64_t i) {
  // [-2^63, 2^63) is exactly representable at its bounds.
  if (!(d >= -9223372036854775808.0 && d < 9223372036854775808.0)) return false;
  return d == std::trunc(d) && static_cast<int64_t>(d) == i;
}
bool DoubleEqualsUint(double d, uint64_t u) {
  if (!(d >= 0 && d < 18446744073709551616.0)) return false;
  return d == std::trunc(d) && static_cast<uint64_t>(d) == u;
}

bool NumbersEqual(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) return a.get_double() == b.get_double();
  if (a.is_double()) return NumbersEqual(b, a);
  // `a` is an integer.
  if (b.is_double()) {
    return a.is_int64() ? DoubleEqualsInt(b.get_double(), a.get_int64())
                        : DoubleEqualsUint(b.get_double(), a.get_uint64());
  }
  if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() == b.get_uint64();
  const int64_t i = a.is_int64() ? a.get_int64() : b.get_int64();
  const uint64_t u = a.is_uint64() ? a.get_uint64() : b.get_uint64();
  return i >= 0 && static_cast<uint64_t>(i) == u;
}

uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t HashBytes(std::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;  // FNV-1a.
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return Mix(h);
}

uint64_t HashNumber(const json::value& v) {
  // Integral values hash as integers so that 1 and 1.0 collide (JsonEqual).
  if (v.is_int64()) return Mix(static_cast<uint64_t>(v.get_int64()) ^ 0x1);
  if (v.is_uint64()) {
    const uint64_t u = v.get_uint64();
    return u <= 0x7FFFFFFFFFFFFFFFULL ? Mix(u ^ 0x1) : Mix(u ^ 0x2);
  }
  const double d = v.get_double();
  if (d == std::trunc(d)) {
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0) {
      return Mix(static_cast<uint64_t>(static_cast<int64_t>(d)) ^ 0x1);
    }
    if (d >= 0 && d < 18446744073709551616.0) return Mix(static_cast<uint64_t>(d) ^ 0x2);
  }
  if (d == 0) return Mix(0x1);  // -0.0 == 0.
  uint64_t bits = 0;
  static_assert(sizeof(bits) == sizeof(d));
  std::memcpy(&bits, &d, sizeof(d));
  return Mix(bits ^ 0x3);
}

// Bytes in the UTF-8 sequence that starts with `lead`, or 0 if it cannot start one.
size_t SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) return 2;
  if (lead >= 0xE0 && lead <= 0xEF) return 3;
  if (lead >= 0xF0 && lead <= 0xF4) return 4;
  return 0;
}

// Length of the valid UTF-8 sequence at `s[i]`, or 0 if it is not one.
size_t ValidSequenceAt(std::string_view s, size_t i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const size_t n = SequenceLength(byte(i));
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  const unsigned char lead = byte(i);
  const unsigned char second = n > 1 ? byte(i + 1) : 0;
  if (lead == 0xE0 && second < 0xA0) return 0;  // Overlong.
  if (lead == 0xED && second > 0x9F) return 0;  // Surrogate.
  if (lead == 0xF0 && second < 0x90) return 0;  // Overlong.
  if (lead == 0xF4 && second > 0x8F) return 0;  // Above U+10FFFF.
  return n;
}

int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::optional<size_t> BoundedJsonSize(const json::value& v, size_t limit) {
  size_t used = 0;
  if (!BoundedSizeImpl(v, limit, 0, used)) return std::nullopt;
  return used;
}

std::string JavaDoubleString(double d) {
  if (!std::isfinite(d)) return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
  if (d == 0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits, e.g. "-1.2345e-05".
  char buf[64];
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof(buf), d, std::chars_format::scientific);
  if (r.ec != std::errc()) return "0.0";
  const std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  const size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  const bool negative = !mantissa.empty() && mantissa[0] == '-';
  if (negative) mantissa.remove_prefix(1);
  std::string digits;
  for (char c : mantissa) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  const std::string_view exp_text = text.substr(e + 1);
  std::from_chars(exp_text.data() + (exp_text[0] == '+' ? 1 : 0), exp_text.data() + exp_text.size(),
                  exponent);
  std::string out = negative ? "-" : "";
  const double magnitude = std::fabs(d);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    if (exponent >= 0) {
      const size_t int_digits = static_cast<size_t>(exponent) + 1;
      while (digits.size() < int_digits) digits += '0';
      out.append(digits, 0, int_digits);
      out += '.';
      out += digits.size() > int_digits ? digits.substr(int_digits) : "0";
    } else {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out += digits;
    }
    return out;
  }
  out += digits[0];
  out += '.';
  out += digits.size() > 1 ? digits.substr(1) : "0";
  StrAppend(&out, "E", exponent);
  return out;
}

void AppendJson(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      out += "null";
      return;
    case json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      AppendNumber(out, v);
      return;
    case json::kind::string:
      out += json::serialize(v.get_string());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, e);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const json::key_value_pair& kv : v.get_object()) {
        if (!first) out += ',';
        first = false;
        out += json::serialize(json::string(kv.key()));
        out += ':';
        AppendJson(out, kv.value());
      }
      out += '}';
      return;
    }
  }
}

void AppendFormatText(std::string& out, const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      out += View(v.get_string());
      return;
    case json::kind::array: {
      out += '[';
      bool first = true;
      for (const json::value& e : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        AppendFormatText(out, e);
      }
      out += ']';
      return;
    }
    case json::kind::object: {
      out += '{';
      bool first = true;
      for (const json::key_value_pair& kv : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        out += std::string_view(kv.key().data(), kv.key().size());
        out += '=';
        AppendFormatText(out, kv.value());
      }
      out += '}';
      return;
    }
    default:
      AppendJson(out, v);
  }
}

bool JsonEqual(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return NumbersEqual(a, b);
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::null:
      return true;
    case json::kind::bool_:
      return a.get_bool() == b.get_bool();
    case json::kind::string:
      return a.get_string() == b.get_string();
    case json::kind::array: {
      const json::array& x = a.get_array();
      const json::array& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!JsonEqual(x[i], y[i])) return false;
      }
      return true;
    }
    case json::kind::object: {
      const json::object& x = a.get_object();
      const json::object& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const json::key_value_pair& kv : x) {
        const json::value* other = y.if_contains(kv.key());
        if (other == nullptr || !JsonEqual(kv.value(), *other)) return false;
      }
      return true;
    }
    default:
      return false;  // Numbers handled above.
  }
}

uint64_t JsonHash(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return Mix(0x10);
    case json::kind::bool_:
      return Mix(v.get_bool() ? 0x11 : 0x12);
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return HashNumber(v);
    case json::kind::string:
      return HashBytes(View(v.get_string()));
    case json::kind::array: {
      uint64_t h = Mix(0x13);
      for (const json::value& e : v.get_array()) h = Mix(h * 31 + JsonHash(e));
      return h;
    }
    case json::kind::object: {
      uint64_t h = 0;  // Order-independent: members are summed.
      for (const json::key_value_pair& kv : v.get_object()) {
        h += Mix(HashBytes(std::string_view(kv.key().data(), kv.key().size())) ^
                 (JsonHash(kv.value()) * 0x9E3779B97F4A7C15ULL));
      }
      return Mix(h ^ 0x14);
    }
  }
  return 0;
}

size_t Utf16Length(std::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) == 0x80) continue;  // Continuation byte.
    n += b >= 0xF0 ? 2 : 1;            // 4-byte sequences are surrogate pairs.
  }
  return n;
}

std::string SanitizeUtf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    const size_t n = ValidSequenceAt(bytes, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD.
      ++i;
    } else {
      out.append(bytes.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::vector<std::string> SplitByAnyOf(std::string_view text, std::string_view delimiters) {
  // Delimiters are characters: single bytes in a table, longer sequences in a list.
  bool byte_delimiter[256] = {};
  std::vector<std::string_view> multibyte;
  for (size_t i = 0; i < delimiters.size();) {
    const size_t n = ValidSequenceAt(delimiters, i);
    if (n <= 1) {
      byte_delimiter[static_cast<unsigned char>(delimiters[i])] = true;
      ++i;
      continue;
    }
    const std::string_view seq = delimiters.substr(i, n);
    bool seen = false;
    for (std::string_view m : multibyte) seen = seen || m == seq;
    // A text can only hold so many distinct characters; keep the list short.
    if (!seen) multibyte.push_back(seq);
    i += n;
  }
  std::vector<std::string> parts;
  size_t start = 0;
  size_t i = 0;
  const auto cut = [&](size_t end) {
    if (end > start) parts.emplace_back(text.substr(start, end - start));
  };
  while (i < text.size()) {
    const size_t n = std::max<size_t>(ValidSequenceAt(text, i), 1);
    bool is_delimiter = false;
    if (n == 1) {
      is_delimiter = byte_delimiter[static_cast<unsigned char>(text[i])];
    } else {
      const std::string_view seq = text.substr(i, n);
      for (std::string_view m : multibyte) is_delimiter = is_delimiter || m == seq;
    }
    if (is_delimiter) {
      cut(i);
      start = i + n;
    }
    i += n;
  }
  cut(text.size());
  return parts;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t bits = 0;
  int count = 0;  // Sextets in the current quantum.
  size_t i = 0;
  for (; i < text.size() && text[i] != '='; ++i) {
    const int value = Base64Value(text[i]);
    if (value < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    if (++count == 4) {
      out += static_cast<char>((bits >> 16) & 0xFF);
      out += static_cast<char>((bits >> 8) & 0xFF);
      out += static_cast<char>(bits & 0xFF);
      bits = 0;
      count = 0;
    }
  }
  const size_t padding = text.size() - i;
  if (count == 1) return std::nullopt;
  if (padding > 0) {
    // "xx==" or "xxx=", and nothing after.
    if (!((count == 2 && text.substr(i) == "==") || (count == 3 && text.substr(i) == "="))) {
      return std::nullopt;
    }
  }
  if (count == 2) out += static_cast<char>((bits >> 4) & 0xFF);
  if (count == 3) {
    out += static_cast<char>((bits >> 10) & 0xFF);
    out += static_cast<char>((bits >> 2) & 0xFF);
  }
  return out;
}

}  // namespace stepwise::engine::intrinsics_internal
