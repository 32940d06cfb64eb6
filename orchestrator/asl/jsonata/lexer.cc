#include "orchestrator/asl/jsonata/lexer.h"

#include <cmath>
#include <cstdlib>

#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/utf.h"

namespace stepwise::jsonata::internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'; }

bool IsOperatorChar(char c) {
  static constexpr std::string_view kOps = ".[]{}(),@#;:?+-*/%|=<>^&!~";
  return kOps.find(c) != std::string_view::npos;
}

}  // namespace

Token Lexer::Make(Token::Type type, std::string value) const {
  Token t;
  t.type = type;
  t.value = std::move(value);
  t.position = pos_;
  return t;
}

Token Lexer::ScanString(char quote) {
  std::string out;
  ++pos_;
  while (pos_ < size()) {
    char c = source_[pos_];
    if (c == '\\') {
      ++pos_;
      if (pos_ >= size()) break;
      char e = source_[pos_];
      switch (e) {
        case '"':
        case '\\':
        case '/':
        case '\'':
          out.push_back(e);
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          auto hex4 = [&](int at) -> int {
            if (at + 4 > size()) return -1;
            unsigned v = 0;
            for (int i = 0; i < 4; ++i) {
              char h = source_[at + i];
              v <<= 4;
              if (h >= '0' && h <= '9')
                v |= h - '0';
              else if (h >= 'a' && h <= 'f')
                v |= h - 'a' + 10;
              else if (h >= 'A' && h <= 'F')
                v |= h - 'A' + 10;
              else
                return -1;
            }
            return static_cast<int>(v);
          };
          int cp = hex4(pos_ + 1);
          if (cp < 0) Fail("S0104", pos_);
          pos_ += 4;
          // A UTF-16 surrogate pair spelled as two escapes.
          if (cp >= 0xD800 && cp < 0xDC00 && pos_ + 2 < size() && source_[pos_ + 1] == '\\' &&
              source_[pos_ + 2] == 'u') {
            int low = hex4(pos_ + 3);
            if (low >= 0xDC00 && low < 0xE000) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              pos_ += 6;
            }
          }
          AppendUtf8(out, static_cast<char32_t>(cp));
          break;
        }
        default:
          Fail("S0103", pos_, std::string(1, e));
      }
    } else if (c == quote) {
      ++pos_;
      return Make(Token::Type::kString, std::move(out));
    } else {
      out.push_back(c);
    }
    ++pos_;
  }
  Fail("S0101", pos_);
}

Token Lexer::ScanRegex() {
  // pos_ is just past the opening '/'.
  int start = pos_;
  int depth = 0;
  while (pos_ < size()) {
    char c = source_[pos_];
    if (c == '/' && depth == 0 && source_[pos_ - 1] != '\\') {
      std::string pattern(source_.substr(start, pos_ - start));
      if (pattern.empty()) Fail("S0301", pos_);
      ++pos_;
      std::string flags;
      while (pos_ < size() && (source_[pos_] == 'i' || source_[pos_] == 'm')) {
        flags.push_back(source_[pos_++]);
      }
      Token t = Make(Token::Type::kRegex, std::move(pattern));
      t.flags = std::move(flags);
      return t;
    }
    if ((c == '(' || c == '[' || c == '{') && source_[pos_ - 1] != '\\') ++depth;
    if ((c == ')' || c == ']' || c == '}') && source_[pos_ - 1] != '\\') --depth;
    ++pos_;
  }
  Fail("S0302", pos_);
}

std::optional<Token> Lexer::Next(bool infix) {
  while (true) {
    while (pos_ < size() && IsSpace(source_[pos_])) ++pos_;
    if (pos_ >= size()) return std::nullopt;
    if (source_[pos_] == '/' && pos_ + 1 < size() && source_[pos_ + 1] == '*') {
      size_t end = source_.find("*/", pos_ + 2);
      if (end == std::string_view::npos) {
        pos_ = size();
        Fail("S0106", pos_);
      }
      pos_ = static_cast<int>(end) + 2;
      continue;
    }
    break;
  }
  char c = source_[pos_];
  if (!infix && c == '/') {
    ++pos_;
    return ScanRegex();
  }
  char next = pos_ + 1 < size() ? source_[pos_ + 1] : '\0';
  static constexpr std::string_view kTwoChar[] = {
      "..", ":=", "!=", ">=", "<=", "**", "~>", "?:", "??"};
  for (std::string_view op : kTwoChar) {
    if (c == op[0] && next == op[1]) {
      pos_ += 2;
      return Make(Token::Type::kOperator, std::string(op));
    }
  }
  if (IsOperatorChar(c)) {
    ++pos_;
    return Make(Token::Type::kOperator, std::string(1, c));
  }
  if (c == '"' || c == '\'') return ScanString(c);
  if (c >= '0' && c <= '9') {
    // /^(0|[1-9][0-9]*)(\.[0-9]+)?([Ee][-+]?[0-9]+)?/, scanned by hand.
    auto digits = [&](size_t i) {
      size_t start = i;
      while (i < source_.size() && source_[i] >= '0' && source_[i] <= '9') ++i;
      return i - start;
    };
    size_t end = static_cast<size_t>(pos_) + (c == '0' ? 1 : digits(pos_));
    if (end < source_.size() && source_[end] == '.' && digits(end + 1) > 0) {
      end += 1 + digits(end + 1);
    }
    if (end < source_.size() && (source_[end] == 'e' || source_[end] == 'E')) {
      size_t sign =
          end + 1 < source_.size() && (source_[end + 1] == '+' || source_[end + 1] == '-');
      if (size_t n = digits(end + 1 + sign); n > 0) end += 1 + sign + n;
    }
    std::string text(source_.substr(pos_, end - pos_));
    double d = std::strtod(text.c_str(), nullptr);
    if (!std::isfinite(d)) Fail("S0102", pos_, text);
    pos_ += static_cast<int>(text.size());
    Token t = Make(Token::Type::kNumber, text);
    t.number = d;
    return t;
  }
  if (c == '`') {
    size_t end = source_.find('`', pos_ + 1);
    if (end == std::string_view::npos) {
      pos_ = size();
      Fail("S0105", pos_);
    }
    std::string name(source_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = static_cast<int>(end) + 1;
    return Make(Token::Type::kName, std::move(name));
  }
  int start = pos_;
  while (pos_ < size() && !IsSpace(source_[pos_]) && !IsOperatorChar(source_[pos_])) ++pos_;
  std::string word(source_.substr(start, pos_ - start));
  if (word[0] == '$') return Make(Token::Type::kVariable, word.substr(1));
  if (word == "and" || word == "or" || word == "in") return Make(Token::Type::kOperator, word);
  if (word == "true" || word == "false" || word == "null") {
    return Make(Token::Type::kValue, word);
  }
  return Make(Token::Type::kName, word);
}

}  // namespace stepwise::jsonata::internal
