// The non-decimal integer representations of jsonata-js's format-integer:
// English words, roman numerals and spreadsheet-style letters, both ways.
// Used by integer_picture.cc only.
//
//   NumberToWords(21, /*ordinal=*/true);  // "Twenty-First"
//   WordsToNumber("twenty-first");        // 21
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_WORDS_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_WORDS_H_

#include <string>

namespace stepwise::jsonata::internal {

// Title-case English words for a non-negative integer ("One Hundred and One").
std::string NumberToWords(double value, bool ordinal);
// Lower-case words back to a number; NaN if a word is unknown.
double WordsToNumber(const std::string& lower_words);
// The regex alternation of every known word (jsonata-js's order), for parsing.
const std::string& WordsRegex();

// Lower-case roman numerals; throws U1002 for values too large to write.
std::string DecimalToRoman(double value);
// Upper-case numerals to a number; NaN for any other character.
double RomanToDecimal(const std::string& upper_roman);

// 1 -> "a", 26 -> "z", 27 -> "aa" (relative to `a_char`, 'a' or 'A').
std::string DecimalToLetters(double value, char a_char);
double LettersToDecimal(const std::u32string& letters, char a_char);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_INTEGER_WORDS_H_
