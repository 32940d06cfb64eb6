// Worker against a FakeOrchestrator: with fewer slots than queues every queue
// still has a poll outstanding while a slot is free (no queue waits behind
// another's 20 s long poll), never more than `concurrency` tasks run, and
// heartbeats follow the task's lease (Task.lease_seconds / 3).
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json.hpp"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/worker/fake_orchestrator.h"
#include "tests/unit/worker/worker_test_util.h"
#include "worker/sdk/worker.h"

// In the helpers' namespace: BackgroundRun, Board, FakeOrchestrator,
// MakeTask and TestOptions need no using-declarations.
namespace stepwise::worker::testing {
namespace {

using ::stepwise::testing::IsOk;

TEST(WorkerPollingTest, OneSlotStillPollsEveryQueueAndServesEachPromptly) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());  // 20 s polls.
  options.concurrency = 1;
  Worker worker(options);
  for (const char* queue : {"a", "b", "c"}) {
    worker.Register(queue, [queue](const Task&) -> boost::json::value {
      return {{"from", queue}};
    });
  }
  BackgroundRun run(worker);
  // One slot, three queues: a poll on each.
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 3; }));

  // Were the slot polling one queue at a time, a task on another queue would
  // wait for that 20 s poll to end; each must be served within 5 s.
  for (const char* queue : {"c", "b", "a", "c"}) {
    const std::string token = fake.AddTask(MakeTask(queue));
    std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
    ASSERT_TRUE(done.has_value()) << "queue " << queue << " starved";
    EXPECT_EQ(boost::json::parse(done->output), boost::json::value({{"from", queue}}));
    ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 3; })) << queue;
  }
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, 4);
}

TEST(WorkerPollingTest, OneSlotRunsOneTaskAtATimeAndWithdrawsItsPollsMeanwhile) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  Worker worker(options);
  Board board;
  for (const char* queue : {"a", "b", "c"}) {
    worker.Register(queue, [&](const Task&) -> boost::json::value {
      board.Enter();
      const bool opened = board.WaitOpen();
      board.Leave();
      return {{"opened", opened}};
    });
  }
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 3; }));
  fake.AddTask(MakeTask("a"));
  ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
  // The only slot is busy: the other queues' polls are withdrawn, so their
  // tasks stay with the orchestrator for other workers.
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 0; }));
  fake.AddTask(MakeTask("b"));
  EXPECT_FALSE(fake.WaitFor([&] { return fake.PendingLocked("b") == 0; }, absl::Seconds(1)));
  EXPECT_EQ(board.Get(board.started), 1);

  board.Open();
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompletionsLocked() == 2; }));
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 3; }));
  fake.AddTask(MakeTask("c"));
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompletionsLocked() == 3; }));
  EXPECT_EQ(board.Get(board.max_running), 1);
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, 3);
}

TEST(WorkerPollingTest, SeveralSlotsPollOneQueueInParallel) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 3;
  Worker worker(options);
  worker.Register("only", [](const Task&) -> boost::json::value { return nullptr; });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 3; }));
}

TEST(WorkerPollingTest, HeartbeatsEveryThirdOfTheLease) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  v1::Task task = MakeTask("leased");
  task.set_task_token("leased");
  task.set_lease_seconds(3);  // No HeartbeatSeconds: the lease alone asks for them.
  absl::Duration took;
  worker.Register("leased", [&](const Task& t) -> boost::json::value {
    const absl::Time start = absl::Now();
    const bool beat = fake.WaitForHeartbeats(t.task_token, 2, absl::Seconds(10));
    took = absl::Now() - start;
    return {{"beats", beat}};
  });
  fake.AddTask(task);
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done =
      fake.WaitForCompletion("leased", absl::Seconds(15));
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"beats": true})"));
  // Two heartbeats, a second apart (3 s / 3), the first a second in.
  EXPECT_GE(took, absl::Milliseconds(1900));
  EXPECT_LT(took, absl::Seconds(5));
}

TEST(WorkerPollingTest, HeartbeatSecondsShorterThanTheLeaseSetThePace) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  v1::Task task = MakeTask("beats");
  task.set_task_token("beats");
  task.set_lease_seconds(60);
  task.set_heartbeat_seconds(1);  // Every ~333 ms, not every 20 s.
  worker.Register("beats", [&](const Task& t) -> boost::json::value {
    return {{"beats", fake.WaitForHeartbeats(t.task_token, 3, absl::Seconds(3))}};
  });
  fake.AddTask(task);
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion("beats");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"beats": true})"));
}

}  // namespace
}  // namespace stepwise::worker::testing
