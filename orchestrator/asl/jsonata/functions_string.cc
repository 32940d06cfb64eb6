// String functions: $string $length $substring $substringBefore
// $substringAfter $uppercase $lowercase $trim $pad $join $base64encode
// $base64decode $encodeUrlComponent $encodeUrl $decodeUrlComponent
// $decodeUrl. Strings are indexed by code point, as jsonata-js does
// (Array.from).
#include <cctype>
#include <cmath>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/unicode_case.h"

namespace stepwise::jsonata::internal {
namespace {

using Args = std::vector<Value>;

// JS Array#slice index normalisation.
size_t SliceIndex(double i, size_t len) {
  if (std::isnan(i)) return 0;
  i = std::trunc(i);
  if (i < 0) i = std::max(0.0, static_cast<double>(len) + i);
  return static_cast<size_t>(std::min(i, static_cast<double>(len)));
}

Value Substring(Args& a) {
  if (a[0].IsUndefined()) return Value();
  std::u32string s = ToUtf32(a[0].str());
  double len = static_cast<double>(s.size());
  double start = a[1].number();
  if (len + start < 0) start = 0;
  if (!a[2].IsUndefined()) {
    double length = a[2].number();
    if (length <= 0) return Value::String("");
    double end = start >= 0 ? start + length : len + start + length;
    size_t b = SliceIndex(start, s.size()), e = SliceIndex(end, s.size());
    return Value::String(b < e ? FromUtf32(s.substr(b, e - b)) : "");
  }
  return Value::String(FromUtf32(s.substr(SliceIndex(start, s.size()))));
}

Value Pad(Args& a, int pos) {
  if (a[0].IsUndefined()) return Value();
  std::string ch = a[2].IsUndefined() || a[2].str().empty() ? " " : a[2].str();
  double width = a[1].number();
  std::u32string s = ToUtf32(a[0].str());
  double pad_length = std::fabs(width) - static_cast<double>(s.size());
  if (pad_length <= 0) return a[0];
  // JavaScript fails beyond its string size limit; fail well before.
  if (pad_length > 1e7) Fail("U1002", pos, "$pad width");
  std::u32string unit = ToUtf32(ch), padding;
  auto n = static_cast<size_t>(pad_length);
  while (padding.size() < n) padding += unit;
  padding.resize(n);
  std::string p = FromUtf32(padding);
  return Value::String(width > 0 ? a[0].str() + p : p + a[0].str());
}

Value Trim(Args& a) {
  if (a[0].IsUndefined()) return Value();
  std::string out;
  bool in_space = false;
  for (char c : a[0].str()) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (!in_space) out.push_back(' ');
      in_space = true;
    } else {
      out.push_back(c);
      in_space = false;
    }
  }
  if (!out.empty() && out.front() == ' ') out.erase(0, 1);
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return Value::String(out);
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(const std::string& in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out.push_back(kBase64[(v >> k) & 63]);
  }
  if (i + 1 == in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {kBase64[(v >> 18) & 63], kBase64[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    unsigned v =
        (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {kBase64[(v >> 18) & 63], kBase64[(v >> 12) & 63], kBase64[(v >> 6) & 63], '='};
  }
  return out;
}

// Like atob: ignores what is not in the alphabet and stops at '='.
std::string Base64Decode(const std::string& in) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : in) {
    if (c == '=') break;
    const char* p = std::char_traits<char>::find(kBase64, 64, c);
    if (p == nullptr) continue;
    buffer = (buffer << 6) | static_cast<unsigned>(p - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

// encodeURIComponent / encodeURI: `keep` lists the reserved characters left as
// they are besides the unreserved set.
std::string UrlEncode(const std::string& in, std::string_view keep) {
  std::string out;
  for (unsigned char c : in) {
    if (std::isalnum(c) ||
        std::string_view("-_.!~*'()").find(static_cast<char>(c)) != std::string_view::npos ||
        keep.find(static_cast<char>(c)) != std::string_view::npos) {
      out.push_back(static_cast<char>(c));
    } else {
      out += StrCat("%", std::string(1, "0123456789ABCDEF"[c >> 4]),
                    std::string(1, "0123456789ABCDEF"[c & 15]));
    }
  }
  return out;
}

std::optional<std::string> UrlDecode(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size() || !std::isxdigit(static_cast<unsigned char>(in[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      return std::nullopt;
    }
    out.push_back(static_cast<char>(std::stoi(in.substr(i + 1, 2), nullptr, 16)));
    i += 2;
  }
  return out;
}

}  // namespace

void RegisterStringFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "string", "<x-b?:s>", 1, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    return Value::String(ToJsonataString(a[0], a[1].IsBool() && a[1].bool_value(), pos));
  });
  RegisterBuiltin(r, "length", "<s-:n>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::Number(static_cast<double>(ToUtf32(a[0].str()).size()));
  });
  RegisterBuiltin(r, "substring", "<s-nn?:s>", 3,
                  [](Evaluator&, Args& a, const Value&, int) { return Substring(a); });
  RegisterBuiltin(r, "substringBefore", "<s-s:s>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    if (a[1].IsUndefined()) return a[0];
    size_t p = a[0].str().find(a[1].str());
    return p == std::string::npos ? a[0] : Value::String(a[0].str().substr(0, p));
  });
  RegisterBuiltin(r, "substringAfter", "<s-s:s>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    if (a[1].IsUndefined()) return a[0];
    size_t p = a[0].str().find(a[1].str());
    return p == std::string::npos ? a[0] : Value::String(a[0].str().substr(p + a[1].str().size()));
  });
  RegisterBuiltin(r, "uppercase", "<s-:s>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::String(ToUpperUnicode(a[0].str()));
  });
  RegisterBuiltin(r, "lowercase", "<s-:s>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    return Value::String(ToLowerUnicode(a[0].str()));
  });
  RegisterBuiltin(r, "trim", "<s-:s>", 1,
                  [](Evaluator&, Args& a, const Value&, int) { return Trim(a); });
  RegisterBuiltin(r, "pad", "<s-ns?:s>", 3,
                  [](Evaluator&, Args& a, const Value&, int pos) { return Pad(a, pos); });
  RegisterBuiltin(r, "join", "<a<s>s?:s>", 2, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    std::string sep = a[1].IsUndefined() ? "" : a[1].str();
    std::string out;
    bool first = true;
    for (const Value& v : a[0].array().items) {
      if (!first) out += sep;
      first = false;
      out += v.str();
    }
    return Value::String(out);
  });
  RegisterBuiltin(r, "base64encode", "<s-:s>", 1, [](Evaluator&, Args& a, const Value&, int pos) {
    if (a[0].IsUndefined()) return Value();
    // jsonata-js uses btoa: one byte per code point, which must be Latin-1.
    std::string bytes;
    for (char32_t c : ToUtf32(a[0].str())) {
      if (c > 0xFF) Fail("T3001", pos, "$base64encode: the string has characters beyond Latin-1");
      bytes.push_back(static_cast<char>(c));
    }
    return Value::String(Base64Encode(bytes));
  });
  RegisterBuiltin(r, "base64decode", "<s-:s>", 1, [](Evaluator&, Args& a, const Value&, int) {
    if (a[0].IsUndefined()) return Value();
    // atob: each decoded byte is one code point.
    std::u32string text;
    for (char c : Base64Decode(a[0].str())) text.push_back(static_cast<unsigned char>(c));
    return Value::String(FromUtf32(text));
  });
  auto encoder = [&r](const std::string& name, std::string_view keep) {
    RegisterBuiltin(r, name, "<s-:s>", 1, [keep](Evaluator&, Args& a, const Value&, int) {
      if (a[0].IsUndefined()) return Value();
      return Value::String(UrlEncode(a[0].str(), keep));
    });
  };
  encoder("encodeUrlComponent", "");
  encoder("encodeUrl", ";,/?:@&=+$#");
  auto decoder = [&r](const std::string& name) {
    RegisterBuiltin(r, name, "<s-:s>", 1, [name](Evaluator&, Args& a, const Value&, int pos) {
      if (a[0].IsUndefined()) return Value();
      std::optional<std::string> s = UrlDecode(a[0].str());
      if (!s) Fail("D3140", pos, StrCat("$", name, "(): ", a[0].str()));
      return Value::String(*s);
    });
  };
  decoder("decodeUrlComponent");
  decoder("decodeUrl");
}

}  // namespace stepwise::jsonata::internal
