// TaskDispatcher's CommitObserver side (task_dispatcher.h, "Direct
// handoff"): holding polls for the tasks a step is about to commit, handing
// them over once it committed, and wakeups for the rest; plus the delivery of
// a claimed task, shared with the claim threads.
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/str_cat.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/store_rules.h"

namespace stepwise::dispatch {

void TaskDispatcher::BeforeCommit(persistence::StepUpdate& update) {
  if (update.new_tasks.empty()) return;
  // The claim's time as the store keeps it (microseconds), so that the
  // delivered record is the stored one.
  const absl::Time now = persistence::FromMicros(persistence::ToMicros(clock_.Now()));
  std::lock_guard<std::mutex> lock(mu_);
  if (!started_ || stopping_) return;  // Nobody would deliver it.
  for (persistence::TaskRecord& task : update.new_tasks) {
    if (task.claim.has_value()) continue;
    std::optional<HeldPoll> poll = polls_.Hold(task.queue);
    if (!poll.has_value()) continue;
    // The lease ClaimTask would give it for this poll (ClaimLeaseRule).
    const absl::Duration lease =
        persistence::TaskLeaseFor(task, ClaimLeaseRule(poll->worker_heartbeats, options_));
    task.claim = persistence::TaskClaim{poll->worker_name, now, now + lease};
    held_[{update.execution_arn, task.task_id}] = Held{poll->id, poll->worker_heartbeats};
  }
}

void TaskDispatcher::AfterCommitFailed(const persistence::StepUpdate& update) {
  std::set<std::string_view> queues;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const persistence::TaskRecord& task : update.new_tasks) {
      auto it = held_.find({update.execution_arn, task.task_id});
      if (!task.claim.has_value() || it == held_.end()) continue;
      polls_.Unhold(it->second.poll);
      held_.erase(it);
      queues.insert(task.queue);
    }
    // The polls wait again: they may be due a claim, or past their wait.
    for (std::string_view queue : queues) Enqueue(polls_.TakeClaims(queue));
  }
  if (!queues.empty()) timer_cv_.notify_one();
}

void TaskDispatcher::OnCommitted(const persistence::StepUpdate& update) {
  const bool closes_tasks =
      !update.completed_task_ids.empty() || !update.cancelled_task_ids.empty() ||
      !update.timed_out_task_ids.empty() || update.status != persistence::ExecutionStatus::kRunning;
  if (update.new_tasks.empty() && !closes_tasks) return;
  std::set<std::string_view> queues;  // Of PENDING new tasks: claimed from.
  std::vector<std::pair<WaitingPoll, DispatchedTask>> deliveries;
  // Shutting down: no claim thread may be left. Each is a store call on this
  // thread, which may be a commit batch's leader: the batch's other callers
  // then wait for it too, only while the replica stops.
  std::vector<HandoffJob> inline_handoffs;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closes_tasks && !pending_starts_.empty()) {
      auto close = [&](const std::string& task_id) {
        auto it = pending_starts_.find({update.execution_arn, task_id});
        if (it != pending_starts_.end()) it->second.closed = true;
      };
      if (update.status != persistence::ExecutionStatus::kRunning) {
        for (auto it = pending_starts_.lower_bound({update.execution_arn, ""});
             it != pending_starts_.end() && it->first.first == update.execution_arn; ++it) {
          it->second.closed = true;
        }
      }
      for (const std::string& id : update.completed_task_ids) close(id);
      for (const std::string& id : update.cancelled_task_ids) close(id);
      for (const std::string& id : update.timed_out_task_ids) close(id);
    }
    for (const persistence::TaskRecord& task : update.new_tasks) {
      auto it =
          task.claim.has_value() ? held_.find({update.execution_arn, task.task_id}) : held_.end();
      if (it == held_.end()) {
        if (!task.claim.has_value()) queues.insert(task.queue);
        continue;
      }
      const Held held = it->second;
      held_.erase(it);
      // The row the commit wrote (TaskRecord::claim).
      persistence::TaskRecord record = task;
      record.execution_arn = update.execution_arn;
      record.status = persistence::TaskStatus::kClaimed;
      record.worker_id = task.claim->worker_id;
      record.lease_until = task.claim->lease_until;
      record.last_heartbeat = task.claim->claimed_at;
      record.delivery_count = 1;
      record.claim.reset();
      std::optional<WaitingPoll> to = polls_.TakeHeld(held.poll, task.queue);
      // TaskStarted went into the commit itself (CommitObserver::BeforeCommit).
      if (to.has_value()) {
        ++stats_.delivered;
        ++stats_.direct;
      } else {
        ++stats_.released;
      }
      if (to.has_value() && to->worker_heartbeats == held.worker_heartbeats) {
        DispatchedTask dispatched;
        dispatched.state_machine_arn = StateMachineArnOf(record.execution_arn);
        dispatched.lease = *record.lease_until - *record.last_heartbeat;
        dispatched.record = std::move(record);
        deliveries.emplace_back(*std::move(to), std::move(dispatched));
        continue;
      }
      // Its poll went away (release it), or the next one is of the other
      // kind (adjust its lease): a store call, not on this thread.
      HandoffJob job{std::move(record), std::move(to), held.worker_heartbeats};
      if (stopping_) {
        inline_handoffs.push_back(std::move(job));
      } else {
        handoff_jobs_.push_back(std::move(job));
        jobs_cv_.notify_one();
      }
    }
    for (std::string_view queue : queues) {
      polls_.MarkDirty(queue);
      Enqueue(polls_.TakeClaims(queue));
    }
  }
  for (auto& [poll, task] : deliveries) poll.done(std::move(task));
  for (HandoffJob& job : inline_handoffs) RunHandoff(job);
}

void TaskDispatcher::RunHandoff(HandoffJob& job) {
  if (!job.deliver_to.has_value()) {
    // Never delivered, though its step recorded TaskStarted: the next claim
    // delivers it (at-least-once), and no second TaskStarted follows.
    Release(job.task);
    return;
  }
  Deliver(std::move(job.task), *std::move(job.deliver_to), job.claimed_for_heartbeats);
}

void TaskDispatcher::Deliver(persistence::TaskRecord task, WaitingPoll to,
                             bool claimed_for_heartbeats) {
  const absl::Time now = clock_.Now();
  if (to.worker_heartbeats != claimed_for_heartbeats) {
    // Claimed for a poll of the other kind (a Lambda function and an activity
    // of one name share a queue): give it the lease its receiver expects.
    const absl::Time lease_until =
        now + persistence::TaskLeaseFor(task, ClaimLeaseRule(to.worker_heartbeats, options_));
    absl::StatusOr<persistence::TaskRecord> moved =
        store_.RecordHeartbeat(task.task_token, now, lease_until);
    if (moved.ok()) {
      task.lease_until = moved->lease_until;
      task.last_heartbeat = moved->last_heartbeat;
    } else {
      Log(StrCat("adjusting the lease of task '", task.task_id, "' of '", task.execution_arn,
                 "': ", moved.status().ToString()));
    }
  }
  DispatchedTask dispatched;
  dispatched.state_machine_arn = StateMachineArnOf(task.execution_arn);
  // Both as stored (microseconds): the claim's (or adjustment's) own lease.
  if (task.lease_until.has_value()) {
    dispatched.lease = *task.lease_until - task.last_heartbeat.value_or(now);
  }
  dispatched.record = std::move(task);
  to.done(std::move(dispatched));
}

}  // namespace stepwise::dispatch
