// The JSONata tokenizer (a port of jsonata-js's), pulled one token at a time
// by the parser because `/` is a regex in prefix position and division in
// infix position.
//
//   Lexer lexer("a.b / 2");
//   std::optional<Token> t = lexer.Next(/*infix=*/false);  // name "a"
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_LEXER_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_LEXER_H_

#include <optional>
#include <string>
#include <string_view>

namespace stepwise::jsonata::internal {

struct Token {
  enum class Type { kOperator, kString, kNumber, kName, kVariable, kValue, kRegex };
  Type type;
  std::string value;  // operator text, string contents, name, variable name, regex pattern
  double number = 0;
  std::string flags;  // regex flags
  int position = 0;   // index just past the token
};

class Lexer {
 public:
  explicit Lexer(std::string_view source) : source_(source) {}
  // The next token, or nullopt at the end. Throws JsonataException (S01xx,
  // S03xx) on malformed input. `infix`: the parser expects an operator, so
  // `/` divides rather than starting a regex.
  std::optional<Token> Next(bool infix);
  int size() const { return static_cast<int>(source_.size()); }

 private:
  Token Make(Token::Type type, std::string value) const;
  Token ScanString(char quote);
  Token ScanRegex();

  std::string_view source_;
  int pos_ = 0;
};

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_LEXER_H_
