// Workflow errors as data. A StateError (`States.Timeout`, a worker's
// `UnprocessableDataException`, ...) is part of an execution's normal life:
// it drives Retry and Catch and may end the execution as FAILED. It is never
// an absl::Status, which means Stepwise itself could not do something.
//
//   Outcome<json::value> v = SelectPath(...);
//   if (!v.ok()) return v.error();   // propagate the StateError
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_STATE_ERROR_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_STATE_ERROR_H_

#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace stepwise::engine {

struct StateError {
  std::string error;  // Error name, e.g. "States.Runtime".
  std::string cause;  // Human-readable cause (may be a JSON string for Lambda errors).

  friend bool operator==(const StateError&, const StateError&) = default;
};

// Predefined error names (ASL spec "Errors" and AWS's additions).
namespace errors {
inline constexpr std::string_view kAll = "States.ALL";
inline constexpr std::string_view kBranchFailed = "States.BranchFailed";
inline constexpr std::string_view kDataLimitExceeded = "States.DataLimitExceeded";
inline constexpr std::string_view kExceedToleratedFailureThreshold =
    "States.ExceedToleratedFailureThreshold";
inline constexpr std::string_view kHeartbeatTimeout = "States.HeartbeatTimeout";
inline constexpr std::string_view kIntrinsicFailure = "States.IntrinsicFailure";
inline constexpr std::string_view kItemReaderFailed = "States.ItemReaderFailed";
inline constexpr std::string_view kNoChoiceMatched = "States.NoChoiceMatched";
inline constexpr std::string_view kParameterPathFailure = "States.ParameterPathFailure";
inline constexpr std::string_view kPermissions = "States.Permissions";
inline constexpr std::string_view kQueryEvaluationError = "States.QueryEvaluationError";
inline constexpr std::string_view kResultPathMatchFailure = "States.ResultPathMatchFailure";
inline constexpr std::string_view kResultWriterFailed = "States.ResultWriterFailed";
inline constexpr std::string_view kRuntime = "States.Runtime";
inline constexpr std::string_view kTaskFailed = "States.TaskFailed";
inline constexpr std::string_view kTimeout = "States.Timeout";
}  // namespace errors

// A value or the StateError that prevented computing it.
template <typename T>
class Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}           // NOLINT(google-explicit-constructor)
  Outcome(StateError error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  const T& value() const& { return std::get<0>(v_); }
  T& value() & { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const StateError& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, StateError> v_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_STATE_ERROR_H_
