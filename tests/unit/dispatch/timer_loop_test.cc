#include "orchestrator/dispatch/timer_loop.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/forwarding_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using persistence::ExecutionStatus;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::HasSubstr;

constexpr char kWaitMachine[] = R"({
  "StartAt": "Pause",
  "States": {
    "Pause": {"Type": "Wait", "Seconds": 10, "Next": "After"},
    "After": {"Type": "Pass", "Result": {"waited": true}, "End": true}
  }
})";

constexpr char kTimeoutMachine[] = R"({
  "StartAt": "Work",
  "States": {
    "Work": {
      "Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:slow",
      "TimeoutSeconds": 5,
      "Retry": [{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1, "MaxAttempts": 1}],
      "End": true
    }
  }
})";

// Forwards commits to the loop (as the server's CommitFanout does) and lets
// a test wait, with a deadline, for executions to finish. With `advance` set,
// a commit that sets timers first moves the fake clock by it: time passing
// between the commit and the loop's wakeup.
class Committed final : public service::CommitObserver {
 public:
  explicit Committed(FakeClock& clock) : clock_(clock) {}

  void OnCommitted(const persistence::StepUpdate& update) override {
    if (!update.new_timers.empty()) clock_.Advance(advance);
    if (loop != nullptr) loop->OnCommitted(update);
    std::lock_guard<std::mutex> lock(mu_);
    if (update.status != persistence::ExecutionStatus::kRunning) ++finished_;
    cv_.notify_all();
  }

  // True once `n` executions have finished; false after 10 s.
  bool AwaitFinished(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return finished_ >= n; });
  }

  // Set before the executor runs steps on other threads.
  TimerLoop* loop = nullptr;
  absl::Duration advance = absl::ZeroDuration();

 private:
  FakeClock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  int finished_ = 0;
};

service::ExecutorOptions Observed(service::CommitObserver* observer) {
  service::ExecutorOptions options;
  options.observer = observer;
  return options;
}

class TimerLoopTest : public ::testing::Test {
 protected:
  TimerLoopTest()
      : committed_(clock_),
        executor_(store_, clock_, service::testing::CountingEntropy(), Observed(&committed_)) {}

  std::string Start(const char* definition, const std::string& name) {
    if (machine_.empty()) {
      machine_ = service::testing::CreateMachine(store_, clock_.Now(), "M", definition);
    }
    absl::StatusOr<std::string> arn = executor_.StartExecution(machine_, name, "{}");
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  ExecutionStatus Status(const std::string& arn) {
    auto record = store_.GetExecution(arn);
    EXPECT_THAT(record, IsOk());
    return record.ok() ? record->status : ExecutionStatus::kAborted;
  }

  TimerLoopOptions Options(int batch_limit = 100) {
    TimerLoopOptions options;
    options.owner = "replica-1";
    options.batch_limit = batch_limit;
    return options;
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  Committed committed_;
  service::ExecutionExecutor executor_;
  std::string machine_;
};

TEST_F(TimerLoopTest, RunOnceFiresWhatIsDue) {
  TimerLoop loop(store_, executor_, clock_, Options());
  const std::string a = Start(kWaitMachine, "a");
  clock_.Advance(absl::Seconds(5));
  const std::string b = Start(kWaitMachine, "b");  // Due at 15 s.

  clock_.Advance(absl::Seconds(4));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Status(a), ExecutionStatus::kSucceeded);
  EXPECT_EQ(Status(b), ExecutionStatus::kRunning);
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Status(b), ExecutionStatus::kSucceeded);
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
}

TEST_F(TimerLoopTest, RunOnceClaimsAtMostABatch) {
  TimerLoop loop(store_, executor_, clock_, Options(/*batch_limit=*/2));
  std::vector<std::string> arns;
  for (const char* name : {"a", "b", "c"}) arns.push_back(Start(kWaitMachine, name));
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 2);
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);
  for (const std::string& arn : arns) EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
}

TEST_F(TimerLoopTest, TaskTimeoutRetriesThroughTheLoop) {
  TimerLoop loop(store_, executor_, clock_, Options());
  const std::string arn = Start(kTimeoutMachine, "t");
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // States.Timeout -> Retry timer.
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // Retry -> second task.
  clock_.Advance(absl::Seconds(5));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // Timed out again: retries exhausted.
  EXPECT_EQ(Status(arn), ExecutionStatus::kFailed);
  EXPECT_EQ(service::testing::CountEvents(store_, arn, "ActivityTimedOut"), 2);
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
}

// A timer of an ended execution is refused by the executor and dropped by
// its holder; the loop moves on.
TEST_F(TimerLoopTest, TimersOfEndedExecutionsAreDropped) {
  TimerLoop loop(store_, executor_, clock_, Options());
  const std::string ended = Start(kWaitMachine, "ended");
  const std::string live = Start(kWaitMachine, "live");
  // Plant a timer the engine does not know, so that ending the execution
  // does not cancel it.
  auto snapshot = store_.LoadExecution(ended);
  ASSERT_THAT(snapshot, IsOk());
  persistence::StepUpdate plant;
  plant.execution_arn = ended;
  plant.state_document = snapshot->state_document;
  plant.new_timers.push_back(persistence::TimerRecord{ended, "stray", clock_.Now(), "", {}});
  ASSERT_THAT(store_.CommitStep(plant, snapshot->execution.version), IsOk());
  ASSERT_THAT(executor_.Stop(ended, "Stopped", ""), IsOk());

  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // The stray: refused and dropped.
  clock_.Advance(absl::Seconds(10));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // The live execution's Wait.
  EXPECT_EQ(Status(live), ExecutionStatus::kSucceeded);
  EXPECT_EQ(Status(ended), ExecutionStatus::kAborted);
  clock_.Advance(absl::Hours(10));  // Far past any lease: nothing comes back.
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
}

// A store whose next `failures` CommitStep calls fail as if the database
// were away.
class FlakyCommits final : public ::stepwise::testing::ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;
  absl::StatusOr<int64_t> CommitStep(const persistence::StepUpdate& update,
                                     int64_t expected_version) override {
    if (failures.load() > 0) {
      --failures;
      return absl::UnavailableError("the database is away");
    }
    return ForwardingStore::CommitStep(update, expected_version);
  }
  std::atomic<int> failures{0};
};

// A fire that fails gives the timer back, due again after retry_delay
// (doubling while it keeps failing), instead of holding it for the lease.
TEST_F(TimerLoopTest, AFailedFireIsRetriedSoonNotWhenTheLeaseEnds) {
  const std::string arn = Start(kWaitMachine, "w");
  FlakyCommits flaky(store_);
  service::ExecutionExecutor executor(flaky, clock_, service::testing::CountingEntropy(), {});
  TimerLoopOptions options = Options();
  options.lease = absl::Seconds(15);
  options.retry_delay = absl::Seconds(1);
  TimerLoop loop(flaky, executor, clock_, options);

  clock_.Advance(absl::Seconds(10));
  flaky.failures = 2;
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // Fails: due again in 1 s.
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // Fails again: due in 2 s.
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
  EXPECT_EQ(Status(arn), ExecutionStatus::kRunning);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);  // Well before the 15 s lease.
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
  EXPECT_EQ(flaky.failures.load(), 0);
}

// A replica that claimed timers and died: they come back when its claim's
// lease ends, which is short (15 s by default).
TEST_F(TimerLoopTest, TimersOfADeadReplicaComeBackAfterTheShortLease) {
  EXPECT_EQ(TimerLoopOptions().lease, absl::Seconds(15));
  const std::string arn = Start(kWaitMachine, "w");
  clock_.Advance(absl::Seconds(10));
  auto dead = store_.ClaimDueTimers(clock_.Now(), 10, "dead-replica",
                                    clock_.Now() + TimerLoopOptions().lease);
  ASSERT_THAT(dead, IsOk());
  ASSERT_EQ(dead->size(), 1u);
  TimerLoop loop(store_, executor_, clock_, Options());
  clock_.Advance(absl::Seconds(14));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 0);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(loop.RunOnce().value_or(-1), 1);
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
}

TEST_F(TimerLoopTest, BadOptionsAreRefused) {
  TimerLoopOptions no_owner = Options();
  no_owner.owner.clear();
  TimerLoopOptions no_batch = Options(0);
  TimerLoopOptions no_poll = Options();
  no_poll.poll_interval = absl::ZeroDuration();
  TimerLoopOptions no_lease = Options();
  no_lease.lease = absl::InfiniteDuration();
  TimerLoopOptions no_retry = Options();
  no_retry.retry_delay = absl::ZeroDuration();
  for (const auto& [options, field] :
       std::vector<std::pair<TimerLoopOptions, std::string>>{{no_owner, "owner"},
                                                             {no_batch, "batch_limit"},
                                                             {no_poll, "poll_interval"},
                                                             {no_lease, "lease"},
                                                             {no_retry, "retry_delay"}}) {
    TimerLoop loop(store_, executor_, clock_, options);
    absl::Status started = loop.Start();
    EXPECT_THAT(started, StatusIs(absl::StatusCode::kInvalidArgument)) << field;
    EXPECT_THAT(std::string(started.message()), HasSubstr(field));
    EXPECT_THAT(loop.RunOnce(), StatusIs(absl::StatusCode::kInvalidArgument)) << field;
  }
}

// The thread polls only every hour here, so only Wake (through OnCommitted
// and explicit calls) can make it fire the timers in time.
TEST_F(TimerLoopTest, ThreadFiresWhenWoken) {
  TimerLoopOptions options = Options();
  options.poll_interval = absl::Hours(1);
  TimerLoop loop(store_, executor_, clock_, options);
  committed_.loop = &loop;
  ASSERT_THAT(loop.Start(), IsOk());
  ASSERT_THAT(loop.Start(), IsOk());  // Already running: no second thread.

  // The commit that sets the timer wakes the loop for it (the clock reaches
  // the timer's time before the loop hears of it).
  committed_.advance = absl::Seconds(10);
  const std::string first = Start(kWaitMachine, "first");
  ASSERT_TRUE(committed_.AwaitFinished(1));
  EXPECT_EQ(Status(first), ExecutionStatus::kSucceeded);

  // Woken explicitly once the fake clock reaches the timer.
  committed_.advance = absl::ZeroDuration();
  const std::string second = Start(kWaitMachine, "second");
  clock_.Advance(absl::Seconds(10));
  loop.Wake(clock_.Now());
  ASSERT_TRUE(committed_.AwaitFinished(2));
  EXPECT_EQ(Status(second), ExecutionStatus::kSucceeded);

  loop.Stop();  // Prompt although the next poll is an hour away.
  loop.Stop();  // Idempotent.
}

TEST_F(TimerLoopTest, RestartsAfterStop) {
  TimerLoopOptions options = Options();
  options.poll_interval = absl::Hours(1);
  TimerLoop loop(store_, executor_, clock_, options);
  ASSERT_THAT(loop.Start(), IsOk());
  loop.Stop();
  const std::string arn = Start(kWaitMachine, "a");
  clock_.Advance(absl::Seconds(10));
  ASSERT_THAT(loop.Start(), IsOk());  // Runs at once on start.
  ASSERT_TRUE(committed_.AwaitFinished(1));
  EXPECT_EQ(Status(arn), ExecutionStatus::kSucceeded);
}

}  // namespace
}  // namespace stepwise::dispatch
