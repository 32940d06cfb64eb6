// The Worker's thread pool against a FakeOrchestrator: handlers run on a
// fixed set of threads (no thread per task), a slow handler does not hold
// up the other slots, one heartbeat thread serves every running task, and
// shutdown waits for every task in flight.
#include <sys/syscall.h>
#include <unistd.h>

#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

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

// The kernel's thread id: unlike std::thread::id (a stack address), it is
// not handed to the next thread as soon as one ends.
long ThreadId() { return static_cast<long>(syscall(SYS_gettid)); }

TEST(WorkerPoolTest, HandlersRunOnAFixedSetOfThreads) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 2;
  Worker worker(options);
  std::mutex mu;
  std::set<long> threads;
  worker.Register("work", [&](const Task&) -> boost::json::value {
    std::lock_guard<std::mutex> lock(mu);
    threads.insert(ThreadId());
    return nullptr;
  });
  constexpr int kTasks = 40;
  for (int i = 0; i < kTasks; ++i) fake.AddTask(MakeTask("work"));
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompletionsLocked() == kTasks; }));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, kTasks);
  std::lock_guard<std::mutex> lock(mu);
  // One queue, two slots: a pool of 1 + 2 - 1 threads, whatever the number
  // of tasks.
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), 2u);
}

TEST(WorkerPoolTest, ASlowHandlerDoesNotHoldUpTheOtherSlots) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 3;
  Worker worker(options);
  Board board;
  worker.Register("slow", [&](const Task&) -> boost::json::value {
    return {{"opened", board.PassGate()}};
  });
  worker.Register("fast", [&](const Task&) -> boost::json::value { return nullptr; });
  const std::string slow = fake.AddTask(MakeTask("slow"));
  BackgroundRun run(worker);
  ASSERT_TRUE(board.Await([&] { return board.running == 1; }));
  constexpr int kFast = 20;
  for (int i = 0; i < kFast; ++i) fake.AddTask(MakeTask("fast"));
  // All the fast ones finish on the two other slots while the slow one runs.
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompletionsLocked() == kFast; }));
  EXPECT_FALSE(fake.completion(slow).has_value());
  board.Open();
  ASSERT_TRUE(fake.WaitForCompletion(slow).has_value());
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, kFast + 1);
}

TEST(WorkerPoolTest, OneHeartbeatThreadServesEveryRunningTask) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 3;
  Worker worker(options);
  worker.Register("beats", [&](const Task& t) -> boost::json::value {
    return {{"beats", fake.WaitForHeartbeats(t.task_token, 3, absl::Seconds(3))}};
  });
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) {
    v1::Task task = MakeTask("beats");
    task.set_lease_seconds(60);
    // Different paces (every ~333 and ~667 ms): the thread serves the next due.
    task.set_heartbeat_seconds(i == 1 ? 2 : 1);
    tokens.push_back(fake.AddTask(task));
  }
  BackgroundRun run(worker);
  for (const std::string& token : tokens) {
    std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
    ASSERT_TRUE(done.has_value()) << token;
    EXPECT_EQ(boost::json::parse(done->output), boost::json::parse(R"({"beats": true})")) << token;
  }
  ASSERT_THAT(run.Stop(), IsOk());
}

TEST(WorkerPoolTest, ShutdownWaitsForEveryTaskInFlight) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 3;
  Worker worker(options);
  Board board;
  worker.Register("work", [&](const Task&) -> boost::json::value {
    return {{"opened", board.PassGate()}};
  });
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) tokens.push_back(fake.AddTask(MakeTask("work")));
  BackgroundRun run(worker);
  ASSERT_TRUE(board.Await([&] { return board.running == 3; }));
  worker.Shutdown();
  // Run waits for the three handlers.
  EXPECT_FALSE(run.Returned(absl::Milliseconds(200)));
  board.Open();
  ASSERT_TRUE(run.Returned(absl::Seconds(5)));
  EXPECT_THAT(run.status(), IsOk());
  for (const std::string& token : tokens) {
    std::optional<FakeOrchestrator::Completion> done = fake.completion(token);
    ASSERT_TRUE(done.has_value()) << token;
    EXPECT_TRUE(done->success) << token;
  }
  EXPECT_EQ(worker.stats().tasks_succeeded, 3);
}

}  // namespace
}  // namespace stepwise::worker::testing
