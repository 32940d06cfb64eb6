// The one place where absl::Status becomes grpc::Status (proto/stepwise/v1/errors.md).
//
//   return ToGrpcStatus(store.GetExecution(arn).status(), "ExecutionDoesNotExist");
//
// The gRPC code is the absl code (they share numbering); the message is
// "ExceptionName: text"; the grpc-status-details-bin trailer carries a
// stepwise.v1.RpcStatus holding one ErrorInfo (reason = exception name,
// domain = "stepwise", metadata as given). An empty `exception_name` picks a
// default from the code (ConflictException for ABORTED, ServiceUnavailable for
// UNAVAILABLE, InternalFailure for INTERNAL, ...).
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_GRPC_STATUS_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_GRPC_STATUS_H_

#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace stepwise::service {

// The exception name used when the caller gives none.
std::string_view DefaultExceptionName(absl::StatusCode code);

grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view exception_name,
                          const std::map<std::string, std::string>& metadata = {});

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_GRPC_STATUS_H_
