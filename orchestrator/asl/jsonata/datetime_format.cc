// FormatDateTime: jsonata-js's formatDateTime (XPath format-dateTime).
#include <cctype>
#include <cmath>

#include "orchestrator/asl/jsonata/datetime_picture.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {
namespace {

std::string ChangeCase(std::string s, bool upper) {
  for (char& c : s) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c))
                                : std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

std::string FormatName(const DateTimePart& part, double value) {
  std::string name;
  int index = std::isnan(value) ? -1 : static_cast<int>(value);
  if (part.component == 'M' || part.component == 'x') {
    if (index < 1 || index > 12) return "undefined";
    name = kMonthNames[index - 1];
  } else if (part.component == 'F') {
    if (index < 0 || index > 7) return "undefined";
    name = kDayNames[index];
  } else {
    Fail("D3133", -1, std::string(1, part.component));
  }
  if (part.names == LetterCase::kUpper) name = ChangeCase(name, true);
  if (part.names == LetterCase::kLower) name = ChangeCase(name, false);
  if (part.max_width && static_cast<double>(name.size()) > *part.max_width) {
    // JavaScript's substring(0, n): a negative n takes nothing.
    name = *part.max_width < 0 ? "" : name.substr(0, static_cast<size_t>(*part.max_width));
  }
  return name;
}

std::string FormatTimezone(const DateTimePart& part, double offset_hours, double offset_minutes) {
  double offset = offset_hours * 100 + offset_minutes;
  const IntegerFormat& f = part.integer_format;
  std::string out;
  if (f.regular) {
    out = FormatInteger(offset, f);
  } else {
    int digits = f.mandatory_digits;
    if (digits == 1 || digits == 2) {
      out = FormatInteger(offset_hours, f);
      if (offset_minutes != 0) {
        out += ":" + FormatInteger(std::floor(offset_minutes), AnalyseIntegerPicture("00"));
      }
    } else if (digits == 3 || digits == 4) {
      out = FormatInteger(offset, f);
    } else {
      Fail("D3134", -1, std::to_string(digits));
    }
  }
  if (offset >= 0) out = "+" + out;
  if (part.component == 'z') out = "GMT" + out;
  if (offset == 0 && part.presentation2 == "t") out = "Z";
  return out;
}

std::string FormatComponent(const DateTimePart& part, const CivilTime& t, double millis,
                            double offset_hours, double offset_minutes) {
  char c = part.component;
  if (c != 0 && std::string("YMDdFWwXxHhms").find(c) != std::string::npos) {
    double value = DateTimeFragment(t, millis, c);
    if (c == 'Y' && part.year_digits != -1)
      value = std::fmod(value, std::pow(10, part.year_digits));
    if (part.has_names) return FormatName(part, value);
    return FormatInteger(value, part.integer_format);
  }
  if (c == 'f') {
    // jsonata-js fails with a TypeError for a named 'f'.
    if (!part.has_integer_format) Fail("D3133", -1, "f");
    return FormatInteger(DateTimeFragment(t, millis, c), part.integer_format);
  }
  if (c == 'Z' || c == 'z') return FormatTimezone(part, offset_hours, offset_minutes);
  if (c == 'P') {
    std::string marker = t.hours >= 12 ? "pm" : "am";
    return part.has_names && part.names == LetterCase::kUpper ? ChangeCase(marker, true) : marker;
  }
  if (c == 'C' || c == 'E') return "ISO";
  return "undefined";  // an unknown component with an explicit presentation
}

}  // namespace

std::string FormatDateTime(double millis, const std::optional<std::string>& picture,
                           const std::optional<std::string>& timezone) {
  double offset_hours = 0, offset_minutes = 0;
  if (timezone) {
    double offset = JsParseInt(*timezone);
    offset_hours = std::floor(offset / 100);
    offset_minutes = std::fmod(offset, 100);
  }
  static const std::vector<DateTimePart>* iso8601 = new std::vector<DateTimePart>(
      AnalyseDateTimePicture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]"));
  std::vector<DateTimePart> analysed;
  if (picture) analysed = AnalyseDateTimePicture(*picture);
  const std::vector<DateTimePart>& spec = picture ? analysed : *iso8601;
  double local = millis + (60 * offset_hours + offset_minutes) * 60 * 1000;
  CivilTime t = ToCivil(local);
  std::string result;
  for (const DateTimePart& part : spec) {
    result +=
        part.literal ? part.value : FormatComponent(part, t, local, offset_hours, offset_minutes);
  }
  return result;
}

}  // namespace stepwise::jsonata::internal
