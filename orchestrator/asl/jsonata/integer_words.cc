#include "orchestrator/asl/jsonata/integer_words.h"

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {
namespace {

const char* const kFew[] = {"Zero",    "One",     "Two",       "Three",    "Four",
                            "Five",    "Six",     "Seven",     "Eight",    "Nine",
                            "Ten",     "Eleven",  "Twelve",    "Thirteen", "Fourteen",
                            "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
const char* const kOrdinals[] = {
    "Zeroth",     "First",     "Second",    "Third",       "Fourth",     "Fifth",     "Sixth",
    "Seventh",    "Eighth",    "Ninth",     "Tenth",       "Eleventh",   "Twelfth",   "Thirteenth",
    "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth"};
const char* const kDecades[] = {"Twenty",  "Thirty", "Forty",  "Fifty",  "Sixty",
                                "Seventy", "Eighty", "Ninety", "Hundred"};
const char* const kMagnitudes[] = {"Thousand", "Million", "Billion", "Trillion"};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// jsonata-js's wordValues, in its insertion order (the parse regex's order).
const std::vector<std::pair<std::string, double>>& WordValues() {
  static const auto* values = [] {
    auto* v = new std::vector<std::pair<std::string, double>>;
    auto add = [v](const std::string& word, double value) {
      for (auto& [w, val] : *v) {
        if (w == word) {
          val = value;
          return;
        }
      }
      v->emplace_back(word, value);
    };
    for (int i = 0; i < 20; ++i) add(Lower(kFew[i]), i);
    for (int i = 0; i < 20; ++i) add(Lower(kOrdinals[i]), i);
    for (int i = 0; i < 9; ++i) {
      std::string w = Lower(kDecades[i]);
      add(w, (i + 2) * 10);
      add(w.substr(0, w.size() - 1) + "ieth", (i + 2) * 10);
    }
    add("hundredth", 100);
    for (int i = 0; i < 4; ++i) {
      std::string w = Lower(kMagnitudes[i]);
      add(w, std::pow(10, (i + 1) * 3));
      add(w + "th", std::pow(10, (i + 1) * 3));
    }
    return v;
  }();
  return *values;
}

std::string Lookup(double num, bool prev, bool ord) {
  std::string words;
  if (num <= 19) {
    int n = static_cast<int>(num);
    words = std::string(prev ? " and " : "") + (ord ? kOrdinals[n] : kFew[n]);
  } else if (num < 100) {
    int tens = static_cast<int>(num / 10);
    double remainder = std::fmod(num, 10);
    words = std::string(prev ? " and " : "") + kDecades[tens - 2];
    if (remainder > 0) {
      words += "-" + Lookup(remainder, false, ord);
    } else if (ord) {
      words = words.substr(0, words.size() - 1) + "ieth";
    }
  } else if (num < 1000) {
    int hundreds = static_cast<int>(num / 100);
    double remainder = std::fmod(num, 100);
    words = std::string(prev ? ", " : "") + kFew[hundreds] + " Hundred";
    if (remainder > 0) {
      words += Lookup(remainder, true, ord);
    } else if (ord) {
      words += "th";
    }
  } else {
    int mag = static_cast<int>(std::floor(std::log10(num) / 3));
    if (mag > 4) mag = 4;
    double factor = std::pow(10, mag * 3);
    double mant = std::floor(num / factor);
    double remainder = num - mant * factor;
    words = std::string(prev ? ", " : "") + Lookup(mant, false, false) + " " + kMagnitudes[mag - 1];
    if (remainder > 0) {
      words += Lookup(remainder, true, ord);
    } else if (ord) {
      words += "th";
    }
  }
  return words;
}

}  // namespace

std::string NumberToWords(double value, bool ordinal) {
  // jsonata-js recurses until the JavaScript stack overflows on NaN.
  if (!std::isfinite(value)) Fail("U1001", -1);
  return Lookup(value, false, ordinal);
}

double WordsToNumber(const std::string& text) {
  // text.split(/,\s|\sand\s|[\s\\-]/)
  auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::vector<std::string> parts(1);
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (c == ',' && i + 1 < text.size() && is_space(text[i + 1])) {
      parts.emplace_back();
      i += 2;
    } else if (is_space(c) && text.compare(i + 1, 3, "and") == 0 && i + 4 < text.size() &&
               is_space(text[i + 4])) {
      parts.emplace_back();
      i += 5;
    } else if (is_space(c) || c == '\\' || c == '-') {
      parts.emplace_back();
      i += 1;
    } else {
      parts.back().push_back(c);
      i += 1;
    }
  }
  std::vector<double> segs{0};
  for (const std::string& part : parts) {
    double value = std::nan("");
    for (const auto& [w, v] : WordValues()) {
      if (w == part) value = v;
    }
    if (value < 100) {
      double top = segs.back();
      segs.pop_back();
      if (top >= 1000) {
        segs.push_back(top);
        top = 0;
      }
      segs.push_back(top + value);
    } else {
      segs.back() *= value;
    }
  }
  double result = 0;
  for (double s : segs) result += s;
  return result;
}

const std::string& WordsRegex() {
  static const std::string* regex = [] {
    std::string r = "(?:";
    for (const auto& [w, v] : WordValues()) r += w + "|";
    r += "and|[\\-, ])+";
    return new std::string(r);
  }();
  return *regex;
}

std::string DecimalToRoman(double value) {
  static const std::pair<int, const char*> kNumerals[] = {
      {1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"},
      {40, "xl"},  {10, "x"},   {9, "ix"},  {5, "v"},    {4, "iv"},  {1, "i"}};
  // JavaScript runs out of stack (and string length) long before this.
  if (value > 1e7) Fail("U1002", -1, "roman numeral");
  std::string out;
  for (const auto& [n, s] : kNumerals) {
    while (value >= n) {
      out += s;
      value -= n;
    }
  }
  return out;
}

double RomanToDecimal(const std::string& roman) {
  static const std::map<char, double> kValues = {{'M', 1000}, {'D', 500}, {'C', 100}, {'L', 50},
                                                 {'X', 10},   {'V', 5},   {'I', 1}};
  double decimal = 0, max = 1;
  for (size_t i = roman.size(); i-- > 0;) {
    auto it = kValues.find(roman[i]);
    double value = it == kValues.end() ? std::nan("") : it->second;
    if (value < max) {
      decimal -= value;
    } else {
      max = value;
      decimal += value;
    }
  }
  return decimal;
}

std::string DecimalToLetters(double value, char a_char) {
  std::string letters;
  while (value > 0) {
    letters.insert(letters.begin(), static_cast<char>(std::fmod(value - 1, 26) + a_char));
    value = std::floor((value - 1) / 26);
  }
  return letters;
}

double LettersToDecimal(const std::u32string& letters, char a_char) {
  double decimal = 0;
  for (size_t i = 0; i < letters.size(); ++i) {
    decimal += (static_cast<double>(letters[letters.size() - i - 1]) - a_char + 1) *
               std::pow(26, static_cast<double>(i));
  }
  return decimal;
}

}  // namespace stepwise::jsonata::internal
