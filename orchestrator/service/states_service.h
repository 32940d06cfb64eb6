// StatesService: the control-plane RPCs of stepwise.v1.States as a plain
// class (no gRPC server types), over an ExecutionStore and an
// ExecutionExecutor. StatesGrpcService (states_grpc_service.h) delegates to it.
//
//   StatesService service(store, executor, clock, {.region = "us-east-1"});
//   v1::StartExecutionResponse response;
//   grpc::Status status = service.StartExecution(request, &response);
//
// Every failure is a grpc::Status built by ToGrpcStatus (grpc_status.h) with
// the AWS exception name of proto/stepwise/v1/errors.md.
//
// Thread-safe as the store and executor are.
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_

#include <string>
#include <string_view>

#include "common/clock.h"
#include "grpcpp/support/status.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/execution_store.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::service {

struct StatesServiceOptions {
  std::string region = "us-east-1";
  std::string account = "123456789012";
};

class StatesService {
 public:
  // `store`, `executor` and `clock` must outlive the service. The executor
  // should be configured with the same region and account.
  StatesService(persistence::ExecutionStore& store, ExecutionExecutor& executor, const Clock& clock,
                StatesServiceOptions options = {});

  grpc::Status CreateStateMachine(const v1::CreateStateMachineRequest& request,
                                  v1::CreateStateMachineResponse* response);
  grpc::Status DescribeStateMachine(const v1::DescribeStateMachineRequest& request,
                                    v1::DescribeStateMachineResponse* response);
  grpc::Status ListStateMachines(const v1::ListStateMachinesRequest& request,
                                 v1::ListStateMachinesResponse* response);
  grpc::Status ValidateStateMachineDefinition(
      const v1::ValidateStateMachineDefinitionRequest& request,
      v1::ValidateStateMachineDefinitionResponse* response);
  grpc::Status StartExecution(const v1::StartExecutionRequest& request,
                              v1::StartExecutionResponse* response);
  grpc::Status DescribeExecution(const v1::DescribeExecutionRequest& request,
                                 v1::DescribeExecutionResponse* response);
  grpc::Status GetExecutionHistory(const v1::GetExecutionHistoryRequest& request,
                                   v1::GetExecutionHistoryResponse* response);
  grpc::Status SendTaskSuccess(const v1::SendTaskSuccessRequest& request,
                               v1::SendTaskSuccessResponse* response);
  grpc::Status SendTaskFailure(const v1::SendTaskFailureRequest& request,
                               v1::SendTaskFailureResponse* response);
  grpc::Status StopExecution(const v1::StopExecutionRequest& request,
                             v1::StopExecutionResponse* response);

  grpc::Status UpdateStateMachine(const v1::UpdateStateMachineRequest& request,
                                  v1::UpdateStateMachineResponse* response);
  grpc::Status DeleteStateMachine(const v1::DeleteStateMachineRequest& request,
                                  v1::DeleteStateMachineResponse* response);
  grpc::Status StartSyncExecution(const v1::StartSyncExecutionRequest& request,
                                  v1::StartSyncExecutionResponse* response);
  grpc::Status ListExecutions(const v1::ListExecutionsRequest& request,
                              v1::ListExecutionsResponse* response);
  grpc::Status SendTaskHeartbeat(const v1::SendTaskHeartbeatRequest& request,
                                 v1::SendTaskHeartbeatResponse* response);
  grpc::Status TestState(const v1::TestStateRequest& request, v1::TestStateResponse* response);
  grpc::Status RedriveExecution(const v1::RedriveExecutionRequest& request,
                                v1::RedriveExecutionResponse* response);
  grpc::Status CreateActivity(const v1::CreateActivityRequest& request,
                              v1::CreateActivityResponse* response);
  grpc::Status DescribeActivity(const v1::DescribeActivityRequest& request,
                                v1::DescribeActivityResponse* response);
  grpc::Status DeleteActivity(const v1::DeleteActivityRequest& request,
                              v1::DeleteActivityResponse* response);
  grpc::Status ListActivities(const v1::ListActivitiesRequest& request,
                              v1::ListActivitiesResponse* response);

  // arn:aws:states:REGION:ACCOUNT:stateMachine:NAME
  std::string StateMachineArn(std::string_view name) const;

 private:
  persistence::ExecutionStore& store_;
  ExecutionExecutor& executor_;
  const Clock& clock_;
  StatesServiceOptions options_;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_STATES_SERVICE_H_
