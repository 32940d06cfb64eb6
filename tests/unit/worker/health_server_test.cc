// HealthServer (worker/sdk/health_server.h) over real gRPC on 127.0.0.1:
// a grpc.health.v1 client sees SERVING, then NOT_SERVING, and bad addresses
// are refused with an error naming them.
#include "worker/sdk/health_server.h"

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::worker {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::HasSubstr;

// The status Check reports, or UNKNOWN with the RPC error in *error.
HealthCheckResponse::ServingStatus Check(int port, std::string* error) {
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckResponse response;
  const grpc::Status status =
      stub->Check(&context, grpc::health::v1::HealthCheckRequest(), &response);
  if (!status.ok()) {
    *error = status.error_message();
    return HealthCheckResponse::UNKNOWN;
  }
  return response.status();
}

TEST(HealthServerTest, ServesThenNotServing) {
  HealthServer health;
  absl::StatusOr<int> port = health.Start("127.0.0.1:0");
  ASSERT_THAT(port.status(), IsOk());
  ASSERT_GT(*port, 0);
  std::string error;
  EXPECT_EQ(Check(*port, &error), HealthCheckResponse::SERVING) << error;

  health.SetServing(false);
  EXPECT_EQ(Check(*port, &error), HealthCheckResponse::NOT_SERVING) << error;
  health.SetServing(true);
  EXPECT_EQ(Check(*port, &error), HealthCheckResponse::SERVING) << error;

  health.Shutdown();
  health.Shutdown();  // Idempotent.
  EXPECT_EQ(Check(*port, &error), HealthCheckResponse::UNKNOWN) << "the server should be gone";
}

// Watch sends the current status, every change, and ends at Shutdown.
TEST(HealthServerTest, WatchSeesEachChangeAndEndsAtShutdown) {
  HealthServer health;
  absl::StatusOr<int> port = health.Start("127.0.0.1:0");
  ASSERT_THAT(port.status(), IsOk());
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> stream =
      stub->Watch(&context, grpc::health::v1::HealthCheckRequest());
  HealthCheckResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  health.SetServing(false);
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  health.SetServing(true);
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  health.Shutdown();
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(stream->Read(&response));
  EXPECT_TRUE(stream->Finish().ok());
}

TEST(HealthServerTest, OtherServiceNamesAreUnknown) {
  HealthServer health;
  absl::StatusOr<int> port = health.Start("127.0.0.1:0");
  ASSERT_THAT(port.status(), IsOk());
  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", *port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::health::v1::HealthCheckRequest request;
  request.set_service("stepwise.v1.States");
  HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("stepwise.v1.States"));
}

TEST(HealthServerTest, RefusesABadAddressNamingIt) {
  HealthServer health;
  const absl::StatusOr<int> port = health.Start("not an address");
  EXPECT_THAT(port, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(port.status().message()), HasSubstr("'not an address'"));
  for (const std::string bad :
       {"", "127.0.0.1", "127.0.0.1:", ":0", "127.0.0.1:x", "localhost:70000"}) {
    SCOPED_TRACE(bad);
    HealthServer other;
    const absl::StatusOr<int> result = other.Start(bad);
    EXPECT_THAT(result, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(result.status().message()), HasSubstr(StrCat("'", bad, "'")));
  }
}

TEST(HealthServerTest, RefusesAPortInUse) {
  HealthServer first;
  absl::StatusOr<int> port = first.Start("127.0.0.1:0");
  ASSERT_THAT(port.status(), IsOk());
  HealthServer second;
  const std::string address = StrCat("127.0.0.1:", *port);
  const absl::StatusOr<int> second_port = second.Start(address);
  EXPECT_THAT(second_port, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(second_port.status().message()), HasSubstr(address));
}

TEST(HealthServerTest, StartTwiceIsRefused) {
  HealthServer health;
  ASSERT_THAT(health.Start("127.0.0.1:0").status(), IsOk());
  EXPECT_THAT(health.Start("127.0.0.1:0").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(HealthServerTest, SetServingAndShutdownBeforeStartDoNothing) {
  HealthServer health;
  health.SetServing(false);
  health.Shutdown();
}

}  // namespace
}  // namespace stepwise::worker
