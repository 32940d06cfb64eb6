// RFC 3339 timestamps as ASL uses them (Wait `Timestamp`, `Timestamp*`
// Choice operators): `2016-03-14T01:59:00Z`, `2016-03-14T01:59:00.123+02:00`.
// Uppercase `T` and `Z` only, as AWS requires.
#ifndef STEPWISE_ORCHESTRATOR_ASL_TIMESTAMP_H_
#define STEPWISE_ORCHESTRATOR_ASL_TIMESTAMP_H_

#include <optional>
#include <string_view>

#include "absl/time/time.h"

namespace stepwise::asl {

// The instant, or nullopt if `text` is not a valid RFC 3339 date-time.
std::optional<absl::Time> ParseTimestamp(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_TIMESTAMP_H_
