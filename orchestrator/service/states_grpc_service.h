// StatesGrpcService: the generated stepwise.v1.States service, each RPC
// delegating to StatesService. GetActivityTask (a long poll) is served by the
// task dispatcher on gRPC's callback API (so an idle poll holds no thread);
// the other RPCs are synchronous (gRPC 1.51 serves both kinds in one service).
//
//   StatesGrpcService states(service, &dispatcher);
//   builder.RegisterService(&states);
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/service/states_service.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::service {

class StatesGrpcService final
    : public v1::States::WithCallbackMethod_GetActivityTask<v1::States::Service> {
 public:
  // `service` and `dispatcher` must outlive this object. Without a
  // dispatcher GetActivityTask answers UNIMPLEMENTED.
  explicit StatesGrpcService(StatesService& service, dispatch::TaskDispatcher* dispatcher = nullptr)
      : service_(service), dispatcher_(dispatcher) {}

  grpc::Status CreateStateMachine(grpc::ServerContext* context,
                                  const v1::CreateStateMachineRequest* request,
                                  v1::CreateStateMachineResponse* response) override;
  grpc::Status DescribeStateMachine(grpc::ServerContext* context,
                                    const v1::DescribeStateMachineRequest* request,
                                    v1::DescribeStateMachineResponse* response) override;
  grpc::Status ListStateMachines(grpc::ServerContext* context,
                                 const v1::ListStateMachinesRequest* request,
                                 v1::ListStateMachinesResponse* response) override;
  grpc::Status ValidateStateMachineDefinition(
      grpc::ServerContext* context, const v1::ValidateStateMachineDefinitionRequest* request,
      v1::ValidateStateMachineDefinitionResponse* response) override;
  grpc::Status StartExecution(grpc::ServerContext* context,
                              const v1::StartExecutionRequest* request,
                              v1::StartExecutionResponse* response) override;
  grpc::Status DescribeExecution(grpc::ServerContext* context,
                                 const v1::DescribeExecutionRequest* request,
                                 v1::DescribeExecutionResponse* response) override;
  grpc::Status GetExecutionHistory(grpc::ServerContext* context,
                                   const v1::GetExecutionHistoryRequest* request,
                                   v1::GetExecutionHistoryResponse* response) override;
  grpc::Status SendTaskSuccess(grpc::ServerContext* context,
                               const v1::SendTaskSuccessRequest* request,
                               v1::SendTaskSuccessResponse* response) override;
  grpc::Status SendTaskFailure(grpc::ServerContext* context,
                               const v1::SendTaskFailureRequest* request,
                               v1::SendTaskFailureResponse* response) override;
  grpc::Status StopExecution(grpc::ServerContext* context, const v1::StopExecutionRequest* request,
                             v1::StopExecutionResponse* response) override;

  grpc::Status UpdateStateMachine(grpc::ServerContext* context,
                                  const v1::UpdateStateMachineRequest* request,
                                  v1::UpdateStateMachineResponse* response) override;
  grpc::Status DeleteStateMachine(grpc::ServerContext* context,
                                  const v1::DeleteStateMachineRequest* request,
                                  v1::DeleteStateMachineResponse* response) override;
  grpc::Status StartSyncExecution(grpc::ServerContext* context,
                                  const v1::StartSyncExecutionRequest* request,
                                  v1::StartSyncExecutionResponse* response) override;
  grpc::Status ListExecutions(grpc::ServerContext* context,
                              const v1::ListExecutionsRequest* request,
                              v1::ListExecutionsResponse* response) override;
  grpc::Status SendTaskHeartbeat(grpc::ServerContext* context,
                                 const v1::SendTaskHeartbeatRequest* request,
                                 v1::SendTaskHeartbeatResponse* response) override;
  grpc::Status TestState(grpc::ServerContext* context, const v1::TestStateRequest* request,
                         v1::TestStateResponse* response) override;
  grpc::Status RedriveExecution(grpc::ServerContext* context,
                                const v1::RedriveExecutionRequest* request,
                                v1::RedriveExecutionResponse* response) override;
  grpc::Status CreateActivity(grpc::ServerContext* context,
                              const v1::CreateActivityRequest* request,
                              v1::CreateActivityResponse* response) override;
  grpc::Status DescribeActivity(grpc::ServerContext* context,
                                const v1::DescribeActivityRequest* request,
                                v1::DescribeActivityResponse* response) override;
  grpc::Status DeleteActivity(grpc::ServerContext* context,
                              const v1::DeleteActivityRequest* request,
                              v1::DeleteActivityResponse* response) override;
  grpc::Status ListActivities(grpc::ServerContext* context,
                              const v1::ListActivitiesRequest* request,
                              v1::ListActivitiesResponse* response) override;

  // Long poll on the activity's queue (TaskQueueFor: the activity NAME) for
  // up to 60 s, answered before the call's deadline; an empty response when
  // no task came. InvalidArn unless `activity_arn` is
  // arn:aws:states:REGION:ACCOUNT:activity:NAME; ActivityDoesNotExist when
  // no such activity was created (StatesService::CheckActivityExists);
  // ActivityWorkerLimitExceeded when too many polls are open.
  grpc::ServerUnaryReactor* GetActivityTask(grpc::CallbackServerContext* context,
                                            const v1::GetActivityTaskRequest* request,
                                            v1::GetActivityTaskResponse* response) override;

 private:
  StatesService& service_;
  dispatch::TaskDispatcher* const dispatcher_;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_
