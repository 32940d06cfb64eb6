// The account-applications CLI's bad input, without a service: each bad
// command line fails before any call with one stderr line naming the
// problem (exit 2), and an unreachable service is named by its address
// (exit 1). Bad input against a live service is checked in
// workshop_e2e_test.cc, where there are applications to leave unchanged.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/e2e/workshop_stack.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

using ::testing::HasSubstr;

// A port nothing listens on (bound, then closed).
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

TEST(AccountApplicationsCliTest, ExplainsBadInputAndAnUnreachableService) {
  testing::ScopedTempDir dir("stepwise-cli-e2e");
  const std::string nowhere = StrCat("127.0.0.1:", ClosedPort());
  struct BadCall {
    std::vector<std::string> args;
    int exit_code;
    std::string message_part;
  };
  const std::vector<BadCall> calls = {
      {{"submit", "--name", "Spock"}, 2, "--address is required"},
      {{"review", "--id", "application_1", "--decision", "maybe"},
       2,
       "--decision must be APPROVE or REJECT, not 'maybe'"},
      {{"find", "--state", "ACCEPTED"}, 2, "--state must be one of"},
      {{"get"}, 2, "--id is required"},
      {{"get", "--id", "a", "b"}, 2, "not expected: b"},
      {{"approve", "--id", "a"}, 2, "unknown subcommand 'approve'"},
      {{"serve", "--listen", "127.0.0.1:0"}, 2, "--database-url is required"},
      {{"get", "--id", "application_1"},
       1,
       StrCat("cannot reach the Account Applications service at ", nowhere)},
  };
  for (const BadCall& call : calls) {
    SCOPED_TRACE(StrJoin(call.args, " "));
    std::vector<std::string> argv = {ACCOUNT_APPLICATIONS_BIN};
    argv.insert(argv.end(), call.args.begin(), call.args.end());
    absl::StatusOr<CommandResult> result = RunCommand(
        argv, dir.path(), absl::Seconds(30),
        {StrCat("ACCOUNT_APPLICATIONS_ENDPOINT=", nowhere), "ACCOUNT_APPLICATIONS_DATABASE_URL="});
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->exit_code, call.exit_code) << result->err;
    EXPECT_THAT(result->err, HasSubstr(call.message_part));
    EXPECT_EQ(std::count(result->err.begin(), result->err.end(), '\n'), 1) << result->err;
    EXPECT_TRUE(result->out.empty()) << result->out;
  }
}

}  // namespace
}  // namespace stepwise::e2e
