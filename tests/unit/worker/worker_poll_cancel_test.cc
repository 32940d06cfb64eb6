// Worker against a FakeOrchestrator that holds polls until the worker cancels
// them and then answers with a task (an orchestrator that claimed a task for
// the poll in the instant its worker left): the cancelled poll's task is never
// run nor reported (the orchestrator releases it), and cancelling is no
// outage. Covers both cancellations: Shutdown, and the withdrawal of polls
// when the last slot fills.
#include <atomic>
#include <string>

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

TEST(WorkerPollCancelTest, ShutdownCancelsTheWaitingPollAndRunsNothingThatArrivesForIt) {
  FakeOrchestrator fake;
  fake.HoldPollsUntilCancelled("q");
  v1::Task task = MakeTask("q");
  task.set_lease_seconds(3);  // Were it held for a slot, it would heartbeat.
  const std::string token = fake.AddTask(task);
  WorkerOptions options = TestOptions(fake.endpoint());  // 20 s polls.
  options.concurrency = 1;
  Worker worker(options);
  std::atomic<int> runs{0};
  worker.Register("q", [&](const Task&) -> boost::json::value {
    ++runs;
    return nullptr;
  });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 1; }));

  worker.Shutdown();
  // Only a cancel ends the 20 s poll this soon.
  ASSERT_TRUE(run.Returned(absl::Seconds(5)));
  EXPECT_THAT(run.status(), IsOk());
  // The fake answered the cancelled call with the task; it never arrived.
  ASSERT_TRUE(fake.WaitFor([&] { return fake.LateTasksLocked() == 1; }));
  EXPECT_EQ(runs.load(), 0);
  EXPECT_EQ(fake.report_attempts(), 0);
  EXPECT_EQ(fake.heartbeats(token), 0);
  EXPECT_EQ(fake.polls_total(), 1) << "no poll after the shutdown";
  const Worker::Stats stats = worker.stats();
  EXPECT_EQ(stats.polls, 1);
  EXPECT_EQ(stats.tasks_succeeded + stats.tasks_failed + stats.tasks_dropped, 0);
  EXPECT_EQ(stats.reconnects, 0);
}

TEST(WorkerPollCancelTest, PollWithdrawnWhenTheLastSlotFillsRunsNothingAndPollsAgainAtOnce) {
  FakeOrchestrator fake;
  fake.HoldPollsUntilCancelled("held");
  const std::string late = fake.AddTask(MakeTask("held"));
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  // Were the withdrawal taken for an outage, the held queue would be polled
  // again only after this backoff (15 s at least, with jitter).
  options.initial_backoff = absl::Seconds(30);
  options.max_backoff = absl::Seconds(30);
  Worker worker(options);
  Board board;
  std::atomic<int> held_runs{0};
  worker.Register("work", [&](const Task&) -> boost::json::value {
    board.Enter();
    const bool opened = board.WaitOpen();
    board.Leave();
    return {{"opened", opened}};
  });
  worker.Register("held", [&](const Task&) -> boost::json::value {
    ++held_runs;
    return nullptr;
  });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));

  const std::string work = fake.AddTask(MakeTask("work"));
  ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
  // The only slot is busy: the held poll is withdrawn, and the task the fake
  // then sends it goes nowhere.
  ASSERT_TRUE(
      fake.WaitFor([&] { return fake.LateTasksLocked() == 1 && fake.PollsWaitingLocked() == 0; }));
  board.Open();
  ASSERT_TRUE(fake.WaitForCompletion(work).has_value());
  // The slot is free again: both queues are polled anew, without a backoff.
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));
  ASSERT_THAT(run.Stop(), IsOk());

  EXPECT_EQ(held_runs.load(), 0);
  EXPECT_FALSE(fake.completion(late).has_value());
  EXPECT_EQ(fake.report_attempts(), 1);  // The "work" task's alone.
  const Worker::Stats stats = worker.stats();
  EXPECT_EQ(stats.tasks_succeeded, 1);
  EXPECT_EQ(stats.tasks_dropped, 0);
  EXPECT_EQ(stats.reconnects, 0);
}

}  // namespace
}  // namespace stepwise::worker::testing
