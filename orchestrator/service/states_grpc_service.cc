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

}  // namespace stepwise::service
