// How a Worker ends its outstanding polls, on Shutdown and when its last
// slot fills, against a FakeOrchestrator that holds polls of some queues:
// - with Worker.WithdrawPolls, each withdrawn poll is answered (empty, or
//   with a task handed out just before the withdrawal came, which the worker
//   then holds for a slot and runs: nothing is lost);
// - an orchestrator without it (UNIMPLEMENTED, the fake's default) gets its
//   polls cancelled instead: a task answered to a cancelled poll is never run
//   nor reported (the orchestrator releases it, or its lease ends), and
//   cancelling is no outage.
#include <atomic>
#include <memory>
#include <optional>
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
  fake.ActAsOlderOrchestrator();  // Polls cannot be withdrawn: they are cancelled.
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

// One slot, two queues: "work" (its handler waits on `board`) and "held"
// (polls of it wait until withdrawn or cancelled; its handler counts runs).
// Started with both queues polled; then a "work" task fills the slot.
class SlotFillsTest : public ::testing::Test {
 protected:
  void StartWorker(FakeOrchestrator::Withdrawals withdrawals,
                   v1::Task held_task = MakeTask("held")) {
    if (withdrawals == FakeOrchestrator::Withdrawals::kUnimplemented) {
      fake_.ActAsOlderOrchestrator();
    } else {
      fake_.ServeWithdrawals(withdrawals);
    }
    fake_.HoldPollsUntilCancelled("held");
    held_token_ = fake_.AddTask(std::move(held_task));
    WorkerOptions options = TestOptions(fake_.endpoint());
    options.concurrency = 1;
    // Were a withdrawal taken for an outage, the held queue would be polled
    // again only after this backoff (15 s at least, with jitter).
    options.initial_backoff = absl::Seconds(30);
    options.max_backoff = absl::Seconds(30);
    worker_ = std::make_unique<Worker>(options);
    worker_->Register("work", [this](const Task&) -> boost::json::value {
      board_.Enter();
      const bool opened = board_.WaitOpen();
      board_.Leave();
      return {{"opened", opened}};
    });
    worker_->Register("held", [this](const Task&) -> boost::json::value {
      ++held_runs_;
      return nullptr;
    });
    run_ = std::make_unique<BackgroundRun>(*worker_);
    ASSERT_TRUE(fake_.WaitFor([&] { return fake_.PollsWaitingLocked() == 2; }));
    work_token_ = fake_.AddTask(MakeTask("work"));
    ASSERT_TRUE(board_.Await([&] { return board_.running == 1; }));
  }

  FakeOrchestrator fake_;
  Board board_;
  std::atomic<int> held_runs_{0};
  std::string held_token_;
  std::string work_token_;
  std::unique_ptr<Worker> worker_;
  std::unique_ptr<BackgroundRun> run_;  // Declared last: stopped first.
};

TEST_F(SlotFillsTest, WithoutWithdrawPollsTheHeldPollIsCancelledAndPolledAgainAtOnce) {
  ASSERT_NO_FATAL_FAILURE(StartWorker(FakeOrchestrator::Withdrawals::kUnimplemented));
  // The only slot is busy: the held poll is cancelled, and the task the fake
  // then sends it goes nowhere.
  ASSERT_TRUE(fake_.WaitFor(
      [&] { return fake_.LateTasksLocked() == 1 && fake_.PollsWaitingLocked() == 0; }));
  board_.Open();
  ASSERT_TRUE(fake_.WaitForCompletion(work_token_).has_value());
  // The slot is free again: both queues are polled anew, without a backoff.
  ASSERT_TRUE(fake_.WaitFor([&] { return fake_.PollsWaitingLocked() == 2; }));
  ASSERT_THAT(run_->Stop(), IsOk());

  EXPECT_EQ(held_runs_.load(), 0);
  EXPECT_FALSE(fake_.completion(held_token_).has_value());
  EXPECT_EQ(fake_.report_attempts(), 1);  // The "work" task's alone.
  const Worker::Stats stats = worker_->stats();
  EXPECT_EQ(stats.tasks_succeeded, 1);
  EXPECT_EQ(stats.tasks_dropped, 0);
  EXPECT_EQ(stats.reconnects, 0);
}

TEST_F(SlotFillsTest, WithdrawnPollIsAnsweredNotCancelledAndItsQueueKeepsItsTask) {
  ASSERT_NO_FATAL_FAILURE(StartWorker(FakeOrchestrator::Withdrawals::kAnswerEmpty));
  ASSERT_TRUE(fake_.WaitFor([&] {
    return fake_.WithdrawCallsLocked() == 1 && fake_.WithdrawnPollsLocked() == 1 &&
           fake_.PollsWaitingLocked() == 0;
  }));
  EXPECT_EQ(fake_.pending("held"), 1u) << "the withdrawn poll took nothing";
  board_.Open();
  ASSERT_TRUE(fake_.WaitForCompletion(work_token_).has_value());
  ASSERT_TRUE(fake_.WaitFor([&] { return fake_.PollsWaitingLocked() == 2; }));
  ASSERT_THAT(run_->Stop(), IsOk());  // Withdraws both polls again.

  EXPECT_TRUE(fake_.WaitFor([&] {
    return fake_.WithdrawnPollsLocked() == 3 && fake_.LateTasksLocked() == 0;
  })) << "every poll was withdrawn, none cancelled";
  EXPECT_EQ(held_runs_.load(), 0);
  EXPECT_FALSE(fake_.completion(held_token_).has_value());
  const Worker::Stats stats = worker_->stats();
  EXPECT_EQ(stats.tasks_succeeded, 1);
  EXPECT_EQ(stats.reconnects, 0);
}

TEST_F(SlotFillsTest, TaskAnsweredAsItsPollIsWithdrawnIsHeldAndRunOnceTheSlotFrees) {
  v1::Task crossing = MakeTask("held");
  crossing.set_lease_seconds(3);  // Held, it heartbeats every second.
  ASSERT_NO_FATAL_FAILURE(StartWorker(FakeOrchestrator::Withdrawals::kAnswerWithTask, crossing));
  // The withdrawal crossed the task: it arrives with the only slot busy.
  ASSERT_TRUE(fake_.WaitFor([&] { return fake_.WithdrawnPollsLocked() == 1; }));
  EXPECT_TRUE(fake_.WaitForHeartbeats(held_token_, 1)) << "held, and kept alive meanwhile";
  EXPECT_EQ(held_runs_.load(), 0);
  board_.Open();
  ASSERT_TRUE(fake_.WaitForCompletion(work_token_).has_value());
  std::optional<FakeOrchestrator::Completion> ran = fake_.WaitForCompletion(held_token_);
  ASSERT_TRUE(ran.has_value());
  EXPECT_TRUE(ran->success);
  ASSERT_THAT(run_->Stop(), IsOk());

  EXPECT_EQ(held_runs_.load(), 1);
  const Worker::Stats stats = worker_->stats();
  EXPECT_EQ(stats.tasks_succeeded, 2);
  EXPECT_EQ(stats.tasks_dropped, 0);
}

TEST(WorkerPollCancelTest, ShutdownWithdrawsTheWaitingPoll) {
  FakeOrchestrator fake;
  fake.ServeWithdrawals(FakeOrchestrator::Withdrawals::kAnswerEmpty);
  fake.HoldPollsUntilCancelled("q");
  const std::string token = fake.AddTask(MakeTask("q"));
  WorkerOptions options = TestOptions(fake.endpoint());  // 20 s polls.
  options.concurrency = 1;
  Worker worker(options);
  worker.Register("q", [&](const Task&) -> boost::json::value { return nullptr; });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 1; }));

  worker.Shutdown();
  ASSERT_TRUE(run.Returned(absl::Seconds(5)));
  EXPECT_THAT(run.status(), IsOk());
  EXPECT_TRUE(fake.WaitFor(
      [&] { return fake.WithdrawnPollsLocked() == 1 && fake.LateTasksLocked() == 0; }));
  EXPECT_EQ(fake.pending("q"), 1u) << "the task stays with the orchestrator";
  EXPECT_EQ(fake.polls_total(), 1);
}

}  // namespace
}  // namespace stepwise::worker::testing
