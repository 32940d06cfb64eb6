#include "orchestrator/asl/jsonata/js_pattern.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cstdint>
#include <map>
#include <unordered_map>
#include <vector>

#include "orchestrator/asl/jsonata/unicode_case.h"

namespace stepwise::jsonata::internal {
namespace {

constexpr size_t kUnits = 0x10000;
using UnitSet = std::bitset<kUnits>;

bool IsAsciiAlnum(char16_t c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool IsLineTerminator(size_t c) { return c == '\n' || c == '\r' || c == 0x2028 || c == 0x2029; }
// JavaScript's WhiteSpace and LineTerminator (`\s`).
bool IsJsSpace(size_t c) {
  return (c >= '\t' && c <= '\r') || c == ' ' || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}
bool IsHex(char16_t c) { return IsAsciiAlnum(c) && (c <= '9' || (c | 0x20) <= 'f'); }
int HexValue(char16_t c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

// The set of a class escape (\d \D \w \W \s \S): ASCII-only but for \s.
UnitSet ClassEscapeSet(char16_t e) {
  UnitSet s;
  for (size_t c = 0; c < kUnits; ++c) {
    char16_t lower = static_cast<char16_t>(e | 0x20);
    if (lower == 'd') s[c] = c >= '0' && c <= '9';
    if (lower == 'w') s[c] = c < 0x80 && (IsAsciiAlnum(static_cast<char16_t>(c)) || c == '_');
    if (lower == 's') s[c] = IsJsSpace(c);
  }
  return e >= 'A' && e <= 'Z' ? ~s : s;
}

const UnitSet& DotSet() {
  static const UnitSet* dot = [] {
    auto* s = new UnitSet;
    for (size_t c = 0; c < kUnits; ++c) (*s)[c] = !IsLineTerminator(c);
    return s;
  }();
  return *dot;
}

// JavaScript's Canonicalize for a non-unicode ignoreCase RegExp: the code
// unit's toUpperCase, unless that is not one unit or would turn a
// non-ASCII character into an ASCII one ("ſ" stays "ſ", so /s/i does not
// match it). Two units match under `i` iff their canonical forms agree.
const std::array<char16_t, kUnits>& Canonical() {
  static const auto* table = [] {
    auto* t = new std::array<char16_t, kUnits>;
    for (size_t c = 0; c < kUnits; ++c) {
      char32_t upper = (c >= 0xD800 && c < 0xE000) ? c : ToUpperSingle(static_cast<char32_t>(c));
      bool keep = upper > 0xFFFF || (c >= 0x80 && upper < 0x80);
      (*t)[c] = static_cast<char16_t>(keep ? c : upper);
    }
    return t;
  }();
  return *table;
}

// The units sharing each canonical form, for forms shared by several.
const std::unordered_map<char16_t, std::vector<char16_t>>& CaseGroups() {
  static const auto* groups = [] {
    auto* g = new std::unordered_map<char16_t, std::vector<char16_t>>;
    const auto& canonical = Canonical();
    for (size_t c = 0; c < kUnits; ++c) (*g)[canonical[c]].push_back(static_cast<char16_t>(c));
    for (auto it = g->begin(); it != g->end();) it = it->second.size() > 1 ? ++it : g->erase(it);
    return g;
  }();
  return *groups;
}

// `s` plus every unit that matches one of its units under `i`.
UnitSet CaseClosure(const UnitSet& s) {
  const auto& canonical = Canonical();
  const auto& groups = CaseGroups();
  UnitSet out = s;
  for (size_t c = 0; c < kUnits; ++c) {
    if (!s[c]) continue;
    auto it = groups.find(canonical[c]);
    if (it != groups.end()) {
      for (char16_t member : it->second) out[member] = true;
    }
  }
  return out;
}

void AppendUnit(std::u16string& out, size_t c) {
  if (IsAsciiAlnum(static_cast<char16_t>(c))) {
    out.push_back(static_cast<char16_t>(c));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  out += u"\\x{";
  bool digits = false;
  for (int shift = 12; shift >= 0; shift -= 4) {
    size_t digit = (c >> shift) & 0xF;
    if (digit != 0 || digits || shift == 0) out.push_back(static_cast<char16_t>(kHex[digit]));
    digits = digits || digit != 0;
  }
  out.push_back(u'}');
}

// A PCRE2 class of exactly the units in `s` (an always-failing assertion if
// there are none, as JavaScript's `[]`).
void AppendSet(std::u16string& out, const UnitSet& s) {
  if (s.none()) {
    out += u"(?!)";
    return;
  }
  out.push_back(u'[');
  for (size_t c = 0; c < kUnits; ++c) {
    if (!s[c]) continue;
    size_t last = c;
    while (last + 1 < kUnits && s[last + 1]) ++last;
    AppendUnit(out, c);
    if (last > c + 1) out.push_back(u'-');
    if (last > c) AppendUnit(out, last);
    c = last;
  }
  out.push_back(u']');
}

class Translator {
 public:
  Translator(std::u16string_view p, std::string_view flags)
      : p_(p),
        ignore_case_(flags.find('i') != std::string_view::npos),
        multiline_(flags.find('m') != std::string_view::npos) {}

  std::optional<std::u16string> Run() {
    if (!ScanGroups()) return std::nullopt;
    enum class Kind { kGroup, kLookahead, kLookbehind };
    std::vector<Kind> open;
    while (pos_ < p_.size()) {
      char16_t c = p_[pos_];
      if (c == '|') {
        out_.push_back(u'|');
        ++pos_;
        prev_ = Prev::kNone;
      } else if (c == '(') {
        Kind kind = Kind::kGroup;
        if (At(u"(?:") || At(u"(?=") || At(u"(?!")) {
          kind = p_[pos_ + 2] == ':' ? Kind::kGroup : Kind::kLookahead;
          out_ += p_.substr(pos_, 3);
          pos_ += 3;
        } else if (At(u"(?<=") || At(u"(?<!")) {
          kind = Kind::kLookbehind;
          out_ += p_.substr(pos_, 4);
          pos_ += 4;
        } else if (At(u"(?<")) {
          out_.push_back(u'(');
          pos_ = p_.find(u'>', pos_) + 1;  // ScanGroups checked the name
        } else if (At(u"(?")) {
          return std::nullopt;
        } else {
          out_.push_back(u'(');
          ++pos_;
        }
        open.push_back(kind);
        prev_ = Prev::kNone;
      } else if (c == ')') {
        if (open.empty()) return std::nullopt;
        // Annex B lets a lookahead be quantified, not a lookbehind.
        prev_ = open.back() == Kind::kLookbehind ? Prev::kAssertion : Prev::kAtom;
        open.pop_back();
        out_.push_back(u')');
        ++pos_;
      } else if (c == '^' || c == '$') {
        if (multiline_) {
          out_ += c == '^' ? u"(?<!" : u"(?!";
          AppendSet(out_, ~LineTerminators());
          out_.push_back(u')');
        } else {
          out_ += c == '^' ? u"^" : u"\\z";
        }
        ++pos_;
        prev_ = Prev::kAssertion;
      } else if (c == '.') {
        AppendSet(out_, DotSet());
        ++pos_;
        prev_ = Prev::kAtom;
      } else if (c == '[') {
        if (!Class()) return std::nullopt;
        prev_ = Prev::kAtom;
      } else if (c == '*' || c == '+' || c == '?' || (c == '{' && BraceQuantifierEnd() > 0)) {
        if (!Quantifier()) return std::nullopt;
      } else if (c == '\\') {
        if (!AtomEscape()) return std::nullopt;
      } else {
        Literal(c);
        ++pos_;
      }
    }
    if (!open.empty()) return std::nullopt;
    return std::move(out_);
  }

 private:
  enum class Prev { kNone, kAtom, kAssertion };

  bool At(std::u16string_view s) const { return p_.substr(pos_, s.size()) == s; }

  static UnitSet LineTerminators() { return ~DotSet(); }

  // Pass 1: counts the capturing groups (a `\N` is a back-reference only if
  // N <= count) and numbers the named ones.
  bool ScanGroups() {
    bool in_class = false;
    for (size_t i = 0; i < p_.size(); ++i) {
      char16_t c = p_[i];
      if (c == '\\') {
        ++i;
      } else if (in_class) {
        in_class = c != ']';
      } else if (c == '[') {
        in_class = true;
      } else if (c == '(' && p_.substr(i, 2) != u"(?") {
        ++groups_;
      } else if (c == '(' && p_.substr(i, 3) == u"(?<" && i + 3 < p_.size() && p_[i + 3] != '=' &&
                 p_[i + 3] != '!') {
        size_t close = p_.find(u'>', i + 3);
        if (close == std::u16string_view::npos) return false;
        std::u16string name(p_.substr(i + 3, close - i - 3));
        if (!ValidName(name) || !names_.emplace(name, ++groups_).second) return false;
      }
    }
    return true;
  }

  static bool ValidName(const std::u16string& name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
    for (char16_t c : name) {
      if (c < 0x80 && !IsAsciiAlnum(c) && c != '_' && c != '$') return false;
    }
    return true;
  }

  void Literal(char16_t c) {
    if (ignore_case_) {
      auto it = CaseGroups().find(Canonical()[c]);
      if (it != CaseGroups().end()) {
        UnitSet s;
        for (char16_t member : it->second) s[member] = true;
        AppendSet(out_, s);
        prev_ = Prev::kAtom;
        return;
      }
    }
    AppendUnit(out_, c);
    prev_ = Prev::kAtom;
  }

  // The end of a `{n}`, `{n,}` or `{n,m}` at pos_, or 0 if there is none
  // there (Annex B: then `{` is a literal).
  size_t BraceQuantifierEnd() const {
    size_t i = pos_ + 1;
    auto digits = [&] {
      size_t start = i;
      while (i < p_.size() && p_[i] >= '0' && p_[i] <= '9') ++i;
      return i > start;
    };
    if (!digits()) return 0;
    if (i < p_.size() && p_[i] == ',') {
      ++i;
      digits();
    }
    return i < p_.size() && p_[i] == '}' ? i + 1 : 0;
  }

  bool Quantifier() {
    if (prev_ != Prev::kAtom) return false;  // nothing to repeat
    if (p_[pos_] == '{') {
      size_t end = BraceQuantifierEnd();
      std::u16string_view text = p_.substr(pos_, end - pos_);
      size_t comma = text.find(u',');
      auto number = [](std::u16string_view d) {
        uint64_t v = 0;
        for (char16_t c : d) v = std::min<uint64_t>(v * 10 + (c - '0'), 1u << 30);
        return v;
      };
      if (comma != std::u16string_view::npos && comma + 2 < text.size() &&
          number(text.substr(1, comma - 1)) >
              number(text.substr(comma + 1, text.size() - comma - 2))) {
        return false;  // numbers out of order
      }
      out_ += text;
      pos_ = end;
    } else {
      out_.push_back(p_[pos_++]);
    }
    if (pos_ < p_.size() && p_[pos_] == '?') out_.push_back(p_[pos_++]);  // lazy
    prev_ = Prev::kNone;
    return true;
  }

  void BackReference(int group) {
    // Under `i` PCRE2 compares a back-reference with its own (ASCII) folding.
    out_ += ignore_case_ ? u"(?i:\\g{" : u"(?:\\g{";
    for (char c : std::to_string(group)) out_.push_back(static_cast<char16_t>(c));
    out_ += u"})";
    prev_ = Prev::kAtom;
  }

  // `\` outside a class.
  bool AtomEscape() {
    if (pos_ + 1 >= p_.size()) return false;  // `\` at end of pattern
    char16_t e = p_[pos_ + 1];
    if (e == 'b' || e == 'B') {
      out_ += e == 'b' ? u"\\b" : u"\\B";  // ASCII word characters, as JavaScript's
      pos_ += 2;
      prev_ = Prev::kAssertion;
    } else if (std::u16string_view(u"dDwWsS").find(e) != std::u16string_view::npos) {
      AppendSet(out_, ClassEscapeSet(e));
      pos_ += 2;
      prev_ = Prev::kAtom;
    } else if (e == 'k' && !names_.empty()) {
      size_t close = p_.find(u'>', pos_);
      if (pos_ + 2 >= p_.size() || p_[pos_ + 2] != '<' || close == std::u16string_view::npos) {
        return false;
      }
      auto it = names_.find(std::u16string(p_.substr(pos_ + 3, close - pos_ - 3)));
      if (it == names_.end()) return false;
      BackReference(it->second);
      pos_ = close + 1;
    } else if (e >= '1' && e <= '9') {
      size_t end = pos_ + 1;
      uint64_t n = 0;
      while (end < p_.size() && p_[end] >= '0' && p_[end] <= '9') {
        n = std::min<uint64_t>(n * 10 + (p_[end++] - '0'), 1u << 30);
      }
      if (n <= static_cast<uint64_t>(groups_)) {
        BackReference(static_cast<int>(n));
        pos_ = end;
      } else {
        ++pos_;
        Literal(CharacterEscape(/*in_class=*/false));
      }
    } else {
      ++pos_;
      Literal(CharacterEscape(/*in_class=*/false));
    }
    return true;
  }

  // The unit of the escape whose letter is at pos_ (just past the `\`),
  // advancing past it: control escapes, \cX, \xHH, \uHHHH, legacy octal,
  // otherwise the character itself (Annex B identity escapes). `\c` without
  // a control letter is a backslash, and the `c` is read next.
  char16_t CharacterEscape(bool in_class) {
    char16_t e = p_[pos_++];
    switch (e) {
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'v':
        return '\v';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case 'c':
        if (pos_ < p_.size() && (IsAsciiAlnum(p_[pos_]) || p_[pos_] == '_') &&
            (in_class || !(p_[pos_] <= '9' || p_[pos_] == '_'))) {
          return p_[pos_++] % 32;
        }
        --pos_;
        return '\\';
      case 'x':
      case 'u': {
        size_t digits = e == 'x' ? 2 : 4;
        if (pos_ + digits > p_.size()) return e;
        char16_t v = 0;
        for (size_t k = 0; k < digits; ++k) {
          if (!IsHex(p_[pos_ + k])) return e;
          v = static_cast<char16_t>(v * 16 + HexValue(p_[pos_ + k]));
        }
        pos_ += digits;
        return v;
      }
      default:
        break;
    }
    if (e >= '0' && e <= '7') {  // legacy octal: up to \377
      char16_t v = e - '0';
      size_t more = e <= '3' ? 2 : 1;
      for (; more > 0 && pos_ < p_.size() && p_[pos_] >= '0' && p_[pos_] <= '7'; --more) {
        v = static_cast<char16_t>(v * 8 + (p_[pos_++] - '0'));
      }
      return v;
    }
    return e;
  }

  // One class atom at pos_: a unit, or a class escape's set.
  bool ClassAtom(UnitSet& set, std::optional<char16_t>& unit) {
    unit.reset();
    if (p_[pos_] != '\\') {
      unit = p_[pos_++];
      return true;
    }
    if (pos_ + 1 >= p_.size()) return false;
    char16_t e = p_[pos_ + 1];
    if (std::u16string_view(u"dDwWsS").find(e) != std::u16string_view::npos) {
      set |= ClassEscapeSet(e);
      pos_ += 2;
    } else if (e == 'b') {
      unit = '\b';
      pos_ += 2;
    } else {
      ++pos_;
      unit = CharacterEscape(/*in_class=*/true);
    }
    return true;
  }

  bool Class() {
    ++pos_;
    bool negate = pos_ < p_.size() && p_[pos_] == '^';
    if (negate) ++pos_;
    UnitSet set;
    while (true) {
      if (pos_ >= p_.size()) return false;
      if (p_[pos_] == ']') break;
      std::optional<char16_t> from, to;
      if (!ClassAtom(set, from)) return false;
      if (pos_ + 1 < p_.size() && p_[pos_] == '-' && p_[pos_ + 1] != ']') {
        ++pos_;
        if (!ClassAtom(set, to)) return false;
        if (from && to) {
          if (*from > *to) return false;  // range out of order
          for (size_t c = *from; c <= *to; ++c) set[c] = true;
          continue;
        }
        set['-'] = true;  // Annex B: a class escape makes the `-` literal
        if (to) set[*to] = true;
      }
      if (from) set[*from] = true;
    }
    ++pos_;
    if (ignore_case_) set = CaseClosure(set);
    AppendSet(out_, negate ? ~set : set);
    return true;
  }

  std::u16string_view p_;
  bool ignore_case_, multiline_;
  size_t pos_ = 0;
  int groups_ = 0;
  std::map<std::u16string, int> names_;
  Prev prev_ = Prev::kNone;
  std::u16string out_;
};

}  // namespace

std::optional<std::u16string> TranslateJsPattern(std::u16string_view pattern,
                                                 std::string_view flags) {
  return Translator(pattern, flags).Run();
}

}  // namespace stepwise::jsonata::internal
