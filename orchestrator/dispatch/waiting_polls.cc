#include "orchestrator/dispatch/waiting_polls.h"

#include <algorithm>
#include <iterator>
#include <string>
#include <utility>

namespace stepwise::dispatch {

void WaitingPolls::Add(WaitingPoll poll) {
  last_id_ = std::max(last_id_, poll.id);
  poll.reserved = false;
  poll.held = false;
  poll.overdue = false;
  if (poll.hard_end < poll.wait_end) poll.hard_end = poll.wait_end;
  QueueState& state = queues_[poll.queue];
  index_.emplace(poll.id, poll.queue);
  if (!poll.key.empty()) keys_.emplace(poll.key, poll.id);
  // A new poll needs a claim of its own: even a claim in flight that comes
  // back empty must not clear the queue before one covers this poll.
  ++state.generation;
  state.dirty = true;
  auto [it, inserted] = state.polls.emplace(poll.id, std::move(poll));
  SetTimer(it->second, it->second.wait_end);
}

void WaitingPolls::SetTimer(WaitingPoll& poll, SteadyTime at) {
  timers_.erase({poll.timer_at, poll.id});
  poll.timer_at = at;
  timers_.emplace(at, poll.id);
}

WaitingPoll WaitingPolls::Extract(QueueState& state, std::map<PollId, WaitingPoll>::iterator it) {
  WaitingPoll poll = std::move(it->second);
  state.polls.erase(it);
  index_.erase(poll.id);
  if (!poll.key.empty()) keys_.erase(poll.key);
  timers_.erase({poll.timer_at, poll.id});
  if (poll.reserved) --state.reserved;
  if (poll.overdue) --state.overdue;
  return poll;
}

void WaitingPolls::MaybeErase(std::string_view queue) {
  auto it = queues_.find(std::string(queue));
  if (it != queues_.end() && it->second.polls.empty() && it->second.in_flight == 0) {
    queues_.erase(it);
  }
}

std::optional<WaitingPoll> WaitingPolls::Remove(PollId id) {
  auto where = index_.find(id);
  if (where == index_.end()) return std::nullopt;
  const std::string queue = where->second;
  QueueState& state = queues_.at(queue);
  WaitingPoll poll = Extract(state, state.polls.find(id));
  MaybeErase(queue);
  return poll;
}

std::optional<WaitingPoll> WaitingPolls::RemoveByKey(std::string_view key) {
  if (key.empty()) return std::nullopt;
  auto it = keys_.find(std::string(key));
  if (it == keys_.end()) return std::nullopt;
  return Remove(it->second);
}

bool WaitingPolls::HasKey(std::string_view key) const {
  return !key.empty() && keys_.count(std::string(key)) > 0;
}

void WaitingPolls::MarkDirty(std::string_view queue) {
  auto it = queues_.find(std::string(queue));
  if (it == queues_.end()) return;
  ++it->second.generation;
  it->second.dirty = true;
}

void WaitingPolls::MarkAllDirty() {
  for (auto& [name, state] : queues_) {
    ++state.generation;
    state.dirty = true;
  }
}

void WaitingPolls::AppendClaims(const std::string& queue, QueueState& state,
                                std::vector<ClaimTicket>& out) {
  const int limit = std::min(state.burst, max_claims_per_queue_);
  auto next = state.polls.begin();
  while (state.dirty && state.in_flight < limit && state.reserved < state.polls.size()) {
    while (next->second.reserved) ++next;  // Exists: fewer reserved than polls.
    WaitingPoll& poll = next->second;
    poll.reserved = true;
    ++state.reserved;
    ++state.in_flight;
    out.push_back(ClaimTicket{queue, poll.id, poll.worker_name, poll.worker_heartbeats,
                              state.generation, last_id_});
  }
}

std::vector<ClaimTicket> WaitingPolls::TakeClaims(std::string_view queue) {
  std::vector<ClaimTicket> tickets;
  auto it = queues_.find(std::string(queue));
  if (it != queues_.end()) AppendClaims(it->first, it->second, tickets);
  return tickets;
}

std::vector<ClaimTicket> WaitingPolls::TakeAllClaims() {
  std::vector<ClaimTicket> tickets;
  for (auto& [name, state] : queues_) AppendClaims(name, state, tickets);
  return tickets;
}

void WaitingPolls::Unreserve(QueueState& state, PollId id) {
  auto it = state.polls.find(id);
  if (it != state.polls.end() && it->second.reserved) {
    it->second.reserved = false;
    --state.reserved;
  }
}

ClaimResolution WaitingPolls::OnClaimResult(const ClaimTicket& ticket, ClaimOutcome outcome,
                                            SteadyTime now) {
  ClaimResolution resolution;
  auto found = queues_.find(ticket.queue);
  if (found == queues_.end()) return resolution;
  QueueState& state = found->second;
  --state.in_flight;

  if (outcome == ClaimOutcome::kTask) {
    // The reserved poll, else the oldest unreserved one, else any: a task in
    // hand is better delivered than released.
    auto it = state.polls.find(ticket.for_poll);
    if (it == state.polls.end()) {
      it = std::find_if(state.polls.begin(), state.polls.end(),
                        [](const auto& entry) { return !entry.second.reserved; });
    }
    if (it == state.polls.end()) {
      it = std::find_if(state.polls.begin(), state.polls.end(),
                        [](const auto& entry) { return !entry.second.held; });
    }
    if (it != state.polls.end()) resolution.deliver_to = Extract(state, it);
    state.burst = std::min(state.burst * 2, max_claims_per_queue_);
    MaybeErase(ticket.queue);
    return resolution;
  }

  Unreserve(state, ticket.for_poll);
  if (outcome == ClaimOutcome::kGone) {
    MaybeErase(ticket.queue);
    return resolution;  // Still dirty: the queue had a task, it may have more.
  }
  state.burst = 1;
  state.covered_up_to = std::max(state.covered_up_to, ticket.covers_up_to);
  // After an error only the sweep tries again, so that an unreachable
  // database is not hammered.
  if (outcome == ClaimOutcome::kError || state.generation == ticket.generation) {
    state.dirty = false;
  }
  if (state.overdue > 0) {
    for (auto it = state.polls.begin();
         it != state.polls.end() && it->first <= state.covered_up_to;) {
      if (!it->second.held && (it->second.overdue || it->second.wait_end <= now)) {
        resolution.answer_empty.push_back(Extract(state, it++));
      } else {
        ++it;
      }
    }
  }
  MaybeErase(ticket.queue);
  return resolution;
}

std::optional<HeldPoll> WaitingPolls::Hold(std::string_view queue) {
  auto found = queues_.find(std::string(queue));
  if (found == queues_.end()) return std::nullopt;
  QueueState& state = found->second;
  for (auto& [id, poll] : state.polls) {
    if (poll.reserved) continue;
    poll.reserved = true;
    poll.held = true;
    ++state.reserved;
    return HeldPoll{id, poll.worker_name, poll.worker_heartbeats};
  }
  return std::nullopt;
}

void WaitingPolls::Unhold(PollId id) {
  auto where = index_.find(id);
  if (where == index_.end()) return;
  QueueState& state = queues_.at(where->second);
  WaitingPoll& poll = state.polls.at(id);
  if (!poll.held) return;
  poll.held = false;
  poll.reserved = false;
  --state.reserved;
  SetTimer(poll, poll.overdue ? poll.hard_end : poll.wait_end);
}

std::optional<WaitingPoll> WaitingPolls::TakeHeld(PollId id, std::string_view queue) {
  auto found = queues_.find(std::string(queue));
  if (found == queues_.end()) return std::nullopt;
  QueueState& state = found->second;
  auto it = state.polls.find(id);
  if (it == state.polls.end()) {
    it = std::find_if(state.polls.begin(), state.polls.end(),
                      [](const auto& entry) { return !entry.second.reserved; });
  }
  if (it == state.polls.end()) {
    it = std::find_if(state.polls.begin(), state.polls.end(),
                      [](const auto& entry) { return !entry.second.held; });
  }
  if (it == state.polls.end()) return std::nullopt;
  WaitingPoll poll = Extract(state, it);
  MaybeErase(queue);
  return poll;
}

SteadyTime WaitingPolls::NextDeadline() const {
  return timers_.empty() ? SteadyTime::max() : timers_.begin()->first;
}

std::vector<WaitingPoll> WaitingPolls::Expire(SteadyTime now) {
  std::vector<WaitingPoll> expired;
  while (!timers_.empty() && timers_.begin()->first <= now) {
    const PollId id = timers_.begin()->second;
    const std::string queue = index_.at(id);
    QueueState& state = queues_.at(queue);
    auto it = state.polls.find(id);
    WaitingPoll& poll = it->second;
    if (poll.held && now < poll.hard_end) {
      SetTimer(poll, poll.hard_end);  // Its task is being committed; Unhold re-arms wait_end.
    } else if (now >= poll.hard_end || id <= state.covered_up_to) {
      expired.push_back(Extract(state, it));
      MaybeErase(queue);
    } else {
      // Not tried yet (wait 0, or a claim still running): the claim result
      // answers it, or hard_end does.
      poll.overdue = true;
      ++state.overdue;
      SetTimer(poll, poll.hard_end);
    }
  }
  return expired;
}

std::vector<WaitingPoll> WaitingPolls::TakeAll() {
  std::vector<WaitingPoll> all;
  all.reserve(index_.size());
  for (auto& [name, state] : queues_) {
    for (auto& [id, poll] : state.polls) all.push_back(std::move(poll));
  }
  queues_.clear();
  index_.clear();
  keys_.clear();
  timers_.clear();
  return all;
}

}  // namespace stepwise::dispatch
