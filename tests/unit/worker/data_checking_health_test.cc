// The data-checking binary's --health-listen: it serves grpc.health.v1 on
// the port it prints, reports NOT_SERVING when SIGTERM starts the shutdown
// and exits 0; a bad address ends it at once with an error naming the flag.
// No orchestrator is needed: the worker keeps retrying 127.0.0.1:1.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace stepwise {
namespace {

using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

// A data-checking process with stdout and stderr on one pipe.
struct Child {
  pid_t pid = -1;
  FILE* output = nullptr;
};

Child Spawn(const std::vector<std::string>& flags) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], STDOUT_FILENO);
    dup2(fds[1], STDERR_FILENO);
    std::vector<char*> argv = {const_cast<char*>(DATA_CHECKING_BIN)};
    for (const std::string& flag : flags) argv.push_back(const_cast<char*>(flag.c_str()));
    argv.push_back(nullptr);
    execv(DATA_CHECKING_BIN, argv.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fdopen(fds[0], "r")};
}

// Reads lines until one contains `needle` (or the process closes its output).
std::string ReadUntil(FILE* output, const std::string& needle, std::string* all) {
  char line[4096];
  while (std::fgets(line, sizeof(line), output) != nullptr) {
    all->append(line);
    if (std::string(line).find(needle) != std::string::npos) return line;
  }
  return "";
}

// Reads the rest of the output and returns the exit status.
int Finish(Child& child, std::string* all) {
  ReadUntil(child.output, "\x01never", all);
  std::fclose(child.output);
  int status = 0;
  waitpid(child.pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(DataCheckingHealthTest, ServesHealthUntilSigterm) {
  Child child = Spawn({"--orchestrator", "127.0.0.1:1", "--health-listen", "127.0.0.1:0"});
  ASSERT_GT(child.pid, 0);
  std::string all;
  const std::string line = ReadUntil(child.output, "data-checking: health on 127.0.0.1:", &all);
  ASSERT_FALSE(line.empty()) << all;
  const int port = std::stoi(line.substr(line.rfind(':') + 1));
  ASSERT_GT(port, 0) << line;

  auto stub = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> stream =
      stub->Watch(&context, grpc::health::v1::HealthCheckRequest());
  HealthCheckResponse response;
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  kill(child.pid, SIGTERM);
  ASSERT_TRUE(stream->Read(&response));
  EXPECT_EQ(response.status(), HealthCheckResponse::NOT_SERVING);
  EXPECT_FALSE(stream->Read(&response));  // The server is gone.
  EXPECT_EQ(Finish(child, &all), 0) << all;
}

TEST(DataCheckingHealthTest, BadHealthAddressExitsNamingTheFlag) {
  Child child =
      Spawn({"--orchestrator", "127.0.0.1:1", "--health-listen", "no-such-host.invalid:x"});
  ASSERT_GT(child.pid, 0);
  std::string all;
  EXPECT_NE(Finish(child, &all), 0);
  EXPECT_THAT(all, HasSubstr("--health-listen no-such-host.invalid:x"));
}

}  // namespace
}  // namespace stepwise
