#include "orchestrator/service/states_service.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/json_util.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/service/grpc_status.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using persistence::ExecutionRecord;
using persistence::HistoryRecord;
using persistence::StateMachineRecord;

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr int kMaxDiagnostics = 100;

grpc::Status Error(absl::StatusCode code, std::string_view exception_name, std::string_view text,
                   const std::map<std::string, std::string>& metadata = {}) {
  return ToGrpcStatus(absl::Status(code, std::string(text)), exception_name, metadata);
}

grpc::Status InvalidArn(std::string_view arn) {
  return Error(absl::StatusCode::kInvalidArgument, "InvalidArn", StrCat("Invalid Arn: '", arn, "'"),
               {{"resource", std::string(arn)}});
}

// arn:aws:states:REGION:ACCOUNT:KIND:NAME[:...] with a non-empty NAME.
bool IsArnOfKind(std::string_view arn, std::string_view kind) {
  constexpr std::string_view kPrefix = "arn:aws:states:";
  if (!arn.starts_with(kPrefix)) return false;
  std::string_view rest = arn.substr(kPrefix.size());
  for (int i = 0; i < 2; ++i) {  // REGION:ACCOUNT:
    size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return false;
    rest.remove_prefix(colon + 1);
  }
  if (!rest.starts_with(kind) || rest.size() <= kind.size() + 1 || rest[kind.size()] != ':') {
    return false;
  }
  return true;
}

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const int64_t seconds = absl::ToUnixSeconds(time);
  out->set_seconds(seconds);
  out->set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

// A random (version 4) UUID.
std::string NewUuid() {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  uint64_t hi = engine();
  uint64_t lo = engine();
  hi = (hi & ~uint64_t{0xF000}) | uint64_t{0x4000};
  lo = (lo & ~(uint64_t{0xC} << 60)) | (uint64_t{0x8} << 60);
  char buffer[37];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(hi >> 32), static_cast<unsigned>((hi >> 16) & 0xFFFF),
                static_cast<unsigned>(hi & 0xFFFF), static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFull));
  return buffer;
}

std::string DescribeDiagnostics(const std::vector<asl::Diagnostic>& diagnostics) {
  std::string text;
  for (const asl::Diagnostic& d : diagnostics) {
    if (d.severity != asl::Severity::kError) continue;
    if (!text.empty()) text.append(", ");
    text.append(StrCat("'", asl::DiagnosticCodeName(d.code), ": ", d.message));
    if (!d.location.empty()) text.append(StrCat(" at ", d.location));
    text.append("'");
  }
  return text;
}

v1::ExecutionStatus ToProto(persistence::ExecutionStatus status) {
  switch (status) {
    case persistence::ExecutionStatus::kRunning:
      return v1::EXECUTION_STATUS_RUNNING;
    case persistence::ExecutionStatus::kSucceeded:
      return v1::EXECUTION_STATUS_SUCCEEDED;
    case persistence::ExecutionStatus::kFailed:
      return v1::EXECUTION_STATUS_FAILED;
    case persistence::ExecutionStatus::kTimedOut:
      return v1::EXECUTION_STATUS_TIMED_OUT;
    case persistence::ExecutionStatus::kAborted:
      return v1::EXECUTION_STATUS_ABORTED;
  }
  return v1::EXECUTION_STATUS_UNSPECIFIED;
}

v1::StateMachineType TypeFromString(std::string_view type) {
  return type == "EXPRESS" ? v1::STATE_MACHINE_TYPE_EXPRESS : v1::STATE_MACHINE_TYPE_STANDARD;
}

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
  boost::system::error_code ec;
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
  SetTimestamp(record.timestamp, event.mutable_timestamp());
  return event;
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

int PageSize(int32_t max_results) {
  if (max_results <= 0) return kDefaultPageSize;
  return std::min<int>(max_results, kMaxPageSize);
}

}  // namespace

StatesService::StatesService(persistence::ExecutionStore& store, ExecutionExecutor& executor,
                             const Clock& clock, StatesServiceOptions options)
    : store_(store), executor_(executor), clock_(clock), options_(std::move(options)) {}

std::string StatesService::StateMachineArn(std::string_view name) const {
  return StrCat("arn:aws:states:", options_.region, ":", options_.account, ":stateMachine:", name);
}

grpc::Status StatesService::CreateStateMachine(const v1::CreateStateMachineRequest& request,
                                               v1::CreateStateMachineResponse* response) {
  std::vector<asl::Diagnostic> name_problems = asl::ValidateStateMachineName(request.name());
  if (!name_problems.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidName",
                 StrCat("Invalid Name: '", request.name(), "': ", name_problems.front().message),
                 {{"field", "name"}});
  }
  asl::Substitutions substitutions(request.definition_substitutions().begin(),
                                   request.definition_substitutions().end());
  absl::StatusOr<std::string> definition =
      asl::ApplySubstitutions(request.definition(), substitutions);
  if (!definition.ok()) {
    const auto message = definition.status().message();
    return Error(absl::StatusCode::kInvalidArgument, "InvalidDefinition",
                 StrCat("Invalid State Machine Definition: ",
                        std::string_view(message.data(), message.size())),
                 {{"field", "definition"}});
  }
  asl::ValidationResult validation =
      asl::ValidateDefinition(*definition, asl::ValidateOptions{.allow_placeholders = false});
  if (!validation.ok()) {
    return Error(
        absl::StatusCode::kInvalidArgument, "InvalidDefinition",
        StrCat("Invalid State Machine Definition: ", DescribeDiagnostics(validation.diagnostics)),
        {{"field", "definition"}});
  }

  StateMachineRecord record;
  record.arn = StateMachineArn(request.name());
  record.name = request.name();
  record.type = request.type() == v1::STATE_MACHINE_TYPE_EXPRESS ? "EXPRESS" : "STANDARD";
  record.definition = *std::move(definition);
  record.role_arn = request.role_arn();
  record.revision_id = NewUuid();
  record.creation_date = clock_.Now();
  record.update_date = record.creation_date;
  absl::StatusOr<StateMachineRecord> created = store_.CreateStateMachine(record);
  if (!created.ok()) {
    std::string_view name = created.status().code() == absl::StatusCode::kAlreadyExists
                                ? "StateMachineAlreadyExists"
                                : "";
    return ToGrpcStatus(created.status(), name, {{"resource", record.arn}});
  }
  response->set_state_machine_arn(created->arn);
  SetTimestamp(created->creation_date, response->mutable_creation_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DescribeStateMachine(const v1::DescribeStateMachineRequest& request,
                                                 v1::DescribeStateMachineResponse* response) {
  if (!IsArnOfKind(request.state_machine_arn(), "stateMachine")) {
    return InvalidArn(request.state_machine_arn());
  }
  absl::StatusOr<StateMachineRecord> record = store_.GetStateMachine(request.state_machine_arn());
  if (!record.ok()) {
    std::string_view name =
        record.status().code() == absl::StatusCode::kNotFound ? "StateMachineDoesNotExist" : "";
    return ToGrpcStatus(record.status(), name, {{"resource", request.state_machine_arn()}});
  }
  response->set_state_machine_arn(record->arn);
  response->set_name(record->name);
  response->set_status(v1::STATE_MACHINE_STATUS_ACTIVE);
  if (request.included_data() != v1::INCLUDED_DATA_METADATA_ONLY) {
    response->set_definition(record->definition);
  }
  response->set_role_arn(record->role_arn);
  response->set_type(TypeFromString(record->type));
  SetTimestamp(record->creation_date, response->mutable_creation_date());
  response->set_revision_id(record->revision_id);
  return grpc::Status::OK;
}

grpc::Status StatesService::ListStateMachines(const v1::ListStateMachinesRequest& request,
                                              v1::ListStateMachinesResponse* response) {
  absl::StatusOr<persistence::StateMachinePage> page =
      store_.ListStateMachines(PageSize(request.max_results()), request.next_token());
  if (!page.ok()) {
    std::string_view name =
        page.status().code() == absl::StatusCode::kInvalidArgument ? "InvalidToken" : "";
    return ToGrpcStatus(page.status(), name, {{"field", "next_token"}});
  }
  for (const StateMachineRecord& record : page->state_machines) {
    v1::StateMachineListItem* item = response->add_state_machines();
    item->set_state_machine_arn(record.arn);
    item->set_name(record.name);
    item->set_type(TypeFromString(record.type));
    SetTimestamp(record.creation_date, item->mutable_creation_date());
  }
  response->set_next_token(page->next_page_token);
  return grpc::Status::OK;
}

grpc::Status StatesService::ValidateStateMachineDefinition(
    const v1::ValidateStateMachineDefinitionRequest& request,
    v1::ValidateStateMachineDefinitionResponse* response) {
  const bool include_warnings =
      request.severity() == v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_WARNING;
  const int limit = request.max_results() <= 0
                        ? kMaxDiagnostics
                        : std::min<int>(request.max_results(), kMaxDiagnostics);
  asl::ValidationResult validation = asl::ValidateDefinition(request.definition());
  response->set_result(validation.ok() ? v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_OK
                                       : v1::VALIDATE_STATE_MACHINE_DEFINITION_RESULT_CODE_FAIL);
  for (const asl::Diagnostic& d : validation.diagnostics) {
    if (d.severity == asl::Severity::kWarning && !include_warnings) continue;
    if (response->diagnostics_size() >= limit) {
      response->set_truncated(true);
      break;
    }
    v1::ValidateStateMachineDefinitionDiagnostic* out = response->add_diagnostics();
    out->set_severity(d.severity == asl::Severity::kError
                          ? v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_ERROR
                          : v1::VALIDATE_STATE_MACHINE_DEFINITION_SEVERITY_WARNING);
    out->set_code(std::string(asl::DiagnosticCodeName(d.code)));
    out->set_message(d.message);
    out->set_location(d.location);
  }
  return grpc::Status::OK;
}

grpc::Status StatesService::StartExecution(const v1::StartExecutionRequest& request,
                                           v1::StartExecutionResponse* response) {
  const std::string& sm_arn = request.state_machine_arn();
  if (!IsArnOfKind(sm_arn, "stateMachine")) return InvalidArn(sm_arn);
  std::string name = request.name().empty() ? NewUuid() : request.name();
  std::vector<asl::Diagnostic> name_problems = asl::ValidateStateMachineName(name);
  if (!name_problems.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidName",
                 StrCat("Invalid Name: '", name, "': ", name_problems.front().message),
                 {{"field", "name"}});
  }
  absl::StatusOr<std::string> arn = executor_.StartExecution(sm_arn, name, request.input());
  if (!arn.ok()) {
    std::string_view exception;
    switch (arn.status().code()) {
      case absl::StatusCode::kNotFound:
        exception = "StateMachineDoesNotExist";
        break;
      case absl::StatusCode::kInvalidArgument:
        exception = "InvalidExecutionInput";
        break;
      case absl::StatusCode::kAlreadyExists:
        exception = "ExecutionAlreadyExists";
        break;
      case absl::StatusCode::kFailedPrecondition:
        exception = "StateMachineDeleting";
        break;
      default:
        break;
    }
    return ToGrpcStatus(arn.status(), exception, {{"resource", sm_arn}});
  }
  absl::StatusOr<ExecutionRecord> execution = store_.GetExecution(*arn);
  if (!execution.ok()) return ToGrpcStatus(execution.status(), "", {{"resource", *arn}});
  response->set_execution_arn(*arn);
  SetTimestamp(execution->start_time, response->mutable_start_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DescribeExecution(const v1::DescribeExecutionRequest& request,
                                              v1::DescribeExecutionResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!IsArnOfKind(arn, "execution")) return InvalidArn(arn);
  absl::StatusOr<ExecutionRecord> execution = store_.GetExecution(arn);
  if (!execution.ok()) {
    std::string_view name =
        execution.status().code() == absl::StatusCode::kNotFound ? "ExecutionDoesNotExist" : "";
    return ToGrpcStatus(execution.status(), name, {{"resource", arn}});
  }
  const bool with_data = request.included_data() != v1::INCLUDED_DATA_METADATA_ONLY;
  response->set_execution_arn(execution->execution_arn);
  response->set_state_machine_arn(execution->state_machine_arn);
  response->set_name(execution->name);
  response->set_status(ToProto(execution->status));
  SetTimestamp(execution->start_time, response->mutable_start_date());
  if (execution->stop_time) SetTimestamp(*execution->stop_time, response->mutable_stop_date());
  if (with_data) {
    response->set_input(execution->input);
    response->mutable_input_details()->set_included(true);
    if (execution->status == persistence::ExecutionStatus::kSucceeded) {
      response->set_output(execution->output);
      response->mutable_output_details()->set_included(true);
    }
  }
  response->set_error(execution->error);
  response->set_cause(execution->cause);
  response->set_redrive_count(static_cast<int32_t>(execution->redrive_count));
  if (execution->redrive_date) {
    SetTimestamp(*execution->redrive_date, response->mutable_redrive_date());
  }
  return grpc::Status::OK;
}

grpc::Status StatesService::GetExecutionHistory(const v1::GetExecutionHistoryRequest& request,
                                                v1::GetExecutionHistoryResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!IsArnOfKind(arn, "execution")) return InvalidArn(arn);
  persistence::HistoryQuery query;
  query.reverse = request.reverse_order();
  if (!request.next_token().empty()) {
    std::optional<int64_t> cursor = ParseHistoryToken(request.next_token(), query.reverse);
    if (!cursor) {
      return Error(absl::StatusCode::kInvalidArgument, "InvalidToken",
                   StrCat("Invalid Token: '", request.next_token(), "'"),
                   {{"field", "next_token"}});
    }
    query.cursor = *cursor;
  }
  const int page_size = PageSize(request.max_results());
  query.max_events = page_size + 1;  // One more tells whether a next page exists.
  absl::StatusOr<std::vector<HistoryRecord>> history = store_.ReadHistory(arn, query);
  if (!history.ok()) {
    std::string_view name =
        history.status().code() == absl::StatusCode::kNotFound ? "ExecutionDoesNotExist" : "";
    return ToGrpcStatus(history.status(), name, {{"resource", arn}});
  }
  const bool more = static_cast<int>(history->size()) > page_size;
  if (more) history->resize(page_size);
  for (const HistoryRecord& record : *history) *response->add_events() = ToProto(record);
  if (more && !history->empty()) {
    response->set_next_token(HistoryToken(query.reverse, history->back().id));
  }
  return grpc::Status::OK;
}

grpc::Status StatesService::SendTaskSuccess(const v1::SendTaskSuccessRequest& request,
                                            v1::SendTaskSuccessResponse* /*response*/) {
  if (request.task_token().empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidToken", "Invalid Token: empty",
                 {{"field", "task_token"}});
  }
  absl::Status status = executor_.CompleteTask(request.task_token(), request.output());
  std::string_view name;
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      name = "TaskDoesNotExist";
      break;
    case absl::StatusCode::kFailedPrecondition:
      name = "TaskTimedOut";
      break;
    case absl::StatusCode::kInvalidArgument:
      name = "InvalidOutput";
      break;
    default:
      break;
  }
  return ToGrpcStatus(status, name, {{"resource", request.task_token()}});
}

grpc::Status StatesService::SendTaskFailure(const v1::SendTaskFailureRequest& request,
                                            v1::SendTaskFailureResponse* /*response*/) {
  if (request.task_token().empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidToken", "Invalid Token: empty",
                 {{"field", "task_token"}});
  }
  absl::Status status = executor_.FailTask(request.task_token(), request.error(), request.cause());
  std::string_view name;
  switch (status.code()) {
    case absl::StatusCode::kNotFound:
      name = "TaskDoesNotExist";
      break;
    case absl::StatusCode::kFailedPrecondition:
      name = "TaskTimedOut";
      break;
    default:
      break;
  }
  return ToGrpcStatus(status, name, {{"resource", request.task_token()}});
}

grpc::Status StatesService::StopExecution(const v1::StopExecutionRequest& request,
                                          v1::StopExecutionResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!IsArnOfKind(arn, "execution")) return InvalidArn(arn);
  absl::Status stopped = executor_.Stop(arn, request.error(), request.cause());
  // Stopping an ended execution is an idempotent no-op (errors.md).
  if (!stopped.ok() && stopped.code() != absl::StatusCode::kFailedPrecondition) {
    std::string_view name =
        stopped.code() == absl::StatusCode::kNotFound ? "ExecutionDoesNotExist" : "";
    return ToGrpcStatus(stopped, name, {{"resource", arn}});
  }
  absl::StatusOr<ExecutionRecord> execution = store_.GetExecution(arn);
  if (!execution.ok()) {
    std::string_view name =
        execution.status().code() == absl::StatusCode::kNotFound ? "ExecutionDoesNotExist" : "";
    return ToGrpcStatus(execution.status(), name, {{"resource", arn}});
  }
  SetTimestamp(execution->stop_time.value_or(clock_.Now()), response->mutable_stop_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::UpdateStateMachine(const v1::UpdateStateMachineRequest& /*request*/,
                                               v1::UpdateStateMachineResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "UpdateStateMachine is not implemented yet");
}

grpc::Status StatesService::DeleteStateMachine(const v1::DeleteStateMachineRequest& /*request*/,
                                               v1::DeleteStateMachineResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "DeleteStateMachine is not implemented yet");
}

grpc::Status StatesService::StartSyncExecution(const v1::StartSyncExecutionRequest& /*request*/,
                                               v1::StartSyncExecutionResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "StartSyncExecution is not implemented yet");
}

grpc::Status StatesService::ListExecutions(const v1::ListExecutionsRequest& /*request*/,
                                           v1::ListExecutionsResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ListExecutions is not implemented yet");
}

grpc::Status StatesService::SendTaskHeartbeat(const v1::SendTaskHeartbeatRequest& /*request*/,
                                              v1::SendTaskHeartbeatResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "SendTaskHeartbeat is not implemented yet");
}

grpc::Status StatesService::TestState(const v1::TestStateRequest& /*request*/,
                                      v1::TestStateResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "TestState is not implemented yet");
}

}  // namespace stepwise::service
