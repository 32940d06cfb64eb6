// ExecutionExecutor: turns engine steps into ExecutionStore commits.
//
//   ExecutionExecutor executor(store, clock);
//   ASSIGN_OR_RETURN(std::string arn, executor.StartExecution(sm_arn, "run-1", "{}"));
//   RETURN_IF_ERROR(executor.CompleteTask(token, R"({"ok":true})"));
//
// Each call loads the execution (engine state document + version), applies
// one engine event (time from the Clock, entropy from the entropy source)
// and commits the whole step (state, history, tasks, timers, final status)
// with CommitStep guarded by the version it loaded: on kAborted it reloads
// and retries, up to ExecutorOptions::max_attempts times. Interpreters are
// cached per state machine revision; the cache is only a cache.
//
// Two things the engine cannot know are settled here, in the same commit:
//   - a task event or timer of a STANDARD execution whose state machine is
//     DELETING ends it FAILED instead (States.Runtime, "State machine NAME
//     has been deleted."), as AWS does at the next state transition;
//   - with ExecutorOptions::check_activities, a task scheduled on an
//     activity ARN that names no activity fails at once
//     (ActivityScheduleFailed, States.Runtime: the execution fails, as AWS).
//
// Steps this replica commits are remembered (ExecutorOptions::execution_cache,
// bounded LRU): the next event of a cached execution skips LoadExecution,
// and completing a task this replica scheduled skips FindTaskByToken, but
// for a task event or timer of a STANDARD execution, which still loads the
// execution to see whether its machine is DELETING (another replica may
// have deleted it). A stale entry (another replica committed since, or
// closed the task) fails CommitStep's version or open-task check and is
// dropped; the event is then applied from a fresh load, as without a cache.
//
// Thread-safe; concurrent calls for the same execution serialize through the
// store's version check.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_H_

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "common/clock.h"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/service/execution_executor_cache.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::service {

// Told about every step this replica commits, so it can react at once: wake
// the polls of the new tasks' queues, re-arm the timer loop, answer
// StartSyncExecution. Other replicas learn the same through the database
// (LISTEN/NOTIFY and sweeps), so correctness never depends on it. Called right
// after the commit (possibly while the execution's lock is held), on the
// committing thread or, for a step that shared a batch with others, on the
// thread of the batch's leader (StepUpdate::on_committed): must be quick,
// thread-safe, and never call back into the executor.
class CommitObserver {
 public:
  virtual ~CommitObserver() = default;
  virtual void OnCommitted(const persistence::StepUpdate& update) = 0;

  // Called on the committing thread right before every CommitStep and
  // CreateExecution (its first step): may give new tasks a claim
  // (TaskRecord::claim) so that they are inserted CLAIMED for a waiting
  // worker (orchestrator/dispatch). The executor then applies
  // engine::TaskStarted (worker_name: the claim's worker_id) for each
  // claimed task and commits it in the same step, so the observer need not
  // record TaskStarted for them: one commit instead of two, and history
  // shows the task taken when the claim was made. Exactly one of OnCommitted (the commit
  // returned OK and wrote the step) or AfterCommitFailed (it returned an
  // error, or CreateExecution found the execution and wrote nothing) follows
  // for the same update. Same rules as OnCommitted: quick, thread-safe, no
  // calls back into the executor.
  virtual void BeforeCommit(persistence::StepUpdate& /*update*/) {}
  // The update given to BeforeCommit was not committed, or maybe was (an
  // error after the statement was sent): undo what BeforeCommit reserved.
  // A task claimed by a commit that did go through stays claimed until its
  // lease ends, then is handed out again (at-least-once).
  virtual void AfterCommitFailed(const persistence::StepUpdate& /*update*/) {}
};

struct ExecutorOptions {
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // CommitStep attempts per event before giving up with kAborted.
  int max_attempts = 10;
  engine::InterpreterOptions interpreter;
  // Not owned; may be null. Must outlive the executor.
  CommitObserver* observer = nullptr;
  // AWS fails a Task state whose activity ARN names no activity: when set,
  // every step that schedules an activity task looks the activity up
  // (ExecutionStore::GetActivity) and, if it does not exist, applies the
  // engine's TaskScheduleFailed{States.Runtime} in the same commit. Off by
  // default so that tests (and embedders) may use activity ARNs without
  // CreateActivity; the orchestrator server turns it on.
  bool check_activities = false;
  // Activities found are remembered this long (per replica), so a busy
  // activity costs one lookup per TTL. A deleted activity may still get
  // tasks for that long, as tasks scheduled before DeleteActivity do.
  absl::Duration activity_cache_ttl = absl::Seconds(10);
  // What this replica committed last for its recently active executions
  // (ExecutionCache: state document, version, machine, open tasks), so that
  // the next event skips LoadExecution and a completion FindTaskByToken.
  // Only a cache: CommitStep's version and open-task checks catch stale
  // entries, which are then dropped and reloaded. Either bound 0 disables it.
  ExecutionCacheOptions execution_cache;
  // State machines remembered for StartExecution (see
  // ExecutionExecutor::StateMachine), so a start needs no read of its
  // machine; 0 disables it (every start reads the machine). All are
  // forgotten when the cache is full.
  size_t state_machine_cache = 1024;
};

// The events Apply accepts (StartExecution goes through StartExecution()).
using EventBody = std::variant<engine::TaskStarted, engine::TaskSucceeded, engine::TaskFailed,
                               engine::TimerFired, engine::StopRequested>;

// Which outbox rows the event consumes, marked in the same StepUpdate.
struct Consumes {
  std::string completed_task_id;  // -> StepUpdate::completed_task_ids.
  std::string fired_timer_id;     // -> StepUpdate::fired_timer_ids.
  // When set, the task must still be open (kFailedPrecondition otherwise),
  // so a duplicate completion changes nothing: each attempt checks it before
  // stepping, and CommitStep re-checks it in the step's own transaction
  // (StepUpdate::consumed_tasks_must_be_open), which closes the race with a
  // concurrent completion.
  std::string task_token;
  // A task timer applies States.Timeout / States.HeartbeatTimeout: the task
  // closes as TIMED_OUT (-> StepUpdate::timed_out_task_ids).
  std::string timed_out_task_id;
  // The task of task_token as the caller just read it (optional, not
  // owned): the first attempt checks it instead of reading it again.
  const persistence::TaskRecord* task = nullptr;
};

// The durable timers that enforce a Task's TimeoutSeconds and
// HeartbeatSeconds. ToStepUpdate sets them with the task (fire_at =
// scheduled_at + seconds); the step that completes, cancels or times out the
// task deletes them. Their ids cannot collide with the engine's timer ids
// ("wait-3", "retry-7"), which never contain ':'.
enum class TaskTimerKind { kTimeout, kHeartbeat };
struct TaskTimerRef {
  TaskTimerKind kind = TaskTimerKind::kTimeout;
  std::string task_id;
};
// "task-timeout:<task_id>" / "task-heartbeat:<task_id>".
std::string TaskTimerId(TaskTimerKind kind, std::string_view task_id);
// Inverse of TaskTimerId; nullopt for every other timer id (engine timers).
std::optional<TaskTimerRef> ParseTaskTimerId(std::string_view timer_id);

// True for arn:aws:states:REGION:ACCOUNT:activity:NAME.
bool IsActivityArn(std::string_view resource);

// The task queue a worker polls for `resource` (see README.md):
//   arn:aws:states:::lambda:invoke[.waitForTaskToken] -> payload "FunctionName"
//     (a Lambda ARN there is reduced to the function name as below)
//   arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER] -> NAME
//   arn:aws:states:REGION:ACCOUNT:activity:NAME -> NAME
//   anything else -> the resource itself
std::string TaskQueueFor(std::string_view resource, const boost::json::value& payload);

// The StepUpdate for `result` (state document, history, tasks, timers,
// cancellations, final status). `now` is the tasks' scheduled_at.
persistence::StepUpdate ToStepUpdate(std::string_view execution_arn,
                                     const engine::StepResult& result, absl::Time now);

class ExecutionExecutor {
 public:
  using EntropySource = std::function<std::string()>;

  // `store` and `clock` must outlive the executor. `entropy` defaults to
  // SystemEntropy (32 bytes from /dev/urandom).
  ExecutionExecutor(persistence::ExecutionStore& store, const Clock& clock,
                    EntropySource entropy = nullptr, ExecutorOptions options = {});

  // Starts `name` on the state machine's current revision and commits its
  // first step; returns the execution ARN: ExecutionArn() for STANDARD
  // machines, arn:aws:states:REGION:ACCOUNT:express:MACHINE:NAME:UUID for
  // EXPRESS ones (as AWS; a fresh UUID per start). `input_json` empty means
  // "{}". STANDARD: idempotent as the store's CreateExecution (same name and
  // input while RUNNING returns the same ARN); EXPRESS: never (as AWS).
  // kNotFound: no such state machine; kFailedPrecondition: it is DELETING;
  // kInvalidArgument: bad name or input; kAlreadyExists: name taken.
  absl::StatusOr<std::string> StartExecution(std::string_view state_machine_arn,
                                             std::string_view name, std::string_view input_json);

  // What a caller that already did part of StartExecution's work passes in.
  struct StartOptions {
    // The state machine as the caller just read it or got it from
    // StateMachine() (arn = the one started): saves the executor's lookup.
    // Not owned; may be null. May be stale: as for a cached record, the
    // start's commit checks that its revision is still current.
    const persistence::StateMachineRecord* machine = nullptr;
    // Runs on the record the executor reads again when the one it started
    // from (`machine` or its cache) was stale, before starting on it: the
    // caller's own checks of `machine` (StartSyncExecution: EXPRESS). A
    // non-OK status ends the start with it. May be empty.
    std::function<absl::Status(const persistence::StateMachineRecord&)> check_machine;
    // Called with the execution ARN before the first step's commit (so a
    // waiter registered there sees every close; StartSyncExecution); once
    // more, with the ARN that replaces the first, when a stale machine
    // record made the executor start again.
    std::function<void(const std::string& execution_arn)> before_commit;
  };
  // StartExecution, returning the execution's record as CreateExecution
  // left it (status after the first step, input, start time), so that the
  // caller needs no read after it. Errors as StartExecution.
  absl::StatusOr<persistence::ExecutionRecord> StartExecutionRecord(
      std::string_view state_machine_arn, std::string_view name, std::string_view input_json,
      const StartOptions& options);

  // The ACTIVE state machine `arn` as this replica last read it
  // (ExecutorOptions::state_machine_cache), else as the store has it now
  // (then cached if ACTIVE); the store's errors (kNotFound). A cached record
  // may be stale (updated, deleted or re-created since, maybe on another
  // replica): a start from it commits only if its revision is still the
  // machine's current one and the machine ACTIVE
  // (NewExecution::require_current_revision), else the executor reads the
  // machine again and starts on that. So an UpdateStateMachine takes effect
  // for the next start on every replica, and DeleteStateMachine makes it
  // fail, as without the cache.
  absl::StatusOr<persistence::StateMachineRecord> StateMachine(std::string_view arn);

  // Applies one event to the execution and commits it. Returns the new
  // version. kNotFound: no such execution; kFailedPrecondition: the
  // execution is closed (or Consumes::task_token is no longer open);
  // kAborted: still conflicting after max_attempts.
  absl::StatusOr<int64_t> Apply(std::string_view execution_arn, const EventBody& body,
                                const Consumes& consumes = {});

  // SendTaskSuccess / SendTaskFailure by token. kNotFound for an unknown
  // token (InvalidToken); kFailedPrecondition when the task is completed or
  // cancelled (TaskDoesNotExist); kInvalidArgument for output that is not JSON.
  absl::Status CompleteTask(std::string_view task_token, std::string_view output_json);
  absl::Status FailTask(std::string_view task_token, std::string_view error,
                        std::string_view cause);
  // A timer that `owner` claimed (ExecutionStore::ClaimDueTimers) is due.
  // Engine timers (Wait, Retry, execution timeout): applies TimerFired and
  // deletes the timer in the same step. Task timers (TaskTimerId):
  //   - task still open, TimeoutSeconds: applies TaskFailed States.Timeout,
  //     closing the task as TIMED_OUT (Retry/Catch apply as AWS);
  //   - task still open, HeartbeatSeconds: if the last heartbeat (the claim
  //     counts as one) is younger than HeartbeatSeconds, or no worker took
  //     the task yet, re-arms the timer at that instant (or now) +
  //     HeartbeatSeconds (RescheduleTimer, needs `owner`);
  //     else applies TaskFailed States.HeartbeatTimeout the same way;
  //   - task already closed: deletes the timer (DeleteTimer, needs `owner`)
  //     and returns OK.
  // Each applied timer is deleted by the step that applies it, under the
  // version check: a timer fires exactly once even when replicas race.
  // kNotFound: no such execution. kFailedPrecondition: the execution is
  // closed (the timer is deleted when `owner` holds it), or `owner` lost the
  // timer to another claimer. An empty `owner` fires engine timers and task
  // timeouts but cannot re-arm or delete a claimed timer.
  absl::Status FireTimer(std::string_view execution_arn, std::string_view timer_id,
                         std::string_view owner = {});
  // StopExecution.
  absl::Status Stop(std::string_view execution_arn, std::string_view error, std::string_view cause);
  // RedriveExecution: restarts a closed (FAILED, TIMED_OUT, ABORTED)
  // execution from the states that did not succeed, as AWS (engine/redrive.h),
  // committing the step with StepUpdate::redrive_date. A `client_token` used
  // by one of the last 10 redrives less than 15 minutes ago returns that
  // redrive again and changes nothing. kNotFound: no such execution (or its
  // revision); kFailedPrecondition: not redrivable, the message ending with
  // NotRedrivableReason's words; kAborted: still conflicting after
  // max_attempts.
  struct RedriveResult {
    int64_t version = 0;
    absl::Time redrive_date;
  };
  absl::StatusOr<RedriveResult> Redrive(std::string_view execution_arn,
                                        std::string_view client_token = {});
  // Why `execution` cannot be redriven now (DescribeExecution's
  // redriveStatusReason), or nullopt when Redrive would accept it. For a
  // closed execution, reads its state machine and history length.
  absl::StatusOr<std::optional<std::string>> NotRedrivableReason(
      const persistence::ExecutionRecord& execution);

  // The executions this replica remembers (ExecutorOptions::execution_cache).
  const ExecutionCache& execution_cache() const { return execution_cache_; }

  // arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME (STANDARD executions).
  std::string ExecutionArn(std::string_view state_machine_name, std::string_view name) const;

 private:
  absl::StatusOr<std::shared_ptr<const engine::Interpreter>> InterpreterFor(
      const std::string& revision_id, std::string_view definition);
  // GetStateMachine, remembering an ACTIVE machine and forgetting any other.
  absl::StatusOr<persistence::StateMachineRecord> ReadStateMachine(std::string_view arn);
  void ForgetStateMachine(std::string_view arn);
  // One start on `machine` (StartExecutionRecord); `cached`: the record may
  // be stale, so CreateExecution checks its revision (kAborted when stale).
  absl::StatusOr<persistence::ExecutionRecord> StartOn(
      const persistence::StateMachineRecord& machine, std::string_view name,
      const boost::json::value& input, const StartOptions& options, bool cached);
  // The cached interpreter of `revision_id`, else the revision's from the store.
  absl::StatusOr<std::shared_ptr<const engine::Interpreter>> InterpreterForRevision(
      const std::string& revision_id);
  // With check_activities: while `result` schedules a task on an activity
  // that does not exist, applies TaskScheduleFailed to it and merges the
  // outcome into `result` (executor_internal::MergeStepResult). Errors are
  // the store's (other than kNotFound).
  absl::Status FailMissingActivities(const engine::Interpreter& interpreter, absl::Time now,
                                     engine::StepResult& result);
  // ExecutionStore::GetActivity, hits cached for activity_cache_ttl.
  absl::StatusOr<bool> ActivityExists(const std::string& activity_arn);
  // The FailRequested that replaces a task event or timer of `execution`
  // when its state machine is DELETING (STANDARD executions only), else
  // nullopt.
  static std::optional<engine::FailRequested> DeletedMachineFailure(
      const persistence::ExecutionSnapshot& snapshot);
  // kFailedPrecondition when the task is closed; its message says "timed
  // out" for a TIMED_OUT task (the service answers TaskTimedOut).
  absl::Status CheckTaskOpen(std::string_view task_token);
  static absl::Status TaskOpen(const persistence::TaskRecord& task);
  absl::Status FireTaskTimer(std::string_view execution_arn, std::string_view timer_id,
                             const TaskTimerRef& ref, std::string_view owner);
  // Drops a timer that has nothing left to act on (see FireTimer).
  absl::Status DropTimer(std::string_view execution_arn, std::string_view timer_id,
                         std::string_view owner);
  // CompleteTask / FailTask of `task` (from the cache or the store).
  absl::Status CompleteTaskWith(const persistence::TaskRecord& task, std::string_view task_token,
                                boost::json::value output);
  absl::Status FailTaskWith(const persistence::TaskRecord& task, std::string_view task_token,
                            std::string_view error, std::string_view cause);
  // The cached snapshot of `execution_arn` when `body` may be applied to
  // it: not for transitions of STANDARD executions (see the header comment:
  // their machine's DELETING status is read with the execution), nor for a
  // task event whose task the entry does not hold (the state may predate it).
  std::optional<persistence::ExecutionSnapshot> CachedSnapshot(std::string_view execution_arn,
                                                               const EventBody& body,
                                                               const Consumes& consumes);
  void NotifyCommitted(const persistence::StepUpdate& update) const {
    if (options_.observer != nullptr) options_.observer->OnCommitted(update);
  }
  // CommitObserver::BeforeCommit, right before every commit of `update`
  // (made from `result` at `now`), then TaskStarted for each new task the
  // observer claimed, folded into the same step (see CommitObserver).
  void PrepareCommit(const engine::Interpreter& interpreter, absl::Time now,
                     engine::StepResult& result, persistence::StepUpdate& update) const;
  // CommitObserver::AfterCommitFailed, for an update given to PrepareCommit.
  void NotifyCommitFailed(const persistence::StepUpdate& update) const {
    if (options_.observer != nullptr) options_.observer->AfterCommitFailed(update);
  }

  // The lock that applies one execution's events one at a time.
  std::mutex& ApplyMutexFor(std::string_view execution_arn) {
    return apply_mu_[std::hash<std::string_view>{}(execution_arn) % apply_mu_.size()];
  }

  persistence::ExecutionStore& store_;
  const Clock& clock_;
  EntropySource entropy_;
  ExecutorOptions options_;

  // std::mutex rather than absl::Mutex: Debian's Abseil is not TSan-built.
  std::mutex cache_mu_;
  // Striped by execution ARN (see Apply; ApplyMutexFor). Many more stripes
  // than executions usually in flight (64 in the benchmarks): two of them
  // on one stripe wait for each other's whole commit, batch included.
  std::array<std::mutex, 1024> apply_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const engine::Interpreter>> cache_;
  std::mutex machines_mu_;
  // State machine ARN -> its ACTIVE record as last read (StateMachine()).
  absl::flat_hash_map<std::string, persistence::StateMachineRecord> machines_;
  std::mutex activity_mu_;
  // Activity ARN -> when the store last had it.
  absl::flat_hash_map<std::string, absl::Time> activity_seen_;
  ExecutionCache execution_cache_;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_H_
