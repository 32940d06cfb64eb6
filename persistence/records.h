// Plain records that cross the ExecutionStore interface (persistence/store.h).
//
// The store knows nothing about ASL or the engine: definitions, inputs,
// outputs, engine state documents, task payloads and history events are JSON
// text the service produced. Times are absl::Time; backends keep microsecond
// precision (PostgreSQL's), so callers that compare round-tripped times
// should not rely on nanoseconds.
//
// Every execution-scoped record carries `execution_arn`, the key every
// execution table is keyed (and, on a distributed PostgreSQL, sharded) by.
#ifndef STEPWISE_PERSISTENCE_RECORDS_H_
#define STEPWISE_PERSISTENCE_RECORDS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stepwise::persistence {

// AWS's ExecutionStatus. Mirrors engine::ExecutionStatus; the service maps.
enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };

// "RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED".
std::string_view ExecutionStatusName(ExecutionStatus status);
// Inverse of ExecutionStatusName; kInvalidArgument for anything else.
absl::StatusOr<ExecutionStatus> ParseExecutionStatus(std::string_view name);

// A task's lifecycle in the outbox.
enum class TaskStatus {
  kPending,    // Committed, waiting for a worker (or its lease expired).
  kClaimed,    // Handed to a worker until `lease_until`.
  kCompleted,  // Its result was consumed by a committed step.
  kCancelled,  // The step that owned it no longer wants a result.
  // Exceeded its TimeoutSeconds or HeartbeatSeconds: the step that applied
  // States.Timeout / States.HeartbeatTimeout closed it. A late SendTask* on
  // its token is AWS's TaskTimedOut.
  kTimedOut,
  // A callback task (.waitForTaskToken) whose worker finished the invocation:
  // it is no longer handed out, and waits for SendTask* on its callback token
  // (task_token), its heartbeat and its timeouts.
  kInvoked,
};

// "PENDING", "CLAIMED", "COMPLETED", "CANCELLED", "TIMED_OUT", "INVOKED" (the
// stored spelling).
std::string_view TaskStatusName(TaskStatus status);
absl::StatusOr<TaskStatus> ParseTaskStatus(std::string_view name);

// Open tasks accept SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat.
inline bool IsOpen(TaskStatus status) {
  return status == TaskStatus::kPending || status == TaskStatus::kClaimed ||
         status == TaskStatus::kInvoked;
}

// AWS's StateMachineStatus. DeleteStateMachine makes a machine DELETING; it is
// gone (kNotFound everywhere) once none of its executions is RUNNING.
enum class StateMachineStatus { kActive, kDeleting };

// "ACTIVE" / "DELETING" (the stored spelling); anything else parses as
// kInvalidArgument.
std::string_view StateMachineStatusName(StateMachineStatus status);
absl::StatusOr<StateMachineStatus> ParseStateMachineStatus(std::string_view name);

// A state machine and its current revision.
struct StateMachineRecord {
  std::string arn;         // Primary key; the service builds it from the name.
  std::string name;        // Unique among state machines too.
  std::string type;        // "STANDARD" or "EXPRESS".
  std::string definition;  // ASL JSON, after DefinitionSubstitutions.
  std::string role_arn;
  // Identifies the definition+role in force; executions remember the
  // revision they started with (GetStateMachineRevision). Caller-chosen and
  // globally unique (e.g. a UUID), as AWS's revisionId.
  std::string revision_id;
  absl::Time creation_date;
  absl::Time update_date;  // == creation_date until the first update.
  // Maintained by the store (DeleteStateMachine); ignored by CreateStateMachine.
  StateMachineStatus status = StateMachineStatus::kActive;
};

// One immutable revision of a state machine. Kept after updates (and after
// the state machine is deleted) so that executions can finish on the
// definition they started with.
struct StateMachineRevision {
  std::string revision_id;
  std::string state_machine_arn;
  std::string definition;
  std::string role_arn;
  absl::Time creation_date;
};

// UpdateStateMachine: fields left empty keep their value.
struct StateMachineUpdate {
  std::string arn;
  std::optional<std::string> definition;
  std::optional<std::string> role_arn;
  std::string revision_id;  // The new revision's id.
  absl::Time update_date;
};

struct StateMachinePage {
  std::vector<StateMachineRecord> state_machines;
  std::string next_page_token;  // Empty on the last page.
};

// An activity (AWS CreateActivity): a named task queue that workers poll with
// GetActivityTask. Not execution-scoped: a small reference table.
struct ActivityRecord {
  std::string arn;   // Primary key: arn:aws:states:REGION:ACCOUNT:activity:NAME.
  std::string name;  // Unique among activities.
  absl::Time creation_date;
};

struct ActivityPage {
  std::vector<ActivityRecord> activities;  // Ordered by arn.
  std::string next_page_token;             // Empty on the last page.
};

// The summary row of an execution (DescribeExecution / ListExecutions).
struct ExecutionRecord {
  std::string execution_arn;  // Primary key and sharding key.
  std::string state_machine_arn;
  std::string revision_id;  // The state machine revision it runs.
  std::string name;
  ExecutionStatus status = ExecutionStatus::kRunning;
  std::string input;   // JSON text.
  std::string output;  // JSON text; set when SUCCEEDED.
  std::string error;   // Set when FAILED / TIMED_OUT / ABORTED (may be empty).
  std::string cause;
  absl::Time start_time;
  std::optional<absl::Time> stop_time;  // Set once the status is final.
  int64_t redrive_count = 0;
  std::optional<absl::Time> redrive_date;
  // Version of the engine state document; 1 after CreateExecution, +1 per
  // committed step. Pass it back as CommitStep's `expected_version`.
  int64_t version = 0;
};

// What the engine needs to apply the next event.
struct ExecutionSnapshot {
  ExecutionRecord execution;
  std::string state_document;  // engine::ExecutionState as JSON text.
  // The execution's state machine, read with the row (so the step path
  // needs no GetStateMachine): DELETING ends STANDARD executions at their
  // next transition. Empty name when the machine row is gone.
  StateMachineStatus machine_status = StateMachineStatus::kActive;
  std::string machine_name;
  std::string machine_type;
};

struct ExecutionFilter {
  std::string state_machine_arn;
  std::optional<ExecutionStatus> status;  // Only executions with this status.
};

struct ExecutionPage {
  std::vector<ExecutionRecord> executions;  // Newest start_time first.
  std::string next_page_token;              // Empty on the last page.
};

// One history event, stored as AWS's JSON (GetExecutionHistory) plus the
// columns needed to page and filter without parsing it.
struct HistoryRecord {
  int64_t id = 0;  // 1, 2, ... per execution (no global sequence).
  int64_t previous_event_id = 0;
  std::string type;  // "TaskStateEntered", "ExecutionSucceeded", ...
  absl::Time timestamp;
  std::string event_json;  // The whole event in AWS's shape.
};

// Forward: events with id > cursor, ascending. Reverse: events with
// id < cursor, descending; cursor 0 starts from the newest event.
struct HistoryQuery {
  int64_t cursor = 0;
  int max_events = 1000;
  bool reverse = false;
};

// A new task handed to a waiting poll by the step that creates it
// (TaskRecord::claim, orchestrator/dispatch: the dispatcher reserves a poll
// before the commit and delivers once it returned OK).
struct TaskClaim {
  std::string worker_id;   // Recorded as the task's worker_id.
  absl::Time claimed_at;   // The claim's "now": the first heartbeat.
  absl::Time lease_until;  // >= claimed_at (TaskLeaseFor counted from it).
};

// An outbox row: a task a worker should run.
struct TaskRecord {
  std::string execution_arn;
  std::string task_id;  // Unique within the execution.
  // Opaque, unguessable, globally unique; SendTask* find the task by it.
  std::string task_token;
  std::string queue;  // Task queue (function or activity name).
  std::string resource;
  std::string state_name;
  std::string payload;  // JSON text: the Task state's input after Parameters.
  std::optional<int64_t> timeout_seconds;
  std::optional<int64_t> heartbeat_seconds;
  absl::Time scheduled_at;  // Claim order within a queue: oldest first.
  int64_t attempt = 0;      // $$.State.RetryCount of this attempt.
  // Callback tasks (.waitForTaskToken) only: the token of the worker's
  // invocation, distinct from task_token (the callback token, which the
  // definition passes on in the payload). The invocation's success only
  // acknowledges it (status INVOKED: no redelivery); its failure fails the
  // task. Globally unique like task_token; empty for other tasks.
  std::string invocation_token;

  // CommitStep / CreateExecution new_tasks only (never set on what a store
  // returns): when set, the task is inserted already CLAIMED, exactly the row
  // ClaimTask(queue, claim->worker_id, rule, claim->claimed_at) would leave:
  // worker_id, lease_until, last_heartbeat = claimed_at, delivery_count 1.
  // Nobody else claims it before its lease ends, and its queue is not
  // notified for it. Unset: inserted PENDING, as before.
  std::optional<TaskClaim> claim;

  // Maintained by the store; ignored in CommitStep's new_tasks (see claim).
  TaskStatus status = TaskStatus::kPending;
  std::string worker_id;  // Last claimer.
  std::optional<absl::Time> lease_until;
  std::optional<absl::Time> last_heartbeat;
  int64_t delivery_count = 0;  // Claims so far (at-least-once: may exceed 1).
};

// A durable timer (Wait, Retry backoff, timeouts).
struct TimerRecord {
  std::string execution_arn;
  std::string timer_id;  // Unique within the execution.
  absl::Time fire_at;
  // Maintained by the store: who claimed it and until when (ClaimDueTimers).
  std::string owner;
  std::optional<absl::Time> lease_until;
};

// Everything one engine step changes, committed atomically (outbox).
struct StepUpdate {
  std::string execution_arn;
  std::string state_document;  // The new engine state (JSON text).
  ExecutionStatus status = ExecutionStatus::kRunning;
  std::string output;  // Final result, when status is final.
  std::string error;
  std::string cause;
  std::optional<absl::Time> stop_time;
  // RedriveExecution: the execution must be closed (not RUNNING); the store
  // bumps redrive_count and sets redrive_date. Any other step requires a
  // RUNNING execution.
  std::optional<absl::Time> redrive_date;

  std::vector<HistoryRecord> history;  // Appended; ids continue the execution's.
  std::vector<TaskRecord> new_tasks;
  std::vector<std::string> completed_task_ids;  // Results consumed by this step.
  std::vector<std::string> cancelled_task_ids;
  std::vector<std::string> timed_out_task_ids;  // Closed as TIMED_OUT by this step.
  // When true, every task of completed_task_ids and timed_out_task_ids must
  // be open (PENDING, CLAIMED or INVOKED) when the step commits, else
  // CommitStep fails with kFailedPrecondition and writes nothing: a task's
  // result is consumed once, checked in the step's own transaction. When
  // false a closed task stays as it is and the step commits.
  bool consumed_tasks_must_be_open = false;
  // Upserted: an existing id gets the new fire_at and loses its lease.
  std::vector<TimerRecord> new_timers;
  std::vector<std::string> fired_timer_ids;  // Applied by this step: deleted.
  std::vector<std::string> cancelled_timer_ids;

  // Not stored. When set, a store that commits this step together with
  // others (a batch) may call it, once, from another thread, only if the
  // step committed, right after the batch commits and before CommitStep
  // returns to the step's own caller, with the step's new version: the
  // batch's leader then does what each caller would do first after its
  // commit (hand its new tasks to waiting polls) without waiting for every
  // caller's thread to be scheduled. A store that does not call it leaves
  // that to the caller (the hook can record that it ran). It may refer to
  // the caller's stack: never called, nor kept, after CommitStep returns.
  std::function<void(int64_t version)> on_committed;
};

// CreateExecution's input: the row and its first step (version 1).
struct NewExecution {
  ExecutionRecord execution;  // status/version/stop fields come from first_step.
  StepUpdate first_step;      // first_step.execution_arn must match.
  // When true, execution.revision_id must still be the state machine's
  // current revision, else CreateExecution writes nothing and fails with
  // kAborted: the caller started from a cached state machine record that an
  // update (or a delete and re-create) has made stale, and reads it again.
  bool require_current_revision = false;
};

struct CreateExecutionResult {
  ExecutionRecord execution;
  bool created = false;  // False: an identical RUNNING execution existed.
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_RECORDS_H_
