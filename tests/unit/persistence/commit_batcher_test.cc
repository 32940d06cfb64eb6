// CommitBatcher (persistence/postgres/commit_batcher.h) with a fake runner:
// a call with a free slot runs alone at once, callers that queue meanwhile
// share the next batch (at most max_batch, in execution ARN order), at most
// max_in_flight batches run at once, and each caller gets its own step's
// result.
#include "persistence/postgres/commit_batcher.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/await.h"

namespace stepwise::persistence {
namespace {

using ::testing::ElementsAre;

// Polls `done` every millisecond until it holds, for at most 10 s.
bool Eventually(const std::function<bool()>& done) {
  return ::stepwise::testing::AwaitTrue(done, absl::Seconds(10), absl::Milliseconds(1));
}

// A runner that records each batch's ARNs, answers expected_version + 1 per
// step (an error for ARNs starting with "bad"), and holds every batch until
// released while `hold` is set.
class FakeRunner {
 public:
  std::vector<CommitBatcher::Result> Run(const std::vector<StepCommit>& steps) {
    std::unique_lock<std::mutex> lock(mu_);
    std::vector<std::string> arns;
    for (const StepCommit& step : steps) arns.push_back(step.update->execution_arn);
    batches_.push_back(arns);
    ++running_;
    max_running_ = std::max(max_running_, running_);
    cv_.notify_all();
    cv_.wait(lock, [this] { return !hold_; });
    --running_;
    std::vector<CommitBatcher::Result> results;
    for (const StepCommit& step : steps) {
      if (step.update->execution_arn.starts_with("bad")) {
        results.push_back(absl::AbortedError("refused " + step.update->execution_arn));
      } else {
        results.push_back(step.expected_version + 1);
      }
    }
    return results;
  }

  void Hold() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = true;
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mu_);
    hold_ = false;
    cv_.notify_all();
  }
  void AwaitRunning(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, std::chrono::seconds(10), [&] { return running_ >= n; }));
  }
  std::vector<std::vector<std::string>> batches() {
    std::lock_guard<std::mutex> lock(mu_);
    return batches_;
  }
  int max_running() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_running_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool hold_ = false;
  int running_ = 0;
  int max_running_ = 0;
  std::vector<std::vector<std::string>> batches_;
};

StepUpdate Update(std::string arn) {
  StepUpdate update;
  update.execution_arn = std::move(arn);
  return update;
}

// Holds the runner and has a step "first" (version 1) run on a thread of its
// own, filling a batcher's only slot: the callers after it queue. Join the
// thread after runner.Release().
std::thread OccupyTheOnlySlot(FakeRunner& runner, CommitBatcher& batcher) {
  runner.Hold();
  std::thread first([&batcher] {
    StepUpdate update = Update("first");
    EXPECT_EQ(batcher.Commit(update, 0).value(), 1);
  });
  runner.AwaitRunning(1);
  return first;
}

// Commits each of `arns` (expected version i for the i-th) on its own thread,
// one after another only once the previous one is queued.
class Callers {
 public:
  Callers(CommitBatcher& batcher, const std::vector<std::string>& arns, int already_queued = 0) {
    results_.resize(arns.size());
    updates_.reserve(arns.size());
    for (const std::string& arn : arns) updates_.push_back(Update(arn));
    for (size_t i = 0; i < arns.size(); ++i) {
      threads_.emplace_back([this, &batcher, i] {
        results_[i] = batcher.Commit(updates_[i], static_cast<int64_t>(i));
      });
      EXPECT_TRUE(
          Eventually([&] { return batcher.queued() == already_queued + static_cast<int>(i) + 1; }));
    }
  }
  std::vector<CommitBatcher::Result> Join() {
    for (std::thread& t : threads_) t.join();
    return results_;
  }

 private:
  std::vector<StepUpdate> updates_;
  std::vector<CommitBatcher::Result> results_;
  std::vector<std::thread> threads_;
};

TEST(CommitBatcherTest, ACallWithAFreeSlotRunsAloneAtOnce) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 32},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  StepUpdate update = Update("a");
  EXPECT_EQ(batcher.Commit(update, 7).value(), 8);
  EXPECT_EQ(batcher.Commit(update, 8).value(), 9);
  EXPECT_THAT(runner.batches(), ElementsAre(ElementsAre("a"), ElementsAre("a")));
}

TEST(CommitBatcherTest, CallersQueuedDuringABatchShareTheNextInArnOrder) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 32},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  std::thread first = OccupyTheOnlySlot(runner, batcher);
  Callers callers(batcher, {"d", "b", "bad-c", "a"});
  runner.Release();
  first.join();
  std::vector<CommitBatcher::Result> results = callers.Join();
  // Each caller its own result (expected versions 0..3 in arrival order).
  EXPECT_EQ(results[0].value(), 1);
  EXPECT_EQ(results[1].value(), 2);
  EXPECT_EQ(results[2].status().message(), "refused bad-c");
  EXPECT_EQ(results[3].value(), 4);
  EXPECT_THAT(runner.batches(),
              ElementsAre(ElementsAre("first"), ElementsAre("a", "b", "bad-c", "d")));
  EXPECT_EQ(batcher.queued(), 0);
}

TEST(CommitBatcherTest, ABatchTakesAtMostMaxBatchOldestFirst) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 2},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  std::thread first = OccupyTheOnlySlot(runner, batcher);
  Callers callers(batcher, {"e", "d", "c", "b", "a"});
  runner.Release();
  first.join();
  for (const CommitBatcher::Result& result : callers.Join()) EXPECT_TRUE(result.ok());
  EXPECT_THAT(runner.batches(), ElementsAre(ElementsAre("first"), ElementsAre("d", "e"),
                                            ElementsAre("b", "c"), ElementsAre("a")));
  EXPECT_EQ(runner.max_running(), 1);
}

TEST(CommitBatcherTest, UpToMaxInFlightBatchesRunAtOnce) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 2, .max_batch = 32},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  runner.Hold();
  std::vector<std::thread> threads;
  for (const char* arn : {"x", "y"}) {
    threads.emplace_back([&batcher, arn] {
      StepUpdate update = Update(arn);
      EXPECT_TRUE(batcher.Commit(update, 0).ok());
    });
  }
  runner.AwaitRunning(2);  // Both alone, at the same time: nothing queued.
  EXPECT_EQ(batcher.queued(), 0);
  Callers callers(batcher, {"z"});  // A third waits for a slot.
  runner.Release();
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(callers.Join()[0].ok());
  EXPECT_EQ(runner.max_running(), 2);
  EXPECT_EQ(runner.batches().size(), 3u);
}

// The leader of a batch runs each committed step's on_committed, on its own
// thread, before that step's caller gets its result; a step alone and a
// refused step are left to their callers.
TEST(CommitBatcherTest, TheLeaderAnnouncesTheCommittedStepsOfABatch) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 32},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  struct Announced {
    std::string arn;
    int64_t version;
    std::thread::id thread;
  };
  std::mutex mu;
  std::vector<Announced> announced;
  auto hooked = [&](std::string arn) {
    StepUpdate update = Update(arn);
    update.on_committed = [&mu, &announced, arn](int64_t version) {
      std::lock_guard<std::mutex> lock(mu);
      announced.push_back({arn, version, std::this_thread::get_id()});
    };
    return update;
  };
  runner.Hold();
  std::thread first([&] {
    StepUpdate update = hooked("first");
    EXPECT_EQ(batcher.Commit(update, 0).value(), 1);
  });
  runner.AwaitRunning(1);
  // Three callers queue behind it; each checks, once it has its result,
  // that its step was (or, refused, was not) announced by then.
  std::vector<std::thread> callers;
  std::vector<std::thread::id> caller_ids(3);
  const std::vector<std::string> arns = {"c", "bad-b", "a"};
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&, i] {
      caller_ids[i] = std::this_thread::get_id();
      StepUpdate update = hooked(arns[i]);
      CommitBatcher::Result result = batcher.Commit(update, 10 * (i + 1));
      std::lock_guard<std::mutex> lock(mu);
      const bool seen = std::any_of(announced.begin(), announced.end(),
                                    [&](const Announced& a) { return a.arn == arns[i]; });
      EXPECT_EQ(seen, result.ok()) << arns[i];
    });
    EXPECT_TRUE(Eventually([&] { return batcher.queued() == i + 1; }));
  }
  runner.Release();
  first.join();
  for (std::thread& t : callers) t.join();
  EXPECT_THAT(runner.batches(), ElementsAre(ElementsAre("first"), ElementsAre("a", "bad-b", "c")));
  std::lock_guard<std::mutex> lock(mu);
  ASSERT_EQ(announced.size(), 2u);   // Not "first" (alone), not "bad-b" (refused).
  EXPECT_EQ(announced[0].arn, "a");  // In the batch's order, with each step's version.
  EXPECT_EQ(announced[0].version, 31);
  EXPECT_EQ(announced[1].arn, "c");
  EXPECT_EQ(announced[1].version, 11);
  // Both on one thread: the leader's, one of the three callers'.
  EXPECT_EQ(announced[0].thread, announced[1].thread);
  EXPECT_NE(std::find(caller_ids.begin(), caller_ids.end(), announced[0].thread), caller_ids.end());
}

// A hook that throws on the leader's thread: its exception reaches its own
// caller, and every other caller of the batch still gets its result.
TEST(CommitBatcherTest, AnAnnouncementThatThrowsReachesItsOwnCallerOnly) {
  FakeRunner runner;
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 32},
                        [&](const std::vector<StepCommit>& s) { return runner.Run(s); });
  std::thread first = OccupyTheOnlySlot(runner, batcher);
  std::vector<std::thread> callers;
  std::atomic<int> ok{0};
  std::atomic<int> thrown{0};
  const std::vector<std::string> arns = {"c", "b", "a"};
  for (int i = 0; i < 3; ++i) {
    callers.emplace_back([&, i] {
      StepUpdate update = Update(arns[i]);
      update.on_committed = [arn = arns[i]](int64_t) {
        if (arn == "b") throw std::runtime_error("observer failed");
      };
      try {
        if (batcher.Commit(update, 0).ok()) ++ok;
      } catch (const std::runtime_error& e) {
        EXPECT_STREQ(e.what(), "observer failed");
        EXPECT_EQ(arns[i], "b");
        ++thrown;
      }
    });
    EXPECT_TRUE(Eventually([&] { return batcher.queued() == i + 1; }));
  }
  runner.Release();
  first.join();
  for (std::thread& t : callers) t.join();
  EXPECT_EQ(ok, 2);
  EXPECT_EQ(thrown, 1);
  EXPECT_THAT(runner.batches(), ElementsAre(ElementsAre("first"), ElementsAre("a", "b", "c")));
}

TEST(CommitBatcherTest, ARunnerWithTheWrongNumberOfResultsFailsEveryStep) {
  CommitBatcher batcher({.max_in_flight = 1, .max_batch = 32}, [](const std::vector<StepCommit>&) {
    return std::vector<CommitBatcher::Result>{};
  });
  StepUpdate update = Update("a");
  absl::StatusOr<int64_t> result = batcher.Commit(update, 0);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(result.status().message(), "CommitBatcher: the runner returned 0 results for 1 steps");
}

}  // namespace
}  // namespace stepwise::persistence
