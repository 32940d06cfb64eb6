#include "orchestrator/service/states_grpc_service.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/dispatch/poll_reactor.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/grpc_status.h"

namespace stepwise::service {
namespace {

// AWS's GetActivityTask waits up to 60 seconds for a task.
constexpr absl::Duration kActivityPollWait = absl::Seconds(60);

// The queue of an activity ARN (arn:aws:states:REGION:ACCOUNT:activity:NAME),
// as TaskQueueFor maps a Task state's Resource; nullopt for other strings.
std::optional<std::string> ActivityQueue(std::string_view arn) {
  size_t colons = 0;
  size_t last = 0;
  for (size_t i = 0; i < arn.size(); ++i) {
    if (arn[i] != ':') continue;
    ++colons;
    last = i;
  }
  if (colons != 6 || !arn.starts_with("arn:aws:states:") || last + 1 == arn.size()) {
    return std::nullopt;
  }
  const size_t kind = arn.rfind(':', last - 1);
  if (arn.substr(kind + 1, last - kind - 1) != "activity") return std::nullopt;
  return TaskQueueFor(arn, boost::json::value());
}

}  // namespace

grpc::Status StatesGrpcService::CreateStateMachine(grpc::ServerContext* /*context*/,
                                                   const v1::CreateStateMachineRequest* request,
                                                   v1::CreateStateMachineResponse* response) {
  return service_.CreateStateMachine(*request, response);
}

grpc::Status StatesGrpcService::DescribeStateMachine(grpc::ServerContext* /*context*/,
                                                     const v1::DescribeStateMachineRequest* request,
                                                     v1::DescribeStateMachineResponse* response) {
  return service_.DescribeStateMachine(*request, response);
}

grpc::Status StatesGrpcService::ListStateMachines(grpc::ServerContext* /*context*/,
                                                  const v1::ListStateMachinesRequest* request,
                                                  v1::ListStateMachinesResponse* response) {
  return service_.ListStateMachines(*request, response);
}

grpc::Status StatesGrpcService::ValidateStateMachineDefinition(
    grpc::ServerContext* /*context*/, const v1::ValidateStateMachineDefinitionRequest* request,
    v1::ValidateStateMachineDefinitionResponse* response) {
  return service_.ValidateStateMachineDefinition(*request, response);
}

grpc::Status StatesGrpcService::StartExecution(grpc::ServerContext* /*context*/,
                                               const v1::StartExecutionRequest* request,
                                               v1::StartExecutionResponse* response) {
  return service_.StartExecution(*request, response);
}

grpc::Status StatesGrpcService::DescribeExecution(grpc::ServerContext* /*context*/,
                                                  const v1::DescribeExecutionRequest* request,
                                                  v1::DescribeExecutionResponse* response) {
  return service_.DescribeExecution(*request, response);
}

grpc::Status StatesGrpcService::GetExecutionHistory(grpc::ServerContext* /*context*/,
                                                    const v1::GetExecutionHistoryRequest* request,
                                                    v1::GetExecutionHistoryResponse* response) {
  return service_.GetExecutionHistory(*request, response);
}

grpc::Status StatesGrpcService::SendTaskSuccess(grpc::ServerContext* /*context*/,
                                                const v1::SendTaskSuccessRequest* request,
                                                v1::SendTaskSuccessResponse* response) {
  return service_.SendTaskSuccess(*request, response);
}

grpc::Status StatesGrpcService::SendTaskFailure(grpc::ServerContext* /*context*/,
                                                const v1::SendTaskFailureRequest* request,
                                                v1::SendTaskFailureResponse* response) {
  return service_.SendTaskFailure(*request, response);
}

grpc::Status StatesGrpcService::StopExecution(grpc::ServerContext* /*context*/,
                                              const v1::StopExecutionRequest* request,
                                              v1::StopExecutionResponse* response) {
  return service_.StopExecution(*request, response);
}

grpc::Status StatesGrpcService::UpdateStateMachine(grpc::ServerContext* /*context*/,
                                                   const v1::UpdateStateMachineRequest* request,
                                                   v1::UpdateStateMachineResponse* response) {
  return service_.UpdateStateMachine(*request, response);
}

grpc::Status StatesGrpcService::DeleteStateMachine(grpc::ServerContext* /*context*/,
                                                   const v1::DeleteStateMachineRequest* request,
                                                   v1::DeleteStateMachineResponse* response) {
  return service_.DeleteStateMachine(*request, response);
}

grpc::Status StatesGrpcService::StartSyncExecution(grpc::ServerContext* context,
                                                   const v1::StartSyncExecutionRequest* request,
                                                   v1::StartSyncExecutionResponse* response) {
  // The wait ends before the client's deadline, and as soon as it goes away.
  SyncCallContext call;
  if (context->deadline() != std::chrono::system_clock::time_point::max()) {
    call.time_left = absl::FromChrono(context->deadline() - std::chrono::system_clock::now());
  }
  call.cancelled = [context] { return context->IsCancelled(); };
  return service_.StartSyncExecution(*request, response, call);
}

grpc::Status StatesGrpcService::ListExecutions(grpc::ServerContext* /*context*/,
                                               const v1::ListExecutionsRequest* request,
                                               v1::ListExecutionsResponse* response) {
  return service_.ListExecutions(*request, response);
}

grpc::Status StatesGrpcService::SendTaskHeartbeat(grpc::ServerContext* /*context*/,
                                                  const v1::SendTaskHeartbeatRequest* request,
                                                  v1::SendTaskHeartbeatResponse* response) {
  return service_.SendTaskHeartbeat(*request, response);
}

grpc::Status StatesGrpcService::TestState(grpc::ServerContext* /*context*/,
                                          const v1::TestStateRequest* request,
                                          v1::TestStateResponse* response) {
  return service_.TestState(*request, response);
}

grpc::Status StatesGrpcService::RedriveExecution(grpc::ServerContext* /*context*/,
                                                 const v1::RedriveExecutionRequest* request,
                                                 v1::RedriveExecutionResponse* response) {
  return service_.RedriveExecution(*request, response);
}

grpc::Status StatesGrpcService::CreateActivity(grpc::ServerContext* /*context*/,
                                               const v1::CreateActivityRequest* request,
                                               v1::CreateActivityResponse* response) {
  return service_.CreateActivity(*request, response);
}

grpc::Status StatesGrpcService::DescribeActivity(grpc::ServerContext* /*context*/,
                                                 const v1::DescribeActivityRequest* request,
                                                 v1::DescribeActivityResponse* response) {
  return service_.DescribeActivity(*request, response);
}

grpc::Status StatesGrpcService::DeleteActivity(grpc::ServerContext* /*context*/,
                                               const v1::DeleteActivityRequest* request,
                                               v1::DeleteActivityResponse* response) {
  return service_.DeleteActivity(*request, response);
}

grpc::Status StatesGrpcService::ListActivities(grpc::ServerContext* /*context*/,
                                               const v1::ListActivitiesRequest* request,
                                               v1::ListActivitiesResponse* response) {
  return service_.ListActivities(*request, response);
}

grpc::ServerUnaryReactor* StatesGrpcService::GetActivityTask(
    grpc::CallbackServerContext* context, const v1::GetActivityTaskRequest* request,
    v1::GetActivityTaskResponse* response) {
  if (dispatcher_ == nullptr) {
    return dispatch::FinishNow(
        context, grpc::Status(grpc::StatusCode::UNIMPLEMENTED,
                              "GetActivityTask needs a task dispatcher on this server"));
  }
  std::optional<std::string> queue = ActivityQueue(request->activity_arn());
  absl::Status valid =
      queue.has_value()
          ? dispatch::ValidateQueueName(*queue)
          : absl::InvalidArgumentError(StrCat("Invalid Arn: '", request->activity_arn(),
                                              "' is not an activity ARN "
                                              "(arn:aws:states:REGION:ACCOUNT:activity:NAME)"));
  if (!valid.ok()) {
    return dispatch::FinishNow(context,
                               ToGrpcStatus(valid, "InvalidArn", {{"field", "activityArn"}}));
  }
  // ActivityDoesNotExist for an activity never created (or deleted). One
  // indexed lookup at most per activity_cache_ttl (StatesService caches hits).
  if (grpc::Status exists = service_.CheckActivityExists(request->activity_arn()); !exists.ok()) {
    return dispatch::FinishNow(context, exists);
  }
  dispatch::PollRequest poll;
  poll.queue = *std::move(queue);
  poll.worker_name = request->worker_name();
  poll.wait = kActivityPollWait;
  return dispatch::StartPoll<v1::GetActivityTaskResponse>(
      *dispatcher_, context, std::move(poll), response,
      [](const dispatch::DispatchedTask& task, v1::GetActivityTaskResponse* out) {
        out->set_task_token(task.record.task_token);
        out->set_input(task.record.payload);
      },
      [](const absl::Status& status) {
        return ToGrpcStatus(status, status.code() == absl::StatusCode::kResourceExhausted
                                        ? "ActivityWorkerLimitExceeded"
                                        : "InvalidArn");
      });
}

}  // namespace stepwise::service
