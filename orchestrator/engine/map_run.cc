// Distributed Map pieces of children.cc: the Map Run's tolerated failure
// threshold, its ARN, and the result slot of a failed child execution
// (../../docs/distributed-map.md).
#include <algorithm>
#include <optional>
#include <string>

#include "common/str_cat.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/internal/step.h"
#include "orchestrator/engine/uuid.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

// "arn:aws:states:REGION:ACCOUNT" of a state machine ARN
// ("arn:aws:states:REGION:ACCOUNT:stateMachine:NAME").
std::string ArnPrefix(std::string_view machine_arn) {
  size_t at = machine_arn.find(":stateMachine:");
  if (at == std::string_view::npos) return "arn:aws:states:us-east-1:123456789012";
  return std::string(machine_arn.substr(0, at));
}

// The Map Run's "MACHINE/LABEL" (the state's name without a Label).
std::string RunPath(const ExecutionInfo& info, const asl::State& state) {
  const auto& map = std::get<asl::MapFields>(state.fields);
  return StrCat(info.state_machine_name, "/", map.label.value_or(state.name));
}

}  // namespace

std::optional<StateError> Step::ResolveTolerance(Frame& frame, const asl::State& state,
                                                 const json::value& input) {
  const auto& map = std::get<asl::MapFields>(state.fields);
  frame.tolerated_failure_count = map.tolerated_failure_count.value_or(-1);
  frame.tolerated_failure_percentage = map.tolerated_failure_percentage.value_or(-1);
  if (map.tolerated_failure_count_expression || map.tolerated_failure_percentage_expression) {
    Context context = MakeContext(frame, state);
    JsonataFields fields = MakeJsonata(input, context);
    if (map.tolerated_failure_count_expression) {
      asl::DynamicInt count;
      count.expression = map.tolerated_failure_count_expression;
      Outcome<int64_t> evaluated = fields.Int(count, "ToleratedFailureCount");
      if (!evaluated.ok()) return evaluated.error();
      frame.tolerated_failure_count = evaluated.value();
    }
    if (map.tolerated_failure_percentage_expression) {
      Outcome<json::value> evaluated = fields.Value(
          json::value(*map.tolerated_failure_percentage_expression), "ToleratedFailurePercentage");
      if (!evaluated.ok()) return evaluated.error();
      const json::value& v = evaluated.value();
      if (!v.is_number() || v.to_number<double>() < 0 || v.to_number<double>() > 100) {
        return StateError{
            std::string(errors::kQueryEvaluationError),
            StrCat("The field 'ToleratedFailurePercentage' must evaluate to a number from 0 to "
                   "100, but was ",
                   Serialize(v).substr(0, 200))};
      }
      frame.tolerated_failure_percentage = v.to_number<double>();
    }
  }
  if (map.tolerated_failure_count_path || map.tolerated_failure_percentage_path) {
    Context context = MakeContext(frame, state);
    if (map.tolerated_failure_count_path) {
      const std::string& path = *map.tolerated_failure_count_path;
      Outcome<json::value> selected =
          SelectPath(path, input, context.evaluation(), "ToleratedFailureCountPath");
      if (!selected.ok()) return selected.error();
      const json::value& v = selected.value();
      if (v.is_int64() && v.get_int64() >= 0) {
        frame.tolerated_failure_count = v.get_int64();
      } else if (v.is_uint64()) {
        frame.tolerated_failure_count =
            static_cast<int64_t>(std::min<uint64_t>(v.get_uint64(), INT64_MAX));
      } else {
        return StateError{
            std::string(errors::kRuntime),
            StrCat("The value of the field 'ToleratedFailureCountPath' ('", path,
                   "') must be a non-negative integer, but was ", Serialize(v).substr(0, 200))};
      }
    }
    if (map.tolerated_failure_percentage_path) {
      const std::string& path = *map.tolerated_failure_percentage_path;
      Outcome<json::value> selected =
          SelectPath(path, input, context.evaluation(), "ToleratedFailurePercentagePath");
      if (!selected.ok()) return selected.error();
      const json::value& v = selected.value();
      if (!v.is_number() || v.to_number<double>() < 0 || v.to_number<double>() > 100) {
        return StateError{
            std::string(errors::kRuntime),
            StrCat("The value of the field 'ToleratedFailurePercentagePath' ('", path,
                   "') must be a number from 0 to 100, but was ", Serialize(v).substr(0, 200))};
      }
      frame.tolerated_failure_percentage = v.to_number<double>();
    }
  }
  return std::nullopt;
}

std::string Step::NewMapRunArn(const asl::State& state) {
  // arn:aws:states:REGION:ACCOUNT:mapRun:MACHINE/LABEL:UUID, as AWS names it.
  return StrCat(ArnPrefix(state_.info.state_machine_arn), ":mapRun:", RunPath(state_.info, state),
                ":", NewUuidV4(entropy()));
}

json::object Step::FailedIterationResult(const asl::State& state, const Frame& child,
                                         const StateError& error) {
  // What AWS returns for a failed child execution whatever the
  // Transformation: the execution's record, as ResultWriter's NONE gives it.
  const std::string prefix = ArnPrefix(state_.info.state_machine_arn);
  const std::string path = RunPath(state_.info, state);
  // A version 4 UUID from the step's entropy (deterministic, like States.UUID).
  const std::string name = NewUuidV4(entropy());
  json::object result;
  result["ExecutionArn"] = StrCat(prefix, ":execution:", path, ":", name);
  result["Input"] = Serialize(child.iteration_input);
  result["InputDetails"] = json::object{{"Included", true}};
  result["Name"] = name;
  result["RedriveCount"] = 0;
  result["RedriveStatus"] = "REDRIVABLE_BY_MAP_RUN";
  result["StartDate"] = FormatTimestamp(child.started_at);
  result["StateMachineArn"] = StrCat(prefix, ":stateMachine:", path);
  result["Status"] = "FAILED";
  result["StopDate"] = FormatTimestamp(now());
  result["Error"] = error.error;
  result["Cause"] = error.cause;
  return result;
}

}  // namespace stepwise::engine::internal
