// Worker against a FakeOrchestrator: concurrency, heartbeats, queues,
// shutdown, reconnecting, signals and Run's argument checks.
#include <csignal>
#include <optional>
#include <string>

#include "boost/json.hpp"
#include "common/free_port.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/worker/fake_orchestrator.h"
#include "tests/unit/worker/worker_test_util.h"
#include "worker/sdk/worker.h"

// In the helpers' namespace: BackgroundRun, Board, FakeOrchestrator,
// MakeTask, TestOptions and the rest need no using-declarations.
namespace stepwise::worker::testing {
namespace {

using ::stepwise::PickFreePort;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

TEST(WorkerLifecycleTest, RunsAtMostConcurrencyTasksAtOnce) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 3;
  Worker worker(options);
  Board board;
  worker.Register("work", [&](const Task&) -> boost::json::value {
    return {{"opened", board.PassGate()}};
  });
  for (int i = 0; i < 5; ++i) fake.AddTask(MakeTask("work"));
  BackgroundRun run(worker);

  ASSERT_TRUE(board.Await([&] { return board.running == 3; }));
  // Every slot is busy: no poll is outstanding, so two tasks stay queued.
  ASSERT_TRUE(fake.WaitFor(
      [&] { return fake.PendingLocked("work") == 2 && fake.PollsWaitingLocked() == 0; }));
  EXPECT_EQ(board.Get(board.started), 3);
  board.Open();
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompletionsLocked() == 5; }));
  EXPECT_EQ(board.Get(board.max_running), 3);
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, 5);
}

TEST(WorkerLifecycleTest, HeartbeatsOnlyForTasksWithHeartbeatSeconds) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  v1::Task with_heartbeat = MakeTask("beat");
  with_heartbeat.set_task_token("beating");
  with_heartbeat.set_heartbeat_seconds(1);  // A heartbeat every ~333 ms.
  v1::Task without = MakeTask("quiet");
  without.set_task_token("quiet");
  // The heartbeat task ends after its second heartbeat; the other one runs
  // at least as long.
  worker.Register("beat", [&](const Task& task) -> boost::json::value {
    return {{"beats", fake.WaitForHeartbeats(task.task_token, 2)}};
  });
  worker.Register("quiet", [&](const Task&) -> boost::json::value {
    return {{"beats", fake.WaitForHeartbeats("beating", 2)}};
  });
  fake.AddTask(with_heartbeat);
  fake.AddTask(without);
  BackgroundRun run(worker);

  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion("beating");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"beats": true})"));
  done = fake.WaitForCompletion("quiet");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"beats": true})"));
  EXPECT_GE(fake.heartbeats("beating"), 2);
  EXPECT_EQ(fake.heartbeats("quiet"), 0);
}

TEST(WorkerLifecycleTest, HeartbeatAnsweredTaskTimedOutDropsTheResult) {
  FakeOrchestrator fake;
  fake.AnswerHeartbeats(StepwiseError(grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut"));
  Worker worker(TestOptions(fake.endpoint()));
  Board board;
  worker.Register("q", [&](const Task& task) -> boost::json::value {
    board.Enter();
    const bool beat = fake.WaitForHeartbeats(task.task_token, 1);
    board.Leave();
    return {{"beat", beat}};
  });
  v1::Task task = MakeTask("q");
  task.set_heartbeat_seconds(1);
  const std::string token = fake.AddTask(task);
  BackgroundRun run(worker);

  ASSERT_TRUE(board.Await([&] { return board.finished == 1; }));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(fake.heartbeats(token), 1);  // None after the orchestrator gave up.
  EXPECT_EQ(fake.report_attempts(), 0);
  EXPECT_TRUE(fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() == 0; }))
      << "nor with a poll";
  EXPECT_FALSE(fake.completion(token).has_value());
  EXPECT_EQ(worker.stats().tasks_dropped, 1);
}

TEST(WorkerLifecycleTest, EveryQueueGetsAPollerWhenSlotsAllowIt) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));  // Two slots, 20 s polls.
  worker.Register("a", [](const Task&) -> boost::json::value { return "from a"; });
  worker.Register("b", [](const Task&) -> boost::json::value { return "from b"; });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));

  // Were both slots polling "a", this task would wait for a 20 s poll to end.
  const std::string b = fake.AddTask(MakeTask("b"));
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(b);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->output, R"("from b")");
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));
  const std::string a = fake.AddTask(MakeTask("a"));
  done = fake.WaitForCompletion(a);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->output, R"("from a")");
}

TEST(WorkerLifecycleTest, ShutdownFinishesTheTaskInFlightReportsItAndReturns) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));  // 20 s polls.
  Board board;
  worker.Register("work", [&](const Task&) -> boost::json::value {
    return {{"opened", board.PassGate()}};
  });
  const std::string token = fake.AddTask(MakeTask("work"));
  BackgroundRun run(worker);
  ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 1; }));

  worker.Shutdown();
  // The idle slot's long poll is cancelled right away ...
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 0; }));
  // ... but Run waits for the handler, and takes no new task meanwhile.
  EXPECT_FALSE(run.Returned(absl::ZeroDuration()));
  EXPECT_TRUE(worker.ShutdownRequested());
  fake.AddTask(MakeTask("work"));
  board.Open();
  ASSERT_TRUE(run.Returned(absl::Seconds(5)));
  EXPECT_THAT(run.status(), IsOk());

  std::optional<FakeOrchestrator::Completion> done = fake.completion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"opened": true})"));
  EXPECT_EQ(fake.pending("work"), 1u);
  EXPECT_EQ(board.Get(board.started), 1);
  EXPECT_EQ(worker.stats().tasks_succeeded, 1);
}

TEST(WorkerLifecycleTest, RunReturnsWhenTheGracePeriodEndsWithAHandlerStillRunning) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.shutdown_grace = absl::Milliseconds(100);
  Worker worker(options);
  Board board;
  worker.Register("work", [&](const Task&) -> boost::json::value {
    board.PassGate();
    return nullptr;
  });
  const std::string token = fake.AddTask(MakeTask("work"));
  {
    BackgroundRun run(worker);
    ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
    ASSERT_THAT(run.Stop(), IsOk());
  }
  EXPECT_EQ(worker.stats().tasks_dropped, 1);
  EXPECT_EQ(board.Get(board.finished), 0);
  // The abandoned handler still ends normally; its result goes nowhere.
  board.Open();
  ASSERT_TRUE(board.Await([&] { return board.finished == 1; }));
  EXPECT_FALSE(fake.completion(token).has_value());
}

TEST(WorkerLifecycleTest, WaitForShutdownWakesHandlersThatWait) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  Board board;
  worker.Register("sleep", [&](const Task&) -> boost::json::value {
    board.Enter();
    const bool interrupted = worker.WaitForShutdown(absl::Seconds(30));
    board.Leave();
    return {{"interrupted", interrupted}};
  });
  const std::string token = fake.AddTask(MakeTask("sleep"));
  BackgroundRun run(worker);
  ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
  ASSERT_THAT(run.Stop(), IsOk());
  std::optional<FakeOrchestrator::Completion> done = fake.completion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"interrupted": true})"));
}

TEST(WorkerLifecycleTest, ReconnectsWhenTheOrchestratorComesUp) {
  const absl::StatusOr<int> port = PickFreePort();
  ASSERT_THAT(port, IsOk());
  WorkerOptions options = TestOptions("127.0.0.1:" + std::to_string(*port));
  Worker worker(options);
  worker.Register("q", [](const Task& task) { return task.input; });
  std::optional<FakeOrchestrator> fake;
  BackgroundRun run(worker);
  // Polls fail (nothing listens) and are retried with backoff.
  ASSERT_TRUE(AwaitTrue([&] { return worker.stats().polls >= 3; }));
  EXPECT_EQ(worker.stats().reconnects, 0);

  fake.emplace(*port);
  const std::string token = fake->AddTask(MakeTask("q", R"({"after": "outage"})"));
  std::optional<FakeOrchestrator::Completion> done = fake->WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"after": "outage"})"));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_GE(worker.stats().reconnects, 1);
  EXPECT_EQ(worker.stats().tasks_succeeded, 1);
}

TEST(WorkerLifecycleTest, SigtermShutsTheWorkerDown) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  InstallSignalHandlers(worker);
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));
  ASSERT_EQ(std::raise(SIGTERM), 0);
  ASSERT_TRUE(run.Returned(absl::Seconds(5)));
  EXPECT_THAT(run.status(), IsOk());
  EXPECT_TRUE(worker.ShutdownRequested());
}

TEST(WorkerLifecycleTest, RunChecksItsArguments) {
  FakeOrchestrator fake;
  {
    Worker worker(TestOptions(fake.endpoint()));
    EXPECT_THAT(worker.Run(), StatusIs(absl::StatusCode::kInvalidArgument));  // No handler.
  }
  {
    WorkerOptions options = TestOptions(fake.endpoint());
    options.concurrency = 0;
    Worker worker(options);
    worker.Register("q", [](const Task& task) { return task.input; });
    EXPECT_THAT(worker.Run(), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  {
    WorkerOptions options = TestOptions(fake.endpoint());
    options.poll_wait_seconds = 61;
    Worker worker(options);
    worker.Register("q", [](const Task& task) { return task.input; });
    EXPECT_THAT(worker.Run(), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  {
    Worker worker(TestOptions(fake.endpoint()));
    worker.Register("q", Handler());
    EXPECT_THAT(worker.Run(), StatusIs(absl::StatusCode::kInvalidArgument));
  }
  {
    WorkerOptions options = TestOptions(fake.endpoint());
    options.reprobe_interval = absl::Seconds(-1);
    Worker worker(options);
    worker.Register("q", [](const Task& task) { return task.input; });
    const absl::Status status = worker.Run();
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(status.message(), ::testing::HasSubstr("reprobe_interval"));
  }
}

TEST(WorkerLifecycleTest, ShutdownBeforeRunMakesRunReturnAtOnce) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  worker.Shutdown();
  EXPECT_THAT(worker.Run(), IsOk());
  EXPECT_EQ(fake.polls_total(), 0);
}

TEST(WorkerLifecycleTest, SecondConcurrentRunIsRefused) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.PollsWaitingLocked() == 2; }));
  EXPECT_THAT(worker.Run(), StatusIs(absl::StatusCode::kFailedPrecondition));
}

}  // namespace
}  // namespace stepwise::worker::testing
