// CommitBatcher: combines the engine-step commits that wait at the same time
// into one batch, run by one of the waiting callers.
//
//   CommitBatcher batcher({.max_in_flight = 4, .max_batch = 32},
//                         [&](const std::vector<StepCommit>& steps) {
//                           return CommitInOneTransaction(steps);  // One result per step.
//                         });
//   absl::StatusOr<int64_t> version = batcher.Commit(update, expected_version);
//
// A call that finds fewer than max_in_flight batches running runs its own
// step at once (a batch of one: no added latency when the database keeps
// up). Otherwise it queues; when a running batch ends, the oldest queued
// call runs everything queued by then (up to max_batch) as the next batch,
// and every caller gets its own step's result. So under load the steps that
// would each have waited for a connection share one round trip and one
// commit instead. Steps of a batch are in execution ARN order: concurrent
// batches then lock execution rows in one order and cannot deadlock on them.
// After a batch of several commits, its leader calls each committed step's
// StepUpdate::on_committed (in batch order, on its own thread) before waking
// that step's caller; an exception it throws is rethrown from that caller's
// Commit, after every caller of the batch has been woken.
// Thread-safe; pure (no database): PostgresStore supplies the runner.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_COMMIT_BATCHER_H_
#define STEPWISE_PERSISTENCE_POSTGRES_COMMIT_BATCHER_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "persistence/records.h"

namespace stepwise::persistence {

// One step of a batch: the update and the version it expects.
struct StepCommit {
  const StepUpdate* update = nullptr;
  int64_t expected_version = 0;
};

struct CommitBatcherOptions {
  int max_in_flight = 4;  // Batches running at once (PostgresStore: its connections).
  int max_batch = 32;     // Steps per batch.
};

class CommitBatcher {
 public:
  using Result = absl::StatusOr<int64_t>;
  // Commits `steps`; returns one result per step, in the same order. Called
  // without the batcher's lock, by one caller at a time per batch.
  using Runner = std::function<std::vector<Result>(const std::vector<StepCommit>& steps)>;

  CommitBatcher(CommitBatcherOptions options, Runner runner);
  CommitBatcher(const CommitBatcher&) = delete;
  CommitBatcher& operator=(const CommitBatcher&) = delete;

  // Commits `update` alone or with others; its result as the runner gave it.
  Result Commit(const StepUpdate& update, int64_t expected_version);

  // Steps queued now (for tests).
  int queued();

 private:
  // A caller of Commit, on its own stack.
  struct Request {
    StepCommit step;
    // Each caller is woken through its own mutex and condition variable,
    // never the batcher's: results go out without the batcher's lock, so the
    // callers of a batch do not wake one after another through it (a convoy
    // that adds a scheduling delay per caller when the CPUs are busy).
    std::mutex mu;
    std::condition_variable cv;
    bool lead = false;             // Guarded by mu: taken off the queue to lead a batch.
    std::optional<Result> result;  // Guarded by mu: set once, by its leader.
    // Set with result when the step's on_committed threw on the leader's
    // thread: rethrown on the caller's own, as if it had run there.
    std::exception_ptr announce_error;
  };

  // Takes `leader` and up to max_batch - 1 queued callers after it; mu_ held.
  std::vector<Request*> TakeBatch(Request* leader);
  // Hands a free batch slot to the oldest queued caller, if any; mu_ held.
  void PromoteNext();
  // Runs `batch` and gives every caller but `self` its result.
  void Run(std::vector<Request*>& batch, Request* self);

  const CommitBatcherOptions options_;
  const Runner runner_;
  std::mutex mu_;
  // Guarded by mu_:
  std::deque<Request*> queue_;  // Oldest first; none of them leads yet.
  int in_flight_ = 0;           // Batches running or about to (slots handed out).
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_COMMIT_BATCHER_H_
