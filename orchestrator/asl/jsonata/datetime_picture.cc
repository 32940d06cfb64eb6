// Date/time picture analysis and JavaScript Date arithmetic (UTC). The
// formatting and parsing halves are datetime_format.cc and datetime_parse.cc.
#include "orchestrator/asl/jsonata/datetime_picture.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {

const char* const kDayNames[8] = {"",         "Monday", "Tuesday",  "Wednesday",
                                  "Thursday", "Friday", "Saturday", "Sunday"};
const char* const kMonthNames[12] = {"January",   "February", "March",    "April",
                                     "May",       "June",     "July",     "August",
                                     "September", "October",  "November", "December"};
// Howard Hinnant's days_from_civil.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

namespace {

constexpr double kMillisInADay = 86400000.0;

// Howard Hinnant's civil_from_days (month 1-12).

void CivilFromDays(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  int64_t doe = z - era * 146097;
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = yoe + era * 400;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

// The default presentation modifier of each component.
const std::map<char, std::string>& DefaultPresentation() {
  static const auto* defaults = new std::map<char, std::string>{
      {'Y', "1"}, {'M', "1"}, {'D', "1"}, {'d', "1"},     {'F', "n"},    {'W', "1"},  {'w', "1"},
      {'X', "1"}, {'x', "1"}, {'H', "1"}, {'h', "1"},     {'P', "n"},    {'m', "01"}, {'s', "01"},
      {'f', "1"}, {'C', "n"}, {'E', "n"}, {'Z', "01:01"}, {'z', "01:01"}};
  return *defaults;
}

std::optional<double> ParseWidth(const std::string& wm, bool present) {
  if (!present || wm == "*") return std::nullopt;
  return JsParseInt(wm);
}

// A width as a digit count. JavaScript fails (RangeError) building padding
// of 2^32 characters; fail well before that, not silently.
int Width(double w) {
  if (std::fabs(w) > 1e6) Fail("U1002", -1, "date/time picture width");
  return static_cast<int>(w);
}

DateTimePart AnalyseMarker(std::string marker, std::vector<DateTimePart>& spec) {
  std::string compact;  // whitespace within a marker is ignored
  for (char c : marker) {
    if (c != ' ' && !(c >= '\t' && c <= '\r')) compact.push_back(c);
  }
  marker = compact;
  DateTimePart def;
  def.component = marker.empty() ? 0 : marker[0];
  size_t comma = marker.rfind(',');
  std::string pres;
  if (comma != std::string::npos) {
    std::string width = marker.substr(comma + 1);
    size_t dash = width.find('-');
    def.has_width = true;
    if (dash == std::string::npos) {
      def.min_width = ParseWidth(width, true);
    } else {
      def.min_width = ParseWidth(width.substr(0, dash), true);
      def.max_width = ParseWidth(width.substr(dash + 1), true);
    }
    pres = marker.substr(1, comma - 1);
  } else {
    pres = marker.size() > 1 ? marker.substr(1) : "";
  }
  if (pres.size() == 1) {
    def.presentation1 = pres;
  } else if (pres.size() > 1) {
    char last = pres.back();
    if (std::string("atco").find(last) != std::string::npos) {
      def.presentation2 = std::string(1, last);
      def.presentation1 = pres.substr(0, pres.size() - 1);
    } else {
      def.presentation1 = pres;
    }
  } else {
    auto it = DefaultPresentation().find(def.component);
    if (it == DefaultPresentation().end()) {
      Fail("D3132", -1, def.component == 0 ? "" : std::string(1, def.component));
    }
    def.presentation1 = it->second;
  }
  const std::string& p1 = def.presentation1;
  if (!p1.empty() && p1[0] == 'n') {
    def.has_names = true;
    def.names = LetterCase::kLower;
  } else if (!p1.empty() && p1[0] == 'N') {
    def.has_names = true;
    def.names = p1.size() > 1 && p1[1] == 'n' ? LetterCase::kTitle : LetterCase::kUpper;
  } else if (def.component != 0 &&
             std::string("YMDdFWwXxHhmsf").find(def.component) != std::string::npos) {
    std::string pattern = p1;
    if (!def.presentation2.empty()) pattern += ";" + def.presentation2;
    def.has_integer_format = true;
    def.integer_format = AnalyseIntegerPicture(pattern);
    IntegerFormat& f = def.integer_format;
    if (def.min_width && *def.min_width > f.mandatory_digits) {
      f.mandatory_digits = Width(*def.min_width);
    }
    if (def.component == 'Y') {
      if (def.max_width) {
        def.year_digits = *def.max_width;
        f.mandatory_digits = std::isnan(*def.max_width)
                                 ? 0
                                 : static_cast<int>(std::clamp(*def.max_width, -1000.0, 1000.0));
      } else if (f.mandatory_digits + f.optional_digits >= 2) {
        def.year_digits = f.mandatory_digits + f.optional_digits;
      }
    }
    // Adjacent integer markers must have a fixed width to be parsed.
    if (!spec.empty() && spec.back().has_integer_format) {
      spec.back().integer_format.parse_width = spec.back().integer_format.mandatory_digits;
    }
  }
  if (def.component == 'Z' || def.component == 'z') {
    def.has_integer_format = true;
    def.integer_format = AnalyseIntegerPicture(p1);
  }
  return def;
}

}  // namespace

std::vector<DateTimePart> AnalyseDateTimePicture(const std::string& picture) {
  std::vector<DateTimePart> spec;
  auto add_literal = [&](size_t start, size_t end) {
    if (end <= start) return;
    std::string literal = picture.substr(start, end - start), unescaped;
    for (size_t i = 0; i < literal.size(); ++i) {  // "]]" is a literal "]"
      unescaped.push_back(literal[i]);
      if (literal[i] == ']' && i + 1 < literal.size() && literal[i + 1] == ']') ++i;
    }
    DateTimePart part;
    part.literal = true;
    part.value = unescaped;
    spec.push_back(part);
  };
  size_t start = 0, pos = 0;
  while (pos < picture.size()) {
    if (picture[pos] == '[') {
      if (pos + 1 < picture.size() && picture[pos + 1] == '[') {
        add_literal(start, pos);
        DateTimePart bracket;
        bracket.literal = true;
        bracket.value.assign(1, '[');  // not = "[": GCC 12 -Wrestrict false positive under ASan
        spec.push_back(bracket);
        pos += 2;
        start = pos;
        continue;
      }
      add_literal(start, pos);
      start = pos;
      pos = picture.find(']', start);
      if (pos == std::string::npos) Fail("D3135", -1);
      DateTimePart def = AnalyseMarker(picture.substr(start + 1, pos - start - 1), spec);
      spec.push_back(std::move(def));
      start = pos + 1;
    }
    ++pos;
  }
  add_literal(start, pos);
  return spec;
}

CivilTime ToCivil(double millis) {
  CivilTime t;
  double ms = std::trunc(millis);
  if (std::isnan(ms) || std::fabs(ms) > 8.64e15) {
    t.valid = false;
    t.year = t.month = t.day = t.hours = t.minutes = t.seconds = t.millis = t.weekday =
        std::nan("");
    return t;
  }
  double days = std::floor(ms / kMillisInADay);
  double rem = ms - days * kMillisInADay;
  int64_t y, m, d;
  CivilFromDays(static_cast<int64_t>(days), y, m, d);
  t.year = static_cast<double>(y);
  t.month = static_cast<double>(m - 1);
  t.day = static_cast<double>(d);
  t.hours = std::floor(rem / 3600000);
  t.minutes = std::fmod(std::floor(rem / 60000), 60);
  t.seconds = std::fmod(std::floor(rem / 1000), 60);
  t.millis = std::fmod(rem, 1000);
  t.weekday = std::fmod(std::fmod(days + 4, 7) + 7, 7);
  return t;
}

double DateUtc(double year, double month, double day, double hours, double minutes, double seconds,
               double millis) {
  for (double v : {year, month, day, hours, minutes, seconds, millis}) {
    if (!std::isfinite(v)) return std::nan("");
  }
  double y = std::trunc(year);
  if (y >= 0 && y <= 99) y += 1900;
  double m = std::trunc(month);
  double ym = y + std::floor(m / 12);
  double mn = std::fmod(std::fmod(m, 12) + 12, 12);
  if (std::fabs(ym) > 400000) return std::nan("");
  double days = static_cast<double>(
                    DaysFromCivil(static_cast<int64_t>(ym), static_cast<int64_t>(mn) + 1, 1)) +
                std::trunc(day) - 1;
  double time = std::trunc(hours) * 3600000 + std::trunc(minutes) * 60000 +
                std::trunc(seconds) * 1000 + std::trunc(millis);
  double t = days * kMillisInADay + time;
  if (std::fabs(t) > 8.64e15) return std::nan("");
  return t;
}

namespace {

// ISO 8601's first week of a year (or, XPath's extension, a month): the
// week, starting on Monday, that holds the first Thursday.
double StartOfFirstWeek(double year, double month) {
  double first = DateUtc(year, month);
  double dow = ToCivil(first).weekday;
  if (dow == 0) dow = 7;
  return dow > 4 ? first + (8 - dow) * kMillisInADay : first - (dow - 1) * kMillisInADay;
}

double DeltaWeeks(double start, double end) { return (end - start) / (kMillisInADay * 7) + 1; }

void NextMonth(double& y, double& m) { m == 11 ? (y += 1, m = 0) : (m += 1); }
void PreviousMonth(double& y, double& m) { m == 0 ? (y -= 1, m = 11) : (m -= 1); }

}  // namespace

double DateTimeFragment(const CivilTime& t, double millis, char component) {
  switch (component) {
    case 'Y':
      return t.year;
    case 'M':
      return t.month + 1;
    case 'D':
      return t.day;
    case 'd':
      return (DateUtc(t.year, t.month, t.day) - DateUtc(t.year, 0)) / kMillisInADay + 1;
    case 'F':
      return t.weekday == 0 ? 7 : t.weekday;
    case 'W': {
      double start = StartOfFirstWeek(t.year, 0);
      double today = DateUtc(t.year, t.month, t.day);
      double week = DeltaWeeks(start, today);
      if (week > 52) {
        if (today >= StartOfFirstWeek(t.year + 1, 0)) week = 1;
      } else if (week < 1) {
        week = DeltaWeeks(StartOfFirstWeek(t.year - 1, 0), today);
      }
      return std::floor(week);
    }
    case 'w': {
      double start = StartOfFirstWeek(t.year, t.month);
      double today = DateUtc(t.year, t.month, t.day);
      double week = DeltaWeeks(start, today);
      if (week > 4) {
        double y = t.year, m = t.month;
        NextMonth(y, m);
        if (today >= StartOfFirstWeek(y, m)) week = 1;
      } else if (week < 1) {
        double y = t.year, m = t.month;
        PreviousMonth(y, m);
        week = DeltaWeeks(StartOfFirstWeek(y, m), today);
      }
      return std::floor(week);
    }
    case 'X': {
      double now = std::trunc(millis);
      if (now < StartOfFirstWeek(t.year, 0)) return t.year - 1;
      if (now >= StartOfFirstWeek(t.year + 1, 0)) return t.year + 1;
      return t.year;
    }
    case 'x': {
      double now = std::trunc(millis);
      double ny = t.year, nm = t.month, py = t.year, pm = t.month;
      NextMonth(ny, nm);
      PreviousMonth(py, pm);
      if (now < StartOfFirstWeek(t.year, t.month)) return pm + 1;
      if (now >= StartOfFirstWeek(ny, nm)) return nm + 1;
      return t.month + 1;
    }
    case 'H':
      return t.hours;
    case 'h': {
      double h = std::fmod(t.hours, 12);
      return h == 0 ? 12 : h;
    }
    case 'm':
      return t.minutes;
    case 's':
      return t.seconds;
    case 'f':
      return t.millis;
    default:
      return std::nan("");
  }
}

}  // namespace stepwise::jsonata::internal
