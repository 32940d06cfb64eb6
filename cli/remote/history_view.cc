#include "cli/remote/history_view.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cli/remote/aws_names.h"
#include "common/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace stepwise::cli {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using Outcome = TaskAttempt::Outcome;

// The set member of the event's `details` oneof, or null.
const Message* Details(const v1::HistoryEvent& event) {
  static const google::protobuf::OneofDescriptor* const kDetails =
      v1::HistoryEvent::descriptor()->FindOneofByName("details");
  const FieldDescriptor* field = event.GetReflection()->GetOneofFieldDescriptor(event, kDetails);
  return field == nullptr ? nullptr : &event.GetReflection()->GetMessage(event, field);
}

// The details' string member `name` ("error", "input", ...); empty when the
// details have no such member. Reflection, because a dozen detail messages
// share these member names.
std::string DetailString(const v1::HistoryEvent& event, const std::string& name) {
  const Message* details = Details(event);
  if (details == nullptr) return "";
  const FieldDescriptor* field = details->GetDescriptor()->FindFieldByName(name);
  if (field == nullptr || field->is_repeated() ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    return "";
  }
  return details->GetReflection()->GetString(*details, field);
}

// A payload member: unset when absent or empty (includeExecutionData=false
// clears them; a recorded payload is never empty JSON text).
std::optional<std::string> DetailPayload(const v1::HistoryEvent& event, const std::string& name) {
  std::string text = DetailString(event, name);
  if (text.empty()) return std::nullopt;
  return text;
}

// "Task" for TaskStateEntered, ...; empty when `type` enters no state.
std::string EnteredStateType(v1::HistoryEventType type) {
  switch (type) {
    case v1::HISTORY_EVENT_TYPE_CHOICE_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_FAIL_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_SUCCEED_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED:
    case v1::HISTORY_EVENT_TYPE_WAIT_STATE_ENTERED: {
      std::string name = AwsEnumName(*v1::HistoryEventType_descriptor()->FindValueByNumber(type));
      constexpr std::string_view kSuffix = "StateEntered";
      return name.substr(0, name.size() - kSuffix.size());
    }
    default:
      return "";
  }
}

// Why the states of a lane stopped, seen from outside the lane.
enum class Cut {
  kNone,      // Not stopped: its last state may still run.
  kEnded,     // Its branch is over; a state still open there was stopped by something else.
  kFailed,    // It ended because its last state failed.
  kAborted,   // The execution (or the Map iteration) was aborted.
  kTimedOut,  // The execution timed out.
};

class Builder {
 public:
  explicit Builder(const v1::DescribeExecutionResponse& execution) {
    view_.execution_arn = execution.execution_arn();
    view_.name = execution.name();
    view_.state_machine_arn = execution.state_machine_arn();
    view_.status = execution.status();
    if (execution.has_start_date()) view_.start_date = FromProtoTime(execution.start_date());
    if (execution.has_stop_date()) view_.stop_date = FromProtoTime(execution.stop_date());
    view_.error = execution.error();
    view_.cause = execution.cause();
    lanes_.emplace_back();  // The top level.
  }

  void Apply(const v1::HistoryEvent& event);
  ExecutionView Finish() &&;

 private:
  struct Row {
    StateRun run;  // Without lanes: Assemble() adds them.
    std::vector<int> lanes;
    int starts = 0;              // ParallelStateStarted / MapStateStarted seen.
    bool children_done = false;  // The current start's branches are over.
    bool failed = false;         // A failure is pending: a Next now means CAUGHT.
    bool aborted = false;
    std::optional<int> map_length;
    int iterations_done = 0;
  };
  struct Lane {
    std::string label;
    std::optional<int> index;
    int start = 0;  // Which ParallelStateStarted / MapStateStarted made it.
    std::vector<int> rows;
    Cut end = Cut::kNone;  // Set by MapIteration{Succeeded,Failed,Aborted}.
  };

  int LaneOf(const v1::HistoryEvent& event, bool enters_state);
  Row* CurrentRow(int lane);
  int NewLane(int row, std::string label, std::optional<int> index);
  void OnExecutionEvent(const v1::HistoryEvent& event);
  void Finalize(int lane, Cut cut);
  void FinalizeRow(Row& row, Cut cut);
  StateRun Assemble(int row);

  ExecutionView view_;
  std::vector<Row> rows_;
  std::vector<Lane> lanes_;
  std::unordered_map<int64_t, int> lane_of_event_;
  std::unordered_map<int64_t, int> parallel_started_;   // Event id -> row.
  std::unordered_map<int64_t, int> iteration_started_;  // Event id -> its lane, until entered.
  std::map<std::pair<int, int>, int> iteration_lane_;   // (row, item index) -> latest lane.
};

int Builder::LaneOf(const v1::HistoryEvent& event, bool enters_state) {
  const int64_t previous = event.previous_event_id();
  if (enters_state) {
    // Every branch's first state follows the ParallelStateStarted event.
    if (auto it = parallel_started_.find(previous); it != parallel_started_.end()) {
      const Row& row = rows_[static_cast<size_t>(it->second)];
      int count = 0;
      for (int lane : row.lanes) count += lanes_[static_cast<size_t>(lane)].start == row.starts;
      return NewLane(it->second, StrCat("branch ", count + 1), std::nullopt);
    }
    if (auto it = iteration_started_.find(previous); it != iteration_started_.end()) {
      const int lane = it->second;
      iteration_started_.erase(it);
      return lane;
    }
  }
  auto it = lane_of_event_.find(previous);
  return it == lane_of_event_.end() ? 0 : it->second;
}

Builder::Row* Builder::CurrentRow(int lane) {
  const std::vector<int>& rows = lanes_[static_cast<size_t>(lane)].rows;
  return rows.empty() ? nullptr : &rows_[static_cast<size_t>(rows.back())];
}

int Builder::NewLane(int row, std::string label, std::optional<int> index) {
  Row& parent = rows_[static_cast<size_t>(row)];
  Lane lane;
  lane.label = std::move(label);
  if (parent.starts > 1) lane.label += StrCat(" (attempt ", parent.starts, ")");
  lane.index = index;
  lane.start = parent.starts;
  lanes_.push_back(std::move(lane));
  const int id = static_cast<int>(lanes_.size()) - 1;
  parent.lanes.push_back(id);
  return id;
}

void Builder::OnExecutionEvent(const v1::HistoryEvent& event) {
  const absl::Time at = FromProtoTime(event.timestamp());
  switch (event.type()) {
    case v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED:
      if (!view_.start_date) view_.start_date = at;
      return;
    case v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED:
      view_.status = v1::EXECUTION_STATUS_SUCCEEDED;
      break;
    case v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED:
      view_.status = v1::EXECUTION_STATUS_FAILED;
      break;
    case v1::HISTORY_EVENT_TYPE_EXECUTION_TIMED_OUT:
      view_.status = v1::EXECUTION_STATUS_TIMED_OUT;
      break;
    case v1::HISTORY_EVENT_TYPE_EXECUTION_ABORTED:
      view_.status = v1::EXECUTION_STATUS_ABORTED;
      break;
    case v1::HISTORY_EVENT_TYPE_EXECUTION_REDRIVEN:
      view_.status = v1::EXECUTION_STATUS_RUNNING;
      view_.stop_date.reset();
      view_.error.clear();
      view_.cause.clear();
      return;
    default:
      return;
  }
  view_.stop_date = at;
  view_.error = DetailString(event, "error");
  view_.cause = DetailString(event, "cause");
}

void Builder::Apply(const v1::HistoryEvent& event) {
  const std::string entered_type = EnteredStateType(event.type());
  const int lane = LaneOf(event, !entered_type.empty());
  lane_of_event_[event.id()] = lane;
  OnExecutionEvent(event);
  const absl::Time at = FromProtoTime(event.timestamp());
  if (!entered_type.empty()) {
    Row row;
    row.run.name = DetailString(event, "name");
    row.run.type = entered_type;
    row.run.entered = at;
    row.run.input = DetailPayload(event, "input");
    rows_.push_back(std::move(row));
    lanes_[static_cast<size_t>(lane)].rows.push_back(static_cast<int>(rows_.size()) - 1);
    return;
  }
  Row* row = CurrentRow(lane);
  if (row == nullptr) return;
  StateRun& run = row->run;
  // The attempt a task event is about; a failure to schedule makes one.
  auto attempt = [&run]() -> TaskAttempt& {
    if (run.attempts.empty()) run.attempts.emplace_back();
    return run.attempts.back();
  };
  auto fail_attempt = [&](Outcome outcome) {
    TaskAttempt& failed = attempt();
    failed.outcome = outcome;
    failed.error = DetailString(event, "error");
    failed.cause = DetailString(event, "cause");
  };
  switch (event.type()) {
    case v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED:
      run.resource =
          StrCat(DetailString(event, "resource_type"), ":", DetailString(event, "resource"));
      run.attempts.emplace_back();
      break;
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED:
      run.resource = DetailString(event, "resource");
      run.attempts.emplace_back();
      break;
    case v1::HISTORY_EVENT_TYPE_TASK_STARTED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_STARTED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED:
      attempt().started = true;
      attempt().worker = DetailString(event, "worker_name");
      break;
    case v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED:
      attempt().outcome = Outcome::kSucceeded;
      break;
    case v1::HISTORY_EVENT_TYPE_TASK_FAILED:
    case v1::HISTORY_EVENT_TYPE_TASK_START_FAILED:
    case v1::HISTORY_EVENT_TYPE_TASK_SUBMIT_FAILED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_FAILED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULE_FAILED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULE_FAILED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_START_FAILED:
      fail_attempt(Outcome::kFailed);
      break;
    case v1::HISTORY_EVENT_TYPE_TASK_TIMED_OUT:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_TIMED_OUT:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_TIMED_OUT:
      fail_attempt(Outcome::kTimedOut);
      break;
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_STARTED: {
      ++row->starts;
      row->children_done = false;
      row->failed = false;
      row->iterations_done = 0;
      const int row_id = lanes_[static_cast<size_t>(lane)].rows.back();
      if (event.type() == v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED) {
        parallel_started_[event.id()] = row_id;
      } else if (event.map_state_started_event_details().has_length()) {
        row->map_length = event.map_state_started_event_details().length();
      }
      break;
    }
    case v1::HISTORY_EVENT_TYPE_MAP_ITERATION_STARTED: {
      const int index = event.map_iteration_started_event_details().index();
      const int row_id = lanes_[static_cast<size_t>(lane)].rows.back();
      const int child = NewLane(row_id, StrCat("iteration ", index), index);
      iteration_started_[event.id()] = child;
      iteration_lane_[{row_id, index}] = child;
      break;
    }
    case v1::HISTORY_EVENT_TYPE_MAP_ITERATION_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_MAP_ITERATION_FAILED:
    case v1::HISTORY_EVENT_TYPE_MAP_ITERATION_ABORTED: {
      const v1::MapIterationEventDetails& details =
          event.type() == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_SUCCEEDED
              ? event.map_iteration_succeeded_event_details()
          : event.type() == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_FAILED
              ? event.map_iteration_failed_event_details()
              : event.map_iteration_aborted_event_details();
      const int row_id = lanes_[static_cast<size_t>(lane)].rows.back();
      auto it = iteration_lane_.find({row_id, details.index()});
      if (it == iteration_lane_.end()) break;
      Cut& end = lanes_[static_cast<size_t>(it->second)].end;
      if (event.type() == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_SUCCEEDED) {
        end = Cut::kEnded;
        ++row->iterations_done;
      } else {
        end = event.type() == v1::HISTORY_EVENT_TYPE_MAP_ITERATION_FAILED ? Cut::kFailed
                                                                          : Cut::kAborted;
      }
      break;
    }
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_SUCCEEDED:
      row->children_done = true;
      break;
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_FAILED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_FAILED:
      row->children_done = true;
      row->failed = true;
      break;
    case v1::HISTORY_EVENT_TYPE_MAP_RUN_FAILED:
    case v1::HISTORY_EVENT_TYPE_EVALUATION_FAILED:
      row->failed = true;
      run.error = DetailString(event, "error");
      run.cause = DetailString(event, "cause");
      break;
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_ABORTED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_ABORTED:
    case v1::HISTORY_EVENT_TYPE_TASK_STATE_ABORTED:
    case v1::HISTORY_EVENT_TYPE_WAIT_STATE_ABORTED:
      row->aborted = true;
      break;
    case v1::HISTORY_EVENT_TYPE_CHOICE_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_MAP_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_SUCCEED_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED:
    case v1::HISTORY_EVENT_TYPE_WAIT_STATE_EXITED:
      run.exited = at;
      run.output = DetailPayload(event, "output");
      break;
    default:
      break;
  }
}

// What a state still running waits for.
std::string RunningNote(const StateRun& run, int map_length, int iterations_done, bool failed) {
  if (run.type == "Task" && !run.attempts.empty()) {
    const TaskAttempt& last = run.attempts.back();
    switch (last.outcome) {
      case Outcome::kPending:
        if (run.resource.ends_with(".waitForTaskToken")) return "waiting for callback";
        if (!last.started) return "waiting for worker";
        return last.worker.empty() ? "running on a worker" : StrCat("running on ", last.worker);
      case Outcome::kFailed:
      case Outcome::kTimedOut:
        return "waiting to retry";
      case Outcome::kSucceeded:
        return "";
    }
  }
  if (failed) return "waiting to retry";
  if (run.type == "Wait") return "waiting";
  if (run.type == "Map" && map_length >= 0) {
    return StrCat(iterations_done, " of ", map_length, " iterations done");
  }
  return "";
}

// The status of a state that did not exit and whose lane is over.
StateStatus EndedStatus(const StateRun& run, int starts, bool failed, Cut cut) {
  if (!run.attempts.empty()) {
    switch (run.attempts.back().outcome) {
      case Outcome::kTimedOut:
        return StateStatus::kTimedOut;
      case Outcome::kFailed:
        return StateStatus::kFailed;
      case Outcome::kPending:
        return cut == Cut::kFailed ? StateStatus::kFailed : StateStatus::kCancelled;
      case Outcome::kSucceeded:
        return StateStatus::kFailed;  // Its result could not be used.
    }
  }
  if (cut == Cut::kFailed || failed || run.type == "Fail") return StateStatus::kFailed;
  // Blocked states (a Wait, a Parallel/Map waiting for its branches) stop
  // when a sibling fails; the others cannot block, so only their own failure
  // (a task before it was scheduled, a Pass's paths) can have stopped them.
  if (run.type == "Wait" || starts > 0) return StateStatus::kCancelled;
  return StateStatus::kFailed;
}

void Builder::FinalizeRow(Row& row, Cut cut) {
  StateRun& run = row.run;
  Cut children = Cut::kEnded;
  const bool last_failed = !run.attempts.empty() &&
                           run.attempts.back().outcome != Outcome::kSucceeded &&
                           run.attempts.back().outcome != Outcome::kPending;
  if (run.exited) {
    run.status = row.failed || last_failed ? StateStatus::kCaught : StateStatus::kSucceeded;
  } else if (row.aborted || cut == Cut::kAborted) {
    run.status = StateStatus::kAborted;
    children = row.children_done ? Cut::kEnded : Cut::kAborted;
  } else if (cut == Cut::kTimedOut) {
    run.status = StateStatus::kTimedOut;
    children = row.children_done ? Cut::kEnded : Cut::kTimedOut;
  } else if (cut == Cut::kNone) {
    run.status = StateStatus::kRunning;
    run.note = RunningNote(run, row.map_length.value_or(-1), row.iterations_done, row.failed);
    children = row.children_done ? Cut::kEnded : Cut::kNone;
  } else {
    run.status = EndedStatus(run, row.starts, row.failed, cut);
  }
  for (int lane : row.lanes) {
    // Branches of an earlier try (before a Retry) are over.
    Finalize(lane, lanes_[static_cast<size_t>(lane)].start == row.starts ? children : Cut::kEnded);
  }
}

void Builder::Finalize(int lane_id, Cut cut) {
  const Lane& lane = lanes_[static_cast<size_t>(lane_id)];
  // What the Map said about its iteration wins over "ended": it knows why.
  if (lane.end != Cut::kNone && (cut == Cut::kNone || cut == Cut::kEnded)) cut = lane.end;
  for (size_t i = 0; i < lane.rows.size(); ++i) {
    // Only the last state of a lane can still be open in a well-formed history.
    FinalizeRow(rows_[static_cast<size_t>(lane.rows[i])],
                i + 1 == lane.rows.size() ? cut : Cut::kEnded);
  }
}

StateRun Builder::Assemble(int row_id) {
  Row& row = rows_[static_cast<size_t>(row_id)];
  StateRun run = std::move(row.run);
  for (int lane_id : row.lanes) {
    Lane& lane = lanes_[static_cast<size_t>(lane_id)];
    StateLane out;
    out.label = std::move(lane.label);
    out.index = lane.index;
    for (int child : lane.rows) out.states.push_back(Assemble(child));
    run.lanes.push_back(std::move(out));
  }
  return run;
}

ExecutionView Builder::Finish() && {
  Cut top = Cut::kNone;
  switch (view_.status) {
    case v1::EXECUTION_STATUS_SUCCEEDED:
      top = Cut::kEnded;
      break;
    case v1::EXECUTION_STATUS_FAILED:
    case v1::EXECUTION_STATUS_PENDING_REDRIVE:
      top = Cut::kFailed;
      break;
    case v1::EXECUTION_STATUS_TIMED_OUT:
      top = Cut::kTimedOut;
      break;
    case v1::EXECUTION_STATUS_ABORTED:
      top = Cut::kAborted;
      break;
    default:
      break;
  }
  Finalize(0, top);
  for (int row : lanes_[0].rows) view_.states.push_back(Assemble(row));
  // A top-level state that failed the execution without a task error of its
  // own (a Fail state, States.Runtime, a failed branch) failed with the
  // execution's error.
  if (top == Cut::kFailed && !view_.states.empty()) {
    StateRun& last = view_.states.back();
    const bool attempt_failed = !last.attempts.empty() &&
                                last.attempts.back().outcome != Outcome::kSucceeded &&
                                last.attempts.back().outcome != Outcome::kPending;
    if (!last.exited && !attempt_failed && last.error.empty()) {
      last.error = view_.error;
      last.cause = view_.cause;
    }
  }
  return std::move(view_);
}

}  // namespace

std::string_view StateStatusName(StateStatus status) {
  switch (status) {
    case StateStatus::kRunning:
      return "RUNNING";
    case StateStatus::kSucceeded:
      return "SUCCEEDED";
    case StateStatus::kFailed:
      return "FAILED";
    case StateStatus::kCaught:
      return "CAUGHT";
    case StateStatus::kTimedOut:
      return "TIMED_OUT";
    case StateStatus::kAborted:
      return "ABORTED";
    case StateStatus::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

bool ExecutionView::closed() const {
  return status != v1::EXECUTION_STATUS_RUNNING && status != v1::EXECUTION_STATUS_UNSPECIFIED;
}

absl::Time FromProtoTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) + absl::Nanoseconds(timestamp.nanos());
}

ExecutionView BuildExecutionView(const v1::DescribeExecutionResponse& execution,
                                 const std::vector<v1::HistoryEvent>& events) {
  Builder builder(execution);
  for (const v1::HistoryEvent& event : events) builder.Apply(event);
  return std::move(builder).Finish();
}

}  // namespace stepwise::cli
