// Execution histories written by hand for the history view tests, chained
// the way the Stepwise engine chains them (orchestrator/engine/step.cc,
// children.cc): each event's previousEventId is the last event of its own
// branch; a Parallel branch's first event follows ParallelStateStarted, a
// Map iteration's first event follows its MapIterationStarted.
//
//   HistoryScript h;
//   int64_t e = h.ExecutionStarted(R"({"name":"Ada"})");
//   e = h.Entered(v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED, e, "Prepare", "{}");
//   e = h.Exited(v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED, e, "Prepare", "{}");
//   h.ExecutionSucceeded(e, "{}");
//   BuildExecutionView(h.Describe(), h.events());
#ifndef STEPWISE_TESTS_CLI_REMOTE_HISTORY_EVENTS_H_
#define STEPWISE_TESTS_CLI_REMOTE_HISTORY_EVENTS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "stepwise/v1/states.pb.h"

namespace stepwise::cli::testing {

inline constexpr char kHistoryArn[] = "arn:aws:states:us-east-1:123456789012:execution:Flow:run-1";
inline constexpr char kHistoryMachineArn[] =
    "arn:aws:states:us-east-1:123456789012:stateMachine:Flow";
inline constexpr int64_t kHistoryStartSeconds = 1700000000;

class HistoryScript {
 public:
  const std::vector<v1::HistoryEvent>& events() const { return events_; }

  // Events from now on are `ms` milliseconds after the start.
  void At(int64_t ms) { ms_ = ms; }

  // DescribeExecution's answer taken when the execution had just started.
  v1::DescribeExecutionResponse Describe() const {
    v1::DescribeExecutionResponse describe;
    describe.set_execution_arn(kHistoryArn);
    describe.set_name("run-1");
    describe.set_state_machine_arn(kHistoryMachineArn);
    describe.set_status(v1::EXECUTION_STATUS_RUNNING);
    describe.mutable_start_date()->set_seconds(kHistoryStartSeconds);
    return describe;
  }

  int64_t Add(v1::HistoryEventType type, int64_t previous) {
    v1::HistoryEvent& event = events_.emplace_back();
    event.set_id(static_cast<int64_t>(events_.size()));
    event.set_previous_event_id(previous);
    event.set_type(type);
    event.mutable_timestamp()->set_seconds(kHistoryStartSeconds + ms_ / 1000);
    event.mutable_timestamp()->set_nanos(static_cast<int32_t>(ms_ % 1000 * 1000000));
    return event.id();
  }
  v1::HistoryEvent& last() { return events_.back(); }

  int64_t ExecutionStarted(const std::string& input) {
    Add(v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED, 0);
    last().mutable_execution_started_event_details()->set_input(input);
    return last().id();
  }
  int64_t ExecutionSucceeded(int64_t previous, const std::string& output) {
    Add(v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED, previous);
    last().mutable_execution_succeeded_event_details()->set_output(output);
    return last().id();
  }
  int64_t ExecutionFailed(int64_t previous, const std::string& error, const std::string& cause) {
    Add(v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED, previous);
    last().mutable_execution_failed_event_details()->set_error(error);
    last().mutable_execution_failed_event_details()->set_cause(cause);
    return last().id();
  }
  int64_t ExecutionAborted(int64_t previous) {
    Add(v1::HISTORY_EVENT_TYPE_EXECUTION_ABORTED, previous);
    last().mutable_execution_aborted_event_details()->set_error("Operator.Stop");
    return last().id();
  }

  int64_t Entered(v1::HistoryEventType type, int64_t previous, const std::string& name,
                  const std::string& input) {
    Add(type, previous);
    last().mutable_state_entered_event_details()->set_name(name);
    last().mutable_state_entered_event_details()->set_input(input);
    return last().id();
  }
  int64_t Exited(v1::HistoryEventType type, int64_t previous, const std::string& name,
                 const std::string& output) {
    Add(type, previous);
    last().mutable_state_exited_event_details()->set_name(name);
    last().mutable_state_exited_event_details()->set_output(output);
    return last().id();
  }
  // A Pass state entered and left at once.
  int64_t Pass(int64_t previous, const std::string& name, const std::string& data) {
    const int64_t entered =
        Entered(v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED, previous, name, data);
    return Exited(v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED, entered, name, data);
  }

  int64_t TaskScheduled(int64_t previous, const std::string& resource = "invoke") {
    Add(v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED, previous);
    last().mutable_task_scheduled_event_details()->set_resource_type("lambda");
    last().mutable_task_scheduled_event_details()->set_resource(resource);
    return last().id();
  }
  int64_t TaskStarted(int64_t previous) {
    Add(v1::HISTORY_EVENT_TYPE_TASK_STARTED, previous);
    last().mutable_task_started_event_details()->set_resource_type("lambda");
    return last().id();
  }
  int64_t TaskSucceeded(int64_t previous, const std::string& output) {
    Add(v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED, previous);
    last().mutable_task_succeeded_event_details()->set_output(output);
    return last().id();
  }
  int64_t TaskFailed(int64_t previous, const std::string& error, const std::string& cause) {
    Add(v1::HISTORY_EVENT_TYPE_TASK_FAILED, previous);
    last().mutable_task_failed_event_details()->set_error(error);
    last().mutable_task_failed_event_details()->set_cause(cause);
    return last().id();
  }
  int64_t TaskTimedOut(int64_t previous) {
    Add(v1::HISTORY_EVENT_TYPE_TASK_TIMED_OUT, previous);
    last().mutable_task_timed_out_event_details()->set_error("States.Timeout");
    return last().id();
  }

  int64_t MapStarted(int64_t previous, int length) {
    Add(v1::HISTORY_EVENT_TYPE_MAP_STATE_STARTED, previous);
    last().mutable_map_state_started_event_details()->set_length(length);
    return last().id();
  }
  int64_t Iteration(v1::HistoryEventType type, int64_t previous, const std::string& map,
                    int index) {
    Add(type, previous);
    v1::MapIterationEventDetails* details =
        type == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_STARTED
            ? last().mutable_map_iteration_started_event_details()
        : type == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_SUCCEEDED
            ? last().mutable_map_iteration_succeeded_event_details()
            : last().mutable_map_iteration_failed_event_details();
    details->set_name(map);
    details->set_index(index);
    return last().id();
  }

 private:
  std::vector<v1::HistoryEvent> events_;
  int64_t ms_ = 0;
};

}  // namespace stepwise::cli::testing

#endif  // STEPWISE_TESTS_CLI_REMOTE_HISTORY_EVENTS_H_
