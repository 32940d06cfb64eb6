// What a Worker's pool threads share: options, the gRPC stubs, the shutdown
// state, the outage log and the counters. Internal to the SDK.
#ifndef STEPWISE_WORKER_SDK_INTERNAL_WORKER_CONTEXT_H_
#define STEPWISE_WORKER_SDK_INTERNAL_WORKER_CONTEXT_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "worker/sdk/internal/outage_tracker.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker::internal {

// The shutdown state. Shared (not owned by the Worker) because a handler that
// overruns the shutdown grace period keeps running on its pool thread after
// Run returns, and still looks at `abandoned` when it ends.
//
// Waits are targeted, so that an event wakes only the threads it concerns:
// pool threads wait on the Worker's own condition variables for a queue to
// poll, the heartbeat thread on RunningTasks'; Run waits on `pool_cv` for
// the pool to end. `cv` is for the rest (a task waiting for a slot, backoff
// sleeps, handlers in Worker::WaitForShutdown, Run's end).
struct SharedSync {
  std::mutex mu;
  std::condition_variable
      cv;  // Notified on shutdown, when a slot frees for a held task, when Run ends.
  std::condition_variable pool_cv;  // Notified on shutdown and as pool threads end.
  bool shutdown = false;            // Guarded by mu.
  absl::Time grace_deadline = absl::InfiniteFuture();  // Guarded by mu; set by shutdown.
  // Set when Run returned with handlers still running (the grace period
  // ended): their threads must not touch the Worker. Guarded by mu.
  bool abandoned = false;

  // Wakes `cv` and `pool_cv` (shutdown). mu must be held.
  void NotifyShutdown();
};

// Blocks on `cv` (sync.cv by default) until `until` or a notification
// (callers re-check their condition in a loop). `lock` must hold sync.mu.
void WaitUntil(SharedSync& sync, std::unique_lock<std::mutex>& lock, absl::Time until,
               std::condition_variable* cv = nullptr);

// Deadlines of the unary calls (heartbeats, reports). During shutdown they
// end with the grace period, but a call always gets kMinCallTimeout, so that
// a handler finishing just before the end can still report.
inline constexpr absl::Duration kCallTimeout = absl::Seconds(10);
inline constexpr absl::Duration kMinCallTimeout = absl::Seconds(2);

struct WorkerContext {
  // Creates the channel to options.endpoint (connected lazily, on the first call).
  explicit WorkerContext(WorkerOptions worker_options);

  // True once Shutdown was called.
  bool ShutdownRequested() const;

  // Waits until `until` or until shutdown is requested; returns true in the
  // latter case.
  bool SleepUntil(absl::Time until) const;

  // A deadline for a unary call: kCallTimeout from now, during shutdown no
  // later than the end of the grace period (but kMinCallTimeout at least).
  absl::Time CallDeadline() const;

  const WorkerOptions options;  // Identity filled in.
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Worker::Stub> worker_stub;
  std::unique_ptr<v1::States::Stub> states_stub;
  std::shared_ptr<SharedSync> sync = std::make_shared<SharedSync>();
  OutageTracker outages;

  std::atomic<long long> tasks_succeeded{0};
  std::atomic<long long> tasks_failed{0};
  std::atomic<long long> tasks_dropped{0};
  std::atomic<long long> polls{0};
  std::atomic<int> tasks_in_flight{0};
};

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_WORKER_CONTEXT_H_
