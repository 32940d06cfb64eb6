// StatesService: the activity RPCs (Create/Describe/Delete/ListActivities).
#include "orchestrator/service/states_service.h"

namespace stepwise::service {

grpc::Status StatesService::CreateActivity(const v1::CreateActivityRequest& /*request*/,
                                           v1::CreateActivityResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "CreateActivity is not implemented yet");
}

grpc::Status StatesService::DescribeActivity(const v1::DescribeActivityRequest& /*request*/,
                                             v1::DescribeActivityResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "DescribeActivity is not implemented yet");
}

grpc::Status StatesService::DeleteActivity(const v1::DeleteActivityRequest& /*request*/,
                                           v1::DeleteActivityResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "DeleteActivity is not implemented yet");
}

grpc::Status StatesService::ListActivities(const v1::ListActivitiesRequest& /*request*/,
                                           v1::ListActivitiesResponse* /*response*/) {
  return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "ListActivities is not implemented yet");
}

}  // namespace stepwise::service
