#include "orchestrator/engine/history.h"

#include <charconv>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "orchestrator/engine/internal/history_text.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

std::string_view BaseName(HistoryEventType type) {
  switch (type) {
    case HistoryEventType::kExecutionStarted:
      return "ExecutionStarted";
    case HistoryEventType::kExecutionSucceeded:
      return "ExecutionSucceeded";
    case HistoryEventType::kExecutionFailed:
      return "ExecutionFailed";
    case HistoryEventType::kExecutionTimedOut:
      return "ExecutionTimedOut";
    case HistoryEventType::kExecutionAborted:
      return "ExecutionAborted";
    case HistoryEventType::kExecutionRedriven:
      return "ExecutionRedriven";
    case HistoryEventType::kStateEntered:
      return "StateEntered";
    case HistoryEventType::kStateExited:
      return "StateExited";
    case HistoryEventType::kTaskScheduled:
      return "TaskScheduled";
    case HistoryEventType::kTaskStarted:
      return "TaskStarted";
    case HistoryEventType::kTaskSucceeded:
      return "TaskSucceeded";
    case HistoryEventType::kTaskFailed:
      return "TaskFailed";
    case HistoryEventType::kTaskTimedOut:
      return "TaskTimedOut";
    case HistoryEventType::kTaskStartFailed:
      return "TaskStartFailed";
    case HistoryEventType::kActivityScheduled:
      return "ActivityScheduled";
    case HistoryEventType::kActivityScheduleFailed:
      return "ActivityScheduleFailed";
    case HistoryEventType::kActivityStarted:
      return "ActivityStarted";
    case HistoryEventType::kActivitySucceeded:
      return "ActivitySucceeded";
    case HistoryEventType::kActivityFailed:
      return "ActivityFailed";
    case HistoryEventType::kActivityTimedOut:
      return "ActivityTimedOut";
    case HistoryEventType::kLambdaFunctionScheduled:
      return "LambdaFunctionScheduled";
    case HistoryEventType::kLambdaFunctionScheduleFailed:
      return "LambdaFunctionScheduleFailed";
    case HistoryEventType::kLambdaFunctionStarted:
      return "LambdaFunctionStarted";
    case HistoryEventType::kLambdaFunctionStartFailed:
      return "LambdaFunctionStartFailed";
    case HistoryEventType::kLambdaFunctionSucceeded:
      return "LambdaFunctionSucceeded";
    case HistoryEventType::kLambdaFunctionFailed:
      return "LambdaFunctionFailed";
    case HistoryEventType::kLambdaFunctionTimedOut:
      return "LambdaFunctionTimedOut";
    case HistoryEventType::kParallelStateStarted:
      return "ParallelStateStarted";
    case HistoryEventType::kParallelStateSucceeded:
      return "ParallelStateSucceeded";
    case HistoryEventType::kParallelStateFailed:
      return "ParallelStateFailed";
    case HistoryEventType::kParallelStateAborted:
      return "ParallelStateAborted";
    case HistoryEventType::kMapStateStarted:
      return "MapStateStarted";
    case HistoryEventType::kMapStateSucceeded:
      return "MapStateSucceeded";
    case HistoryEventType::kMapStateFailed:
      return "MapStateFailed";
    case HistoryEventType::kMapStateAborted:
      return "MapStateAborted";
    case HistoryEventType::kMapIterationStarted:
      return "MapIterationStarted";
    case HistoryEventType::kMapIterationSucceeded:
      return "MapIterationSucceeded";
    case HistoryEventType::kMapIterationFailed:
      return "MapIterationFailed";
    case HistoryEventType::kMapIterationAborted:
      return "MapIterationAborted";
    case HistoryEventType::kMapRunStarted:
      return "MapRunStarted";
    case HistoryEventType::kMapRunSucceeded:
      return "MapRunSucceeded";
    case HistoryEventType::kMapRunFailed:
      return "MapRunFailed";
    case HistoryEventType::kMapRunAborted:
      return "MapRunAborted";
    case HistoryEventType::kMapRunRedriven:
      return "MapRunRedriven";
    case HistoryEventType::kEvaluationFailed:
      return "EvaluationFailed";
  }
  return "Unknown";
}

// The `<kind>EventDetails` key AWS uses for each type.
std::string_view DetailsKey(HistoryEventType type) {
  switch (type) {
    case HistoryEventType::kExecutionStarted:
      return "executionStartedEventDetails";
    case HistoryEventType::kExecutionSucceeded:
      return "executionSucceededEventDetails";
    case HistoryEventType::kExecutionFailed:
      return "executionFailedEventDetails";
    case HistoryEventType::kExecutionTimedOut:
      return "executionTimedOutEventDetails";
    case HistoryEventType::kExecutionAborted:
      return "executionAbortedEventDetails";
    case HistoryEventType::kExecutionRedriven:
      return "executionRedrivenEventDetails";
    case HistoryEventType::kStateEntered:
      return "stateEnteredEventDetails";
    case HistoryEventType::kStateExited:
      return "stateExitedEventDetails";
    case HistoryEventType::kTaskScheduled:
      return "taskScheduledEventDetails";
    case HistoryEventType::kTaskStarted:
      return "taskStartedEventDetails";
    case HistoryEventType::kTaskSucceeded:
      return "taskSucceededEventDetails";
    case HistoryEventType::kTaskFailed:
      return "taskFailedEventDetails";
    case HistoryEventType::kTaskTimedOut:
      return "taskTimedOutEventDetails";
    case HistoryEventType::kTaskStartFailed:
      return "taskStartFailedEventDetails";
    case HistoryEventType::kActivityScheduled:
      return "activityScheduledEventDetails";
    case HistoryEventType::kActivityScheduleFailed:
      return "activityScheduleFailedEventDetails";
    case HistoryEventType::kActivityStarted:
      return "activityStartedEventDetails";
    case HistoryEventType::kActivitySucceeded:
      return "activitySucceededEventDetails";
    case HistoryEventType::kActivityFailed:
      return "activityFailedEventDetails";
    case HistoryEventType::kActivityTimedOut:
      return "activityTimedOutEventDetails";
    case HistoryEventType::kLambdaFunctionScheduled:
      return "lambdaFunctionScheduledEventDetails";
    case HistoryEventType::kLambdaFunctionScheduleFailed:
      return "lambdaFunctionScheduleFailedEventDetails";
    case HistoryEventType::kLambdaFunctionStartFailed:
      return "lambdaFunctionStartFailedEventDetails";
    case HistoryEventType::kLambdaFunctionSucceeded:
      return "lambdaFunctionSucceededEventDetails";
    case HistoryEventType::kLambdaFunctionFailed:
      return "lambdaFunctionFailedEventDetails";
    case HistoryEventType::kLambdaFunctionTimedOut:
      return "lambdaFunctionTimedOutEventDetails";
    case HistoryEventType::kMapStateStarted:
      return "mapStateStartedEventDetails";
    case HistoryEventType::kMapIterationStarted:
      return "mapIterationStartedEventDetails";
    case HistoryEventType::kMapIterationSucceeded:
      return "mapIterationSucceededEventDetails";
    case HistoryEventType::kMapIterationFailed:
      return "mapIterationFailedEventDetails";
    case HistoryEventType::kMapIterationAborted:
      return "mapIterationAbortedEventDetails";
    case HistoryEventType::kMapRunStarted:
      return "mapRunStartedEventDetails";
    case HistoryEventType::kMapRunFailed:
      return "mapRunFailedEventDetails";
    case HistoryEventType::kMapRunRedriven:
      return "mapRunRedrivenEventDetails";
    case HistoryEventType::kEvaluationFailed:
      return "evaluationFailedEventDetails";
    case HistoryEventType::kLambdaFunctionStarted:
    case HistoryEventType::kParallelStateStarted:
    case HistoryEventType::kParallelStateSucceeded:
    case HistoryEventType::kParallelStateFailed:
    case HistoryEventType::kParallelStateAborted:
    case HistoryEventType::kMapStateSucceeded:
    case HistoryEventType::kMapStateFailed:
    case HistoryEventType::kMapStateAborted:
    case HistoryEventType::kMapRunSucceeded:
    case HistoryEventType::kMapRunAborted:
      return "";  // AWS gives these no details.
  }
  return "";
}

void AppendInt(int64_t value, std::string& out) {
  char digits[24];
  const std::to_chars_result end = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, end.ptr);
}

}  // namespace

HistoryDetails::HistoryDetails(const json::object& object) {
  if (!object.empty()) text_ = json::serialize(object);
}

HistoryDetails HistoryDetails::FromText(std::string text) {
  HistoryDetails details;
  details.text_ = std::move(text);
  return details;
}

HistoryDetails HistoryDetails::WithPayload(std::string text, size_t at, std::string payload) {
  HistoryDetails details;
  details.text_ = std::move(text);
  details.payload_ = std::move(payload);
  details.payload_at_ = at;
  return details;
}

void HistoryDetails::AppendTo(std::string& out) const {
  if (text_.empty()) {
    out.append("{}");
  } else if (payload_at_ == std::string::npos) {
    out.append(text_);
  } else {
    out.append(text_, 0, payload_at_);
    internal::AppendQuoted(payload_, out);
    out.append(text_, payload_at_, std::string::npos);
  }
}

std::string HistoryDetails::text() const {
  std::string text;
  text.reserve(text_.size() + payload_.size() + payload_.size() / 4 + 4);
  AppendTo(text);
  return text;
}

const json::object& HistoryDetails::object() const {
  if (!parsed_) {
    const std::string text = this->text();
    json::value value = json::parse(json::string_view(text.data(), text.size()));
    parsed_ = std::make_shared<const json::object>(std::move(value.as_object()));
  }
  return *parsed_;
}

std::string TypeName(const HistoryEvent& event) {
  if (event.type == HistoryEventType::kStateEntered ||
      event.type == HistoryEventType::kStateExited) {
    return StrCat(asl::StateTypeName(event.state_type), BaseName(event.type));
  }
  return std::string(BaseName(event.type));
}

std::string FormatTimestamp(absl::Time time) {
  // absl::FormatTime interprets its format on every call, and timestamps are
  // formatted for every context object ($$.State.EnteredTime) and history
  // event: print the fixed layout directly. Years outside 1000-9999 (which
  // %Y prints unpadded or signed) and infinite times take absl's path.
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilSecond second = absl::ToCivilSecond(time, utc);
  if (time == absl::InfiniteFuture() || time == absl::InfinitePast() || second.year() < 1000 ||
      second.year() > 9999) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, utc);
  }
  // %E3S truncates the fraction of the second to milliseconds.
  const int64_t millis = absl::ToInt64Milliseconds(time - absl::FromCivil(second, utc));
  char text[] = "0000-00-00T00:00:00.000Z";
  auto put = [&text](size_t at, int64_t value, int digits) {
    for (int i = digits - 1; i >= 0; --i) {
      text[at + static_cast<size_t>(i)] = static_cast<char>('0' + value % 10);
      value /= 10;
    }
  };
  put(0, second.year(), 4);
  put(5, second.month(), 2);
  put(8, second.day(), 2);
  put(11, second.hour(), 2);
  put(14, second.minute(), 2);
  put(17, second.second(), 2);
  put(20, millis, 3);
  return std::string(text, sizeof(text) - 1);
}

json::value ToJson(const HistoryEvent& event) {
  json::object out;
  out["timestamp"] = FormatTimestamp(event.timestamp);
  out["type"] = TypeName(event);
  out["id"] = event.id;
  out["previousEventId"] = event.previous_event_id;
  std::string_view key = DetailsKey(event.type);
  if (!key.empty()) out[key] = event.details.object();
  return out;
}

std::string ToJsonText(const HistoryEvent& event) {
  // The members in ToJson's order; none of the strings but the details
  // needs escaping (a timestamp, an event type name).
  const std::string_view key = DetailsKey(event.type);
  std::string text;
  text.reserve(128 + key.size());
  text.append(R"({"timestamp":")");
  text.append(FormatTimestamp(event.timestamp));
  text.append(R"(","type":")");
  if (event.type == HistoryEventType::kStateEntered ||
      event.type == HistoryEventType::kStateExited) {
    text.append(asl::StateTypeName(event.state_type));
  }
  text.append(BaseName(event.type));
  text.append(R"(","id":)");
  AppendInt(event.id, text);
  text.append(R"(,"previousEventId":)");
  AppendInt(event.previous_event_id, text);
  if (!key.empty()) {
    text.append(R"(,")");
    text.append(key);
    text.append(R"(":)");
    event.details.AppendTo(text);
  }
  text.push_back('}');
  return text;
}

}  // namespace stepwise::engine
