// StatesService::RedriveExecution: the executor's Redrive with AWS's errors
// (InvalidArn, ValidationException for a bad client token,
// ExecutionDoesNotExist, ExecutionNotRedrivable).
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

// AWS: clientToken is 1 to 64 printable ASCII characters without spaces.
constexpr size_t kMaxClientTokenChars = 64;

bool IsValidClientToken(std::string_view token) {
  if (token.size() > kMaxClientTokenChars) return false;
  for (char c : token) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace

grpc::Status StatesService::RedriveExecution(const v1::RedriveExecutionRequest& request,
                                             v1::RedriveExecutionResponse* response) {
  const std::string& arn = request.execution_arn();
  if (!internal::IsExecutionArn(arn)) return internal::InvalidArn(arn);
  if (!IsValidClientToken(request.client_token())) {
    return internal::ValidationError(
        "client_token", StrCat("Invalid clientToken: must be at most ", kMaxClientTokenChars,
                               " printable ASCII characters without spaces"));
  }
  absl::StatusOr<ExecutionExecutor::RedriveResult> redriven =
      executor_.Redrive(arn, request.client_token());
  if (!redriven.ok()) {
    const absl::Status& status = redriven.status();
    if (status.code() == absl::StatusCode::kFailedPrecondition) {
      return ToGrpcStatus(status, "ExecutionNotRedrivable", {{"resource", arn}});
    }
    return ExecutionError(status, arn);
  }
  internal::SetTimestamp(redriven->redrive_date, response->mutable_redrive_date());
  return grpc::Status::OK;
}

}  // namespace stepwise::service
