// StatesClient: the remote commands' connection to a stepwise-orchestrator
// (the stepwise.v1.States service): one channel, a read timeout applied to
// every call as its deadline, and failures reported the AWS CLI's way
// (rpc_error.h).
//
//   StatesClient client("localhost:7400", absl::Seconds(30));
//   v1::DescribeExecutionResponse response;
//   int code = client.Invoke(&v1::States::StubInterface::DescribeExecution, request,
//                            &response, std::cerr);
//   if (code != kRemoteExitOk) return code;  // The error is already printed.
//
// Not thread-safe for concurrent Invoke calls that share `err`; otherwise as
// the gRPC stub (thread-safe).
#ifndef STEPWISE_CLI_REMOTE_STATES_CLIENT_H_
#define STEPWISE_CLI_REMOTE_STATES_CLIENT_H_

#include <chrono>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "cli/remote/rpc_error.h"
#include "grpcpp/channel.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::cli {

// The default orchestrator endpoint (stepwise-orchestrator's default port).
inline constexpr std::string_view kDefaultEndpoint = "localhost:7400";

// A synchronous States RPC, e.g. &v1::States::StubInterface::StartExecution.
template <typename Request, typename Response>
using StatesRpc = grpc::Status (v1::States::StubInterface::*)(grpc::ClientContext*, const Request&,
                                                              Response*);

// AWS's operation name of a request message: "StartExecutionRequest" ->
// "StartExecution".
std::string OperationName(const google::protobuf::Descriptor& request_descriptor);

class StatesClient {
 public:
  // An insecure channel to `endpoint` ("HOST:PORT"); nothing connects until
  // the first call. `read_timeout` is each call's deadline;
  // absl::InfiniteDuration() means none.
  StatesClient(const std::string& endpoint, absl::Duration read_timeout);
  // Calls go through `stub` (a test double, or one over another channel);
  // `endpoint` only names it in messages.
  StatesClient(std::unique_ptr<v1::States::StubInterface> stub, std::string endpoint,
               absl::Duration read_timeout);

  const std::string& endpoint() const { return endpoint_; }
  absl::Duration read_timeout() const { return read_timeout_; }

  // One call of `rpc` under the read timeout. On success returns
  // kRemoteExitOk with `response` filled; otherwise prints the failure (one
  // line) to `err` and returns its exit code (kRemoteExitServiceError or
  // kRemoteExitClientError).
  template <typename Request, typename Response>
  int Invoke(StatesRpc<Request, Response> rpc, const Request& request, Response* response,
             std::ostream& err) {
    grpc::ClientContext context;
    SetDeadline(context);
    const grpc::Status status = ((*stub_).*rpc)(&context, request, response);
    if (status.ok()) return kRemoteExitOk;
    return Report(status, OperationName(*Request::descriptor()), err);
  }

 private:
  void SetDeadline(grpc::ClientContext& context) const;
  int Report(const grpc::Status& status, std::string_view operation, std::ostream& err) const;

  std::string endpoint_;
  absl::Duration read_timeout_;
  std::unique_ptr<v1::States::StubInterface> stub_;
};

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_STATES_CLIENT_H_
