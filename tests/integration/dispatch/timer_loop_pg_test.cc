// TimerLoop on PostgreSQL: two replicas (each its own store, executor and
// loop, as two orchestrator processes) share one database and fire every due
// timer exactly once.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/timer_loop.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/postgres/postgres_store.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using persistence::ExecutionStatus;
using ::stepwise::testing::IsOk;

// Three Wait timers per execution, all due together; then a Task that times
// out. The execution stays RUNNING between them, so a timer applied twice
// would commit a second step (and be counted twice below).
constexpr char kMachine[] = R"({
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Parallel",
      "ResultPath": null,
      "Next": "Hold",
      "Branches": [
        {"StartAt": "W1", "States": {"W1": {"Type": "Wait", "Seconds": 10, "End": true}}},
        {"StartAt": "W2", "States": {"W2": {"Type": "Wait", "Seconds": 10, "End": true}}},
        {"StartAt": "W3", "States": {"W3": {"Type": "Wait", "Seconds": 10, "End": true}}}
      ]
    },
    "Hold": {
      "Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:hold",
      "TimeoutSeconds": 20,
      "End": true
    }
  }
})";

// Counts, across replicas, the committed steps that applied each timer.
class FiredTimers final : public service::CommitObserver {
 public:
  void OnCommitted(const persistence::StepUpdate& update) override {
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& id : update.fired_timer_ids) ++fired_[update.execution_arn + "/" + id];
  }
  std::map<std::string, int> fired() {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

 private:
  std::mutex mu_;
  std::map<std::string, int> fired_;
};

struct Replica {
  std::unique_ptr<persistence::PostgresStore> store;
  std::unique_ptr<service::ExecutionExecutor> executor;
  std::unique_ptr<TimerLoop> loop;
};

class TimerLoopPostgresTest : public ::stepwise::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    for (int r = 0; r < 2; ++r) {
      persistence::PostgresStoreOptions store_options;
      store_options.url = database_url();
      store_options.max_connections = 4;
      auto store = persistence::PostgresStore::Connect(store_options);
      ASSERT_THAT(store, IsOk());
      Replica replica;
      replica.store = std::move(*store);
      service::ExecutorOptions options;
      options.observer = &fired_;
      replica.executor = std::make_unique<service::ExecutionExecutor>(
          *replica.store, clock_, service::testing::CountingEntropy(), options);
      TimerLoopOptions loop_options;
      loop_options.owner = StrCat("replica-", r);
      loop_options.batch_limit = 2;
      replica.loop =
          std::make_unique<TimerLoop>(*replica.store, *replica.executor, clock_, loop_options);
      replicas_.push_back(std::move(replica));
    }
  }

  // Both replicas run their loops at once until neither finds a due timer.
  void RaceLoops() {
    std::vector<std::thread> threads;
    for (Replica& replica : replicas_) {
      threads.emplace_back([&replica] {
        for (;;) {
          absl::StatusOr<int> claimed = replica.loop->RunOnce();
          ASSERT_THAT(claimed, IsOk());
          if (*claimed == 0) return;
        }
      });
    }
    for (std::thread& thread : threads) thread.join();
  }

  FakeClock clock_;
  FiredTimers fired_;
  std::vector<Replica> replicas_;
};

TEST_F(TimerLoopPostgresTest, TwoReplicasFireEachTimerExactlyOnce) {
  constexpr int kExecutions = 6;
  persistence::ExecutionStore& store = *replicas_[0].store;
  const std::string sm = service::testing::CreateMachine(store, clock_.Now(), "Fan", kMachine);
  std::vector<std::string> arns;
  for (int i = 0; i < kExecutions; ++i) {
    absl::StatusOr<std::string> arn =
        replicas_[i % 2].executor->StartExecution(sm, StrCat("run-", i), "{}");
    ASSERT_THAT(arn, IsOk());
    arns.push_back(*arn);
  }

  clock_.Advance(absl::Seconds(10));  // The Waits are due.
  RaceLoops();
  for (const std::string& arn : arns) {
    EXPECT_EQ(service::testing::CountEvents(store, arn, "WaitStateExited"), 3) << arn;
    EXPECT_EQ(service::testing::CountEvents(store, arn, "ActivityScheduled"), 1) << arn;
    EXPECT_EQ(store.GetExecution(arn)->status, ExecutionStatus::kRunning) << arn;
  }

  clock_.Advance(absl::Seconds(20));  // The Hold tasks time out.
  RaceLoops();
  for (const std::string& arn : arns) {
    auto record = store.GetExecution(arn);
    ASSERT_THAT(record, IsOk());
    EXPECT_EQ(record->status, ExecutionStatus::kFailed) << arn;
    EXPECT_EQ(record->error, "States.Timeout") << arn;
    EXPECT_EQ(service::testing::CountEvents(store, arn, "ActivityTimedOut"), 1) << arn;
  }

  const std::map<std::string, int> fired = fired_.fired();
  EXPECT_EQ(fired.size(), static_cast<size_t>(kExecutions * 4));
  for (const auto& [timer, count] : fired) EXPECT_EQ(count, 1) << timer;
  // Nothing is left behind, even far past every lease.
  auto left = store.ClaimDueTimers(clock_.Now() + absl::Hours(100), 100, "late",
                                   clock_.Now() + absl::Hours(101));
  ASSERT_THAT(left, IsOk());
  EXPECT_TRUE(left->empty());
}

// Tasks timed out by a loop are stored TIMED_OUT (migration 0002) and a late
// completion changes nothing.
TEST_F(TimerLoopPostgresTest, TimedOutTaskRefusesLateCompletion) {
  persistence::ExecutionStore& store = *replicas_[0].store;
  constexpr char kSlow[] = R"({"StartAt": "S", "States": {"S": {"Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:slow",
      "TimeoutSeconds": 5, "HeartbeatSeconds": 3, "End": true}}})";
  const std::string sm = service::testing::CreateMachine(store, clock_.Now(), "Slow", kSlow);
  auto arn = replicas_[0].executor->StartExecution(sm, "run", "{}");
  ASSERT_THAT(arn, IsOk());
  auto task = store.ClaimTask("slow", "worker", clock_.Now() + absl::Minutes(1), clock_.Now());
  ASSERT_THAT(task, IsOk());
  ASSERT_TRUE(task->has_value());

  clock_.Advance(absl::Seconds(2));
  ASSERT_THAT(store.RecordHeartbeat((*task)->task_token, clock_.Now(), clock_.Now()), IsOk());
  clock_.Advance(absl::Seconds(1));  // t=3: heartbeat fresh (at 2): re-armed to 5.
  EXPECT_EQ(replicas_[1].loop->RunOnce().value_or(-1), 1);
  EXPECT_EQ(store.GetExecution(*arn)->status, ExecutionStatus::kRunning);
  clock_.Advance(absl::Seconds(2));  // t=5: both timers due; one applies.
  RaceLoops();
  auto record = store.GetExecution(*arn);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, ExecutionStatus::kFailed);
  EXPECT_EQ(service::testing::CountEvents(store, *arn, "ActivityTimedOut"), 1);
  auto found = store.FindTaskByToken((*task)->task_token);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->status, persistence::TaskStatus::kTimedOut);
  EXPECT_THAT(replicas_[0].executor->CompleteTask((*task)->task_token, "{}"),
              ::stepwise::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(store.GetExecution(*arn)->version, record->version);
}

}  // namespace
}  // namespace stepwise::dispatch
