#include "orchestrator/asl/jsonata/helpers.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {

bool IsNumeric(const Value& v) {
  if (!v.IsNumber() || std::isnan(v.number())) return false;
  // jsonata-js's isNumeric rejects infinities outright.
  if (!std::isfinite(v.number())) Fail("D1001", -1, NumberToString(v.number()));
  return true;
}

bool IsArrayOfNumbers(const Value& v) {
  if (!v.IsArray()) return false;
  for (const Value& item : v.array().items) {
    if (!IsNumeric(item)) return false;
  }
  return true;
}

bool IsArrayOfStrings(const Value& v) {
  if (!v.IsArray()) return false;
  for (const Value& item : v.array().items) {
    if (!item.IsString()) return false;
  }
  return true;
}

bool IsInteger(double d) { return std::isfinite(d) && std::trunc(d) == d; }

std::optional<bool> ToBoolean(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUndefined:
      return std::nullopt;
    case Value::Kind::kArray: {
      const auto& items = v.array().items;
      if (items.size() == 1) return ToBoolean(items[0]);
      for (const Value& item : items) {
        if (ToBoolean(item).value_or(false)) return true;
      }
      return false;
    }
    case Value::Kind::kString:
      return !v.str().empty();
    case Value::Kind::kNumber:
      return IsNumeric(v) && v.number() != 0;
    case Value::Kind::kObject:
      return !v.object().members.empty();
    case Value::Kind::kBool:
      return v.bool_value();
    default:
      return false;
  }
}

bool Truthy(const Value& v) { return ToBoolean(v).value_or(false); }

Value MakeArray(std::vector<Value> items) {
  auto a = NewArray();
  a->items = std::move(items);
  return Value::Of(std::move(a));
}

Value Append(const Value& a, const Value& b) {
  if (a.IsUndefined()) return b;
  if (b.IsUndefined()) return a;
  std::vector<Value> items;
  if (a.IsArray()) {
    items = a.array().items;
  } else {
    items.push_back(a);
  }
  if (b.IsArray()) {
    items.insert(items.end(), b.array().items.begin(), b.array().items.end());
  } else {
    items.push_back(b);
  }
  return MakeArray(std::move(items));
}

namespace {

void Quote(std::string& out, const std::string& s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

// $string's number format: non-integers to 15 significant digits.
std::string Precision15(double d) {
  if (IsInteger(d)) return NumberToString(d);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%.15g", d);
  return NumberToString(std::strtod(buf, nullptr));
}

void Write(std::string& out, const Value& v, int indent, int level) {
  NestingGuard nesting;
  auto newline = [&](int l) {
    if (indent == 0) return;
    out.push_back('\n');
    out.append(static_cast<size_t>(indent * l), ' ');
  };
  switch (v.kind()) {
    case Value::Kind::kUndefined:
    case Value::Kind::kNull:
      out += "null";
      return;
    case Value::Kind::kBool:
      out += v.bool_value() ? "true" : "false";
      return;
    case Value::Kind::kNumber:
      // jsonata-js's replacer calls isNumeric, which throws D1001 for an
      // infinity; NaN is written as null.
      out += IsNumeric(v) ? Precision15(v.number()) : "null";
      return;
    case Value::Kind::kString:
      Quote(out, v.str());
      return;
    case Value::Kind::kFunction:
      out += "\"\"";
      return;
    case Value::Kind::kArray: {
      const auto& items = v.array().items;
      if (items.empty()) {
        out += "[]";
        return;
      }
      out.push_back('[');
      for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out.push_back(',');
        newline(level + 1);
        Write(out, items[i], indent, level + 1);
      }
      newline(level);
      out.push_back(']');
      return;
    }
    case Value::Kind::kObject: {
      bool any = false;
      out.push_back('{');
      for (const auto& [k, member] : v.object().members) {
        if (member.IsUndefined()) continue;
        if (any) out.push_back(',');
        any = true;
        newline(level + 1);
        Quote(out, k);
        out += indent ? ": " : ":";
        Write(out, member, indent, level + 1);
      }
      if (any) newline(level);
      out.push_back('}');
      return;
    }
  }
}

}  // namespace

std::string Stringify(const Value& v, int indent) {
  std::string out;
  Write(out, v, indent, 0);
  return out;
}

std::string ToJsonataString(const Value& v, bool prettify, int position) {
  if (v.IsString()) return v.str();
  if (v.IsFunction()) return "";
  if (v.IsNumber() && !std::isfinite(v.number())) Fail("D3001", position);
  if (v.IsArray() && v.array().outer_wrapper && !v.array().items.empty()) {
    return Stringify(v.array().items[0], prettify ? 2 : 0);
  }
  return Stringify(v, prettify ? 2 : 0);
}

Value CheckedNumber(double d, int position) {
  if (!std::isfinite(d)) Fail("D1001", position, NumberToString(d));
  return Value::Number(d);
}

bool StrictEqual(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Value::Kind::kArray:
      return a.array_ptr() == b.array_ptr();
    case Value::Kind::kObject:
      return &a.object() == &b.object();
    default:
      return DeepEqual(a, b);
  }
}

}  // namespace stepwise::jsonata::internal
