#include "worker/sdk/internal/task_runner.h"

#include <algorithm>
#include <condition_variable>
#include <thread>
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

namespace stepwise::worker::internal {
namespace {

// As deep as the orchestrator's own JSON documents may be.
constexpr int kMaxInputDepth = 512;
// Causes can be 32 KiB; the log line shows their start.
constexpr std::size_t kMaxCauseInLog = 300;

// One handler invocation, shared between the slot thread and the handler's
// thread (which may outlive the Worker when shutdown gives up waiting).
struct HandlerRun {
  std::shared_ptr<SharedSync> sync;
  std::shared_ptr<const Handler> handler;
  Task task;
  bool done = false;    // Guarded by sync->mu.
  TaskOutcome outcome;  // Written before `done` is set.
  // The supervising runner waits here, so a handler's end wakes only it.
  std::condition_variable cv;
};

void Execute(HandlerRun& run) {
  TaskOutcome outcome;
  try {
    outcome = OutcomeFromOutput((*run.handler)(run.task));
  } catch (...) {
    outcome = OutcomeFromCurrentException();
  }
  {
    std::lock_guard<std::mutex> lock(run.sync->mu);
    run.outcome = std::move(outcome);
    run.done = true;
  }
  run.cv.notify_one();
}

// Waits for the handler, heartbeating every `interval` (HeartbeatInterval).
// Returns false when the shutdown grace period ended first. Sets `*gone`
// when a heartbeat learns that the orchestrator no longer wants the task
// (the handler still runs to its end).
bool Supervise(WorkerContext& context, HandlerRun& run, absl::Duration interval,
               std::string* gone) {
  absl::Time next_heartbeat = absl::Now() + interval;
  SharedSync& sync = *context.sync;
  std::unique_lock<std::mutex> lock(sync.mu);
  // Shutdown wakes it too (SharedSync::NotifyShutdown), for the grace deadline.
  sync.supervisors.insert(&run.cv);
  struct Unregister {
    SharedSync& sync;
    HandlerRun& run;
    ~Unregister() { sync.supervisors.erase(&run.cv); }  // sync.mu is held.
  } unregister{sync, run};
  while (!run.done) {
    const absl::Time now = absl::Now();
    if (sync.shutdown && now >= sync.grace_deadline) return false;
    if (gone->empty() && now >= next_heartbeat) {
      lock.unlock();
      const grpc::Status status = SendHeartbeat(context, run.task.task_token, interval);
      if (status.ok()) {
        context.outages.Succeeded();
      } else if (IsTaskGone(status)) {
        *gone = StrCat("a heartbeat was rejected (", Describe(status),
                       "): the orchestrator gave up on the task");
        LogLine(StrCat("task queue=", run.task.queue, " execution=", run.task.execution_arn, ": ",
                       *gone, "; the handler runs on, its result will be dropped"));
      } else {
        context.outages.Failed("SendTaskHeartbeat", status);
      }
      next_heartbeat = absl::Now() + interval;
      lock.lock();
      continue;
    }
    absl::Time wake = gone->empty() ? next_heartbeat : absl::InfiniteFuture();
    if (sync.shutdown) wake = std::min(wake, sync.grace_deadline);
    WaitUntil(sync, lock, wake, &run.cv);
  }
  return true;
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
                           absl::Duration timeout) {
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(std::min(context.CallDeadline(), absl::Now() + timeout)));
  v1::SendTaskHeartbeatRequest request;
  request.set_task_token(task_token);
  v1::SendTaskHeartbeatResponse response;
  return context.states_stub->SendTaskHeartbeat(&rpc, request, &response);
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

void RunTask(WorkerContext& context, const std::string& queue, const v1::Task& task,
             std::shared_ptr<const Handler> handler) {
  const absl::Time start = absl::Now();
  ++context.tasks_in_flight;
  std::string line = StrCat("task queue=", queue, " state=", task.state_name(),
                            " execution=", task.execution_arn(), " attempt=", task.attempt());
  std::string dropped;  // Why the result goes nowhere; empty when it is reported.
  TaskOutcome outcome;
  absl::StatusOr<Task> parsed = ToTask(queue, task);
  if (!parsed.ok()) {
    outcome = FailedOutcome(kInvalidTaskInput, std::string(parsed.status().message()));
  } else {
    auto run = std::make_shared<HandlerRun>();
    run->sync = context.sync;
    run->handler = std::move(handler);
    run->task = *std::move(parsed);
    std::thread thread([run] { Execute(*run); });
    if (!Supervise(context, *run, HeartbeatInterval(task), &dropped)) {
      // The handler cannot be stopped; it finishes (or not) on its own.
      thread.detach();
      dropped = "the shutdown grace period ended with the handler still running";
    } else {
      thread.join();
      outcome = std::move(run->outcome);
    }
  }
  if (dropped.empty()) {
    std::string detail;
    switch (ReportOutcome(context, task.task_token(), outcome, &detail)) {
      case ReportResult::kDelivered:
        ++(outcome.succeeded ? context.tasks_succeeded : context.tasks_failed);
        break;
      case ReportResult::kRejected:
      case ReportResult::kGaveUp:
        dropped = detail;
        break;
    }
  }
  const std::string duration =
      absl::FormatDuration(absl::Trunc(absl::Now() - start, absl::Milliseconds(1)));
  if (!dropped.empty()) {
    ++context.tasks_dropped;
    StrAppend(&line, " outcome=dropped duration=", duration, " reason=", dropped);
  } else if (outcome.succeeded) {
    StrAppend(&line, " outcome=succeeded duration=", duration);
  } else {
    StrAppend(&line, " outcome=failed duration=", duration, " error=", outcome.error,
              " cause=", TruncateUtf8(outcome.cause, kMaxCauseInLog));
  }
  --context.tasks_in_flight;
  LogLine(line);
}

}  // namespace stepwise::worker::internal
