// Two stepwise-orchestrator replicas on one database (issue 4): replica A
// owns an embedded PostgreSQL (--data-dir), replica B connects to it
// (--database-url, read from A's ready line). Executions are started
// alternately on A and B, each replica has its own worker, and every
// execution goes through a Task, a Wait timer, a Parallel and a Map. All of
// them complete with the right output and no double transitions, both
// replicas hand out tasks, and every task runs once.
#include <signal.h>

#include <iostream>
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

constexpr char kMachine[] = R"({"StartAt":"First","States":{
  "First":{"Type":"Task","Resource":"${Sleep}","Next":"Hold"},
  "Hold":{"Type":"Wait","Seconds":1,"Next":"Fan"},
  "Fan":{"Type":"Parallel","ResultPath":"$.fan","Next":"Each","Branches":[
    {"StartAt":"Left","States":{"Left":{"Type":"Task","Resource":"${Add}",
      "Parameters":{"a.$":"$.id","b":1},"End":true}}},
    {"StartAt":"Right","States":{"Right":{"Type":"Task","Resource":"${Add}",
      "Parameters":{"a.$":"$.id","b":2},"End":true}}}]},
  "Each":{"Type":"Map","ItemsPath":"$.items","ResultPath":"$.each","Next":"Done",
    "ItemSelector":{"a.$":"$$.Map.Item.Value","b.$":"$.id"},
    "ItemProcessor":{"StartAt":"Item","States":{
      "Item":{"Type":"Task","Resource":"${Add}","End":true}}}},
  "Done":{"Type":"Pass","Parameters":{"fan.$":"$.fan","each.$":"$.each"},"End":true}}})";

constexpr int kExecutions = 50;
constexpr int kTasksPerExecution = 6;  // First, Left, Right and three Items.

std::string Output(int k) {
  return StrCat(R"({"fan":[{"sum":)", k + 1, R"(},{"sum":)", k + 2, R"(}],"each":[{"sum":)", k + 10,
                R"(},{"sum":)", k + 20, R"(},{"sum":)", k + 30, "}]}");
}

TEST(ReplicasTest, TwoReplicasOnOneDatabaseShareTheLoadWithoutDoubleTransitions) {
  testing::ScopedTempDir dir("stepwise-e2e-replicas");
  ASSERT_FALSE(dir.path().empty());
  const std::string data_dir = dir.path() + "/db";
  EmbeddedPostgresReaper reaper(data_dir);
  absl::StatusOr<int> port_a = PickFreePort();
  ASSERT_TRUE(port_a.ok()) << port_a.status();
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> a = OrchestratorProcess::Start(
      *port_a, {"--data-dir", data_dir, "--replica-id", "replica-a"}, dir.path() + "/a.log");
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<int> port_b = PickFreePort();
  ASSERT_TRUE(port_b.ok()) << port_b.status();
  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> b = OrchestratorProcess::Start(
      *port_b, {"--database-url", (*a)->database_url(), "--replica-id", "replica-b"},
      dir.path() + "/b.log");
  ASSERT_TRUE(b.ok()) << b.status();
  absl::StatusOr<std::unique_ptr<ChildProcess>> worker_a =
      StartExampleWorker((*a)->endpoint(), "worker-a", dir.path());
  ASSERT_TRUE(worker_a.ok()) << worker_a.status();
  absl::StatusOr<std::unique_ptr<ChildProcess>> worker_b =
      StartExampleWorker((*b)->endpoint(), "worker-b", dir.path());
  ASSERT_TRUE(worker_b.ok()) << worker_b.status();

  const std::string definition =
      absl::StrReplaceAll(kMachine, {{"${Sleep}", kSleepArn}, {"${Add}", kAddArn}});
  absl::StatusOr<std::string> machine = CreateMachine((*a)->states(), "mixed", definition);
  ASSERT_TRUE(machine.ok()) << machine.status();

  std::vector<std::string> arns;
  for (int k = 0; k < kExecutions; ++k) {
    OrchestratorProcess& replica = k % 2 == 0 ? **a : **b;
    absl::StatusOr<std::string> arn =
        StartExecution(replica.states(), *machine, StrCat("run-", k),
                       StrCat(R"({"id":)", k, R"(,"seconds":0.2,"items":[10,20,30]})"));
    ASSERT_TRUE(arn.ok()) << arn.status();
    arns.push_back(*arn);
  }

  const std::map<std::string, v1::ExecutionStatus> statuses =
      AwaitExecutionsEnd((*b)->states(), arns, absl::Seconds(60));
  const std::map<std::string, int> entered = {{"First", 1}, {"Hold", 1}, {"Fan", 1},  {"Left", 1},
                                              {"Right", 1}, {"Each", 1}, {"Item", 3}, {"Done", 1}};
  for (int k = 0; k < kExecutions; ++k) {
    SCOPED_TRACE(StrCat("run-", k));
    const std::string& arn = arns[k];
    EXPECT_EQ(statuses.at(arn), v1::EXECUTION_STATUS_SUCCEEDED);
    // Each replica reads what the other committed.
    for (OrchestratorProcess* replica : {a->get(), b->get()}) {
      absl::StatusOr<v1::DescribeExecutionResponse> described =
          DescribeExecution(replica->states(), arn);
      ASSERT_TRUE(described.ok()) << described.status();
      EXPECT_EQ(described->status(), v1::EXECUTION_STATUS_SUCCEEDED);
      EXPECT_EQ(boost::json::parse(described->output()), boost::json::parse(Output(k)))
          << described->output();
    }
    absl::StatusOr<std::vector<v1::HistoryEvent>> history =
        ExecutionHistory(k % 2 == 0 ? (*b)->states() : (*a)->states(), arn);
    ASSERT_TRUE(history.ok()) << history.status();
    for (const std::string& problem : HistoryProblems(*history)) ADD_FAILURE() << problem;
    for (const std::string& problem : StateCountProblems(*history, entered)) {
      ADD_FAILURE() << problem;
    }
    EXPECT_EQ(CountEvents(*history, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED),
              kTasksPerExecution);
  }
  absl::StatusOr<std::vector<std::string>> listed = ListExecutionArns((*a)->states(), *machine);
  ASSERT_TRUE(listed.ok()) << listed.status();
  EXPECT_EQ(listed->size(), static_cast<size_t>(kExecutions));

  // Each worker polls only its own replica, so a worker's completed tasks
  // are tasks that replica dispatched; together they ran each task once.
  absl::StatusOr<int> done_a = StopWorkerAndCountSucceeded(**worker_a);
  absl::StatusOr<int> done_b = StopWorkerAndCountSucceeded(**worker_b);
  ASSERT_TRUE(done_a.ok()) << done_a.status();
  ASSERT_TRUE(done_b.ok()) << done_b.status();
  EXPECT_GT(*done_a, 0) << "replica A dispatched no task";
  EXPECT_GT(*done_b, 0) << "replica B dispatched no task";
  EXPECT_EQ(*done_a + *done_b, kExecutions * kTasksPerExecution);
  std::cerr << "tasks run through replica A: " << *done_a << ", through replica B: " << *done_b
            << "\n";

  if (::testing::Test::HasFailure()) {
    ADD_FAILURE() << "--- a.log\n"
                  << Tail((*a)->process().Log()) << "\n--- b.log\n"
                  << Tail((*b)->process().Log());
  }
  // B first: A's shutdown stops the PostgreSQL that B uses.
  absl::StatusOr<int> code_b = (*b)->Terminate();
  ASSERT_TRUE(code_b.ok()) << code_b.status();
  EXPECT_EQ(*code_b, 0);
  absl::StatusOr<int> code_a = (*a)->Terminate();
  ASSERT_TRUE(code_a.ok()) << code_a.status();
  EXPECT_EQ(*code_a, 0);
}

}  // namespace
}  // namespace stepwise::e2e
