// Scanning a JSON-style number literal inside a larger text (JSONPath filter
// literals, intrinsic function arguments): int64 when integral and in range,
// else double. Shared by both parsers so they agree on what a number is.
#ifndef STEPWISE_ORCHESTRATOR_ASL_INTERNAL_NUMBER_SCANNER_H_
#define STEPWISE_ORCHESTRATOR_ASL_INTERNAL_NUMBER_SCANNER_H_

#include <cstddef>
#include <string_view>

#include "boost/json/value.hpp"

namespace stepwise::asl::internal {

struct ScannedNumber {
  bool ok = false;
  boost::json::value value;  // When ok.
  size_t end = 0;            // When ok: the position after the number.
  size_t error_pos = 0;      // When !ok.
  // When !ok: what was expected there ("a digit", "a digit after '.'", "a
  // digit in the exponent"), or "number out of range".
  std::string_view problem;
};

// Scans `-?digits(.digits)?([eE][+-]?digits)?` starting at `pos`.
ScannedNumber ScanNumber(std::string_view text, size_t pos);

}  // namespace stepwise::asl::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_INTERNAL_NUMBER_SCANNER_H_
