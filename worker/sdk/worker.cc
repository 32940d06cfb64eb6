#include "worker/sdk/worker.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "worker/sdk/internal/backoff.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/internal/poll_withdrawal.h"
#include "worker/sdk/internal/rpc_errors.h"
#include "worker/sdk/internal/running_tasks.h"
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
    std::string key;         // Its poll_key.
    bool withdrawn = false;  // Withdrawn (or cancelled) because every slot filled up.
    // A CompleteAndPollTask: never cancelled, since only its answer tells
    // whether the orchestrator took the result. (One that cannot be
    // withdrawn runs its course; a task it gets is held for a slot.)
    bool carries_completion = false;
  };
  absl::Status Validate() const;  // sync_.mu held.
  // A pool thread: polls, runs what it polled on itself (no hand-off),
  // and polls again.
  void PoolLoop();
  // Until every pool thread ended, or the shutdown grace period did with
  // the rest in handlers: those are abandoned (counted and logged as
  // dropped) and true returned.
  bool WaitForPool();
  // The queue to poll now, or nullptr: while a slot is free, a queue without
  // an outstanding poll first (so no queue waits for another's long poll),
  // else, while there are more free slots than polls, the queue with the
  // fewest. Counts the poll. sync_.mu held.
  const std::string* PickQueue();
  // Whether PickQueue would find a queue: only then is an idle pool thread
  // woken (each wake-up costs a thread hand-off). sync_.mu held.
  bool PollWanted() const;
  // Takes a free slot (free_slots_ > 0). When it was the last, the
  // outstanding polls are to be withdrawn: returns their keys, to pass to
  // Withdraw once sync_.mu is released. sync_.mu held.
  [[nodiscard]] std::vector<std::string> TakeSlot();
  // Marks every outstanding poll withdrawn and returns the keys to send (see
  // Withdraw); cancels them instead when the orchestrator cannot withdraw.
  // sync_.mu held.
  [[nodiscard]] std::vector<std::string> WithdrawActivePolls();
  // Asks the orchestrator to answer these polls empty (WithdrawPolls); if it
  // cannot (an older one: UNIMPLEMENTED; or it is away), cancels those still
  // outstanding. Run waits for the call. sync_.mu not held.
  void Withdraw(std::vector<std::string> keys);
  // Runs a polled task's handler on this thread. Without a `slot` taken for
  // it (it came for a poll withdrawn too late), first holds it, heartbeating,
  // until a slot is free. Sets *ran when it ran (its slot is then to be
  // freed) and *finished to its outcome, to deliver. Returns false when the
  // worker abandoned it (see RunHandler): the caller must return at once.
  bool Accept(const std::string& queue, const v1::Task& task, const Handler& handler, bool slot,
              bool* ran, std::optional<internal::FinishedTask>* finished);
  // Waits for a free slot, heartbeating `task`. False when the task is gone
  // or the shutdown grace period ended. `lock` holds sync_.mu.
  bool HoldForSlot(const v1::Task& task, std::unique_lock<std::mutex>& lock);

  // Whether a call that answered UNIMPLEMENTED until `until` is still to be
  // avoided.
  static bool Lacks(absl::Time until) {
    return until != absl::InfinitePast() && absl::Now() < until;
  }

  internal::WorkerContext context_;
  internal::SharedSync& sync_;
  // Everything below is guarded by sync_.mu.
  std::map<std::string, std::shared_ptr<const Handler>> handlers_;
  std::map<std::string, int> polls_per_queue_;  // Outstanding polls; Run's queues.
  int polls_total_ = 0;
  int free_slots_ = 0;                  // concurrency - tasks accepted and not yet finished.
  std::size_t next_queue_ = 0;          // Where PickQueue's tie-break starts.
  std::set<ActivePoll*> active_polls_;  // Withdrawn by Shutdown and when slots fill up.
  internal::PollKeys poll_keys_;
  int withdrawals_in_flight_ = 0;  // WithdrawPolls calls; Run waits for them.
  // Until when the orchestrator is taken to lack WithdrawPolls /
  // CompleteAndPollTask: it answered UNIMPLEMENTED (see
  // WorkerOptions::reprobe_interval). Read through Lacks(), sync_.mu held.
  absl::Time withdraw_unsupported_until_ = absl::InfinitePast();
  // CompleteAndPollTask answered UNIMPLEMENTED: results go by SendTask*.
  absl::Time complete_with_poll_unsupported_until_ = absl::InfinitePast();
  int held_ = 0;  // Tasks in HoldForSlot.
  // Idle pool threads wait on poll_cv_ for a queue to poll (PickQueue):
  // each event wakes only one, and only when a poll is wanted.
  std::condition_variable poll_cv_;
  int pool_alive_ = 0;  // Pool threads not yet ended.
  // The handlers running on pool threads; heartbeats them.
  internal::RunningTasks handlers_running_{context_};
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
  if (options.reprobe_interval < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(StrCat("WorkerOptions.reprobe_interval must be >= 0, got ",
                                             absl::FormatDuration(options.reprobe_interval)));
  }
  if (options.endpoint.empty()) {
    return absl::InvalidArgumentError("WorkerOptions.endpoint is empty (want host:port)");
  }
  return absl::OkStatus();
}

absl::Status Worker::Impl::Run() {
  std::vector<std::string> queues;
  const WorkerOptions& options = context_.options;
  int pool = 0;
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    if (absl::Status valid = Validate(); !valid.ok()) return valid;
    if (running_) return absl::FailedPreconditionError("Worker::Run is already running");
    running_ = true;
    polls_per_queue_.clear();
    polls_total_ = 0;
    free_slots_ = options.concurrency;
    held_ = 0;
    for (const auto& [queue, handler] : handlers_) {
      polls_per_queue_[queue] = 0;
      queues.push_back(queue);
    }
    // Enough for a poll on every queue, or one per slot, whichever is more.
    // Threads that run tasks still leave one to poll each queue while a
    // slot is free, and one per free slot.
    pool = static_cast<int>(queues.size()) + options.concurrency - 1;
    pool_alive_ = pool;
  }
  LogLine(StrCat("worker ", options.identity, " polling ", options.endpoint, " for queues [",
                 StrJoin(queues, ", "), "] with concurrency ", options.concurrency));
  handlers_running_.Start();
  std::vector<std::thread> threads;
  threads.reserve(pool);
  for (int i = 0; i < pool; ++i) {
    threads.emplace_back([this] {
      // Named for `top -H`, perf and the benchmarks' CPU accounting.
      pthread_setname_np(pthread_self(), "sw-worker");
      PoolLoop();
    });
  }
  const bool abandoned = WaitForPool();
  for (std::thread& thread : threads) {
    // An abandoned handler cannot be stopped; its thread ends on its own.
    if (abandoned) {
      thread.detach();
    } else {
      thread.join();
    }
  }
  handlers_running_.Stop();
  {
    // Their callbacks touch this Worker. Each call has a deadline.
    std::unique_lock<std::mutex> lock(sync_.mu);
    sync_.cv.wait(lock, [this] { return withdrawals_in_flight_ == 0; });
  }
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

bool Worker::Impl::PollWanted() const {
  if (free_slots_ <= 0 || polls_per_queue_.empty()) return false;
  if (polls_total_ < free_slots_) return true;
  return std::any_of(polls_per_queue_.begin(), polls_per_queue_.end(),
                     [](const auto& queue) { return queue.second == 0; });
}

void Worker::Impl::PoolLoop() {
  const WorkerOptions& options = context_.options;
  internal::Backoff backoff(options.initial_backoff, options.max_backoff);
  bool ran = false;  // The last task ran here: its slot is free again.
  // The last task's outcome, not yet delivered. It rides on this thread's
  // next poll (Worker.CompleteAndPollTask: one call instead of two) when a
  // poll is wanted at once; otherwise it is reported on its own first.
  std::optional<internal::FinishedTask> finished;
  while (true) {
    v1::PollTaskRequest request;
    v1::PollTaskResponse response;
    std::shared_ptr<const Handler> handler;
    grpc::Status status;
    bool withdrawn = false;
    bool slot = false;
    {
      grpc::ClientContext rpc;
      ActivePoll active;
      active.rpc = &rpc;
      bool wake_next = false;
      {
        std::unique_lock<std::mutex> lock(sync_.mu);
        if (ran) {
          ++free_slots_;
          ran = false;
          if (held_ > 0) sync_.cv.notify_all();  // A held task may take the slot.
        }
        const std::string* queue = nullptr;
        if (finished.has_value()) {
          // An orchestrator without WithdrawPolls predates CompleteAndPollTask.
          // A result known to go nowhere (its task is gone) is only logged.
          if (!sync_.shutdown && finished->dropped.empty() &&
              !Lacks(complete_with_poll_unsupported_until_) &&
              !Lacks(withdraw_unsupported_until_)) {
            queue = PickQueue();
          }
          if (queue == nullptr) {
            lock.unlock();
            internal::ReportTask(context_, *finished);
            finished.reset();
            continue;
          }
        } else {
          // This thread polls again itself rather than waking another.
          poll_cv_.wait(lock, [&] { return sync_.shutdown || (queue = PickQueue()) != nullptr; });
          if (sync_.shutdown) {
            --pool_alive_;
            sync_.pool_cv.notify_all();
            return;
          }
        }
        request.set_queue(*queue);
        handler = handlers_.at(*queue);
        active.key = poll_keys_.Next();
        active.carries_completion = finished.has_value();
        active_polls_.insert(&active);
        // One event may allow several polls (a freed slot lets every queue
        // without its poll have one): each thread that goes wakes the
        // next, while another poll is wanted.
        wake_next = PollWanted();
      }
      if (wake_next) poll_cv_.notify_one();
      absl::Time deadline =
          absl::Now() + absl::Seconds(options.poll_wait_seconds) + kPollDeadlineMargin;
      // A result's commit may take longer than a short poll's margin; a call
      // that ends first leaves it unknown whether the result was taken.
      if (finished.has_value()) deadline = std::max(deadline, context_.CallDeadline());
      rpc.set_deadline(absl::ToChronoTime(deadline));
      request.set_worker_name(options.identity);
      request.set_wait_time_seconds(options.poll_wait_seconds);
      request.set_poll_key(active.key);
      if (finished.has_value()) {
        v1::CompleteAndPollTaskRequest combined;
        internal::CompletionOf(*finished, &combined);
        *combined.mutable_poll() = request;
        status = context_.worker_stub->CompleteAndPollTask(&rpc, combined, &response);
      } else {
        status = context_.worker_stub->PollTask(&rpc, request, &response);
      }
      ++context_.polls;
      std::vector<std::string> withdraw;
      {
        std::lock_guard<std::mutex> lock(sync_.mu);
        active_polls_.erase(&active);
        --polls_per_queue_[request.queue()];
        --polls_total_;
        withdrawn = active.withdrawn;
        // The poll ends and its task takes a slot in one step, so that polls
        // never outnumber free slots by more than one per queue.
        if (status.ok() && response.has_task() && free_slots_ > 0) {
          withdraw = TakeSlot();
          slot = true;
        }
        // Another thread takes this queue over while this one runs the
        // task or backs off (after an empty poll this one polls again).
        wake_next = (response.has_task() || !status.ok()) && PollWanted();
      }
      if (wake_next) poll_cv_.notify_one();
      Withdraw(std::move(withdraw));
    }
    if (finished.has_value()) {
      // OK: the orchestrator committed the completion before it polled.
      // An error: nothing was polled; the completion was refused (final) or
      // may or may not have been applied (a transport error: sent again with
      // SendTask*, completions are idempotent). ReportTask sorts them out.
      if (status.ok()) {
        internal::RecordDelivered(context_, *finished);
      } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        {
          std::lock_guard<std::mutex> lock(sync_.mu);
          // An older orchestrator.
          complete_with_poll_unsupported_until_ = absl::Now() + context_.options.reprobe_interval;
        }
        internal::ReportTask(context_, *finished);
      } else if (internal::IsPollRefusal(status)) {
        internal::ReportTask(context_, *finished);  // Nothing was completed.
      } else {
        internal::ReportTask(context_, *finished, status);
      }
      finished.reset();
      // ReportTask waited out any outage: poll again at once.
      if (!status.ok() && !context_.ShutdownRequested()) continue;
    }
    if (status.ok()) {
      context_.outages.Succeeded();
      backoff.Reset();
      // A task that arrived as shutdown began is still ours: run it.
      if (response.has_task() &&
          !Accept(request.queue(), response.task(), *handler, slot, &ran, &finished)) {
        return;  // Abandoned: the worker may be gone.
      }
      continue;
    }
    // Our own TryCancel (the orchestrator could not withdraw it).
    if (withdrawn && !context_.ShutdownRequested()) continue;
    if (context_.ShutdownRequested()) {
      std::lock_guard<std::mutex> lock(sync_.mu);
      --pool_alive_;
      sync_.pool_cv.notify_all();
      return;
    }
    context_.outages.Failed("PollTask", status);
    context_.SleepUntil(absl::Now() + backoff.Next());
  }
}

std::vector<std::string> Worker::Impl::TakeSlot() {
  --free_slots_;
  // Polls now would fetch tasks nobody can run: withdraw them. (One answered
  // in this instant is held, see Accept.)
  if (free_slots_ == 0) return WithdrawActivePolls();
  return {};
}

std::vector<std::string> Worker::Impl::WithdrawActivePolls() {
  std::vector<std::string> keys;
  for (ActivePoll* poll : active_polls_) {
    if (poll->withdrawn) continue;
    poll->withdrawn = true;
    if (Lacks(withdraw_unsupported_until_)) {
      if (!poll->carries_completion) poll->rpc->TryCancel();
    } else {
      keys.push_back(poll->key);
    }
  }
  if (!keys.empty()) ++withdrawals_in_flight_;  // Withdraw's call, counted now for Run.
  return keys;
}

void Worker::Impl::Withdraw(std::vector<std::string> keys) {
  if (keys.empty()) return;
  internal::SendWithdrawPolls(
      *context_.worker_stub, keys, [this, keys](const grpc::Status& status) {
        std::lock_guard<std::mutex> lock(sync_.mu);
        if (!status.ok()) {
          if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
            withdraw_unsupported_until_ = absl::Now() + context_.options.reprobe_interval;
          }
          // Cancel the polls, if they are still unwanted: cancelling may
          // lose a task answered in this instant (it waits out its lease).
          // A slot freed meanwhile: they may run on (a task they get runs).
          const bool unwanted = free_slots_ == 0 || sync_.shutdown;
          for (ActivePoll* poll : active_polls_) {
            if (std::find(keys.begin(), keys.end(), poll->key) == keys.end()) continue;
            if (unwanted) {
              if (!poll->carries_completion) poll->rpc->TryCancel();
            } else {
              poll->withdrawn = false;
            }
          }
        }
        --withdrawals_in_flight_;
        sync_.cv.notify_all();
      });
}

bool Worker::Impl::Accept(const std::string& queue, const v1::Task& task, const Handler& handler,
                          bool slot, bool* ran, std::optional<internal::FinishedTask>* finished) {
  if (!slot) {
    std::unique_lock<std::mutex> lock(sync_.mu);
    ++held_;
    const bool held = HoldForSlot(task, lock);
    --held_;
    if (!held) {
      lock.unlock();
      ++context_.tasks_dropped;
      LogLine(StrCat("task queue=", queue, " state=", task.state_name(),
                     " execution=", task.execution_arn(),
                     " outcome=dropped reason=it arrived with every slot busy and was not"
                     " started (the orchestrator hands it out again)"));
      return true;
    }
    std::vector<std::string> withdraw = TakeSlot();
    lock.unlock();
    Withdraw(std::move(withdraw));
  }
  *ran = true;
  *finished = internal::RunHandler(context_, handlers_running_, queue, task, handler);
  return finished->has_value();
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

bool Worker::Impl::WaitForPool() {
  std::vector<std::string> lines;
  {
    std::unique_lock<std::mutex> lock(sync_.mu);
    while (pool_alive_ > 0) {
      // Past the grace period, only threads stuck in handlers are waited
      // for no longer (the others are reporting or giving up).
      if (sync_.shutdown && absl::Now() >= sync_.grace_deadline &&
          pool_alive_ == handlers_running_.size()) {
        for (const internal::RunningTask* task : handlers_running_.Abandon(lock)) {
          lines.push_back(StrCat("task queue=", task->queue, " state=", task->task.state_name(),
                                 " execution=", task->task.execution_arn(),
                                 " attempt=", task->task.attempt(),
                                 " outcome=dropped reason=the shutdown grace period ended with"
                                 " the handler still running"));
        }
        break;
      }
      // Pool threads notify pool_cv as they end or (during shutdown) start
      // a handler; the grace deadline ends the wait too, once.
      const bool before_grace = sync_.shutdown && absl::Now() < sync_.grace_deadline;
      internal::WaitUntil(sync_, lock, before_grace ? sync_.grace_deadline : absl::InfiniteFuture(),
                          &sync_.pool_cv);
    }
  }
  for (const std::string& line : lines) LogLine(line);
  context_.tasks_dropped += static_cast<long long>(lines.size());
  context_.tasks_in_flight -= static_cast<int>(lines.size());
  return !lines.empty();
}

void Worker::Impl::Shutdown() {
  int in_flight = 0;
  bool running = false;
  std::vector<std::string> withdraw;
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    if (sync_.shutdown) return;
    running = running_;
    sync_.shutdown = true;
    sync_.grace_deadline = absl::Now() + context_.options.shutdown_grace;
    // Idle long polls would otherwise hold Run for up to poll_wait_seconds.
    withdraw = WithdrawActivePolls();
    in_flight = context_.tasks_in_flight.load();
    sync_.NotifyShutdown();
  }
  poll_cv_.notify_all();
  Withdraw(std::move(withdraw));
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
