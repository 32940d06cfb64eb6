// What a Worker's slot threads share: options, the gRPC stubs, the shutdown
// state, the outage log and the counters. Internal to the SDK.
#ifndef STEPWISE_WORKER_SDK_INTERNAL_WORKER_CONTEXT_H_
#define STEPWISE_WORKER_SDK_INTERNAL_WORKER_CONTEXT_H_

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>

#include "absl/time/time.h"
#include "grpcpp/channel.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "worker/sdk/internal/outage_tracker.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker::internal {

// The shutdown state. Shared (not owned by the Worker) because a handler that
// overruns the shutdown grace period keeps running on its own thread after
// Run returns, and still signals `cv` when it ends.
//
// Waits are targeted, so that an event wakes only the threads it concerns
// (a worker has a poller and a runner per slot, and a handler thread per
// task): pollers and runners wait on the Worker's own condition variables,
// a runner supervising a handler on that run's, registered in
// `supervisors` so that shutdown reaches it. `cv` is for the rest (a task
// waiting for a slot, backoff sleeps, Run's end).
struct SharedSync {
  std::mutex mu;
  std::condition_variable cv;  // Notified on shutdown, when a slot frees, when Run ends.
  bool shutdown = false;       // Guarded by mu.
  absl::Time grace_deadline = absl::InfiniteFuture();  // Guarded by mu; set by shutdown.
  // The condition variables of the handler runs being supervised. Guarded by mu.
  std::set<std::condition_variable*> supervisors;

  // Wakes `cv` and every supervisor (shutdown). mu must be held.
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
