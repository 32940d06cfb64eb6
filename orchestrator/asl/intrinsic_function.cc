#include "orchestrator/asl/intrinsic_function.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "boost/json/value.hpp"
#include "orchestrator/asl/internal/number_scanner.h"
#include "orchestrator/asl/json_path.h"

namespace stepwise::asl {
namespace {

using ArgKind = IntrinsicArgument::Kind;

// The installed Abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

constexpr std::string_view kPrefix = "States.";
constexpr int kUnbounded = -1;

struct FunctionInfo {
  std::string_view name;
  IntrinsicFunction function;
  int min_args;
  int max_args;  // kUnbounded for no limit.
};

// AWS "Intrinsic functions for JSONPath states".
constexpr FunctionInfo kFunctions[] = {
    {"States.Format", IntrinsicFunction::kFormat, 1, kUnbounded},
    {"States.StringToJson", IntrinsicFunction::kStringToJson, 1, 1},
    {"States.JsonToString", IntrinsicFunction::kJsonToString, 1, 1},
    {"States.Array", IntrinsicFunction::kArray, 0, kUnbounded},
    {"States.ArrayPartition", IntrinsicFunction::kArrayPartition, 2, 2},
    {"States.ArrayContains", IntrinsicFunction::kArrayContains, 2, 2},
    {"States.ArrayRange", IntrinsicFunction::kArrayRange, 3, 3},
    {"States.ArrayGetItem", IntrinsicFunction::kArrayGetItem, 2, 2},
    {"States.ArrayLength", IntrinsicFunction::kArrayLength, 1, 1},
    {"States.ArrayUnique", IntrinsicFunction::kArrayUnique, 1, 1},
    {"States.Base64Encode", IntrinsicFunction::kBase64Encode, 1, 1},
    {"States.Base64Decode", IntrinsicFunction::kBase64Decode, 1, 1},
    {"States.Hash", IntrinsicFunction::kHash, 2, 2},
    {"States.JsonMerge", IntrinsicFunction::kJsonMerge, 3, 3},
    {"States.MathRandom", IntrinsicFunction::kMathRandom, 2, 3},
    {"States.MathAdd", IntrinsicFunction::kMathAdd, 2, 2},
    {"States.StringSplit", IntrinsicFunction::kStringSplit, 2, 2},
    {"States.UUID", IntrinsicFunction::kUuid, 0, 0},
};

const FunctionInfo* FindFunction(std::string_view name) {
  for (const FunctionInfo& info : kFunctions) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

// What a function needs at an argument position; only literals can be
// checked before run time.
enum class ArgType { kAny, kString, kNumber, kArray, kObject };

ArgType ExpectedType(IntrinsicFunction function, size_t index) {
  using F = IntrinsicFunction;
  switch (function) {
    case F::kFormat:
      return index == 0 ? ArgType::kString : ArgType::kAny;
    case F::kStringToJson:
    case F::kBase64Encode:
    case F::kBase64Decode:
    case F::kStringSplit:
    case F::kHash:
      return ArgType::kString;
    case F::kArrayPartition:
    case F::kArrayGetItem:
      return index == 0 ? ArgType::kArray : ArgType::kNumber;
    case F::kArrayContains:
      return index == 0 ? ArgType::kArray : ArgType::kAny;
    case F::kArrayLength:
    case F::kArrayUnique:
      return ArgType::kArray;
    case F::kArrayRange:
    case F::kMathRandom:
    case F::kMathAdd:
      return ArgType::kNumber;
    case F::kJsonMerge:
      return index < 2 ? ArgType::kObject : ArgType::kAny;
    case F::kJsonToString:
    case F::kArray:
    case F::kUuid:
      return ArgType::kAny;
  }
  return ArgType::kAny;
}

std::string_view TypeName(ArgType type) {
  switch (type) {
    case ArgType::kString:
      return "a string";
    case ArgType::kNumber:
      return "a number";
    case ArgType::kArray:
      return "an array";
    case ArgType::kObject:
      return "an object";
    case ArgType::kAny:
      break;
  }
  return "any value";
}

std::string LiteralDescription(const boost::json::value& v) {
  if (v.is_string()) return "a string literal";
  if (v.is_number()) return "a number literal";
  if (v.is_bool()) return "a boolean literal";
  return "null";
}

bool Matches(ArgType type, const boost::json::value& v) {
  switch (type) {
    case ArgType::kAny:
      return true;
    case ArgType::kString:
      return v.is_string();
    case ArgType::kNumber:
      return v.is_number();
    case ArgType::kArray:  // No literal is an array or an object.
    case ArgType::kObject:
      return false;
  }
  return false;
}

double AsDouble(const boost::json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

absl::Status ArgError(const IntrinsicCall& call, size_t index, std::string_view problem) {
  return absl::InvalidArgumentError(
      absl::StrCat(call.name, " argument ", index + 1, " ", Sv(problem)));
}

// Arity, then the literal arguments whose type or value is wrong whatever
// the input.
absl::Status CheckCall(const IntrinsicCall& call, const FunctionInfo& info,
                       bool format_template_has_lone_brace) {
  const int n = static_cast<int>(call.arguments.size());
  if (n < info.min_args || (info.max_args != kUnbounded && n > info.max_args)) {
    std::string expected;
    if (info.max_args == kUnbounded) {
      expected = absl::StrCat("at least ", info.min_args);
    } else if (info.min_args == info.max_args) {
      expected = absl::StrCat(info.min_args);
    } else {
      expected = absl::StrCat(info.min_args, " or ", info.max_args);
    }
    const bool one = info.max_args == 1 || (info.max_args == kUnbounded && info.min_args == 1);
    return absl::InvalidArgumentError(absl::StrCat(call.name, " expects ", expected,
                                                   one ? " argument" : " arguments", ", got ", n));
  }
  for (size_t i = 0; i < call.arguments.size(); ++i) {
    const IntrinsicArgument& arg = call.arguments[i];
    if (arg.kind != ArgKind::kLiteral) continue;
    const ArgType type = ExpectedType(call.function, i);
    if (!Matches(type, arg.literal)) {
      return ArgError(
          call, i,
          absl::StrCat("must be ", Sv(TypeName(type)), ", got ", LiteralDescription(arg.literal)));
    }
  }
  const std::vector<IntrinsicArgument>& args = call.arguments;
  auto literal = [&](size_t i) -> const boost::json::value* {
    return args[i].kind == ArgKind::kLiteral ? &args[i].literal : nullptr;
  };
  switch (call.function) {
    case IntrinsicFunction::kFormat: {
      if (args[0].kind == ArgKind::kCall) {
        return ArgError(call, 0, "(the template) must be a string literal or a path");
      }
      if (args[0].kind != ArgKind::kLiteral) break;
      if (format_template_has_lone_brace) {
        return ArgError(call, 0, "(the template) has an unescaped '{' or '}' outside '{}'");
      }
      const size_t placeholders = args[0].placeholders.size();
      if (placeholders != args.size() - 1) {
        return absl::InvalidArgumentError(absl::StrCat(call.name, " template has ", placeholders,
                                                       " '{}' placeholder(s) but ", args.size() - 1,
                                                       " value argument(s) follow"));
      }
      break;
    }
    case IntrinsicFunction::kHash:
      if (const boost::json::value* v = literal(1)) {
        const std::string_view algorithm(v->get_string().data(), v->get_string().size());
        if (algorithm != "MD5" && algorithm != "SHA-1" && algorithm != "SHA-256" &&
            algorithm != "SHA-384" && algorithm != "SHA-512") {
          return ArgError(
              call, 1,
              absl::StrCat("must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512, got '",
                           Sv(algorithm), "'"));
        }
      }
      break;
    case IntrinsicFunction::kJsonMerge:
      if (const boost::json::value* v = literal(2);
          v != nullptr && !(v->is_bool() && !v->as_bool())) {
        return ArgError(call, 2, "(deep merge) must be false");
      }
      break;
    case IntrinsicFunction::kArrayPartition:
      if (const boost::json::value* v = literal(1); v != nullptr && AsDouble(*v) <= 0) {
        return ArgError(call, 1, "(chunk size) must be greater than 0");
      }
      break;
    case IntrinsicFunction::kArrayGetItem:
      if (const boost::json::value* v = literal(1); v != nullptr && AsDouble(*v) < 0) {
        return ArgError(call, 1, "(index) must not be negative");
      }
      break;
    case IntrinsicFunction::kArrayRange:
      if (const boost::json::value* v = literal(2); v != nullptr && AsDouble(*v) == 0) {
        return ArgError(call, 2, "(step) must not be 0");
      }
      if (literal(0) != nullptr && literal(1) != nullptr && literal(2) != nullptr) {
        // AWS caps the result at 1000 items.
        const double count =
            std::floor((AsDouble(*literal(1)) - AsDouble(*literal(0))) / AsDouble(*literal(2))) + 1;
        if (count > 1000) {
          return absl::InvalidArgumentError(
              absl::StrCat(call.name, " would produce more than 1000 items"));
        }
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

class CallParser {
 public:
  explicit CallParser(std::string_view text) : text_(text) {}

  absl::StatusOr<IntrinsicCall> ParseTop() {
    SkipSpaces();
    absl::StatusOr<IntrinsicCall> call = ParseCall(0);
    if (!call.ok()) return call;
    SkipSpaces();
    if (!AtEnd()) return SyntaxError(pos_, "unexpected text after the call");
    return call;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  absl::Status SyntaxError(size_t pos, std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid intrinsic function call '", Sv(text_),
                                                   "': ", Sv(what), " at position ", pos));
  }

  absl::StatusOr<IntrinsicCall> ParseCall(int depth) {
    if (depth >= kMaxIntrinsicNesting) {
      return SyntaxError(pos_, absl::StrCat("calls nested deeper than ", kMaxIntrinsicNesting));
    }
    const size_t start = pos_;
    if (text_.substr(pos_, kPrefix.size()) != kPrefix) {
      return SyntaxError(pos_, "expected 'States.'");
    }
    pos_ += kPrefix.size();
    while (!AtEnd() && IsWordChar(Peek())) ++pos_;
    if (pos_ == start + kPrefix.size()) return SyntaxError(pos_, "expected a function name");
    IntrinsicCall call;
    call.name = std::string(text_.substr(start, pos_ - start));
    const FunctionInfo* info = FindFunction(call.name);
    if (info == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown intrinsic function '", call.name, "'"));
    }
    call.function = info->function;
    SkipSpaces();
    if (Peek() != '(' || AtEnd()) {
      return SyntaxError(pos_, absl::StrCat("expected '(' after '", call.name, "'"));
    }
    ++pos_;
    SkipSpaces();
    bool lone_brace_in_first = false;
    if (Peek() == ')' && !AtEnd()) {
      ++pos_;
    } else {
      while (true) {
        bool lone_brace = false;
        absl::StatusOr<IntrinsicArgument> arg = ParseArgument(depth, call, &lone_brace);
        if (!arg.ok()) return arg.status();
        if (call.arguments.empty()) lone_brace_in_first = lone_brace;
        call.arguments.push_back(*std::move(arg));
        SkipSpaces();
        if (Peek() == ',' && !AtEnd()) {
          ++pos_;
          SkipSpaces();
          continue;
        }
        if (Peek() == ')' && !AtEnd()) {
          ++pos_;
          break;
        }
        return SyntaxError(pos_, AtEnd() ? "expected ',' or ')' (unterminated argument list)"
                                         : "expected ',' or ')'");
      }
    }
    if (absl::Status s = CheckCall(call, *info, lone_brace_in_first); !s.ok()) return s;
    return call;
  }

  absl::StatusOr<IntrinsicArgument> ParseArgument(int depth, const IntrinsicCall& call,
                                                  bool* lone_brace) {
    IntrinsicArgument arg;
    const char c = Peek();
    if (AtEnd()) return SyntaxError(pos_, "expected an argument");
    if (c == '\'') {
      arg.kind = ArgKind::kLiteral;
      absl::StatusOr<std::string> s = ParseString(arg.placeholders, lone_brace);
      if (!s.ok()) return s.status();
      arg.literal = boost::json::string(*s);
      return arg;
    }
    if (c == '-' || IsDigit(c)) {
      arg.kind = ArgKind::kLiteral;
      absl::StatusOr<boost::json::value> n = ParseNumber();
      if (!n.ok()) return n.status();
      arg.literal = *std::move(n);
      return arg;
    }
    if (c == '$') {
      arg.kind = ArgKind::kPath;
      const size_t start = pos_;
      const std::string_view path_text = ScanPath();
      absl::StatusOr<JsonPath> path = ParseJsonPath(path_text);
      if (!path.ok()) {
        return absl::InvalidArgumentError(absl::StrCat(call.name, " argument ",
                                                       call.arguments.size() + 1, " at position ",
                                                       start, ": ", path.status().message()));
      }
      arg.path = *std::move(path);
      return arg;
    }
    if (text_.substr(pos_, kPrefix.size()) == kPrefix) {
      arg.kind = ArgKind::kCall;
      absl::StatusOr<IntrinsicCall> inner = ParseCall(depth + 1);
      if (!inner.ok()) return inner.status();
      arg.call = std::make_shared<const IntrinsicCall>(*std::move(inner));
      return arg;
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word && !IsWordChar(Peek(word.size()))) {
        pos_ += word.size();
        arg.kind = ArgKind::kLiteral;
        if (word == "true") arg.literal = true;
        if (word == "false") arg.literal = false;
        return arg;  // null: the default value.
      }
    }
    return SyntaxError(pos_,
                       "expected an argument ('string', number, true, false, null, path or call)");
  }

  // A path argument runs to the first `,`, `)` or space that is outside
  // brackets and quotes; ParseJsonPath judges the rest.
  std::string_view ScanPath() {
    const size_t start = pos_;
    int brackets = 0;
    char quote = 0;
    for (; !AtEnd(); ++pos_) {
      const char c = text_[pos_];
      if (quote != 0) {
        if (c == '\\') {
          ++pos_;
        } else if (c == quote) {
          quote = 0;
        }
        continue;
      }
      if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == '[') {
        ++brackets;
      } else if (c == ']') {
        if (brackets > 0) --brackets;
      } else if (brackets == 0 && (c == ',' || c == ')' || IsSpace(c))) {
        break;
      }
    }
    if (pos_ > text_.size()) pos_ = text_.size();
    return text_.substr(start, pos_ - start);
  }

  // A single-quoted string; escapes `\'`, `\{`, `\}`, `\\`. Records where an
  // unescaped `{}` lands in the value, and whether a brace stands alone.
  absl::StatusOr<std::string> ParseString(std::vector<size_t>& placeholders, bool* lone_brace) {
    const size_t open = pos_++;
    std::string out;
    while (true) {
      if (AtEnd()) return SyntaxError(open, "unterminated string literal starting");
      const char c = text_[pos_++];
      if (c == '\'') return out;
      if (c == '\\') {
        const char e = Peek();
        if (AtEnd() || (e != '\'' && e != '{' && e != '}' && e != '\\')) {
          return SyntaxError(pos_ - 1, "invalid escape in string literal (use \\' \\{ \\} \\\\)");
        }
        out += e;
        ++pos_;
        continue;
      }
      if (c == '{' && Peek() == '}' && !AtEnd()) {
        placeholders.push_back(out.size());
        out += "{}";
        ++pos_;
        continue;
      }
      if (c == '{' || c == '}') *lone_brace = true;
      out += c;
    }
  }

  absl::StatusOr<boost::json::value> ParseNumber() {
    internal::ScannedNumber number = internal::ScanNumber(text_, pos_);
    if (!number.ok) {
      return SyntaxError(number.error_pos, number.problem == "number out of range"
                                               ? std::string(number.problem)
                                               : absl::StrCat("expected ", Sv(number.problem)));
    }
    pos_ = number.end;
    return std::move(number.value);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace

bool LooksLikeIntrinsicCall(std::string_view text) {
  size_t i = 0;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (text.substr(i, kPrefix.size()) != kPrefix) return false;
  i += kPrefix.size();
  const size_t name_start = i;
  while (i < text.size() && IsWordChar(text[i])) ++i;
  if (i == name_start) return false;
  while (i < text.size() && IsSpace(text[i])) ++i;
  return i < text.size() && text[i] == '(';
}

absl::StatusOr<IntrinsicCall> ParseIntrinsicCall(std::string_view text) {
  return CallParser(text).ParseTop();
}

}  // namespace stepwise::asl
