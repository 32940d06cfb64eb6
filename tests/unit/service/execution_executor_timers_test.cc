// ExecutionExecutor and durable timers: Wait timers, Task TimeoutSeconds and
// HeartbeatSeconds enforced through FireTimer, and what happens to the tasks'
// timers when tasks complete, get cancelled or time out.
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_executor_internal.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using persistence::ExecutionStatus;
using persistence::TaskRecord;
using persistence::TaskStatus;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kOwner[] = "loop-1";

constexpr char kTimeoutRetryMachine[] = R"({
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:slow",
      "TimeoutSeconds": 5,
      "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 2, "MaxAttempts": 1}],
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
})";

constexpr char kHeartbeatCatchMachine[] = R"({
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:beat",
      "HeartbeatSeconds": 10,
      "TimeoutSeconds": 100,
      "Catch": [{"ErrorEquals": ["States.HeartbeatTimeout"], "ResultPath": "$.error",
                 "Next": "Recovered"}],
      "Next": "Done"
    },
    "Recovered": {"Type": "Pass", "End": true},
    "Done": {"Type": "Succeed"}
  }
})";

constexpr char kParallelMachine[] = R"({
  "StartAt": "Both",
  "States": {
    "Both": {
      "Type": "Parallel",
      "End": true,
      "Branches": [
        {"StartAt": "A", "States": {"A": {"Type": "Task", "TimeoutSeconds": 50, "End": true,
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:a"}}},
        {"StartAt": "B", "States": {"B": {"Type": "Task", "HeartbeatSeconds": 30, "End": true,
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:b"}}}
      ]
    }
  }
})";

constexpr char kWaitMachine[] = R"({
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 10, "Next": "After"},
    "After": {"Type": "Pass", "Result": {"waited": true}, "End": true}
  }
})";

class ExecutorTimersTest : public ::testing::Test {
 protected:
  ExecutorTimersTest() : executor_(store_, clock_, testing::CountingEntropy()) {}

  std::string Start(const char* definition) {
    const std::string sm = testing::CreateMachine(store_, clock_.Now(), "M", definition);
    absl::StatusOr<std::string> arn = executor_.StartExecution(sm, "run", R"({"in": 1})");
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  std::optional<TaskRecord> Claim(const std::string& queue) {
    auto task = store_.ClaimTask(queue, "worker", clock_.Now() + absl::Minutes(5), clock_.Now());
    EXPECT_THAT(task, IsOk());
    return task.ok() ? *task : std::nullopt;
  }

  // What the timer loop does: claims the due timers and fires each.
  std::vector<std::string> FireDue() {
    std::vector<std::string> fired;
    auto due = store_.ClaimDueTimers(clock_.Now(), 100, kOwner, clock_.Now() + absl::Minutes(1));
    EXPECT_THAT(due, IsOk());
    if (!due.ok()) return fired;
    for (const persistence::TimerRecord& timer : *due) {
      EXPECT_THAT(executor_.FireTimer(timer.execution_arn, timer.timer_id, kOwner), IsOk())
          << timer.timer_id;
      fired.push_back(timer.timer_id);
    }
    return fired;
  }

  // Timer ids due at `at`, left as they were (claimed, then put back).
  std::vector<std::string> DueAt(absl::Time at) {
    std::vector<std::string> ids;
    auto due = store_.ClaimDueTimers(at, 100, "peek", at + absl::Hours(1));
    EXPECT_THAT(due, IsOk());
    if (!due.ok()) return ids;
    for (const persistence::TimerRecord& timer : *due) {
      ids.push_back(timer.timer_id);
      EXPECT_THAT(
          store_.RescheduleTimer(timer.execution_arn, timer.timer_id, "peek", timer.fire_at),
          IsOk());
    }
    return ids;
  }

  ExecutionStatus Status(const std::string& arn) {
    auto record = store_.GetExecution(arn);
    EXPECT_THAT(record, IsOk());
    return record.ok() ? record->status : ExecutionStatus::kAborted;
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  ExecutionExecutor executor_;
};

TEST(TaskTimerIdTest, RoundTripsAndLeavesEngineTimersAlone) {
  EXPECT_EQ(TaskTimerId(TaskTimerKind::kTimeout, "task-3"), "task-timeout:task-3");
  EXPECT_EQ(TaskTimerId(TaskTimerKind::kHeartbeat, "task-3"), "task-heartbeat:task-3");
  for (TaskTimerKind kind : {TaskTimerKind::kTimeout, TaskTimerKind::kHeartbeat}) {
    std::optional<TaskTimerRef> ref = ParseTaskTimerId(TaskTimerId(kind, "task-12"));
    ASSERT_TRUE(ref.has_value());
    EXPECT_EQ(ref->kind, kind);
    EXPECT_EQ(ref->task_id, "task-12");
  }
  for (const char* engine_id : {"wait-3", "retry-7", "execution-timeout-1", "task-timeout:", ""}) {
    EXPECT_FALSE(ParseTaskTimerId(engine_id).has_value()) << engine_id;
  }
}

// A closing task's step deletes the timers the task can have: both when
// only its id is known, only those its record's TimeoutSeconds and
// HeartbeatSeconds made otherwise, and never the one the step fires.
TEST(CancelTaskTimersTest, DeletesOnlyTheTimersTheTaskHas) {
  auto cancelled = [](const TaskRecord* task, std::vector<std::string> fired = {}) {
    persistence::StepUpdate update;
    update.fired_timer_ids = std::move(fired);
    executor_internal::CancelTaskTimers("task-4", update, task);
    return update.cancelled_timer_ids;
  };
  EXPECT_THAT(cancelled(nullptr), ElementsAre("task-timeout:task-4", "task-heartbeat:task-4"));
  TaskRecord task;
  task.task_id = "task-4";
  EXPECT_THAT(cancelled(&task), IsEmpty());
  task.timeout_seconds = 30;
  EXPECT_THAT(cancelled(&task), ElementsAre("task-timeout:task-4"));
  EXPECT_THAT(cancelled(&task, {"task-timeout:task-4"}), IsEmpty());
  task.heartbeat_seconds = 5;
  EXPECT_THAT(cancelled(&task), ElementsAre("task-timeout:task-4", "task-heartbeat:task-4"));
  task.timeout_seconds.reset();
  EXPECT_THAT(cancelled(&task), ElementsAre("task-heartbeat:task-4"));
  // Another task's record says nothing about this one.
  TaskRecord other;
  other.task_id = "task-5";
  EXPECT_THAT(cancelled(&other), ElementsAre("task-timeout:task-4", "task-heartbeat:task-4"));
}

TEST_F(ExecutorTimersTest, WaitTimerFiresThroughFireTimer) {
  const std::string arn = Start(kWaitMachine);
  EXPECT_THAT(FireDue(), IsEmpty());
  clock_.Advance(absl::Seconds(10));
  ASSERT_THAT(FireDue(), ::testing::SizeIs(1));
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
  EXPECT_THAT(DueAt(clock_.Now() + absl::Hours(1)), IsEmpty());
}

TEST_F(ExecutorTimersTest, TasksGetTimersThatCompletionCancels) {
  const absl::Time start = clock_.Now();
  const std::string arn = Start(kHeartbeatCatchMachine);
  std::optional<TaskRecord> task = Claim("beat");
  ASSERT_TRUE(task.has_value());
  EXPECT_THAT(DueAt(start + absl::Seconds(9)), IsEmpty());
  EXPECT_THAT(DueAt(start + absl::Seconds(10)),
              ElementsAre(TaskTimerId(TaskTimerKind::kHeartbeat, task->task_id)));
  EXPECT_THAT(DueAt(start + absl::Seconds(100)),
              ElementsAre(TaskTimerId(TaskTimerKind::kHeartbeat, task->task_id),
                          TaskTimerId(TaskTimerKind::kTimeout, task->task_id)));

  ASSERT_THAT(executor_.CompleteTask(task->task_token, "{}"), IsOk());
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
  EXPECT_THAT(DueAt(start + absl::Hours(100)), IsEmpty());
}

TEST_F(ExecutorTimersTest, TimeoutRetriesWithANewTask) {
  const std::string arn = Start(kTimeoutRetryMachine);
  std::optional<TaskRecord> first = Claim("slow");
  ASSERT_TRUE(first.has_value());
  clock_.Advance(absl::Seconds(4));
  EXPECT_THAT(FireDue(), IsEmpty());
  clock_.Advance(absl::Seconds(1));
  EXPECT_THAT(FireDue(), ElementsAre(TaskTimerId(TaskTimerKind::kTimeout, first->task_id)));

  auto closed = store_.FindTaskByToken(first->task_token);
  ASSERT_THAT(closed, IsOk());
  EXPECT_EQ(closed->status, TaskStatus::kTimedOut);
  std::vector<persistence::HistoryRecord> history = testing::History(store_, arn);
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().type, "ActivityTimedOut");
  json::value details = json::parse(history.back().event_json).at("activityTimedOutEventDetails");
  EXPECT_EQ(details.at("error").as_string(), "States.Timeout");
  EXPECT_EQ(details.at("cause").as_string(),
            "The task did not finish within its TimeoutSeconds of 5 seconds");

  // Retry: IntervalSeconds 2, then a new task with a new token and timer.
  EXPECT_FALSE(Claim("slow").has_value());
  clock_.Advance(absl::Seconds(2));
  ASSERT_THAT(FireDue(), ::testing::SizeIs(1));
  std::optional<TaskRecord> second = Claim("slow");
  ASSERT_TRUE(second.has_value());
  EXPECT_NE(second->task_token, first->task_token);
  EXPECT_THAT(DueAt(clock_.Now() + absl::Seconds(5)),
              ElementsAre(TaskTimerId(TaskTimerKind::kTimeout, second->task_id)));
  ASSERT_THAT(executor_.CompleteTask(second->task_token, R"({"ok": true})"), IsOk());
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
}

TEST_F(ExecutorTimersTest, LateCompletionAfterTimeoutChangesNothing) {
  const std::string arn = Start(kTimeoutRetryMachine);
  std::optional<TaskRecord> task = Claim("slow");
  ASSERT_TRUE(task.has_value());
  clock_.Advance(absl::Seconds(5));
  ASSERT_THAT(FireDue(), ::testing::SizeIs(1));
  auto before = store_.GetExecution(arn);
  ASSERT_THAT(before, IsOk());
  const std::vector<std::string> history = testing::HistoryTypes(store_, arn);

  absl::Status late = executor_.CompleteTask(task->task_token, R"({"late": true})");
  EXPECT_THAT(late, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(late.message()), HasSubstr("timed out"));
  EXPECT_THAT(executor_.FailTask(task->task_token, "E", "c"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(store_.RecordHeartbeat(task->task_token, clock_.Now(), clock_.Now()),
              StatusIs(absl::StatusCode::kFailedPrecondition));

  auto after = store_.GetExecution(arn);
  ASSERT_THAT(after, IsOk());
  EXPECT_EQ(after->version, before->version);
  EXPECT_EQ(testing::HistoryTypes(store_, arn), history);
  auto found = store_.FindTaskByToken(task->task_token);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->status, TaskStatus::kTimedOut);
}

TEST_F(ExecutorTimersTest, FreshHeartbeatReArmsStaleOneIsCaught) {
  const absl::Time start = clock_.Now();
  const std::string arn = Start(kHeartbeatCatchMachine);
  std::optional<TaskRecord> task = Claim("beat");
  ASSERT_TRUE(task.has_value());
  const std::string heartbeat = TaskTimerId(TaskTimerKind::kHeartbeat, task->task_id);

  clock_.Advance(absl::Seconds(6));
  ASSERT_THAT(store_.RecordHeartbeat(task->task_token, clock_.Now(), clock_.Now()), IsOk());
  clock_.Advance(absl::Seconds(4));  // t=10: the first deadline, but a heartbeat came at 6.
  const size_t events = testing::History(store_, arn).size();
  EXPECT_THAT(FireDue(), ElementsAre(heartbeat));
  EXPECT_EQ(testing::History(store_, arn).size(), events);  // Re-armed, nothing applied.
  EXPECT_EQ(Status(arn), ExecutionStatus::kRunning);
  EXPECT_THAT(DueAt(start + absl::Seconds(15)), IsEmpty());
  clock_.Advance(absl::Seconds(6));  // t=16: 10 s after the heartbeat.
  EXPECT_THAT(FireDue(), ElementsAre(heartbeat));

  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
  auto record = store_.GetExecution(arn);
  ASSERT_THAT(record, IsOk());
  json::value output = json::parse(record->output);
  EXPECT_EQ(output.at("error").at("Error").as_string(), "States.HeartbeatTimeout");
  EXPECT_EQ(output.at("error").at("Cause").as_string(),
            "The task sent no heartbeat for its HeartbeatSeconds of 10 seconds");
  EXPECT_EQ(testing::CountEvents(store_, arn, "ActivityTimedOut"), 1);
  auto closed = store_.FindTaskByToken(task->task_token);
  ASSERT_THAT(closed, IsOk());
  EXPECT_EQ(closed->status, TaskStatus::kTimedOut);
  // The TimeoutSeconds timer went with the task.
  EXPECT_THAT(DueAt(start + absl::Hours(100)), IsEmpty());
}

TEST_F(ExecutorTimersTest, ReArmingNeedsTheClaim) {
  Start(kHeartbeatCatchMachine);
  std::optional<TaskRecord> task = Claim("beat");
  ASSERT_TRUE(task.has_value());
  ASSERT_THAT(store_.RecordHeartbeat(task->task_token, clock_.Now() + absl::Seconds(5),
                                     clock_.Now() + absl::Minutes(1)),
              IsOk());
  clock_.Advance(absl::Seconds(10));
  auto due = store_.ClaimDueTimers(clock_.Now(), 10, kOwner, clock_.Now() + absl::Minutes(1));
  ASSERT_THAT(due, IsOk());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_THAT(executor_.FireTimer((*due)[0].execution_arn, (*due)[0].timer_id, "someone-else"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

// Both timers of a task due at once: whichever fires first times the task
// out; the other finds it closed and goes away.
TEST_F(ExecutorTimersTest, SimultaneousTimeoutsApplyOnce) {
  constexpr char kBoth[] = R"({"StartAt": "W", "States": {
      "W": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:w",
            "TimeoutSeconds": 10, "HeartbeatSeconds": 5,
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Hold"}], "End": true},
      "Hold": {"Type": "Wait", "Seconds": 1000, "End": true}}})";
  const std::string arn = Start(kBoth);
  std::optional<TaskRecord> task = Claim("w");
  ASSERT_TRUE(task.has_value());
  clock_.Advance(absl::Seconds(5));
  ASSERT_THAT(store_.RecordHeartbeat(task->task_token, clock_.Now(), clock_.Now()), IsOk());
  EXPECT_THAT(FireDue(), ::testing::SizeIs(1));  // Re-armed to 10 s, with the timeout.
  clock_.Advance(absl::Seconds(5));
  EXPECT_THAT(FireDue(), ElementsAre(TaskTimerId(TaskTimerKind::kHeartbeat, task->task_id),
                                     TaskTimerId(TaskTimerKind::kTimeout, task->task_id)));
  EXPECT_EQ(Status(arn), ExecutionStatus::kRunning);
  EXPECT_EQ(testing::CountEvents(store_, arn, "ActivityTimedOut"), 1);
  const std::vector<std::string> types = testing::HistoryTypes(store_, arn);
  ASSERT_FALSE(types.empty());
  EXPECT_EQ(types.back(), "WaitStateEntered");
  EXPECT_THAT(DueAt(clock_.Now() + absl::Seconds(999)), IsEmpty());
}

TEST_F(ExecutorTimersTest, CancelledTasksLoseTheirTimers) {
  const std::string arn = Start(kParallelMachine);
  std::optional<TaskRecord> a = Claim("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_THAT(DueAt(clock_.Now() + absl::Hours(1)), ::testing::SizeIs(2));
  // A fails: the Parallel fails and cancels B (and B's heartbeat timer).
  ASSERT_THAT(executor_.FailTask(a->task_token, "Boom", "a broke"), IsOk());
  EXPECT_EQ(Status(arn), ExecutionStatus::kFailed);
  EXPECT_THAT(DueAt(clock_.Now() + absl::Hours(100)), IsEmpty());
}

// A task timer whose task is already closed is deleted without a step. (Steps
// that close tasks delete their timers; this one is planted to get there.)
TEST_F(ExecutorTimersTest, TimerOfClosedTaskIsDeleted) {
  const std::string arn = Start(kTimeoutRetryMachine);
  std::optional<TaskRecord> first = Claim("slow");
  ASSERT_TRUE(first.has_value());
  clock_.Advance(absl::Seconds(5));
  ASSERT_THAT(FireDue(), ::testing::SizeIs(1));  // Timed out; a Retry timer is set.

  auto snapshot = store_.LoadExecution(arn);
  ASSERT_THAT(snapshot, IsOk());
  persistence::StepUpdate plant;
  plant.execution_arn = arn;
  plant.state_document = snapshot->state_document;
  plant.new_timers.push_back(persistence::TimerRecord{
      arn, TaskTimerId(TaskTimerKind::kHeartbeat, first->task_id), clock_.Now(), "", {}});
  ASSERT_THAT(store_.CommitStep(plant, snapshot->execution.version), IsOk());

  const std::vector<std::string> history = testing::HistoryTypes(store_, arn);
  auto version = store_.GetExecution(arn)->version;
  EXPECT_THAT(FireDue(), ElementsAre(TaskTimerId(TaskTimerKind::kHeartbeat, first->task_id)));
  EXPECT_EQ(testing::HistoryTypes(store_, arn), history);
  EXPECT_EQ(store_.GetExecution(arn)->version, version);
  // Gone for good; the Retry timer is untouched.
  EXPECT_THAT(DueAt(clock_.Now() + absl::Seconds(1)), IsEmpty());
  EXPECT_THAT(DueAt(clock_.Now() + absl::Seconds(2)), ElementsAre(::testing::StartsWith("retry")));
}

// A timer whose execution ended is refused and dropped by its holder.
TEST_F(ExecutorTimersTest, TimerOfClosedExecutionIsRefused) {
  const std::string arn = Start(kWaitMachine);
  clock_.Advance(absl::Seconds(10));
  auto due = store_.ClaimDueTimers(clock_.Now(), 10, kOwner, clock_.Now() + absl::Minutes(1));
  ASSERT_THAT(due, IsOk());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_THAT(executor_.Stop(arn, "Stopped", ""), IsOk());  // Deletes the claimed timer.
  EXPECT_THAT(executor_.FireTimer(arn, (*due)[0].timer_id, kOwner),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(Status(arn), ExecutionStatus::kAborted);
  EXPECT_THAT(executor_.FireTimer("arn:aws:states:us-east-1:123456789012:execution:M:nope",
                                  "task-timeout:task-1", kOwner),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace stepwise::service
