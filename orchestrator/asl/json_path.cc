#include "orchestrator/asl/json_path.h"

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <memory>
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

namespace stepwise::asl {
namespace {

using Operand = FilterExpression::Operand;
using FilterPtr = std::shared_ptr<const FilterExpression>;

// The installed Abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view s) { return absl::string_view(s.data(), s.size()); }

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsWordChar(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

// The first character of a variable name (asl::IsValidVariableName).
bool IsVariableStart(char c) { return IsWordChar(c) && !IsDigit(c); }

// Characters that may appear in a dot-notation name. Inside a filter a name
// also ends where an operator or parenthesis could start.
bool IsNameChar(char c, bool in_filter) {
  if (c == '.' || c == '[' || c == ']' || c == '\'' || c == '"' || IsSpace(c)) return false;
  if (!in_filter) return true;
  switch (c) {
    case '(':
    case ')':
    case ',':
    case '=':
    case '!':
    case '<':
    case '>':
    case '&':
    case '|':
      return false;
    default:
      return true;
  }
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// A single-pass recursive-descent parser. Recursion happens only for filters
// and parenthesised filter expressions, both counted against
// kMaxJsonPathNesting, so stack use is bounded whatever the input.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  absl::StatusOr<JsonPath> ParseTop() {
    JsonPath path;
    path.text = std::string(text_);
    if (text_.empty()) return Error(0, "'$'");
    if (text_[0] != '$') return Error(0, "'$'");
    pos_ = 1;
    if (pos_ < text_.size() && text_[pos_] == '$') {
      path.context_object = true;
      ++pos_;
    } else if (pos_ < text_.size() && IsVariableStart(text_[pos_])) {
      // `$name`: a workflow variable, then segments as usual.
      const size_t start = pos_;
      while (!AtEnd() && IsWordChar(text_[pos_])) ++pos_;
      path.variable = std::string(text_.substr(start, pos_ - start));
    }
    if (absl::Status s = ParseSegments(path.segments, /*in_filter=*/false, /*depth=*/0); !s.ok()) {
      return s;
    }
    return path;
  }

 private:
  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  void SkipSpaces() {
    while (!AtEnd() && IsSpace(text_[pos_])) ++pos_;
  }

  absl::Status Error(size_t pos, std::string_view expected) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid JSONPath '", Sv(text_), "': expected ",
                                                   Sv(expected), " at position ", pos));
  }
  absl::Status Problem(size_t pos, std::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid JSONPath '", Sv(text_), "': ", Sv(what), " at position ", pos));
  }
  absl::Status Expect(char c, std::string_view expected) {
    if (Peek() != c || AtEnd()) return Error(pos_, expected);
    ++pos_;
    return absl::OkStatus();
  }

  // Segments until the end of the text (top level) or, inside a filter, until
  // a character that cannot continue a path.
  absl::Status ParseSegments(std::vector<PathSegment>& out, bool in_filter, int depth) {
    while (!AtEnd()) {
      const char c = text_[pos_];
      PathSegment seg;
      seg.offset = pos_;
      if (c == '.' && Peek(1) == '.') {
        pos_ += 2;
        seg.kind = PathSegment::Kind::kRecursiveDescent;
        if (absl::Status s = ParseDescentTarget(seg, in_filter); !s.ok()) return s;
      } else if (c == '.') {
        ++pos_;
        if (Peek() == '*' && !AtEnd()) {
          ++pos_;
          seg.kind = PathSegment::Kind::kWildcard;
        } else if (!AtEnd() && IsNameChar(Peek(), in_filter)) {
          seg.kind = PathSegment::Kind::kField;
          seg.field = ReadName(in_filter);
        } else {
          return Error(pos_, "name or '*' after '.'");
        }
      } else if (c == '[') {
        if (absl::Status s = ParseBracket(seg, depth); !s.ok()) return s;
      } else if (in_filter) {
        return absl::OkStatus();
      } else {
        return Error(pos_, "'.' or '['");
      }
      out.push_back(std::move(seg));
    }
    return absl::OkStatus();
  }

  std::string ReadName(bool in_filter) {
    const size_t start = pos_;
    while (!AtEnd() && IsNameChar(text_[pos_], in_filter)) ++pos_;
    return std::string(text_.substr(start, pos_ - start));
  }

  // After `..`: a name, `*`, `['name']` or `[*]`.
  absl::Status ParseDescentTarget(PathSegment& seg, bool in_filter) {
    constexpr std::string_view kExpected = "name, '*', ['name'] or [*] after '..'";
    if (AtEnd()) return Error(pos_, kExpected);
    if (Peek() == '*') {
      ++pos_;
      return absl::OkStatus();
    }
    if (Peek() == '[') {
      ++pos_;
      SkipSpaces();
      if (Peek() == '*' && !AtEnd()) {
        ++pos_;
      } else if (Peek() == '\'' || Peek() == '"') {
        absl::StatusOr<std::string> name = ParseQuoted();
        if (!name.ok()) return name.status();
        seg.field = *std::move(name);
        if (seg.field.empty()) return Problem(seg.offset + 2, "empty name after '..'");
      } else {
        return Error(pos_, "'*' or quoted name");
      }
      SkipSpaces();
      return Expect(']', "']'");
    }
    if (IsNameChar(Peek(), in_filter)) {
      seg.field = ReadName(in_filter);
      return absl::OkStatus();
    }
    return Error(pos_, kExpected);
  }

  absl::Status ParseBracket(PathSegment& seg, int depth) {
    ++pos_;  // '['
    SkipSpaces();
    const char c = Peek();
    if (AtEnd()) return Error(pos_, "index, '*', quoted name or filter");
    if (c == '*') {
      ++pos_;
      seg.kind = PathSegment::Kind::kWildcard;
    } else if (c == '?') {
      ++pos_;
      if (absl::Status s = ParseFilterSegment(seg, depth); !s.ok()) return s;
    } else if (c == '\'' || c == '"') {
      std::vector<std::string> names;
      while (true) {
        absl::StatusOr<std::string> name = ParseQuoted();
        if (!name.ok()) return name.status();
        names.push_back(*std::move(name));
        SkipSpaces();
        if (Peek() != ',' || AtEnd()) break;
        ++pos_;
        SkipSpaces();
        if (Peek() != '\'' && Peek() != '"') return Error(pos_, "quoted name");
      }
      if (names.size() == 1) {
        seg.kind = PathSegment::Kind::kField;
        seg.field = std::move(names[0]);
      } else {
        seg.kind = PathSegment::Kind::kUnion;
        seg.union_fields = std::move(names);
      }
    } else if (c == '-' || c == ':' || IsDigit(c)) {
      if (absl::Status s = ParseIndexLike(seg); !s.ok()) return s;
    } else {
      return Error(pos_, "index, '*', quoted name or filter");
    }
    SkipSpaces();
    return Expect(']', "']'");
  }

  // `[3]`, `[-1]`, `[0,2]`, `[1:3]`, `[::2]`, ...
  absl::Status ParseIndexLike(PathSegment& seg) {
    std::optional<int64_t> first;
    if (Peek() != ':') {
      absl::StatusOr<int64_t> v = ParseInt();
      if (!v.ok()) return v.status();
      first = *v;
      SkipSpaces();
    }
    if (Peek() == ':' && !AtEnd()) {
      seg.kind = PathSegment::Kind::kSlice;
      seg.slice_start = first;
      for (std::optional<int64_t>* bound : {&seg.slice_end, &seg.slice_step}) {
        if (Peek() != ':' || AtEnd()) break;
        ++pos_;
        SkipSpaces();
        if (Peek() == '-' || IsDigit(Peek())) {
          const size_t at = pos_;
          absl::StatusOr<int64_t> v = ParseInt();
          if (!v.ok()) return v.status();
          *bound = *v;
          if (bound == &seg.slice_step && *v == 0) return Problem(at, "slice step must not be 0");
          SkipSpaces();
        }
      }
      return absl::OkStatus();
    }
    if (Peek() == ',' && !AtEnd()) {
      seg.kind = PathSegment::Kind::kUnion;
      seg.union_indices.push_back(*first);
      while (Peek() == ',' && !AtEnd()) {
        ++pos_;
        SkipSpaces();
        absl::StatusOr<int64_t> v = ParseInt();
        if (!v.ok()) return v.status();
        seg.union_indices.push_back(*v);
        SkipSpaces();
      }
      return absl::OkStatus();
    }
    seg.kind = PathSegment::Kind::kIndex;
    seg.index = *first;
    return absl::OkStatus();
  }

  absl::StatusOr<int64_t> ParseInt() {
    const size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (AtEnd() || !IsDigit(Peek())) return Error(pos_, "digit");
    while (!AtEnd() && IsDigit(Peek())) ++pos_;
    int64_t value = 0;
    const char* first = text_.data() + start;
    const char* last = text_.data() + pos_;
    auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last) return Problem(start, "integer out of range");
    return value;
  }

  // A quoted name or string literal, pos_ at the opening quote.
  absl::StatusOr<std::string> ParseQuoted() {
    const size_t open = pos_;
    const char quote = text_[pos_++];
    std::string out;
    while (true) {
      if (AtEnd()) return Problem(open, "unterminated quoted string starting");
      const char c = text_[pos_++];
      if (c == quote) return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (AtEnd()) return Problem(open, "unterminated quoted string starting");
      const size_t esc = pos_ - 1;
      const char e = text_[pos_++];
      switch (e) {
        case '\\':
        case '\'':
        case '"':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          absl::StatusOr<uint32_t> cp = ParseUnicodeEscape(esc);
          if (!cp.ok()) return cp.status();
          AppendUtf8(*cp, out);
          break;
        }
        default:
          return Problem(esc, "invalid escape sequence");
      }
    }
  }

  // After `\u` (the backslash at `esc`): 4 hex digits, or a surrogate pair.
  absl::StatusOr<uint32_t> ParseUnicodeEscape(size_t esc) {
    absl::StatusOr<uint32_t> hi = ReadHex4(esc);
    if (!hi.ok()) return hi.status();
    if (*hi >= 0xDC00 && *hi <= 0xDFFF) return Problem(esc, "unpaired surrogate escape");
    if (*hi < 0xD800 || *hi > 0xDBFF) return *hi;
    if (Peek() != '\\' || Peek(1) != 'u') return Problem(esc, "unpaired surrogate escape");
    pos_ += 2;
    absl::StatusOr<uint32_t> lo = ReadHex4(esc);
    if (!lo.ok()) return lo.status();
    if (*lo < 0xDC00 || *lo > 0xDFFF) return Problem(esc, "unpaired surrogate escape");
    return 0x10000 + ((*hi - 0xD800) << 10) + (*lo - 0xDC00);
  }

  absl::StatusOr<uint32_t> ReadHex4(size_t esc) {
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = Peek();
      if (AtEnd()) return Problem(esc, "invalid \\u escape");
      uint32_t d = 0;
      if (IsDigit(h)) {
        d = static_cast<uint32_t>(h - '0');
      } else if (h >= 'a' && h <= 'f') {
        d = static_cast<uint32_t>(h - 'a' + 10);
      } else if (h >= 'A' && h <= 'F') {
        d = static_cast<uint32_t>(h - 'A' + 10);
      } else {
        return Problem(esc, "invalid \\u escape");
      }
      v = v * 16 + d;
      ++pos_;
    }
    return v;
  }

  // After `[?`: `( expression )`.
  absl::Status ParseFilterSegment(PathSegment& seg, int depth) {
    seg.kind = PathSegment::Kind::kFilter;
    if (absl::Status s = Expect('(', "'(' after '?'"); !s.ok()) return s;
    if (depth + 1 > kMaxJsonPathNesting) return Problem(pos_, "filters nested too deeply");
    const size_t start = pos_;
    SkipSpaces();
    if (Peek() == ')' || AtEnd()) return Error(pos_, "filter expression");
    absl::StatusOr<FilterPtr> expr = ParseOr(depth + 1);
    if (!expr.ok()) return expr.status();
    SkipSpaces();
    if (absl::Status s = Expect(')', "')' closing the filter"); !s.ok()) return s;
    seg.filter_text = std::string(text_.substr(start, pos_ - 1 - start));
    seg.filter = *std::move(expr);
    return absl::OkStatus();
  }

  absl::StatusOr<FilterPtr> ParseOr(int depth) { return ParseChain(depth, /*is_or=*/true); }

  // `a || b || c` (is_or) or `a && b && c`; && binds tighter than ||.
  absl::StatusOr<FilterPtr> ParseChain(int depth, bool is_or) {
    const std::string_view token = is_or ? "||" : "&&";
    std::vector<FilterPtr> parts;
    while (true) {
      absl::StatusOr<FilterPtr> part =
          is_or ? ParseChain(depth, /*is_or=*/false) : ParseUnary(depth);
      if (!part.ok()) return part.status();
      parts.push_back(*std::move(part));
      SkipSpaces();
      if (text_.substr(pos_, 2) != token) break;
      pos_ += 2;
    }
    if (parts.size() == 1) return std::move(parts[0]);
    auto node = std::make_shared<FilterExpression>();
    node->kind = is_or ? FilterExpression::Kind::kOr : FilterExpression::Kind::kAnd;
    node->children = std::move(parts);
    return FilterPtr(std::move(node));
  }

  absl::StatusOr<FilterPtr> ParseUnary(int depth) {
    SkipSpaces();
    int nots = 0;
    while (Peek() == '!' && Peek(1) != '=' && !AtEnd()) {
      if (depth + nots + 1 > kMaxJsonPathNesting) return Problem(pos_, "filter nested too deeply");
      ++pos_;
      ++nots;
      SkipSpaces();
    }
    absl::StatusOr<FilterPtr> inner = ParsePrimary(depth + nots);
    if (!inner.ok()) return inner.status();
    FilterPtr result = *std::move(inner);
    for (int i = 0; i < nots; ++i) {
      auto node = std::make_shared<FilterExpression>();
      node->kind = FilterExpression::Kind::kNot;
      node->children.push_back(std::move(result));
      result = std::move(node);
    }
    return result;
  }

  absl::StatusOr<FilterPtr> ParsePrimary(int depth) {
    SkipSpaces();
    if (Peek() == '(' && !AtEnd()) {
      if (depth + 1 > kMaxJsonPathNesting) return Problem(pos_, "filter nested too deeply");
      ++pos_;
      absl::StatusOr<FilterPtr> inner = ParseOr(depth + 1);
      if (!inner.ok()) return inner.status();
      SkipSpaces();
      if (absl::Status s = Expect(')', "')'"); !s.ok()) return s;
      return inner;
    }
    auto node = std::make_shared<FilterExpression>();
    absl::StatusOr<Operand> lhs = ParseOperand(depth);
    if (!lhs.ok()) return lhs.status();
    node->lhs = *std::move(lhs);
    SkipSpaces();
    const std::optional<FilterExpression::Op> op = ParseOp();
    if (!op.has_value()) {
      if (Peek() == '=' && !AtEnd()) return Error(pos_, "comparison operator ('==')");
      if (node->lhs.kind == Operand::Kind::kLiteral) {
        return Error(pos_, "comparison operator after literal");
      }
      node->kind = FilterExpression::Kind::kExists;
      return FilterPtr(std::move(node));
    }
    node->kind = FilterExpression::Kind::kCompare;
    node->op = *op;
    absl::StatusOr<Operand> rhs = ParseOperand(depth);
    if (!rhs.ok()) return rhs.status();
    node->rhs = *std::move(rhs);
    return FilterPtr(std::move(node));
  }

  std::optional<FilterExpression::Op> ParseOp() {
    using Op = FilterExpression::Op;
    const std::string_view two = text_.substr(pos_, 2);
    const std::pair<std::string_view, Op> kOps[] = {{"==", Op::kEq}, {"!=", Op::kNe},
                                                    {"<=", Op::kLe}, {">=", Op::kGe},
                                                    {"<", Op::kLt},  {">", Op::kGt}};
    for (const auto& [token, op] : kOps) {
      if (two.substr(0, token.size()) == token) {
        pos_ += token.size();
        return op;
      }
    }
    return std::nullopt;
  }

  absl::StatusOr<Operand> ParseOperand(int depth) {
    SkipSpaces();
    Operand operand;
    const size_t start = pos_;
    const char c = Peek();
    if (AtEnd()) return Error(pos_, "path or literal");
    if (c == '@' || c == '$') {
      if (c == '$' && Peek(1) == '$') {
        return Problem(pos_, "context object '$$' is not allowed in a filter");
      }
      operand.kind = c == '@' ? Operand::Kind::kCurrent : Operand::Kind::kRoot;
      ++pos_;
      if (absl::Status s = ParseSegments(operand.path.segments, /*in_filter=*/true, depth);
          !s.ok()) {
        return s;
      }
      operand.path.text = std::string(text_.substr(start, pos_ - start));
      return operand;
    }
    operand.kind = Operand::Kind::kLiteral;
    if (c == '\'' || c == '"') {
      absl::StatusOr<std::string> s = ParseQuoted();
      if (!s.ok()) return s.status();
      operand.literal = boost::json::string(*s);
      return operand;
    }
    if (c == '-' || IsDigit(c)) {
      absl::StatusOr<boost::json::value> n = ParseNumber();
      if (!n.ok()) return n.status();
      operand.literal = *std::move(n);
      return operand;
    }
    for (std::string_view word : {"true", "false", "null"}) {
      if (text_.substr(pos_, word.size()) == word && !IsWordChar(Peek(word.size()))) {
        pos_ += word.size();
        if (word == "true") operand.literal = true;
        if (word == "false") operand.literal = false;
        return operand;  // null: the default value.
      }
    }
    return Error(pos_, "path or literal");
  }

  // A JSON number: int64 when integral and in range, else double.
  absl::StatusOr<boost::json::value> ParseNumber() {
    internal::ScannedNumber number = internal::ScanNumber(text_, pos_);
    if (!number.ok) {
      return number.problem == "number out of range" ? Problem(number.error_pos, number.problem)
                                                     : Error(number.error_pos, number.problem);
    }
    pos_ = number.end;
    return std::move(number.value);
  }

  std::string_view text_;
  size_t pos_ = 0;
};

std::string_view SegmentDescription(const PathSegment& seg) {
  switch (seg.kind) {
    case PathSegment::Kind::kField:
      return "field";
    case PathSegment::Kind::kIndex:
      return "negative index";
    case PathSegment::Kind::kWildcard:
      return "wildcard";
    case PathSegment::Kind::kRecursiveDescent:
      return "recursive descent";
    case PathSegment::Kind::kSlice:
      return "slice";
    case PathSegment::Kind::kUnion:
      return "union";
    case PathSegment::Kind::kFilter:
      return "filter";
  }
  return "segment";
}

bool IsReferenceSegment(const PathSegment& seg) {
  return seg.kind == PathSegment::Kind::kField ||
         (seg.kind == PathSegment::Kind::kIndex && seg.index >= 0);
}

}  // namespace

bool JsonPath::IsReferencePath() const {
  for (const PathSegment& seg : segments) {
    if (!IsReferenceSegment(seg)) return false;
  }
  return true;
}

absl::StatusOr<JsonPath> ParseJsonPath(std::string_view text) { return Parser(text).ParseTop(); }

absl::StatusOr<JsonPath> ParseReferencePath(std::string_view text) {
  absl::StatusOr<JsonPath> path = ParseJsonPath(text);
  if (!path.ok()) return path;
  for (const PathSegment& seg : path->segments) {
    if (IsReferenceSegment(seg)) continue;
    return absl::InvalidArgumentError(absl::StrCat(
        "'", Sv(text), "' is not a reference path: ", Sv(SegmentDescription(seg)), " at position ",
        seg.offset, " (only field names and non-negative indices are allowed)"));
  }
  return path;
}

}  // namespace stepwise::asl
