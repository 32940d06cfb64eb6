// What the ExecutionExecutor settles that the engine cannot know, as one
// typed suite run on every store (memory: executor_checks_test.cc,
// PostgreSQL: tests/integration/orchestrator/executor_checks_pg_test.cc):
//   - a Task on an activity that does not exist fails at once in the same
//     commit (ActivityScheduleFailed, States.Runtime: never retried or
//     caught, so the execution fails);
//   - a STANDARD execution of a DELETING state machine ends FAILED
//     (States.Runtime, "State machine NAME has been deleted.") at its next
//     transition: a task's completion or failure, a timer.
//
//   struct MemoryBackend : ::testing::Test {
//     persistence::ExecutionStore& store() { return store_; }
//     persistence::MemoryStore store_;
//   };
//   INSTANTIATE_TYPED_TEST_SUITE_P(Memory, ExecutorChecksTest, MemoryBackend);
#ifndef STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_CHECKS_SUITE_H_
#define STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_CHECKS_SUITE_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::service::testing {

inline constexpr char kReviewActivity[] = "arn:aws:states:us-east-1:123456789012:activity:review";
inline constexpr char kMissingActivity[] = "arn:aws:states:us-east-1:123456789012:activity:nope";

// `definition` with @REVIEW@ and @MISSING@ replaced by the activity ARNs.
inline std::string Def(std::string definition) {
  const std::pair<std::string_view, std::string_view> kArns[] = {{"@REVIEW@", kReviewActivity},
                                                                 {"@MISSING@", kMissingActivity}};
  for (const auto& [marker, arn] : kArns) {
    for (size_t at = definition.find(marker); at != std::string::npos;
         at = definition.find(marker, at)) {
      definition.replace(at, marker.size(), arn);
    }
  }
  return definition;
}

// `Backend` is a ::testing::Test with `persistence::ExecutionStore& store()`.
template <typename Backend>
class ExecutorChecksTest : public Backend {
 protected:
  void SetUp() override {
    Backend::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    executor_ = MakeExecutor(/*check_activities=*/true);
  }

  std::unique_ptr<ExecutionExecutor> MakeExecutor(bool check_activities) {
    ExecutorOptions options;
    options.check_activities = check_activities;
    options.activity_cache_ttl = absl::Seconds(10);
    return std::make_unique<ExecutionExecutor>(this->store(), clock_, CountingEntropy(), options);
  }

  void CreateActivity(std::string_view arn, std::string_view name) {
    EXPECT_THAT(this->store().CreateActivity({std::string(arn), std::string(name), clock_.Now()}),
                ::stepwise::testing::IsOk());
  }

  std::string Machine(std::string_view name, std::string_view definition,
                      std::string_view type = "STANDARD") {
    persistence::StateMachineRecord record;
    record.arn = StrCat("arn:aws:states:us-east-1:123456789012:stateMachine:", name);
    record.name = std::string(name);
    record.type = std::string(type);
    record.definition = std::string(definition);
    record.role_arn = "arn:aws:iam::123456789012:role/test";
    record.revision_id = StrCat(name, "-rev-1");
    record.creation_date = clock_.Now();
    record.update_date = clock_.Now();
    EXPECT_THAT(this->store().CreateStateMachine(record), ::stepwise::testing::IsOk());
    return record.arn;
  }

  std::string Start(const std::string& machine_arn, std::string_view name = "run") {
    absl::StatusOr<std::string> arn = executor_->StartExecution(machine_arn, name, "{}");
    EXPECT_THAT(arn, ::stepwise::testing::IsOk());
    return arn.ok() ? *arn : "";
  }

  std::optional<persistence::TaskRecord> Claim(const std::string& queue) {
    auto task =
        this->store().ClaimTask(queue, "worker", clock_.Now() + absl::Minutes(5), clock_.Now());
    EXPECT_THAT(task, ::stepwise::testing::IsOk());
    return task.ok() ? *task : std::nullopt;
  }

  // Claims the timers due now and fires each; returns their ids.
  std::vector<std::string> FireDue() {
    std::vector<std::string> fired;
    auto due =
        this->store().ClaimDueTimers(clock_.Now(), 100, "loop", clock_.Now() + absl::Minutes(1));
    EXPECT_THAT(due, ::stepwise::testing::IsOk());
    if (!due.ok()) return fired;
    for (const persistence::TimerRecord& timer : *due) {
      EXPECT_THAT(executor_->FireTimer(timer.execution_arn, timer.timer_id, "loop"),
                  ::stepwise::testing::IsOk())
          << timer.timer_id;
      fired.push_back(timer.timer_id);
    }
    return fired;
  }

  // The ids of every timer left, however far ahead.
  std::vector<std::string> TimersLeft() {
    std::vector<std::string> ids;
    const absl::Time far = clock_.Now() + absl::Hours(24 * 365);
    auto due = this->store().ClaimDueTimers(far, 100, "peek", far + absl::Hours(1));
    EXPECT_THAT(due, ::stepwise::testing::IsOk());
    if (due.ok()) {
      for (const persistence::TimerRecord& timer : *due) ids.push_back(timer.timer_id);
    }
    return ids;
  }

  persistence::ExecutionRecord Execution(const std::string& arn) {
    auto record = this->store().GetExecution(arn);
    EXPECT_THAT(record, ::stepwise::testing::IsOk());
    return record.ok() ? *record : persistence::ExecutionRecord{};
  }

  std::vector<std::string> Types(const std::string& arn) {
    return HistoryTypes(this->store(), arn);
  }

  // The `key` details of the last event of `arn`.
  boost::json::value LastDetails(const std::string& arn, std::string_view key) {
    std::vector<persistence::HistoryRecord> history = History(this->store(), arn);
    if (history.empty()) return nullptr;
    boost::json::value event = boost::json::parse(history.back().event_json);
    const boost::json::value* details = event.as_object().if_contains(key);
    return details != nullptr ? *details : boost::json::value(nullptr);
  }

  FakeClock clock_;
  std::unique_ptr<ExecutionExecutor> executor_;
};

TYPED_TEST_SUITE_P(ExecutorChecksTest);

TYPED_TEST_P(ExecutorChecksTest, MissingActivityFailsTheExecutionInTheSameStep) {
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"T","States":{"T":{
      "Type":"Task","Resource":"@MISSING@",
      "TimeoutSeconds":30,"HeartbeatSeconds":5,
      "Retry":[{"ErrorEquals":["States.ALL"]}],"End":true}}})"));
  const std::string arn = this->Start(sm);
  const persistence::ExecutionRecord record = this->Execution(arn);
  EXPECT_EQ(record.status, persistence::ExecutionStatus::kFailed);
  EXPECT_EQ(record.error, "States.Runtime");
  EXPECT_THAT(record.cause, ::testing::HasSubstr(kMissingActivity));
  EXPECT_THAT(this->Types(arn),
              ::testing::ElementsAre("ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                     "ActivityScheduleFailed", "ExecutionFailed"));
  std::vector<persistence::HistoryRecord> history = History(this->store(), arn);
  ASSERT_EQ(history.size(), 5u);
  boost::json::value failed = boost::json::parse(history[3].event_json);
  EXPECT_EQ(failed.at("activityScheduleFailedEventDetails").at("error"), "States.Runtime");
  // The task never reached a queue, and it left no timers behind.
  EXPECT_FALSE(this->Claim("nope").has_value());
  EXPECT_THAT(this->TimersLeft(), ::testing::IsEmpty());
}

TYPED_TEST_P(ExecutorChecksTest, MissingActivityIsNeverCaught) {
  this->CreateActivity(kReviewActivity, "review");
  // AWS: States.Runtime always fails the execution, whatever Catch names.
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"@MISSING@",
           "Catch":[{"ErrorEquals":["States.Runtime"],"Next":"Review"}],"End":true},
      "Review":{"Type":"Task","Resource":"@REVIEW@","End":true}}})"));
  const std::string arn = this->Start(sm);
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kFailed);
  EXPECT_FALSE(this->Claim("review").has_value());
}

TYPED_TEST_P(ExecutorChecksTest, SiblingsScheduledInTheFailedStepNeverExist) {
  this->CreateActivity(kReviewActivity, "review");
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"P","States":{"P":{
      "Type":"Parallel","End":true,"Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Task","Resource":"@MISSING@","End":true}}},
        {"StartAt":"B","States":{"B":{"Type":"Task","Resource":"@REVIEW@",
            "TimeoutSeconds":30,"End":true}}},
        {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":60,"End":true}}},
        {"StartAt":"C","States":{"C":{"Type":"Task","Resource":"@MISSING@","End":true}}}]}}})"));
  const std::string arn = this->Start(sm);
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kFailed);
  EXPECT_FALSE(this->Claim("review").has_value());
  EXPECT_THAT(this->TimersLeft(), ::testing::IsEmpty());
  EXPECT_EQ(this->Types(arn).back(), "ExecutionFailed");
}

TYPED_TEST_P(ExecutorChecksTest, MissingActivityAfterACompletionFailsWithIt) {
  this->CreateActivity(kReviewActivity, "review");
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"A","States":{
      "A":{"Type":"Task","Resource":"@REVIEW@","Next":"B"},
      "B":{"Type":"Task","Resource":"@MISSING@","End":true}}})"));
  const std::string arn = this->Start(sm);
  std::optional<persistence::TaskRecord> task = this->Claim("review");
  ASSERT_TRUE(task.has_value());
  ASSERT_THAT(this->executor_->CompleteTask(task->task_token, "{}"), ::stepwise::testing::IsOk());
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kFailed);
  EXPECT_THAT(this->Types(arn),
              ::testing::ElementsAre("ExecutionStarted", "TaskStateEntered", "ActivityScheduled",
                                     "ActivityStarted", "ActivitySucceeded", "TaskStateExited",
                                     "TaskStateEntered", "ActivityScheduled",
                                     "ActivityScheduleFailed", "ExecutionFailed"));
}

TYPED_TEST_P(ExecutorChecksTest, ActivitiesAreLookedUpWithACache) {
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"T","States":{"T":{
      "Type":"Task","Resource":"@REVIEW@","End":true}}})"));
  // Not created yet: fails.
  EXPECT_EQ(this->Execution(this->Start(sm, "a")).status, persistence::ExecutionStatus::kFailed);
  this->CreateActivity(kReviewActivity, "review");
  EXPECT_EQ(this->Execution(this->Start(sm, "b")).status, persistence::ExecutionStatus::kRunning);
  // Deleted: still found for activity_cache_ttl (10 s), then not.
  ASSERT_THAT(this->store().DeleteActivity(kReviewActivity), ::stepwise::testing::IsOk());
  EXPECT_EQ(this->Execution(this->Start(sm, "c")).status, persistence::ExecutionStatus::kRunning);
  this->clock_.Advance(absl::Seconds(11));
  EXPECT_EQ(this->Execution(this->Start(sm, "d")).status, persistence::ExecutionStatus::kFailed);
}

TYPED_TEST_P(ExecutorChecksTest, WithoutCheckActivitiesTheTaskWaits) {
  this->executor_ = this->MakeExecutor(/*check_activities=*/false);
  const std::string sm = this->Machine("M", Def(R"({"StartAt":"T","States":{"T":{
      "Type":"Task","Resource":"@MISSING@","End":true}}})"));
  const std::string arn = this->Start(sm);
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kRunning);
  EXPECT_TRUE(this->Claim("nope").has_value());
}

inline constexpr char kLambdaTask[] = R"({"StartAt":"T","States":{"T":{"Type":"Task",
    "Resource":"arn:aws:lambda:us-east-1:123456789012:function:work",
    "TimeoutSeconds":30,"Next":"After"},
    "After":{"Type":"Pass","End":true}}})";

TYPED_TEST_P(ExecutorChecksTest, DeletingMachineFailsAtTheNextTransition) {
  const std::string sm = this->Machine("Doomed", kLambdaTask);
  const std::string arn = this->Start(sm);
  std::optional<persistence::TaskRecord> task = this->Claim("work");
  ASSERT_TRUE(task.has_value());
  ASSERT_THAT(this->store().DeleteStateMachine(sm), ::stepwise::testing::IsOk());
  auto deleting = this->store().GetStateMachine(sm);
  ASSERT_THAT(deleting, ::stepwise::testing::IsOk());
  EXPECT_EQ(deleting->status, persistence::StateMachineStatus::kDeleting);

  // A worker taking the task is no transition; the completion is.
  ASSERT_THAT(this->executor_->Apply(arn, engine::TaskStarted{task->task_id}),
              ::stepwise::testing::IsOk());
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kRunning);
  ASSERT_THAT(this->executor_->CompleteTask(task->task_token, "{}"), ::stepwise::testing::IsOk());

  const persistence::ExecutionRecord record = this->Execution(arn);
  EXPECT_EQ(record.status, persistence::ExecutionStatus::kFailed);
  EXPECT_EQ(record.error, "States.Runtime");
  EXPECT_EQ(record.cause, "State machine Doomed has been deleted.");
  EXPECT_THAT(this->Types(arn), ::testing::ElementsAre("ExecutionStarted", "TaskStateEntered",
                                                       "LambdaFunctionScheduled",
                                                       "LambdaFunctionStarted", "ExecutionFailed"));
  EXPECT_EQ(this->LastDetails(arn, "executionFailedEventDetails").at("cause"),
            "State machine Doomed has been deleted.");
  auto closed = this->store().FindTaskByToken(task->task_token);
  ASSERT_THAT(closed, ::stepwise::testing::IsOk());
  EXPECT_EQ(closed->status, persistence::TaskStatus::kCompleted);
  EXPECT_THAT(this->TimersLeft(), ::testing::IsEmpty());
  // None of its executions runs any more: the machine is gone.
  EXPECT_THAT(this->store().GetStateMachine(sm),
              ::stepwise::testing::StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST_P(ExecutorChecksTest, DeletingMachineFailsWhenATimerFires) {
  const std::string sm = this->Machine("Doomed", R"({"StartAt":"W","States":{
      "W":{"Type":"Wait","Seconds":10,"Next":"After"},"After":{"Type":"Pass","End":true}}})");
  const std::string waiting = this->Start(sm, "waiting");
  const std::string sm2 = this->Machine("Slow", kLambdaTask);
  const std::string timing_out = this->Start(sm2, "timing-out");
  ASSERT_THAT(this->store().DeleteStateMachine(sm), ::stepwise::testing::IsOk());
  ASSERT_THAT(this->store().DeleteStateMachine(sm2), ::stepwise::testing::IsOk());
  this->clock_.Advance(absl::Seconds(31));
  EXPECT_THAT(this->FireDue(), ::testing::SizeIs(2));
  for (const std::string& arn : {waiting, timing_out}) {
    const persistence::ExecutionRecord record = this->Execution(arn);
    EXPECT_EQ(record.status, persistence::ExecutionStatus::kFailed) << arn;
    EXPECT_EQ(record.error, "States.Runtime") << arn;
    EXPECT_EQ(this->Types(arn).back(), "ExecutionFailed") << arn;
  }
  EXPECT_EQ(this->Execution(timing_out).cause, "State machine Slow has been deleted.");
  EXPECT_THAT(this->TimersLeft(), ::testing::IsEmpty());
}

TYPED_TEST_P(ExecutorChecksTest, DeletingMachineStillStopsAndExpressGoesOn) {
  const std::string sm = this->Machine("Doomed", kLambdaTask);
  const std::string stopped = this->Start(sm);
  ASSERT_THAT(this->store().DeleteStateMachine(sm), ::stepwise::testing::IsOk());
  ASSERT_THAT(this->executor_->Stop(stopped, "Halt", "by hand"), ::stepwise::testing::IsOk());
  EXPECT_EQ(this->Execution(stopped).status, persistence::ExecutionStatus::kAborted);

  // AWS: EXPRESS executions may run on after DeleteStateMachine.
  const std::string express = this->Machine("Fast", kLambdaTask, "EXPRESS");
  const std::string arn = this->Start(express);
  std::optional<persistence::TaskRecord> task = this->Claim("work");
  ASSERT_TRUE(task.has_value());
  ASSERT_THAT(this->store().DeleteStateMachine(express), ::stepwise::testing::IsOk());
  ASSERT_THAT(this->executor_->CompleteTask(task->task_token, "{}"), ::stepwise::testing::IsOk());
  EXPECT_EQ(this->Execution(arn).status, persistence::ExecutionStatus::kSucceeded);
}

REGISTER_TYPED_TEST_SUITE_P(ExecutorChecksTest, MissingActivityFailsTheExecutionInTheSameStep,
                            MissingActivityIsNeverCaught,
                            SiblingsScheduledInTheFailedStepNeverExist,
                            MissingActivityAfterACompletionFailsWithIt,
                            ActivitiesAreLookedUpWithACache, WithoutCheckActivitiesTheTaskWaits,
                            DeletingMachineFailsAtTheNextTransition,
                            DeletingMachineFailsWhenATimerFires,
                            DeletingMachineStillStopsAndExpressGoesOn);

}  // namespace stepwise::service::testing

#endif  // STEPWISE_TESTS_UNIT_SERVICE_EXECUTOR_CHECKS_SUITE_H_
