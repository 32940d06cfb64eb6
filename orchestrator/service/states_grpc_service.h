// StatesGrpcService: the generated stepwise.v1.States service, each RPC
// delegating to StatesService. RPCs not listed here stay UNIMPLEMENTED.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/status.h"
#include "orchestrator/service/states_service.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::service {

class StatesGrpcService final : public v1::States::Service {
 public:
  // `service` must outlive this object.
  explicit StatesGrpcService(StatesService& service) : service_(service) {}

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

 private:
  StatesService& service_;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_STATES_GRPC_SERVICE_H_
