// Running one polled task on the calling pool thread: parse its input, run
// the handler (RunningTasks heartbeats it meanwhile, every
// HeartbeatInterval), then deliver the outcome (on its own, or riding on the
// thread's next poll: Worker.CompleteAndPollTask) and log one line. Internal
// to the SDK; called by the Worker's pool threads.
//
//   std::optional<FinishedTask> finished = RunHandler(context, running, queue, task, handler);
//   if (!finished) return;  // Abandoned at the end of the shutdown grace period.
//   ReportTask(context, *finished);  // Or CompletionOf(...) into the next poll.
#ifndef STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
#define STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "stepwise/v1/worker.pb.h"
#include "worker/sdk/internal/failure.h"
#include "worker/sdk/internal/worker_context.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker::internal {

class RunningTasks;  // running_tasks.h

// The handler's view of `task`. kInvalidArgument when the input is not JSON
// (or nested deeper than 512 levels).
absl::StatusOr<Task> ToTask(const std::string& queue, const v1::Task& task);

// How often to heartbeat `task` while it is held or runs: a third of its
// lease (Task.lease_seconds, renewed by each heartbeat) and of its
// HeartbeatSeconds, whichever is shorter; InfiniteDuration when it has
// neither (an older orchestrator, a state without HeartbeatSeconds).
absl::Duration HeartbeatInterval(const v1::Task& task);

// One SendTaskHeartbeat for `task_token`, with a deadline of at most
// `timeout`, on `rpc` when given (so that another thread may cancel it).
grpc::Status SendHeartbeat(WorkerContext& context, const std::string& task_token,
                           absl::Duration timeout, grpc::ClientContext* rpc = nullptr);

// A task whose handler has returned, its outcome not yet reported. Counted
// in WorkerContext::tasks_in_flight until ReportTask or RecordDelivered.
struct FinishedTask {
  std::string queue;
  std::string task_token;
  std::string state_name;
  std::string execution_arn;
  int attempt = 0;
  absl::Time start;  // When it was taken: the log line's duration.
  TaskOutcome outcome;
  // Non-empty when the result goes nowhere (a heartbeat learnt the task is
  // gone while the handler ran): why.
  std::string dropped;
};

// Runs `handler` for `task` on this thread (RunningTasks heartbeats it).
// nullopt when the worker abandoned the task while the handler ran (the
// shutdown grace period ended; Run counts and logs it): the caller must then
// return at once without touching the worker, which may be gone by then.
std::optional<FinishedTask> RunHandler(WorkerContext& context, RunningTasks& running,
                                       const std::string& queue, const v1::Task& task,
                                       const Handler& handler);

// Reports the outcome with SendTaskSuccess / SendTaskFailure (ReportOutcome:
// retried while the orchestrator is away), counts it and logs the task's
// line. `first_answer`: a CompleteAndPollTask carried it and got this error
// (see ReportOutcome).
void ReportTask(WorkerContext& context, FinishedTask& finished,
                std::optional<grpc::Status> first_answer = std::nullopt);

// Counts and logs a result the orchestrator accepted through
// Worker.CompleteAndPollTask.
void RecordDelivered(WorkerContext& context, FinishedTask& finished);

// The completion part of a CompleteAndPollTask request for `finished`.
void CompletionOf(const FinishedTask& finished, v1::CompleteAndPollTaskRequest* request);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
