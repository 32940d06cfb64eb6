// Intrinsic function calls in `.$` payload-template values, parsed and
// checked against AWS's list of functions and their argument counts:
//   "States.Format('Hello, {}', $.name)"
//   "States.Array(States.MathAdd($.a, 1), 'x', null, true, 3.5)"
//
// Arguments are string literals in single quotes (escapes `\'`, `\{`, `\}`,
// `\\`), numbers, `true`/`false`/`null`, JSONPaths (`$...`, `$$...`), and
// nested calls.
#ifndef STEPWISE_ORCHESTRATOR_ASL_INTRINSIC_FUNCTION_H_
#define STEPWISE_ORCHESTRATOR_ASL_INTRINSIC_FUNCTION_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"
#include "orchestrator/asl/json_path.h"

namespace stepwise::asl {

// How deeply calls may nest inside arguments (`States.A(States.B(...))`).
inline constexpr int kMaxIntrinsicNesting = 32;

enum class IntrinsicFunction {
  kFormat,
  kStringToJson,
  kJsonToString,
  kArray,
  kArrayPartition,
  kArrayContains,
  kArrayRange,
  kArrayGetItem,
  kArrayLength,
  kArrayUnique,
  kBase64Encode,
  kBase64Decode,
  kHash,
  kJsonMerge,
  kMathRandom,
  kMathAdd,
  kStringSplit,
  kUuid,
};

struct IntrinsicCall;

struct IntrinsicArgument {
  enum class Kind { kLiteral, kPath, kCall };
  Kind kind = Kind::kLiteral;
  boost::json::value literal;  // kLiteral: string, number, bool or null.
  // kLiteral strings: offsets into `literal` of each unescaped `{}` (escaped
  // `\{\}` is plain text), which States.Format replaces in order.
  std::vector<size_t> placeholders;
  JsonPath path;                              // kPath.
  std::shared_ptr<const IntrinsicCall> call;  // kCall.
};

struct IntrinsicCall {
  IntrinsicFunction function = IntrinsicFunction::kFormat;
  std::string name;  // "States.Format".
  std::vector<IntrinsicArgument> arguments;
};

// True when `text` is meant as an intrinsic call: it starts with "States."
// followed by a name and "(" (after optional spaces).
bool LooksLikeIntrinsicCall(std::string_view text);

// kInvalidArgument naming the problem: syntax (with position), unknown
// function, wrong number of arguments, or a literal argument of a type or
// value the function rejects (e.g. States.Hash algorithm, JsonMerge deep
// flag not false).
absl::StatusOr<IntrinsicCall> ParseIntrinsicCall(std::string_view text);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_INTRINSIC_FUNCTION_H_
