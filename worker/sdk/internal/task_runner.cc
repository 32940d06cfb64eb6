#include "worker/sdk/internal/task_runner.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "boost/json/parse.hpp"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "worker/sdk/internal/failure.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/internal/report.h"
#include "worker/sdk/internal/rpc_errors.h"
#include "worker/sdk/internal/running_tasks.h"

namespace stepwise::worker::internal {
namespace {

// As deep as the orchestrator's own JSON documents may be.
constexpr int kMaxInputDepth = 512;
// Causes can be 32 KiB; the log line shows their start.
constexpr std::size_t kMaxCauseInLog = 300;

// The handler's outcome, exceptions included.
TaskOutcome Execute(const Handler& handler, const Task& task) {
  try {
    return OutcomeFromOutput(handler(task));
  } catch (...) {
    return OutcomeFromCurrentException();
  }
}

// The task's one log line, once its result was delivered or dropped.
void LogFinished(WorkerContext& context, const FinishedTask& finished) {
  std::string line = StrCat("task queue=", finished.queue, " state=", finished.state_name,
                            " execution=", finished.execution_arn, " attempt=", finished.attempt);
  const std::string duration =
      absl::FormatDuration(absl::Trunc(absl::Now() - finished.start, absl::Milliseconds(1)));
  if (!finished.dropped.empty()) {
    StrAppend(&line, " outcome=dropped duration=", duration, " reason=", finished.dropped);
  } else if (finished.outcome.succeeded) {
    StrAppend(&line, " outcome=succeeded duration=", duration);
  } else {
    StrAppend(&line, " outcome=failed duration=", duration, " error=", finished.outcome.error,
              " cause=", TruncateUtf8(finished.outcome.cause, kMaxCauseInLog));
  }
  --context.tasks_in_flight;
  LogLine(line);
}

}  // namespace

absl::Duration HeartbeatInterval(const v1::Task& task) {
  absl::Duration interval = absl::InfiniteDuration();
  if (task.lease_seconds() > 0) interval = absl::Seconds(task.lease_seconds()) / 3;
  if (task.heartbeat_seconds() > 0) {
    interval = std::min(interval, absl::Seconds(task.heartbeat_seconds()) / 3);
  }
  return interval;
}

grpc::Status SendHeartbeat(WorkerContext& context, const std::string& task_token,
                           absl::Duration timeout, grpc::ClientContext* rpc) {
  grpc::ClientContext own;
  if (rpc == nullptr) rpc = &own;
  rpc->set_deadline(absl::ToChronoTime(std::min(context.CallDeadline(), absl::Now() + timeout)));
  v1::SendTaskHeartbeatRequest request;
  request.set_task_token(task_token);
  v1::SendTaskHeartbeatResponse response;
  return context.states_stub->SendTaskHeartbeat(rpc, request, &response);
}

absl::StatusOr<Task> ToTask(const std::string& queue, const v1::Task& task) {
  Task out;
  out.task_token = task.task_token();
  out.callback_token = task.callback_token();
  out.queue = queue;
  out.state_name = task.state_name();
  out.execution_arn = task.execution_arn();
  out.state_machine_arn = task.state_machine_arn();
  out.resource = task.resource();
  out.attempt = task.attempt();
  if (task.has_deadline()) {
    out.deadline = absl::FromUnixSeconds(task.deadline().seconds()) +
                   absl::Nanoseconds(task.deadline().nanos());
  }
  boost::json::parse_options options;
  options.max_depth = kMaxInputDepth;
  boost::json::error_code error;
  out.input = boost::json::parse(task.input(), error, {}, options);
  if (error) {
    return absl::InvalidArgumentError(
        StrCat("the task input is not valid JSON (", error.message(), ")"));
  }
  return out;
}

std::optional<FinishedTask> RunHandler(WorkerContext& context, RunningTasks& running,
                                       const std::string& queue, const v1::Task& task,
                                       const Handler& handler) {
  FinishedTask finished;
  finished.start = absl::Now();
  finished.queue = queue;
  finished.task_token = task.task_token();
  finished.state_name = task.state_name();
  finished.execution_arn = task.execution_arn();
  finished.attempt = task.attempt();
  ++context.tasks_in_flight;
  absl::StatusOr<Task> parsed = ToTask(queue, task);
  if (!parsed.ok()) {
    finished.outcome = FailedOutcome(kInvalidTaskInput, std::string(parsed.status().message()));
    return finished;
  }
  // Kept by value: after an abandoned handler the worker may be gone.
  const std::shared_ptr<SharedSync> sync = context.sync;
  RunningTask entry(queue, task);
  running.Begin(entry);
  finished.outcome = Execute(handler, *parsed);
  if (!EndHandler(sync, &running, entry)) return std::nullopt;
  finished.dropped = std::move(entry.gone);
  return finished;
}

void ReportTask(WorkerContext& context, FinishedTask& finished,
                std::optional<grpc::Status> first_answer) {
  if (finished.dropped.empty()) {
    std::string detail;
    switch (ReportOutcome(context, finished.task_token, finished.outcome, &detail,
                          std::move(first_answer))) {
      case ReportResult::kDelivered:
        RecordDelivered(context, finished);
        return;
      case ReportResult::kRejected:
      case ReportResult::kGaveUp:
        finished.dropped = detail;
        break;
    }
  }
  ++context.tasks_dropped;
  LogFinished(context, finished);
}

void RecordDelivered(WorkerContext& context, FinishedTask& finished) {
  ++(finished.outcome.succeeded ? context.tasks_succeeded : context.tasks_failed);
  LogFinished(context, finished);
}

void CompletionOf(const FinishedTask& finished, v1::CompleteAndPollTaskRequest* request) {
  const TaskOutcome& outcome = finished.outcome;
  if (outcome.succeeded) {
    request->mutable_success()->set_task_token(finished.task_token);
    request->mutable_success()->set_output(outcome.output);
    return;
  }
  request->mutable_failure()->set_task_token(finished.task_token);
  request->mutable_failure()->set_error(outcome.error);
  request->mutable_failure()->set_cause(outcome.cause);
}

}  // namespace stepwise::worker::internal
