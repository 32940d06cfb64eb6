#include "tests/e2e/recovery_harness.h"

#include <signal.h>

#include <iostream>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace stepwise::e2e {
namespace {

using testing::ChildProcess;

bool IsTerminal(v1::HistoryEventType type) {
  return type == v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_ABORTED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_TIMED_OUT;
}

// The three families of task events (AWS): Task* (service integrations),
// Activity* (activity ARNs), LambdaFunction* (Lambda function ARNs).
bool SchedulesTask(v1::HistoryEventType type) {
  return type == v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED ||
         type == v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULED ||
         type == v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED;
}

bool StartsTask(v1::HistoryEventType type) {
  return type == v1::HISTORY_EVENT_TYPE_TASK_STARTED ||
         type == v1::HISTORY_EVENT_TYPE_ACTIVITY_STARTED ||
         type == v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED;
}

bool ClosesTask(v1::HistoryEventType type) {
  switch (type) {
    case v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_TASK_FAILED:
    case v1::HISTORY_EVENT_TYPE_TASK_TIMED_OUT:
    case v1::HISTORY_EVENT_TYPE_TASK_START_FAILED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_FAILED:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_TIMED_OUT:
    case v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULE_FAILED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SUCCEEDED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_TIMED_OUT:
    case v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULE_FAILED:
      return true;
    default:
      return false;
  }
}

std::string TypeName(v1::HistoryEventType type) {
  return v1::HistoryEventType_Name(type).substr(std::string("HISTORY_EVENT_TYPE_").size());
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> StartExampleWorker(
    const std::string& endpoint, const std::string& identity, const std::string& dir,
    int concurrency, const std::vector<std::string>& queues) {
  std::vector<std::string> argv = {STEPWISE_EXAMPLE_WORKER_BIN,
                                   "--orchestrator",
                                   endpoint,
                                   "--identity",
                                   identity,
                                   "--concurrency",
                                   StrCat(concurrency),
                                   "--shutdown-grace-seconds",
                                   "10"};
  for (const std::string& queue : queues) {
    argv.push_back("--queue");
    argv.push_back(queue);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> worker,
                   ChildProcess::Start(argv, StrCat(dir, "/", identity, ".log")));
  RETURN_IF_ERROR(worker->WaitForLine("polling", kStartTimeout).status());
  return worker;
}

absl::StatusOr<int> StopWorkerAndCountSucceeded(ChildProcess& worker) {
  worker.Signal(SIGTERM);
  ASSIGN_OR_RETURN(const int code, worker.Wait(absl::Seconds(30)));
  if (code != 0) {
    return absl::InternalError(StrCat("worker exited with ", code, "; log:\n", Tail(worker.Log())));
  }
  // "worker stopped: N succeeded, ..."
  int succeeded = 0;
  const std::string count = FieldAfter(worker.Log(), "worker stopped: ", " ");
  if (!absl::SimpleAtoi(count, &succeeded)) {
    return absl::InternalError(StrCat("no 'worker stopped' line; log:\n", Tail(worker.Log())));
  }
  return succeeded;
}

std::map<std::string, v1::ExecutionStatus> AwaitExecutionsEnd(v1::States::Stub& states,
                                                              const std::vector<std::string>& arns,
                                                              absl::Duration timeout) {
  std::map<std::string, v1::ExecutionStatus> statuses;
  for (const std::string& arn : arns) statuses[arn] = v1::EXECUTION_STATUS_RUNNING;
  AwaitTrue(
      [&] {
        bool all_ended = true;
        for (auto& [arn, status] : statuses) {
          if (status != v1::EXECUTION_STATUS_RUNNING) continue;
          absl::StatusOr<v1::DescribeExecutionResponse> described = DescribeExecution(states, arn);
          if (described.ok()) status = described->status();
          if (status == v1::EXECUTION_STATUS_RUNNING) all_ended = false;
        }
        return all_ended;
      },
      timeout);
  return statuses;
}

std::vector<std::string> HistoryProblems(const std::vector<v1::HistoryEvent>& history, bool ended) {
  std::vector<std::string> problems;
  if (history.empty()) return {"the history is empty"};
  for (size_t i = 0; i < history.size(); ++i) {
    const v1::HistoryEvent& event = history[i];
    const int64_t expected_id = static_cast<int64_t>(i) + 1;
    if (event.id() != expected_id) {
      problems.push_back(StrCat("event #", expected_id, " has id ", event.id()));
      return problems;  // Everything below indexes by id.
    }
    if (i == 0 ? event.previous_event_id() != 0
               : (event.previous_event_id() < 1 || event.previous_event_id() >= event.id())) {
      problems.push_back(StrCat("event ", event.id(), " (", TypeName(event.type()),
                                ") has previousEventId ", event.previous_event_id()));
    }
  }
  if (history.front().type() != v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED) {
    problems.push_back(StrCat("the first event is ", TypeName(history.front().type())));
  }
  if (const int started = CountEvents(history, v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED);
      started != 1) {
    problems.push_back(StrCat(started, " ExecutionStarted events"));
  }
  int terminal = 0;
  for (const v1::HistoryEvent& event : history) terminal += IsTerminal(event.type()) ? 1 : 0;
  if (terminal > 1 || (ended && terminal != 1)) {
    problems.push_back(StrCat(terminal, " terminal events (ExecutionSucceeded/Failed/...)"));
  }
  if (terminal == 1 && !IsTerminal(history.back().type())) {
    problems.push_back(StrCat("the terminal event is not the last; the last is ",
                              TypeName(history.back().type())));
  }

  // Task events (of every family): follow previousEventId through
  // TaskStarted events back to the TaskScheduled each one belongs to.
  std::map<int64_t, int> closers;  // TaskScheduled id -> closing events.
  for (const v1::HistoryEvent& event : history) {
    if (SchedulesTask(event.type())) closers.emplace(event.id(), 0);
  }
  for (const v1::HistoryEvent& event : history) {
    const bool closes = ClosesTask(event.type());
    if (!closes && !StartsTask(event.type())) continue;
    int64_t at = event.previous_event_id();
    while (at >= 1 && StartsTask(history[at - 1].type())) {
      at = history[at - 1].previous_event_id();
    }
    if (at < 1 || !SchedulesTask(history[at - 1].type())) {
      problems.push_back(StrCat("event ", event.id(), " (", TypeName(event.type()),
                                ") does not follow a TaskScheduled"));
    } else if (closes) {
      ++closers[at];
    }
  }
  for (const auto& [scheduled, count] : closers) {
    if (count > 1 || (ended && count != 1)) {
      problems.push_back(StrCat("TaskScheduled ", scheduled, " is closed by ", count,
                                " TaskSucceeded/TaskFailed/TaskTimedOut events"));
    }
  }
  return problems;
}

std::vector<std::string> StateCountProblems(const std::vector<v1::HistoryEvent>& history,
                                            const std::map<std::string, int>& entered) {
  std::map<std::string, int> seen_entered;
  std::map<std::string, int> seen_exited;
  for (const v1::HistoryEvent& event : history) {
    if (event.has_state_entered_event_details()) {
      ++seen_entered[event.state_entered_event_details().name()];
    }
    if (event.has_state_exited_event_details()) {
      ++seen_exited[event.state_exited_event_details().name()];
    }
  }
  std::vector<std::string> problems;
  std::set<std::string> names;
  for (const auto& [name, count] : entered) names.insert(name);
  for (const auto& [name, count] : seen_entered) names.insert(name);
  for (const auto& [name, count] : seen_exited) names.insert(name);
  for (const std::string& name : names) {
    const auto expected = entered.find(name);
    const int want = expected == entered.end() ? 0 : expected->second;
    if (seen_entered[name] != want || seen_exited[name] != want) {
      problems.push_back(StrCat("state ", name, " entered ", seen_entered[name], " and exited ",
                                seen_exited[name], " times; expected ", want));
    }
  }
  return problems;
}

std::string HistoryText(const std::vector<v1::HistoryEvent>& history) {
  std::string text;
  for (const v1::HistoryEvent& event : history) {
    StrAppend(&text, event.id(), " <- ", event.previous_event_id(), " ", TypeName(event.type()));
    if (event.has_state_entered_event_details()) {
      StrAppend(&text, " ", event.state_entered_event_details().name());
    } else if (event.has_state_exited_event_details()) {
      StrAppend(&text, " ", event.state_exited_event_details().name());
    } else if (event.has_task_timed_out_event_details()) {
      StrAppend(&text, " ", event.task_timed_out_event_details().error());
    } else if (event.has_task_failed_event_details()) {
      StrAppend(&text, " ", event.task_failed_event_details().error());
    }
    text += "\n";
  }
  return text;
}

PhaseLog::PhaseLog() : start_(absl::Now()) {}

void PhaseLog::Mark(const std::string& what) {
  std::cerr << "[+"
            << absl::FormatDuration(absl::Trunc(absl::Now() - start_, absl::Milliseconds(1)))
            << "] " << what << "\n";
}

}  // namespace stepwise::e2e
