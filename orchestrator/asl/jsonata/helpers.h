// JSONata value semantics shared by the evaluator and the function
// library (ports of jsonata-js's utils and fn.boolean/fn.string/fn.append).
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_

#include <algorithm>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/utf.h"  // ToUtf32 & co., used with these helpers
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

// A number other than NaN; throws D1001 for an infinity, as jsonata-js.
bool IsNumeric(const Value& v);
bool IsArrayOfNumbers(const Value& v);
bool IsArrayOfStrings(const Value& v);
bool IsInteger(double d);
// fn.boolean: undefined stays undefined (nullopt).
std::optional<bool> ToBoolean(const Value& v);
// fn.boolean, undefined as false.
bool Truthy(const Value& v);
// fn.append: concatenates, wrapping non-arrays; the result is a new plain
// array (JS Array#concat drops the sequence flag).
Value Append(const Value& a, const Value& b);
// A stable merge sort where `b` goes before `a` only when swap(a, b), as
// jsonata-js's $sort and order-by (`^(...)`) do it; `swap` may throw.
template <typename Swap>
std::vector<Value> MergeSort(std::vector<Value> items, Swap swap) {
  std::vector<Value> buffer(items.size());
  for (size_t width = 1; width < items.size(); width *= 2) {
    for (size_t lo = 0; lo < items.size(); lo += 2 * width) {
      size_t mid = std::min(lo + width, items.size());
      size_t hi = std::min(lo + 2 * width, items.size());
      size_t l = lo, r = mid, o = lo;
      while (l < mid && r < hi) buffer[o++] = swap(items[l], items[r]) ? items[r++] : items[l++];
      while (l < mid) buffer[o++] = items[l++];
      while (r < hi) buffer[o++] = items[r++];
    }
    items.swap(buffer);
  }
  return items;
}
// A new plain array (not a sequence) of `items`.
Value MakeArray(std::vector<Value> items);
// JSON.stringify as $string does it (numbers to 15 significant digits,
// functions as ""); `indent` 0 or 2.
std::string Stringify(const Value& v, int indent);
// fn.string: strings unchanged, others stringified. Throws D3001 for
// Infinity/NaN.
std::string ToJsonataString(const Value& v, bool prettify, int position);
// Creates a number value, throwing D1001 if it is not finite.
Value CheckedNumber(double d, int position);
// JS strict equality (===): primitives by value, objects/arrays by identity.
bool StrictEqual(const Value& a, const Value& b);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_
