// TimerLoop: fires the durable timers that are due (Wait, Retry backoff,
// execution TimeoutSeconds, Task TimeoutSeconds / HeartbeatSeconds).
//
//   TimerLoop loop(store, executor, clock, {.owner = "replica-7"});
//   RETURN_IF_ERROR(loop.Start());       // One thread: claim, fire, wait.
//   ...                                  // A step set a timer due at t:
//   loop.Wake(t);                        // (OnCommitted does this.)
//   loop.Stop();                         // Prompt; joins the thread.
//
// Every replica runs one. A run claims due timers under a lease
// (ExecutionStore::ClaimDueTimers: no two live claimers get the same timer)
// and fires each through ExecutionExecutor::FireTimer, whose step deletes the
// timer under the execution's version check: each timer is applied exactly
// once even when replicas race, and a replica that dies mid-way only delays
// its claimed timers by the lease. Between runs the thread sleeps for
// `poll_interval` (that is how it sees other replicas' timers), or less when
// Wake reports a timer due sooner; a full batch runs again at once.
//
// Errors never stop the loop: a failed claim or fire is written to stderr
// (with the execution ARN). A failed claim is retried at the next poll. A
// failed fire gives the timer back at once, due again after `retry_delay`
// (doubling while the same timer keeps failing, up to `lease`), for any
// replica; only if even that fails does it wait for the lease to end.
//
// Thread-safe. Implements service::CommitObserver so that it can be added to
// the executor's observers (CommitFanout): OnCommitted wakes it for the
// earliest timer a step set.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_TIMER_LOOP_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_TIMER_LOOP_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::dispatch {

struct TimerLoopOptions {
  // Names this replica in timer claims; must differ between replicas.
  std::string owner;
  // The longest a timer committed by another replica waits for this one.
  absl::Duration poll_interval = absl::Milliseconds(200);
  // Timers claimed per run (>= 1).
  int batch_limit = 100;
  // How long a claim holds; claimed timers a dead replica never fired come
  // back after it. Must comfortably exceed the time a batch takes to fire
  // (a fire is one transaction, a batch of 100 well under a second).
  absl::Duration lease = absl::Seconds(15);
  // A timer whose fire failed (the database is away, a conflict that outlived
  // the executor's retries) is due again this long after, doubling per
  // consecutive failure of the same timer, up to `lease`.
  absl::Duration retry_delay = absl::Seconds(1);
};

// kInvalidArgument naming the offending field: an empty owner, a
// batch_limit below 1, a poll_interval, lease or retry_delay that is not
// positive and finite.
absl::Status ValidateTimerLoopOptions(const TimerLoopOptions& options);

class TimerLoop final : public service::CommitObserver {
 public:
  // `store`, `executor` and `clock` must outlive the loop. `clock` is the
  // executor's: it decides which timers are due and what Wake's times mean.
  TimerLoop(persistence::ExecutionStore& store, service::ExecutionExecutor& executor,
            const Clock& clock, TimerLoopOptions options);
  ~TimerLoop() override;  // Stop().

  TimerLoop(const TimerLoop&) = delete;
  TimerLoop& operator=(const TimerLoop&) = delete;

  // One run on the caller's thread: claims up to batch_limit due timers and
  // fires them. Returns how many it claimed. Fire errors are logged, not
  // returned (kFailedPrecondition, a closed execution or a lost lease, is
  // expected and not logged); a failed claim is returned, as is
  // kInvalidArgument for bad options. Stops early, leaving the rest to their
  // lease, once Stop() was called.
  absl::StatusOr<int> RunOnce();

  // Runs the loop on a new thread; no-op when it already runs.
  // kInvalidArgument (naming the field) for bad options: nothing starts.
  absl::Status Start();
  // Stops the thread (it finishes the timer it is firing) and joins it.
  // No-op when not running; Start() may be called again afterwards.
  void Stop();

  // A timer is due at `fire_at` (by the clock): run by then instead of at the
  // next poll. Cheap; callable from any thread, including commit observers.
  void Wake(absl::Time fire_at);

  // Wakes the loop for the earliest of `update.new_timers`.
  void OnCommitted(const persistence::StepUpdate& update) override;

  const TimerLoopOptions& options() const { return options_; }

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;

  void Run();
  void Fire(const persistence::TimerRecord& timer);

  persistence::ExecutionStore& store_;
  service::ExecutionExecutor& executor_;
  const Clock& clock_;
  const TimerLoopOptions options_;

  // Serializes Start/Stop; never held by the loop thread.
  std::mutex lifecycle_mu_;
  std::thread thread_;  // Guarded by lifecycle_mu_.

  std::mutex mu_;
  std::condition_variable wake_;
  SteadyTime next_run_;  // Guarded by mu_: when the thread runs next.
  // Written under mu_ (so the waiting thread cannot miss it), read without
  // it between the timers of a batch.
  std::atomic<bool> stopping_{false};

  // Consecutive failed fires per (execution ARN, timer id), for the backoff.
  std::mutex failures_mu_;
  std::map<std::pair<std::string, std::string>, int> failures_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_TIMER_LOOP_H_
