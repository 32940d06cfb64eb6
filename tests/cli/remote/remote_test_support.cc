#include "tests/cli/remote/remote_test_support.h"

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <system_error>

#include "boost/json/parse.hpp"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "gtest/gtest.h"

namespace stepwise::cli::testing {

TestServer::TestServer(grpc::Service* service) {
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service);
  server_ = builder.BuildAndStart();
  EXPECT_NE(server_, nullptr);
  EXPECT_GT(port, 0);
  endpoint_ = "127.0.0.1:" + std::to_string(port);
}

TestServer::~TestServer() {
  if (server_) server_->Shutdown(std::chrono::system_clock::now());
}

InProcessOrchestrator::InProcessOrchestrator()
    : executor_(store_, clock_),
      service_(store_, executor_, clock_),
      grpc_service_(service_),
      server_(&grpc_service_) {}

std::string InProcessOrchestrator::ClaimTaskToken(const std::string& queue) {
  auto task = store_.ClaimTask(queue, "test-worker", clock_.Now() + absl::Minutes(5), clock_.Now());
  EXPECT_TRUE(task.ok()) << task.status();
  if (!task.ok() || !task->has_value()) {
    ADD_FAILURE() << "no task on queue " << queue;
    return "";
  }
  return (*task)->task_token;
}

boost::json::value CommandOutput::Json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(out, ec);
  if (ec) {
    ADD_FAILURE() << "output is not JSON (" << ec.message() << "):\n" << out;
    return nullptr;
  }
  return value;
}

std::string UnusedEndpoint() {
  // Bind a port, then let it go: nothing listens there afterwards.
  v1::States::Service unimplemented;
  std::string endpoint;
  {
    TestServer server(&unimplemented);
    endpoint = server.endpoint();
  }
  return endpoint;
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "stepwise_cli_remote_XXXXXX").string();
  EXPECT_NE(::mkdtemp(pattern.data()), nullptr);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::Write(const std::string& name, const std::string& text) const {
  std::string path = (std::filesystem::path(path_) / name).string();
  std::ofstream(path) << text;
  return path;
}

}  // namespace stepwise::cli::testing
