// Delivering a task's outcome: SendTaskSuccess or SendTaskFailure, retried
// while the orchestrator is unreachable (the task token stays valid), given
// up when the orchestrator no longer wants the result.
//
//   TaskOutcome outcome = ...;
//   std::string why;
//   if (ReportOutcome(context, task.task_token(), outcome, &why) != ReportResult::kDelivered)
//     LogLine(StrCat("result dropped: ", why));
#ifndef STEPWISE_WORKER_SDK_INTERNAL_REPORT_H_
#define STEPWISE_WORKER_SDK_INTERNAL_REPORT_H_

#include <optional>
#include <string>

#include "grpcpp/support/status.h"
#include "worker/sdk/internal/failure.h"
#include "worker/sdk/internal/worker_context.h"

namespace stepwise::worker::internal {

enum class ReportResult {
  kDelivered,  // The orchestrator accepted it.
  kRejected,   // TaskTimedOut / TaskDoesNotExist / InvalidToken: nobody wants it.
  kGaveUp,     // An error retrying cannot fix, or the shutdown grace period ran out.
};

// Retries UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED and RESOURCE_EXHAUSTED with
// backoff, until delivered or until the shutdown grace period ends. An
// output the orchestrator refuses (InvalidOutput, over the size limit) is
// reported as an InvalidTaskOutput failure instead, so `outcome` may change.
// When the result is not kDelivered, `*detail` says why. `first_answer`:
// the status a Worker.CompleteAndPollTask carrying this outcome got (not OK,
// not UNIMPLEMENTED), taken as the first attempt's: a refusal is final
// without sending again, a transport error is retried with SendTask*.
ReportResult ReportOutcome(WorkerContext& context, const std::string& task_token,
                           TaskOutcome& outcome, std::string* detail,
                           std::optional<grpc::Status> first_answer = std::nullopt);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_REPORT_H_
