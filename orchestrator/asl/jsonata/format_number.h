// $formatNumber: XPath fn:format-number (F&O 3.1 §4.7) as jsonata-js 2.2.2
// implements it, including its quirks: sub-pictures split on ';',
// prefix/suffix text, '0'/'#' digits (any zero-digit family), grouping
// (regular or not, integer and fraction), '%' and '‰', exponents ("0.00e0"),
// and an options object overriding the special characters
// ({"decimal-separator": ",", "grouping-separator": ".", "zero-digit": ...}).
// Picture errors are D3080-D3093.
//
//   FormatNumber(1234.5678, "#,##0.00", {});  // "1,234.57"
//   FormatNumber(1234.5678, "0.00e0", {});    // "1.23e3"
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_FORMAT_NUMBER_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_FORMAT_NUMBER_H_

#include <map>
#include <string>

namespace stepwise::jsonata::internal {

// `options` maps property names to their replacement strings.
std::string FormatNumber(double value, const std::string& picture,
                         const std::map<std::string, std::string>& options);

// jsonata-js's round(): half to even at `precision` decimal places, with the
// decimal shift done on the decimal string (so 1.005 is not 1.00499999).
double RoundHalfEven(double arg, double precision);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_FORMAT_NUMBER_H_
