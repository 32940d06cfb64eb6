// Engine steps of several executions in one transaction (schema 0011,
// PostgresStore::CommitSteps, CommitBatcher): each step commits or fails on
// its own, with the status and message CommitStep gives alone, and a refused
// step writes nothing while the others of its batch commit. Concurrent
// CommitStep calls on a one-connection store are batched and all land.
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/commit_batcher.h"
#include "persistence/postgres/postgres_store.h"
#include "pqxx/pqxx"
#include "tests/integration/store/postgres_step_fixture.h"
#include "tests/integration/store/store_test_util.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;

using PostgresCommitBatchTest = PostgresStepTest;

TEST_F(PostgresCommitBatchTest, EachStepOfABatchCommitsOrFailsAlone) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string a = StartWithTask(*store, "a");
  const std::string b = StartWithTask(*store, "b");
  const std::string c = StartWithTask(*store, "c");
  const std::string d = StartWithTask(*store, "d");

  // a: completes t1 and schedules t2 with a timer.
  StepUpdate step_a = MakeStep(a, 2, 3);
  step_a.completed_task_ids = {"t1"};
  step_a.consumed_tasks_must_be_open = true;
  step_a.new_tasks = {MakeTask(a, "t2", "q", T(1))};
  step_a.new_timers = {TimerRecord{a, "w", T(5), "", std::nullopt}};
  // b: a stale version.
  StepUpdate step_b = MakeStep(b, 2, 2);
  step_b.new_tasks = {MakeTask(b, "t2", "q", T(1))};
  // c: consumes a task that is not open (there is no "gone").
  StepUpdate step_c = MakeStep(c, 2, 2);
  step_c.completed_task_ids = {"gone"};
  step_c.consumed_tasks_must_be_open = true;
  step_c.new_timers = {TimerRecord{c, "w", T(5), "", std::nullopt}};
  // An execution that does not exist.
  StepUpdate step_x = MakeStep("arn:nope", 1, 1);
  // d: cancels t1 and ends the execution.
  StepUpdate step_d = MakeStep(d, 2, 2);
  step_d.cancelled_task_ids = {"t1"};
  step_d.status = ExecutionStatus::kSucceeded;
  step_d.output = "{\"done\":true}";
  step_d.stop_time = T(3);

  std::vector<absl::StatusOr<int64_t>> results =
      store->CommitSteps({{&step_a, 1}, {&step_b, 5}, {&step_c, 1}, {&step_x, 1}, {&step_d, 1}});
  ASSERT_EQ(results.size(), 5u);
  ASSERT_THAT(results[0], IsOk());
  EXPECT_EQ(*results[0], 2);
  EXPECT_EQ(results[1].status(),
            absl::AbortedError(StrCat("Execution '", b, "' is at version 1, not 5")));
  EXPECT_EQ(results[2].status(),
            absl::FailedPreconditionError(
                StrCat("A task consumed by the step on '", c, "' is no longer open")));
  EXPECT_EQ(results[3].status(), absl::NotFoundError("Execution does not exist: 'arn:nope'"));
  ASSERT_THAT(results[4], IsOk());
  EXPECT_EQ(*results[4], 2);

  // a and d wrote everything; b and c nothing.
  EXPECT_EQ(Count(StrCat("SELECT count(*) FROM history_events WHERE execution_arn = '", a, "'")),
            3);
  EXPECT_EQ(Count(StrCat("SELECT count(*) FROM tasks WHERE execution_arn = '", a,
                         "' AND (task_id, status) IN (('t1', 'COMPLETED'), ('t2', 'PENDING'))")),
            2);
  EXPECT_EQ(Count(StrCat("SELECT count(*) FROM timers WHERE execution_arn = '", a, "'")), 1);
  for (const std::string& refused : {b, c}) {
    absl::StatusOr<ExecutionRecord> execution = store->GetExecution(refused);
    ASSERT_THAT(execution, IsOk());
    EXPECT_EQ(execution->version, 1);
    EXPECT_EQ(
        Count(StrCat("SELECT count(*) FROM history_events WHERE execution_arn = '", refused, "'")),
        1);
    EXPECT_EQ(Count(StrCat("SELECT count(*) FROM tasks WHERE execution_arn = '", refused,
                           "' AND status = 'PENDING'")),
              1);
    EXPECT_EQ(Count(StrCat("SELECT count(*) FROM timers WHERE execution_arn = '", refused, "'")),
              0);
  }
  absl::StatusOr<ExecutionRecord> done = store->GetExecution(d);
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(done->output, "{\"done\":true}");
  EXPECT_EQ(Count(StrCat("SELECT count(*) FROM tasks WHERE execution_arn = '", d,
                         "' AND status = 'CANCELLED'")),
            1);

  // The refused ones commit later on their own, as if nothing had happened.
  EXPECT_THAT(store->CommitStep(step_b, 1), IsOk());
  step_c.completed_task_ids = {"t1"};
  EXPECT_THAT(store->CommitStep(step_c, 1), IsOk());
}

// Concurrent steps of many executions on one connection: the ones that wait
// for it share transactions; every step lands once, at its version, and a
// batch's leader announces each of its steps (StepUpdate::on_committed) at
// most once, with that version, before the step's own CommitStep returns.
TEST_F(PostgresCommitBatchTest, ConcurrentStepsOnOneConnectionAllLand) {
  std::unique_ptr<PostgresStore> store =
      Connect(/*apply_migrations=*/true, /*max_connections=*/1, /*max_commit_batch=*/32);
  ASSERT_NE(store, nullptr);
  constexpr int kExecutions = 12;
  constexpr int kSteps = 5;
  std::vector<std::string> arns;
  for (int i = 0; i < kExecutions; ++i) arns.push_back(StartWithTask(*store, StrCat("e", i)));
  std::atomic<int> announced{0};
  std::vector<std::thread> threads;
  for (const std::string& arn : arns) {
    threads.emplace_back([&store, &announced, arn] {
      for (int step = 0; step < kSteps; ++step) {
        StepUpdate update = MakeStep(arn, 2 + step, 2 + step);
        std::atomic<int> calls{0};
        std::atomic<int64_t> announced_version{0};
        update.on_committed = [&](int64_t version) {
          ++calls;
          announced_version = version;
        };
        absl::StatusOr<int64_t> version = store->CommitStep(update, 1 + step);
        ASSERT_THAT(version, IsOk());
        EXPECT_EQ(*version, 2 + step);
        EXPECT_LE(calls, 1);
        if (calls == 1) {
          EXPECT_EQ(announced_version, *version);
          ++announced;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  // 12 threads on one connection: steps queue behind each commit, and
  // batches of several form.
  EXPECT_GT(announced, 0);
  for (const std::string& arn : arns) {
    absl::StatusOr<ExecutionRecord> execution = store->GetExecution(arn);
    ASSERT_THAT(execution, IsOk());
    EXPECT_EQ(execution->version, 1 + kSteps);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM history_events"), kExecutions * (1 + kSteps));
}

}  // namespace
}  // namespace stepwise::persistence::testing
