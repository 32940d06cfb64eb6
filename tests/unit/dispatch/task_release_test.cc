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
#include "tests/testing/forwarding_store.h"
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

// MemoryStore whose ClaimTask waits while the gate is closed, and which
// counts releases (heartbeats that end a lease at once).
class GatedStore final : public ::stepwise::testing::ForwardingStore {
 public:
  GatedStore() : ForwardingStore(std::make_unique<persistence::MemoryStore>()) {}

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

  using ForwardingStore::ClaimTask;
  absl::StatusOr<std::optional<persistence::TaskRecord>> ClaimTask(
      std::string_view queue, std::string_view worker_id, const persistence::TaskLeaseRule& rule,
      absl::Time now) override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++blocked_;
      cv_.notify_all();
      cv_.wait_for(lock, std::chrono::seconds(10), [&] { return open_; });
      --blocked_;
    }
    return ForwardingStore::ClaimTask(queue, worker_id, rule, now);
  }

  absl::StatusOr<persistence::TaskRecord> RecordHeartbeat(std::string_view token, absl::Time now,
                                                          absl::Time lease_until) override {
    absl::StatusOr<persistence::TaskRecord> task =
        ForwardingStore::RecordHeartbeat(token, now, lease_until);
    if (task.ok() && lease_until <= now) ++releases_;  // The lease ends now: a release.
    return task;
  }

 private:
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
  EXPECT_EQ(std::count(types.begin(), types.end(), "LambdaFunctionStarted"), 1);
}

}  // namespace
}  // namespace stepwise::dispatch
