// The pieces the failure-recovery e2e tests (issue 4, "Resume after
// failures") share on top of orchestrator_process.h and states_calls.h:
// stepwise-example-worker as a real process, waiting for many executions to
// end, and the history invariants every recovered execution must keep
// (contiguous ids, valid previousEventIds, one start and one end, one
// closing event per scheduled task, the expected number of state entries).
//
//   ASSIGN_OR_RETURN(int port, PickFreePort());
//   ASSIGN_OR_RETURN(auto orchestrator,
//                    OrchestratorProcess::Start(port, {"--data-dir", dir + "/db"}, log_path));
//   ASSIGN_OR_RETURN(auto worker, StartExampleWorker(orchestrator->endpoint(), "w1", dir));
//   ASSIGN_OR_RETURN(std::string machine, CreateMachine(orchestrator->states(), "m", kDefinition));
//   ...
//   for (const std::string& problem : HistoryProblems(history)) ADD_FAILURE() << problem;
//
// The worker's path comes from the compile definition STEPWISE_EXAMPLE_WORKER_BIN.
#ifndef STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_
#define STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/e2e/orchestrator_process.h"
#include "tests/e2e/states_calls.h"
#include "tests/testing/await.h"
#include "tests/testing/child_process.h"

namespace stepwise::e2e {

// Task resources served by stepwise-example-worker's default queues.
inline constexpr char kSleepArn[] = "arn:aws:lambda:us-east-1:123456789012:function:sleep";
inline constexpr char kAddArn[] = "arn:aws:lambda:us-east-1:123456789012:function:add";

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

// The tests wait for what they cannot be signalled about with it.
using ::stepwise::testing::AwaitTrue;

// Polls DescribeExecution until none of `arns` is RUNNING or `timeout`
// passes; returns the last status of each (unreachable ones stay RUNNING).
std::map<std::string, v1::ExecutionStatus> AwaitExecutionsEnd(v1::States::Stub& states,
                                                              const std::vector<std::string>& arns,
                                                              absl::Duration timeout);

// Violations of what every history must keep, one sentence each (empty when
// none): ids 1..N without gaps; previousEventId 0 for the first event and an
// earlier event's id for the others; exactly one ExecutionStarted (first)
// and at most one terminal event (last, and present when `ended`); every
// TaskStarted / TaskSucceeded / TaskFailed / TaskTimedOut chains (through
// TaskStarted events) back to a TaskScheduled, and every TaskScheduled is
// closed by exactly one of TaskSucceeded, TaskFailed, TaskTimedOut (at most
// one while the execution runs); the same for the Activity* and
// LambdaFunction* families (a ...ScheduleFailed / TaskStartFailed closes too).
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

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_RECOVERY_HARNESS_H_
