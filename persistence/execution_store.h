// ExecutionStore: the durable state of Stepwise as domain operations.
//
//   ASSIGN_OR_RETURN(ExecutionSnapshot snap, store.LoadExecution(arn));
//   StepResult r = interpreter.Apply(Restore(snap.state_document), event);
//   StepUpdate update = ToStepUpdate(r);           // service/
//   absl::StatusOr<int64_t> v = store.CommitStep(update, snap.execution.version);
//   if (v.status().code() == absl::StatusCode::kAborted) { /* reload, retry */ }
//
// Each method is one transaction. CommitStep writes the new engine state, the
// history events, the tasks and timers a step produced and its final status
// all-or-nothing (transactional outbox): no task becomes claimable before the
// step that scheduled it commits.
//
// Scaling: every execution-scoped row is keyed by execution_arn, no method
// writes two executions in one transaction, and ids (history events, tasks,
// timers) are per execution, so a distributed PostgreSQL can shard by it.
//
// Status codes (by what the caller should do next):
//   kNotFound           no such state machine / execution / revision / token
//   kAlreadyExists      a different state machine or execution holds the name
//   kAborted            version conflict or serialization failure: reload, retry
//   kFailedPrecondition the execution or task is not in a state that allows it
//   kInvalidArgument    malformed page token or record
//   kUnavailable        the database cannot be reached: retry the call
//   kInternal           anything else
//
// Implementations are thread-safe.
#ifndef STEPWISE_PERSISTENCE_EXECUTION_STORE_H_
#define STEPWISE_PERSISTENCE_EXECUTION_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "persistence/records.h"

namespace stepwise::persistence {

// How long a claim holds a task (ExecutionStore::ClaimTask; TaskLeaseFor in
// store_rules.h computes it, the PostgreSQL claim mirrors it in SQL):
//   HeartbeatSeconds when set (> 0), plus HeartbeatLeaseMargin when
//   `heartbeat_margin`, so that the heartbeat timeout (States.HeartbeatTimeout)
//   comes before the lease ends (a redelivery);
//   else TimeoutSeconds when set (> 0) and `use_timeout`;
//   else `default_lease`;
// and never more than `max_lease`.
struct TaskLeaseRule {
  absl::Duration default_lease = absl::Minutes(5);
  bool use_timeout = true;
  bool heartbeat_margin = false;
  absl::Duration max_lease = absl::InfiniteDuration();
};

class ExecutionStore {
 public:
  virtual ~ExecutionStore() = default;

  // --- State machines -------------------------------------------------------

  // Creates `record` with its first revision. Idempotent as AWS: when a state
  // machine with the same arn exists with the same name, type, definition and
  // role, returns the existing record. Otherwise kAlreadyExists (also when
  // another arn uses the name); kFailedPrecondition while a machine of that
  // arn is DELETING (a machine whose deletion finished frees arn and name).
  virtual absl::StatusOr<StateMachineRecord> CreateStateMachine(
      const StateMachineRecord& record) = 0;

  // ACTIVE or DELETING (see DeleteStateMachine); kNotFound when absent or gone.
  virtual absl::StatusOr<StateMachineRecord> GetStateMachine(std::string_view arn) = 0;

  // Any revision ever created, even after updates or deletion; kNotFound.
  virtual absl::StatusOr<StateMachineRevision> GetStateMachineRevision(
      std::string_view revision_id) = 0;

  // Ordered by arn, DELETING machines included until gone. `page_size` >= 1; `page_token` empty for
  // the first page, else a next_page_token from the same listing (kInvalidArgument if bad).
  virtual absl::StatusOr<StateMachinePage> ListStateMachines(int page_size,
                                                             std::string_view page_token) = 0;

  // Stores a new revision and makes it current; returns the updated record.
  // kNotFound when absent; kFailedPrecondition when DELETING.
  virtual absl::StatusOr<StateMachineRecord> UpdateStateMachine(
      const StateMachineUpdate& update) = 0;

  // AWS's asynchronous delete: marks the state machine DELETING; it is gone
  // (kNotFound everywhere, its arn and name free again) once none of its
  // executions is RUNNING, at once if none is. Revisions and executions stay
  // readable. Nothing on the step path writes the machine: a read treats a
  // DELETING machine without RUNNING executions as absent. OK again while
  // DELETING; kNotFound when absent or gone.
  virtual absl::Status DeleteStateMachine(std::string_view arn) = 0;

  // --- Activities -----------------------------------------------------------

  // Creates `record`. Idempotent as AWS CreateActivity (by name): when an
  // activity with the same arn and name exists, returns it unchanged (its
  // creation_date, not the request's). kAlreadyExists when another arn uses
  // the name; kInvalidArgument when arn or name is empty.
  virtual absl::StatusOr<ActivityRecord> CreateActivity(const ActivityRecord& record) = 0;

  // kNotFound when absent.
  virtual absl::StatusOr<ActivityRecord> GetActivity(std::string_view arn) = 0;

  // Removes the activity; its queued tasks stay. kNotFound when absent.
  virtual absl::Status DeleteActivity(std::string_view arn) = 0;

  // Ordered by arn; paging as ListStateMachines (`page_size` >= 1, a bad
  // `page_token` is kInvalidArgument).
  virtual absl::StatusOr<ActivityPage> ListActivities(int page_size,
                                                      std::string_view page_token) = 0;

  // --- Executions -----------------------------------------------------------

  // Inserts the execution and commits its first step atomically; the result
  // has version 1. Idempotent as AWS StartExecution: when the arn exists,
  // is RUNNING and has the same input, returns it with created=false and
  // writes nothing; otherwise kAlreadyExists. kNotFound when the state
  // machine does not exist; kFailedPrecondition when it is DELETING. With
  // execution.require_current_revision, kAborted (nothing written) when the
  // machine's current revision is not execution.revision_id (checked after
  // the existing-arn answer and the absent/DELETING ones).
  virtual absl::StatusOr<CreateExecutionResult> CreateExecution(const NewExecution& execution) = 0;

  // kNotFound when absent.
  virtual absl::StatusOr<ExecutionRecord> GetExecution(std::string_view execution_arn) = 0;

  // The row plus the engine state document, consistent with each other.
  virtual absl::StatusOr<ExecutionSnapshot> LoadExecution(std::string_view execution_arn) = 0;

  // Executions of one state machine, newest start_time first (ties by arn).
  virtual absl::StatusOr<ExecutionPage> ListExecutions(const ExecutionFilter& filter, int page_size,
                                                       std::string_view page_token) = 0;

  // Applies one engine step if the execution's version is still
  // `expected_version`; returns the new version (expected_version + 1).
  // kNotFound: no such execution. kAborted: the version moved (nothing is
  // written). kFailedPrecondition: the execution is closed and the update is
  // not a redrive, or it is RUNNING and the update is one. kAlreadyExists: a
  // new task's token is already in use. A new task with a claim
  // (TaskRecord::claim; CreateExecution's first step too) is inserted CLAIMED,
  // as ClaimTask at the claim's time would leave it.
  virtual absl::StatusOr<int64_t> CommitStep(const StepUpdate& update,
                                             int64_t expected_version) = 0;

  // A page of history; kNotFound when the execution does not exist.
  virtual absl::StatusOr<std::vector<HistoryRecord>> ReadHistory(std::string_view execution_arn,
                                                                 const HistoryQuery& query) = 0;

  // --- Tasks (outbox) -------------------------------------------------------

  // Claims a task of `queue` with the lease `rule` gives it (TaskLeaseFor,
  // counted from `now`); otherwise as the overload below.
  virtual absl::StatusOr<std::optional<TaskRecord>> ClaimTask(std::string_view queue,
                                                              std::string_view worker_id,
                                                              const TaskLeaseRule& rule,
                                                              absl::Time now) = 0;

  // Claims a task of `queue`: first the CLAIMED task whose lease ended
  // earliest, at or before `now` (at-least-once: a worker that died loses its
  // task), else the PENDING task scheduled earliest (whatever `now` is, so
  // replica clock skew never delays dispatch). The task becomes CLAIMED by `worker_id`, its
  // last_heartbeat becomes `now` and its delivery_count grows by one, in the same write. Its
  // lease counts from the claim: lease_until = now + the task's heartbeat_seconds if set (> 0),
  // else now + its timeout_seconds if set (> 0), else `default_lease_until`; so a claim needs
  // no RecordHeartbeat after it. nullopt when none. Concurrent claimers never get the same task
  // while its lease holds. A claim need not be durable when this returns: after a database crash
  // it may be forgotten and the task claimed again (at-least-once, as when a lease ends).
  // (The rule {.default_lease = default_lease_until - now}; implementations
  // that override the other overload add `using ExecutionStore::ClaimTask;`.)
  absl::StatusOr<std::optional<TaskRecord>> ClaimTask(std::string_view queue,
                                                      std::string_view worker_id,
                                                      absl::Time default_lease_until,
                                                      absl::Time now) {
    TaskLeaseRule rule;
    rule.default_lease = default_lease_until - now;
    return ClaimTask(queue, worker_id, rule, now);
  }

  // Any task ever scheduled, whatever its status (closed tasks let the
  // service tell a late completion, TaskDoesNotExist, from a bad token,
  // InvalidToken). `task_token` may also be a callback task's
  // invocation_token: the caller tells them apart by comparing. kNotFound for
  // unknown tokens.
  virtual absl::StatusOr<TaskRecord> FindTaskByToken(std::string_view task_token) = 0;

  // SendTaskHeartbeat: records `now` as the last heartbeat and, when the task
  // is CLAIMED, moves its lease to `lease_until`. Either token of a callback
  // task works. kNotFound for unknown tokens; kFailedPrecondition when the
  // task is closed.
  virtual absl::StatusOr<TaskRecord> RecordHeartbeat(std::string_view task_token, absl::Time now,
                                                     absl::Time lease_until) = 0;

  // A callback task's worker finished its invocation (SendTaskSuccess on the
  // invocation_token): a PENDING or CLAIMED task becomes INVOKED, so it is
  // never handed out again and waits for its callback token. Idempotent:
  // INVOKED stays INVOKED, and a task its callback already COMPLETED is
  // returned unchanged (the callback may come first). kNotFound when no task
  // has this invocation token; kFailedPrecondition when the task was
  // cancelled or timed out.
  virtual absl::StatusOr<TaskRecord> AcknowledgeInvocation(std::string_view invocation_token) = 0;

  // --- Timers ---------------------------------------------------------------

  // Claims up to `limit` timers with fire_at <= now that nobody holds (no
  // lease, or a lease ended at or before `now`), for `owner` until
  // `lease_until`; the longest-waiting first, returned by fire_at. The step that applies a timer
  // lists it in fired_timer_ids, which deletes it: with the version check this fires each timer
  // exactly once even when replicas race or die mid-way.
  virtual absl::StatusOr<std::vector<TimerRecord>> ClaimDueTimers(absl::Time now, int limit,
                                                                  std::string_view owner,
                                                                  absl::Time lease_until) = 0;

  // Gives up a claimed timer and moves it to `fire_at` (a heartbeat timeout
  // that found a fresh heartbeat re-arms itself this way). kNotFound when the
  // timer is gone; kFailedPrecondition when `owner` does not hold it.
  virtual absl::Status RescheduleTimer(std::string_view execution_arn, std::string_view timer_id,
                                       std::string_view owner, absl::Time fire_at) = 0;

  // Deletes a claimed timer without a step: the one it would act on is gone
  // (its task closed, its execution ended), so firing it would change
  // nothing. kNotFound when the timer is gone; kFailedPrecondition when
  // `owner` does not hold it.
  virtual absl::Status DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                                   std::string_view owner) = 0;
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_EXECUTION_STORE_H_
