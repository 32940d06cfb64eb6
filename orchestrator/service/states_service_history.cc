// StatesService::GetExecutionHistory: stored AWS-shaped event JSON -> proto
// HistoryEvent, paged, optionally without the execution data.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/json_util.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using persistence::HistoryRecord;

// "TaskStateEntered" -> HISTORY_EVENT_TYPE_TASK_STATE_ENTERED.
v1::HistoryEventType HistoryTypeFromName(std::string_view name) {
  std::string upper = "HISTORY_EVENT_TYPE";
  for (char c : name) {
    if (c >= 'A' && c <= 'Z') {
      upper.push_back('_');
      upper.push_back(c);
    } else {
      upper.push_back(static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c));
    }
  }
  v1::HistoryEventType type = v1::HISTORY_EVENT_TYPE_UNSPECIFIED;
  if (!v1::HistoryEventType_Parse(upper, &type)) return v1::HISTORY_EVENT_TYPE_UNSPECIFIED;
  return type;
}

// The stored AWS-shaped event JSON as a proto HistoryEvent. The
// `<kind>EventDetails` keys are the proto JSON names of the oneof fields.
v1::HistoryEvent ToProto(const HistoryRecord& record) {
  v1::HistoryEvent event;
  const v1::HistoryEventType type = HistoryTypeFromName(record.type);
  std::error_code ec;
  json::value parsed = json::parse(record.event_json, ec);
  if (!ec && parsed.is_object()) {
    json::object& object = parsed.as_object();
    object.erase("timestamp");  // Set below from the record.
    object["type"] = v1::HistoryEventType_Name(type);
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(json::serialize(object), &event, options)
             .ok()) {
      event.Clear();
    }
  }
  event.set_id(record.id);
  event.set_previous_event_id(record.previous_event_id);
  event.set_type(type);
  internal::SetTimestamp(record.timestamp, event.mutable_timestamp());
  return event;
}

// includeExecutionData=false: AWS leaves out the payloads (inputs, outputs,
// task parameters, assigned variable values) and keeps everything else.
void StripExecutionData(v1::HistoryEvent& event) {
  const google::protobuf::OneofDescriptor* oneof =
      v1::HistoryEvent::descriptor()->FindOneofByName("details");
  const google::protobuf::Reflection* reflection = event.GetReflection();
  const google::protobuf::FieldDescriptor* set = reflection->GetOneofFieldDescriptor(event, oneof);
  if (set == nullptr) return;
  google::protobuf::Message* details = reflection->MutableMessage(&event, set);
  for (const char* name : {"input", "output", "parameters", "assigned_variables"}) {
    if (const google::protobuf::FieldDescriptor* field =
            details->GetDescriptor()->FindFieldByName(name)) {
      details->GetReflection()->ClearField(details, field);
    }
  }
}

// GetExecutionHistory's next_token: direction and cursor ("f:12" / "r:3").
std::string HistoryToken(bool reverse, int64_t cursor) {
  return StrCat(reverse ? "r:" : "f:", cursor);
}

std::optional<int64_t> ParseHistoryToken(std::string_view token, bool reverse) {
  if (token.size() < 3 || token[0] != (reverse ? 'r' : 'f') || token[1] != ':') return std::nullopt;
  int64_t cursor = 0;
  std::string digits(token.substr(2));
  if (!absl::SimpleAtoi(digits, &cursor) || cursor < 0) return std::nullopt;
  return cursor;
}

}  // namespace

grpc::Status StatesService::GetExecutionHistory(const v1::GetExecutionHistoryRequest& request,
                                                v1::GetExecutionHistoryResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!internal::IsExecutionArn(arn)) return internal::InvalidArn(arn);
  absl::StatusOr<int> page_size = internal::PageSize(request.max_results());
  if (!page_size.ok()) return internal::PageSizeError(page_size.status());
  persistence::HistoryQuery query;
  query.reverse = request.reverse_order();
  if (!request.next_token().empty()) {
    std::optional<int64_t> cursor = ParseHistoryToken(request.next_token(), query.reverse);
    if (!cursor) {
      return internal::Error(absl::StatusCode::kInvalidArgument, "InvalidToken",
                             StrCat("Invalid Token: '", request.next_token(), "'"),
                             {{"field", "next_token"}});
    }
    query.cursor = *cursor;
  }
  query.max_events = *page_size + 1;  // One more tells whether a next page exists.
  absl::StatusOr<std::vector<HistoryRecord>> history = store_.ReadHistory(arn, query);
  if (!history.ok()) return internal::LookupError(history.status(), "ExecutionDoesNotExist", arn);
  const bool more = static_cast<int>(history->size()) > *page_size;
  if (more) history->resize(*page_size);
  // Unset means true (AWS's default).
  const bool with_data = !request.has_include_execution_data() || request.include_execution_data();
  for (const HistoryRecord& record : *history) {
    v1::HistoryEvent* event = response->add_events();
    *event = ToProto(record);
    if (!with_data) StripExecutionData(*event);
  }
  if (more && !history->empty()) {
    response->set_next_token(HistoryToken(query.reverse, history->back().id));
  }
  return grpc::Status::OK;
}

}  // namespace stepwise::service
