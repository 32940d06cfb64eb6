// What every gRPC call of the e2e tests needs: a context with a deadline, so
// that a stuck server fails the test instead of hanging it, and the call's
// grpc::Status as an absl::Status with the same code.
//
//   v1::DescribeExecutionResponse response;
//   auto context = CallContext();
//   RETURN_IF_ERROR(FromGrpc(states.DescribeExecution(context.get(), request, &response),
//                            StrCat("DescribeExecution ", arn)));
#ifndef STEPWISE_TESTS_E2E_GRPC_CALL_H_
#define STEPWISE_TESTS_E2E_GRPC_CALL_H_

#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"

namespace stepwise::e2e {

// Generous: a loaded 2-core machine runs these tests next to builds.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(20);

// A fresh context whose deadline is kCallTimeout from now (one per call).
inline std::unique_ptr<grpc::ClientContext> CallContext() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  return context;
}

// OK for OK; otherwise the same code and "`what`: <gRPC message>".
inline absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      StrCat(what, ": ", status.error_message()));
}

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_GRPC_CALL_H_
