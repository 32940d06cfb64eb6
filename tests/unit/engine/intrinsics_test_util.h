// Helpers shared by the intrinsic function tests.
#ifndef STEPWISE_TESTS_UNIT_ENGINE_INTRINSICS_TEST_UTIL_H_
#define STEPWISE_TESTS_UNIT_ENGINE_INTRINSICS_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/intrinsics.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine::testing {

namespace json = ::boost::json;

inline constexpr std::string_view kContextObject = R"({
  "Execution": {"Id": "arn:aws:states:us-east-1:123:execution:M:e1", "Name": "e1",
                "Input": {"k": "v"}},
  "State": {"Name": "Step", "RetryCount": 0},
  "StateMachine": {"Id": "arn:aws:states:us-east-1:123:stateMachine:M", "Name": "M"}
})";

// Parses `text` (as the definition holds it, after JSON unescaping) and
// evaluates it against `input` (JSON text) with a fixed context and entropy.
inline Outcome<json::value> Eval(std::string_view text, std::string_view input, uint64_t seed = 7) {
  absl::StatusOr<asl::IntrinsicCall> call = asl::ParseIntrinsicCall(text);
  if (!call.ok()) {
    return StateError{"ParseError", std::string(call.status().message())};
  }
  const json::value input_value = json::parse(input);
  const json::value context_object = json::parse(kContextObject);
  SeededEntropy entropy(seed);
  EvaluationContext context{&context_object, &entropy};
  return EvaluateIntrinsic(*call, input_value, context);
}

inline std::string Describe(const Outcome<json::value>& r) {
  if (r.ok()) return json::serialize(r.value());
  return r.error().error + ": " + r.error().cause;
}

}  // namespace stepwise::engine::testing

#endif  // STEPWISE_TESTS_UNIT_ENGINE_INTRINSICS_TEST_UTIL_H_
