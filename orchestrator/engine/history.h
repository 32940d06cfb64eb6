// Execution history events in AWS's shape (GetExecutionHistory): id,
// previousEventId, timestamp, type, and one `<kind>EventDetails` object.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_

#include <cstdint>
#include <string_view>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/model.h"

namespace stepwise::engine {

enum class HistoryEventType {
  kExecutionStarted,
  kExecutionSucceeded,
  kExecutionFailed,
  kExecutionTimedOut,
  kExecutionAborted,
  kExecutionRedriven,
  kStateEntered,  // Rendered as PassStateEntered, TaskStateEntered, ... by state type.
  kStateExited,
  kTaskScheduled,
  kTaskStarted,
  kTaskSucceeded,
  kTaskFailed,
  kTaskTimedOut,
  kTaskStartFailed,
  // A Task state that names an activity ARN (arn:aws:states:R:A:activity:N)
  // emits Activity* events instead of Task* ones, as AWS does.
  kActivityScheduled,
  kActivityScheduleFailed,
  kActivityStarted,
  kActivitySucceeded,
  kActivityFailed,
  kActivityTimedOut,
  // A Task state whose Resource is a Lambda function ARN itself
  // (arn:aws:lambda:R:A:function:N) emits LambdaFunction* events; the
  // lambda:invoke integration emits Task* events.
  kLambdaFunctionScheduled,
  kLambdaFunctionScheduleFailed,
  kLambdaFunctionStarted,
  kLambdaFunctionStartFailed,
  kLambdaFunctionSucceeded,
  kLambdaFunctionFailed,
  kLambdaFunctionTimedOut,
  kParallelStateStarted,
  kParallelStateSucceeded,
  kParallelStateFailed,
  kParallelStateAborted,
  kMapStateStarted,
  kMapStateSucceeded,
  kMapStateFailed,
  kMapStateAborted,
  kMapIterationStarted,
  kMapIterationSucceeded,
  kMapIterationFailed,
  kMapIterationAborted,
  // A Distributed Map's Map Run (children.cc): MapRunStarted {mapRunArn},
  // then MapRunSucceeded, MapRunFailed {error, cause} or MapRunAborted.
  kMapRunStarted,
  kMapRunSucceeded,
  kMapRunFailed,
  kMapRunAborted,
  kMapRunRedriven,  // {mapRunArn, redriveCount}: a redrive reruns the Map Run.
  // A JSONata expression failed (States.QueryEvaluationError), recorded
  // before the state's failure is handled.
  kEvaluationFailed,
};

struct HistoryEvent {
  int64_t id = 0;
  int64_t previous_event_id = 0;
  absl::Time timestamp;
  HistoryEventType type = HistoryEventType::kExecutionStarted;
  asl::StateType state_type = asl::StateType::kPass;  // For kStateEntered/kStateExited.
  boost::json::object details;
};

// "TaskStateEntered", "ExecutionSucceeded", ... (AWS's HistoryEventType).
std::string TypeName(const HistoryEvent& event);

// {"timestamp": <ISO 8601 ms>, "type", "id", "previousEventId", "<kind>EventDetails": {...}}.
boost::json::value ToJson(const HistoryEvent& event);

// ISO 8601 UTC with milliseconds, as AWS prints timestamps in JSON.
std::string FormatTimestamp(absl::Time time);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_
