// WaitingPolls: the long polls (PollTask, GetActivityTask) waiting on this
// replica, per queue, and the bookkeeping that decides when to claim a task
// for them. Pure data structure: no threads, no clock, no store; the
// TaskDispatcher drives it under its mutex.
//
//   WaitingPolls polls(/*max_claims_per_queue=*/4);
//   polls.Add(std::move(poll));  // id, queue, worker_name, wait_end, hard_end, done
//   for (const ClaimTicket& ticket : polls.TakeClaims("greeter")) Run(ticket);  // ClaimTask
//   ClaimResolution r = polls.OnClaimResult(ticket, ClaimOutcome::kTask, now);
//   if (r.deliver_to) r.deliver_to->done(task); else Release(task);
//
//   // A task being committed (TaskDispatcher::BeforeCommit) instead:
//   std::optional<HeldPoll> held = polls.Hold("greeter");  // before the commit
//   polls.Unhold(held->id);                               // it failed, or
//   std::optional<WaitingPoll> to = polls.TakeHeld(held->id, "greeter");  // it succeeded
//
// The matching protocol, per queue:
// - A queue is *dirty* when it may hold a claimable task: a poll arrived, a
//   committed step notified it, or a sweep. While dirty and with polls not yet
//   served by a claim in flight, TakeClaims hands out claim tickets, each
//   reserving the oldest unreserved poll (FIFO). One claim at a time until a
//   claim finds a task, then up to max_claims_per_queue at once (a backlog).
// - A claim that finds nothing clears the dirty flag, unless the queue was
//   notified again after the claim started (its generation moved): then the
//   task that caused it may not have been visible yet, and it stays dirty.
// - A task found goes to the poll its ticket reserved, else the oldest other
//   poll; with none left (cancelled, expired) the caller releases it.
// - Each poll has wait_end (answer empty from then on, but only once a claim
//   started after the poll arrived has come back: a "covered" poll, so that
//   wait 0 still tries once) and hard_end (answer empty whatever happens: the
//   call's deadline is near).
// - A *held* poll (Hold) is promised a task that a step is committing: it
//   gets no claim and no other task, and it is not answered empty at its
//   wait_end (only at hard_end), until TakeHeld or Unhold. It may still be
//   removed (Remove, TakeAll, hard_end): TakeHeld then picks another poll.
//
// Not thread-safe.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_WAITING_POLLS_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_WAITING_POLLS_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "persistence/records.h"

namespace stepwise::dispatch {

using SteadyTime = std::chrono::steady_clock::time_point;
using PollId = uint64_t;

// A task claimed for a poll: its lease and first heartbeat are recorded
// (TaskStarted is recorded just after the delivery).
struct DispatchedTask {
  persistence::TaskRecord record;
  // Derived from the execution ARN (empty when it has an unexpected shape).
  std::string state_machine_arn;
  // How long the claim holds without a heartbeat (record.lease_until - claim).
  absl::Duration lease = absl::ZeroDuration();
};

// Called exactly once per accepted poll: with a task, or with nullopt (the
// wait ended, the call was cancelled, the dispatcher shut down). Must be
// quick and must not call back into the dispatcher.
using PollDone = std::function<void(std::optional<DispatchedTask>)>;

struct WaitingPoll {
  PollId id = 0;  // Increasing: a larger id arrived later.
  std::string queue;
  std::string worker_name;
  // The worker's name for it (PollRequest::key), unique among waiting polls;
  // empty: none. RemoveByKey finds it.
  std::string key;
  // Worker.PollTask (the worker heartbeats): claims get the short task lease.
  bool worker_heartbeats = false;
  SteadyTime wait_end;
  SteadyTime hard_end;  // >= wait_end.
  PollDone done;

  // Maintained by WaitingPolls.
  bool reserved = false;  // A claim in flight, or a held task, is meant for this poll.
  bool held = false;      // Reserved by Hold (a task being committed), not by a claim.
  bool overdue = false;   // wait_end passed before a claim covered it.
  SteadyTime timer_at;    // Its entry in the timer set.
};

// One ClaimTask to run for a queue.
struct ClaimTicket {
  std::string queue;
  PollId for_poll = 0;
  std::string worker_name;         // The reserved poll's: recorded as the claimer.
  bool worker_heartbeats = false;  // The reserved poll's: which lease the claim sets.
  uint64_t generation = 0;         // The queue's generation when the claim started.
  PollId covers_up_to = 0;         // Polls with id <= this arrived before the claim.
};

enum class ClaimOutcome {
  kTask,   // A task was claimed and prepared for delivery.
  kEmpty,  // ClaimTask found nothing.
  kError,  // ClaimTask failed (the database is away): retried by the next sweep.
  kGone,   // A task was claimed but closed before it could be delivered.
};

// A poll held for a task being committed (WaitingPolls::Hold).
struct HeldPoll {
  PollId id = 0;
  std::string worker_name;
  bool worker_heartbeats = false;
};

struct ClaimResolution {
  // kTask: the poll to hand the task to (removed from the waiting set);
  // nullopt means nobody wants it any more: release it.
  std::optional<WaitingPoll> deliver_to;
  // Polls to answer empty now (their wait ended and a claim covered them).
  std::vector<WaitingPoll> answer_empty;
};

class WaitingPolls {
 public:
  explicit WaitingPolls(int max_claims_per_queue) : max_claims_per_queue_(max_claims_per_queue) {}

  // Waiting polls, reserved ones included.
  size_t size() const { return index_.size(); }

  // Adds a poll (ids must grow; a non-empty key must not be waiting, see
  // HasKey) and marks its queue dirty.
  void Add(WaitingPoll poll);

  // Removes a waiting poll (a cancelled call); nullopt if it is not waiting.
  std::optional<WaitingPoll> Remove(PollId id);
  // The same, by the poll's key (a withdrawn poll).
  std::optional<WaitingPoll> RemoveByKey(std::string_view key);
  // Whether a waiting poll has this (non-empty) key.
  bool HasKey(std::string_view key) const;

  // The queue may have new tasks. No-op for a queue nobody waits on.
  void MarkDirty(std::string_view queue);
  // A sweep: every queue with waiting polls may have tasks.
  void MarkAllDirty();

  // Claims to start now for `queue` / for every queue; reserves their polls.
  std::vector<ClaimTicket> TakeClaims(std::string_view queue);
  std::vector<ClaimTicket> TakeAllClaims();

  // Reports how a ticket's claim went; see ClaimResolution. Tickets of
  // queues cleared by TakeAll are accepted (nobody to deliver to).
  ClaimResolution OnClaimResult(const ClaimTicket& ticket, ClaimOutcome outcome, SteadyTime now);

  // Holds the oldest unreserved poll of `queue` for a task being committed
  // (see "held" above); nullopt when every poll of it is reserved or none
  // waits.
  std::optional<HeldPoll> Hold(std::string_view queue);
  // The commit failed: poll `id` waits as before (answered empty from its
  // wait_end on). No-op when it is not waiting or not held.
  void Unhold(PollId id);
  // The commit succeeded: removes and returns poll `id` if it still waits,
  // else the oldest unreserved poll of `queue`, else its oldest poll with a
  // claim in flight (that claim's task then goes to another poll, or is
  // released), never another held one; nullopt when none is left (release
  // the task).
  std::optional<WaitingPoll> TakeHeld(PollId id, std::string_view queue);

  // The earliest time Expire may have work; SteadyTime::max() when none.
  SteadyTime NextDeadline() const;
  // Removes and returns the polls to answer empty at `now`.
  std::vector<WaitingPoll> Expire(SteadyTime now);

  // Removes every poll (shutdown).
  std::vector<WaitingPoll> TakeAll();

 private:
  struct QueueState {
    std::map<PollId, WaitingPoll> polls;  // FIFO by id.
    size_t reserved = 0;
    int in_flight = 0;
    int burst = 1;  // Claims allowed at once; grows while claims find tasks.
    uint64_t generation = 0;
    bool dirty = false;
    PollId covered_up_to = 0;
    size_t overdue = 0;
  };

  // Takes `poll` out of `state` (counters and timer included).
  WaitingPoll Extract(QueueState& state, std::map<PollId, WaitingPoll>::iterator it);
  void SetTimer(WaitingPoll& poll, SteadyTime at);
  void Unreserve(QueueState& state, PollId id);
  // Forgets an idle queue (no polls, no claims in flight).
  void MaybeErase(std::string_view queue);
  void AppendClaims(const std::string& queue, QueueState& state, std::vector<ClaimTicket>& out);

  const int max_claims_per_queue_;
  PollId last_id_ = 0;
  std::unordered_map<std::string, QueueState> queues_;
  std::unordered_map<PollId, std::string> index_;  // id -> queue.
  std::unordered_map<std::string, PollId> keys_;   // key -> id, for polls with one.
  std::set<std::pair<SteadyTime, PollId>> timers_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_WAITING_POLLS_H_
