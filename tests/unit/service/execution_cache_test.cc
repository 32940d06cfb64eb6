// The executor's execution cache (ExecutionCache, ExecutorOptions::
// execution_cache): what it saves (store reads counted on a ForwardingStore)
// and that it never changes an outcome: stale entries after another replica
// (a second executor on the same store) committed, closed tasks, its bounds,
// DELETING state machines.
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_executor_cache.h"
#include "orchestrator/service/execution_waiter.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/await.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using persistence::ExecutionStatus;
using persistence::TaskRecord;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

// --- ExecutionCache on its own ----------------------------------------------

persistence::ExecutionSnapshot Base(std::string_view arn) {
  persistence::ExecutionSnapshot base;
  base.execution.execution_arn = std::string(arn);
  base.execution.state_machine_arn = "sm";
  base.execution.revision_id = "rev";
  base.machine_name = "M";
  base.machine_type = "EXPRESS";
  return base;
}

persistence::StepUpdate Step(std::string_view arn, std::string document = "{}") {
  persistence::StepUpdate update;
  update.execution_arn = std::string(arn);
  update.state_document = std::move(document);
  return update;
}

TaskRecord NewTask(std::string_view arn, std::string_view id, std::string_view token) {
  TaskRecord task;
  task.execution_arn = std::string(arn);
  task.task_id = std::string(id);
  task.task_token = std::string(token);
  task.resource = "arn:aws:states:::lambda:invoke";
  task.payload = R"({"big":"payload"})";
  return task;
}

TEST(ExecutionCacheTest, RemembersTheCommittedStepAndItsTasks) {
  ExecutionCache cache;
  persistence::StepUpdate update = Step("a", R"({"v":2})");
  update.new_tasks.push_back(NewTask("a", "t1", "tok1"));
  update.new_tasks.back().invocation_token = "inv1";
  cache.Committed(Base("a"), update, 2);

  std::optional<persistence::ExecutionSnapshot> found = cache.Find("a");
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->execution.version, 2);
  EXPECT_EQ(found->execution.status, ExecutionStatus::kRunning);
  EXPECT_EQ(found->execution.revision_id, "rev");
  EXPECT_EQ(found->state_document, R"({"v":2})");
  EXPECT_EQ(found->machine_type, "EXPRESS");
  EXPECT_FALSE(cache.Find("b").has_value());

  std::optional<TaskRecord> task = cache.FindTask("tok1");
  ASSERT_TRUE(task.has_value());
  EXPECT_EQ(task->task_id, "t1");
  EXPECT_EQ(task->execution_arn, "a");
  EXPECT_EQ(task->status, persistence::TaskStatus::kPending);
  EXPECT_EQ(task->payload, "");  // Never needed, maybe large: not kept.
  ASSERT_TRUE(cache.FindTask("inv1").has_value());
  EXPECT_EQ(cache.FindTask("inv1")->task_token, "tok1");

  // The step that completes the task drops it; an older step changes nothing.
  persistence::StepUpdate next = Step("a", R"({"v":3})");
  next.completed_task_ids.push_back("t1");
  cache.Committed(Base("a"), next, 3);
  EXPECT_FALSE(cache.FindTask("tok1").has_value());
  EXPECT_FALSE(cache.FindTask("inv1").has_value());
  cache.Committed(Base("a"), Step("a", R"({"v":1})"), 1);
  EXPECT_EQ(cache.Find("a")->execution.version, 3);

  // A closing step forgets the execution.
  persistence::StepUpdate close = Step("a");
  close.status = ExecutionStatus::kSucceeded;
  cache.Committed(Base("a"), close, 4);
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ExecutionCacheTest, CancelledAndTimedOutTasksAndErase) {
  ExecutionCache cache;
  persistence::StepUpdate update = Step("a");
  update.new_tasks = {NewTask("a", "t1", "tok1"), NewTask("a", "t2", "tok2"),
                      NewTask("a", "t3", "tok3")};
  cache.Committed(Base("a"), update, 2);
  persistence::StepUpdate next = Step("a");
  next.cancelled_task_ids.push_back("t1");
  next.timed_out_task_ids.push_back("t2");
  cache.Committed(Base("a"), next, 3);
  EXPECT_FALSE(cache.FindTask("tok1").has_value());
  EXPECT_FALSE(cache.FindTask("tok2").has_value());
  EXPECT_TRUE(cache.FindTask("tok3").has_value());
  cache.Erase("a");
  EXPECT_FALSE(cache.Find("a").has_value());
  EXPECT_FALSE(cache.FindTask("tok3").has_value());
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ExecutionCacheTest, LeastRecentlyUsedGoesFirstWhenFull) {
  ExecutionCache cache({.max_executions = 2, .max_bytes = size_t{1} << 20});
  persistence::StepUpdate a = Step("a");
  a.new_tasks.push_back(NewTask("a", "t", "tok-a"));
  cache.Committed(Base("a"), a, 1);
  cache.Committed(Base("b"), Step("b"), 1);
  ASSERT_TRUE(cache.Find("a").has_value());  // Now b is the least recent.
  cache.Committed(Base("c"), Step("c"), 1);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Find("a").has_value());
  EXPECT_FALSE(cache.Find("b").has_value());
  EXPECT_TRUE(cache.Find("c").has_value());
  // Finding a task counts as a use too.
  ASSERT_TRUE(cache.FindTask("tok-a").has_value());
  cache.Committed(Base("d"), Step("d"), 1);
  EXPECT_TRUE(cache.Find("a").has_value());
  EXPECT_FALSE(cache.Find("c").has_value());
}

TEST(ExecutionCacheTest, BytesBoundHonoured) {
  const std::string document(10000, 'x');
  ExecutionCache cache({.max_executions = 1000, .max_bytes = 25000});
  for (int i = 0; i < 10; ++i) {
    const std::string arn = StrCat("e", i);
    cache.Committed(Base(arn), Step(arn, document), 1);
    EXPECT_LE(cache.bytes(), 25000u);
  }
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.Find("e9").has_value());
  EXPECT_TRUE(cache.Find("e8").has_value());
  // One entry larger than the whole bound is not kept at all.
  cache.Committed(Base("huge"), Step("huge", std::string(30000, 'x')), 1);
  EXPECT_FALSE(cache.Find("huge").has_value());
  EXPECT_LE(cache.bytes(), 25000u);
}

TEST(ExecutionCacheTest, ZeroBoundsDisableIt) {
  for (ExecutionCacheOptions options :
       {ExecutionCacheOptions{.max_executions = 0, .max_bytes = 1000000},
        ExecutionCacheOptions{.max_executions = 10, .max_bytes = 0}}) {
    ExecutionCache cache(options);
    cache.Committed(Base("a"), Step("a"), 1);
    EXPECT_FALSE(cache.Find("a").has_value());
    EXPECT_EQ(cache.size(), 0u);
  }
}

// --- Through the executor ----------------------------------------------------

// Counts the reads the cache is meant to save.
class CountingStore final : public stepwise::testing::ForwardingStore {
 public:
  explicit CountingStore(persistence::ExecutionStore& inner) : ForwardingStore(inner) {}
  absl::StatusOr<persistence::ExecutionSnapshot> LoadExecution(std::string_view arn) override {
    ++loads;
    return ForwardingStore::LoadExecution(arn);
  }
  absl::StatusOr<TaskRecord> FindTaskByToken(std::string_view token) override {
    ++finds;
    return ForwardingStore::FindTaskByToken(token);
  }
  absl::StatusOr<int64_t> CommitStep(const persistence::StepUpdate& update,
                                     int64_t expected_version) override {
    ++commits;
    return ForwardingStore::CommitStep(update, expected_version);
  }
  void Reset() { loads = finds = commits = 0; }
  std::atomic<int> loads{0};
  std::atomic<int> finds{0};
  std::atomic<int> commits{0};
};

constexpr char kThreeTasks[] = R"({"StartAt":"A","States":{
  "A":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
       "Parameters":{"FunctionName":"work","Payload.$":"$"},"OutputPath":"$.Payload","Next":"B"},
  "B":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
       "Parameters":{"FunctionName":"work","Payload.$":"$"},"OutputPath":"$.Payload","Next":"C"},
  "C":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
       "Parameters":{"FunctionName":"work","Payload.$":"$"},"OutputPath":"$.Payload","End":true}}})";

constexpr char kTwoBranches[] = R"({"StartAt":"P","States":{"P":{"Type":"Parallel","End":true,
  "Branches":[
    {"StartAt":"X","States":{"X":{"Type":"Task",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:x","End":true}}},
    {"StartAt":"Y","States":{"Y":{"Type":"Task",
        "Resource":"arn:aws:lambda:us-east-1:123456789012:function:y","End":true}}}]}}})";

constexpr char kTimedTask[] = R"({"StartAt":"T","States":{"T":{"Type":"Task",
  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:work",
  "TimeoutSeconds":30,"End":true}}})";

constexpr char kWaitThenTask[] = R"({"StartAt":"W","States":{
  "W":{"Type":"Wait","Seconds":10,"Next":"T"},
  "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:123456789012:function:work",
       "End":true}}})";

ExecutorOptions CacheOptions(size_t max_executions = 10000) {
  ExecutorOptions options;
  options.execution_cache.max_executions = max_executions;
  return options;
}

class ExecutorCacheTest : public ::testing::Test {
 protected:
  ExecutorCacheTest()
      : store_(memory_),
        a_(store_, clock_, testing::CountingEntropy(), CacheOptions()),
        b_(store_, clock_, testing::CountingEntropy(), CacheOptions()) {}

  std::string Machine(std::string_view name, std::string_view definition,
                      std::string_view type = "EXPRESS") {
    persistence::StateMachineRecord record;
    record.arn = StrCat("arn:aws:states:us-east-1:123456789012:stateMachine:", name);
    record.name = std::string(name);
    record.type = std::string(type);
    record.definition = std::string(definition);
    record.revision_id = StrCat(name, "-rev-1");
    record.creation_date = clock_.Now();
    record.update_date = clock_.Now();
    EXPECT_THAT(memory_.CreateStateMachine(record), IsOk());
    return record.arn;
  }

  std::string Start(ExecutionExecutor& executor, const std::string& machine,
                    std::string_view name = "run", std::string_view input = "{}") {
    absl::StatusOr<std::string> arn = executor.StartExecution(machine, name, input);
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  TaskRecord Claim(std::string_view queue) {
    auto task = memory_.ClaimTask(queue, "w", clock_.Now() + absl::Minutes(5), clock_.Now());
    EXPECT_THAT(task, IsOk());
    EXPECT_TRUE(task.ok() && task->has_value()) << queue;
    return task.ok() && task->has_value() ? **task : TaskRecord{};
  }

  persistence::ExecutionRecord Execution(const std::string& arn) {
    auto record = memory_.GetExecution(arn);
    EXPECT_THAT(record, IsOk());
    return record.ok() ? *record : persistence::ExecutionRecord{};
  }

  persistence::MemoryStore memory_;
  CountingStore store_;
  FakeClock clock_;
  ExecutionExecutor a_;  // This replica.
  ExecutionExecutor b_;  // Another replica on the same database.
};

// Runs kThreeTasks through `executor` as the dispatcher and a worker would
// (TaskStarted, then the completion); returns the history as stored.
std::vector<std::string> RunThreeTasks(persistence::ExecutionStore& store,
                                       ExecutionExecutor& executor, const FakeClock& clock,
                                       const std::string& machine) {
  absl::StatusOr<std::string> arn = executor.StartExecution(machine, "run", R"({"n":1})");
  EXPECT_THAT(arn, IsOk());
  if (!arn.ok()) return {};
  for (int i = 0; i < 3; ++i) {
    auto task = store.ClaimTask("work", "w", clock.Now() + absl::Minutes(5), clock.Now());
    EXPECT_TRUE(task.ok() && task->has_value());
    if (!task.ok() || !task->has_value()) return {};
    EXPECT_THAT(executor.Apply(*arn, engine::TaskStarted{(*task)->task_id}), IsOk());
    EXPECT_THAT(executor.CompleteTask((*task)->task_token, StrCat(R"({"n":)", i + 2, "}")), IsOk());
  }
  std::vector<std::string> events;
  for (const persistence::HistoryRecord& r : testing::History(store, *arn)) {
    events.push_back(r.event_json);
  }
  return events;
}

TEST_F(ExecutorCacheTest, CacheHitsSkipTheReadsAndChangeNothing) {
  const std::string sm = Machine("Tasks", kThreeTasks);
  std::vector<std::string> cached = RunThreeTasks(store_, a_, clock_, sm);
  EXPECT_EQ(store_.loads, 0);  // EXPRESS: no LoadExecution at all.
  EXPECT_EQ(store_.finds, 0);  // Every task was scheduled here.
  EXPECT_EQ(store_.commits, 6);
  EXPECT_EQ(a_.execution_cache().size(), 0u);  // Closed: forgotten.

  // The same run without a cache, on a store of its own: the same history,
  // byte for byte.
  persistence::MemoryStore other;
  CountingStore counted(other);
  ExecutorOptions no_cache;
  no_cache.execution_cache.max_executions = 0;
  ExecutionExecutor uncached(counted, clock_, testing::CountingEntropy(), no_cache);
  persistence::StateMachineRecord record = *memory_.GetStateMachine(sm);
  ASSERT_THAT(other.CreateStateMachine(record), IsOk());
  std::vector<std::string> reference = RunThreeTasks(counted, uncached, clock_, sm);
  EXPECT_EQ(counted.loads, 6);
  EXPECT_EQ(counted.finds, 3);
  ASSERT_FALSE(reference.empty());
  EXPECT_EQ(cached, reference);
}

TEST_F(ExecutorCacheTest, StandardTransitionsStillReadTheMachine) {
  const std::string sm = Machine("Std", kThreeTasks, "STANDARD");
  const std::string arn = Start(a_, sm);
  const TaskRecord task = Claim("work");
  store_.Reset();
  // TaskStarted is no transition: from the cache.
  ASSERT_THAT(a_.Apply(arn, engine::TaskStarted{task.task_id}), IsOk());
  EXPECT_EQ(store_.loads, 0);
  // The completion is: the execution (with its machine) is read, the task is not.
  ASSERT_THAT(a_.CompleteTask(task.task_token, "{}"), IsOk());
  EXPECT_EQ(store_.loads, 1);
  EXPECT_EQ(store_.finds, 0);
}

TEST_F(ExecutorCacheTest, StaleStateAfterAnotherReplicaCommitted) {
  const std::string sm = Machine("Par", kTwoBranches);
  const std::string arn = Start(a_, sm, "run", R"({"k":1})");
  const TaskRecord x = Claim("x");
  const TaskRecord y = Claim("y");
  // B completes X: A's cached state (and version) is now stale.
  ASSERT_THAT(b_.CompleteTask(x.task_token, R"({"x":1})"), IsOk());
  store_.Reset();
  // A completes Y from its cache: CommitStep says kAborted, A reloads, retries.
  ASSERT_THAT(a_.CompleteTask(y.task_token, R"({"y":2})"), IsOk());
  EXPECT_EQ(store_.loads, 1);
  EXPECT_EQ(store_.commits, 2);
  const persistence::ExecutionRecord record = Execution(arn);
  EXPECT_EQ(record.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::parse(record.output), json::parse(R"([{"x":1},{"y":2}])"));
  EXPECT_EQ(testing::CountEvents(memory_, arn, "LambdaFunctionSucceeded"), 2);
  EXPECT_EQ(testing::CountEvents(memory_, arn, "ParallelStateSucceeded"), 1);
}

TEST_F(ExecutorCacheTest, TaskScheduledByAnotherReplicaAndBackAgain) {
  const std::string sm = Machine("Tasks", kThreeTasks);
  const std::string arn = Start(a_, sm, "run", R"({"n":1})");
  ASSERT_THAT(b_.CompleteTask(Claim("work").task_token, R"({"n":2})"), IsOk());
  // B scheduled the second task: A reads it, and its stale state is caught.
  store_.Reset();
  ASSERT_THAT(a_.CompleteTask(Claim("work").task_token, R"({"n":3})"), IsOk());
  EXPECT_EQ(store_.finds, 1);
  EXPECT_EQ(store_.loads, 1);
  // A scheduled the third one: no reads.
  store_.Reset();
  ASSERT_THAT(a_.CompleteTask(Claim("work").task_token, R"({"n":4})"), IsOk());
  EXPECT_EQ(store_.finds, 0);
  EXPECT_EQ(store_.loads, 0);
  const persistence::ExecutionRecord record = Execution(arn);
  EXPECT_EQ(record.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::parse(record.output), json::parse(R"({"n":4})"));
  EXPECT_EQ(testing::CountEvents(memory_, arn, "TaskStateEntered"), 3);
}

// What an executor without a cache answers for `token` now (the reference
// for today's errors), and what `a_` answers.
struct Answers {
  absl::Status reference_complete;
  absl::Status reference_fail;
  absl::Status cached_complete;
  absl::Status cached_fail;
};

class ClosedTaskTest : public ExecutorCacheTest {
 protected:
  // The first of a_'s two calls goes through its cache (the second finds
  // the entry dropped): `fail_first` says which.
  Answers Ask(const std::string& token, bool fail_first = false) {
    ExecutorOptions no_cache;
    no_cache.execution_cache.max_executions = 0;
    ExecutionExecutor reference(store_, clock_, testing::CountingEntropy(), no_cache);
    Answers answers;
    answers.reference_complete = reference.CompleteTask(token, "{}");
    answers.reference_fail = reference.FailTask(token, "E", "c");
    if (fail_first) answers.cached_fail = a_.FailTask(token, "E", "c");
    answers.cached_complete = a_.CompleteTask(token, "{}");
    if (!fail_first) answers.cached_fail = a_.FailTask(token, "E", "c");
    return answers;
  }

  void ExpectTodaysError(const Answers& answers, std::string_view words) {
    EXPECT_THAT(answers.reference_complete, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(answers.reference_complete.message(), ::testing::HasSubstr(words));
    EXPECT_EQ(answers.cached_complete, answers.reference_complete);
    EXPECT_EQ(answers.cached_fail, answers.reference_fail);
  }
};

TEST_F(ClosedTaskTest, CompletedElsewhere) {
  const std::string sm = Machine("Par", kTwoBranches);
  const std::string arn = Start(a_, sm);
  const TaskRecord x = Claim("x");
  ASSERT_TRUE(a_.execution_cache().size() == 1u);
  ASSERT_THAT(b_.CompleteTask(x.task_token, "{}"), IsOk());
  const int64_t version = Execution(arn).version;
  ExpectTodaysError(Ask(x.task_token), "is already COMPLETED");
  EXPECT_EQ(Execution(arn).version, version);  // Nothing committed.
  EXPECT_EQ(testing::CountEvents(memory_, arn, "LambdaFunctionSucceeded"), 1);
}

TEST_F(ClosedTaskTest, CompletedHereTwice) {
  const std::string sm = Machine("Par", kTwoBranches);
  Start(a_, sm);
  const TaskRecord x = Claim("x");
  ASSERT_THAT(a_.CompleteTask(x.task_token, "{}"), IsOk());
  ExpectTodaysError(Ask(x.task_token), "is already COMPLETED");
}

TEST_F(ClosedTaskTest, TimedOutElsewhere) {
  const std::string sm = Machine("Timed", kTimedTask);
  const std::string arn = Start(a_, sm);
  const TaskRecord task = Claim("work");
  clock_.Advance(absl::Seconds(31));
  auto due = memory_.ClaimDueTimers(clock_.Now(), 10, "loop", clock_.Now() + absl::Minutes(1));
  ASSERT_THAT(due, IsOk());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_THAT(b_.FireTimer(arn, (*due)[0].timer_id, "loop"), IsOk());
  EXPECT_EQ(Execution(arn).status, ExecutionStatus::kFailed);
  ExpectTodaysError(Ask(task.task_token, /*fail_first=*/true), "timed out");
}

TEST_F(ClosedTaskTest, ExecutionStoppedElsewhere) {
  const std::string sm = Machine("Par", kTwoBranches);
  const std::string arn = Start(a_, sm);
  const TaskRecord x = Claim("x");
  ASSERT_THAT(b_.Stop(arn, "Halt", "by hand"), IsOk());
  ExpectTodaysError(Ask(x.task_token, /*fail_first=*/true), "is already CANCELLED");
}

TEST_F(ClosedTaskTest, UnknownTokenIsStillNotFound) {
  EXPECT_THAT(a_.CompleteTask(std::string(64, 'a'), "{}"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(a_.FailTask(std::string(64, 'a'), "E", "c"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ExecutorCacheTest, BoundedByExecutions) {
  ExecutionExecutor small(store_, clock_, testing::CountingEntropy(), CacheOptions(1));
  const std::string sm = Machine("Tasks", kThreeTasks);
  Start(small, sm, "first");
  const TaskRecord first = Claim("work");
  Start(small, sm, "second");
  const TaskRecord second = Claim("work");
  EXPECT_EQ(small.execution_cache().size(), 1u);
  store_.Reset();
  ASSERT_THAT(small.CompleteTask(second.task_token, "{}"), IsOk());
  EXPECT_EQ(store_.finds + store_.loads, 0);
  store_.Reset();
  ASSERT_THAT(small.CompleteTask(first.task_token, "{}"), IsOk());  // Evicted: read.
  EXPECT_EQ(store_.finds, 1);
  EXPECT_EQ(store_.loads, 1);
  EXPECT_EQ(small.execution_cache().size(), 1u);
}

TEST_F(ExecutorCacheTest, DeletedMachineStillFailsACachedStandardExecution) {
  const std::string sm = Machine("Doomed", kThreeTasks, "STANDARD");
  const std::string arn = Start(a_, sm);
  const TaskRecord task = Claim("work");
  ASSERT_THAT(a_.Apply(arn, engine::TaskStarted{task.task_id}), IsOk());  // Cached again.
  // Deleted through the store, as another replica would.
  ASSERT_THAT(memory_.DeleteStateMachine(sm), IsOk());
  ASSERT_THAT(a_.CompleteTask(task.task_token, "{}"), IsOk());
  const persistence::ExecutionRecord record = Execution(arn);
  EXPECT_EQ(record.status, ExecutionStatus::kFailed);
  EXPECT_EQ(record.cause, "State machine Doomed has been deleted.");

  // A Wait timer is a transition too.
  const std::string waiting_sm = Machine("Waiting", kWaitThenTask, "STANDARD");
  const std::string waiting = Start(a_, waiting_sm);
  ASSERT_THAT(memory_.DeleteStateMachine(waiting_sm), IsOk());
  clock_.Advance(absl::Seconds(10));
  auto due = memory_.ClaimDueTimers(clock_.Now(), 10, "loop", clock_.Now() + absl::Minutes(1));
  ASSERT_THAT(due, IsOk());
  ASSERT_EQ(due->size(), 1u);
  ASSERT_THAT(a_.FireTimer(waiting, (*due)[0].timer_id, "loop"), IsOk());
  EXPECT_EQ(Execution(waiting).status, ExecutionStatus::kFailed);
  EXPECT_EQ(Execution(waiting).cause, "State machine Waiting has been deleted.");
}

TEST_F(ExecutorCacheTest, DeletedExpressMachineRunsOnFromTheCache) {
  const std::string sm = Machine("Fast", kThreeTasks);
  const std::string arn = Start(a_, sm);
  ASSERT_THAT(memory_.DeleteStateMachine(sm), IsOk());
  store_.Reset();
  for (int i = 0; i < 3; ++i) ASSERT_THAT(a_.CompleteTask(Claim("work").task_token, "{}"), IsOk());
  EXPECT_EQ(store_.loads, 0);
  EXPECT_EQ(Execution(arn).status, ExecutionStatus::kSucceeded);
}

// Announces each commit itself (StepUpdate::on_committed) on another thread,
// as CommitBatcher's leader does for the steps of a batch, before the
// committing caller returns.
class AnnouncingStore final : public stepwise::testing::ForwardingStore {
 public:
  explicit AnnouncingStore(persistence::ExecutionStore& inner) : ForwardingStore(inner) {}
  absl::StatusOr<int64_t> CommitStep(const persistence::StepUpdate& update,
                                     int64_t expected_version) override {
    absl::StatusOr<int64_t> version = ForwardingStore::CommitStep(update, expected_version);
    if (!update.on_committed) {
      ++without_hook;
    } else if (version.ok()) {
      std::thread leader([&] { update.on_committed(*version); });
      leader.join();
    }
    return version;
  }
  std::atomic<int> without_hook{0};
};

// Counts the observer's calls.
class CountingObserver final : public CommitObserver {
 public:
  void OnCommitted(const persistence::StepUpdate&) override { ++committed; }
  void AfterCommitFailed(const persistence::StepUpdate&) override { ++failed; }
  std::atomic<int> committed{0};
  std::atomic<int> failed{0};
};

TEST_F(ExecutorCacheTest, ACommitAnnouncedByTheStoreIsObservedOnceAndCached) {
  AnnouncingStore announcing(store_);
  CountingObserver observer;
  ExecutorOptions options = CacheOptions();
  options.observer = &observer;
  ExecutionExecutor executor(announcing, clock_, testing::CountingEntropy(), options);
  const std::string sm = Machine("Announced", kThreeTasks);
  const std::string arn = Start(executor, sm, "run", R"({"n":1})");
  EXPECT_EQ(observer.committed, 1);  // The first step: CreateExecution, no hook.
  store_.Reset();
  for (int i = 2; i <= 4; ++i) {
    ASSERT_THAT(executor.CompleteTask(Claim("work").task_token, StrCat(R"({"n":)", i, "}")),
                IsOk());
  }
  EXPECT_EQ(announcing.without_hook, 0);
  EXPECT_EQ(store_.commits, 3);
  EXPECT_EQ(observer.committed, 4);  // Once per step, though announced early.
  EXPECT_EQ(observer.failed, 0);
  // The hook also fed the cache: every step went on from it, without reads.
  EXPECT_EQ(store_.loads, 0);
  EXPECT_EQ(store_.finds, 0);
  EXPECT_EQ(Execution(arn).status, ExecutionStatus::kSucceeded);
}

// Counts GetExecution, the waiter's read.
class ReadCountingStore final : public stepwise::testing::ForwardingStore {
 public:
  explicit ReadCountingStore(persistence::ExecutionStore& inner) : ForwardingStore(inner) {}
  absl::StatusOr<persistence::ExecutionRecord> GetExecution(std::string_view arn) override {
    ++gets;
    return ForwardingStore::GetExecution(arn);
  }
  std::atomic<int> gets{0};
};

TEST_F(ExecutorCacheTest, WaiterAnswersFromTheClosingCommit) {
  ReadCountingStore reads(memory_);
  ExecutionWaiter waiter(reads, {.poll_interval = absl::Hours(1)});
  ExecutorOptions options = CacheOptions();
  options.observer = &waiter;
  ExecutionExecutor executor(memory_, clock_, testing::CountingEntropy(), options);
  const std::string sm = Machine("Tasks", kThreeTasks);
  const std::string arn = Start(executor, sm, "run", R"({"n":1})");
  ASSERT_THAT(executor.CompleteTask(Claim("work").task_token, R"({"n":2})"), IsOk());
  ASSERT_THAT(executor.CompleteTask(Claim("work").task_token, R"({"n":3})"), IsOk());
  const TaskRecord last = Claim("work");

  absl::StatusOr<persistence::ExecutionRecord> waited;
  std::thread waiting([&] { waited = waiter.WaitUntilClosed(arn, absl::Seconds(30)); });
  ASSERT_TRUE(stepwise::testing::AwaitTrue([&] { return waiter.waiting() == 1 && reads.gets == 1; },
                                           absl::Seconds(10)));
  clock_.Advance(absl::Seconds(2));
  ASSERT_THAT(executor.CompleteTask(last.task_token, R"({"n":4})"), IsOk());
  waiting.join();
  ASSERT_THAT(waited, IsOk());
  EXPECT_EQ(reads.gets, 1);  // Only the read before waiting.

  // What the store says, but for the version (as read while RUNNING).
  const persistence::ExecutionRecord stored = Execution(arn);
  EXPECT_EQ(waited->status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(waited->output, stored.output);
  EXPECT_EQ(json::parse(waited->output), json::parse(R"({"n":4})"));
  EXPECT_EQ(waited->input, stored.input);
  EXPECT_EQ(waited->name, stored.name);
  EXPECT_EQ(waited->state_machine_arn, stored.state_machine_arn);
  EXPECT_EQ(waited->start_time, stored.start_time);
  EXPECT_EQ(waited->stop_time, stored.stop_time);
  EXPECT_EQ(waited->stop_time, clock_.Now());
  EXPECT_EQ(waited->error, stored.error);
  EXPECT_EQ(waited->cause, stored.cause);
}

}  // namespace
}  // namespace stepwise::service
