// StatesService: the execution RPCs (StartExecution, DescribeExecution,
// ListExecutions, StopExecution) and the start/error helpers StartSyncExecution shares.
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

using internal::Error;
using internal::SetTimestamp;
using persistence::ExecutionRecord;

// A ListExecutions call goes through at most this many store pages looking
// for executions that pass the redrive filter, then returns what it has
// (possibly nothing) with a next_token, as AWS allows.
constexpr int kMaxStorePagesPerList = 10;

bool PassesRedriveFilter(const ExecutionRecord& record, v1::ExecutionRedriveFilter filter) {
  switch (filter) {
    case v1::EXECUTION_REDRIVE_FILTER_REDRIVEN:
      return record.redrive_count > 0;
    case v1::EXECUTION_REDRIVE_FILTER_NOT_REDRIVEN:
      return record.redrive_count == 0;
    default:
      return true;
  }
}

void ToListItem(const ExecutionRecord& record, v1::ExecutionListItem* item) {
  item->set_execution_arn(record.execution_arn);
  item->set_state_machine_arn(record.state_machine_arn);
  item->set_name(record.name);
  item->set_status(internal::ToProto(record.status));
  SetTimestamp(record.start_time, item->mutable_start_date());
  if (record.stop_time) SetTimestamp(*record.stop_time, item->mutable_stop_date());
  item->set_redrive_count(static_cast<int32_t>(record.redrive_count));
  if (record.redrive_date) SetTimestamp(*record.redrive_date, item->mutable_redrive_date());
}

// "arn:aws:states:R:A:stateMachine:NAME" -> "NAME".
std::string_view StateMachineName(std::string_view arn) {
  constexpr std::string_view kKind = ":stateMachine:";
  const size_t at = arn.find(kKind);
  return at == std::string_view::npos ? arn : arn.substr(at + kKind.size());
}

}  // namespace

grpc::Status StatesService::Start(const std::string& state_machine_arn, std::string& name,
                                  const std::string& input,
                                  const ExecutionExecutor::StartOptions& start,
                                  ExecutionRecord* execution) {
  if (!internal::IsArnOfKind(state_machine_arn, "stateMachine")) {
    return internal::InvalidArn(state_machine_arn);
  }
  if (name.empty()) name = internal::NewUuid();
  if (grpc::Status s = internal::CheckName(name, "name"); !s.ok()) return s;
  if (grpc::Status s = internal::CheckPayloadSize(input, options_.max_payload_bytes, "input",
                                                  "InvalidExecutionInput");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<ExecutionRecord> started =
      executor_.StartExecutionRecord(state_machine_arn, name, input, start);
  if (started.ok()) {
    *execution = *std::move(started);
    return grpc::Status::OK;
  }
  const absl::Status& status = started.status();
  switch (status.code()) {
    case absl::StatusCode::kNotFound:  // The machine (a revision is never missing at start).
      return ToGrpcStatus(status, "StateMachineDoesNotExist", {{"resource", state_machine_arn}});
    case absl::StatusCode::kInvalidArgument:  // The name passed CheckName: the input.
      return ToGrpcStatus(status, "InvalidExecutionInput", {{"field", "input"}});
    case absl::StatusCode::kAlreadyExists:
      return ToGrpcStatus(
          status, "ExecutionAlreadyExists",
          {{"resource", executor_.ExecutionArn(StateMachineName(state_machine_arn), name)}});
    case absl::StatusCode::kFailedPrecondition:  // The machine is DELETING.
      return internal::StateMachineDeleting(state_machine_arn);
    default:
      return ToGrpcStatus(status, "", {{"resource", state_machine_arn}});
  }
}

grpc::Status StatesService::ExecutionError(const absl::Status& status,
                                           const std::string& execution_arn) {
  if (status.code() == absl::StatusCode::kNotFound) {
    // The executor's kNotFound may be about the execution or about the
    // revision it runs; only the first is ExecutionDoesNotExist.
    absl::StatusOr<ExecutionRecord> exists = store_.GetExecution(execution_arn);
    if (exists.ok()) {
      return ToGrpcStatus(absl::InternalError(std::string(status.message())), "",
                          {{"resource", execution_arn}});
    }
    if (exists.status().code() != absl::StatusCode::kNotFound) {
      return ToGrpcStatus(exists.status(), "", {{"resource", execution_arn}});
    }
  }
  return internal::LookupError(status, "ExecutionDoesNotExist", execution_arn);
}

grpc::Status StatesService::StartExecution(const v1::StartExecutionRequest& request,
                                           v1::StartExecutionResponse* response) {
  std::string name = request.name();
  ExecutionRecord execution;
  if (grpc::Status s = Start(request.state_machine_arn(), name, request.input(), {}, &execution);
      !s.ok()) {
    return s;
  }
  response->set_execution_arn(execution.execution_arn);
  SetTimestamp(execution.start_time, response->mutable_start_date());
  return grpc::Status::OK;
}

grpc::Status StatesService::DescribeExecution(const v1::DescribeExecutionRequest& request,
                                              v1::DescribeExecutionResponse* response) {
  const std::string& arn = request.execution_arn();
  // Both forms: AWS refuses DescribeExecution for EXPRESS executions (it keeps
  // them in CloudWatch Logs only); Stepwise keeps every execution, so it
  // answers for them too.
  if (!internal::IsExecutionArn(arn)) return internal::InvalidArn(arn);
  absl::StatusOr<ExecutionRecord> execution = store_.GetExecution(arn);
  if (!execution.ok()) {
    return internal::LookupError(execution.status(), "ExecutionDoesNotExist", arn);
  }
  const bool with_data = request.included_data() != v1::INCLUDED_DATA_METADATA_ONLY;
  response->set_execution_arn(execution->execution_arn);
  response->set_state_machine_arn(execution->state_machine_arn);
  response->set_name(execution->name);
  response->set_status(internal::ToProto(execution->status));
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
  absl::StatusOr<std::optional<std::string>> not_redrivable =
      executor_.NotRedrivableReason(*execution);
  if (!not_redrivable.ok()) return ToGrpcStatus(not_redrivable.status(), "", {{"resource", arn}});
  if (not_redrivable->has_value()) {
    response->set_redrive_status(v1::EXECUTION_REDRIVE_STATUS_NOT_REDRIVABLE);
    response->set_redrive_status_reason(**not_redrivable);
  } else {
    response->set_redrive_status(v1::EXECUTION_REDRIVE_STATUS_REDRIVABLE);
  }
  return grpc::Status::OK;
}

grpc::Status StatesService::ListExecutions(const v1::ListExecutionsRequest& request,
                                           v1::ListExecutionsResponse* response) {
  const std::string& sm_arn = request.state_machine_arn();
  const std::string& map_run_arn = request.map_run_arn();
  if (!sm_arn.empty() && !map_run_arn.empty()) {
    return internal::ValidationError("map_run_arn",
                                     "Specify either stateMachineArn or mapRunArn, not both");
  }
  if (sm_arn.empty() && map_run_arn.empty()) {
    return internal::ValidationError("state_machine_arn",
                                     "stateMachineArn or mapRunArn is required");
  }
  if (!map_run_arn.empty()) {
    if (!internal::IsArnOfKind(map_run_arn, "mapRun")) return internal::InvalidArn(map_run_arn);
    // Distributed Map runs are not supported, so no Map Run exists.
    return Error(absl::StatusCode::kNotFound, "ResourceNotFound",
                 StrCat("Resource Not Found: '", map_run_arn, "'"), {{"resource", map_run_arn}});
  }
  if (!internal::IsArnOfKind(sm_arn, "stateMachine")) return internal::InvalidArn(sm_arn);
  absl::StatusOr<int> page_size = internal::PageSize(request.max_results());
  if (!page_size.ok()) return internal::PageSizeError(page_size.status());
  if (!v1::ExecutionRedriveFilter_IsValid(request.redrive_filter())) {
    return internal::ValidationError(
        "redrive_filter",
        StrCat("Unknown redrive filter ", static_cast<int>(request.redrive_filter())));
  }
  persistence::ExecutionFilter filter;
  filter.state_machine_arn = sm_arn;
  bool matches_nothing = false;
  if (request.status_filter() == v1::EXECUTION_STATUS_PENDING_REDRIVE) {
    matches_nothing = true;  // Redrives apply at once: nothing is ever pending.
  } else {
    absl::StatusOr<std::optional<persistence::ExecutionStatus>> status =
        internal::StatusFilter(request.status_filter());
    if (!status.ok()) {
      return internal::ValidationError(
          "status_filter",
          StrCat("Unknown status filter ", static_cast<int>(request.status_filter())));
    }
    filter.status = *status;
  }

  absl::StatusOr<persistence::StateMachineRecord> machine = store_.GetStateMachine(sm_arn);
  if (!machine.ok()) {
    return internal::LookupError(machine.status(), "StateMachineDoesNotExist", sm_arn);
  }
  if (machine->type == "EXPRESS") {  // AWS keeps no list of Express executions.
    return Error(
        absl::StatusCode::kFailedPrecondition, "StateMachineTypeNotSupported",
        StrCat("ListExecutions is not supported for EXPRESS state machines: '", sm_arn, "'"),
        {{"resource", sm_arn}});
  }
  if (matches_nothing) return grpc::Status::OK;

  std::string token = request.next_token();
  for (int pages = 0; pages < kMaxStorePagesPerList; ++pages) {
    absl::StatusOr<persistence::ExecutionPage> page =
        store_.ListExecutions(filter, *page_size, token);
    if (!page.ok()) {
      const bool bad_token =
          page.status().code() == absl::StatusCode::kInvalidArgument && !token.empty();
      if (bad_token) {
        return Error(absl::StatusCode::kInvalidArgument, "InvalidToken",
                     StrCat("Invalid Token: '", request.next_token(), "'"),
                     {{"field", "next_token"}});
      }
      return ToGrpcStatus(page.status(), "", {{"resource", sm_arn}});
    }
    for (const ExecutionRecord& record : page->executions) {
      if (PassesRedriveFilter(record, request.redrive_filter())) {
        ToListItem(record, response->add_executions());
      }
    }
    token = page->next_page_token;
    if (response->executions_size() > 0 || token.empty()) break;
  }
  response->set_next_token(token);
  return grpc::Status::OK;
}

grpc::Status StatesService::StopExecution(const v1::StopExecutionRequest& request,
                                          v1::StopExecutionResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!internal::IsExecutionArn(arn)) return internal::InvalidArn(arn);
  if (grpc::Status s =
          internal::CheckTextLength(request.error(), internal::kMaxErrorChars, "error");
      !s.ok()) {
    return s;
  }
  if (grpc::Status s =
          internal::CheckTextLength(request.cause(), internal::kMaxCauseChars, "cause");
      !s.ok()) {
    return s;
  }
  absl::Status stopped = executor_.Stop(arn, request.error(), request.cause());
  // Stopping an ended execution is an idempotent no-op (errors.md).
  if (!stopped.ok() && stopped.code() != absl::StatusCode::kFailedPrecondition) {
    return ExecutionError(stopped, arn);
  }
  absl::StatusOr<ExecutionRecord> execution = store_.GetExecution(arn);
  if (!execution.ok()) {
    return internal::LookupError(execution.status(), "ExecutionDoesNotExist", arn);
  }
  SetTimestamp(execution->stop_time.value_or(clock_.Now()), response->mutable_stop_date());
  return grpc::Status::OK;
}

}  // namespace stepwise::service
