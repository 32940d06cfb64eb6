// Task leases on a FakeClock: a task claimed by a replica that died before
// delivering it comes back after the short PollTask lease; a worker that
// heartbeats keeps its task; HeartbeatSeconds counts from the claim, and its
// timeout (States.HeartbeatTimeout) comes before the lease would hand the
// task out again. In-process gRPC server, memory store.
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/dispatch/timer_loop.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;

// No HeartbeatSeconds or TimeoutSeconds: before, a lost claim held 5 minutes.
constexpr char kPlainMachine[] = R"({
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:plain",
      "End": true
    }
  }
})";
constexpr char kHeartbeatMachine[] = R"({
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:beats",
      "HeartbeatSeconds": 10,
      "End": true
    }
  }
})";

class TaskLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TaskDispatcherOptions options;
    options.task_lease = absl::Seconds(60);
    server_ = std::make_unique<DispatchServer>(store_, clock_, options,
                                               service::testing::CountingEntropy());
  }

  std::string Start(const char* definition, const std::string& name) {
    const std::string machine =
        service::testing::CreateMachine(store_, clock_.Now(), name, definition);
    absl::StatusOr<std::string> arn =
        server_->executor->StartExecution(machine, StrCat(name, "-run"), "{}");
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  // One PollTask that does not wait: the task it got, if any.
  std::optional<v1::Task> PollOnce(const std::string& queue) {
    std::unique_ptr<PollCall> poll = server_->StartPoll(queue, /*wait_seconds=*/0);
    EXPECT_TRUE(poll->Wait());
    EXPECT_TRUE(poll->status.ok()) << poll->status.error_message();
    if (!poll->response.has_task()) return std::nullopt;
    return poll->response.task();
  }

  grpc::Status Heartbeat(const std::string& token) {
    grpc::ClientContext context;
    v1::SendTaskHeartbeatRequest request;
    request.set_task_token(token);
    v1::SendTaskHeartbeatResponse response;
    return server_->states_stub->SendTaskHeartbeat(&context, request, &response);
  }

  persistence::TaskRecord Stored(const std::string& token) {
    absl::StatusOr<persistence::TaskRecord> task = store_.FindTaskByToken(token);
    EXPECT_THAT(task, IsOk());
    return task.ok() ? *task : persistence::TaskRecord{};
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  std::unique_ptr<DispatchServer> server_;
};

TEST_F(TaskLeaseTest, ATaskClaimedButNeverDeliveredComesBackAfterTheShortLease) {
  Start(kPlainMachine, "plain");
  // A replica claims the task for a PollTask worker, then dies before the
  // response goes out: nobody will ever heartbeat it.
  TaskDispatcherOptions options;
  auto claimed =
      store_.ClaimTask("plain", "dying-replica", ClaimLeaseRule(true, options), clock_.Now());
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());
  const std::string token = (*claimed)->task_token;
  EXPECT_EQ((*claimed)->lease_until, clock_.Now() + absl::Seconds(60));

  clock_.Advance(absl::Seconds(59));
  EXPECT_FALSE(PollOnce("plain").has_value());
  clock_.Advance(absl::Seconds(1));
  std::optional<v1::Task> again = PollOnce("plain");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->task_token(), token);
  EXPECT_EQ(again->lease_seconds(), 60);
  const persistence::TaskRecord stored = Stored(token);
  EXPECT_EQ(stored.delivery_count, 2);
  EXPECT_EQ(stored.worker_id, "worker-1");
  EXPECT_EQ(stored.lease_until, clock_.Now() + absl::Seconds(60));
}

TEST_F(TaskLeaseTest, AWorkerThatHeartbeatsKeepsItsTaskAndLosesItWhenItStops) {
  Start(kPlainMachine, "plain");
  std::optional<v1::Task> task = PollOnce("plain");
  ASSERT_TRUE(task.has_value());
  ASSERT_EQ(task->lease_seconds(), 60);
  // Heartbeats every lease / 3 for well past the lease.
  for (int i = 0; i < 6; ++i) {
    clock_.Advance(absl::Seconds(20));
    grpc::Status beat = Heartbeat(task->task_token());
    ASSERT_TRUE(beat.ok()) << beat.error_message();
    EXPECT_EQ(Stored(task->task_token()).lease_until, clock_.Now() + absl::Seconds(60));
    EXPECT_FALSE(PollOnce("plain").has_value()) << "redelivered after " << (i + 1) * 20 << " s";
  }
  EXPECT_EQ(Stored(task->task_token()).delivery_count, 1);

  // The worker dies: a lease later the task goes to someone else.
  clock_.Advance(absl::Seconds(59));
  EXPECT_FALSE(PollOnce("plain").has_value());
  clock_.Advance(absl::Seconds(1));
  std::optional<v1::Task> again = PollOnce("plain");
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->task_token(), task->task_token());
  EXPECT_EQ(Stored(task->task_token()).delivery_count, 2);
}

TEST_F(TaskLeaseTest, ActivityWorkersKeepTheLongLeaseAndHeartbeatsRenewIt) {
  Start(kHeartbeatMachine, "beats");
  // As a GetActivityTask claim: HeartbeatSeconds + 5 s, whatever task_lease is.
  TaskDispatcherOptions options;
  options.task_lease = absl::Seconds(3);
  auto claimed =
      store_.ClaimTask("beats", "activity", ClaimLeaseRule(false, options), clock_.Now());
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->lease_until, clock_.Now() + absl::Seconds(15));
  clock_.Advance(absl::Seconds(8));
  ASSERT_TRUE(Heartbeat((*claimed)->task_token).ok());
  EXPECT_EQ(Stored((*claimed)->task_token).lease_until, clock_.Now() + absl::Seconds(15));
}

// AWS counts HeartbeatSeconds from when a worker takes the task: a task that
// waited in its queue does not time out, and once taken, the heartbeat
// timeout fires before the lease (HeartbeatSeconds + 5 s) would redeliver it.
TEST_F(TaskLeaseTest, HeartbeatSecondsCountFromTheClaimAndTimeOutBeforeTheLeaseEnds) {
  TimerLoopOptions timer_options;
  timer_options.owner = "replica-1";
  TimerLoop timers(store_, *server_->executor, clock_, timer_options);
  const std::string arn = Start(kHeartbeatMachine, "beats");

  // Nobody polls for 30 s: the heartbeat timer (due at 10 s) only re-arms.
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(timers.RunOnce().value_or(-1), 1);
  absl::StatusOr<persistence::ExecutionRecord> execution = store_.GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->status, persistence::ExecutionStatus::kRunning);

  std::optional<v1::Task> task = PollOnce("beats");
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->heartbeat_seconds(), 10);
  EXPECT_EQ(task->lease_seconds(), 15);
  EXPECT_EQ(Stored(task->task_token()).lease_until, clock_.Now() + absl::Seconds(15));

  clock_.Advance(absl::Seconds(9));
  EXPECT_EQ(timers.RunOnce().value_or(-1), 0);
  clock_.Advance(absl::Seconds(1));  // 10 s after the claim, 5 s before the lease ends.
  EXPECT_EQ(timers.RunOnce().value_or(-1), 1);
  execution = store_.GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->status, persistence::ExecutionStatus::kFailed);
  EXPECT_EQ(execution->error, "States.HeartbeatTimeout");
  EXPECT_EQ(Stored(task->task_token()).status, persistence::TaskStatus::kTimedOut);
  clock_.Advance(absl::Seconds(10));
  EXPECT_FALSE(PollOnce("beats").has_value());  // Closed: never handed out again.
  EXPECT_EQ(Stored(task->task_token()).delivery_count, 1);
}

TEST_F(TaskLeaseTest, HeartbeatsPushTheHeartbeatDeadline) {
  TimerLoopOptions timer_options;
  timer_options.owner = "replica-1";
  TimerLoop timers(store_, *server_->executor, clock_, timer_options);
  const std::string arn = Start(kHeartbeatMachine, "beats");
  std::optional<v1::Task> task = PollOnce("beats");
  ASSERT_TRUE(task.has_value());
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Seconds(5));
    ASSERT_TRUE(Heartbeat(task->task_token()).ok());
    timers.RunOnce().IgnoreError();
  }
  absl::StatusOr<persistence::ExecutionRecord> execution = store_.GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->status, persistence::ExecutionStatus::kRunning);
  EXPECT_EQ(Stored(task->task_token()).status, persistence::TaskStatus::kClaimed);
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(timers.RunOnce().value_or(-1), 1);
  execution = store_.GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->error, "States.HeartbeatTimeout");
}

}  // namespace
}  // namespace stepwise::dispatch
