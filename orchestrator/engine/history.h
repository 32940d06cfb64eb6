// Execution history events in AWS's shape (GetExecutionHistory): id,
// previousEventId, timestamp, type, and one `<kind>EventDetails` object,
// kept as its compact JSON text (the engine writes it straight into a
// string; building a boost::json::object per event cost more than the
// rest of the event). A payload member (input, output, parameters) is kept
// as the payload's JSON text and escaped into a JSON string only when the
// details are read or rendered.
//
//   for (const HistoryEvent& event : result.history) {
//     record.event_json = ToJsonText(event);  // What GetExecutionHistory returns.
//     const json::value* name = event.details.if_contains("name");  // Tools, tests.
//   }
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_

#include <cstdint>
#include <memory>
#include <string>
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

// The `<kind>EventDetails` object of an event as compact JSON text, exactly
// as boost::json::serialize prints the object. Reading members parses the
// text once (cached: not safe to read from two threads at once the first
// time, unlike a plain const object).
class HistoryDetails {
 public:
  HistoryDetails() = default;  // {}
  // The text of `object` (json::serialize). Implicit: an object is details.
  HistoryDetails(const boost::json::object& object);  // NOLINT(google-explicit-constructor)
  // `text` must be a JSON object as json::serialize prints it (compact, no
  // spaces); "" means {}. Used by the engine's writers (history_text.h).
  static HistoryDetails FromText(std::string text);
  // `text` with `payload` (JSON text) inserted as a JSON string at offset
  // `at`, e.g. R"({"name":"A","input":,"inputDetails":...})" with `at`
  // right after "input": (DetailsText::Payload).
  static HistoryDetails WithPayload(std::string text, size_t at, std::string payload);

  // The compact JSON text ("{}" when empty), as json::serialize prints it.
  std::string text() const;
  // Appends text() to `out`.
  void AppendTo(std::string& out) const;
  bool empty() const { return text_.empty() || text_ == "{}"; }

  // The details parsed (on first use; tests and tools, not the hot path).
  const boost::json::object& object() const;
  const boost::json::value* if_contains(std::string_view key) const {
    return object().if_contains(key);
  }
  bool contains(std::string_view key) const { return object().contains(key); }
  const boost::json::value& at(std::string_view key) const { return object().at(key); }
  friend bool operator==(const HistoryDetails& a, const boost::json::object& b) {
    return a.object() == b;
  }
  friend bool operator==(const HistoryDetails& a, const HistoryDetails& b) {
    return a.text() == b.text();
  }

 private:
  std::string text_;
  // With payload_at_ != npos: the payload's JSON text, which text() shows
  // quoted at that offset of text_.
  std::string payload_;
  size_t payload_at_ = std::string::npos;
  mutable std::shared_ptr<const boost::json::object> parsed_;
};

struct HistoryEvent {
  int64_t id = 0;
  int64_t previous_event_id = 0;
  absl::Time timestamp;
  HistoryEventType type = HistoryEventType::kExecutionStarted;
  asl::StateType state_type = asl::StateType::kPass;  // For kStateEntered/kStateExited.
  HistoryDetails details;
};

// "TaskStateEntered", "ExecutionSucceeded", ... (AWS's HistoryEventType).
std::string TypeName(const HistoryEvent& event);

// {"timestamp": <ISO 8601 ms>, "type", "id", "previousEventId", "<kind>EventDetails": {...}}.
boost::json::value ToJson(const HistoryEvent& event);

// json::serialize(ToJson(event)), written directly (the details' text is
// copied, not parsed again): what GetExecutionHistory stores per event.
std::string ToJsonText(const HistoryEvent& event);

// ISO 8601 UTC with milliseconds, as AWS prints timestamps in JSON.
std::string FormatTimestamp(absl::Time time);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_HISTORY_H_
