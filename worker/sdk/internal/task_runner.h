// Running one polled task on the calling pool thread: parse its input, run
// the handler (RunningTasks heartbeats it meanwhile, every
// HeartbeatInterval), then report the outcome and log one line. Internal to
// the SDK; called by the Worker's pool threads.
//
//   v1::PollTaskResponse response = ...;
//   if (response.has_task() && !RunTask(context, running, queue, response.task(), handler))
//     return;  // Abandoned at the end of the shutdown grace period.
#ifndef STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
#define STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/client_context.h"
#include "grpcpp/support/status.h"
#include "stepwise/v1/worker.pb.h"
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

// Runs `handler` for `task` on this thread and reports the outcome; updates
// the context's counters. Returns true once the task is reported or
// dropped. Returns false when the worker abandoned the task while the
// handler ran (the shutdown grace period ended; Run counts and logs it):
// the caller must then return at once without touching the worker, which
// may be gone by then.
bool RunTask(WorkerContext& context, RunningTasks& running, const std::string& queue,
             const v1::Task& task, const Handler& handler);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
