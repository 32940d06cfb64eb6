// StatesService: task completion by token (SendTaskSuccess, SendTaskFailure,
// SendTaskHeartbeat).
#include <algorithm>
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

using internal::Error;

// AWS's limit on a task token's length.
constexpr size_t kMaxTokenChars = 2048;

// Tokens Stepwise issues are engine::DeriveToken's: 64 lowercase hex
// characters. Anything else cannot name a task.
bool IsWellFormedTaskToken(std::string_view token) {
  return token.size() == 64 && std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

// InvalidToken unless `token` could be one Stepwise issued.
grpc::Status CheckTaskToken(const std::string& token) {
  if (token.empty()) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidToken", "Invalid Token: empty",
                 {{"field", "task_token"}});
  }
  if (!IsWellFormedTaskToken(token)) {
    const std::string_view shown = std::string_view(token).substr(0, 80);
    return Error(absl::StatusCode::kInvalidArgument, "InvalidToken",
                 StrCat("Invalid Token: '", shown, token.size() > shown.size() ? "...'" : "'",
                        token.size() > kMaxTokenChars ? " is too long" : " is malformed"),
                 {{"field", "task_token"}});
  }
  return grpc::Status::OK;
}

// The one mapping from a failed lookup or completion of a well-formed token
// to AWS's exception (errors.md; AWS: "The task token has either expired or
// the task associated with the token has already been closed"):
//   kNotFound           no task has this token             -> TaskDoesNotExist
//   kFailedPrecondition the task is closed (COMPLETED, CANCELLED, TIMED_OUT)
//                       or its execution ended             -> TaskTimedOut
// Every closed status maps alike, so a new persistence::TaskStatus needs no
// change here.
grpc::Status TaskError(const absl::Status& status, const std::string& token) {
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
  return ToGrpcStatus(status, name, {{"resource", token}});
}

}  // namespace

grpc::Status StatesService::SendTaskSuccess(const v1::SendTaskSuccessRequest& request,
                                            v1::SendTaskSuccessResponse* /*response*/) {
  if (grpc::Status s = CheckTaskToken(request.task_token()); !s.ok()) return s;
  if (grpc::Status s = internal::CheckPayloadSize(request.output(), options_.max_payload_bytes,
                                                  "output", "InvalidOutput");
      !s.ok()) {
    return s;
  }
  absl::Status status = executor_.CompleteTask(request.task_token(), request.output());
  if (status.code() == absl::StatusCode::kInvalidArgument) {  // Output is not JSON.
    return ToGrpcStatus(status, "InvalidOutput", {{"field", "output"}});
  }
  return TaskError(status, request.task_token());
}

grpc::Status StatesService::SendTaskFailure(const v1::SendTaskFailureRequest& request,
                                            v1::SendTaskFailureResponse* /*response*/) {
  if (grpc::Status s = CheckTaskToken(request.task_token()); !s.ok()) return s;
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
  return TaskError(executor_.FailTask(request.task_token(), request.error(), request.cause()),
                   request.task_token());
}

grpc::Status StatesService::SendTaskHeartbeat(const v1::SendTaskHeartbeatRequest& request,
                                              v1::SendTaskHeartbeatResponse* /*response*/) {
  const std::string& token = request.task_token();
  if (grpc::Status s = CheckTaskToken(token); !s.ok()) return s;
  absl::StatusOr<persistence::TaskRecord> task = store_.FindTaskByToken(token);
  if (!task.ok()) return TaskError(task.status(), token);
  if (!persistence::IsOpen(task->status)) {
    return TaskError(absl::FailedPreconditionError(
                         StrCat("Task '", task->task_id, "' of execution '", task->execution_arn,
                                "' is already ", persistence::TaskStatusName(task->status))),
                     token);
  }
  // A heartbeat renews the lease the claim gave (lease_until - last_heartbeat:
  // the claim and each heartbeat set both), e.g. a PollTask worker's short
  // lease; the lease is what redelivers a dead worker's task. Without one
  // (not claimed), as before: HeartbeatSeconds, else heartbeat_lease.
  const absl::Time now = clock_.Now();
  absl::Duration renew = task->heartbeat_seconds.has_value()
                             ? absl::Seconds(*task->heartbeat_seconds)
                             : options_.heartbeat_lease;
  if (task->lease_until.has_value() && task->last_heartbeat.has_value() &&
      *task->lease_until > *task->last_heartbeat) {
    renew = *task->lease_until - *task->last_heartbeat;
  }
  absl::Time lease_until = now + renew;
  if (task->lease_until.has_value()) lease_until = std::max(lease_until, *task->lease_until);
  return TaskError(store_.RecordHeartbeat(token, now, lease_until).status(), token);
}

}  // namespace stepwise::service
