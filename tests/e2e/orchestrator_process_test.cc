// stepwise-orchestrator as a real process with its embedded PostgreSQL:
// it starts from nothing, survives kill -9 (the next start takes over the
// PostgreSQL it left running), keeps every execution, and stops cleanly on
// SIGTERM without leaving a process behind.
#include "tests/e2e/orchestrator_process.h"

#include <signal.h>
#include <sys/types.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/e2e/states_calls.h"
#include "tests/testing/child_process.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::e2e {
namespace {

using testing::ChildProcess;
using testing::IsOk;

constexpr char kWaitingMachine[] = R"({"StartAt":"Hold","States":{
  "Hold":{"Type":"Wait","Seconds":100000,"End":true}}})";

// Each process has its own log, so WaitForLine sees only its lines.
absl::StatusOr<std::unique_ptr<OrchestratorProcess>> StartOrchestrator(const std::string& dir,
                                                                       const std::string& name) {
  return OrchestratorProcess::Start(/*port=*/0, {"--data-dir", dir + "/db"},
                                    StrCat(dir, "/", name, ".log"));
}

// A zombie counts as gone: a postmaster orphaned by kill -9 of its parent
// is reaped by whatever init the machine (or container) has, maybe never.
bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream stat(StrCat("/proc/", pid, "/stat"));
  std::string pid_field, command, state;
  stat >> pid_field >> command >> state;
  return state != "Z";
}

TEST(OrchestratorProcessTest, StartsFromNothingAndStopsCleanlyOnSigterm) {
  testing::ScopedTempDir dir("stepwise-e2e");
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> orchestrator =
      StartOrchestrator(dir.path(), "orchestrator");
  ASSERT_THAT(orchestrator, IsOk());
  const pid_t postmaster = EmbeddedPostmasterPid(dir.path() + "/db");
  EXPECT_TRUE(ProcessAlive(postmaster));

  absl::StatusOr<std::string> machine =
      CreateMachine((*orchestrator)->states(), "pass",
                    R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})");
  ASSERT_THAT(machine, IsOk());
  absl::StatusOr<std::string> execution =
      StartExecution((*orchestrator)->states(), *machine, "first", R"({"n":1})");
  ASSERT_THAT(execution, IsOk());
  absl::StatusOr<v1::DescribeExecutionResponse> described =
      DescribeExecution((*orchestrator)->states(), *execution);
  ASSERT_THAT(described, IsOk());
  EXPECT_EQ(described->status(), v1::EXECUTION_STATUS_SUCCEEDED);

  absl::StatusOr<int> code = (*orchestrator)->Terminate();  // SIGTERM
  ASSERT_THAT(code, IsOk());
  EXPECT_EQ(*code, 0) << (*orchestrator)->process().Log();
  EXPECT_FALSE(ProcessAlive(postmaster)) << "the embedded PostgreSQL outlived the orchestrator";
}

TEST(OrchestratorProcessTest, RestartsAfterKill9AndKeepsItsExecutions) {
  testing::ScopedTempDir dir("stepwise-e2e");
  std::string execution;
  {
    absl::StatusOr<std::unique_ptr<OrchestratorProcess>> first =
        StartOrchestrator(dir.path(), "first");
    ASSERT_THAT(first, IsOk());
    absl::StatusOr<std::string> machine =
        CreateMachine((*first)->states(), "hold", kWaitingMachine);
    ASSERT_THAT(machine, IsOk());
    absl::StatusOr<std::string> started =
        StartExecution((*first)->states(), *machine, "long", R"({"n":1})");
    ASSERT_THAT(started, IsOk());
    execution = *started;
    ASSERT_THAT((*first)->Kill(), IsOk());  // kill -9
  }
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> second =
      StartOrchestrator(dir.path(), "second");
  ASSERT_THAT(second, IsOk());
  absl::StatusOr<v1::DescribeExecutionResponse> described =
      DescribeExecution((*second)->states(), execution);
  ASSERT_THAT(described, IsOk());
  EXPECT_EQ(described->status(), v1::EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(described->input(), R"({"n":1})");

  // Starting the same name again is idempotent, as before the crash.
  absl::StatusOr<std::string> again =
      StartExecution((*second)->states(), described->state_machine_arn(), "long", R"({"n":1})");
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, execution);

  const pid_t postmaster = EmbeddedPostmasterPid(dir.path() + "/db");
  absl::StatusOr<int> code = (*second)->Terminate();  // SIGTERM
  ASSERT_THAT(code, IsOk());
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(ProcessAlive(postmaster));
}

TEST(OrchestratorProcessTest, ExplainsABadFlagAndExitsNonZero) {
  testing::ScopedTempDir dir("stepwise-e2e");
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {STEPWISE_ORCHESTRATOR_BIN, "--listen", "no-port-here"}, dir.path() + "/log");
  ASSERT_TRUE(process.ok());
  absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok());
  EXPECT_NE(*code, 0);
  EXPECT_NE((*process)->Log().find("HOST:PORT"), std::string::npos) << (*process)->Log();
}

}  // namespace
}  // namespace stepwise::e2e
