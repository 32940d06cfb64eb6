#include "orchestrator/asl/internal/number_scanner.h"

#include <charconv>
#include <cmath>
#include <cstdint>

namespace stepwise::asl::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

ScannedNumber ScanNumber(std::string_view text, size_t pos) {
  ScannedNumber result;
  const size_t start = pos;
  auto at = [&](size_t i) { return i < text.size() ? text[i] : '\0'; };
  auto fail = [&](size_t where, std::string_view problem) {
    result.error_pos = where;
    result.problem = problem;
    return result;
  };
  auto digits = [&]() {
    while (IsDigit(at(pos))) ++pos;
  };
  bool integral = true;
  if (at(pos) == '-') ++pos;
  if (!IsDigit(at(pos))) return fail(pos, "a digit");
  digits();
  if (at(pos) == '.') {
    integral = false;
    ++pos;
    if (!IsDigit(at(pos))) return fail(pos, "a digit after '.'");
    digits();
  }
  if (at(pos) == 'e' || at(pos) == 'E') {
    integral = false;
    ++pos;
    if (at(pos) == '+' || at(pos) == '-') ++pos;
    if (!IsDigit(at(pos))) return fail(pos, "a digit in the exponent");
    digits();
  }
  const char* first = text.data() + start;
  const char* last = text.data() + pos;
  if (integral) {
    int64_t i = 0;
    auto [ptr, ec] = std::from_chars(first, last, i);
    if (ec == std::errc() && ptr == last) {
      result.ok = true;
      result.value = i;
      result.end = pos;
      return result;
    }
  }
  double d = 0;
  auto [ptr, ec] = std::from_chars(first, last, d);
  if (ec != std::errc() || ptr != last || !std::isfinite(d)) {
    return fail(start, "number out of range");
  }
  result.ok = true;
  result.value = d;
  result.end = pos;
  return result;
}

}  // namespace stepwise::asl::internal
