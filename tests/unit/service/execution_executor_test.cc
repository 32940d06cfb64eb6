#include "orchestrator/service/execution_executor.h"

#include <atomic>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/memory/memory_store.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using persistence::ExecutionStatus;
using persistence::HistoryRecord;
using persistence::TaskRecord;
using ::testing::ElementsAre;

constexpr char kTaskMachine[] = R"({
  "StartAt": "Prepare",
  "States": {
    "Prepare": {"Type": "Pass", "Parameters": {"who.$": "$.name"}, "Next": "Greet"},
    "Greet": {
      "Type": "Task",
      "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {"FunctionName": "greeter", "Payload.$": "$"},
      "OutputPath": "$.Payload",
      "Next": "Done"
    },
    "Done": {"Type": "Succeed"}
  }
})";

constexpr char kWaitMachine[] = R"({
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 10, "Next": "After"},
    "After": {"Type": "Pass", "Result": {"waited": true}, "End": true}
  }
})";

constexpr char kMapMachine[] = R"({
  "StartAt": "Fan",
  "States": {
    "Fan": {
      "Type": "Map",
      "ItemsPath": "$.items",
      "ItemProcessor": {
        "ProcessorConfig": {"Mode": "INLINE"},
        "StartAt": "Work",
        "States": {
          "Work": {
            "Type": "Task",
            "Resource": "arn:aws:states:us-east-1:123456789012:activity:worker",
            "End": true
          }
        }
      },
      "End": true
    }
  }
})";

class ExecutionExecutorTest : public ::testing::Test {
 protected:
  ExecutionExecutorTest()
      : executor_(store_, clock_, [this] {
          std::string entropy = StrCat("entropy-", counter_.fetch_add(1));
          entropy.resize(32, '.');
          return entropy;
        }) {}

  std::string CreateMachine(const std::string& name, const std::string& definition) {
    persistence::StateMachineRecord record;
    record.arn = StrCat("arn:aws:states:us-east-1:123456789012:stateMachine:", name);
    record.name = name;
    record.type = "STANDARD";
    record.definition = definition;
    record.role_arn = "arn:aws:iam::123456789012:role/test";
    record.revision_id = StrCat(name, "-rev-1");
    record.creation_date = clock_.Now();
    record.update_date = clock_.Now();
    auto created = store_.CreateStateMachine(record);
    EXPECT_TRUE(created.ok()) << created.status();
    return record.arn;
  }

  std::vector<HistoryRecord> History(const std::string& arn) {
    auto history = store_.ReadHistory(arn, persistence::HistoryQuery{});
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *history : std::vector<HistoryRecord>{};
  }

  std::vector<std::string> Types(const std::string& arn) {
    std::vector<std::string> types;
    for (const HistoryRecord& r : History(arn)) types.push_back(r.type);
    return types;
  }

  std::optional<TaskRecord> Claim(const std::string& queue) {
    auto task = store_.ClaimTask(queue, "worker-1", clock_.Now() + absl::Minutes(5), clock_.Now());
    EXPECT_TRUE(task.ok()) << task.status();
    return task.ok() ? *task : std::nullopt;
  }

  // History ids are 1..n in order, each event's JSON carries its id and type.
  void ExpectWellFormed(const std::vector<HistoryRecord>& history) {
    for (size_t i = 0; i < history.size(); ++i) {
      EXPECT_EQ(history[i].id, static_cast<int64_t>(i + 1));
      json::value event = json::parse(history[i].event_json);
      EXPECT_EQ(event.at("id").to_number<int64_t>(), history[i].id);
      EXPECT_EQ(std::string(event.at("type").as_string()), history[i].type);
      EXPECT_TRUE(event.as_object().contains("timestamp"));
    }
  }

  std::atomic<int> counter_{0};
  persistence::MemoryStore store_;
  FakeClock clock_;
  ExecutionExecutor executor_;
};

TEST(TaskQueueForTest, MapsResources) {
  json::value payload = json::parse(R"({"FunctionName": "greeter", "Payload": {}})");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:::lambda:invoke", payload), "greeter");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:::lambda:invoke.waitForTaskToken", payload), "greeter");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:::lambda:invoke", json::parse(R"({"FunctionName":
                             "arn:aws:lambda:us-east-1:123456789012:function:fn:prod"})")),
            "fn");
  EXPECT_EQ(TaskQueueFor("arn:aws:lambda:us-east-1:123456789012:function:hello", nullptr), "hello");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:us-east-1:123456789012:activity:act", nullptr), "act");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:::sqs:sendMessage", nullptr),
            "arn:aws:states:::sqs:sendMessage");
  EXPECT_EQ(TaskQueueFor("arn:aws:states:::lambda:invoke", json::object()),
            "arn:aws:states:::lambda:invoke");
}

TEST_F(ExecutionExecutorTest, TaskRunsToCompletion) {
  const std::string sm = CreateMachine("Greeter", kTaskMachine);
  auto arn = executor_.StartExecution(sm, "run-1", R"({"name": "Ada"})");
  ASSERT_TRUE(arn.ok()) << arn.status();
  EXPECT_EQ(*arn, "arn:aws:states:us-east-1:123456789012:execution:Greeter:run-1");

  auto record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kRunning);
  EXPECT_EQ(record->revision_id, "Greeter-rev-1");

  std::optional<TaskRecord> task = Claim("greeter");
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->resource, "arn:aws:states:::lambda:invoke");
  EXPECT_EQ(task->state_name, "Greet");
  EXPECT_EQ(json::parse(task->payload),
            json::parse(R"({"FunctionName": "greeter", "Payload": {"who": "Ada"}})"));

  // Idempotent start: same name and input returns the same execution.
  auto again = executor_.StartExecution(sm, "run-1", R"({"name": "Ada"})");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *arn);
  EXPECT_FALSE(Claim("greeter").has_value());

  clock_.Advance(absl::Seconds(3));
  // The worker returns the function's result; the executor wraps it as
  // lambda:invoke does ({"Payload": ..., "StatusCode": 200, ...}).
  ASSERT_TRUE(executor_.CompleteTask(task->task_token, R"({"hello": "Ada"})").ok());

  record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::parse(record->output), json::parse(R"({"hello": "Ada"})"));
  EXPECT_EQ(record->stop_time, clock_.Now());

  // Nobody recorded TaskStarted (no dispatcher here): the completion emits it.
  EXPECT_THAT(Types(*arn), ElementsAre("ExecutionStarted", "PassStateEntered", "PassStateExited",
                                       "TaskStateEntered", "TaskScheduled", "TaskStarted",
                                       "TaskSucceeded", "TaskStateExited", "SucceedStateEntered",
                                       "SucceedStateExited", "ExecutionSucceeded"));
  ExpectWellFormed(History(*arn));

  auto closed = store_.FindTaskByToken(task->task_token);
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, persistence::TaskStatus::kCompleted);
}

TEST_F(ExecutionExecutorTest, DuplicateCompletionFailsAndChangesNothing) {
  const std::string sm = CreateMachine("Greeter", kTaskMachine);
  auto arn = executor_.StartExecution(sm, "run-1", R"({"name": "Ada"})");
  ASSERT_TRUE(arn.ok()) << arn.status();
  std::optional<TaskRecord> task = Claim("greeter");
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(executor_.CompleteTask(task->task_token, R"({"Payload": 1})").ok());

  auto before = store_.GetExecution(*arn);
  ASSERT_TRUE(before.ok());
  const size_t history_size = History(*arn).size();

  EXPECT_EQ(executor_.CompleteTask(task->task_token, R"({"Payload": 2})").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(executor_.FailTask(task->task_token, "E", "c").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(executor_.CompleteTask("no-such-token", "{}").code(), absl::StatusCode::kNotFound);

  auto after = store_.GetExecution(*arn);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->version, before->version);
  EXPECT_EQ(after->output, before->output);
  EXPECT_EQ(History(*arn).size(), history_size);
}

TEST_F(ExecutionExecutorTest, FailedTaskFailsExecution) {
  const std::string sm = CreateMachine("Greeter", kTaskMachine);
  auto arn = executor_.StartExecution(sm, "run-1", R"({"name": "Ada"})");
  ASSERT_TRUE(arn.ok()) << arn.status();
  std::optional<TaskRecord> task = Claim("greeter");
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(executor_.FailTask(task->task_token, "Boom", "it broke").ok());
  auto record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kFailed);
  EXPECT_EQ(record->error, "Boom");
  EXPECT_EQ(record->cause, "it broke");
  EXPECT_EQ(Types(*arn).back(), "ExecutionFailed");
}

TEST_F(ExecutionExecutorTest, WaitSetsTimerAndFiringContinues) {
  const std::string sm = CreateMachine("Waiter", kWaitMachine);
  const absl::Time start = clock_.Now();
  auto arn = executor_.StartExecution(sm, "w", "");
  ASSERT_TRUE(arn.ok()) << arn.status();

  auto none = store_.ClaimDueTimers(start + absl::Seconds(9), 10, "owner", start + absl::Hours(1));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  clock_.Advance(absl::Seconds(10));
  auto due = store_.ClaimDueTimers(clock_.Now(), 10, "owner", clock_.Now() + absl::Minutes(1));
  ASSERT_TRUE(due.ok());
  ASSERT_EQ(due->size(), 1u);
  EXPECT_EQ((*due)[0].execution_arn, *arn);
  EXPECT_EQ((*due)[0].fire_at, start + absl::Seconds(10));

  ASSERT_TRUE(executor_.FireTimer(*arn, (*due)[0].timer_id).ok());
  auto record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::parse(record->output), json::parse(R"({"waited": true})"));
  EXPECT_THAT(Types(*arn),
              ElementsAre("ExecutionStarted", "WaitStateEntered", "WaitStateExited",
                          "PassStateEntered", "PassStateExited", "ExecutionSucceeded"));
  ExpectWellFormed(History(*arn));

  // The timer is gone; firing it again is refused (the execution is closed).
  auto later = store_.ClaimDueTimers(clock_.Now() + absl::Hours(2), 10, "owner",
                                     clock_.Now() + absl::Hours(3));
  ASSERT_TRUE(later.ok());
  EXPECT_TRUE(later->empty());
  EXPECT_EQ(executor_.FireTimer(*arn, (*due)[0].timer_id).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ExecutionExecutorTest, StopAbortsAndCancelsTasks) {
  const std::string sm = CreateMachine("Greeter", kTaskMachine);
  auto arn = executor_.StartExecution(sm, "run-1", R"({"name": "Ada"})");
  ASSERT_TRUE(arn.ok()) << arn.status();
  std::optional<TaskRecord> task = Claim("greeter");
  ASSERT_TRUE(task.has_value());
  ASSERT_TRUE(executor_.Stop(*arn, "Stopped", "by test").ok());
  auto record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kAborted);
  EXPECT_EQ(Types(*arn).back(), "ExecutionAborted");
  EXPECT_EQ(executor_.CompleteTask(task->task_token, "{}").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(ExecutionExecutorTest, StartErrors) {
  EXPECT_EQ(
      executor_.StartExecution("arn:aws:states:us-east-1:123456789012:stateMachine:nope", "x", "{}")
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  const std::string sm = CreateMachine("Greeter", kTaskMachine);
  EXPECT_EQ(executor_.StartExecution(sm, "x", "{not json").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(executor_.StartExecution(sm, "", "{}").status().code(),
            absl::StatusCode::kInvalidArgument);
  ASSERT_TRUE(executor_.StartExecution(sm, "x", R"({"name": 1})").ok());
  EXPECT_EQ(executor_.StartExecution(sm, "x", R"({"name": 2})").status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ExecutionExecutorTest, ConcurrentCompletionsLoseNothing) {
  constexpr int kItems = 50;
  const std::string sm = CreateMachine("Fan", kMapMachine);
  json::array items;
  for (int i = 0; i < kItems; ++i) items.emplace_back(i);
  json::object input;
  input["items"] = std::move(items);
  auto arn = executor_.StartExecution(sm, "fan", json::serialize(input));
  ASSERT_TRUE(arn.ok()) << arn.status();

  std::vector<TaskRecord> tasks;
  while (std::optional<TaskRecord> task = Claim("worker")) tasks.push_back(*task);
  ASSERT_EQ(tasks.size(), static_cast<size_t>(kItems));

  std::vector<absl::Status> results(tasks.size());
  auto work = [&](size_t first) {
    for (size_t i = first; i < tasks.size(); i += 2) {
      results[i] = executor_.CompleteTask(tasks[i].task_token, tasks[i].payload);
    }
  };
  std::thread a(work, 0);
  std::thread b(work, 1);
  a.join();
  b.join();
  for (const absl::Status& status : results) EXPECT_TRUE(status.ok()) << status;

  auto record = store_.GetExecution(*arn);
  ASSERT_TRUE(record.ok());
  EXPECT_EQ(record->status, ExecutionStatus::kSucceeded);
  json::array expected;
  for (int i = 0; i < kItems; ++i) expected.emplace_back(i);
  EXPECT_EQ(json::parse(record->output), json::value(expected));

  std::vector<HistoryRecord> history = History(*arn);
  ExpectWellFormed(history);
  int succeeded = 0;
  int iterations = 0;
  std::set<std::string> task_ids;
  for (const HistoryRecord& r : history) {
    if (r.type == "ActivitySucceeded") ++succeeded;
    if (r.type == "MapIterationSucceeded") ++iterations;
  }
  EXPECT_EQ(succeeded, kItems);
  EXPECT_EQ(iterations, kItems);
  EXPECT_EQ(history.back().type, "ExecutionSucceeded");
  for (const TaskRecord& t : tasks) {
    auto closed = store_.FindTaskByToken(t.task_token);
    ASSERT_TRUE(closed.ok());
    EXPECT_EQ(closed->status, persistence::TaskStatus::kCompleted);
    task_ids.insert(t.task_id);
  }
  EXPECT_EQ(task_ids.size(), static_cast<size_t>(kItems));
}

}  // namespace
}  // namespace stepwise::service
