// StatesService::RedriveExecution.
#include "orchestrator/service/states_service.h"

namespace stepwise::service {

grpc::Status StatesService::RedriveExecution(const v1::RedriveExecutionRequest& /*request*/,
                                             v1::RedriveExecutionResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "RedriveExecution is not implemented yet");
}

}  // namespace stepwise::service
