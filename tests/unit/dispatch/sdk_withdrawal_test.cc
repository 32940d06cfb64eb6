// The worker SDK against the real dispatcher (in-process gRPC server, memory
// store): a worker with one slot and two queues withdraws its other poll
// while a task runs (Worker.WithdrawPolls, not a cancelled call), and the
// other queue's task waits for it as PENDING, is delivered once the slot
// frees, and is never handed out twice; results ride on the next poll
// (Worker.CompleteAndPollTask) and each completes its state once.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "boost/json.hpp"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"
#include "worker/sdk/worker.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::testing::IsOk;

std::string TaskMachine(const std::string& function) {
  return StrCat(R"({"StartAt": "Call", "States": {"Call": {"Type": "Task",
    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:)",
                function, R"(", "End": true}}})");
}

TEST(SdkWithdrawalTest, OneSlotWithdrawsTheOtherQueuesPollAndLosesNoTask) {
  persistence::MemoryStore store;
  FakeClock clock;
  DispatchServer server(store, clock, TaskDispatcherOptions{}, service::testing::CountingEntropy());
  const std::string slow_machine =
      service::testing::CreateMachine(store, clock.Now(), "slow", TaskMachine("slow"));
  const std::string quick_machine =
      service::testing::CreateMachine(store, clock.Now(), "quick", TaskMachine("quick"));

  std::mutex mu;
  std::condition_variable cv;
  bool slow_running = false;
  bool release_slow = false;
  worker::WorkerOptions options;
  options.endpoint = server.endpoint;
  options.identity = "one-slot";
  options.concurrency = 1;
  options.poll_wait_seconds = 20;  // Only a withdrawal ends a poll this soon.
  worker::Worker sdk(options);
  sdk.Register("slow", [&](const worker::Task&) -> boost::json::value {
    std::unique_lock<std::mutex> lock(mu);
    slow_running = true;
    cv.notify_all();
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return release_slow; });
    return {{"slow", true}};
  });
  std::atomic<int> quick_runs{0};
  sdk.Register("quick", [&](const worker::Task&) -> boost::json::value {
    ++quick_runs;
    return {{"quick", true}};
  });
  std::thread run([&] { EXPECT_THAT(sdk.Run(), IsOk()); });
  TaskDispatcher& dispatcher = *server.dispatcher;
  ASSERT_TRUE(AwaitTrue([&] { return dispatcher.waiting_polls() == 2; }));

  ASSERT_THAT(server.executor->StartExecution(slow_machine, "slow-1", "{}"), IsOk());
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return slow_running; }));
  }
  // The only slot is busy: the "quick" poll is withdrawn and answered.
  ASSERT_TRUE(AwaitTrue(
      [&] { return dispatcher.stats().withdrawn == 1 && dispatcher.waiting_polls() == 0; }));
  absl::StatusOr<std::string> quick =
      server.executor->StartExecution(quick_machine, "quick-1", "{}");
  ASSERT_THAT(quick, IsOk());
  EXPECT_EQ(quick_runs.load(), 0);
  {
    std::lock_guard<std::mutex> lock(mu);
    release_slow = true;
  }
  cv.notify_all();

  // Both finish: the quick task goes out as soon as the slot is free.
  ASSERT_TRUE(AwaitTrue(
      [&] {
        absl::StatusOr<persistence::ExecutionRecord> record = store.GetExecution(*quick);
        return record.ok() && record->status == persistence::ExecutionStatus::kSucceeded;
      },
      absl::Seconds(10)));
  sdk.Shutdown();
  run.join();

  EXPECT_EQ(quick_runs.load(), 1);
  const DispatcherStats stats = dispatcher.stats();
  EXPECT_GE(stats.withdrawn, 1);  // And Shutdown's.
  EXPECT_EQ(stats.undelivered, 0);
  EXPECT_EQ(service::testing::CountEvents(store, *quick, "LambdaFunctionStarted"), 1)
      << "delivered once, not again after a lease";
}

TEST(SdkWithdrawalTest, ResultsRideOnTheNextPollAndCompleteEachStateOnce) {
  persistence::MemoryStore store;
  FakeClock clock;
  DispatchServer server(store, clock, TaskDispatcherOptions{}, service::testing::CountingEntropy());
  const std::string machine = service::testing::CreateMachine(store, clock.Now(), "chain", R"({
    "StartAt": "One",
    "States": {
      "One": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step",
              "Next": "Two"},
      "Two": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step",
              "Next": "Three"},
      "Three": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:step",
                "End": true}
    }
  })");
  worker::WorkerOptions options;
  options.endpoint = server.endpoint;
  options.identity = "chain-worker";
  options.concurrency = 2;
  worker::Worker sdk(options);
  sdk.Register("step", [](const worker::Task& task) -> boost::json::value {
    boost::json::object out =
        task.input.is_object() ? task.input.as_object() : boost::json::object{};
    out["steps"] = (out.contains("steps") ? out["steps"].to_number<int64_t>() : 0) + 1;
    return out;
  });
  std::thread run([&] { EXPECT_THAT(sdk.Run(), IsOk()); });

  constexpr int kExecutions = 4;
  std::vector<std::string> arns;
  for (int i = 0; i < kExecutions; ++i) {
    absl::StatusOr<std::string> arn =
        server.executor->StartExecution(machine, StrCat("chain-", i), "{}");
    ASSERT_THAT(arn, IsOk());
    arns.push_back(*arn);
  }
  for (const std::string& arn : arns) {
    ASSERT_TRUE(AwaitTrue(
        [&] {
          absl::StatusOr<persistence::ExecutionRecord> record = store.GetExecution(arn);
          return record.ok() && record->status == persistence::ExecutionStatus::kSucceeded;
        },
        absl::Seconds(10)))
        << arn;
    absl::StatusOr<persistence::ExecutionRecord> record = store.GetExecution(arn);
    ASSERT_THAT(record, IsOk());
    EXPECT_EQ(record->output, R"({"steps":3})");
    EXPECT_EQ(service::testing::CountEvents(store, arn, "LambdaFunctionSucceeded"), 3);
  }
  sdk.Shutdown();
  run.join();
  const worker::Worker::Stats stats = sdk.stats();
  EXPECT_EQ(stats.tasks_succeeded, 3 * kExecutions);
  EXPECT_EQ(stats.tasks_dropped, 0);
  // Every result went with a poll (the last ones' polls ended by Shutdown).
  EXPECT_EQ(server.completions_with_poll.load(), 3 * kExecutions);
}

}  // namespace
}  // namespace stepwise::dispatch
