#include "orchestrator/service/states_grpc_service.h"

namespace stepwise::service {

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

grpc::Status StatesGrpcService::StartSyncExecution(grpc::ServerContext* /*context*/,
                                                   const v1::StartSyncExecutionRequest* request,
                                                   v1::StartSyncExecutionResponse* response) {
  return service_.StartSyncExecution(*request, response);
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

}  // namespace stepwise::service
