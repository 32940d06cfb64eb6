#include "orchestrator/service/execution_waiter.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "common/str_cat.h"

namespace stepwise::service {
namespace {

using SteadyClock = std::chrono::steady_clock;

// A duration the steady clock can add without overflowing (about 100 years
// at most, never negative).
SteadyClock::duration ToSteady(absl::Duration d) {
  d = std::clamp(d, absl::ZeroDuration(), absl::Hours(24 * 365 * 100));
  return std::chrono::duration_cast<SteadyClock::duration>(absl::ToChronoNanoseconds(d));
}

absl::Status Cancelled(std::string_view arn) {
  return absl::CancelledError(StrCat("Stopped waiting for '", arn, "': the call was cancelled"));
}

}  // namespace

ExecutionWaiter::ExecutionWaiter(persistence::ExecutionStore& store, ExecutionWaiterOptions options)
    : store_(store), options_(std::move(options)) {}

void ExecutionWaiter::OnCommitted(const persistence::StepUpdate& update) {
  if (update.status == persistence::ExecutionStatus::kRunning) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(update.execution_arn);
  if (it == slots_.end()) return;
  Slot& slot = *it->second;
  slot.last_close =
      Closed{update.status, update.output, update.error, update.cause, update.stop_time};
  ++slot.closes;
  it->second->cv.notify_all();
}

int ExecutionWaiter::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  int total = 0;
  for (const auto& [arn, slot] : slots_) total += slot->waiters;
  return total;
}

ExecutionWaiter::Ticket ExecutionWaiter::Register(std::string_view execution_arn) {
  std::string arn(execution_arn);
  std::lock_guard<std::mutex> lock(mu_);
  std::shared_ptr<Slot>& entry = slots_[arn];
  if (!entry) entry = std::make_shared<Slot>();
  ++entry->waiters;
  return Ticket(this, std::move(arn), entry, entry->closes);
}

void ExecutionWaiter::Unregister(const std::string& execution_arn, Slot& slot) {
  std::lock_guard<std::mutex> lock(mu_);
  if (--slot.waiters == 0) slots_.erase(execution_arn);
}

absl::StatusOr<persistence::ExecutionRecord> ExecutionWaiter::WaitUntilClosed(
    std::string_view execution_arn, absl::Duration timeout,
    const std::function<bool()>& cancelled) {
  // Register before the first read: a close committed after it bumps
  // `closes`; one committed before it is what the read sees.
  Ticket ticket = Register(execution_arn);
  absl::StatusOr<persistence::ExecutionRecord> record = store_.GetExecution(ticket.arn_);
  return Wait(ticket, std::move(record), timeout, cancelled);
}

absl::StatusOr<persistence::ExecutionRecord> ExecutionWaiter::WaitUntilClosed(
    Ticket ticket, persistence::ExecutionRecord started, absl::Duration timeout,
    const std::function<bool()>& cancelled) {
  return Wait(ticket, std::move(started), timeout, cancelled);
}

absl::StatusOr<persistence::ExecutionRecord> ExecutionWaiter::Wait(
    Ticket& ticket, absl::StatusOr<persistence::ExecutionRecord> record, absl::Duration timeout,
    const std::function<bool()>& cancelled) {
  const SteadyClock::time_point deadline = SteadyClock::now() + ToSteady(timeout);
  const SteadyClock::duration poll = std::max(ToSteady(options_.poll_interval),
                                              SteadyClock::duration(std::chrono::milliseconds(1)));
  const std::string& arn = ticket.arn_;
  Slot& slot = *ticket.slot_;
  uint64_t& seen = ticket.seen_;
  while (true) {
    if (!record.ok() || record->status != persistence::ExecutionStatus::kRunning) {
      return record;
    }
    const SteadyClock::time_point now = SteadyClock::now();
    if (now >= deadline) {
      // A caller gone meanwhile is told so (its execution may run on), not
      // that time ran out.
      if (cancelled && cancelled()) return Cancelled(arn);
      return absl::DeadlineExceededError(
          StrCat("Execution '", arn, "' was still RUNNING after ", absl::FormatDuration(timeout)));
    }
    std::unique_lock<std::mutex> lock(mu_);
    slot.cv.wait_until(lock, std::min(deadline, now + poll), [&] { return slot.closes != seen; });
    if (slot.closes != seen) {
      // This replica committed the close after the read above: its outcome
      // is what a read would return now.
      const Closed& closed = slot.last_close;
      record->status = closed.status;
      record->output = closed.output;
      record->error = closed.error;
      record->cause = closed.cause;
      record->stop_time = closed.stop_time;
      seen = slot.closes;
      continue;
    }
    lock.unlock();
    // Only once a wait ended without a close, not before the first: the
    // synchronous gRPC server's IsCancelled polls the call's completion
    // queue (a futex wait with a timeout), a cost every StartSyncExecution
    // paid while most end within milliseconds. A cancelled call is noticed
    // within poll_interval.
    if (cancelled && cancelled()) return Cancelled(arn);
    record = store_.GetExecution(arn);
  }
}

}  // namespace stepwise::service
