// An execution's history as a person reads it: the states it went through,
// in order, each with its type, how it ended (or that it still runs), its
// input and output, and the errors of its task attempts; Parallel branches
// and Map iterations nested under their state. Pure: events in, a tree out
// (history_text.h prints it; history_command.h fetches the events).
//
//   v1::DescribeExecutionResponse execution = ...;   // DescribeExecution
//   std::vector<v1::HistoryEvent> events = ...;       // GetExecutionHistory, oldest first
//   ExecutionView view = BuildExecutionView(execution, events);
//   view.states[0].name;    // "Check Name"
//   view.states[0].status;  // StateStatus::kCaught
//
// The tree comes from the events' previousEventId: Stepwise chains the
// events of each Parallel branch and Map iteration within it, and the first
// event of a branch follows the ParallelStateStarted (of an iteration: its
// MapIterationStarted) event. An event whose previous event is unknown
// continues the top level.
#ifndef STEPWISE_CLI_REMOTE_HISTORY_VIEW_H_
#define STEPWISE_CLI_REMOTE_HISTORY_VIEW_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::cli {

// How one visit of a state ended, or that it has not yet.
enum class StateStatus {
  kRunning,
  kSucceeded,
  // Failed and the failure left the state (and its branch, or the execution).
  kFailed,
  // Failed, and a Catch of the state moved on to its Next.
  kCaught,
  // A task (or the execution) ran out of time.
  kTimedOut,
  // The execution was stopped (StopExecution) while the state ran.
  kAborted,
  // Stopped because something else failed: a sibling Parallel branch or Map
  // iteration, or the state's own retry of its branches.
  kCancelled,
};

// "RUNNING", "SUCCEEDED", "FAILED", "CAUGHT", "TIMED_OUT", "ABORTED", "CANCELLED".
std::string_view StateStatusName(StateStatus status);

// One try of a Task state's work (a Retry makes more).
struct TaskAttempt {
  enum class Outcome { kPending, kSucceeded, kFailed, kTimedOut };
  Outcome outcome = Outcome::kPending;
  // A worker took it (TaskStarted / ActivityStarted).
  bool started = false;
  // ActivityStarted's worker name; empty otherwise.
  std::string worker;
  // Set when kFailed / kTimedOut.
  std::string error;
  std::string cause;
};

struct StateRun;

// A Parallel branch or a Map iteration: the states it went through.
struct StateLane {
  // "branch 1", "branch 2", ... or "iteration 0", "iteration 1", ...; with
  // " (attempt 2)" when a Retry ran the Parallel/Map state again.
  std::string label;
  // The Map item's index; unset for a Parallel branch.
  std::optional<int> index;
  std::vector<StateRun> states;
};

// One visit of a state (a loop back to a state is another StateRun).
struct StateRun {
  std::string name;
  // AWS's state type: "Task", "Pass", "Choice", "Wait", "Succeed", "Fail",
  // "Parallel", "Map".
  std::string type;
  StateStatus status = StateStatus::kRunning;
  // What a running state waits for ("waiting for worker", "waiting for
  // callback", "waiting to retry", "waiting", "2 of 5 iterations done");
  // empty when there is nothing to say.
  std::string note;
  absl::Time entered;
  std::optional<absl::Time> exited;
  // JSON text as the events carry it; unset without execution data.
  std::optional<std::string> input;
  std::optional<std::string> output;
  // A Task's resource as the TaskScheduled event names it ("lambda:invoke",
  // an activity ARN, ...).
  std::string resource;
  std::vector<TaskAttempt> attempts;
  // What made it FAILED / TIMED_OUT / CAUGHT when no attempt says it (a Fail
  // state, a States.Runtime error); empty when the history does not tell.
  std::string error;
  std::string cause;
  // Parallel branches / Map iterations, in the order they started.
  std::vector<StateLane> lanes;
};

struct ExecutionView {
  std::string execution_arn;
  std::string name;
  std::string state_machine_arn;
  v1::ExecutionStatus status = v1::EXECUTION_STATUS_UNSPECIFIED;
  std::optional<absl::Time> start_date;
  std::optional<absl::Time> stop_date;
  std::string error;
  std::string cause;
  // The top level's states in the order they were entered.
  std::vector<StateRun> states;

  // The execution has ended (any status but RUNNING); its history is final
  // unless it is redriven.
  bool closed() const;
};

// The view of `execution` (DescribeExecution's answer) after `events` (its
// history, oldest first, possibly incomplete while it runs). The status,
// stop date, error and cause come from the history's last Execution* event
// when there is one (it is newer than a DescribeExecution answer taken
// before it), else from `execution`. Never fails: events it does not know
// are skipped.
ExecutionView BuildExecutionView(const v1::DescribeExecutionResponse& execution,
                                 const std::vector<v1::HistoryEvent>& events);

// absl::Time of a protobuf timestamp.
absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_HISTORY_VIEW_H_
