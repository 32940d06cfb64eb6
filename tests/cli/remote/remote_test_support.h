// Servers and helpers for the remote command tests: a real orchestrator
// (StatesGrpcService over MemoryStore and a FakeClock) or any gRPC service,
// in process on a free loopback port, and a way to run a command function
// against it and look at what it printed.
//
//   InProcessOrchestrator orchestrator;
//   CommandOutput created = RunCommand(RunCreateStateMachine,
//       CreateStateMachineFlags{.name = "Hello", .definition = kHello}, orchestrator.endpoint());
//   ASSERT_EQ(created.code, 0) << created.err;
//   EXPECT_EQ(created.Json().at("stateMachineArn"), "arn:aws:states:...");
#ifndef STEPWISE_TESTS_CLI_REMOTE_REMOTE_TEST_SUPPORT_H_
#define STEPWISE_TESTS_CLI_REMOTE_REMOTE_TEST_SUPPORT_H_

#include <memory>
#include <ostream>
#include <sstream>
#include <string>

#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "cli/remote/states_client.h"
#include "common/clock.h"
#include "grpcpp/server.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/states_grpc_service.h"
#include "orchestrator/service/states_service.h"
#include "persistence/memory/memory_store.h"

namespace stepwise::cli::testing {

// A gRPC server on 127.0.0.1 (free port) with `service` registered (not
// owned; must outlive the server). A plain v1::States::Service answers every
// RPC with UNIMPLEMENTED.
class TestServer {
 public:
  explicit TestServer(grpc::Service* service);
  ~TestServer();
  // "127.0.0.1:PORT".
  std::string endpoint() const { return endpoint_; }

 private:
  std::unique_ptr<grpc::Server> server_;
  std::string endpoint_;
};

// The real States service over a MemoryStore; time only moves when told to.
class InProcessOrchestrator {
 public:
  InProcessOrchestrator();
  std::string endpoint() const { return server_.endpoint(); }
  persistence::MemoryStore& store() { return store_; }
  FakeClock& clock() { return clock_; }

  // The token of the oldest pending task on `queue` (claimed for a worker),
  // or "" with a test failure.
  std::string ClaimTaskToken(const std::string& queue);

 private:
  persistence::MemoryStore store_;
  FakeClock clock_;
  service::ExecutionExecutor executor_;
  service::StatesService service_;
  service::StatesGrpcService grpc_service_;
  TestServer server_;
};

struct CommandOutput {
  int code = -1;
  std::string out;
  std::string err;
  // `out` parsed (fails the test and returns null when it is not JSON).
  boost::json::value Json() const;
};

// Runs `run(flags, client, out, err)` with a client of `endpoint`.
template <typename Flags>
CommandOutput RunCommand(int (*run)(const Flags&, StatesClient&, std::ostream&, std::ostream&),
                         const Flags& flags, const std::string& endpoint,
                         absl::Duration read_timeout = absl::Seconds(10)) {
  StatesClient client(endpoint, read_timeout);
  std::ostringstream out;
  std::ostringstream err;
  CommandOutput result;
  result.code = run(flags, client, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// An endpoint where nothing listens (a port that was just free).
std::string UnusedEndpoint();

// A fresh directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Writes `text` to the file `name` in the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace stepwise::cli::testing

#endif  // STEPWISE_TESTS_CLI_REMOTE_REMOTE_TEST_SUPPORT_H_
