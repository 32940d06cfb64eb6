// A Lambda function and an activity of one name share a queue, so a task
// claimed for a Worker.PollTask poll may end up with a GetActivityTask poll
// and the other way round (task_dispatcher.h, "Lease"): when the poll it was
// claimed for leaves, the task goes to the next waiting poll, and if that one
// is of the other kind its lease becomes the one that kind expects, counted
// from the handoff. Both ways a claim is made: by the step's own commit
// (direct handoff) and by ClaimTask. The races are made deterministic with
// the store's gates (dispatcher_fixture.h); the FakeClock moves between the
// claim and the handoff so that the stored lease tells them apart.
#include <string>
#include <thread>

#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/records.h"
#include "persistence/store_rules.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatcher_fixture.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::DispatcherTest;
using ::stepwise::dispatch::testing::PollAnswer;
using ::stepwise::testing::IsOk;

// No HeartbeatSeconds: a PollTask claim holds the task_lease (60 s), a
// GetActivityTask claim TimeoutSeconds (120 s).
constexpr char kGreeter[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "TimeoutSeconds": 120, "End": true}
  }
})";
constexpr absl::Duration kPollTaskLease = absl::Seconds(60);
constexpr absl::Duration kActivityLease = absl::Seconds(120);
constexpr bool kPollTask = true;  // PollRequest::worker_heartbeats
constexpr bool kActivity = false;
// Between the claim and the handoff.
constexpr absl::Duration kHandoffDelay = absl::Seconds(7);

class MixedPollKindsTest : public DispatcherTest {
 protected:
  MixedPollKindsTest() { greeter_ = CreateMachine("greeter", kGreeter); }

  // The clock as the store keeps it (microseconds).
  absl::Time StoredNow() const {
    return persistence::FromMicros(persistence::ToMicros(clock_.Now()));
  }

  // A task claimed by its step's commit for a poll of kind `first` that
  // leaves before the commit returns, while a poll of kind `second` waits:
  // returns the answer of the second poll.
  PollAnswer& HandOffCommittedTask(bool first, bool second) {
    PollAnswer& leaving = NewAnswer();
    const PollId leaving_id = Poll(leaving, "first-worker", first);
    store_.create_gate.Close();
    std::thread start([&] { EXPECT_THAT(Start(greeter_), IsOk()); });
    EXPECT_TRUE(store_.create_gate.AwaitBlocked());  // Claimed for the first poll.
    dispatcher_->Cancel(leaving_id);
    EXPECT_TRUE(leaving.IsDone());
    EXPECT_FALSE(leaving.task.has_value());
    PollAnswer& next = NewAnswer();
    Poll(next, "second-worker", second);
    EXPECT_FALSE(next.IsDone()) << "no task is visible before its step commits";
    clock_.Advance(kHandoffDelay);
    store_.create_gate.Open();
    start.join();
    return next;
  }

  // A PENDING task whose ClaimTask, started for a poll of kind `first`,
  // returns after that poll left and a poll of kind `second` came: returns
  // the answer of the second poll.
  PollAnswer& HandOffClaimedTask(bool first, bool second) {
    EXPECT_THAT(Start(greeter_), IsOk());  // No poll waits: the task stays PENDING.
    store_.claim_gate.Close();
    PollAnswer& leaving = NewAnswer();
    const PollId leaving_id = Poll(leaving, "first-worker", first, /*await_claim=*/false);
    EXPECT_TRUE(store_.claim_gate.AwaitBlocked());  // Its "now" is taken: the claim's time.
    dispatcher_->Cancel(leaving_id);
    EXPECT_TRUE(leaving.IsDone());
    EXPECT_FALSE(leaving.task.has_value());
    // One claim at a time per queue until one finds a task: the second poll
    // waits for the first poll's claim.
    PollAnswer& next = NewAnswer();
    Poll(next, "second-worker", second, /*await_claim=*/false);
    clock_.Advance(kHandoffDelay);
    store_.claim_gate.Open();
    return next;
  }

  // Checks that `answer` got the task with `lease` counted from now, and that
  // the stored row agrees.
  void ExpectLeaseFromNow(PollAnswer& answer, absl::Duration lease) {
    const absl::Time now = StoredNow();
    ASSERT_TRUE(answer.Wait());
    ASSERT_TRUE(answer.task.has_value());
    const persistence::TaskRecord& delivered = answer.task->record;
    absl::StatusOr<persistence::TaskRecord> stored = store_.FindTaskByToken(delivered.task_token);
    ASSERT_THAT(stored, IsOk());
    EXPECT_EQ(stored->status, persistence::TaskStatus::kClaimed);
    EXPECT_EQ(stored->lease_until, now + lease);
    EXPECT_EQ(stored->last_heartbeat, now);
    EXPECT_EQ(stored->delivery_count, 1);
    // The claim's worker stays the recorded holder (see task_dispatcher.h).
    EXPECT_EQ(stored->worker_id, "first-worker");
    EXPECT_EQ(delivered.lease_until, stored->lease_until);
    EXPECT_EQ(delivered.last_heartbeat, stored->last_heartbeat);
    EXPECT_EQ(answer.task->lease, lease);
    EXPECT_EQ(store_.releases(), 0);
  }

  std::string greeter_;
};

TEST_F(MixedPollKindsTest, CommittedTaskOfAPollTaskThatLeftGetsTheActivityLease) {
  PollAnswer& activity = HandOffCommittedTask(kPollTask, kActivity);
  ExpectLeaseFromNow(activity, kActivityLease);
  EXPECT_EQ(dispatcher_->stats().direct, 1);
  EXPECT_EQ(store_.claims(), 2) << "one empty ClaimTask per poll's arrival, none for the task";
}

TEST_F(MixedPollKindsTest, CommittedTaskOfAnActivityPollThatLeftGetsThePollTaskLease) {
  PollAnswer& poll_task = HandOffCommittedTask(kActivity, kPollTask);
  ExpectLeaseFromNow(poll_task, kPollTaskLease);
  EXPECT_EQ(dispatcher_->stats().direct, 1);
}

TEST_F(MixedPollKindsTest, ClaimedTaskOfAPollTaskThatLeftGetsTheActivityLease) {
  PollAnswer& activity = HandOffClaimedTask(kPollTask, kActivity);
  ExpectLeaseFromNow(activity, kActivityLease);
  EXPECT_EQ(dispatcher_->stats().delivered, 1);
  EXPECT_EQ(dispatcher_->stats().released, 0);
}

TEST_F(MixedPollKindsTest, ClaimedTaskOfAnActivityPollThatLeftGetsThePollTaskLease) {
  PollAnswer& poll_task = HandOffClaimedTask(kActivity, kPollTask);
  ExpectLeaseFromNow(poll_task, kPollTaskLease);
  // Delivered once: one TaskStarted in history (Shutdown joins the thread
  // that records it).
  const std::string arn = poll_task.task->record.execution_arn;
  dispatcher_->Shutdown();
  EXPECT_EQ(service::testing::CountEvents(store_, arn, "LambdaFunctionStarted"), 1);
}

}  // namespace
}  // namespace stepwise::dispatch
