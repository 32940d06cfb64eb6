// PostgreSQL restarted under load (issue 4): stepwise-orchestrator runs on a
// PostgreSQL this test starts itself (--database-url); a client thread keeps
// starting executions while the server is stopped (pg_ctl stop -m fast) and
// started again on the same port and data directory. The orchestrator must
// not crash, must reconnect by itself, and every execution started must
// complete. StartExecution calls during the outage may fail with
// UNAVAILABLE; the client retries them, and since StartExecution is
// idempotent by name each execution counts once.
#include <signal.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/embedded/embedded_postgres.h"
#include "tests/e2e/recovery_harness.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

using persistence::EmbeddedPostgres;
using testing::ChildProcess;

constexpr char kMachine[] = R"({"StartAt":"Sleep","States":{
  "Sleep":{"Type":"Task","Resource":"${Sleep}","Next":"Hold"},
  "Hold":{"Type":"Wait","Seconds":1,"Next":"Add"},
  "Add":{"Type":"Task","Resource":"${Add}","Parameters":{"a.$":"$.id","b":5},"End":true}}})";

// Starts executions "load-0", "load-1", ... about every 50 ms on its own
// thread until stopped; a failed StartExecution is retried (same name, same
// input) until it succeeds.
class Load {
 public:
  Load(v1::States::Stub& states, std::string machine)
      : states_(states), machine_(std::move(machine)), thread_([this] { Run(); }) {}
  ~Load() { Stop(); }

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int started() const { return started_; }
  int failures() const { return failures_; }
  // Name -> ARN of every execution started; call after Stop().
  const std::map<std::string, std::string>& executions() const { return executions_; }
  // The codes of the failed calls.
  std::set<absl::StatusCode> failure_codes() {
    std::lock_guard<std::mutex> lock(mu_);
    return failure_codes_;
  }

 private:
  void Run() {
    for (int k = 0; !stop_; ++k) {
      const std::string name = StrCat("load-", k);
      const std::string input = StrCat(R"({"id":)", k, R"(,"seconds":0.2})");
      while (true) {
        absl::StatusOr<std::string> arn = StartExecution(states_, machine_, name, input);
        if (arn.ok()) {
          executions_[name] = *arn;
          ++started_;
          break;
        }
        ++failures_;
        {
          std::lock_guard<std::mutex> lock(mu_);
          failure_codes_.insert(arn.status().code());
        }
        // A client's retry interval while PostgreSQL is away.
        absl::SleepFor(absl::Milliseconds(100));
      }
      absl::SleepFor(absl::Milliseconds(50));  // The load's rate.
    }
  }

  v1::States::Stub& states_;
  const std::string machine_;
  std::atomic<bool> stop_{false};
  std::atomic<int> started_{0};
  std::atomic<int> failures_{0};
  std::map<std::string, std::string> executions_;  // Only the thread, until joined.
  std::mutex mu_;
  std::set<absl::StatusCode> failure_codes_;
  std::thread thread_;  // Last: starts after everything it uses.
};

TEST(PostgresRestartTest, OrchestratorReconnectsAndEveryExecutionCompletes) {
  testing::ScopedTempDir dir("stepwise-e2e-pg-restart");
  ASSERT_FALSE(dir.path().empty());
  PhaseLog phases;
  persistence::EmbeddedPostgresOptions options = testing::TestServerOptions(dir.path() + "/pg");
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> postgres = EmbeddedPostgres::Start(options);
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  ASSERT_TRUE((*postgres)->CreateDatabase("stepwise").ok());
  const std::string database_url = (*postgres)->ConnectionUrl("stepwise");
  options.port = (*postgres)->port();  // The restart comes back on the same port.

  absl::StatusOr<int> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status();
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> orchestrator = OrchestratorProcess::Start(
      *port, {"--database-url", database_url}, dir.path() + "/orchestrator.log");
  ASSERT_TRUE(orchestrator.ok()) << orchestrator.status();
  v1::States::Stub& states = (*orchestrator)->states();
  absl::StatusOr<std::unique_ptr<ChildProcess>> worker =
      StartExampleWorker((*orchestrator)->endpoint(), "worker", dir.path());
  ASSERT_TRUE(worker.ok()) << worker.status();
  absl::StatusOr<std::string> machine =
      CreateMachine(states, "steady",
                    absl::StrReplaceAll(kMachine, {{"${Sleep}", kSleepArn}, {"${Add}", kAddArn}}));
  ASSERT_TRUE(machine.ok()) << machine.status();

  Load load(states, *machine);
  ASSERT_TRUE(AwaitTrue([&] { return load.started() >= 20; }, absl::Seconds(20)));
  phases.Mark("stopping PostgreSQL");
  ASSERT_TRUE((*postgres)->Stop().ok());
  const absl::Time stopped_at = absl::Now();
  // The outage lasts until the load has felt it for a while (15 failed
  // calls, 100 ms apart), long enough for tasks to finish and Wait timers to
  // come due meanwhile.
  EXPECT_TRUE(AwaitTrue([&] { return load.failures() >= 15; }, absl::Seconds(20)))
      << "StartExecution kept succeeding with PostgreSQL stopped";
  phases.Mark("restarting PostgreSQL");
  postgres->reset();
  postgres = EmbeddedPostgres::Start(options);
  ASSERT_TRUE(postgres.ok()) << postgres.status();
  phases.Mark("PostgreSQL is back");
  const absl::Duration outage = absl::Now() - stopped_at;
  const int started_before_restart = load.started();
  ASSERT_TRUE(
      AwaitTrue([&] { return load.started() >= started_before_restart + 20; }, absl::Seconds(30)))
      << "no new execution started after PostgreSQL came back\n"
      << Tail((*orchestrator)->process().Log());
  load.Stop();
  phases.Mark("load stopped");
  std::cerr << "outage " << absl::FormatDuration(outage) << ", " << load.started()
            << " executions, " << load.failures() << " failed StartExecution calls\n";
  for (const absl::StatusCode code : load.failure_codes()) {
    EXPECT_EQ(code, absl::StatusCode::kUnavailable)
        << "StartExecution failed with " << absl::StatusCodeToString(code)
        << " while PostgreSQL was away; clients should be told to retry";
  }

  std::vector<std::string> arns;
  for (const auto& [name, arn] : load.executions()) arns.push_back(arn);
  const std::map<std::string, v1::ExecutionStatus> statuses =
      AwaitExecutionsEnd(states, arns, absl::Seconds(60));
  phases.Mark("executions ended");
  EXPECT_TRUE((*orchestrator)->process().Running()) << "the orchestrator exited";
  for (const auto& [name, arn] : load.executions()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(statuses.at(arn), v1::EXECUTION_STATUS_SUCCEEDED);
    absl::StatusOr<v1::DescribeExecutionResponse> described = DescribeExecution(states, arn);
    ASSERT_TRUE(described.ok()) << described.status();
    const int k = std::stoi(name.substr(std::string("load-").size()));
    EXPECT_EQ(boost::json::parse(described->output().empty() ? "null" : described->output()),
              boost::json::parse(StrCat(R"({"sum":)", k + 5, "}")));
    absl::StatusOr<std::vector<v1::HistoryEvent>> history = ExecutionHistory(states, arn);
    ASSERT_TRUE(history.ok()) << history.status();
    for (const std::string& problem : HistoryProblems(*history)) ADD_FAILURE() << problem;
    for (const std::string& problem :
         StateCountProblems(*history, {{"Sleep", 1}, {"Hold", 1}, {"Add", 1}})) {
      ADD_FAILURE() << problem;
    }
  }
  absl::StatusOr<std::vector<std::string>> listed = ListExecutionArns(states, *machine);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), load.executions().size()) << "a retried start made a second execution";

  if (::testing::Test::HasFailure()) {
    ADD_FAILURE() << "--- orchestrator.log\n"
                  << Tail((*orchestrator)->process().Log()) << "\n--- worker.log\n"
                  << Tail((*worker)->Log());
  }
  EXPECT_TRUE(StopWorkerAndCountSucceeded(**worker).ok());
  absl::StatusOr<int> code = (*orchestrator)->Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << Tail((*orchestrator)->process().Log());
}

}  // namespace
}  // namespace stepwise::e2e
