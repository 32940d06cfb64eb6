// StatesService::StartSyncExecution: start an EXPRESS execution through the
// executor and answer once it closes (ExecutionWaiter), within the RPC
// deadline and StatesServiceOptions::sync_execution_timeout.
#include <algorithm>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/str_cat.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

using internal::SetTimestamp;
using persistence::ExecutionRecord;
using persistence::ExecutionStatus;

constexpr std::string_view kTimeoutError = "States.Timeout";

// AWS's SyncExecutionStatus has no ABORTED: a stop by someone else is a
// failure; the stop this call makes when its time is up is a timeout.
v1::SyncExecutionStatus SyncStatus(const ExecutionRecord& record, bool stopped_by_timeout) {
  switch (record.status) {
    case ExecutionStatus::kSucceeded:
      return v1::SYNC_EXECUTION_STATUS_SUCCEEDED;
    case ExecutionStatus::kTimedOut:
      return v1::SYNC_EXECUTION_STATUS_TIMED_OUT;
    case ExecutionStatus::kAborted:
      return stopped_by_timeout ? v1::SYNC_EXECUTION_STATUS_TIMED_OUT
                                : v1::SYNC_EXECUTION_STATUS_FAILED;
    case ExecutionStatus::kFailed:
    case ExecutionStatus::kRunning:  // Not returned by the waiter.
      break;
  }
  return v1::SYNC_EXECUTION_STATUS_FAILED;
}

// StartSyncExecution runs ACTIVE EXPRESS machines only.
grpc::Status CheckSyncMachine(const persistence::StateMachineRecord& machine) {
  if (machine.status == persistence::StateMachineStatus::kDeleting) {
    return internal::StateMachineDeleting(machine.arn);
  }
  if (machine.type != "EXPRESS") {
    return internal::Error(
        absl::StatusCode::kFailedPrecondition, "StateMachineTypeNotSupported",
        StrCat("StartSyncExecution is only supported for EXPRESS state machines: '", machine.arn,
               "'"),
        {{"resource", machine.arn}});
  }
  return grpc::Status::OK;
}

}  // namespace

grpc::Status StatesService::StartSyncExecution(const v1::StartSyncExecutionRequest& request,
                                               v1::StartSyncExecutionResponse* response) {
  return StartSyncExecution(request, response, SyncCallContext{});
}

grpc::Status StatesService::StartSyncExecution(const v1::StartSyncExecutionRequest& request,
                                               v1::StartSyncExecutionResponse* response,
                                               const SyncCallContext& call) {
  const std::string& sm_arn = request.state_machine_arn();
  if (!internal::IsArnOfKind(sm_arn, "stateMachine")) return internal::InvalidArn(sm_arn);
  if (!v1::IncludedData_IsValid(request.included_data())) {
    return internal::ValidationError(
        "included_data",
        StrCat("Unknown includedData ", static_cast<int>(request.included_data())));
  }
  // The executor's record of the machine: no read when this replica has it.
  // A stale one fails the start's commit, and the record read then passes
  // these same checks before the start goes again (check_machine).
  absl::StatusOr<persistence::StateMachineRecord> machine = executor_.StateMachine(sm_arn);
  if (!machine.ok()) {
    return internal::LookupError(machine.status(), "StateMachineDoesNotExist", sm_arn);
  }
  if (grpc::Status s = CheckSyncMachine(*machine); !s.ok()) return s;

  std::string name = request.name();
  // The waiter registers before the first commit, so it waits from the
  // record the start returns (no read of the execution unless it outlives a
  // poll interval).
  std::optional<ExecutionWaiter::Ticket> ticket;
  ExecutionExecutor::StartOptions start;
  start.machine = &*machine;
  grpc::Status refused;
  start.check_machine = [&](const persistence::StateMachineRecord& fresh) {
    refused = CheckSyncMachine(fresh);
    return refused.ok() ? absl::OkStatus() : absl::FailedPreconditionError(refused.error_message());
  };
  start.before_commit = [&](const std::string& execution_arn) {
    ticket.emplace(waiter_->Register(execution_arn));
  };
  ExecutionRecord started;
  if (grpc::Status s = Start(sm_arn, name, request.input(), start, &started); !s.ok()) {
    return refused.ok() ? s : refused;
  }
  const std::string arn = started.execution_arn;
  if (!ticket.has_value()) ticket.emplace(waiter_->Register(arn));  // Not started by this call.

  absl::Duration budget = options_.sync_execution_timeout;
  if (call.time_left.has_value()) {
    budget = std::min(budget, *call.time_left - options_.sync_deadline_margin);
  }
  absl::StatusOr<ExecutionRecord> record =
      waiter_->WaitUntilClosed(*std::move(ticket), std::move(started), budget, call.cancelled);
  bool stopped_by_timeout = false;
  if (!record.ok()) {
    switch (record.status().code()) {
      case absl::StatusCode::kDeadlineExceeded: {
        // Nobody waits for the result any longer: a sync execution never
        // outlives its call (AWS ends Express executions at 5 minutes).
        absl::Status stopped =
            executor_.Stop(arn, kTimeoutError,
                           StrCat("The execution did not finish within ",
                                  absl::FormatDuration(std::max(budget, absl::ZeroDuration()))));
        // kFailedPrecondition: it closed meanwhile, and its own ending stands.
        if (!stopped.ok() && stopped.code() != absl::StatusCode::kFailedPrecondition) {
          return ExecutionError(stopped, arn);
        }
        stopped_by_timeout = stopped.ok();
        record = store_.GetExecution(arn);
        if (!record.ok()) return ExecutionError(record.status(), arn);
        break;
      }
      case absl::StatusCode::kCancelled:
        // The client is gone; gRPC's own code, without an exception name
        // (errors.md). The execution goes on and can be described.
        return grpc::Status(grpc::StatusCode::CANCELLED, std::string(record.status().message()));
      default:
        return ExecutionError(record.status(), arn);
    }
  }

  response->set_execution_arn(record->execution_arn);
  response->set_state_machine_arn(record->state_machine_arn);
  response->set_name(record->name);
  SetTimestamp(record->start_time, response->mutable_start_date());
  if (record->stop_time) SetTimestamp(*record->stop_time, response->mutable_stop_date());
  response->set_status(SyncStatus(*record, stopped_by_timeout));
  response->set_error(record->error);
  response->set_cause(record->cause);
  if (request.included_data() != v1::INCLUDED_DATA_METADATA_ONLY) {
    response->set_input(record->input);
    response->mutable_input_details()->set_included(true);
    if (record->status == ExecutionStatus::kSucceeded) {
      response->set_output(record->output);
      response->mutable_output_details()->set_included(true);
    }
  }
  response->set_trace_header(request.trace_header());
  return grpc::Status::OK;
}

}  // namespace stepwise::service
