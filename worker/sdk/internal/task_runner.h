// Running one polled task: parse its input, run the handler on a thread of
// its own while this thread heartbeats (every HeartbeatInterval), then report
// the outcome and log one line. Internal to the SDK; called by the Worker's slot threads.
//
//   v1::PollTaskResponse response = ...;
//   if (response.has_task()) RunTask(context, queue, response.task(), handler);
#ifndef STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
#define STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "stepwise/v1/worker.pb.h"
#include "worker/sdk/internal/worker_context.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker::internal {

// The handler's view of `task`. kInvalidArgument when the input is not JSON
// (or nested deeper than 512 levels).
absl::StatusOr<Task> ToTask(const std::string& queue, const v1::Task& task);

// How often to heartbeat `task` while it is held or runs: a third of its
// lease (Task.lease_seconds, renewed by each heartbeat) and of its
// HeartbeatSeconds, whichever is shorter; InfiniteDuration when it has
// neither (an older orchestrator, a state without HeartbeatSeconds).
absl::Duration HeartbeatInterval(const v1::Task& task);

// One SendTaskHeartbeat for `task_token`, with a deadline of at most `timeout`.
grpc::Status SendHeartbeat(WorkerContext& context, const std::string& task_token,
                           absl::Duration timeout);

// Blocks until the task is reported, dropped, or (during shutdown) the grace
// period ends; in the last case the handler's thread is detached and keeps
// `handler` alive until it returns. Updates the context's counters.
void RunTask(WorkerContext& context, const std::string& queue, const v1::Task& task,
             std::shared_ptr<const Handler> handler);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_TASK_RUNNER_H_
