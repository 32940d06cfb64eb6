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

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

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

// An immutable JSON text (a payload) shared by the events that show it: a
// state's output is also the next state's StateEntered input, and a Task's
// result its TaskSucceeded output. Nothing changes the text once it is
// made, so every event still holds a snapshot. Copies share the text (an
// atomic count, like std::shared_ptr: copies may live on other threads).
//
//   SharedJsonText text(R"({"a":1})");
//   SharedJsonText same = text;  // No copy of the bytes.
//   text.view();                 // {"a":1}
class SharedJsonText {
 public:
  SharedJsonText() = default;  // Null: no text (view() is "").
  explicit SharedJsonText(std::string_view text);
  SharedJsonText(const SharedJsonText& other) noexcept;
  SharedJsonText(SharedJsonText&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  SharedJsonText& operator=(const SharedJsonText& other) noexcept {
    SharedJsonText copy(other);
    std::swap(block_, copy.block_);
    return *this;
  }
  SharedJsonText& operator=(SharedJsonText&& other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~SharedJsonText();

  // For writers: `size` bytes to fill through `*data` before the text is
  // copied or read. `tag`: a number kept with the text for its maker
  // (HistoryDetails keeps where its payload shows there).
  static SharedJsonText Uninitialized(size_t size, char** data, size_t tag = std::string::npos);

  explicit operator bool() const { return block_ != nullptr; }
  std::string_view view() const;
  size_t size() const { return view().size(); }
  // The tag given to Uninitialized (npos otherwise, and when null).
  size_t tag() const;

 private:
  struct Block;
  Block* block_ = nullptr;
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
  // The same with a shared payload text (no copy of it).
  static HistoryDetails WithPayload(std::string_view text, size_t at, SharedJsonText payload);
  // The same with a shared text too: the events of one state share the
  // text around their payloads (NameAndPayload in history_text.h).
  static HistoryDetails WithPayload(SharedJsonText text, size_t at, SharedJsonText payload);
  // For the engine's writers (history_text.h): details of `size` bytes,
  // written through `*text` before they are read; `payload` (may be null)
  // shows at offset `at` (npos: none).
  static HistoryDetails Uninitialized(size_t size, size_t at, SharedJsonText payload, char** text);

  // Copies share the (immutable) texts.
  HistoryDetails(const HistoryDetails& other) : text_(other.text_), payload_(other.payload_) {}
  HistoryDetails(HistoryDetails&& other) noexcept
      : text_(std::move(other.text_)),
        payload_(std::move(other.payload_)),
        parsed_(std::exchange(other.parsed_, nullptr)) {}
  HistoryDetails& operator=(const HistoryDetails& other) {
    HistoryDetails copy(other);
    return *this = std::move(copy);
  }
  HistoryDetails& operator=(HistoryDetails&& other) noexcept {
    std::swap(text_, other.text_);
    std::swap(payload_, other.payload_);
    std::swap(parsed_, other.parsed_);
    return *this;
  }
  ~HistoryDetails();

  // The compact JSON text ("{}" when empty), as json::serialize prints it.
  std::string text() const;
  // Appends text() to `out`.
  void AppendTo(std::string& out) const;
  bool empty() const;

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
  // Two shared texts and no allocation of the details' own: an event is
  // small (64 bytes: a large Map keeps hundreds of thousands of them, and a
  // step's first 16 fit one allocation glibc keeps per thread) and a
  // state's events share the text around their payloads.
  SharedJsonText text_;  // Null: {}. Its tag(): where payload_ shows, or npos.
  // The payload's JSON text, which text() shows quoted at text_.tag().
  SharedJsonText payload_;
  // The details parsed (object()), owned; null until then.
  mutable const boost::json::object* parsed_ = nullptr;
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
