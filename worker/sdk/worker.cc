#include "worker/sdk/worker.h"

#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
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
#include "worker/sdk/internal/rpc_errors.h"
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
  // A PollTask call in progress (on its poller's stack).
  struct ActivePoll {
    grpc::ClientContext* rpc = nullptr;
    bool withdrawn = false;  // Cancelled because every slot filled up.
  };
  // A task waiting for a runner thread (there is a free one for each).
  struct Job {
    std::string queue;
    v1::Task task;
    std::shared_ptr<const Handler> handler;
  };

  absl::Status Validate() const;  // sync_.mu held.
  void PollerLoop();
  void RunnerLoop();
  // The queue to poll now, or nullptr: while a slot is free, a queue without
  // an outstanding poll first (so no queue waits for another's long poll),
  // else, while there are more free slots than polls, the queue with the
  // fewest. Counts the poll. sync_.mu held.
  const std::string* PickQueue();
  // Takes a free slot (free_slots_ > 0); withdraws the outstanding polls
  // when it was the last. Returns true. sync_.mu held.
  bool TakeSlot();
  // Hands a polled task to a runner. Without a `slot` taken for it (it came
  // for a poll withdrawn too late), first holds it, heartbeating, until a
  // slot is free.
  void Accept(const std::string& queue, const v1::Task& task,
              std::shared_ptr<const Handler> handler, bool slot);
  // Waits for a free slot, heartbeating `task`. False when the task is gone
  // or the shutdown grace period ended. `lock` holds sync_.mu.
  bool HoldForSlot(const v1::Task& task, std::unique_lock<std::mutex>& lock);

  internal::WorkerContext context_;
  internal::SharedSync& sync_;
  // Everything below is guarded by sync_.mu.
  std::map<std::string, std::shared_ptr<const Handler>> handlers_;
  std::map<std::string, int> polls_per_queue_;  // Outstanding polls; Run's queues.
  int polls_total_ = 0;
  int free_slots_ = 0;                  // concurrency - tasks accepted and not yet finished.
  std::size_t next_queue_ = 0;          // Where PickQueue's tie-break starts.
  std::set<ActivePoll*> active_polls_;  // Cancelled by Shutdown and when slots fill up.
  std::deque<Job> jobs_;
  // Pollers wait on poll_cv_ for a queue to poll (PickQueue), runners on
  // job_cv_ for a job: each event wakes only those it may let go on.
  std::condition_variable poll_cv_;
  std::condition_variable job_cv_;
  int pollers_running_ = 0;
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
  const WorkerOptions& options = context_.options;
  int pollers = 0;
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    if (absl::Status valid = Validate(); !valid.ok()) return valid;
    if (running_) return absl::FailedPreconditionError("Worker::Run is already running");
    running_ = true;
    polls_per_queue_.clear();
    polls_total_ = 0;
    free_slots_ = options.concurrency;
    jobs_.clear();
    for (const auto& [queue, handler] : handlers_) {
      polls_per_queue_[queue] = 0;
      queues.push_back(queue);
    }
    // Enough for a poll on every queue, or one per slot, whichever is more.
    pollers = static_cast<int>(queues.size()) + options.concurrency - 1;
    pollers_running_ = pollers;
  }
  LogLine(StrCat("worker ", options.identity, " polling ", options.endpoint, " for queues [",
                 StrJoin(queues, ", "), "] with concurrency ", options.concurrency));
  std::vector<std::thread> runners;
  runners.reserve(options.concurrency);
  for (int i = 0; i < options.concurrency; ++i) runners.emplace_back([this] { RunnerLoop(); });
  std::vector<std::thread> pollers_threads;
  pollers_threads.reserve(pollers);
  for (int i = 0; i < pollers; ++i) pollers_threads.emplace_back([this] { PollerLoop(); });
  for (std::thread& poller : pollers_threads) poller.join();
  for (std::thread& runner : runners) runner.join();
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

const std::string* Worker::Impl::PickQueue() {
  if (free_slots_ <= 0 || polls_per_queue_.empty()) return nullptr;
  const std::size_t n = polls_per_queue_.size();
  auto best = polls_per_queue_.end();
  std::size_t best_index = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t index = (next_queue_ + k) % n;
    auto it = std::next(polls_per_queue_.begin(), static_cast<std::ptrdiff_t>(index));
    if (best == polls_per_queue_.end() || it->second < best->second) {
      best = it;
      best_index = index;
    }
  }
  // Every queue has its poll: more only while free slots outnumber polls.
  if (best->second > 0 && polls_total_ >= free_slots_) return nullptr;
  next_queue_ = (best_index + 1) % n;
  ++best->second;
  ++polls_total_;
  return &best->first;
}

void Worker::Impl::PollerLoop() {
  const WorkerOptions& options = context_.options;
  internal::Backoff backoff(options.initial_backoff, options.max_backoff);
  while (true) {
    grpc::ClientContext rpc;
    ActivePoll active;
    active.rpc = &rpc;
    v1::PollTaskRequest request;
    std::shared_ptr<const Handler> handler;
    {
      std::unique_lock<std::mutex> lock(sync_.mu);
      const std::string* queue = nullptr;
      poll_cv_.wait(lock, [&] { return sync_.shutdown || (queue = PickQueue()) != nullptr; });
      if (sync_.shutdown) {
        if (--pollers_running_ == 0) job_cv_.notify_all();  // Runners may end.
        return;
      }
      request.set_queue(*queue);
      handler = handlers_.at(*queue);
      active_polls_.insert(&active);
    }
    // One event may allow several polls (a freed slot lets every queue
    // without its poll have one): each poller that goes wakes the next,
    // until one finds nothing to poll.
    poll_cv_.notify_one();
    rpc.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(options.poll_wait_seconds) +
                                        kPollDeadlineMargin));
    request.set_worker_name(options.identity);
    request.set_wait_time_seconds(options.poll_wait_seconds);
    v1::PollTaskResponse response;
    const grpc::Status status = context_.worker_stub->PollTask(&rpc, request, &response);
    ++context_.polls;
    bool withdrawn = false;
    bool slot = false;
    {
      std::lock_guard<std::mutex> lock(sync_.mu);
      active_polls_.erase(&active);
      --polls_per_queue_[request.queue()];
      --polls_total_;
      withdrawn = active.withdrawn;
      // The poll ends and its task takes a slot in one step, so that polls
      // never outnumber free slots by more than one per queue.
      if (status.ok() && response.has_task() && free_slots_ > 0) slot = TakeSlot();
    }
    // Another poller may take this queue over (and wake the next, above).
    poll_cv_.notify_one();
    if (status.ok()) {
      context_.outages.Succeeded();
      backoff.Reset();
      // A task that arrived as shutdown began is still ours: run it.
      if (response.has_task()) {
        Accept(request.queue(), response.task(), std::move(handler), slot);
      }
      continue;
    }
    if (withdrawn && !context_.ShutdownRequested()) continue;  // Our own TryCancel.
    if (context_.ShutdownRequested()) {
      std::lock_guard<std::mutex> lock(sync_.mu);
      if (--pollers_running_ == 0) job_cv_.notify_all();  // Runners may end.
      return;
    }
    context_.outages.Failed("PollTask", status);
    context_.SleepUntil(absl::Now() + backoff.Next());
  }
}

bool Worker::Impl::TakeSlot() {
  --free_slots_;
  if (free_slots_ == 0) {
    // Polls now would fetch tasks nobody can run: withdraw them. (One
    // answered in this instant is held, see Accept; the orchestrator
    // releases a task it claimed for a poll that left.)
    for (ActivePoll* poll : active_polls_) {
      poll->withdrawn = true;
      poll->rpc->TryCancel();
    }
  }
  return true;
}

void Worker::Impl::Accept(const std::string& queue, const v1::Task& task,
                          std::shared_ptr<const Handler> handler, bool slot) {
  {
    std::unique_lock<std::mutex> lock(sync_.mu);
    if (!slot) {
      if (!HoldForSlot(task, lock)) {
        lock.unlock();
        ++context_.tasks_dropped;
        LogLine(StrCat("task queue=", queue, " state=", task.state_name(),
                       " execution=", task.execution_arn(),
                       " outcome=dropped reason=it arrived with every slot busy and was not"
                       " started (the orchestrator hands it out again)"));
        return;
      }
      TakeSlot();
    }
    jobs_.push_back(Job{queue, task, std::move(handler)});
  }
  job_cv_.notify_one();
}

bool Worker::Impl::HoldForSlot(const v1::Task& task, std::unique_lock<std::mutex>& lock) {
  const absl::Duration interval = internal::HeartbeatInterval(task);
  absl::Time next_heartbeat = absl::Now() + interval;
  while (free_slots_ <= 0) {
    const absl::Time now = absl::Now();
    if (sync_.shutdown && now >= sync_.grace_deadline) return false;
    if (now >= next_heartbeat) {
      lock.unlock();
      const grpc::Status status = internal::SendHeartbeat(context_, task.task_token(), interval);
      lock.lock();
      if (internal::IsTaskGone(status)) return false;
      next_heartbeat = absl::Now() + interval;
      continue;
    }
    absl::Time wake = next_heartbeat;
    if (sync_.shutdown) wake = std::min(wake, sync_.grace_deadline);
    internal::WaitUntil(sync_, lock, wake);
  }
  return true;
}

void Worker::Impl::RunnerLoop() {
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(sync_.mu);
      job_cv_.wait(lock, [this] { return !jobs_.empty() || pollers_running_ == 0; });
      if (jobs_.empty()) return;  // Every poller ended and nothing is left.
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    internal::RunTask(context_, job.queue, job.task, std::move(job.handler));
    {
      std::lock_guard<std::mutex> lock(sync_.mu);
      ++free_slots_;
    }
    poll_cv_.notify_one();  // One more poll may go out.
    sync_.cv.notify_all();  // A task held for a slot (HoldForSlot) may take it.
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
    for (ActivePoll* poll : active_polls_) poll->rpc->TryCancel();
    in_flight = context_.tasks_in_flight.load();
    sync_.NotifyShutdown();
  }
  poll_cv_.notify_all();
  job_cv_.notify_all();
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
