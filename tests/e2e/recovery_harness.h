// The pieces the failure-recovery e2e tests (issue 4, "Resume after
// failures") share: stepwise-orchestrator and stepwise-example-worker as
// real processes on a fixed port (so that a restarted orchestrator is found
// again by workers that were talking to the one that died), the States calls
// the tests make, and the history invariants every recovered execution must
// keep (contiguous ids, valid previousEventIds, one start and one end, one
// closing event per scheduled task, the expected number of state entries).
//
//   ASSIGN_OR_RETURN(int port, PickFreePort());
//   ASSIGN_OR_RETURN(auto orchestrator,
//                    OrchestratorProcess::Start(port, {"--data-dir", dir + "/db"}, dir +
//                    "/o.log"));
//   ASSIGN_OR_RETURN(auto worker, StartExampleWorker(orchestrator->endpoint(), "w1", dir));
//   ASSIGN_OR_RETURN(std::string machine, CreateMachine(orchestrator->states(), "m", kDefinition));
//   ...
//   for (const std::string& problem : HistoryProblems(history)) ADD_FAILURE() << problem;
//
// Binary paths come from compile definitions (STEPWISE_ORCHESTRATOR_BIN,
// STEPWISE_EXAMPLE_WORKER_BIN). Every call has a deadline; gRPC errors become
// absl::Status with the same code.
#ifndef STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_
#define STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/testing/child_process.h"

namespace stepwise::e2e {

// Task resources served by stepwise-example-worker's default queues.
inline constexpr char kSleepArn[] = "arn:aws:lambda:us-east-1:123456789012:function:sleep";
inline constexpr char kAddArn[] = "arn:aws:lambda:us-east-1:123456789012:function:add";

// Generous: a loaded 2-core machine runs these tests next to builds.
inline constexpr absl::Duration kStartTimeout = absl::Seconds(60);

// A TCP port on 127.0.0.1 that was free a moment ago (bound, then released).
absl::StatusOr<int> PickFreePort();

// One stepwise-orchestrator process and a States client for it.
class OrchestratorProcess {
 public:
  // Starts it with `--listen 127.0.0.1:<port>` followed by `flags` and
  // returns once it prints its "serving on" line. kDeadlineExceeded or
  // kAborted (with the log's tail) when it does not get there.
  static absl::StatusOr<std::unique_ptr<OrchestratorProcess>> Start(
      int port, const std::vector<std::string>& flags, const std::string& log_path);

  // SIGTERM with a grace period, then SIGKILL, when still running.
  ~OrchestratorProcess();
  OrchestratorProcess(const OrchestratorProcess&) = delete;
  OrchestratorProcess& operator=(const OrchestratorProcess&) = delete;

  testing::ChildProcess& process() { return *process_; }
  // "127.0.0.1:PORT".
  const std::string& endpoint() const { return endpoint_; }
  // The database URL from the ready line (the embedded server's with --data-dir).
  const std::string& database_url() const { return database_url_; }
  v1::States::Stub& states() { return *states_; }

  // kill -9, then reaps it.
  absl::Status Kill();
  // Closes states() (not to be used after), then SIGTERM; returns the exit code.
  absl::StatusOr<int> Terminate(absl::Duration timeout = absl::Seconds(30));

 private:
  OrchestratorProcess() = default;

  std::unique_ptr<testing::ChildProcess> process_;
  std::string endpoint_;
  std::string database_url_;
  std::unique_ptr<v1::States::Stub> states_;
};

// Destroy after the orchestrator that owns `data_dir`'s embedded PostgreSQL:
// when that server still runs (its orchestrator was killed, e.g. by a failing
// test), it gets an immediate shutdown, so no test leaves one behind.
class EmbeddedPostgresReaper {
 public:
  explicit EmbeddedPostgresReaper(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  ~EmbeddedPostgresReaper();
  EmbeddedPostgresReaper(const EmbeddedPostgresReaper&) = delete;
  EmbeddedPostgresReaper& operator=(const EmbeddedPostgresReaper&) = delete;

 private:
  std::string data_dir_;
};

// Starts stepwise-example-worker against `endpoint` as `identity`, logging
// to `dir`/<identity>.log, serving `queues` (--queue values; empty: echo,
// fail, sleep and add on the queues of their names); returns once it prints
// its "polling" line. (A worker polls its queues with its free slots in
// turn: give a worker with few slots only the queues it must serve.)
absl::StatusOr<std::unique_ptr<testing::ChildProcess>> StartExampleWorker(
    const std::string& endpoint, const std::string& identity, const std::string& dir,
    int concurrency = 32, const std::vector<std::string>& queues = {});

// SIGTERM to a worker; once it exits 0, how many tasks it completed
// successfully (its "worker stopped: N succeeded" line).
absl::StatusOr<int> StopWorkerAndCountSucceeded(testing::ChildProcess& worker);

absl::StatusOr<std::string> CreateMachine(v1::States::Stub& states, const std::string& name,
                                          const std::string& definition);
absl::StatusOr<std::string> StartExecution(v1::States::Stub& states, const std::string& machine_arn,
                                           const std::string& name, const std::string& input);
absl::StatusOr<v1::DescribeExecutionResponse> DescribeExecution(v1::States::Stub& states,
                                                                const std::string& arn);
// Every event, oldest first.
absl::StatusOr<std::vector<v1::HistoryEvent>> ExecutionHistory(v1::States::Stub& states,
                                                               const std::string& arn);
// The ARNs of every execution of the machine (all pages).
absl::StatusOr<std::vector<std::string>> ListExecutionArns(v1::States::Stub& states,
                                                           const std::string& machine_arn);

// Polls `done` every 50 ms until it returns true or `timeout` passes;
// returns its last answer.
bool AwaitTrue(const std::function<bool()>& done, absl::Duration timeout);

// Polls DescribeExecution until none of `arns` is RUNNING or `timeout`
// passes; returns the last status of each (unreachable ones stay RUNNING).
std::map<std::string, v1::ExecutionStatus> AwaitExecutionsEnd(v1::States::Stub& states,
                                                              const std::vector<std::string>& arns,
                                                              absl::Duration timeout);

// How many events of `type` the history has.
int CountEvents(const std::vector<v1::HistoryEvent>& history, v1::HistoryEventType type);

// Violations of what every history must keep, one sentence each (empty when
// none): ids 1..N without gaps; previousEventId 0 for the first event and an
// earlier event's id for the others; exactly one ExecutionStarted (first)
// and at most one terminal event (last, and present when `ended`); every
// TaskStarted / TaskSucceeded / TaskFailed / TaskTimedOut chains (through
// TaskStarted events) back to a TaskScheduled, and every TaskScheduled is
// closed by exactly one of TaskSucceeded, TaskFailed, TaskTimedOut (at most
// one while the execution runs).
std::vector<std::string> HistoryProblems(const std::vector<v1::HistoryEvent>& history,
                                         bool ended = true);

// Violations of the state counts of a finished, successful execution: each
// state of `entered` was entered (XxxStateEntered) exactly that many times
// and exited as often, and no other state was entered.
std::vector<std::string> StateCountProblems(const std::vector<v1::HistoryEvent>& history,
                                            const std::map<std::string, int>& entered);

// One line per event ("3 <- 2 TASK_SCHEDULED"; "Name" for state events),
// for failure messages.
std::string HistoryText(const std::vector<v1::HistoryEvent>& history);

// Prints "[+1.234s] <what>" to stderr: where a test's time goes.
class PhaseLog {
 public:
  PhaseLog();
  void Mark(const std::string& what);

 private:
  absl::Time start_;
};

// The last `max` characters of `text`, for failure messages.
std::string Tail(const std::string& text, size_t max = 3000);

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_
