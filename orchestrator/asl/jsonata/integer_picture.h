// XPath fn:format-integer pictures as jsonata-js implements them (its
// datetime.js): decimal digit patterns with grouping separators ("#,##0",
// any Unicode decimal digit family), words ("w", "W", "Ww"), roman numerals
// ("i", "I"), letters ("a", "A"), and the ordinal modifier (";o"). Used by
// $formatInteger/$parseInteger and by the date/time pictures.
//
//   IntegerFormat f = AnalyseIntegerPicture("#,##0;o");
//   std::string s = FormatInteger(1234, f);       // "1,234th"
//   IntegerMatcher m = IntegerMatcherFor(f);      // regex "[0-9]+(?:th|st|nd|rd)"
//   double v = m.parse("1,234th");                // 1234
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_PICTURE_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_PICTURE_H_

#include <functional>
#include <string>
#include <vector>

namespace stepwise::jsonata::internal {

enum class IntegerPrimary { kDecimal, kLetters, kRoman, kWords, kSequence };
enum class LetterCase { kUpper, kLower, kTitle };

struct GroupingSeparator {
  int position = 0;  // digits to its right
  char32_t character = ',';
};

struct IntegerFormat {
  IntegerPrimary primary = IntegerPrimary::kDecimal;
  LetterCase letter_case = LetterCase::kLower;
  bool ordinal = false;
  char32_t zero_code = U'0';  // the digit family
  int mandatory_digits = 0;
  int optional_digits = 0;
  // Regular grouping: `separators` holds one entry whose position is the
  // repeat interval. Otherwise the separators, rightmost first.
  bool regular = false;
  std::vector<GroupingSeparator> separators;
  int parse_width = 0;  // >0: parse exactly this many digits (adjacent date markers)
  std::string token;    // kSequence: the unsupported picture
};

// Analyses a picture ("primary[;modifier]"). Throws D3131 when a digit
// pattern mixes digit families.
IntegerFormat AnalyseIntegerPicture(const std::string& picture);

// Formats floor(value) (the caller floors); throws D3130 for a sequence.
std::string FormatInteger(double value, const IntegerFormat& format);

// The regex (ECMAScript syntax) matching a formatted integer, and its
// parser. parse() applies jsonata-js's lenient conversions: unknown words
// or numerals give NaN. Throws D3130 for a sequence.
struct IntegerMatcher {
  std::string regex;
  std::function<double(const std::string&)> parse;
};
IntegerMatcher IntegerMatcherFor(const IntegerFormat& format);

// JavaScript's parseInt(s) (radix 10, or 16 after "0x"); NaN if no digits.
double JsParseInt(const std::string& s);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_PICTURE_H_
