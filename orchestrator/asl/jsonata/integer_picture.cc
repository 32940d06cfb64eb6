#include "orchestrator/asl/jsonata/integer_picture.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/integer_words.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {
namespace {

// The zero of every Unicode decimal digit family jsonata-js knows.
constexpr char32_t kDecimalGroups[] = {
    0x30,   0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6,
    0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0,
    0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
    0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}
std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// JavaScript's String#substr(start[, length]) on code points.
std::u32string Substr(const std::u32string& s, long start, long length = -1) {
  long size = static_cast<long>(s.size());
  if (start < 0) start = std::max(size + start, 0L);
  if (start >= size) return U"";
  if (length < 0) return s.substr(static_cast<size_t>(start));
  return s.substr(static_cast<size_t>(start), static_cast<size_t>(length));
}

// The repeat interval if the separators are one character at equal
// intervals, else 0 (jsonata-js's regularRepeat).
int RegularRepeat(const std::vector<GroupingSeparator>& separators) {
  if (separators.empty()) return 0;
  for (const GroupingSeparator& s : separators) {
    if (s.character != separators[0].character) return 0;
  }
  int factor = separators[0].position;
  for (const GroupingSeparator& s : separators) factor = std::gcd(factor, s.position);
  for (size_t index = 1; index <= separators.size(); ++index) {
    bool found = false;
    for (const GroupingSeparator& s : separators) {
      if (s.position == static_cast<int>(index) * factor) found = true;
    }
    if (!found) return 0;
  }
  return factor;
}

void AnalyseDigitPattern(const std::string& primary, IntegerFormat& format) {
  std::u32string codes = ToUtf32(primary);
  std::reverse(codes.begin(), codes.end());  // positions count from the right
  bool have_zero = false;
  char32_t zero = 0;
  int mandatory = 0, optional = 0, position = 0;
  std::vector<GroupingSeparator> separators;
  for (char32_t c : codes) {
    bool digit = false;
    for (char32_t group : kDecimalGroups) {
      if (c >= group && c <= group + 9) {
        digit = true;
        ++mandatory;
        ++position;
        if (!have_zero) {
          zero = group;
          have_zero = true;
        } else if (group != zero) {
          Fail("D3131", -1);
        }
        break;
      }
    }
    if (digit) continue;
    if (c == U'#') {
      ++position;
      ++optional;
    } else {
      separators.push_back({position, c});
    }
  }
  if (mandatory == 0) {
    // A numbering sequence ("implementation-defined"): jsonata-js has none.
    format.primary = IntegerPrimary::kSequence;
    format.token = primary;
    return;
  }
  format.primary = IntegerPrimary::kDecimal;
  format.zero_code = zero;
  format.mandatory_digits = mandatory;
  format.optional_digits = optional;
  int regular = RegularRepeat(separators);
  if (regular > 0) {
    format.regular = true;
    format.separators = {{regular, separators[0].character}};
  } else {
    format.separators = separators;
  }
}

std::string FormatDecimal(double value, const IntegerFormat& format) {
  std::u32string s = ToUtf32(NumberToString(value));
  int pad = format.mandatory_digits - static_cast<int>(s.size());
  if (pad > 0) s.insert(0, static_cast<size_t>(pad), U'0');
  if (format.zero_code != U'0') {
    for (char32_t& c : s) c = c + format.zero_code - U'0';
  }
  if (format.regular) {
    long interval = format.separators[0].position;
    long n = (static_cast<long>(s.size()) - 1) / interval;
    for (long ii = n; ii > 0; --ii) {
      long pos = static_cast<long>(s.size()) - ii * interval;
      s = Substr(s, 0, pos) + format.separators[0].character + Substr(s, pos);
    }
  } else {
    for (auto it = format.separators.rbegin(); it != format.separators.rend(); ++it) {
      long pos = static_cast<long>(s.size()) - it->position;
      s = (pos > 0 ? Substr(s, 0, pos) : U"") + it->character + Substr(s, pos);
    }
  }
  if (format.ordinal) {
    char32_t last = s.empty() ? 0 : s.back();
    std::u32string suffix = last == U'1'   ? U"st"
                            : last == U'2' ? U"nd"
                            : last == U'3' ? U"rd"
                                           : U"";
    if (suffix.empty() || (s.size() > 1 && s[s.size() - 2] == U'1')) suffix = U"th";
    s += suffix;
  }
  return FromUtf32(s);
}

}  // namespace

IntegerFormat AnalyseIntegerPicture(const std::string& picture) {
  IntegerFormat format;
  std::string primary = picture;
  size_t semicolon = picture.rfind(';');
  if (semicolon != std::string::npos) {
    primary = picture.substr(0, semicolon);
    if (picture.size() > semicolon + 1 && picture[semicolon + 1] == 'o') format.ordinal = true;
  }
  if (primary == "A" || primary == "a") {
    format.primary = IntegerPrimary::kLetters;
    format.letter_case = primary == "A" ? LetterCase::kUpper : LetterCase::kLower;
  } else if (primary == "I" || primary == "i") {
    format.primary = IntegerPrimary::kRoman;
    format.letter_case = primary == "I" ? LetterCase::kUpper : LetterCase::kLower;
  } else if (primary == "W" || primary == "Ww" || primary == "w") {
    format.primary = IntegerPrimary::kWords;
    format.letter_case = primary == "W"    ? LetterCase::kUpper
                         : primary == "Ww" ? LetterCase::kTitle
                                           : LetterCase::kLower;
  } else {
    AnalyseDigitPattern(primary, format);
  }
  return format;
}

std::string FormatInteger(double value, const IntegerFormat& format) {
  bool negative = value < 0;
  value = std::fabs(value);
  std::string out;
  bool upper = format.letter_case == LetterCase::kUpper;
  switch (format.primary) {
    case IntegerPrimary::kLetters:
      out = DecimalToLetters(value, upper ? 'A' : 'a');
      break;
    case IntegerPrimary::kRoman:
      out = DecimalToRoman(value);
      if (upper) out = Upper(out);
      break;
    case IntegerPrimary::kWords:
      out = NumberToWords(value, format.ordinal);
      if (upper) out = Upper(out);
      if (format.letter_case == LetterCase::kLower) out = Lower(out);
      break;
    case IntegerPrimary::kDecimal:
      out = FormatDecimal(value, format);
      break;
    case IntegerPrimary::kSequence:
      Fail("D3130", -1, format.token);
  }
  return negative ? "-" + out : out;
}

double JsParseInt(const std::string& s) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  int base = 10;
  if (i + 1 < s.size() && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
    base = 16;
    i += 2;
  }
  size_t start = i;
  while (i < s.size() && (base == 16 ? std::isxdigit(static_cast<unsigned char>(s[i]))
                                     : std::isdigit(static_cast<unsigned char>(s[i])))) {
    ++i;
  }
  if (i == start) return std::nan("");
  std::string digits = s.substr(start, i - start);
  double v = base == 16 ? static_cast<double>(std::strtoull(digits.c_str(), nullptr, 16))
                        : std::strtod(digits.c_str(), nullptr);
  return negative ? -v : v;
}

IntegerMatcher IntegerMatcherFor(const IntegerFormat& format) {
  IntegerMatcher m;
  bool upper = format.letter_case == LetterCase::kUpper;
  switch (format.primary) {
    case IntegerPrimary::kLetters:
      m.regex = upper ? "[A-Z]+" : "[a-z]+";
      m.parse = [upper](const std::string& v) {
        return LettersToDecimal(ToUtf32(v), upper ? 'A' : 'a');
      };
      break;
    case IntegerPrimary::kRoman:
      m.regex = upper ? "[MDCLXVI]+" : "[mdclxvi]+";
      m.parse = [upper](const std::string& v) { return RomanToDecimal(upper ? v : Upper(v)); };
      break;
    case IntegerPrimary::kWords:
      m.regex = WordsRegex();
      m.parse = [](const std::string& v) { return WordsToNumber(Lower(v)); };
      break;
    case IntegerPrimary::kDecimal: {
      m.regex = "[0-9]";
      m.regex += format.parse_width > 0 ? "{" + std::to_string(format.parse_width) + "}" : "+";
      if (format.ordinal) m.regex += "(?:th|st|nd|rd)";
      m.parse = [format](const std::string& value) {
        std::u32string digits = ToUtf32(value);
        if (format.ordinal) digits = digits.substr(0, digits.size() >= 2 ? digits.size() - 2 : 0);
        // jsonata-js strips ',' for any regular grouping, whatever its character.
        std::vector<char32_t> strip;
        if (format.regular) {
          strip.push_back(U',');
        } else {
          for (const GroupingSeparator& s : format.separators) strip.push_back(s.character);
        }
        std::u32string kept;
        for (char32_t c : digits) {
          if (std::find(strip.begin(), strip.end(), c) != strip.end()) continue;
          if (format.zero_code != U'0' && c >= format.zero_code) c = c - format.zero_code + U'0';
          kept.push_back(c);
        }
        return JsParseInt(FromUtf32(kept));
      };
      break;
    }
    case IntegerPrimary::kSequence:
      Fail("D3130", -1, format.token);
  }
  return m;
}

}  // namespace stepwise::jsonata::internal
