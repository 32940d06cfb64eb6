// XPath/XQuery date/time picture strings as jsonata-js implements them
// (format-dateTime, §9.8 of XPath F&O 3.1): $fromMillis/$now with a picture
// and timezone, $toMillis with a picture. Literal text, `[[`/`]]`, and
// variable markers [<component><presentation>[,<width>]]: Y M D d F W w X x
// H h P m s f Z z C E; names (MNn, FNn, Pn), integer pictures (Y0001, D1o,
// Mi), widths (MNn,3-3), timezones (Z01:01, Z0, z, Z01:01t).
//
//   FormatDateTime(1521801216617, "[D1o] [MNn] [Y]", "-0500");  // "23rd March 2018"
//   ParseDateTime("2018-03-23", "[Y]-[M]-[D]", now);            // 1521763200000
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_DATETIME_PICTURE_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_DATETIME_PICTURE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/integer_picture.h"

namespace stepwise::jsonata::internal {

// English names, as jsonata's datetime.js uses for [FNn] and [MNn]: days
// indexed 1 (Monday) to 7 (Sunday) with [0] empty, months 0 (January) to 11.
extern const char* const kDayNames[8];
extern const char* const kMonthNames[12];

struct DateTimePart {
  bool literal = false;
  std::string value;  // literal text
  char component = 0;
  std::string presentation1, presentation2;
  bool has_width = false;
  std::optional<double> min_width, max_width;  // NaN for an unparsable width, as parseInt
  LetterCase names = LetterCase::kLower;
  bool has_names = false;
  bool has_integer_format = false;
  IntegerFormat integer_format;
  double year_digits = -1;  // Y: keep the last n digits (-1: all)
};

// Throws D3135 (no closing ']'), D3132 (unknown component), D3131.
std::vector<DateTimePart> AnalyseDateTimePicture(const std::string& picture);

// $fromMillis: `picture` absent means ISO 8601 with milliseconds;
// `timezone` is "±hhmm" (parsed as JavaScript's parseInt). Throws D3133,
// D3134, D3130.
std::string FormatDateTime(double millis, const std::optional<std::string>& picture,
                           const std::optional<std::string>& timezone);

// $toMillis with a picture: nullopt when the timestamp does not match the
// picture or the picture has no components. Missing leading components
// default to `now_millis`'s. Throws D3136 when components have gaps.
std::optional<double> ParseDateTime(const std::string& timestamp, const std::string& picture,
                                    int64_t now_millis);

// Calendar helpers shared by formatting and parsing (JavaScript Date
// semantics, UTC).
struct CivilTime {
  double year = 0, month = 0 /* 0-11 */, day = 1, hours = 0, minutes = 0, seconds = 0, millis = 0,
         weekday = 0 /* 0 = Sunday */;
  bool valid = true;
};
// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (month 1-12).
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d);
// new Date(millis) read with the getUTC* methods.
CivilTime ToCivil(double millis);
// Date.UTC(year, month, day, h, m, s, ms), including its quirks: years
// 0-99 are 1900-1999 and months overflow into years. NaN if out of range.
double DateUtc(double year, double month, double day = 1, double hours = 0, double minutes = 0,
               double seconds = 0, double millis = 0);
// The value of a component ('Y', 'M', 'W', ...) for formatting or defaults;
// NaN for P, C, E, Z and unknown components.
double DateTimeFragment(const CivilTime& t, double millis, char component);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_DATETIME_PICTURE_H_
