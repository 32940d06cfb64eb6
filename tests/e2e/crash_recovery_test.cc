// kill -9 of stepwise-orchestrator while executions are in Task, Wait,
// Parallel and Map states (issue 4, "Resume after failures"): the
// orchestrator restarts on the same data directory (its embedded PostgreSQL
// survives the kill or is restarted) and port, the workers that kept running
// report the tasks they finished meanwhile, and every execution completes
// exactly once with the right output and a consistent history.
#include <signal.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "tests/e2e/recovery_harness.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::e2e {
namespace {

using testing::ChildProcess;

// ${Sleep} / ${Add} become the example worker's Lambda ARNs.
std::string WithArns(const std::string& definition) {
  return absl::StrReplaceAll(definition, {{"${Sleep}", kSleepArn}, {"${Add}", kAddArn}});
}

// Each shape parks its executions in a different kind of state: a running
// task, a durable Wait timer, two parallel tasks, and four Map iterations
// whose tasks end at different times (items 2 and 4 at once, so that results
// complete out of order). Nothing is due between the first moments and 8 s
// after the start, and the kill comes in between, once every execution is
// parked (`parked`: its first tasks delivered). So no task is being handed
// to a worker and no timer is being fired at the kill: a task claimed by the
// dying orchestrator but never received stays leased for the default lease
// (5 minutes), a claimed timer for the timer lease (60 s), both longer than
// this test (see the issue 4 report).
constexpr char kTaskMachine[] = R"({"StartAt":"Sleep","States":{
  "Sleep":{"Type":"Task","Resource":"${Sleep}","Next":"Add"},
  "Add":{"Type":"Task","Resource":"${Add}","Parameters":{"a.$":"$.id","b":1000},"End":true}}})";

constexpr char kWaitMachine[] = R"({"StartAt":"Hold","States":{
  "Hold":{"Type":"Wait","Seconds":8,"Next":"Add"},
  "Add":{"Type":"Task","Resource":"${Add}","Parameters":{"a.$":"$.id","b":2000},"End":true}}})";

constexpr char kParallelMachine[] = R"({"StartAt":"Fan","States":{"Fan":{"Type":"Parallel",
  "End":true,"Branches":[
  {"StartAt":"SleepLeft","States":{
    "SleepLeft":{"Type":"Task","Resource":"${Sleep}","Next":"AddLeft"},
    "AddLeft":{"Type":"Task","Resource":"${Add}","Parameters":{"a.$":"$.id","b":1},"End":true}}},
  {"StartAt":"SleepRight","States":{
    "SleepRight":{"Type":"Task","Resource":"${Sleep}","Next":"AddRight"},
    "AddRight":{"Type":"Task","Resource":"${Add}","Parameters":{"a.$":"$.id","b":2},
                "End":true}}}]}}})";

constexpr char kMapMachine[] = R"({"StartAt":"Each","States":{"Each":{"Type":"Map",
  "ItemsPath":"$.items","End":true,
  "ItemSelector":{"a.$":"$$.Map.Item.Value.v","seconds.$":"$$.Map.Item.Value.s","b.$":"$.id"},
  "ItemProcessor":{"StartAt":"SleepItem","States":{
    "SleepItem":{"Type":"Task","Resource":"${Sleep}","Next":"AddItem"},
    "AddItem":{"Type":"Task","Resource":"${Add}","End":true}}}}}})";

constexpr int kPerShape = 5;

struct Shape {
  std::string name;
  std::string definition;
  // Input and expected output of execution `k`.
  std::function<std::string(int)> input;
  std::function<std::string(int)> output;
  // When execution `k` sits where the kill should find it.
  std::function<bool(const std::vector<v1::HistoryEvent>&)> parked;
  std::map<std::string, int> states_entered;
};

std::vector<Shape> Shapes() {
  const auto started = [](int n) {
    return [n](const std::vector<v1::HistoryEvent>& history) {
      return CountEvents(history, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED) >= n;
    };
  };
  return {
      {"task",
       WithArns(kTaskMachine),
       [](int k) { return StrCat(R"({"id":)", k, R"(,"seconds":8})"); },
       [](int k) { return StrCat(R"({"sum":)", k + 1000, "}"); },
       started(1),
       {{"Sleep", 1}, {"Add", 1}}},
      {"wait",
       WithArns(kWaitMachine),
       [](int k) { return StrCat(R"({"id":)", k, "}"); },
       [](int k) { return StrCat(R"({"sum":)", k + 2000, "}"); },
       [](const std::vector<v1::HistoryEvent>& history) {
         return CountEvents(history, v1::HISTORY_EVENT_TYPE_WAIT_STATE_ENTERED) == 1;
       },
       {{"Hold", 1}, {"Add", 1}}},
      {"parallel",
       WithArns(kParallelMachine),
       [](int k) { return StrCat(R"({"id":)", k, R"(,"seconds":8})"); },
       [](int k) { return StrCat(R"([{"sum":)", k + 1, R"(},{"sum":)", k + 2, "}]"); },
       started(2),
       {{"Fan", 1}, {"SleepLeft", 1}, {"AddLeft", 1}, {"SleepRight", 1}, {"AddRight", 1}}},
      {"map",
       WithArns(kMapMachine),
       [](int k) {
         return StrCat(R"({"id":)", k,
                       R"(,"items":[{"v":1,"s":8},{"v":2,"s":0},{"v":3,"s":9},{"v":4,"s":0}]})");
       },
       [](int k) {
         return StrCat(R"([{"sum":)", k + 1, R"(},{"sum":)", k + 2, R"(},{"sum":)", k + 3,
                       R"(},{"sum":)", k + 4, "}]");
       },
       started(6),  // Four sleeps, and the adds of the two items that sleep 0 s.
       {{"Each", 1}, {"SleepItem", 4}, {"AddItem", 4}}},
  };
}

struct Launched {
  const Shape* shape;
  int k;
  std::string arn;
};

bool SameJson(const std::string& a, const std::string& b) {
  boost::system::error_code error_a, error_b;
  const boost::json::value va = boost::json::parse(a, error_a);
  const boost::json::value vb = boost::json::parse(b, error_b);
  return !error_a && !error_b && va == vb;
}

TEST(CrashRecoveryTest, Kill9InTaskWaitParallelAndMapStatesThenEveryExecutionCompletesOnce) {
  testing::ScopedTempDir dir("stepwise-e2e-crash");
  ASSERT_FALSE(dir.path().empty());
  PhaseLog phases;
  const std::string data_dir = dir.path() + "/db";
  EmbeddedPostgresReaper reaper(data_dir);  // Outlives both orchestrators.
  absl::StatusOr<int> port = PickFreePort();
  ASSERT_TRUE(port.ok()) << port.status();

  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> first =
      OrchestratorProcess::Start(*port, {"--data-dir", data_dir}, dir.path() + "/first.log");
  ASSERT_TRUE(first.ok()) << first.status();
  phases.Mark("first orchestrator serving");
  // Two workers, so that tasks run on both while the orchestrator is away,
  // with slots for every sleep at once (35) besides polls on the add queue.
  absl::StatusOr<std::unique_ptr<ChildProcess>> worker_a =
      StartExampleWorker((*first)->endpoint(), "worker-a", dir.path(), 64, {"sleep", "add"});
  ASSERT_TRUE(worker_a.ok()) << worker_a.status();
  absl::StatusOr<std::unique_ptr<ChildProcess>> worker_b =
      StartExampleWorker((*first)->endpoint(), "worker-b", dir.path(), 64, {"sleep", "add"});
  ASSERT_TRUE(worker_b.ok()) << worker_b.status();

  const std::vector<Shape> shapes = Shapes();
  std::map<std::string, std::string> machines;  // shape -> ARN
  std::vector<Launched> runs;
  for (const Shape& shape : shapes) {
    absl::StatusOr<std::string> machine =
        CreateMachine((*first)->states(), shape.name, shape.definition);
    ASSERT_TRUE(machine.ok()) << machine.status();
    machines[shape.name] = *machine;
  }
  for (int k = 0; k < kPerShape; ++k) {
    for (const Shape& shape : shapes) {
      absl::StatusOr<std::string> arn = StartExecution((*first)->states(), machines[shape.name],
                                                       StrCat(shape.name, "-", k), shape.input(k));
      ASSERT_TRUE(arn.ok()) << arn.status();
      runs.push_back({&shape, k, *arn});
    }
  }

  phases.Mark("executions started");
  // Kill once every execution is parked (the task delivered, the Wait
  // entered, ...); count those still running then, by shape. An execution
  // is looked at until it is parked, not after.
  std::map<std::string, int> running_at_kill;
  std::set<size_t> parked;
  ASSERT_TRUE(AwaitTrue(
      [&] {
        for (size_t i = 0; i < runs.size(); ++i) {
          if (parked.count(i) > 0) continue;
          absl::StatusOr<std::vector<v1::HistoryEvent>> history =
              ExecutionHistory((*first)->states(), runs[i].arn);
          if (!history.ok() || !runs[i].shape->parked(*history)) return false;
          parked.insert(i);
          if (CountEvents(*history, v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED) == 0) {
            ++running_at_kill[runs[i].shape->name];
          }
        }
        return true;
      },
      absl::Seconds(30)))
      << "the executions did not all reach their Task/Wait/Parallel/Map states\n"
      << Tail((*first)->process().Log());
  ASSERT_TRUE((*first)->Kill().ok());
  phases.Mark("first orchestrator killed");
  for (const Shape& shape : shapes) {
    EXPECT_GT(running_at_kill[shape.name], 0)
        << "no " << shape.name << " execution was still running at the kill";
  }

  absl::StatusOr<std::unique_ptr<OrchestratorProcess>> second =
      OrchestratorProcess::Start(*port, {"--data-dir", data_dir}, dir.path() + "/second.log");
  ASSERT_TRUE(second.ok()) << second.status();
  phases.Mark("second orchestrator serving");
  v1::States::Stub& states = (*second)->states();

  std::vector<std::string> arns;
  for (const Launched& run : runs) arns.push_back(run.arn);
  const std::map<std::string, v1::ExecutionStatus> statuses =
      AwaitExecutionsEnd(states, arns, absl::Seconds(60));
  phases.Mark("executions ended");

  for (const Launched& run : runs) {
    SCOPED_TRACE(StrCat(run.shape->name, "-", run.k));
    EXPECT_EQ(statuses.at(run.arn), v1::EXECUTION_STATUS_SUCCEEDED);
    absl::StatusOr<v1::DescribeExecutionResponse> described = DescribeExecution(states, run.arn);
    ASSERT_TRUE(described.ok()) << described.status();
    EXPECT_TRUE(SameJson(described->output(), run.shape->output(run.k)))
        << "output " << described->output() << ", expected " << run.shape->output(run.k);
    absl::StatusOr<std::vector<v1::HistoryEvent>> history = ExecutionHistory(states, run.arn);
    ASSERT_TRUE(history.ok()) << history.status();
    if (statuses.at(run.arn) != v1::EXECUTION_STATUS_SUCCEEDED) {
      ADD_FAILURE() << "history:\n" << HistoryText(*history);
    }
    for (const std::string& problem : HistoryProblems(*history)) ADD_FAILURE() << problem;
    for (const std::string& problem : StateCountProblems(*history, run.shape->states_entered)) {
      ADD_FAILURE() << problem;
    }
  }
  // Exactly the executions started, no more (StartExecution ran once each).
  for (const Shape& shape : shapes) {
    absl::StatusOr<std::vector<std::string>> listed =
        ListExecutionArns(states, machines[shape.name]);
    ASSERT_TRUE(listed.ok()) << listed.status();
    EXPECT_EQ(listed->size(), static_cast<size_t>(kPerShape)) << shape.name;
  }
  if (::testing::Test::HasFailure()) {
    ADD_FAILURE() << "--- first.log\n"
                  << Tail((*first)->process().Log()) << "\n--- second.log\n"
                  << Tail((*second)->process().Log()) << "\n--- worker-a.log\n"
                  << Tail((*worker_a)->Log());
  }

  phases.Mark("histories checked");
  EXPECT_TRUE(StopWorkerAndCountSucceeded(**worker_a).ok());
  EXPECT_TRUE(StopWorkerAndCountSucceeded(**worker_b).ok());
  phases.Mark("workers stopped");
  absl::StatusOr<int> code = (*second)->Terminate();
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << Tail((*second)->process().Log());
  phases.Mark("orchestrator stopped");
}

}  // namespace
}  // namespace stepwise::e2e
