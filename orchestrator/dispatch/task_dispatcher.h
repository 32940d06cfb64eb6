// TaskDispatcher: matches long polls (Worker.PollTask, States.GetActivityTask)
// with committed tasks, on one replica. Many replicas run one each over the
// same database; the store's ClaimTask leases make sure that a task goes to
// one worker at a time, whichever replica it polled.
//
//   TaskDispatcher dispatcher(store, executor, clock);
//   fanout.Add(&dispatcher);  // local commits wake polls at once
//   // Other replicas' commits too: persistence/postgres/task_listener.h with
//   // on_notify -> dispatcher.NotifyQueue(queue), on_resync -> dispatcher.SweepAll().
//   dispatcher.Start();
//   PollRequest request;
//   request.queue = "greeter";
//   request.wait = absl::Seconds(60);
//   absl::StatusOr<PollId> id =
//       dispatcher.Poll(request, [](std::optional<DispatchedTask> task) { ... });
//   ...  // the client went away: dispatcher.Cancel(*id);
//   dispatcher.Shutdown();  // answers every waiting poll empty
//
// Direct handoff: a task that a local step creates while a poll of its queue
// waits unreserved needs no claim. BeforeCommit (on the committing thread,
// right before CommitStep/CreateExecution) holds the oldest such poll per new
// task and sets the task's claim (TaskRecord::claim: the poll's worker_name,
// ClaimLeaseRule's lease counted from now), so the step's own commit inserts
// it CLAIMED, exactly as ClaimTask would leave it, and the executor records
// its TaskStarted in that same step; OnCommitted, once the commit returned
// OK, calls the poll's `done` with it on the committing thread (no store
// call). A task scheduled and taken costs one commit. A held poll gets
// no claim and no other task, and is not answered empty before its hard end.
// AfterCommitFailed lets the held polls wait again (a task whose commit went
// through despite the error waits for its lease: at-least-once). A held poll
// that left before the commit returned passes its task to the queue's next
// waiting poll (the recorded worker_id stays the first poll's), else a claim
// thread releases it (see below); its TaskStarted is then already in history
// and the delivery that reaches a worker adds another, as redeliveries do.
//
// Threads: Poll/Cancel/NotifyQueue/BeforeCommit/AfterCommitFailed/
// OnCommitted only take a mutex and queue work or call `done` (safe on gRPC
// callback threads and in CommitObserver). One dispatcher
// thread ends waits and runs the periodic sweep (every sweep_interval each
// queue with waiting polls is claimed from again: notifications can be lost,
// and a dead worker's lease ends without one). A small pool of claim threads
// does the store calls: ClaimTask (one commit that also sets the lease and
// the first heartbeat, both counted from the claim), then the delivery, then
// ExecutionExecutor::Apply(TaskStarted) (kFailedPrecondition, a closed
// execution, is ignored). The worker never waits for TaskStarted's commit:
// when its completion is applied first, the engine emits TaskStarted right
// before the completion and ignores the late one, so history always shows
// one TaskStarted per delivery before the task's completion.
//
// Lease (how long a claim holds before the task is handed out again; see
// ClaimLeaseRule, ClaimTask applies it). Worker.PollTask polls
// (PollRequest::worker_heartbeats): options.task_lease (60 s), shorter for a
// state whose HeartbeatSeconds + margin is less; the worker learns it
// (Task.lease_seconds) and heartbeats every third of it, and each
// SendTaskHeartbeat extends the lease by as much again. So a task whose
// claimer died before delivering it, or whose worker died, is handed out
// again within a minute. GetActivityTask polls (AWS activity workers need not
// heartbeat, and a task is never redelivered while they may still run it):
// HeartbeatSeconds + margin when set, else TimeoutSeconds, else
// options.default_lease (5 minutes). The margin (10%, at least 5 s,
// persistence::HeartbeatLeaseMargin) makes the heartbeat timeout
// (States.HeartbeatTimeout) fire before the lease would hand the task out.
//
// A task claimed (by ClaimTask or by its step's commit) for a poll that went
// away meanwhile (cancelled, expired, shutdown) goes to the queue's next
// waiting poll, else it is released:
// RecordHeartbeat(token, now, lease_until = now) ends its lease so any
// replica's next claim takes it (its delivery_count still grew by one; no
// TaskStarted, since nobody got it). A task handed to a call whose client
// vanishes in the same instant is not lost either: it stays claimed until
// its lease ends and is then delivered again (at-least-once). That is why
// workers withdraw polls (Withdraw, by the key they gave the poll) rather
// than cancel them: under mu_ a poll either still waits, and is answered
// empty, or has its task, whose answer then reaches the worker.
//
// Thread-safe.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_TASK_DISPATCHER_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_TASK_DISPATCHER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "orchestrator/dispatch/early_withdrawals.h"
#include "orchestrator/dispatch/waiting_polls.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::dispatch {

struct TaskDispatcherOptions {
  // How often every queue with waiting polls is claimed from, notified or not.
  absl::Duration sweep_interval = absl::Seconds(1);
  // Open polls on this replica; more get kResourceExhausted
  // (ActivityWorkerLimitExceeded).
  int max_waiting_polls = 20000;
  // GetActivityTask: the lease of a task with neither HeartbeatSeconds nor
  // TimeoutSeconds.
  absl::Duration default_lease = absl::Minutes(5);
  // Worker.PollTask: the lease of every delivery (at most; a state's
  // HeartbeatSeconds + margin may make it shorter). Positive.
  absl::Duration task_lease = absl::Seconds(60);
  // The longest a poll waits (PollTask and GetActivityTask: 60 s).
  absl::Duration max_wait = absl::Seconds(60);
  // A poll is answered this long before its call's deadline at the latest.
  absl::Duration deadline_margin = absl::Milliseconds(500);
  // Threads doing store calls (claims, releases, TaskStarted). Each claim
  // waits for two commits (the claim, then TaskStarted after the delivery),
  // so with fewer threads a busy queue's tasks wait in line for a thread, not
  // for the database (bench/durable).
  int claim_threads = 16;
  // Claims in flight for one queue at most (while a backlog drains).
  int max_claims_per_queue = 16;
  // Store errors go here (default: stderr); at most one line per 10 s.
  std::function<void(std::string_view)> log;
};

struct PollRequest {
  std::string queue;
  std::string worker_name;  // Recorded as the task's worker_id.
  // How long to wait for a task; capped at max_wait. Zero or less: try once.
  absl::Duration wait = absl::Seconds(60);
  // The call's deadline: the poll is answered deadline_margin before it.
  absl::Time deadline = absl::InfiniteFuture();
  // Optional (Worker.PollTask's poll_key): names the poll for Withdraw.
  // Valid keys: ValidatePollKey; unique among waiting polls.
  std::string key;
  // True for Worker.PollTask: the worker heartbeats every lease / 3, so the
  // claim gets the short task_lease. False for GetActivityTask (see the lease
  // rules above).
  bool worker_heartbeats = false;
};

// kInvalidArgument (naming the problem) unless `queue` is 1 to 256
// characters without whitespace or control characters. Looser than AWS's
// name rules because a queue may be a whole resource string.
absl::Status ValidateQueueName(std::string_view queue);
// kInvalidArgument (naming the problem) unless `key` is 1 to 128 printable
// ASCII characters.
absl::Status ValidatePollKey(std::string_view key);

// The lease rule of a claim for a poll (see "Lease" above);
// ExecutionStore::ClaimTask applies it in the claim's own write.
persistence::TaskLeaseRule ClaimLeaseRule(bool worker_heartbeats,
                                          const TaskDispatcherOptions& options);

// arn:aws:states:R:A:execution:SM:NAME and arn:aws:states:R:A:express:SM:NAME:UUID
// -> arn:aws:states:R:A:stateMachine:SM; empty for anything else.
std::string StateMachineArnOf(std::string_view execution_arn);

// Counters since the dispatcher was made (for operators and tests).
struct DispatcherStats {
  int64_t claims = 0;       // ClaimTask calls finished (found a task or not).
  int64_t delivered = 0;    // Tasks handed to a poll.
  int64_t released = 0;     // Tasks claimed for a poll that had gone, released.
  int64_t undelivered = 0;  // Tasks whose call failed as they went out (ReturnUndelivered).
  int64_t withdrawn = 0;    // Waiting polls answered empty by Withdraw.
  int64_t errors = 0;       // Store calls that failed.
  // TaskStarted applied after a claim's delivery (a direct handoff's is in
  // its step's commit).
  int64_t started = 0;
  // Of `delivered`: claimed by the step that created them (BeforeCommit),
  // with no ClaimTask.
  int64_t direct = 0;
  // TaskStarted not applied: a commit on this replica closed the task (its
  // completion emitted TaskStarted) or its execution before it was due.
  int64_t started_skipped = 0;
};

class TaskDispatcher final : public service::CommitObserver {
 public:
  // `store`, `executor` and `clock` must outlive the dispatcher. The clock
  // gives the store's "now" (claims, leases); waits use the steady clock.
  TaskDispatcher(persistence::ExecutionStore& store, service::ExecutionExecutor& executor,
                 const Clock& clock, TaskDispatcherOptions options = {});
  TaskDispatcher(const TaskDispatcher&) = delete;
  TaskDispatcher& operator=(const TaskDispatcher&) = delete;
  ~TaskDispatcher() override;  // Shutdown().

  // Starts the dispatcher and claim threads. Polls accepted before wait for
  // it. No-op when started or shut down.
  void Start();

  // Answers every waiting poll empty (promptly: no store call in between),
  // lets claims in flight finish (releasing what they claimed), joins the
  // threads. Later polls are answered empty at once. Idempotent; concurrent
  // calls return once it is done.
  void Shutdown();

  // Registers a long poll. On OK, `done` is called exactly once, maybe before
  // Poll returns (after Shutdown it is called at once, empty).
  // kInvalidArgument: empty queue, a key that a waiting poll has.
  // kResourceExhausted: max_waiting_polls are
  // open (`done` is not called).
  absl::StatusOr<PollId> Poll(PollRequest request, PollDone done);

  // What Poll would refuse `request` with right now (kResourceExhausted,
  // kInvalidArgument), registering nothing: for a call that has work to do
  // before its poll (CompleteAndPollTask), so that the usual refusals come
  // before that work. Poll checks again (the state may change in between).
  absl::Status CheckPoll(const PollRequest& request) const;

  // The poll's call was cancelled: it stops waiting and never gets a task;
  // its `done` runs now (empty) unless it already ran. Unknown ids are ignored.
  void Cancel(PollId id);

  // Worker.WithdrawPolls: each poll with one of these keys that still waits
  // is answered empty now, as Cancel does (one that has its task keeps it:
  // its answer is on the way); a key no poll waits with is remembered for
  // 30 s, and a poll that arrives with it is answered empty at once. Unlike
  // the worker cancelling its call, this never loses a task on the way.
  // Returns how many waiting polls it answered.
  int Withdraw(const std::vector<std::string>& keys);

  // A task handed to a poll whose call then failed before its client got the
  // answer (the worker withdrew its poll just as the task went out: gRPC
  // reports it as the call's cancellation after Finish). Nobody runs it, so
  // its lease is ended at once (on a claim thread, like Release) and the
  // next poll takes it, instead of the task waiting out its lease (60 s for
  // PollTask). Its TaskStarted stays in history; the next delivery adds one.
  void ReturnUndelivered(persistence::TaskRecord task);

  // `queue` may have new tasks (a local commit, a NOTIFY from any replica).
  void NotifyQueue(std::string_view queue);
  // Claim from every queue with waiting polls (after a missed notification).
  void SweepAll();

  // CommitObserver. BeforeCommit holds a waiting poll per new task whose
  // queue has an unreserved one and gives the task its claim (that poll's
  // worker and lease, ClaimLeaseRule, counted from now); AfterCommitFailed
  // lets the held polls wait again. OnCommitted hands the claimed tasks to
  // their polls (on the calling thread; see "Direct handoff" above) and wakes
  // the polls of the other new tasks' queues.
  void BeforeCommit(persistence::StepUpdate& update) override;
  void AfterCommitFailed(const persistence::StepUpdate& update) override;
  void OnCommitted(const persistence::StepUpdate& update) override;

  // Polls waiting right now.
  size_t waiting_polls() const;
  DispatcherStats stats() const;

 private:
  void DispatcherLoop();
  void ClaimLoop();
  void RunClaim(const ClaimTicket& ticket);
  // Records TaskStarted for a delivered task, unless it closed meanwhile.
  struct StartedJob {
    std::string execution_arn;
    std::string task_id;
    std::string worker_name;  // The poll's: ActivityStarted's workerName.
  };
  void RunStarted(const StartedJob& job);
  // A task claimed by its step's commit for a poll that went away, or for a
  // poll of the other kind: released, or its lease adjusted, off the
  // committing thread.
  struct HandoffJob {
    persistence::TaskRecord task;
    std::optional<WaitingPoll> deliver_to;  // nullopt: release it.
    bool claimed_for_heartbeats = false;
  };
  void RunHandoff(HandoffJob& job);
  // Requires mu_. Queues claims for the claim threads.
  void Enqueue(std::vector<ClaimTicket> tickets);
  // CheckPoll's answer; mu_ held.
  absl::Status RefusalLocked(const PollRequest& request) const;
  // Ends the claim's lease so another claim takes the task at once.
  void Release(const persistence::TaskRecord& task);
  // Hands a claimed task to `to`, first giving it the lease `to` expects when
  // it was claimed for a poll of the other kind (one store call then).
  void Deliver(persistence::TaskRecord task, WaitingPoll to, bool claimed_for_heartbeats);
  void Log(std::string_view message);

  persistence::ExecutionStore& store_;
  service::ExecutionExecutor& executor_;
  const Clock& clock_;
  const TaskDispatcherOptions options_;

  // std::mutex: Debian's Abseil is not TSan-built.
  mutable std::mutex mu_;
  std::condition_variable timer_cv_;  // Wakes the dispatcher thread.
  std::condition_variable jobs_cv_;   // Wakes claim threads.
  WaitingPolls polls_;
  EarlyWithdrawals early_withdrawals_;
  std::deque<ClaimTicket> jobs_;
  // TaskStarted to record, after every waiting claim (a claim gets a worker
  // its task; TaskStarted only fills in history, which the task's completion
  // does too if it comes first).
  std::deque<StartedJob> started_jobs_;
  // (execution ARN, task id) of the tasks in started_jobs_ or being recorded.
  // `closed`: a commit on this replica closed the task or its execution, so
  // its TaskStarted is skipped (the completion emitted it, or nobody will).
  struct PendingStart {
    int jobs = 0;
    bool closed = false;
  };
  std::map<std::pair<std::string, std::string>, PendingStart> pending_starts_;
  // (execution ARN, task id) -> the poll BeforeCommit held for the task, until
  // OnCommitted or AfterCommitFailed.
  struct Held {
    PollId poll = 0;
    bool worker_heartbeats = false;
  };
  std::map<std::pair<std::string, std::string>, Held> held_;
  std::deque<HandoffJob> handoff_jobs_;
  PollId next_id_ = 0;
  DispatcherStats stats_;
  bool started_ = false;
  bool stopping_ = false;

  std::once_flag shutdown_once_;
  std::thread dispatcher_thread_;
  std::vector<std::thread> claim_threads_;

  std::mutex log_mu_;
  std::chrono::steady_clock::time_point last_log_;
  int64_t suppressed_logs_ = 0;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_TASK_DISPATCHER_H_
