// Direct handoff (issue 4): a task that a step creates while a poll waits on
// this replica is claimed by the step's own commit (TaskRecord::claim) and
// handed to that poll with no ClaimTask; a failed commit lets the poll wait
// again; a poll that left before the commit returned passes the task on, or
// the task is released. The dispatcher is driven directly (no gRPC) over a
// counting, gated MemoryStore and a FakeClock (dispatcher_fixture.h); every
// wait has a deadline.
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/store_rules.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/dispatch/dispatcher_fixture.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatcherTest;
using ::stepwise::dispatch::testing::PollAnswer;
using ::stepwise::testing::IsOk;

constexpr char kGreeter[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "HeartbeatSeconds": 20, "End": true}
  }
})";
constexpr char kFanOut[] = R"({
  "StartAt": "Fan",
  "States": {
    "Fan": {"Type": "Parallel", "End": true, "Branches": [
      {"StartAt": "A", "States": {"A": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:1:function:greeter", "End": true}}},
      {"StartAt": "B", "States": {"B": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:1:function:greeter", "End": true}}},
      {"StartAt": "C", "States": {"C": {"Type": "Task",
        "Resource": "arn:aws:lambda:us-east-1:1:function:greeter", "End": true}}}]}
  }
})";

class DirectHandoffTest : public DispatcherTest {
 protected:
  DirectHandoffTest() { greeter_ = CreateMachine("greeter", kGreeter); }

  std::string greeter_;
};

TEST_F(DirectHandoffTest, CommittedTaskReachesTheWaitingPollWithoutAClaim) {
  PollAnswer& answer = NewAnswer();
  Poll(answer);
  const int claims = store_.claims();
  const absl::Time now = persistence::FromMicros(persistence::ToMicros(clock_.Now()));
  absl::StatusOr<std::string> arn = Start(greeter_);
  ASSERT_THAT(arn, IsOk());
  // Delivered on the committing thread, before StartExecution returned.
  ASSERT_TRUE(answer.IsDone());
  ASSERT_TRUE(answer.task.has_value());
  EXPECT_EQ(store_.claims(), claims) << "no ClaimTask for a task its own commit claimed";
  EXPECT_EQ(dispatcher_->stats().direct, 1);
  EXPECT_EQ(dispatcher_->stats().delivered, 1);

  // The stored row is what ClaimTask would have left, and what was delivered.
  const persistence::TaskRecord& delivered = answer.task->record;
  absl::StatusOr<persistence::TaskRecord> stored = store_.FindTaskByToken(delivered.task_token);
  ASSERT_THAT(stored, IsOk());
  const absl::Duration lease = persistence::TaskLeaseFor(*stored, ClaimLeaseRule(true, {}));
  EXPECT_EQ(lease, absl::Seconds(25));  // HeartbeatSeconds 20 + the 5 s margin.
  EXPECT_EQ(stored->status, persistence::TaskStatus::kClaimed);
  EXPECT_EQ(stored->worker_id, "worker-1");
  EXPECT_EQ(stored->last_heartbeat, now);
  EXPECT_EQ(stored->lease_until, now + lease);
  EXPECT_EQ(stored->delivery_count, 1);
  EXPECT_FALSE(stored->claim.has_value());
  EXPECT_EQ(delivered.execution_arn, *arn);
  EXPECT_EQ(delivered.status, stored->status);
  EXPECT_EQ(delivered.worker_id, stored->worker_id);
  EXPECT_EQ(delivered.lease_until, stored->lease_until);
  EXPECT_EQ(delivered.last_heartbeat, stored->last_heartbeat);
  EXPECT_EQ(delivered.delivery_count, 1);
  EXPECT_EQ(answer.task->lease, lease);
  EXPECT_EQ(answer.task->state_machine_arn, greeter_);

  // The same task left PENDING and claimed by ClaimTask for the same kind of
  // poll at the same time gets the same row.
  absl::StatusOr<std::string> pending = Start(greeter_);
  ASSERT_THAT(pending, IsOk());
  PollAnswer& claimed = NewAnswer();
  Poll(claimed);
  ASSERT_TRUE(claimed.Wait());
  ASSERT_TRUE(claimed.task.has_value());
  EXPECT_EQ(store_.claims(), claims + 1);
  const persistence::TaskRecord& by_claim = claimed.task->record;
  EXPECT_EQ(by_claim.worker_id, stored->worker_id);
  EXPECT_EQ(by_claim.lease_until, stored->lease_until);
  EXPECT_EQ(by_claim.last_heartbeat, stored->last_heartbeat);
  EXPECT_EQ(by_claim.delivery_count, stored->delivery_count);
  EXPECT_EQ(claimed.task->lease, answer.task->lease);

  // The direct handoff's TaskStarted went into its step's commit; the
  // claimed task's goes in after its delivery.
  ASSERT_TRUE(AwaitTrue([&] { return dispatcher_->stats().started == 1; }));
  EXPECT_EQ(service::testing::CountEvents(store_, *arn, "LambdaFunctionStarted"), 1);
  EXPECT_EQ(service::testing::CountEvents(store_, *pending, "LambdaFunctionStarted"), 1);
}

TEST_F(DirectHandoffTest, FailedCommitLetsThePollWaitForTheNextTask) {
  PollAnswer& answer = NewAnswer();
  Poll(answer);
  store_.FailNextCreate();
  EXPECT_FALSE(Start(greeter_).ok());
  EXPECT_FALSE(answer.IsDone());
  EXPECT_EQ(dispatcher_->waiting_polls(), 1u);

  // The poll was let go: the next commit holds it again.
  absl::StatusOr<std::string> arn = Start(greeter_);
  ASSERT_THAT(arn, IsOk());
  ASSERT_TRUE(answer.IsDone());
  ASSERT_TRUE(answer.task.has_value());
  EXPECT_EQ(answer.task->record.execution_arn, *arn);
  EXPECT_EQ(dispatcher_->stats().direct, 1);
}

TEST_F(DirectHandoffTest, TaskOfAPollThatLeftDuringTheCommitGoesToTheNextPoll) {
  PollAnswer& leaving = NewAnswer();
  const PollId leaving_id = Poll(leaving, "worker-1");
  store_.create_gate.Close();
  std::thread start([&] { EXPECT_THAT(Start(greeter_), IsOk()); });
  ASSERT_TRUE(store_.create_gate.AwaitBlocked());  // Held for worker-1, not committed yet.
  dispatcher_->Cancel(leaving_id);
  ASSERT_TRUE(leaving.IsDone());
  EXPECT_FALSE(leaving.task.has_value());
  PollAnswer& next = NewAnswer();
  Poll(next, "worker-2");
  EXPECT_FALSE(next.IsDone()) << "no task is visible before its step commits";
  store_.create_gate.Open();
  start.join();

  ASSERT_TRUE(next.Wait());
  ASSERT_TRUE(next.task.has_value());
  // The lease holder recorded is the first poll's worker (documented).
  EXPECT_EQ(next.task->record.worker_id, "worker-1");
  EXPECT_EQ(next.task->record.delivery_count, 1);
  EXPECT_EQ(store_.releases(), 0);
  EXPECT_EQ(dispatcher_->stats().direct, 1);
}

TEST_F(DirectHandoffTest, TaskOfAPollThatLeftWithNoOtherPollIsReleasedAtOnce) {
  PollAnswer& leaving = NewAnswer();
  const PollId leaving_id = Poll(leaving);
  store_.create_gate.Close();
  std::thread start([&] { EXPECT_THAT(Start(greeter_), IsOk()); });
  ASSERT_TRUE(store_.create_gate.AwaitBlocked());
  dispatcher_->Cancel(leaving_id);
  store_.create_gate.Open();
  start.join();
  ASSERT_TRUE(AwaitTrue([&] { return store_.releases() == 1; }));
  EXPECT_EQ(dispatcher_->stats().released, 1);

  // Claimable at once by any poll, not after its lease.
  PollAnswer& next = NewAnswer();
  Poll(next, "worker-2");
  ASSERT_TRUE(next.Wait());
  ASSERT_TRUE(next.task.has_value());
  EXPECT_EQ(next.task->record.worker_id, "worker-2");
  EXPECT_EQ(next.task->record.delivery_count, 2);
  // The step recorded TaskStarted with the claim, before the poll left
  // (documented in task_dispatcher.h): the delivery that reached a worker
  // adds its own, as every redelivery does.
  dispatcher_->Shutdown();
  EXPECT_EQ(service::testing::CountEvents(store_, next.task->record.execution_arn,
                                          "LambdaFunctionStarted"),
            2);
}

TEST_F(DirectHandoffTest, PollWithdrawnDuringTheCommitPassesItsTaskOn) {
  PollAnswer& withdrawn = NewAnswer();
  Poll(withdrawn, "worker-1", true, true, "greeter", "key-1");
  store_.create_gate.Close();
  std::thread start([&] { EXPECT_THAT(Start(greeter_), IsOk()); });
  ASSERT_TRUE(store_.create_gate.AwaitBlocked());  // Held for key-1's poll.
  EXPECT_EQ(dispatcher_->Withdraw({"key-1"}), 1);
  ASSERT_TRUE(withdrawn.IsDone());
  EXPECT_FALSE(withdrawn.task.has_value());
  PollAnswer& next = NewAnswer();
  Poll(next, "worker-2");
  store_.create_gate.Open();
  start.join();

  ASSERT_TRUE(next.Wait());
  ASSERT_TRUE(next.task.has_value());
  EXPECT_EQ(next.task->record.delivery_count, 1);
  EXPECT_EQ(store_.releases(), 0);
}

TEST_F(DirectHandoffTest, ParallelBranchesHoldOnePollEach) {
  const std::string fan_out = CreateMachine("fan-out", kFanOut);
  std::vector<PollAnswer*> answers;
  for (int i = 0; i < 4; ++i) {
    answers.push_back(&NewAnswer());
    Poll(*answers.back(), StrCat("worker-", i));
  }
  const int claims = store_.claims();
  ASSERT_THAT(Start(fan_out), IsOk());
  std::set<std::string> tasks;
  for (int i = 0; i < 3; ++i) {  // Oldest polls first.
    ASSERT_TRUE(answers[i]->IsDone()) << i;
    ASSERT_TRUE(answers[i]->task.has_value()) << i;
    EXPECT_EQ(answers[i]->task->record.worker_id, StrCat("worker-", i));
    tasks.insert(answers[i]->task->record.task_id);
  }
  EXPECT_EQ(tasks.size(), 3u);
  EXPECT_FALSE(answers[3]->IsDone());
  EXPECT_EQ(store_.claims(), claims);
  EXPECT_EQ(dispatcher_->stats().direct, 3);
}

}  // namespace
}  // namespace stepwise::dispatch
