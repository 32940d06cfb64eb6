// Cheap checks of AWS's payload limit (States.DataLimitExceeded).
//
//   if (!FitsIn(output, options.max_payload_bytes)) {
//     size_t size = SerializedSize(output, SIZE_MAX);  // exact, for the cause
//     ...
//   }
//
// Every state's output is checked, so the common case (a payload far below
// the limit) must not format it: FitsIn first walks the document adding up
// an upper bound of its compact JSON length (no number formatting, no
// copies), and serializes only when that bound is over the limit.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_PAYLOAD_SIZE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_PAYLOAD_SIZE_H_

#include <cstddef>
#include <optional>

#include "boost/json/value.hpp"

namespace stepwise::engine::internal {

// An upper bound of the length of the compact JSON text of `value` (what
// boost::json::serialize prints), counted only until it exceeds `stop_after`
// (then some value > stop_after).
size_t SerializedSizeBound(const boost::json::value& value, size_t stop_after);

// Whether the compact JSON text of `value` is at most `limit` bytes: exact.
bool FitsIn(const boost::json::value& value, size_t limit);

// FitsIn that also keeps the crude bound (CrudeSizeBound) it walked: set
// when that bound is at most `limit`, else reset.
bool FitsIn(const boost::json::value& value, size_t limit, std::optional<size_t>& crude_bound);

// A crude upper bound of the length of the compact JSON text of `value`
// (a string byte counts 6, a number its longest text), computed without
// looking at characters. It adds up: an object's is 2 plus, per member,
// 2 + CrudeKeyBound(key) + the value's; an array's 2 plus, per element, 1 +
// the element's. So a document that got `r` put in at a path of keys
// k1..kn (replacing a value, or creating the missing objects) has a bound of
// at most its old bound + CrudeSizeBound(r) + the sum of (4 + CrudeKeyBound(ki)).
size_t CrudeSizeBound(const boost::json::value& value);
size_t CrudeKeyBound(size_t key_length);

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_PAYLOAD_SIZE_H_
