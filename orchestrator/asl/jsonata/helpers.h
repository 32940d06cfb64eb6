// JSONata value semantics shared by the evaluator and the function
// library (ports of jsonata-js's utils and fn.boolean/fn.string/fn.append).
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_

#include <string>
#include <vector>

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
// The string's length in UTF-16 code units, and code-point helpers: JSONata
// (JavaScript) indexes strings in UTF-16 code units; we index code points,
// which agrees outside the astral planes.
std::u32string ToUtf32(const std::string& s);
std::string FromUtf32(const std::u32string& s);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_HELPERS_H_
