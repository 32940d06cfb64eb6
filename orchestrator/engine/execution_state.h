// The complete engine state of one execution: one serializable document.
// Everything Interpreter::Apply needs is here (plus the immutable state
// machine), so a state restored from ToJson/FromJson continues exactly as the
// original would have.
//
// Active paths form a tree of Frames: the root runs the top-level machine; a
// Parallel state's frame owns one child per running branch, a Map state's
// frame one child per running iteration.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EXECUTION_STATE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EXECUTION_STATE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/shared_json_value.h"

namespace stepwise::engine {

enum class ExecutionStatus { kRunning, kSucceeded, kFailed, kTimedOut, kAborted };

// "RUNNING", "SUCCEEDED", ... (AWS's ExecutionStatus).
std::string_view ExecutionStatusName(ExecutionStatus status);

// What the current state of a frame is blocked on.
enum class Blocker {
  kNone,        // Not blocked (only transiently, inside Apply).
  kTask,        // A scheduled task: `task_id`.
  kWaitTimer,   // A Wait state's timer: `timer_id`.
  kRetryTimer,  // A Retry interval: `timer_id`; when it fires the state runs again.
  kChildren,    // Parallel branches or Map iterations: `children`.
};

struct Frame {
  // Branch index (Parallel) or item index (Map) in the parent; 0 for the root.
  int64_t index = 0;
  std::string state;         // Current state name.
  boost::json::value input;  // The current state's raw input.
  // After InputPath (and Parameters for Task/Parallel): what a Task was given,
  // what Parallel branches and Map items start from, what Wait/Choice output.
  boost::json::value effective_input;
  absl::Time entered_at;
  int64_t entered_event_id = 0;       // The current state's StateEntered event.
  int64_t last_event_id = 0;          // previousEventId for the next event of this path.
  std::vector<int64_t> retry_counts;  // Per retrier of the current state.
  int64_t retry_count = 0;            // $$.State.RetryCount: attempts so far.

  Blocker blocker = Blocker::kNone;
  std::string task_id;
  std::string task_token;
  // Blocker::kTask: TaskStarted for the current task is in history. A
  // completion of a task not started yet (the dispatcher records TaskStarted
  // after handing the task over, so the worker may finish first) emits it.
  bool task_started = false;
  std::string timer_id;

  // Workflow variables assigned in this frame's scope (variables.h): the
  // top-level scope for the root, a branch's/iteration's own for a child.
  boost::json::object variables;

  // Blocker::kChildren.
  std::vector<Frame> children;              // Running branches/iterations.
  std::vector<boost::json::value> results;  // Per branch/item; filled as they finish.
  std::vector<boost::json::value> items;    // Map: the items (after ItemsPath).
  int64_t next_item = 0;                    // Next item (Map) or branch (Parallel) to start.
  int64_t finished = 0;                     // Branches/iterations done.
  // When a Parallel or Map state fails or is stopped, its frame keeps
  // `children` (the failed, cancelled and unfinished ones, blocker kNone),
  // `results` of those that succeeded, `items` and `next_item`: every index
  // below next_item either succeeded or is in `children`. A redrive resumes
  // from there (redrive.h). Entering the next state clears them.

  // --- Distributed Map (ProcessorConfig Mode DISTRIBUTED) ---
  // The Map state's frame: its Map Run while the iterations run.
  std::string map_run_arn;  // Empty: not a Distributed Map run.
  int64_t failed = 0;       // Iterations that failed (tolerated so far).
  // The resolved ToleratedFailureCount / ToleratedFailurePercentage of the
  // run; -1 when the state sets neither form (see children.cc for the rule).
  int64_t tolerated_failure_count = -1;
  double tolerated_failure_percentage = -1;
  // A child execution of a Map Run, or any frame nested in one: AWS records
  // its events in the child execution's own history, not the parent's.
  bool in_map_run = false;
  // An iteration (child execution) of a Map Run: when it started, its input
  // (after ItemSelector), and whether it failed within the tolerated
  // threshold. Such a failed iteration stays in the parent's `children`
  // (blocker kNone) so that a redrive reruns it, as AWS's Map Run redrive does.
  absl::Time started_at;
  boost::json::value iteration_input;
  bool iteration_failed = false;
};

// A RedriveExecution that carried a client token (idempotency).
struct RedriveRecord {
  std::string client_token;
  absl::Time date;
};

struct ExecutionState {
  ExecutionStatus status = ExecutionStatus::kRunning;
  ExecutionInfo info;
  SharedJsonValue input;  // The execution input: never changes once started.
  absl::Time start_time;
  absl::Time stop_time;  // Set when status is final.
  int64_t redrive_count = 0;
  absl::Time redrive_time;  // The last redrive ($$.Execution.RedriveTime); unset: never.
  // The most recent redrives with a client token (at most kMaxRedriveRecords).
  std::vector<RedriveRecord> redrives;
  int64_t next_event_id = 1;       // History ids: 1, 2, ...
  int64_t next_id = 1;             // Sequence for task and timer ids.
  std::string execution_timer_id;  // State machine TimeoutSeconds.
  Frame root;
  // Final result.
  boost::json::value output;
  std::string error;
  std::string cause;
};

boost::json::value ToJson(const ExecutionState& state);
// kInvalidArgument naming the field when the document is not a state.
absl::StatusOr<ExecutionState> ExecutionStateFromJson(const boost::json::value& json);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EXECUTION_STATE_H_
