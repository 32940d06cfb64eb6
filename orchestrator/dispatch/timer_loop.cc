#include "orchestrator/dispatch/timer_loop.h"

#include <algorithm>
#include <iostream>
#include <utility>
#include <vector>

#include "common/status_macros.h"
#include "common/str_cat.h"

namespace stepwise::dispatch {
namespace {

using Steady = std::chrono::steady_clock;

bool PositiveFinite(absl::Duration d) {
  return d > absl::ZeroDuration() && d != absl::InfiniteDuration();
}

Steady::duration ToSteady(absl::Duration d) {
  return std::chrono::duration_cast<Steady::duration>(absl::ToChronoNanoseconds(d));
}

}  // namespace

absl::Status ValidateTimerLoopOptions(const TimerLoopOptions& options) {
  if (options.owner.empty()) {
    return absl::InvalidArgumentError("TimerLoopOptions.owner must name this replica");
  }
  if (options.batch_limit < 1) {
    return absl::InvalidArgumentError(
        StrCat("TimerLoopOptions.batch_limit must be at least 1, not ", options.batch_limit));
  }
  if (!PositiveFinite(options.poll_interval)) {
    return absl::InvalidArgumentError("TimerLoopOptions.poll_interval must be positive and finite");
  }
  if (!PositiveFinite(options.lease)) {
    return absl::InvalidArgumentError("TimerLoopOptions.lease must be positive and finite");
  }
  if (!PositiveFinite(options.retry_delay)) {
    return absl::InvalidArgumentError("TimerLoopOptions.retry_delay must be positive and finite");
  }
  return absl::OkStatus();
}

TimerLoop::TimerLoop(persistence::ExecutionStore& store, service::ExecutionExecutor& executor,
                     const Clock& clock, TimerLoopOptions options)
    : store_(store),
      executor_(executor),
      clock_(clock),
      options_(std::move(options)),
      next_run_(Steady::now()) {}

TimerLoop::~TimerLoop() { Stop(); }

absl::StatusOr<int> TimerLoop::RunOnce() {
  RETURN_IF_ERROR(ValidateTimerLoopOptions(options_));
  const absl::Time now = clock_.Now();
  ASSIGN_OR_RETURN(
      std::vector<persistence::TimerRecord> due,
      store_.ClaimDueTimers(now, options_.batch_limit, options_.owner, now + options_.lease));
  for (const persistence::TimerRecord& timer : due) {
    // Unfired claims come back when their lease ends (to any replica).
    if (stopping_.load()) break;
    Fire(timer);
  }
  return static_cast<int>(due.size());
}

void TimerLoop::Fire(const persistence::TimerRecord& timer) {
  absl::Status fired = executor_.FireTimer(timer.execution_arn, timer.timer_id, options_.owner);
  std::pair<std::string, std::string> key{timer.execution_arn, timer.timer_id};
  // kFailedPrecondition: the execution ended (the timer was dropped) or
  // another replica took the timer over after our lease ran out.
  if (fired.ok() || fired.code() == absl::StatusCode::kFailedPrecondition) {
    std::lock_guard<std::mutex> lock(failures_mu_);
    failures_.erase(key);
    return;
  }
  int failures = 0;
  {
    std::lock_guard<std::mutex> lock(failures_mu_);
    // Entries of timers another replica fired are never erased: keep it small.
    if (failures_.size() >= 10'000) failures_.clear();
    failures = ++failures_[key];
  }
  absl::Duration delay = options_.retry_delay;
  for (int i = 1; i < failures && delay < options_.lease; ++i) delay *= 2;
  delay = std::min(delay, options_.lease);
  // Give the claim back, due again soon, rather than hold it until the lease
  // ends (any replica may take it then).
  const absl::Time retry_at = clock_.Now() + delay;
  const absl::Status released =
      store_.RescheduleTimer(timer.execution_arn, timer.timer_id, options_.owner, retry_at);
  std::cerr << "stepwise timer loop '" << options_.owner << "': timer '" << timer.timer_id
            << "' of execution '" << timer.execution_arn << "' failed (";
  if (released.ok()) {
    std::cerr << "retried in " << absl::FormatDuration(delay);
  } else {
    std::cerr << "retried when its lease ends; giving it back failed too: " << released;
  }
  std::cerr << "): " << fired << "\n";
  if (released.ok()) Wake(retry_at);
}

absl::Status TimerLoop::Start() {
  RETURN_IF_ERROR(ValidateTimerLoopOptions(options_));
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (thread_.joinable()) return absl::OkStatus();
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = false;
    next_run_ = Steady::now();
  }
  thread_ = std::thread(&TimerLoop::Run, this);
  return absl::OkStatus();
}

void TimerLoop::Stop() {
  std::lock_guard<std::mutex> lifecycle(lifecycle_mu_);
  if (!thread_.joinable()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void TimerLoop::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    // Re-read next_run_ after every wakeup: Wake may have moved it earlier.
    while (!stopping_ && Steady::now() < next_run_) wake_.wait_until(lock, next_run_);
    if (stopping_) return;
    // Set before the run, so that a Wake during the run can still lower it.
    next_run_ = Steady::now() + ToSteady(options_.poll_interval);
    lock.unlock();
    absl::StatusOr<int> claimed = RunOnce();
    if (!claimed.ok()) {
      std::cerr << "stepwise timer loop '" << options_.owner
                << "': claiming due timers failed (retrying at the next poll): " << claimed.status()
                << "\n";
    }
    lock.lock();
    // A full batch means more may be due: go again at once.
    if (claimed.ok() && *claimed >= options_.batch_limit) next_run_ = Steady::now();
  }
}

void TimerLoop::Wake(absl::Time fire_at) {
  const absl::Duration delay = std::max(fire_at - clock_.Now(), absl::ZeroDuration());
  // next_run_ is never later than one poll_interval from now.
  if (delay >= options_.poll_interval) return;
  const Steady::time_point at = Steady::now() + ToSteady(delay);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (at >= next_run_) return;
    next_run_ = at;
  }
  wake_.notify_all();
}

void TimerLoop::OnCommitted(const persistence::StepUpdate& update) {
  if (update.new_timers.empty()) return;
  absl::Time earliest = absl::InfiniteFuture();
  for (const persistence::TimerRecord& timer : update.new_timers) {
    earliest = std::min(earliest, timer.fire_at);
  }
  Wake(earliest);
}

}  // namespace stepwise::dispatch
