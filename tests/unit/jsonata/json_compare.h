// Test helpers: JSON equivalence as JSONata results are compared (numbers
// by value, so 1 and 1.0 agree; object member order ignored) and case-file
// loading.
#ifndef STEPWISE_TESTS_UNIT_JSONATA_JSON_COMPARE_H_
#define STEPWISE_TESTS_UNIT_JSONATA_JSON_COMPARE_H_

#include <cmath>
#include <fstream>
#include <sstream>
#include <string>

#include "boost/json.hpp"

namespace stepwise::jsonata::testing {

inline bool JsonEquivalent(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_number() && b.is_number()) {
    double x = a.to_number<double>(), y = b.to_number<double>();
    return x == y || std::fabs(x - y) <= 1e-12 * std::max(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!JsonEquivalent(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const boost::json::value* other = y.if_contains(kv.key());
      if (other == nullptr || !JsonEquivalent(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

inline boost::json::value ReadJsonFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return boost::json::parse(text.str());
}

}  // namespace stepwise::jsonata::testing

#endif  // STEPWISE_TESTS_UNIT_JSONATA_JSON_COMPARE_H_
