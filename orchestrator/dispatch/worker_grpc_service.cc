#include "orchestrator/dispatch/worker_grpc_service.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "boost/json.hpp"
#include "common/str_cat.h"
#include "orchestrator/dispatch/poll_reactor.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"

namespace stepwise::dispatch {
namespace {

constexpr int kDefaultWaitSeconds = 60;
constexpr int kMaxWithdrawnKeys = 1000;

grpc::Status ValidationError(const std::string& message, const std::string& field) {
  return service::ToGrpcStatus(absl::InvalidArgumentError(message), "ValidationException",
                               {{"field", field}});
}

int32_t ToInt32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, 0, std::numeric_limits<int32_t>::max()));
}

void FillPollResponse(const DispatchedTask& task, v1::PollTaskResponse* out) {
  ToProtoTask(task, out->mutable_task());
}

grpc::Status PollRefusal(const absl::Status& status) {
  if (status.code() == absl::StatusCode::kResourceExhausted) {
    return service::ToGrpcStatus(status, "ActivityWorkerLimitExceeded");
  }
  // The queue was checked before: the dispatcher refused the key.
  return service::ToGrpcStatus(status, "ValidationException", {{"field", "poll_key"}});
}

// PollTask's input as the dispatcher's request; InvalidName for a bad queue,
// ValidationException for a bad poll_key or a negative wait.
grpc::Status CheckPoll(const v1::PollTaskRequest& request, PollRequest* poll) {
  if (absl::Status valid = ValidateQueueName(request.queue()); !valid.ok()) {
    return service::ToGrpcStatus(valid, "InvalidName", {{"field", "queue"}});
  }
  if (!request.poll_key().empty()) {
    if (absl::Status valid = ValidatePollKey(request.poll_key()); !valid.ok()) {
      return ValidationError(std::string(valid.message()), "poll_key");
    }
  }
  int wait_seconds = kDefaultWaitSeconds;
  if (request.has_wait_time_seconds()) {
    if (request.wait_time_seconds() < 0) {
      return ValidationError(StrCat("wait_time_seconds is ", request.wait_time_seconds(),
                                    ": must be 0 (no wait) to 60"),
                             "wait_time_seconds");
    }
    wait_seconds = std::min(request.wait_time_seconds(), kDefaultWaitSeconds);
  }
  poll->queue = request.queue();
  poll->worker_name = request.worker_name();
  poll->key = request.poll_key();
  poll->wait = absl::Seconds(wait_seconds);
  poll->worker_heartbeats = true;  // Task.lease_seconds tells the worker how often.
  return grpc::Status::OK;
}

}  // namespace

void ToProtoTask(const DispatchedTask& task, v1::Task* out) {
  const persistence::TaskRecord& record = task.record;
  // A callback task's worker holds only its invocation; the callback token
  // (the state's) travels separately and, as the definition says, in the input.
  if (record.invocation_token.empty()) {
    out->set_task_token(record.task_token);
  } else {
    out->set_task_token(record.invocation_token);
    out->set_callback_token(record.task_token);
  }
  out->set_input(record.payload);
  if (record.resource == "arn:aws:states:::lambda:invoke" ||
      record.resource == "arn:aws:states:::lambda:invoke.waitForTaskToken") {
    boost::system::error_code ec;
    boost::json::value p = boost::json::parse(record.payload, ec);
    if (!ec && p.is_object() && p.as_object().contains("Payload")) {
      out->set_input(boost::json::serialize(p.as_object().at("Payload")));
    }
  }
  out->set_queue(record.queue);
  out->set_resource(record.resource);
  out->set_state_name(record.state_name);
  out->set_execution_arn(record.execution_arn);
  out->set_state_machine_arn(task.state_machine_arn);
  out->set_timeout_seconds(ToInt32(record.timeout_seconds.value_or(0)));
  out->set_heartbeat_seconds(ToInt32(record.heartbeat_seconds.value_or(0)));
  out->set_attempt(ToInt32(record.attempt));
  // Whole seconds, rounded down: heartbeats at a third of it come in time.
  if (task.lease > absl::ZeroDuration()) {
    out->set_lease_seconds(ToInt32(std::max<int64_t>(1, absl::ToInt64Seconds(task.lease))));
  }
  if (record.timeout_seconds.has_value() && *record.timeout_seconds > 0) {
    // TimeoutSeconds counts from when the task was scheduled, not claimed.
    const absl::Time deadline = record.scheduled_at + absl::Seconds(*record.timeout_seconds);
    const int64_t micros = absl::ToUnixMicros(deadline);
    out->mutable_deadline()->set_seconds(micros / 1'000'000);
    out->mutable_deadline()->set_nanos(static_cast<int32_t>(micros % 1'000'000) * 1000);
  }
}

CompleteTask CompleteThroughStates(service::StatesService& states) {
  return [&states](const v1::CompleteAndPollTaskRequest& request) {
    if (request.has_success()) {
      v1::SendTaskSuccessResponse response;
      return states.SendTaskSuccess(request.success(), &response);
    }
    v1::SendTaskFailureResponse response;
    return states.SendTaskFailure(request.failure(), &response);
  };
}

WorkerGrpcService::WorkerGrpcService(TaskDispatcher& dispatcher, WorkerGrpcServiceOptions options)
    : dispatcher_(dispatcher), complete_(std::move(options.complete)) {
  if (complete_) {
    completions_ = std::make_unique<BlockingJobs>(options.completion_threads, "sw-complete");
  }
}

grpc::ServerUnaryReactor* WorkerGrpcService::PollTask(grpc::CallbackServerContext* context,
                                                      const v1::PollTaskRequest* request,
                                                      v1::PollTaskResponse* response) {
  PollRequest poll;
  if (grpc::Status valid = CheckPoll(*request, &poll); !valid.ok()) {
    return FinishNow(context, valid);
  }
  return StartPoll<v1::PollTaskResponse>(dispatcher_, context, std::move(poll), response,
                                         FillPollResponse, PollRefusal);
}

grpc::ServerUnaryReactor* WorkerGrpcService::CompleteAndPollTask(
    grpc::CallbackServerContext* context, const v1::CompleteAndPollTaskRequest* request,
    v1::PollTaskResponse* response) {
  if (!complete_) {
    return FinishNow(context,
                     grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                                  "CompleteAndPollTask is not served here: use SendTaskSuccess /"
                                  " SendTaskFailure, then PollTask"));
  }
  PollRequest poll;
  if (grpc::Status valid = CheckPoll(request->poll(), &poll); !valid.ok()) {
    return FinishNow(context, valid);
  }
  if (request->completion_case() == v1::CompleteAndPollTaskRequest::COMPLETION_NOT_SET) {
    return FinishNow(context,
                     ValidationError("no completion: set success or failure", "completion"));
  }
  // The dispatcher's refusals too, before anything is completed (one that
  // only arises while the completion commits still comes after it).
  if (absl::Status refused = dispatcher_.CheckPoll(poll); !refused.ok()) {
    return FinishNow(context, PollRefusal(refused));
  }
  auto* reactor =
      PollReactor<v1::PollTaskResponse>::Create(dispatcher_, context, response, FillPollResponse);
  // The request lives until the call finishes, which the job does last.
  completions_->Submit([this, reactor, request, poll = std::move(poll)]() mutable {
    // Cancelled while queued: its client no longer waits for the answer and
    // sends the completion again on its own, so do not apply it here.
    if (reactor->cancelled()) {
      reactor->Fail(grpc::Status(grpc::StatusCode::CANCELLED, "the call was cancelled"));
      return;
    }
    const grpc::Status completed = complete_(*request);
    if (!completed.ok()) {
      reactor->Fail(completed);
      return;
    }
    // OK must mean "completed": a poll refused now (the limit reached during
    // the commit) is answered empty, and the worker polls again.
    reactor->Register(std::move(poll), PollRefusal, /*refusal_is_empty=*/true);
  });
  return reactor;
}

grpc::ServerUnaryReactor* WorkerGrpcService::WithdrawPolls(grpc::CallbackServerContext* context,
                                                           const v1::WithdrawPollsRequest* request,
                                                           v1::WithdrawPollsResponse* response) {
  if (request->poll_keys_size() > kMaxWithdrawnKeys) {
    return FinishNow(context, ValidationError(StrCat("poll_keys has ", request->poll_keys_size(),
                                                     " keys: at most ", kMaxWithdrawnKeys),
                                              "poll_keys"));
  }
  for (const std::string& key : request->poll_keys()) {
    if (absl::Status valid = ValidatePollKey(key); !valid.ok()) {
      return FinishNow(context, ValidationError(std::string(valid.message()), "poll_keys"));
    }
  }
  const std::vector<std::string> keys(request->poll_keys().begin(), request->poll_keys().end());
  response->set_withdrawn(dispatcher_.Withdraw(keys));
  return FinishNow(context, grpc::Status::OK);
}

}  // namespace stepwise::dispatch
