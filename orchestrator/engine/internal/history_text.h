// Internal to the engine: history event details written as JSON text
// (HistoryDetails), byte for byte what boost::json::serialize prints for
// the same object, without building one.
//
//   SharedJsonText payload = SharedPayloadText(output);   // {"a":1}
//   HistoryDetails details = DetailsText()
//                                .String("name", state.name)
//                                .Payload("output", payload)  // Shared, not copied.
//                                .Raw("outputDetails", kNotTruncated)
//                                .Finish();
//   details.text();  // {"name":"A","output":"{\"a\":1}","outputDetails":{...}}
//   // The same, written in one allocation (StateEntered/StateExited):
//   NameAndPayload(state.name, "output", payload);
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "boost/json/value.hpp"
#include "orchestrator/engine/history.h"

namespace stepwise::engine::internal {

// {"truncated":false}: the inputDetails/outputDetails of every payload.
inline constexpr std::string_view kNotTruncated = R"({"truncated":false})";

// Appends `text` as a JSON string: quoted, with json::serialize's escapes
// (\" \\ \b \t \n \f \r, other control characters \u00xx; nothing else).
void AppendQuoted(std::string_view text, std::string& out);

// Appends the compact JSON text of `value` (json::serialize).
void AppendJson(const boost::json::value& value, std::string& out);

// The compact JSON text of `value` (json::serialize), sized to fit.
std::string PayloadText(const boost::json::value& value);
// The same as a SharedJsonText (one allocation), for the events that show it.
SharedJsonText SharedPayloadText(const boost::json::value& value);

// The text of the object whose text is `object_text` after `key`: `value`
// was appended as its last member: what SharedPayloadText gives for that
// object, without writing the other members again (a Pass state's
// ResultPath adding a field to its input). Null when `object_text` is not
// an object's text.
SharedJsonText AppendedMemberText(std::string_view object_text, std::string_view key,
                                  const boost::json::value& value);

// {"name":<name>,"<key>":<payload quoted>,"<key>Details":{"truncated":false}}
// (`key` is "input" or "output"): a StateEntered/StateExited event's details,
// written straight into their allocation.
HistoryDetails NameAndPayload(std::string_view name, std::string_view key, SharedJsonText payload);

// Writes one details object member by member, in order. Keys must need no
// escaping (they are AWS's literal field names). The text is written in
// the object itself up to a few hundred bytes (no allocation but the
// details' own); not copyable or movable (it points into itself).
class DetailsText {
 public:
  // `reserve`: the expected length, to allocate once if it is large.
  explicit DetailsText(size_t reserve = 0) {
    if (reserve > sizeof(inline_)) Grow(reserve);
    Put('{');
  }
  DetailsText(const DetailsText&) = delete;
  DetailsText& operator=(const DetailsText&) = delete;

  DetailsText& String(std::string_view key, std::string_view value);
  DetailsText& Int(std::string_view key, int64_t value);
  // `json`: a JSON value's text, appended as is.
  DetailsText& Raw(std::string_view key, std::string_view json) {
    Key(key);
    Put(json);
    return *this;
  }
  // `payload_text` (JSON text) as a JSON string: "{\"a\":1}". At most one
  // per object; it is escaped only when the details are read (HistoryDetails).
  DetailsText& Payload(std::string_view key, SharedJsonText payload_text) {
    Key(key);
    payload_at_ = size_;
    payload_ = std::move(payload_text);
    return *this;
  }
  DetailsText& Payload(std::string_view key, std::string_view payload_text) {
    return Payload(key, SharedJsonText(payload_text));
  }
  // The members of `object` (already details text: "{...}"), appended.
  DetailsText& Members(std::string_view object_text);
  // The object, closed; the writer is left empty.
  HistoryDetails Finish();

 private:
  void Key(std::string_view key) {
    char* p = Room(key.size() + 4);
    if (size_ > 1) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, key.data(), key.size());
    p += key.size();
    *p++ = '"';
    *p++ = ':';
    size_ = static_cast<size_t>(p - data_);
  }
  // Room for `n` more bytes at the returned pointer (then size_ is set).
  char* Room(size_t n) {
    if (capacity_ - size_ < n) Grow(size_ + n);
    return data_ + size_;
  }
  void Put(char c) {
    *Room(1) = c;
    ++size_;
  }
  void Put(std::string_view text) {
    std::memcpy(Room(text.size()), text.data(), text.size());
    size_ += text.size();
  }
  void Grow(size_t at_least);

  char inline_[240];
  std::string heap_;  // Used past inline_.
  char* data_ = inline_;
  size_t size_ = 0;
  size_t capacity_ = sizeof(inline_);
  SharedJsonText payload_;
  size_t payload_at_ = std::string::npos;
};

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_
