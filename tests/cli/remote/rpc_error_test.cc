// How failed RPCs are reported: the AWS CLI's sentence with the exception
// name from the server's ErrorInfo (as orchestrator/service/grpc_status.cc
// builds it), and gRPC's own failures with their exit codes.
#include "cli/remote/rpc_error.h"

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/grpc_status.h"

namespace stepwise::cli {
namespace {

using ::testing::HasSubstr;

constexpr char kEndpoint[] = "orchestrator.example:7400";

RpcFailure Describe(const grpc::Status& status) {
  return DescribeRpcFailure(status, "DescribeExecution", kEndpoint, absl::Seconds(30));
}

TEST(RpcErrorTest, ServerErrorsNameTheAwsException) {
  const grpc::Status status = service::ToGrpcStatus(
      absl::NotFoundError("Execution Does Not Exist: 'arn:x'"), "ExecutionDoesNotExist");
  EXPECT_EQ(ExceptionNameOf(status), "ExecutionDoesNotExist");
  const RpcFailure failure = Describe(status);
  EXPECT_EQ(failure.exit_code, kRemoteExitServiceError);
  EXPECT_EQ(failure.exit_code, 254);
  EXPECT_EQ(failure.exception_name, "ExecutionDoesNotExist");
  EXPECT_EQ(failure.message,
            "An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution "
            "operation: Execution Does Not Exist: 'arn:x'");
}

TEST(RpcErrorTest, ErrorInfoWinsOverTheMessage) {
  // The detail is authoritative; the message need not carry the prefix.
  const grpc::Status with_details =
      service::ToGrpcStatus(absl::InvalidArgumentError("bad"), "InvalidArn");
  const grpc::Status status(with_details.error_code(), "Something: else",
                            with_details.error_details());
  EXPECT_EQ(ExceptionNameOf(status), "InvalidArn");
  EXPECT_THAT(Describe(status).message, HasSubstr("(InvalidArn)"));
  EXPECT_THAT(Describe(status).message, HasSubstr("operation: Something: else"));
}

TEST(RpcErrorTest, MessagePrefixWithoutDetails) {
  const grpc::Status status(grpc::StatusCode::NOT_FOUND, "StateMachineDoesNotExist: gone");
  const RpcFailure failure = Describe(status);
  EXPECT_EQ(failure.exception_name, "StateMachineDoesNotExist");
  EXPECT_THAT(failure.message, ::testing::EndsWith("operation: gone"));
  EXPECT_EQ(failure.exit_code, kRemoteExitServiceError);
}

TEST(RpcErrorTest, UnavailableWithoutDetailsIsUnreachable) {
  const RpcFailure failure =
      Describe(grpc::Status(grpc::StatusCode::UNAVAILABLE, "failed to connect to all addresses"));
  EXPECT_EQ(failure.exit_code, kRemoteExitClientError);
  EXPECT_EQ(failure.exit_code, 255);
  EXPECT_THAT(failure.message,
              HasSubstr("Could not connect to the endpoint \"orchestrator.example:7400\""));
  EXPECT_THAT(failure.message, HasSubstr("failed to connect to all addresses"));
  EXPECT_THAT(failure.message, HasSubstr("STEPWISE_ENDPOINT"));
}

TEST(RpcErrorTest, ServiceUnavailableFromTheServerIsAServiceError) {
  const grpc::Status status = service::ToGrpcStatus(absl::UnavailableError("db down"), "");
  const RpcFailure failure = Describe(status);
  EXPECT_EQ(failure.exit_code, kRemoteExitServiceError);
  EXPECT_THAT(failure.message, HasSubstr("(ServiceUnavailable)"));
}

TEST(RpcErrorTest, DeadlineNamesTheTimeoutAndTheFlag) {
  const RpcFailure failure =
      Describe(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "Deadline Exceeded"));
  EXPECT_EQ(failure.exit_code, kRemoteExitClientError);
  EXPECT_THAT(failure.message, HasSubstr("Read timeout on endpoint \"orchestrator.example:7400\""));
  EXPECT_THAT(failure.message, HasSubstr("within 30s"));
  EXPECT_THAT(failure.message, HasSubstr("--cli-read-timeout"));
}

TEST(RpcErrorTest, UnimplementedSaysTheServerLacksTheOperation) {
  // gRPC's own UNIMPLEMENTED (no such method) has an empty message.
  const RpcFailure failure = Describe(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, ""));
  EXPECT_EQ(failure.exit_code, kRemoteExitServiceError);
  EXPECT_EQ(failure.message,
            "An error occurred (UnknownOperationException) when calling the DescribeExecution "
            "operation: the orchestrator at orchestrator.example:7400 does not implement "
            "DescribeExecution (yet)");
  EXPECT_THAT(
      Describe(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not implemented yet")).message,
      HasSubstr("operation: the orchestrator at orchestrator.example:7400 does not support it: "
                "not implemented yet"));
}

TEST(RpcErrorTest, OtherBareCodesAreNamedAfterTheCode) {
  const RpcFailure failure =
      Describe(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED, "message larger than max"));
  EXPECT_EQ(failure.exit_code, kRemoteExitServiceError);
  EXPECT_EQ(failure.exception_name, "ResourceExhausted");
  EXPECT_THAT(failure.message, HasSubstr("(ResourceExhausted)"));
  EXPECT_THAT(failure.message, HasSubstr("message larger than max"));
  // Lower-case or spaced prefixes are not exception names.
  EXPECT_EQ(ExceptionNameOf(grpc::Status(grpc::StatusCode::INTERNAL, "oops: x")), std::nullopt);
  EXPECT_EQ(ExceptionNameOf(grpc::Status(grpc::StatusCode::INTERNAL, "Two words: x")),
            std::nullopt);
}

}  // namespace
}  // namespace stepwise::cli
