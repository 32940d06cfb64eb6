#include "worker/sdk/internal/report.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "worker/sdk/internal/backoff.h"
#include "worker/sdk/internal/rpc_errors.h"

namespace stepwise::worker::internal {
namespace {

grpc::Status Send(WorkerContext& context, const std::string& task_token,
                  const TaskOutcome& outcome) {
  grpc::ClientContext rpc;
  rpc.set_deadline(absl::ToChronoTime(context.CallDeadline()));
  if (outcome.succeeded) {
    v1::SendTaskSuccessRequest request;
    request.set_task_token(task_token);
    request.set_output(outcome.output);
    v1::SendTaskSuccessResponse response;
    return context.states_stub->SendTaskSuccess(&rpc, request, &response);
  }
  v1::SendTaskFailureRequest request;
  request.set_task_token(task_token);
  request.set_error(outcome.error);
  request.set_cause(outcome.cause);
  v1::SendTaskFailureResponse response;
  return context.states_stub->SendTaskFailure(&rpc, request, &response);
}

}  // namespace

ReportResult ReportOutcome(WorkerContext& context, const std::string& task_token,
                           TaskOutcome& outcome, std::string* detail,
                           std::optional<grpc::Status> first_answer) {
  Backoff backoff(context.options.initial_backoff, context.options.max_backoff);
  int attempts = 0;
  while (true) {
    const bool combined = first_answer.has_value();
    const grpc::Status status =
        combined ? *std::exchange(first_answer, std::nullopt) : Send(context, task_token, outcome);
    ++attempts;
    if (status.ok()) {
      context.outages.Succeeded();
      return ReportResult::kDelivered;
    }
    const char* call = combined            ? "CompleteAndPollTask"
                       : outcome.succeeded ? "SendTaskSuccess"
                                           : "SendTaskFailure";
    if (IsTaskGone(status)) {
      context.outages.Succeeded();  // It answered.
      // A repeat after an attempt that was applied but whose answer got lost
      // also lands here (completions are idempotent by token).
      *detail = StrCat(call, " rejected: ", Describe(status),
                       attempts > 1 ? " (an earlier attempt may have been delivered)" : "");
      return ReportResult::kRejected;
    }
    if (outcome.succeeded && IsOutputRejected(status)) {
      context.outages.Succeeded();
      outcome = FailedOutcome(
          kInvalidTaskOutput,
          StrCat("the orchestrator refused the handler's output: ", status.error_message()));
      continue;
    }
    if (!IsRetryable(status)) {
      context.outages.Succeeded();
      *detail = StrCat(call, " failed: ", Describe(status));
      return ReportResult::kGaveUp;
    }
    context.outages.Failed(call, status);
    // Keep trying while running; during shutdown, until the grace period ends.
    const absl::Time retry_at = absl::Now() + backoff.Next();
    {
      std::unique_lock<std::mutex> lock(context.sync->mu);
      while (absl::Now() < std::min(retry_at, context.sync->grace_deadline)) {
        WaitUntil(*context.sync, lock, std::min(retry_at, context.sync->grace_deadline));
      }
      if (context.sync->shutdown && absl::Now() >= context.sync->grace_deadline) {
        *detail = StrCat(call, " not delivered before the shutdown grace period ended (last: ",
                         Describe(status), ")");
        return ReportResult::kGaveUp;
      }
    }
  }
}

}  // namespace stepwise::worker::internal
