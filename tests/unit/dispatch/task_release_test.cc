// A task claimed for a poll whose client left during the claim is released
// (its lease ends at once) and goes to the next poll, not lost for a lease.
// A store wrapper holds ClaimTask at a gate so the race is deterministic.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;

constexpr char kMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "End": true}
  }
})";

// MemoryStore whose ClaimTask waits while the gate is closed.
class GatedStore final : public persistence::ExecutionStore {
 public:
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = false;
  }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  int releases() const { return releases_.load(); }
  bool AwaitBlockedClaim() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return blocked_ > 0; });
  }

  absl::StatusOr<std::optional<persistence::TaskRecord>> ClaimTask(std::string_view queue,
                                                                   std::string_view worker_id,
                                                                   absl::Time lease_until,
                                                                   absl::Time now) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
      --blocked_;
    }
    return inner_.ClaimTask(queue, worker_id, lease_until, now);
  }

  absl::StatusOr<persistence::StateMachineRecord> CreateStateMachine(
      const persistence::StateMachineRecord& record) override {
    return inner_.CreateStateMachine(record);
  }
  absl::StatusOr<persistence::StateMachineRecord> GetStateMachine(std::string_view arn) override {
    return inner_.GetStateMachine(arn);
  }
  absl::StatusOr<persistence::StateMachineRevision> GetStateMachineRevision(
      std::string_view revision_id) override {
    return inner_.GetStateMachineRevision(revision_id);
  }
  absl::StatusOr<persistence::StateMachinePage> ListStateMachines(
      int page_size, std::string_view page_token) override {
    return inner_.ListStateMachines(page_size, page_token);
  }
  absl::StatusOr<persistence::StateMachineRecord> UpdateStateMachine(
      const persistence::StateMachineUpdate& update) override {
    return inner_.UpdateStateMachine(update);
  }
  absl::Status DeleteStateMachine(std::string_view arn) override {
    return inner_.DeleteStateMachine(arn);
  }
  absl::StatusOr<persistence::ActivityRecord> CreateActivity(
      const persistence::ActivityRecord& record) override {
    return inner_.CreateActivity(record);
  }
  absl::StatusOr<persistence::ActivityRecord> GetActivity(std::string_view arn) override {
    return inner_.GetActivity(arn);
  }
  absl::Status DeleteActivity(std::string_view arn) override { return inner_.DeleteActivity(arn); }
  absl::StatusOr<persistence::ActivityPage> ListActivities(int page_size,
                                                           std::string_view page_token) override {
    return inner_.ListActivities(page_size, page_token);
  }
  absl::StatusOr<persistence::CreateExecutionResult> CreateExecution(
      const persistence::NewExecution& execution) override {
    return inner_.CreateExecution(execution);
  }
  absl::StatusOr<persistence::ExecutionRecord> GetExecution(std::string_view arn) override {
    return inner_.GetExecution(arn);
  }
  absl::StatusOr<persistence::ExecutionSnapshot> LoadExecution(std::string_view arn) override {
    return inner_.LoadExecution(arn);
  }
  absl::StatusOr<persistence::ExecutionPage> ListExecutions(
      const persistence::ExecutionFilter& filter, int page_size,
      std::string_view page_token) override {
    return inner_.ListExecutions(filter, page_size, page_token);
  }
  absl::StatusOr<int64_t> CommitStep(const persistence::StepUpdate& update,
                                     int64_t expected_version) override {
    return inner_.CommitStep(update, expected_version);
  }
  absl::StatusOr<std::vector<persistence::HistoryRecord>> ReadHistory(
      std::string_view arn, const persistence::HistoryQuery& query) override {
    return inner_.ReadHistory(arn, query);
  }
  absl::StatusOr<persistence::TaskRecord> FindTaskByToken(std::string_view token) override {
    return inner_.FindTaskByToken(token);
  }
  absl::StatusOr<persistence::TaskRecord> AcknowledgeInvocation(std::string_view token) override {
    return inner_.AcknowledgeInvocation(token);
  }
  absl::StatusOr<persistence::TaskRecord> RecordHeartbeat(std::string_view token, absl::Time now,
                                                          absl::Time lease_until) override {
    absl::StatusOr<persistence::TaskRecord> task = inner_.RecordHeartbeat(token, now, lease_until);
    if (task.ok() && lease_until <= now) ++releases_;  // The lease ends now: a release.
    return task;
  }
  absl::StatusOr<std::vector<persistence::TimerRecord>> ClaimDueTimers(
      absl::Time now, int limit, std::string_view owner, absl::Time lease_until) override {
    return inner_.ClaimDueTimers(now, limit, owner, lease_until);
  }
  absl::Status RescheduleTimer(std::string_view arn, std::string_view timer_id,
                               std::string_view owner, absl::Time fire_at) override {
    return inner_.RescheduleTimer(arn, timer_id, owner, fire_at);
  }
  absl::Status DeleteTimer(std::string_view arn, std::string_view timer_id,
                           std::string_view owner) override {
    return inner_.DeleteTimer(arn, timer_id, owner);
  }

 private:
  persistence::MemoryStore inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = true;
  int blocked_ = 0;
  std::atomic<int> releases_{0};
};

TEST(TaskReleaseTest, TaskClaimedForAVanishedPollIsReleasedAtOnce) {
  GatedStore store;
  FakeClock clock;
  TaskDispatcherOptions options;
  options.sweep_interval = absl::Hours(1);
  DispatchServer server(store, clock, options, service::testing::CountingEntropy());
  const std::string machine =
      service::testing::CreateMachine(store, clock.Now(), "greeter", kMachine);
  absl::StatusOr<std::string> arn = server.executor->StartExecution(machine, "run-1", "{}");
  ASSERT_THAT(arn, IsOk());

  store.Close();
  std::unique_ptr<PollCall> leaving = server.StartPoll("greeter");
  ASSERT_TRUE(store.AwaitBlockedClaim());
  leaving->context.TryCancel();
  ASSERT_TRUE(leaving->Wait());
  EXPECT_EQ(leaving->status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(AwaitTrue([&] { return server.dispatcher->waiting_polls() == 0; }));
  store.Open();  // The claim takes the task for nobody: released.

  ASSERT_TRUE(AwaitTrue([&] { return store.releases() == 1; }));
  std::unique_ptr<PollCall> next = server.StartPoll("greeter", 0, "worker-2");
  ASSERT_TRUE(next->Wait());
  ASSERT_TRUE(next->response.has_task()) << "the released task must be claimable at once";
  absl::StatusOr<persistence::TaskRecord> stored =
      store.FindTaskByToken(next->response.task().task_token());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->delivery_count, 2);
  EXPECT_EQ(stored->worker_id, "worker-2");
  // Only the delivery that reached a worker is in history (Shutdown joins
  // the claim thread that records it).
  server.dispatcher->Shutdown();
  const std::vector<std::string> types = service::testing::HistoryTypes(store, *arn);
  EXPECT_EQ(std::count(types.begin(), types.end(), "TaskStarted"), 1);
}

}  // namespace
}  // namespace stepwise::dispatch
