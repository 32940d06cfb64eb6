// How the remote commands report a failed RPC, in the AWS CLI's words and
// with its exit codes:
//
//   An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution
//   operation: Execution Does Not Exist: 'arn:aws:states:...:execution:M:x'
//
//   RpcFailure failure = DescribeRpcFailure(status, "DescribeExecution", "localhost:7400",
//                                           absl::Seconds(30));
//   err << failure.message << "\n";
//   return failure.exit_code;
//
// The exception name comes from the stepwise.v1.ErrorInfo detail the
// orchestrator attaches (proto/stepwise/v1/errors.md), else from the
// "Name: text" message prefix. Failures gRPC produces on its own (no server,
// deadline, an RPC the server lacks) get their own wording.
#ifndef STEPWISE_CLI_REMOTE_RPC_ERROR_H_
#define STEPWISE_CLI_REMOTE_RPC_ERROR_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace stepwise::cli {

// Exit codes of the remote commands: the AWS CLI's "return codes".
inline constexpr int kRemoteExitOk = 0;
// Bad flags or local input (unreadable file://, invalid JSON, a required flag
// missing): nothing was sent.
inline constexpr int kRemoteExitUsage = 252;
// The orchestrator answered with an error (StateMachineDoesNotExist, ...).
inline constexpr int kRemoteExitServiceError = 254;
// No answer: the endpoint is unreachable, the read timeout passed, or the
// connection broke.
inline constexpr int kRemoteExitClientError = 255;

struct RpcFailure {
  int exit_code = kRemoteExitServiceError;
  // The AWS exception name, or empty when the orchestrator did not answer.
  std::string exception_name;
  // One line, no trailing newline.
  std::string message;
};

// The AWS exception name that `status` carries (ErrorInfo detail, else a
// "Name: " message prefix); nullopt when it carries none.
std::optional<std::string> ExceptionNameOf(const grpc::Status& status);

// How to report `status` (not OK) from calling `operation` (AWS's operation
// name, e.g. "StartExecution") on `endpoint` with `read_timeout`
// (absl::InfiniteDuration() when there was none).
RpcFailure DescribeRpcFailure(const grpc::Status& status, std::string_view operation,
                              std::string_view endpoint, absl::Duration read_timeout);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_RPC_ERROR_H_
