#include "orchestrator/dispatch/task_dispatcher.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/engine/events.h"
#include "persistence/store_rules.h"

namespace stepwise::dispatch {
namespace {

// How long past its wait a poll may still wait for its first claim to come
// back (a slow database), deadline permitting.
constexpr absl::Duration kClaimGrace = absl::Seconds(5);
constexpr auto kLogInterval = std::chrono::seconds(10);
constexpr size_t kMaxQueueLength = 256;
constexpr size_t kMaxPollKeyLength = 128;
// How long, and how many, withdrawn keys of polls not yet arrived are kept
// (EarlyWithdrawals): the poll is normally a few milliseconds behind.
constexpr absl::Duration kEarlyWithdrawalMemory = absl::Seconds(30);
constexpr size_t kEarlyWithdrawalCapacity = 10000;

absl::Duration Clamp(absl::Duration d, absl::Duration low, absl::Duration high) {
  return std::max(low, std::min(d, high));
}

}  // namespace

absl::Status ValidateQueueName(std::string_view queue) {
  if (queue.empty() || queue.size() > kMaxQueueLength) {
    return absl::InvalidArgumentError(StrCat("Invalid queue '", queue, "': must be 1 to ",
                                             kMaxQueueLength, " characters, got ", queue.size()));
  }
  for (const char c : queue) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return absl::InvalidArgumentError(
          StrCat("Invalid queue '", queue, "': whitespace and control characters are not allowed"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidatePollKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxPollKeyLength) {
    return absl::InvalidArgumentError(StrCat("Invalid poll_key '", key, "': must be 1 to ",
                                             kMaxPollKeyLength, " characters, got ", key.size()));
  }
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte >= 0x7f) {
      return absl::InvalidArgumentError(
          StrCat("Invalid poll_key '", key, "': only printable ASCII characters are allowed"));
    }
  }
  return absl::OkStatus();
}

persistence::TaskLeaseRule ClaimLeaseRule(bool worker_heartbeats,
                                          const TaskDispatcherOptions& options) {
  if (worker_heartbeats) {
    return persistence::TaskLeaseRule{.default_lease = options.task_lease,
                                      .use_timeout = false,
                                      .heartbeat_margin = true,
                                      .max_lease = options.task_lease};
  }
  return persistence::TaskLeaseRule{.default_lease = options.default_lease,
                                    .use_timeout = true,
                                    .heartbeat_margin = true,
                                    .max_lease = absl::InfiniteDuration()};
}

std::string StateMachineArnOf(std::string_view execution_arn) {
  // arn : aws : states : REGION : ACCOUNT : execution : SM : NAME, or
  // arn : aws : states : REGION : ACCOUNT : express : SM : NAME : UUID
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t colon = execution_arn.find(':', start);
    parts.push_back(execution_arn.substr(start, colon - start));
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  const bool standard = parts.size() == 8 && parts[5] == "execution";
  const bool express = parts.size() == 9 && parts[5] == "express";
  if ((!standard && !express) || parts[0] != "arn" || parts[2] != "states" || parts[6].empty()) {
    return "";
  }
  return StrCat("arn:", parts[1], ":states:", parts[3], ":", parts[4], ":stateMachine:", parts[6]);
}

TaskDispatcher::TaskDispatcher(persistence::ExecutionStore& store,
                               service::ExecutionExecutor& executor, const Clock& clock,
                               TaskDispatcherOptions options)
    : store_(store),
      executor_(executor),
      clock_(clock),
      options_(std::move(options)),
      polls_(std::max(1, options_.max_claims_per_queue)),
      early_withdrawals_(kEarlyWithdrawalMemory, kEarlyWithdrawalCapacity) {}

TaskDispatcher::~TaskDispatcher() { Shutdown(); }

void TaskDispatcher::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  dispatcher_thread_ = std::thread([this] { DispatcherLoop(); });
  for (int i = 0; i < std::max(1, options_.claim_threads); ++i) {
    claim_threads_.emplace_back([this] { ClaimLoop(); });
  }
  jobs_cv_.notify_all();  // Claims queued before Start.
}

void TaskDispatcher::Shutdown() {
  std::call_once(shutdown_once_, [this] {
    std::vector<WaitingPoll> waiting;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
      waiting = polls_.TakeAll();
      jobs_.clear();  // Not started: nothing claimed for them.
    }
    timer_cv_.notify_all();
    jobs_cv_.notify_all();
    for (WaitingPoll& poll : waiting) poll.done(std::nullopt);
    if (dispatcher_thread_.joinable()) dispatcher_thread_.join();
    for (std::thread& thread : claim_threads_) thread.join();
    claim_threads_.clear();
  });
}

absl::StatusOr<PollId> TaskDispatcher::Poll(PollRequest request, PollDone done) {
  const SteadyTime steady_now = std::chrono::steady_clock::now();
  const absl::Duration remaining = request.deadline - absl::Now();
  const absl::Duration wait = Clamp(std::min(request.wait, remaining - options_.deadline_margin),
                                    absl::ZeroDuration(), options_.max_wait);
  const absl::Duration hard =
      Clamp(std::min(wait + kClaimGrace, remaining - options_.deadline_margin / 2), wait,
            options_.max_wait + kClaimGrace);

  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    lock.unlock();
    done(std::nullopt);
    return PollId{0};
  }
  RETURN_IF_ERROR(RefusalLocked(request));
  if (!request.key.empty()) {
    if (early_withdrawals_.Take(request.key, steady_now)) {
      lock.unlock();
      done(std::nullopt);
      return PollId{0};
    }
  }
  const PollId id = ++next_id_;
  WaitingPoll poll;
  poll.id = id;
  poll.queue = request.queue;
  poll.worker_name = std::move(request.worker_name);
  poll.key = std::move(request.key);
  poll.worker_heartbeats = request.worker_heartbeats;
  poll.wait_end = steady_now + absl::ToChronoNanoseconds(wait);
  poll.hard_end = steady_now + absl::ToChronoNanoseconds(hard);
  poll.done = std::move(done);
  const bool earliest = poll.wait_end < polls_.NextDeadline();
  polls_.Add(std::move(poll));
  Enqueue(polls_.TakeClaims(request.queue));
  lock.unlock();
  if (earliest) timer_cv_.notify_one();
  return id;
}

absl::Status TaskDispatcher::RefusalLocked(const PollRequest& request) const {
  if (request.queue.empty()) return absl::InvalidArgumentError("the queue name is empty");
  if (polls_.size() >= static_cast<size_t>(std::max(0, options_.max_waiting_polls))) {
    return absl::ResourceExhaustedError(StrCat("Too many open polls on this orchestrator (limit ",
                                               options_.max_waiting_polls,
                                               "); back off and poll again"));
  }
  if (polls_.HasKey(request.key)) {
    return absl::InvalidArgumentError(
        StrCat("poll_key '", request.key, "' already names a waiting poll; keys must be unique"));
  }
  return absl::OkStatus();
}

absl::Status TaskDispatcher::CheckPoll(const PollRequest& request) const {
  std::lock_guard<std::mutex> lock(mu_);
  return RefusalLocked(request);
}

void TaskDispatcher::Cancel(PollId id) {
  std::optional<WaitingPoll> poll;
  {
    std::lock_guard<std::mutex> lock(mu_);
    poll = polls_.Remove(id);
  }
  if (poll.has_value()) poll->done(std::nullopt);
}

int TaskDispatcher::Withdraw(const std::vector<std::string>& keys) {
  std::vector<WaitingPoll> withdrawn;
  {
    const SteadyTime now = std::chrono::steady_clock::now();
    std::lock_guard<std::mutex> lock(mu_);
    for (const std::string& key : keys) {
      if (key.empty()) continue;
      if (std::optional<WaitingPoll> poll = polls_.RemoveByKey(key); poll.has_value()) {
        withdrawn.push_back(std::move(*poll));
      } else if (!stopping_) {
        early_withdrawals_.Remember(key, now);
      }
    }
    stats_.withdrawn += static_cast<int64_t>(withdrawn.size());
  }
  for (WaitingPoll& poll : withdrawn) poll.done(std::nullopt);
  return static_cast<int>(withdrawn.size());
}

void TaskDispatcher::ReturnUndelivered(persistence::TaskRecord task) {
  std::lock_guard<std::mutex> lock(mu_);
  ++stats_.undelivered;
  // While stopping no claim thread may be left to run it: the lease ends it.
  if (stopping_) return;
  handoff_jobs_.push_back(HandoffJob{std::move(task), std::nullopt, false});
  jobs_cv_.notify_one();
}

void TaskDispatcher::NotifyQueue(std::string_view queue) {
  std::lock_guard<std::mutex> lock(mu_);
  polls_.MarkDirty(queue);
  Enqueue(polls_.TakeClaims(queue));
}

void TaskDispatcher::SweepAll() {
  std::lock_guard<std::mutex> lock(mu_);
  polls_.MarkAllDirty();
  Enqueue(polls_.TakeAllClaims());
}

size_t TaskDispatcher::waiting_polls() const {
  std::lock_guard<std::mutex> lock(mu_);
  return polls_.size();
}

DispatcherStats TaskDispatcher::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void TaskDispatcher::Enqueue(std::vector<ClaimTicket> tickets) {
  if (tickets.empty()) return;
  for (ClaimTicket& ticket : tickets) jobs_.push_back(std::move(ticket));
  if (tickets.size() == 1) {
    jobs_cv_.notify_one();
  } else {
    jobs_cv_.notify_all();
  }
}

void TaskDispatcher::DispatcherLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto sweep_interval = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(std::max(options_.sweep_interval, absl::Milliseconds(1))));
  // Not at once: every poll registered before Start has its claim queued
  // already, and a sweep racing the first polls would reserve them for a
  // claim when they could be held for a task being committed.
  SteadyTime next_sweep = std::chrono::steady_clock::now() + sweep_interval;
  while (!stopping_) {
    const SteadyTime now = std::chrono::steady_clock::now();
    if (now >= next_sweep) {
      polls_.MarkAllDirty();
      Enqueue(polls_.TakeAllClaims());
      next_sweep = now + sweep_interval;
    }
    std::vector<WaitingPoll> expired = polls_.Expire(now);
    if (!expired.empty()) {
      lock.unlock();
      for (WaitingPoll& poll : expired) poll.done(std::nullopt);
      lock.lock();
      continue;
    }
    timer_cv_.wait_until(lock, std::min(polls_.NextDeadline(), next_sweep));
  }
}

void TaskDispatcher::ClaimLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    jobs_cv_.wait(lock, [this] {
      return stopping_ || !jobs_.empty() || !handoff_jobs_.empty() || !started_jobs_.empty();
    });
    if (!handoff_jobs_.empty()) {
      // First: a worker waits for these (or a released task for a claim).
      HandoffJob job = std::move(handoff_jobs_.front());
      handoff_jobs_.pop_front();
      lock.unlock();
      RunHandoff(job);
      lock.lock();
    } else if (!stopping_ && !jobs_.empty()) {
      ClaimTicket ticket = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      RunClaim(ticket);
      lock.lock();
    } else if (!started_jobs_.empty()) {
      // Claims first; at shutdown the delivered tasks' TaskStarted still go in.
      StartedJob job = std::move(started_jobs_.front());
      started_jobs_.pop_front();
      lock.unlock();
      RunStarted(job);
      lock.lock();
    } else {
      return;  // Stopping, nothing left to record.
    }
  }
}

void TaskDispatcher::RunClaim(const ClaimTicket& ticket) {
  const absl::Time now = clock_.Now();
  ClaimOutcome outcome = ClaimOutcome::kEmpty;
  std::optional<persistence::TaskRecord> task;
  // One commit: the claim sets the lease (ClaimLeaseRule, counted from now)
  // and the first heartbeat itself.
  absl::StatusOr<std::optional<persistence::TaskRecord>> claimed = store_.ClaimTask(
      ticket.queue, ticket.worker_name, ClaimLeaseRule(ticket.worker_heartbeats, options_), now);
  if (!claimed.ok()) {
    outcome = ClaimOutcome::kError;
    Log(StrCat("claiming a task of queue '", ticket.queue, "': ", claimed.status().ToString()));
  } else if (claimed->has_value()) {
    task = **std::move(claimed);
    outcome = ClaimOutcome::kTask;
  }

  ClaimResolution resolution;
  {
    std::lock_guard<std::mutex> lock(mu_);
    resolution = polls_.OnClaimResult(ticket, outcome, std::chrono::steady_clock::now());
    ++stats_.claims;
    if (outcome == ClaimOutcome::kError) ++stats_.errors;
    if (outcome == ClaimOutcome::kTask) {
      ++(resolution.deliver_to.has_value() ? stats_.delivered : stats_.released);
    }
    if (!stopping_) Enqueue(polls_.TakeClaims(ticket.queue));
    if (outcome == ClaimOutcome::kTask && resolution.deliver_to.has_value()) {
      // Delivered first, recorded after (RunStarted): the worker does not
      // wait for that commit. Queued before the delivery so that a local
      // commit of its completion marks it closed.
      StartedJob job{task->execution_arn, task->task_id, resolution.deliver_to->worker_name};
      ++pending_starts_[{job.execution_arn, job.task_id}].jobs;
      started_jobs_.push_back(std::move(job));
      jobs_cv_.notify_one();
    }
  }
  for (WaitingPoll& poll : resolution.answer_empty) poll.done(std::nullopt);
  if (outcome != ClaimOutcome::kTask) return;
  if (!resolution.deliver_to.has_value()) {
    Release(*task);  // Never delivered: no TaskStarted.
    return;
  }
  Deliver(*std::move(task), *std::move(resolution.deliver_to), ticket.worker_heartbeats);
}

void TaskDispatcher::RunStarted(const StartedJob& job) {
  const std::pair<std::string, std::string> key{job.execution_arn, job.task_id};
  bool closed = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed = pending_starts_[key].closed;
  }
  // If the worker's completion was applied first, the engine emitted
  // TaskStarted just before it and ignores this one (no commit then): either
  // way history has one TaskStarted per delivery, before the completion.
  // kFailedPrecondition: the execution ended meanwhile.
  absl::Status status = absl::OkStatus();
  if (!closed) {
    status = executor_.Apply(job.execution_arn, engine::TaskStarted{job.task_id, job.worker_name})
                 .status();
    if (!status.ok() && status.code() != absl::StatusCode::kFailedPrecondition) {
      Log(StrCat("recording TaskStarted for task '", job.task_id, "' of '", job.execution_arn,
                 "': ", status.ToString()));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (closed) {
    ++stats_.started_skipped;
  } else if (status.ok()) {
    ++stats_.started;
  } else if (status.code() != absl::StatusCode::kFailedPrecondition) {
    ++stats_.errors;
  }
  auto it = pending_starts_.find(key);
  if (it != pending_starts_.end() && --it->second.jobs <= 0) pending_starts_.erase(it);
}

void TaskDispatcher::Release(const persistence::TaskRecord& task) {
  const absl::Time now = clock_.Now();
  absl::StatusOr<persistence::TaskRecord> released =
      store_.RecordHeartbeat(task.task_token, now, now);
  if (!released.ok() && released.status().code() != absl::StatusCode::kFailedPrecondition) {
    Log(StrCat("releasing task '", task.task_id, "' of '", task.execution_arn,
               "' (it is handed out again when its lease ends): ", released.status().ToString()));
    return;
  }
  NotifyQueue(task.queue);  // A poll may have arrived meanwhile.
}

void TaskDispatcher::Log(std::string_view message) {
  std::string line;
  {
    std::lock_guard<std::mutex> lock(log_mu_);
    const auto now = std::chrono::steady_clock::now();
    if (last_log_ != std::chrono::steady_clock::time_point() && now - last_log_ < kLogInterval) {
      ++suppressed_logs_;
      return;
    }
    last_log_ = now;
    line = std::string(message);
    if (suppressed_logs_ > 0) {
      line = StrCat(line, " (", suppressed_logs_, " similar messages suppressed)");
      suppressed_logs_ = 0;
    }
  }
  if (options_.log) {
    options_.log(line);
  } else {
    std::fprintf(stderr, "stepwise task dispatcher: %s\n", line.c_str());
  }
}

}  // namespace stepwise::dispatch
