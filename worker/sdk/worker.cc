#include "worker/sdk/worker.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "worker/sdk/internal/backoff.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/internal/task_runner.h"
#include "worker/sdk/internal/worker_context.h"

namespace stepwise::worker {
namespace internal {
void ForgetSignalTarget(const Worker* worker);  // signals.cc
}  // namespace internal

namespace {

using internal::LogLine;

// The orchestrator answers a long poll by its wait time; the deadline only
// catches a connection that died silently.
constexpr absl::Duration kPollDeadlineMargin = absl::Seconds(5);

std::string DefaultIdentity() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
    return StrCat("unknown-host/pid-", static_cast<long long>(getpid()));
  }
  return StrCat(host, "/pid-", static_cast<long long>(getpid()));
}

WorkerOptions WithDefaults(WorkerOptions options) {
  if (options.identity.empty()) options.identity = DefaultIdentity();
  return options;
}

}  // namespace

class Worker::Impl {
 public:
  explicit Impl(WorkerOptions options)
      : context_(WithDefaults(std::move(options))), sync_(*context_.sync) {}

  void Register(std::string queue, Handler handler) {
    std::lock_guard<std::mutex> lock(sync_.mu);
    handlers_[std::move(queue)] = std::make_shared<const Handler>(std::move(handler));
  }

  absl::Status Run();
  void Shutdown();
  void WaitUntilNotRunning();
  internal::WorkerContext& context() { return context_; }

 private:
  absl::Status Validate() const;  // sync_.mu held.
  void SlotLoop();
  // The queue with the fewest outstanding polls, so that each queue gets a
  // poller whenever there are as many free slots as queues. sync_.mu held.
  const std::string& PickQueue();

  internal::WorkerContext context_;
  internal::SharedSync& sync_;
  // Everything below is guarded by sync_.mu.
  std::map<std::string, std::shared_ptr<const Handler>> handlers_;
  std::map<std::string, int> polls_per_queue_;   // Outstanding polls; Run's queues.
  std::size_t next_queue_ = 0;                   // Where PickQueue's tie-break starts.
  std::set<grpc::ClientContext*> active_polls_;  // Cancelled by Shutdown.
  bool running_ = false;
};

absl::Status Worker::Impl::Validate() const {
  const WorkerOptions& options = context_.options;
  if (handlers_.empty()) {
    return absl::InvalidArgumentError(
        "Worker::Run: no handler registered; call Register(queue, handler) first");
  }
  for (const auto& [queue, handler] : handlers_) {
    if (queue.empty()) return absl::InvalidArgumentError("Worker::Run: a queue name is empty");
    if (!*handler) {
      return absl::InvalidArgumentError(
          StrCat("Worker::Run: the handler registered for queue '", queue, "' is empty"));
    }
  }
  if (options.concurrency < 1) {
    return absl::InvalidArgumentError(
        StrCat("WorkerOptions.concurrency must be at least 1, got ", options.concurrency));
  }
  if (options.poll_wait_seconds < 0 || options.poll_wait_seconds > 60) {
    return absl::InvalidArgumentError(
        StrCat("WorkerOptions.poll_wait_seconds must be 0..60, got ", options.poll_wait_seconds));
  }
  if (options.endpoint.empty()) {
    return absl::InvalidArgumentError("WorkerOptions.endpoint is empty (want host:port)");
  }
  return absl::OkStatus();
}

absl::Status Worker::Impl::Run() {
  std::vector<std::string> queues;
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    if (absl::Status valid = Validate(); !valid.ok()) return valid;
    if (running_) return absl::FailedPreconditionError("Worker::Run is already running");
    running_ = true;
    polls_per_queue_.clear();
    for (const auto& [queue, handler] : handlers_) {
      polls_per_queue_[queue] = 0;
      queues.push_back(queue);
    }
  }
  const WorkerOptions& options = context_.options;
  LogLine(StrCat("worker ", options.identity, " polling ", options.endpoint, " for queues [",
                 StrJoin(queues, ", "), "] with concurrency ", options.concurrency));
  std::vector<std::thread> slots;
  slots.reserve(options.concurrency);
  for (int i = 0; i < options.concurrency; ++i) slots.emplace_back([this] { SlotLoop(); });
  for (std::thread& slot : slots) slot.join();
  LogLine(StrCat("worker stopped: ", context_.tasks_succeeded.load(), " succeeded, ",
                 context_.tasks_failed.load(), " failed, ", context_.tasks_dropped.load(),
                 " dropped"));
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    running_ = false;
  }
  sync_.cv.notify_all();
  return absl::OkStatus();
}

const std::string& Worker::Impl::PickQueue() {
  auto best = polls_per_queue_.end();
  std::size_t best_index = 0;
  const std::size_t n = polls_per_queue_.size();
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t index = (next_queue_ + k) % n;
    auto it = std::next(polls_per_queue_.begin(), static_cast<std::ptrdiff_t>(index));
    if (best == polls_per_queue_.end() || it->second < best->second) {
      best = it;
      best_index = index;
    }
  }
  next_queue_ = (best_index + 1) % n;
  ++best->second;
  return best->first;
}

void Worker::Impl::SlotLoop() {
  const WorkerOptions& options = context_.options;
  internal::Backoff backoff(options.initial_backoff, options.max_backoff);
  while (true) {
    grpc::ClientContext rpc;
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(options.poll_wait_seconds) +
                                        kPollDeadlineMargin));
    v1::PollTaskRequest request;
    std::shared_ptr<const Handler> handler;
    {
      std::lock_guard<std::mutex> lock(sync_.mu);
      if (sync_.shutdown) return;
      const std::string& queue = PickQueue();
      request.set_queue(queue);
      handler = handlers_.at(queue);
      active_polls_.insert(&rpc);
    }
    request.set_worker_name(options.identity);
    request.set_wait_time_seconds(options.poll_wait_seconds);
    v1::PollTaskResponse response;
    const grpc::Status status = context_.worker_stub->PollTask(&rpc, request, &response);
    ++context_.polls;
    {
      std::lock_guard<std::mutex> lock(sync_.mu);
      active_polls_.erase(&rpc);
      --polls_per_queue_[request.queue()];
    }
    if (status.ok()) {
      context_.outages.Succeeded();
      backoff.Reset();
      // A task that arrived as shutdown began is still ours: run it.
      if (response.has_task()) {
        internal::RunTask(context_, request.queue(), response.task(), std::move(handler));
      }
      continue;
    }
    if (context_.ShutdownRequested()) return;  // Most likely our own TryCancel.
    context_.outages.Failed("PollTask", status);
    context_.SleepUntil(absl::Now() + backoff.Next());
  }
}

void Worker::Impl::Shutdown() {
  int in_flight = 0;
  bool running = false;
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    if (sync_.shutdown) return;
    running = running_;
    sync_.shutdown = true;
    sync_.grace_deadline = absl::Now() + context_.options.shutdown_grace;
    // Idle long polls would otherwise hold Run for up to poll_wait_seconds.
    for (grpc::ClientContext* rpc : active_polls_) rpc->TryCancel();
    in_flight = context_.tasks_in_flight.load();
  }
  sync_.cv.notify_all();
  if (!running) return;
  LogLine(StrCat("shutting down: polling stopped; ", in_flight, " task(s) in flight get up to ",
                 absl::FormatDuration(context_.options.shutdown_grace), " to finish"));
}

void Worker::Impl::WaitUntilNotRunning() {
  std::unique_lock<std::mutex> lock(sync_.mu);
  sync_.cv.wait(lock, [this] { return !running_; });
}

Worker::Worker(WorkerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Worker::~Worker() {
  internal::ForgetSignalTarget(this);
  impl_->Shutdown();
  impl_->WaitUntilNotRunning();
}

void Worker::Register(std::string queue, Handler handler) {
  impl_->Register(std::move(queue), std::move(handler));
}

absl::Status Worker::Run() { return impl_->Run(); }

void Worker::Shutdown() { impl_->Shutdown(); }

bool Worker::WaitForShutdown(absl::Duration timeout) const {
  return impl_->context().SleepUntil(absl::Now() + timeout);
}

bool Worker::ShutdownRequested() const { return impl_->context().ShutdownRequested(); }

Worker::Stats Worker::stats() const {
  internal::WorkerContext& context = impl_->context();
  Stats stats;
  stats.tasks_succeeded = context.tasks_succeeded.load();
  stats.tasks_failed = context.tasks_failed.load();
  stats.tasks_dropped = context.tasks_dropped.load();
  stats.polls = context.polls.load();
  stats.reconnects = context.outages.reconnects();
  return stats;
}

}  // namespace stepwise::worker
