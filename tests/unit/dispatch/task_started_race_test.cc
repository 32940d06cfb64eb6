// The dispatcher hands a task over before it records TaskStarted, so the
// worker's completion can be applied first. History must still be well formed:
// exactly one TaskStarted per delivery, before the task's completion.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/engine/events.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::testing::IsOk;
using ::testing::ElementsAre;

constexpr char kTwoSteps[] = R"({
  "StartAt": "First",
  "States": {
    "First": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:racer",
      "HeartbeatSeconds": 30,
      "Next": "Second"
    },
    "Second": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:racer",
      "End": true
    }
  }
})";

class TaskStartedRaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One claim thread: it hands the task over (and the test's worker
    // completes it) before it gets to TaskStarted.
    TaskDispatcherOptions options;
    options.claim_threads = 1;
    server_ = std::make_unique<DispatchServer>(store_, clock_, options,
                                               service::testing::CountingEntropy());
    machine_ = service::testing::CreateMachine(store_, clock_.Now(), "racer", kTwoSteps);
  }

  // Polls "racer" on the dispatcher itself; `on_task` runs in the claim
  // thread as the task is handed over, before TaskStarted is recorded.
  void PollRacer(std::function<void(const persistence::TaskRecord&)> on_task) {
    PollRequest request;
    request.queue = "racer";
    request.worker_name = "racer-1";
    request.wait = absl::Seconds(10);
    ASSERT_THAT(server_->dispatcher->Poll(std::move(request),
                                          [on_task](std::optional<DispatchedTask> task) {
                                            if (task.has_value()) on_task(task->record);
                                          }),
                IsOk());
  }

  std::vector<std::string> History(const std::string& arn) {
    return service::testing::HistoryTypes(store_, arn);
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  std::unique_ptr<DispatchServer> server_;
  std::string machine_;
};

TEST_F(TaskStartedRaceTest, CompletionBeforeTaskStartedKeepsHistoryWellFormed) {
  absl::StatusOr<std::string> arn =
      server_->executor->StartExecution(machine_, "run-1", R"({"n":1})");
  ASSERT_THAT(arn, IsOk());

  // The worker completes each task while the claim thread has not recorded
  // its TaskStarted yet: the completion is applied first, every time.
  std::atomic<int> completed = 0;
  std::string first_task_id;
  PollRacer([&](const persistence::TaskRecord& task) {
    first_task_id = task.task_id;
    EXPECT_THAT(server_->executor->CompleteTask(task.task_token, R"({"n":2})"), IsOk());
    ++completed;
  });
  ASSERT_TRUE(AwaitTrue([&] { return completed == 1; }));

  // A TaskStarted that comes after the completion (as from a replica that
  // did not see it) commits nothing.
  absl::StatusOr<persistence::ExecutionRecord> before = store_.GetExecution(*arn);
  ASSERT_THAT(before, IsOk());
  const size_t events = History(*arn).size();
  absl::StatusOr<int64_t> version =
      server_->executor->Apply(*arn, engine::TaskStarted{first_task_id});
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(*version, before->version);
  EXPECT_EQ(History(*arn).size(), events);
  PollRacer([&](const persistence::TaskRecord& task) {
    EXPECT_THAT(server_->executor->FailTask(task.task_token, "Boom", "it broke"), IsOk());
    ++completed;
  });
  ASSERT_TRUE(AwaitTrue([&] { return completed == 2; }));

  // Shutdown joins the claim threads: the late TaskStarted calls are done
  // (skipped: the completions committed here closed the tasks first).
  server_->dispatcher->Shutdown();
  EXPECT_EQ(server_->dispatcher->stats().started, 0);
  EXPECT_EQ(server_->dispatcher->stats().started_skipped, 2);
  EXPECT_THAT(History(*arn),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionFailed", "ExecutionFailed"));
  const std::vector<persistence::HistoryRecord> records = service::testing::History(store_, *arn);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].id, static_cast<int64_t>(i + 1));
    EXPECT_LT(records[i].previous_event_id, records[i].id);
  }
}

TEST_F(TaskStartedRaceTest, TaskStartedBeforeCompletionIsRecordedOnce) {
  absl::StatusOr<std::string> arn =
      server_->executor->StartExecution(machine_, "run-1", R"({"n":1})");
  ASSERT_THAT(arn, IsOk());
  std::mutex mu;
  std::optional<persistence::TaskRecord> got;
  PollRacer([&](const persistence::TaskRecord& task) {
    std::lock_guard<std::mutex> lock(mu);
    got = task;
  });
  ASSERT_TRUE(AwaitTrue([&] {
    std::vector<std::string> types = History(*arn);
    return types.size() == 4 && types.back() == "LambdaFunctionStarted";
  }));
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_TRUE(got.has_value());
    token = got->task_token;
  }
  ASSERT_THAT(server_->executor->CompleteTask(token, "{}"), IsOk());
  EXPECT_EQ(server_->dispatcher->stats().started, 1);
  EXPECT_THAT(History(*arn),
              ElementsAre("ExecutionStarted", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "TaskStateEntered", "LambdaFunctionScheduled"));
}

}  // namespace
}  // namespace stepwise::dispatch
