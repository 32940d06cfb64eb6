#include "orchestrator/asl/jsonata/signature.h"

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {

char SymbolOf(const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kUndefined:
      return 'm';
    case Value::Kind::kFunction:
      return 'f';
    case Value::Kind::kString:
      return 's';
    case Value::Kind::kNumber:
      return 'n';
    case Value::Kind::kBool:
      return 'b';
    case Value::Kind::kNull:
      return 'l';
    case Value::Kind::kArray:
      return 'a';
    case Value::Kind::kObject:
      return 'o';
  }
  return 'm';
}

namespace {

size_t ClosingBracket(const std::string& s, size_t start, char open, char close) {
  int depth = 1;
  for (size_t i = start + 1; i < s.size(); ++i) {
    if (s[i] == open) ++depth;
    if (s[i] == close && --depth == 0) return i;
  }
  return s.size();
}

}  // namespace

std::shared_ptr<const Signature> Signature::Parse(const std::string& text) {
  auto sig = std::make_shared<Signature>();
  size_t pos = 1;  // past '<'
  while (pos < text.size()) {
    char symbol = text[pos];
    if (symbol == ':') break;
    Param param;
    Param* prev = sig->params_.empty() ? nullptr : &sig->params_.back();
    switch (symbol) {
      case 's':
      case 'n':
      case 'b':
      case 'l':
      case 'o':
        param.type = symbol;
        param.regex = StrCat("[", symbol, "m]");
        sig->params_.push_back(param);
        break;
      case 'a':
        param.type = 'a';
        param.regex = "[asnblfom]";
        sig->params_.push_back(param);
        break;
      case 'f':
        param.type = 'f';
        param.regex = "f";
        sig->params_.push_back(param);
        break;
      case 'j':
        param.type = 'j';
        param.regex = "[asnblom]";
        sig->params_.push_back(param);
        break;
      case 'x':
        param.type = 'x';
        param.regex = "[asnblfom]";
        sig->params_.push_back(param);
        break;
      case '-':
        if (prev != nullptr) {
          prev->context = true;
          prev->context_regex = prev->regex;
          prev->regex += "?";
        }
        break;
      case '?':
      case '+':
        if (prev != nullptr) prev->regex += symbol;
        break;
      case '(': {
        size_t end = ClosingBracket(text, pos, '(', ')');
        std::string choice = text.substr(pos + 1, end - pos - 1);
        if (choice.find('<') != std::string::npos) Fail("S0402", static_cast<int>(pos));
        param.type = '(';
        param.regex = StrCat("[", choice, "m]");
        sig->params_.push_back(param);
        pos = end;
        break;
      }
      case '<': {
        if (prev == nullptr || (prev->type != 'a' && prev->type != 'f')) {
          Fail("S0401", static_cast<int>(pos));
        }
        size_t end = ClosingBracket(text, pos, '<', '>');
        prev->subtype = text.substr(pos + 1, end - pos - 1);
        pos = end;
        break;
      }
      case '>':
        break;
      default:
        break;
    }
    ++pos;
  }
  std::string full = "^";
  for (const Param& p : sig->params_) full += StrCat("(", p.regex, ")");
  full += "$";
  sig->full_ = JsRegex::Compile(full, "");
  if (sig->full_ == nullptr) Fail("S0303", -1, StrCat("signature ", text));
  return sig;
}

std::vector<Value> Signature::Validate(const std::vector<Value>& args, const Value& context,
                                       const std::string& function_name, int position) const {
  std::string supplied;
  for (const Value& a : args) supplied.push_back(SymbolOf(a));
  // Matches `re` at the start of `supplied`; U1003 if that takes too long.
  auto match_start = [&](const JsRegex& re) {
    absl::StatusOr<std::optional<TextMatch>> m = SearchText(re, supplied);
    if (!m.ok()) Fail("U1003", position, StrCat(supplied.size(), " arguments of ", function_name));
    return *std::move(m);
  };
  std::optional<TextMatch> match = match_start(*full_);
  if (!match) {
    // Find the first argument the signature cannot take.
    std::string partial = "^";
    size_t good_to = 0;
    for (const Param& p : params_) {
      partial += StrCat("(", p.regex, ")");
      std::shared_ptr<const JsRegex> re = JsRegex::Compile(partial, "");
      std::optional<TextMatch> m = re == nullptr ? std::nullopt : match_start(*re);
      if (!m) break;
      good_to = m->text.size();
    }
    Fail("T0410", position, StrCat(good_to + 1, " of function ", function_name));
  }
  std::vector<Value> out;
  size_t arg_index = 0;
  for (size_t i = 0; i < params_.size(); ++i) {
    const Param& param = params_[i];
    std::string matched = match->groups[i].value_or("");
    if (matched.empty()) {
      if (param.context) {
        char ctx = SymbolOf(context);
        // context_regex is a parameter's `[...]` class: does it hold `ctx`?
        if (param.context_regex.find(ctx) == std::string::npos) {
          Fail("T0411", position, StrCat(arg_index + 1, " of function ", function_name));
        }
        out.push_back(context);
      } else {
        out.push_back(arg_index < args.size() ? args[arg_index] : Value());
        ++arg_index;
      }
      continue;
    }
    for (char single : matched) {
      Value arg = args[arg_index];
      if (param.type == 'a') {
        if (single == 'm') {
          arg = Value();
        } else {
          bool ok = true;
          if (!param.subtype.empty()) {
            if (single != 'a' && matched != param.subtype) {
              ok = false;
            } else if (single == 'a' && !arg.array().items.empty()) {
              char item_type = SymbolOf(arg.array().items[0]);
              if (item_type != param.subtype[0]) ok = false;
              for (const Value& item : arg.array().items) {
                if (SymbolOf(item) != item_type) ok = false;
              }
            }
          }
          if (!ok) Fail("T0412", position, StrCat(arg_index + 1, " of function ", function_name));
          if (single != 'a') {
            Value wrapped = Value::Of(NewArray());
            wrapped.array().items.push_back(arg);
            arg = wrapped;
          }
        }
      }
      out.push_back(arg);
      ++arg_index;
    }
  }
  return out;
}

}  // namespace stepwise::jsonata::internal
