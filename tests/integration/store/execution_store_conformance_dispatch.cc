// ExecutionStore conformance, part 2: the task outbox (claims, leases,
// heartbeats, tokens) and durable timers, including concurrent claimers.
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "persistence/store_rules.h"
#include "tests/integration/store/execution_store_conformance.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

// Claims from `queue` and returns the task id, or "" when nothing is claimable.
std::string ClaimId(ExecutionStore& store, std::string_view queue, std::string_view worker,
                    absl::Time lease_until, absl::Time now) {
  absl::StatusOr<std::optional<TaskRecord>> claimed =
      store.ClaimTask(queue, worker, lease_until, now);
  EXPECT_THAT(claimed, IsOk());
  if (!claimed.ok() || !claimed->has_value()) return "";
  return (*claimed)->task_id;
}

// --- Tasks ------------------------------------------------------------------

TYPED_TEST(ExecutionStoreConformance, ClaimsOldestPendingTaskPerQueue) {
  StateMachineRecord machine = this->Machine();
  NewExecution a = MakeExecution(machine, "a");
  a.first_step.new_tasks.push_back(MakeTask(a.execution.execution_arn, "a1", "q", T(2)));
  a.first_step.new_tasks.push_back(MakeTask(a.execution.execution_arn, "a2", "other", T(0)));
  NewExecution b = MakeExecution(machine, "b");
  b.first_step.new_tasks.push_back(MakeTask(b.execution.execution_arn, "b1", "q", T(1)));
  this->Start(a);
  this->Start(b);

  absl::StatusOr<std::optional<TaskRecord>> first =
      this->store().ClaimTask("q", "w1", T(100), T(0));
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->has_value());
  const TaskRecord& task = **first;
  EXPECT_EQ(task.task_id, "b1");
  EXPECT_EQ(task.execution_arn, b.execution.execution_arn);
  EXPECT_EQ(task.status, TaskStatus::kClaimed);
  EXPECT_EQ(task.worker_id, "w1");
  EXPECT_EQ(task.lease_until, T(30));  // Its TimeoutSeconds (30), counted from the claim.
  EXPECT_EQ(task.last_heartbeat, T(0));
  EXPECT_EQ(task.delivery_count, 1);
  EXPECT_EQ(task.payload, R"({"x":1})");
  EXPECT_EQ(task.resource, "arn:aws:states:::lambda:invoke");
  EXPECT_EQ(task.state_name, "Work");
  EXPECT_EQ(task.timeout_seconds, 30);
  EXPECT_FALSE(task.heartbeat_seconds.has_value());
  EXPECT_EQ(task.scheduled_at, T(1));

  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(100), T(0)), "a1");
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(100), T(0)), "");
  EXPECT_EQ(ClaimId(this->store(), "other", "w1", T(100), T(0)), "a2");
  EXPECT_EQ(ClaimId(this->store(), "nobody", "w1", T(100), T(0)), "");
}

TYPED_TEST(ExecutionStoreConformance, ExpiredLeaseMakesTaskClaimableAgain) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord task = MakeTask(arn, "t1", "q", T(0));
  task.timeout_seconds.reset();  // The claimer's default lease applies.
  execution.first_step.new_tasks.push_back(task);
  this->Start(execution);
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(10), T(1)), "t1");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(20), T(9)), "");
  absl::StatusOr<std::optional<TaskRecord>> again =
      this->store().ClaimTask("q", "w2", T(20), T(10));
  ASSERT_THAT(again, IsOk());
  ASSERT_TRUE(again->has_value());
  EXPECT_EQ((*again)->task_id, "t1");
  EXPECT_EQ((*again)->worker_id, "w2");
  EXPECT_EQ((*again)->delivery_count, 2);
  EXPECT_EQ((*again)->lease_until, T(20));
  EXPECT_EQ((*again)->last_heartbeat, T(10));
}

// The lease rule of a claim (TaskLeaseRule): HeartbeatSeconds + margin,
// TimeoutSeconds only when asked, the default, and the cap; the backends
// agree with TaskLeaseFor.
TYPED_TEST(ExecutionStoreConformance, ClaimAppliesTheLeaseRule) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord short_beat = MakeTask(arn, "short", "q", T(0));
  short_beat.heartbeat_seconds = 10;  // + 5 s (the margin's minimum).
  TaskRecord long_beat = MakeTask(arn, "long", "q", T(1));
  long_beat.heartbeat_seconds = 200;                              // + 20 s (10%), capped at 60 s.
  TaskRecord timeout_only = MakeTask(arn, "timeout", "q", T(2));  // TimeoutSeconds 30: ignored.
  execution.first_step.new_tasks = {short_beat, long_beat, timeout_only};
  this->Start(execution);

  TaskLeaseRule worker_rule;
  worker_rule.default_lease = absl::Seconds(60);
  worker_rule.use_timeout = false;
  worker_rule.heartbeat_margin = true;
  worker_rule.max_lease = absl::Seconds(60);
  for (const auto& [task_id, lease] :
       std::vector<std::pair<std::string, absl::Duration>>{{"short", absl::Seconds(15)},
                                                           {"long", absl::Seconds(60)},
                                                           {"timeout", absl::Seconds(60)}}) {
    absl::StatusOr<std::optional<TaskRecord>> claimed =
        this->store().ClaimTask("q", "w1", worker_rule, T(100));
    ASSERT_THAT(claimed, IsOk());
    ASSERT_TRUE(claimed->has_value());
    EXPECT_EQ((*claimed)->task_id, task_id);
    EXPECT_EQ((*claimed)->lease_until, T(100) + lease) << task_id;
    EXPECT_EQ(TaskLeaseFor(**claimed, worker_rule), lease) << task_id;
    EXPECT_EQ((*claimed)->last_heartbeat, T(100));
  }

  // Once the leases end: uncapped, with the margin (200 s + 20 s), and
  // TimeoutSeconds when asked.
  TaskLeaseRule activity_rule;
  activity_rule.default_lease = absl::Minutes(5);
  activity_rule.heartbeat_margin = true;
  std::map<std::string, absl::Time> leases;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<std::optional<TaskRecord>> again =
        this->store().ClaimTask("q", "w2", activity_rule, T(160));
    ASSERT_THAT(again, IsOk());
    ASSERT_TRUE(again->has_value());
    leases[(*again)->task_id] = *(*again)->lease_until;
  }
  EXPECT_EQ(leases["short"], T(175));
  EXPECT_EQ(leases["long"], T(380));
  EXPECT_EQ(leases["timeout"], T(190));
}

TYPED_TEST(ExecutionStoreConformance, ClaimLeasesForHeartbeatElseTimeoutElseDefault) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord both = MakeTask(arn, "both", "q", T(0));
  both.heartbeat_seconds = 5;  // And TimeoutSeconds 30: the heartbeat wins.
  TaskRecord timeout_only = MakeTask(arn, "timeout", "q", T(1));
  timeout_only.timeout_seconds = 40;
  TaskRecord neither = MakeTask(arn, "neither", "q", T(2));
  neither.timeout_seconds.reset();
  execution.first_step.new_tasks = {both, timeout_only, neither};
  this->Start(execution);

  struct Expected {
    std::string task_id;
    absl::Time lease_until;
  };
  for (const Expected& expected :
       {Expected{"both", T(105)}, Expected{"timeout", T(140)}, Expected{"neither", T(1000)}}) {
    absl::StatusOr<std::optional<TaskRecord>> claimed =
        this->store().ClaimTask("q", "w1", T(1000), T(100));
    ASSERT_THAT(claimed, IsOk());
    ASSERT_TRUE(claimed->has_value());
    EXPECT_EQ((*claimed)->task_id, expected.task_id);
    EXPECT_EQ((*claimed)->status, TaskStatus::kClaimed);
    EXPECT_EQ((*claimed)->lease_until, expected.lease_until) << expected.task_id;
    EXPECT_EQ((*claimed)->last_heartbeat, T(100)) << expected.task_id;
    // Stored as returned.
    absl::StatusOr<TaskRecord> stored = this->store().FindTaskByToken((*claimed)->task_token);
    ASSERT_THAT(stored, IsOk());
    EXPECT_EQ(stored->lease_until, expected.lease_until);
    EXPECT_EQ(stored->last_heartbeat, T(100));
  }
  // The heartbeat lease ends first: only that task comes back (leased again
  // until T(110)).
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(2000), T(104)), "");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(2000), T(105)), "both");
  // Later, the lease that ended earliest first; the default lease holds.
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(2000), T(140)), "both");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(2000), T(140)), "timeout");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(2000), T(140)), "");
}

TYPED_TEST(ExecutionStoreConformance, HeartbeatExtendsLease) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord task = MakeTask(arn, "t1", "q", T(0));
  task.heartbeat_seconds = 5;
  execution.first_step.new_tasks.push_back(task);
  this->Start(execution);
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(10), T(1)), "t1");  // Leased until T(6).

  absl::StatusOr<TaskRecord> beat = this->store().RecordHeartbeat(task.task_token, T(8), T(30));
  ASSERT_THAT(beat, IsOk());
  EXPECT_EQ(beat->last_heartbeat, T(8));
  EXPECT_EQ(beat->lease_until, T(30));
  EXPECT_EQ(beat->heartbeat_seconds, 5);
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(40), T(15)), "");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(40), T(30)), "t1");

  absl::StatusOr<TaskRecord> found = this->store().FindTaskByToken(task.task_token);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->worker_id, "w2");
  EXPECT_EQ(found->last_heartbeat, T(30));  // The new claim counts as its first heartbeat.
  EXPECT_EQ(found->lease_until, T(35));
  EXPECT_THAT(this->store().RecordHeartbeat("no-such-token", T(1), T(2)),
              StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ExecutionStoreConformance, CompletedAndCancelledTasksAreClosed) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord done = MakeTask(arn, "done", "q", T(0));
  TaskRecord cancelled = MakeTask(arn, "cancelled", "q", T(1));
  TaskRecord open = MakeTask(arn, "open", "q", T(2));
  execution.first_step.new_tasks = {done, cancelled, open};
  this->Start(execution);
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(10), T(1)), "done");

  StepUpdate step = MakeStep(arn, 2, 2);
  step.completed_task_ids = {"done"};
  step.cancelled_task_ids = {"cancelled"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());

  EXPECT_THAT(this->store().FindTaskByToken(done.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kCompleted)));
  EXPECT_THAT(this->store().FindTaskByToken(cancelled.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kCancelled)));
  EXPECT_THAT(this->store().FindTaskByToken(open.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kPending)));
  EXPECT_THAT(this->store().FindTaskByToken("no-such-token"),
              StatusIs(absl::StatusCode::kNotFound));
  for (const TaskRecord* closed : {&done, &cancelled}) {
    EXPECT_THAT(this->store().RecordHeartbeat(closed->task_token, T(2), T(3)),
                StatusIs(absl::StatusCode::kFailedPrecondition));
  }
  // Closed tasks are never claimed again, even after their lease time.
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(100), T(50)), "open");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(200), T(150)), "open");
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(200), T(150)), "");
}

TYPED_TEST(ExecutionStoreConformance, ConcurrentClaimersGetEachTaskOnce) {
  StateMachineRecord machine = this->Machine();
  constexpr int kExecutions = 5;
  constexpr int kTasksEach = 6;
  for (int e = 0; e < kExecutions; ++e) {
    NewExecution execution = MakeExecution(machine, StrCat("run-", e));
    for (int t = 0; t < kTasksEach; ++t) {
      execution.first_step.new_tasks.push_back(
          MakeTask(execution.execution.execution_arn, StrCat("t", t), "q", T(t)));
    }
    this->Start(execution);
  }
  std::mutex mu;
  std::multiset<std::string> claimed;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int w = 0; w < 4; ++w) {
    threads.emplace_back([&, w] {
      for (;;) {
        absl::StatusOr<std::optional<TaskRecord>> task =
            this->store().ClaimTask("q", StrCat("w", w), T(1000), T(100));
        ASSERT_THAT(task, IsOk());
        if (!task->has_value()) return;
        std::lock_guard<std::mutex> lock(mu);
        claimed.insert((*task)->task_token);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(claimed.size(), static_cast<size_t>(kExecutions) * kTasksEach);
  EXPECT_EQ(std::set<std::string>(claimed.begin(), claimed.end()).size(), claimed.size());
}

TYPED_TEST(ExecutionStoreConformance, TimedOutTasksAreClosed) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord slow = MakeTask(arn, "slow", "q", T(0));
  execution.first_step.new_tasks = {slow};
  this->Start(execution);
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(10), T(1)), "slow");

  StepUpdate step = MakeStep(arn, 2, 2);
  step.timed_out_task_ids = {"slow", "no-such-task"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  EXPECT_THAT(this->store().FindTaskByToken(slow.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kTimedOut)));
  EXPECT_EQ(TaskStatusName(TaskStatus::kTimedOut), "TIMED_OUT");  // The stored spelling.
  EXPECT_THAT(ParseTaskStatus("TIMED_OUT"), HasValue(TaskStatus::kTimedOut));
  EXPECT_THAT(this->store().RecordHeartbeat(slow.task_token, T(2), T(3)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(ClaimId(this->store(), "q", "w2", T(100), T(50)), "");

  // Closed is final: a later step cannot complete or cancel it.
  StepUpdate later = MakeStep(arn, 3, 3);
  later.completed_task_ids = {"slow"};
  later.cancelled_task_ids = {"slow"};
  ASSERT_THAT(this->store().CommitStep(later, 2), IsOk());
  EXPECT_THAT(this->store().FindTaskByToken(slow.task_token),
              HasValue(Field(&TaskRecord::status, TaskStatus::kTimedOut)));
}

// A task's result is consumed once: the step that must find its task open
// (consumed_tasks_must_be_open) fails as a whole when another step closed it.
TYPED_TEST(ExecutionStoreConformance, ConsumingAClosedTaskWritesNothing) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  TaskRecord task = MakeTask(arn, "t", "q", T(0));
  execution.first_step.new_tasks = {task};
  this->Start(execution);

  StepUpdate first = MakeStep(arn, 2, 2);
  first.completed_task_ids = {"t"};
  first.consumed_tasks_must_be_open = true;
  ASSERT_THAT(this->store().CommitStep(first, 1), IsOk());

  StepUpdate again = MakeStep(arn, 3, 3);
  again.completed_task_ids = {"t"};
  again.consumed_tasks_must_be_open = true;
  again.new_tasks = {MakeTask(arn, "next", "q", T(1))};
  EXPECT_THAT(this->store().CommitStep(again, 2), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(this->store().LoadExecution(arn),
              HasValue(Field(&ExecutionSnapshot::execution, Field(&ExecutionRecord::version, 2))));
  EXPECT_EQ(ClaimId(this->store(), "q", "w1", T(10), T(2)), "");  // "next" never landed.

  // Timed out counts as closed too; without the flag the step commits.
  again.timed_out_task_ids = {"t"};
  again.completed_task_ids.clear();
  EXPECT_THAT(this->store().CommitStep(again, 2), StatusIs(absl::StatusCode::kFailedPrecondition));
  again.consumed_tasks_must_be_open = false;
  EXPECT_THAT(this->store().CommitStep(again, 2), HasValue(3));
}

// --- Timers -----------------------------------------------------------------

std::vector<std::string> TimerIds(const absl::StatusOr<std::vector<TimerRecord>>& timers) {
  std::vector<std::string> ids;
  EXPECT_THAT(timers, IsOk());
  if (timers.ok()) {
    for (const TimerRecord& timer : *timers) ids.push_back(timer.timer_id);
  }
  return ids;
}

TYPED_TEST(ExecutionStoreConformance, ClaimsDueTimersEarliestFirstUnderLease) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  for (auto [id, at] :
       std::vector<std::pair<std::string, int>>{{"c", 3}, {"a", 1}, {"b", 2}, {"late", 50}}) {
    execution.first_step.new_timers.push_back(TimerRecord{arn, id, T(at), "", std::nullopt});
  }
  this->Start(execution);

  absl::StatusOr<std::vector<TimerRecord>> first =
      this->store().ClaimDueTimers(T(10), 2, "r1", T(20));
  EXPECT_THAT(TimerIds(first), ElementsAre("a", "b"));
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ((*first)[0].owner, "r1");
  EXPECT_EQ((*first)[0].lease_until, T(20));
  EXPECT_EQ((*first)[0].fire_at, T(1));
  EXPECT_EQ((*first)[0].execution_arn, arn);
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(10), 10, "r2", T(20))), ElementsAre("c"));
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(19), 10, "r2", T(40))), IsEmpty());
  // r1 and r2 died: their leases end and the timers come back.
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(20), 10, "r3", T(40))),
              ElementsAre("a", "b", "c"));
}

TYPED_TEST(ExecutionStoreConformance, StepsDeleteFiredAndCancelledTimers) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  for (std::string id : {"fired", "cancelled", "moved"}) {
    execution.first_step.new_timers.push_back(TimerRecord{arn, id, T(1), "", std::nullopt});
  }
  this->Start(execution);
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(5), 10, "r1", T(100))), ::testing::SizeIs(3));

  StepUpdate step = MakeStep(arn, 2, 2);
  step.fired_timer_ids = {"fired"};
  step.cancelled_timer_ids = {"cancelled"};
  step.new_timers = {TimerRecord{arn, "moved", T(7), "", std::nullopt}};  // Upsert: lease gone.
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(6), 10, "r2", T(100))), IsEmpty());
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(7), 10, "r2", T(100))), ElementsAre("moved"));
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(1000), 10, "r3", T(2000))),
              ElementsAre("moved"));
}

TYPED_TEST(ExecutionStoreConformance, RescheduleTimerNeedsTheLease) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  execution.first_step.new_timers.push_back(TimerRecord{arn, "hb", T(1), "", std::nullopt});
  this->Start(execution);
  EXPECT_THAT(this->store().RescheduleTimer(arn, "hb", "r1", T(9)),
              StatusIs(absl::StatusCode::kFailedPrecondition));  // Not claimed.
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(2), 10, "r1", T(100))), ElementsAre("hb"));
  EXPECT_THAT(this->store().RescheduleTimer(arn, "hb", "r2", T(9)),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(this->store().RescheduleTimer(arn, "hb", "r1", T(9)), IsOk());
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(8), 10, "r2", T(100))), IsEmpty());
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(9), 10, "r2", T(100))), ElementsAre("hb"));
  EXPECT_THAT(this->store().RescheduleTimer(arn, "nope", "r2", T(9)),
              StatusIs(absl::StatusCode::kNotFound));
}

// Steps cancel a closed task's timers whether or not it had them.
TYPED_TEST(ExecutionStoreConformance, DeletingUnknownTimersIsANoOp) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  execution.first_step.new_timers.push_back(TimerRecord{arn, "kept", T(1), "", std::nullopt});
  this->Start(execution);

  StepUpdate step = MakeStep(arn, 2, 2);
  step.cancelled_timer_ids = {"never-set", "task-timeout:t9"};
  step.fired_timer_ids = {"also-never-set"};
  ASSERT_THAT(this->store().CommitStep(step, 1), IsOk());
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(5), 10, "r1", T(100))), ElementsAre("kept"));
}

TYPED_TEST(ExecutionStoreConformance, DeleteTimerNeedsTheLease) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  for (std::string id : {"stale", "other"}) {
    execution.first_step.new_timers.push_back(TimerRecord{arn, id, T(1), "", std::nullopt});
  }
  this->Start(execution);
  EXPECT_THAT(this->store().DeleteTimer(arn, "stale", "r1"),
              StatusIs(absl::StatusCode::kFailedPrecondition));  // Not claimed.
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(2), 10, "r1", T(100))),
              ElementsAre("other", "stale"));
  EXPECT_THAT(this->store().DeleteTimer(arn, "stale", "r2"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  ASSERT_THAT(this->store().DeleteTimer(arn, "stale", "r1"), IsOk());
  EXPECT_THAT(this->store().DeleteTimer(arn, "stale", "r1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().DeleteTimer("arn:no-such-execution", "stale", "r1"),
              StatusIs(absl::StatusCode::kNotFound));
  // Only the deleted one is gone: "other" comes back when r1's lease ends.
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(100), 10, "r2", T(200))),
              ElementsAre("other"));
}

// Two replicas race to claim and fire the same due timers: each timer fires
// (is applied by a committed step) exactly once.
TYPED_TEST(ExecutionStoreConformance, ConcurrentTimerFiringIsExactlyOnce) {
  StateMachineRecord machine = this->Machine();
  constexpr int kExecutions = 4;
  constexpr int kTimersEach = 8;
  std::vector<std::string> arns;
  for (int e = 0; e < kExecutions; ++e) {
    NewExecution execution = MakeExecution(machine, StrCat("run-", e));
    for (int t = 0; t < kTimersEach; ++t) {
      execution.first_step.new_timers.push_back(TimerRecord{
          execution.execution.execution_arn, StrCat("timer-", t), T(t), "", std::nullopt});
    }
    arns.push_back(execution.execution.execution_arn);
    this->Start(execution);
  }
  std::vector<std::thread> replicas;
  replicas.reserve(2);
  for (int r = 0; r < 2; ++r) {
    replicas.emplace_back([&, r] {
      for (;;) {
        absl::StatusOr<std::vector<TimerRecord>> due =
            this->store().ClaimDueTimers(T(100), 3, StrCat("replica-", r), T(10'000));
        ASSERT_THAT(due, IsOk());
        if (due->empty()) return;
        for (const TimerRecord& timer : *due) {
          // Read-modify-write until it commits: the version check serializes
          // this replica with anyone else writing the execution.
          for (int attempt = 0; attempt < 100; ++attempt) {
            absl::StatusOr<ExecutionSnapshot> snapshot =
                this->store().LoadExecution(timer.execution_arn);
            ASSERT_THAT(snapshot, IsOk());
            int64_t version = snapshot->execution.version;
            StepUpdate step = MakeStep(timer.execution_arn, version + 1, version + 1);
            step.history[0].type = "WaitStateExited";
            step.history[0].event_json = timer.timer_id;
            step.fired_timer_ids = {timer.timer_id};
            absl::StatusOr<int64_t> committed = this->store().CommitStep(step, version);
            if (committed.ok()) break;
            ASSERT_THAT(committed, StatusIs(absl::StatusCode::kAborted));
          }
        }
      }
    });
  }
  for (std::thread& replica : replicas) replica.join();

  for (const std::string& arn : arns) {
    absl::StatusOr<std::vector<HistoryRecord>> history = this->store().ReadHistory(arn, {});
    ASSERT_THAT(history, IsOk());
    std::multiset<std::string> fired;
    for (const HistoryRecord& event : *history) {
      if (event.type == "WaitStateExited") fired.insert(event.event_json);
    }
    EXPECT_EQ(fired.size(), size_t{kTimersEach}) << arn;
    EXPECT_EQ(std::set<std::string>(fired.begin(), fired.end()).size(), fired.size()) << arn;
  }
  EXPECT_THAT(TimerIds(this->store().ClaimDueTimers(T(1'000'000), 100, "late", T(2'000'000))),
              IsEmpty());
}

}  // namespace
}  // namespace stepwise::persistence::testing
