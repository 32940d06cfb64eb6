#include "orchestrator/engine/history.h"

#include <atomic>
#include <charconv>
#include <cstring>
#include <new>

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

// The bytes follow the header in the same allocation.
struct SharedJsonText::Block {
  std::atomic<size_t> refs;
  size_t size;
  size_t tag;
  char* data() { return reinterpret_cast<char*>(this + 1); }
};

SharedJsonText SharedJsonText::Uninitialized(size_t size, char** data, size_t tag) {
  SharedJsonText text;
  text.block_ = new (::operator new(sizeof(Block) + size)) Block{{1}, size, tag};
  *data = text.block_->data();
  return text;
}

size_t SharedJsonText::tag() const { return block_ == nullptr ? std::string::npos : block_->tag; }

SharedJsonText::SharedJsonText(std::string_view text) {
  char* data = nullptr;
  *this = Uninitialized(text.size(), &data);
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
}

SharedJsonText::SharedJsonText(const SharedJsonText& other) noexcept : block_(other.block_) {
  if (block_ != nullptr) block_->refs.fetch_add(1, std::memory_order_relaxed);
}

SharedJsonText::~SharedJsonText() {
  // As std::shared_ptr: the last owner sees every other owner's accesses.
  if (block_ != nullptr && block_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    block_->~Block();
    ::operator delete(block_);
  }
}

std::string_view SharedJsonText::view() const {
  return block_ == nullptr ? std::string_view() : std::string_view(block_->data(), block_->size);
}

HistoryDetails HistoryDetails::WithPayload(SharedJsonText text, size_t at, SharedJsonText payload) {
  if (text.tag() != at) {
    // The offset is kept with the text (its tag): a text made elsewhere is
    // copied once with it.
    const std::string_view view = text.view();
    char* data = nullptr;
    SharedJsonText tagged = SharedJsonText::Uninitialized(view.size(), &data, at);
    if (!view.empty()) std::memcpy(data, view.data(), view.size());
    text = std::move(tagged);
  }
  HistoryDetails details;
  details.text_ = std::move(text);
  if (at != std::string::npos) details.payload_ = std::move(payload);
  return details;
}

HistoryDetails HistoryDetails::Uninitialized(size_t size, size_t at, SharedJsonText payload,
                                             char** text) {
  return WithPayload(SharedJsonText::Uninitialized(size, text, at), at, std::move(payload));
}

HistoryDetails HistoryDetails::WithPayload(std::string_view text, size_t at,
                                           SharedJsonText payload) {
  char* data = nullptr;
  SharedJsonText copy = SharedJsonText::Uninitialized(text.size(), &data, at);
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  return WithPayload(std::move(copy), at, std::move(payload));
}

HistoryDetails::HistoryDetails(const json::object& object) {
  if (!object.empty()) *this = FromText(json::serialize(object));
}

HistoryDetails HistoryDetails::FromText(std::string text) {
  // "" means {}: no allocation.
  if (text.empty()) return HistoryDetails();
  return WithPayload(std::string_view(text), std::string::npos, SharedJsonText());
}

HistoryDetails HistoryDetails::WithPayload(std::string text, size_t at, std::string payload) {
  return WithPayload(std::string_view(text), at, SharedJsonText(payload));
}

HistoryDetails::~HistoryDetails() { delete parsed_; }

bool HistoryDetails::empty() const { return !text_ || text_.view() == "{}"; }

void HistoryDetails::AppendTo(std::string& out) const {
  if (!text_) {
    out.append("{}");
    return;
  }
  const std::string_view text = text_.view();
  const size_t at = text_.tag();
  if (at == std::string::npos) {
    out.append(text);
  } else {
    out.append(text.substr(0, at));
    internal::AppendQuoted(payload_.view(), out);
    out.append(text.substr(at));
  }
}

std::string HistoryDetails::text() const {
  std::string text;
  const size_t payload = payload_.size();
  text.reserve(text_.size() + payload + payload / 4 + 4);
  AppendTo(text);
  return text;
}

const json::object& HistoryDetails::object() const {
  if (parsed_ == nullptr) {
    const std::string text = this->text();
    json::value value = json::parse(json::string_view(text.data(), text.size()));
    parsed_ = new json::object(std::move(value.as_object()));
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

namespace {

// The events of one step share its time, and a step's events are stored
// one after another: the last text is kept per thread (the text depends
// only on the time).
void AppendTimestamp(absl::Time time, std::string& out) {
  thread_local absl::Time last = absl::InfinitePast();
  thread_local std::string text = FormatTimestamp(last);
  if (time != last) {
    text = FormatTimestamp(time);
    last = time;
  }
  out.append(text);
}

}  // namespace

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
  AppendTimestamp(event.timestamp, text);
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
