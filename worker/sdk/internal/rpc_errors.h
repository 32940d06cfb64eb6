// Reading the orchestrator's RPC errors (proto/stepwise/v1/errors.md): which
// AWS exception a status carries and what the worker should do about it.
//
//   grpc::Status status = stub->SendTaskSuccess(&context, request, &response);
//   if (IsTaskGone(status)) { /* drop the result: the orchestrator gave up */ }
//   else if (IsRetryable(status)) { /* back off and call again */ }
#ifndef STEPWISE_WORKER_SDK_INTERNAL_RPC_ERRORS_H_
#define STEPWISE_WORKER_SDK_INTERNAL_RPC_ERRORS_H_

#include <string>

#include "grpcpp/support/status.h"

namespace stepwise::worker::internal {

// The AWS exception name: the ErrorInfo reason from the status details, else
// the "Name: text" prefix of the message; empty for gRPC's own failures
// (no server, deadline, cancellation).
std::string ExceptionName(const grpc::Status& status);

// The orchestrator could not be reached or did not answer in time.
bool IsUnreachable(const grpc::Status& status);

// Calling again later may succeed: unreachable, ServiceUnavailable,
// ConflictException (ABORTED), throttling and limits (RESOURCE_EXHAUSTED
// with an exception name; without one it is gRPC's message-size limit).
bool IsRetryable(const grpc::Status& status);

// The task token is no longer wanted: TaskTimedOut, TaskDoesNotExist,
// InvalidToken. Never worth retrying.
bool IsTaskGone(const grpc::Status& status);

// SendTaskSuccess refused the output itself (InvalidOutput, a
// ValidationException such as a payload over the size limit, or gRPC's
// RESOURCE_EXHAUSTED for a message over the server's receive limit).
bool IsOutputRejected(const grpc::Status& status);

// CompleteAndPollTask refused its poll part, before completing anything:
// InvalidName, ActivityWorkerLimitExceeded, or a ValidationException about
// the poll's fields (queue, poll_key, wait_time_seconds) or a missing
// completion. The result is then still to be sent.
bool IsPollRefusal(const grpc::Status& status);

// "UNAVAILABLE: failed to connect to all addresses" for logs.
std::string Describe(const grpc::Status& status);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_RPC_ERRORS_H_
