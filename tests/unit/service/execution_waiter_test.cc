// ExecutionWaiter over a MemoryStore: woken by the commit, or by re-reading
// the store when the commit happened elsewhere.
#include "orchestrator/service/execution_waiter.h"

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/states_service_fixture.h"

namespace stepwise::service {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using testing::AwaitTrue;

// Long enough for any machine, short enough that a missed wake-up fails the
// test instead of hanging it.
constexpr absl::Duration kGenerous = absl::Seconds(10);
constexpr char kMachineArn[] = "arn:aws:states:us-east-1:123456789012:stateMachine:M";

ExecutorOptions Observed(ExecutionWaiter& waiter) {
  ExecutorOptions options;
  options.observer = &waiter;
  return options;
}

class ExecutionWaiterTest : public ::testing::Test {
 protected:
  // Creates machine M (one Task on queue "greeter") and starts `name` on it.
  std::string StartTask(ExecutionExecutor& executor, const std::string& name) {
    if (!store_.GetStateMachine(kMachineArn).ok()) {
      persistence::StateMachineRecord machine;
      machine.arn = kMachineArn;
      machine.name = "M";
      machine.type = "EXPRESS";
      machine.definition = testing::kTaskMachine;
      machine.revision_id = "rev-1";
      machine.creation_date = clock_.Now();
      machine.update_date = clock_.Now();
      EXPECT_THAT(store_.CreateStateMachine(machine), IsOk());
    }
    absl::StatusOr<std::string> arn = executor.StartExecution(kMachineArn, name, "{}");
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  std::string ClaimToken() {
    auto task = store_.ClaimTask("greeter", "w", clock_.Now() + absl::Minutes(1), clock_.Now());
    return task.ok() && task->has_value() ? (*task)->task_token : "";
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
};

TEST_F(ExecutionWaiterTest, ClosedExecutionReturnsAtOnce) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Hours(1)});
  ExecutionExecutor executor(store_, clock_);
  const std::string arn = StartTask(executor, "run");
  ASSERT_THAT(executor.Stop(arn, "E", "C"), IsOk());
  absl::StatusOr<persistence::ExecutionRecord> record = waiter.WaitUntilClosed(arn, kGenerous);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kAborted);
  EXPECT_EQ(record->error, "E");
  EXPECT_EQ(waiter.waiting(), 0);
}

TEST_F(ExecutionWaiterTest, TicketSeesACloseCommittedBeforeTheWaitWithoutReading) {
  // No re-read for an hour: only the registration can tell of the close.
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Hours(1)});
  ExecutionExecutor executor(store_, clock_, nullptr, Observed(waiter));
  // Creates the machine; stopped, so that its task is not the one claimed below.
  ASSERT_THAT(executor.Stop(StartTask(executor, "first"), "E", "C"), IsOk());
  std::optional<ExecutionWaiter::Ticket> ticket;
  ExecutionExecutor::StartOptions start;
  start.before_commit = [&](const std::string& arn) { ticket.emplace(waiter.Register(arn)); };
  absl::StatusOr<persistence::ExecutionRecord> started =
      executor.StartExecutionRecord(kMachineArn, "second", R"({"n": 1})", start);
  ASSERT_THAT(started, IsOk());
  ASSERT_TRUE(ticket.has_value());
  EXPECT_EQ(ticket->execution_arn(), started->execution_arn);
  EXPECT_EQ(started->status, persistence::ExecutionStatus::kRunning);
  EXPECT_EQ(started->input, R"({"n":1})");
  EXPECT_EQ(waiter.waiting(), 1);
  // The close lands between the start and the wait.
  auto task = store_.ClaimTask("greeter", "w", clock_.Now() + absl::Minutes(1), clock_.Now());
  ASSERT_THAT(task, IsOk());
  ASSERT_TRUE(task->has_value());
  ASSERT_EQ((*task)->execution_arn, started->execution_arn);
  ASSERT_THAT(executor.CompleteTask((*task)->task_token, R"({"ok": true})"), IsOk());
  absl::StatusOr<persistence::ExecutionRecord> record =
      waiter.WaitUntilClosed(*std::move(ticket), *std::move(started), kGenerous);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kSucceeded);
  EXPECT_EQ(record->output, R"({"ok":true})");
  EXPECT_EQ(record->input, R"({"n":1})");
  EXPECT_EQ(waiter.waiting(), 0);
}

TEST_F(ExecutionWaiterTest, DroppedTicketUnregisters) {
  ExecutionWaiter waiter(store_);
  {
    ExecutionWaiter::Ticket ticket = waiter.Register("arn:aws:states:us-east-1:1:execution:M:x");
    EXPECT_EQ(waiter.waiting(), 1);
    ExecutionWaiter::Ticket moved = std::move(ticket);
    EXPECT_EQ(waiter.waiting(), 1);
  }
  EXPECT_EQ(waiter.waiting(), 0);
}

TEST_F(ExecutionWaiterTest, UnknownExecutionIsNotFound) {
  ExecutionWaiter waiter(store_);
  EXPECT_THAT(
      waiter.WaitUntilClosed("arn:aws:states:us-east-1:123456789012:execution:M:nope", kGenerous),
      StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(waiter.waiting(), 0);
}

TEST_F(ExecutionWaiterTest, WokenByTheCommitThatClosesTheExecution) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Hours(1)});  // Never polls.
  ExecutionExecutor executor(store_, clock_, nullptr, Observed(waiter));
  const std::string arn = StartTask(executor, "run");
  absl::StatusOr<persistence::ExecutionRecord> record;
  // Asked only when a poll interval passes without a close (gRPC's
  // IsCancelled is not free): never, here.
  std::atomic<int> cancel_checks{0};
  // Woken, or it fails at the (generous) timeout instead of hanging.
  std::thread waiting([&] {
    record = waiter.WaitUntilClosed(arn, kGenerous, [&] { return ++cancel_checks > 100; });
  });
  ASSERT_TRUE(AwaitTrue([&] { return waiter.waiting() == 1; }));
  // A step that leaves the execution RUNNING wakes nobody for good.
  persistence::StepUpdate running;
  running.execution_arn = arn;
  waiter.OnCommitted(running);
  const auto completed = std::chrono::steady_clock::now();
  ASSERT_THAT(executor.CompleteTask(ClaimToken(), R"({"ok": true})"), IsOk());
  waiting.join();
  // The final re-read at the timeout would also see it: the wake-up is what is fast.
  EXPECT_LT(std::chrono::steady_clock::now() - completed, std::chrono::seconds(5));
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kSucceeded);
  EXPECT_EQ(record->output, R"({"ok":true})");
  EXPECT_EQ(waiter.waiting(), 0);
  EXPECT_EQ(cancel_checks, 0);
}

TEST_F(ExecutionWaiterTest, TwoWaitersOnOneExecutionBothWake) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Hours(1)});
  ExecutionExecutor executor(store_, clock_, nullptr, Observed(waiter));
  const std::string arn = StartTask(executor, "run");
  absl::StatusOr<persistence::ExecutionRecord> first, second;
  std::thread a([&] { first = waiter.WaitUntilClosed(arn, kGenerous); });
  std::thread b([&] { second = waiter.WaitUntilClosed(arn, kGenerous); });
  ASSERT_TRUE(AwaitTrue([&] { return waiter.waiting() == 2; }));
  const auto stopped = std::chrono::steady_clock::now();
  ASSERT_THAT(executor.Stop(arn, "", ""), IsOk());
  a.join();
  b.join();
  EXPECT_LT(std::chrono::steady_clock::now() - stopped, std::chrono::seconds(5));
  EXPECT_THAT(first, IsOk());
  EXPECT_THAT(second, IsOk());
}

TEST_F(ExecutionWaiterTest, ReReadsTheStoreWhenAnotherReplicaCommits) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Milliseconds(5)});
  ExecutionExecutor other_replica(store_, clock_);  // Tells this waiter nothing.
  const std::string arn = StartTask(other_replica, "run");
  absl::StatusOr<persistence::ExecutionRecord> record;
  std::thread waiting([&] { record = waiter.WaitUntilClosed(arn, kGenerous); });
  ASSERT_TRUE(AwaitTrue([&] { return waiter.waiting() == 1; }));
  ASSERT_THAT(other_replica.CompleteTask(ClaimToken(), "{}"), IsOk());
  waiting.join();
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->status, persistence::ExecutionStatus::kSucceeded);
}

TEST_F(ExecutionWaiterTest, GivesUpAtTheTimeout) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Hours(1)});
  ExecutionExecutor executor(store_, clock_);
  const std::string arn = StartTask(executor, "run");
  const auto before = std::chrono::steady_clock::now();
  EXPECT_THAT(waiter.WaitUntilClosed(arn, absl::Milliseconds(20)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(20));
  EXPECT_THAT(waiter.WaitUntilClosed(arn, absl::ZeroDuration()),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(waiter.waiting(), 0);
}

TEST_F(ExecutionWaiterTest, StopsWhenCancelled) {
  ExecutionWaiter waiter(store_, {.poll_interval = absl::Milliseconds(1)});
  ExecutionExecutor executor(store_, clock_);
  const std::string arn = StartTask(executor, "run");
  int checks = 0;
  EXPECT_THAT(waiter.WaitUntilClosed(arn, kGenerous, [&] { return ++checks == 3; }),
              StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(checks, 3);
  EXPECT_EQ(waiter.waiting(), 0);
  // Out of time and gone: told it was cancelled (its execution may run on),
  // not that time ran out.
  EXPECT_THAT(waiter.WaitUntilClosed(arn, absl::ZeroDuration(), [] { return true; }),
              StatusIs(absl::StatusCode::kCancelled));
}

}  // namespace
}  // namespace stepwise::service
