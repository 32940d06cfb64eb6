// Internal to the engine: history event details written as JSON text
// (HistoryDetails), byte for byte what boost::json::serialize prints for
// the same object, without building one.
//
//   std::string payload = PayloadText(output);            // {"a":1}
//   HistoryDetails details = DetailsText()
//                                .String("name", state.name)
//                                .Payload("output", std::move(payload))
//                                .Raw("outputDetails", kNotTruncated)
//                                .Finish();
//   details.text();  // {"name":"A","output":"{\"a\":1}","outputDetails":{...}}
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_

#include <cstddef>
#include <cstdint>
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

// Writes one details object member by member, in order. Keys must need no
// escaping (they are AWS's literal field names).
class DetailsText {
 public:
  // `reserve`: the expected length, to allocate once.
  explicit DetailsText(size_t reserve = 0) {
    text_.reserve(reserve);
    text_.push_back('{');
  }
  DetailsText& String(std::string_view key, std::string_view value) {
    Key(key);
    AppendQuoted(value, text_);
    return *this;
  }
  DetailsText& Int(std::string_view key, int64_t value);
  // `json`: a JSON value's text, appended as is.
  DetailsText& Raw(std::string_view key, std::string_view json) {
    Key(key);
    text_.append(json);
    return *this;
  }
  // `payload_text` (JSON text) as a JSON string: "{\"a\":1}". At most one
  // per object; it is escaped only when the details are read (HistoryDetails).
  DetailsText& Payload(std::string_view key, std::string payload_text) {
    Key(key);
    payload_at_ = text_.size();
    payload_ = std::move(payload_text);
    return *this;
  }
  // The members of `object` (already details text: "{...}"), appended.
  DetailsText& Members(std::string_view object_text);
  // The object, closed; the writer is left empty.
  HistoryDetails Finish();

 private:
  void Key(std::string_view key) {
    if (text_.size() > 1) text_.push_back(',');
    text_.push_back('"');
    text_.append(key);
    text_.append("\":");
  }
  std::string text_;
  std::string payload_;
  size_t payload_at_ = std::string::npos;
};

}  // namespace stepwise::engine::internal

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTERNAL_HISTORY_TEXT_H_
