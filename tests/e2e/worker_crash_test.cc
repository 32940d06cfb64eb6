// A worker killed mid-task (issue 4): kill -9 of the stepwise-example-worker
// that runs a `sleep` task of a state with HeartbeatSeconds 2. The heartbeat
// timeout fires (TaskTimedOut, States.HeartbeatTimeout), the state's Retry
// schedules the task again, and a second worker, started right after the
// kill, completes it while heartbeating.
#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/recovery_harness.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

using testing::ChildProcess;

// The task sleeps longer than HeartbeatSeconds, so only a worker that
// heartbeats keeps it.
constexpr char kMachine[] = R"({"StartAt":"Slow","States":{
  "Slow":{"Type":"Task","Resource":"${Sleep}","HeartbeatSeconds":2,
    "Retry":[{"ErrorEquals":["States.HeartbeatTimeout"],"IntervalSeconds":1,"MaxAttempts":2,
              "BackoffRate":1}],
    "End":true}}})";
constexpr char kInput[] = R"({"seconds":3,"id":"slow-1"})";

std::vector<v1::HistoryEventType> TaskEventTypes(const std::vector<v1::HistoryEvent>& history) {
  std::vector<v1::HistoryEventType> types;
  for (const v1::HistoryEvent& event : history) {
    switch (event.type()) {
      // kSleepArn is a Lambda function ARN: AWS's LambdaFunction* events.
      case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED:
      case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED:
      case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED:
      case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_TIMED_OUT:
        types.push_back(event.type());
        break;
      default:
        break;
    }
  }
  return types;
}

TEST(WorkerCrashTest, HeartbeatTimeoutRetriesTheTaskOnAnotherWorker) {
  testing::ScopedTempDir dir("stepwise-e2e-worker-crash");
  ASSERT_FALSE(dir.path().empty());
  absl::StatusOr<std::string> database_url = testing::CreateTestDatabase();
  ASSERT_TRUE(database_url.ok()) << database_url.status();
  absl::StatusOr<int> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status();
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> orchestrator = OrchestratorProcess::Start(
      *port, {"--database-url", *database_url}, dir.path() + "/orchestrator.log");
  ASSERT_TRUE(orchestrator.ok()) << orchestrator.status();
  v1::States::Stub& states = (*orchestrator)->states();

  absl::StatusOr<std::unique_ptr<ChildProcess>> doomed =
      StartExampleWorker((*orchestrator)->endpoint(), "doomed", dir.path(), 1, {"sleep"});
  ASSERT_TRUE(doomed.ok()) << doomed.status();
  absl::StatusOr<std::string> machine =
      CreateMachine(states, "heartbeat", absl::StrReplaceAll(kMachine, {{"${Sleep}", kSleepArn}}));
  ASSERT_TRUE(machine.ok()) << machine.status();
  absl::StatusOr<std::string> arn = StartExecution(states, *machine, "slow", kInput);
  ASSERT_TRUE(arn.ok()) << arn.status();

  // The doomed worker has the task once TaskStarted is in the history.
  std::vector<v1::HistoryEvent> seen;
  ASSERT_TRUE(AwaitTrue(
      [&] {
        absl::StatusOr<std::vector<v1::HistoryEvent>> history = ExecutionHistory(states, *arn);
        if (history.ok()) seen = *history;
        return CountEvents(seen, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED) == 1;
      },
      absl::Seconds(20)))
      << HistoryText(seen) << "--- orchestrator.log\n"
      << Tail((*orchestrator)->process().Log()) << "\n--- doomed.log\n"
      << Tail((*doomed)->Log());
  // The second worker polls the queue before the first one dies, as a fleet
  // would; it gets the task only when the orchestrator gives up on the first.
  absl::StatusOr<std::unique_ptr<ChildProcess>> rescuer =
      StartExampleWorker((*orchestrator)->endpoint(), "rescuer", dir.path(), 1, {"sleep"});
  ASSERT_TRUE(rescuer.ok()) << rescuer.status();
  (*doomed)->Signal(SIGKILL);
  ASSERT_TRUE((*doomed)->Wait(absl::Seconds(10)).ok());

  const std::map<std::string, v1::ExecutionStatus> statuses =
      AwaitExecutionsEnd(states, {*arn}, absl::Seconds(30));
  EXPECT_EQ(statuses.at(*arn), v1::EXECUTION_STATUS_SUCCEEDED);
  absl::StatusOr<v1::DescribeExecutionResponse> described = DescribeExecution(states, *arn);
  ASSERT_TRUE(described.ok()) << described.status();
  EXPECT_EQ(boost::json::parse(described->output()), boost::json::parse(kInput))
      << described->output();

  absl::StatusOr<std::vector<v1::HistoryEvent>> history = ExecutionHistory(states, *arn);
  ASSERT_TRUE(history.ok()) << history.status();
  for (const std::string& problem : HistoryProblems(*history)) ADD_FAILURE() << problem;
  for (const std::string& problem : StateCountProblems(*history, {{"Slow", 1}})) {
    ADD_FAILURE() << problem;
  }
  EXPECT_EQ(TaskEventTypes(*history),
            (std::vector<v1::HistoryEventType>{v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED,
                                               v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_TIMED_OUT,
                                               v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED,
                                               v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED}))
      << HistoryText(*history);
  for (const v1::HistoryEvent& event : *history) {
    if (event.type() != v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_TIMED_OUT) continue;
    EXPECT_EQ(event.lambda_function_timed_out_event_details().error(), "States.HeartbeatTimeout");
  }

  absl::StatusOr<int> rescued = StopWorkerAndCountSucceeded(**rescuer);
  ASSERT_TRUE(rescued.ok()) << rescued.status();
  EXPECT_EQ(*rescued, 1) << "the second worker did not complete the retried task";
  if (::testing::Test::HasFailure()) {
    ADD_FAILURE() << "--- orchestrator.log\n" << Tail((*orchestrator)->process().Log());
  }
  absl::StatusOr<int> code = (*orchestrator)->Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace stepwise::e2e
