// ParseDateTime: jsonata-js's parseDateTime ($toMillis with a picture): a
// regex per picture part, then the date (Y M D | Y d) and time (H m s f |
// P h m s f) components, defaulting the leading missing ones to "now" and
// the trailing ones to their minimum.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/datetime_picture.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/utf.h"

namespace stepwise::jsonata::internal {
namespace {

// A parsed component; `defined` false is JavaScript's undefined (an unknown
// month name), which is not the same as NaN.
struct Component {
  bool defined = false;
  double value = 0;
};

struct PartMatcher {
  std::string regex;
  std::function<Component(const std::string&)> parse;  // empty for literals
};

Component Defined(double v) { return {true, v}; }

std::string EscapeRegex(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (std::string(".*+?^${}()|[]\\").find(c) != std::string::npos) out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

PartMatcher TimezoneMatcher(const DateTimePart& part) {
  PartMatcher m;
  bool has_separator = part.integer_format.regular;
  std::string separator =
      has_separator ? FromUtf32(std::u32string(1, part.integer_format.separators[0].character))
                    : "";
  m.regex = part.component == 'z' ? "GMT" : "";
  m.regex += "[-+][0-9]+";
  if (has_separator) m.regex += separator + "[0-9]+";  // unescaped, as jsonata-js
  bool gmt = part.component == 'z';
  m.parse = [gmt, separator](const std::string& text) {
    std::string value = gmt ? text.substr(3) : text;
    double hours = 0, minutes = 0;
    if (!separator.empty()) {
      size_t at = value.find(separator);
      hours = JsParseInt(value.substr(0, at));
      minutes = JsParseInt(at == std::string::npos ? value : value.substr(at + separator.size()));
    } else if (value.size() - 1 <= 2) {
      hours = JsParseInt(value);
    } else {
      hours = JsParseInt(value.substr(0, 3));
      minutes = JsParseInt(value.substr(3));
    }
    return Defined(hours * 60 + minutes);
  };
  return m;
}

PartMatcher NameMatcher(const DateTimePart& part) {
  std::map<std::string, double> lookup;
  auto add = [&](const std::string& name, double index) {
    // jsonata-js cuts the names when the maximum width is truthy (not 0 or NaN).
    bool cut = part.max_width && !std::isnan(*part.max_width) && *part.max_width != 0;
    std::string key = name;
    if (cut) {
      key = *part.max_width < 0
                ? ""
                : name.substr(0, static_cast<size_t>(std::min(*part.max_width, 1e6)));
    }
    lookup[key] = index;
  };
  if (part.component == 'M' || part.component == 'x') {
    for (int i = 0; i < 12; ++i) add(kMonthNames[i], i + 1);
  } else if (part.component == 'F') {
    for (int i = 1; i < 8; ++i) add(kDayNames[i], i);
  } else if (part.component == 'P') {
    lookup = {{"am", 0}, {"AM", 0}, {"pm", 1}, {"PM", 1}};
  } else {
    Fail("D3133", -1, std::string(1, part.component));
  }
  PartMatcher m;
  m.regex = "[a-zA-Z]+";
  m.parse = [lookup](const std::string& value) {
    auto it = lookup.find(value);
    return it == lookup.end() ? Component{} : Defined(it->second);
  };
  return m;
}

PartMatcher MatcherFor(const DateTimePart& part) {
  PartMatcher m;
  if (part.literal) {
    m.regex = EscapeRegex(part.value);
  } else if (part.component == 'Z' || part.component == 'z') {
    m = TimezoneMatcher(part);
  } else if (part.component == 'f') {
    m.regex = "[0-9]+";
    m.parse = [](const std::string& value) {
      return Defined(std::strtod(("0." + value.substr(0, 3)).c_str(), nullptr) * 1000);
    };
  } else if (part.has_integer_format) {
    IntegerMatcher im = IntegerMatcherFor(part.integer_format);
    m.regex = im.regex;
    m.parse = [parse = im.parse](const std::string& v) { return Defined(parse(v)); };
  } else {
    m = NameMatcher(part);
  }
  return m;
}

// Truthy: JavaScript's `bit ? 1 : 0` on a component (0 and NaN are false).
bool Truthy(const std::map<char, Component>& c, char key) {
  auto it = c.find(key);
  return it != c.end() && it->second.defined && it->second.value != 0 &&
         !std::isnan(it->second.value);
}

int Mask(const std::map<char, Component>& c, const std::string& keys) {
  int mask = 0;
  for (char k : keys) mask = (mask << 1) + (Truthy(c, k) ? 1 : 0);
  return mask;
}

bool IsType(int type, int mask) { return !(~type & mask) && (type & mask); }

}  // namespace

std::optional<double> ParseDateTime(const std::string& timestamp, const std::string& picture,
                                    int64_t now_millis) {
  std::vector<DateTimePart> spec = AnalyseDateTimePicture(picture);
  std::vector<PartMatcher> matchers;
  std::string full = "^";
  for (const DateTimePart& part : spec) {
    matchers.push_back(MatcherFor(part));
    full += "(" + matchers.back().regex + ")";
  }
  full += "$";
  // The picture's regex, compiled once per thread (a $toMillis over many
  // timestamps usually repeats one picture).
  thread_local std::map<std::string, std::shared_ptr<const JsRegex>> compiled;
  auto it = compiled.find(full);
  if (it == compiled.end()) {
    std::shared_ptr<const JsRegex> re = JsRegex::Compile(full, "i");
    if (re == nullptr) Fail("D3133", -1, picture);  // jsonata-js: a JavaScript SyntaxError
    if (compiled.size() >= 64) compiled.clear();
    it = compiled.emplace(full, std::move(re)).first;
  }
  const JsRegex& matcher = *it->second;
  absl::StatusOr<std::optional<TextMatch>> info = SearchText(matcher, timestamp);
  if (!info.ok()) {
    Fail("U1003", -1, StrCat("/", full, "/ on ", Utf16Length(timestamp), " characters"));
  }
  if (!info->has_value()) return std::nullopt;
  std::map<char, Component> components;
  for (size_t i = 0; i < matchers.size(); ++i) {
    if (matchers[i].parse) {
      components[spec[i].component] = matchers[i].parse((**info).groups[i].value_or(""));
    }
  }
  if (components.empty()) return std::nullopt;

  int mask = Mask(components, "YXMxWwdD");
  bool date_a = IsType(161, mask);
  bool date_b = !date_a && IsType(130, mask);
  bool date_c = IsType(84, mask);
  bool date_d = !date_c && IsType(72, mask);
  mask = Mask(components, "PHhmsf");
  bool time_a = IsType(23, mask);
  bool time_b = !time_a && IsType(47, mask);
  std::string comps = date_b ? "YD" : date_c ? "XxwF" : date_d ? "XWF" : "YMD";
  comps += time_b ? "Phmsf" : "Hmsf";

  CivilTime now = ToCivil(static_cast<double>(now_millis));
  bool start_specified = false, end_specified = false;
  for (char part : comps) {
    Component& c = components[part];
    if (!c.defined) {
      if (start_specified) {
        c = Defined(std::string("MDd").find(part) != std::string::npos ? 1 : 0);
        end_specified = true;
      } else {
        // P defaults to "am"/"pm", which never equals 1 below: NaN.
        c = Defined(DateTimeFragment(now, static_cast<double>(now_millis), part));
      }
    } else {
      start_specified = true;
      if (end_specified) Fail("D3136", -1);
    }
  }
  auto get = [&](char k) { return components[k].defined ? components[k].value : std::nan(""); };
  double month = get('M') > 0 ? get('M') - 1 : 0;
  double day = get('D');
  if (date_b) {
    double first_jan = DateUtc(get('Y'), 0);
    CivilTime derived = ToCivil(first_jan + (get('d') - 1) * 86400000.0);
    month = derived.month;
    day = derived.day;
  }
  if (date_c || date_d) Fail("D3136", -1);  // week dates: not supported by jsonata-js
  double hours = get('H');
  if (time_b) {
    hours = get('h') == 12 ? 0 : get('h');
    if (get('P') == 1) hours += 12;
  }
  double millis = DateUtc(get('Y'), month, day, hours, get('m'), get('s'), get('f'));
  double zone = Truthy(components, 'Z') ? get('Z') : get('z');
  if (!std::isnan(zone) && zone != 0) millis -= zone * 60 * 1000;
  return millis;
}

}  // namespace stepwise::jsonata::internal
