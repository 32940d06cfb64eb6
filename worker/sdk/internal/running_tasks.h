// The tasks whose handlers are running, and the one thread per worker that
// heartbeats them. Handlers run on the worker's pool threads (no thread per
// task); each registers its task here while the handler runs, and the
// heartbeat thread sends SendTaskHeartbeat for whichever task is due next
// (a set ordered by due time), sleeping in between. Internal to the SDK.
//
//   RunningTasks running(context);
//   running.Start();
//   RunningTask entry(queue, task);
//   running.Begin(entry);                     // the heartbeats start
//   ... run the handler ...
//   if (!EndHandler(*sync, running, entry)) return;  // abandoned: touch nothing
//   entry.gone  // non-empty: a heartbeat learnt the task is gone
//   running.Stop();                          // when the pool has ended
#ifndef STEPWISE_WORKER_SDK_INTERNAL_RUNNING_TASKS_H_
#define STEPWISE_WORKER_SDK_INTERNAL_RUNNING_TASKS_H_

#include <condition_variable>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "stepwise/v1/worker.pb.h"
#include "worker/sdk/internal/worker_context.h"

namespace stepwise::worker::internal {

// One task whose handler runs; lives on its pool thread's stack. The fields
// below `task` are guarded by the worker's SharedSync::mu.
struct RunningTask {
  RunningTask(const std::string& queue_name, const v1::Task& polled)
      : queue(queue_name), task(polled) {}

  const std::string& queue;
  const v1::Task& task;
  absl::Duration interval = absl::InfiniteDuration();  // HeartbeatInterval(task).
  absl::Time next_heartbeat = absl::InfiniteFuture();
  bool heartbeating = false;  // The heartbeat thread is sending one for it.
  // Why the orchestrator no longer wants the result (a heartbeat was
  // rejected); empty while it does.
  std::string gone;
};

class RunningTasks {
 public:
  explicit RunningTasks(WorkerContext& context) : context_(context), sync_(*context.sync) {}
  ~RunningTasks() { Stop(); }
  RunningTasks(const RunningTasks&) = delete;
  RunningTasks& operator=(const RunningTasks&) = delete;

  // Starts the heartbeat thread. Call once, before Begin.
  void Start();
  // Ends the heartbeat thread (cancelling a heartbeat in flight) and joins
  // it. Call when no pool thread will call Begin or EndHandler any more
  // (every one ended, or the rest abandoned). Idempotent.
  void Stop();

  // Registers `entry` (its handler is about to run): its first heartbeat
  // is due an interval from now. Takes sync.mu.
  void Begin(RunningTask& entry);
  // Unregisters `entry`, waiting for a heartbeat in flight for it.
  // `lock` holds sync.mu.
  void End(RunningTask& entry, std::unique_lock<std::mutex>& lock);
  // Abandons every task still registered (the shutdown grace period ended
  // with their handlers running): sets sync.abandoned, so that their pool
  // threads touch nothing of the worker when their handlers return, and
  // returns them for the log (valid only while sync.mu stays held). `lock`
  // holds sync.mu.
  std::vector<const RunningTask*> Abandon(std::unique_lock<std::mutex>& lock);
  // How many handlers run. sync.mu must be held.
  int size() const { return static_cast<int>(all_.size()); }

 private:
  void HeartbeatLoop();
  // Sends one heartbeat for `entry` (sync.mu released meanwhile) and files
  // its answer. `lock` holds sync.mu.
  void Heartbeat(RunningTask& entry, std::unique_lock<std::mutex>& lock);

  WorkerContext& context_;
  SharedSync& sync_;
  std::thread thread_;
  // Guarded by sync_.mu.
  std::vector<RunningTask*> all_;  // At most a few per slot: a vector is cheapest.
  std::set<std::pair<absl::Time, RunningTask*>> due_;  // Tasks with heartbeats, by due time.
  // When the heartbeat thread wakes next on its own: Begin wakes it only
  // for a task due earlier (so a short task costs it no wake-up).
  absl::Time wake_at_ = absl::InfiniteFuture();
  grpc::ClientContext* in_flight_ = nullptr;  // The heartbeat being sent.
  bool stop_ = false;
  std::condition_variable cv_;        // The heartbeat thread waits here.
  std::condition_variable ended_cv_;  // End waits here for a heartbeat in flight.
};

// Called by a pool thread when its handler returned: false when the worker
// abandoned the task meanwhile (then it must return at once, touching
// nothing of the worker, which may be gone: hence `sync` by shared_ptr and
// `running` by pointer, not used in that case). Otherwise ends `entry`
// (RunningTasks::End) and returns true.
bool EndHandler(const std::shared_ptr<SharedSync>& sync, RunningTasks* running, RunningTask& entry);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_RUNNING_TASKS_H_
