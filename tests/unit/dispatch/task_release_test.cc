// A task claimed for a poll whose client left during the claim is released
// (its lease ends at once) and goes to the next poll, not lost for a lease.
// A store wrapper (gated_store.h) holds ClaimTask at a gate so the race is deterministic.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/dispatch/gated_store.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::GatedStore;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;

constexpr char kMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "End": true}
  }
})";

// A dispatcher without sweeps (only notifications and releases move tasks)
// and one execution of kMachine waiting for its task.
class TaskReleaseTest : public ::testing::Test {
 protected:
  TaskReleaseTest() : server(store, clock, NoSweeps(), service::testing::CountingEntropy()) {}

  absl::StatusOr<std::string> StartGreeter() {
    const std::string machine =
        service::testing::CreateMachine(store, clock.Now(), "greeter", kMachine);
    return server.executor->StartExecution(machine, "run-1", "{}");
  }

  GatedStore store;
  FakeClock clock;
  DispatchServer server;

 private:
  static TaskDispatcherOptions NoSweeps() {
    TaskDispatcherOptions options;
    options.sweep_interval = absl::Hours(1);
    return options;
  }
};

TEST_F(TaskReleaseTest, TaskClaimedForAVanishedPollIsReleasedAtOnce) {
  absl::StatusOr<std::string> arn = StartGreeter();
  ASSERT_THAT(arn, IsOk());

  store.claim_gate.Close();
  std::unique_ptr<PollCall> leaving = server.StartPoll("greeter");
  ASSERT_TRUE(store.claim_gate.AwaitBlocked());
  leaving->context.TryCancel();
  ASSERT_TRUE(leaving->Wait());
  EXPECT_EQ(leaving->status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(AwaitTrue([&] { return server.dispatcher->waiting_polls() == 0; }));
  store.claim_gate.Open();  // The claim takes the task for nobody: released.

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

// The worker withdrew its poll just as the task went out (the call failed
// after Finish, so the worker never saw the task): PollReactor gives it back
// with ReturnUndelivered, and the next poll gets it at once, not after the
// 60 s lease.
TEST_F(TaskReleaseTest, TaskReturnedUndeliveredGoesToTheNextPollAtOnce) {
  ASSERT_THAT(StartGreeter(), IsOk());

  std::unique_ptr<PollCall> first = server.StartPoll("greeter", 0, "worker-1");
  ASSERT_TRUE(first->Wait());
  ASSERT_TRUE(first->response.has_task());
  absl::StatusOr<persistence::TaskRecord> lost =
      store.FindTaskByToken(first->response.task().task_token());
  ASSERT_THAT(lost, IsOk());
  EXPECT_EQ(lost->status, persistence::TaskStatus::kClaimed);

  server.dispatcher->ReturnUndelivered(*lost);
  ASSERT_TRUE(AwaitTrue([&] { return store.releases() == 1; }));
  EXPECT_EQ(server.dispatcher->stats().undelivered, 1);
  std::unique_ptr<PollCall> next = server.StartPoll("greeter", 0, "worker-2");
  ASSERT_TRUE(next->Wait());
  ASSERT_TRUE(next->response.has_task()) << "the returned task must be claimable at once";
  EXPECT_EQ(next->response.task().task_token(), first->response.task().task_token());
  absl::StatusOr<persistence::TaskRecord> stored =
      store.FindTaskByToken(next->response.task().task_token());
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->delivery_count, 2);
  EXPECT_EQ(stored->worker_id, "worker-2");
}

}  // namespace
}  // namespace stepwise::dispatch
