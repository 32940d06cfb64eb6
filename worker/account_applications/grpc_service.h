// AccountApplicationsGrpcService: workshop.v1.AccountApplications over an
// ApplicationsService. Converts proto <-> domain and absl::Status ->
// grpc::Status (same code, the message as is); the logic lives in
// ApplicationsService.
//
//   AccountApplicationsGrpcService grpc_service(service);
//   grpc::ServerBuilder builder;
//   builder.RegisterService(&grpc_service);
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_GRPC_SERVICE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_GRPC_SERVICE_H_

#include "worker/account_applications/applications_service.h"
#include "workshop/v1/account_applications.grpc.pb.h"

namespace stepwise::account_applications {

// Thread-safe; `service` must outlive it.
class AccountApplicationsGrpcService final : public workshop::v1::AccountApplications::Service {
 public:
  explicit AccountApplicationsGrpcService(ApplicationsService& service) : service_(service) {}

  grpc::Status SubmitApplication(grpc::ServerContext* context,
                                 const workshop::v1::SubmitApplicationRequest* request,
                                 workshop::v1::SubmitApplicationResponse* response) override;
  grpc::Status ReviewApplication(grpc::ServerContext* context,
                                 const workshop::v1::ReviewApplicationRequest* request,
                                 workshop::v1::ReviewApplicationResponse* response) override;
  grpc::Status GetApplication(grpc::ServerContext* context,
                              const workshop::v1::GetApplicationRequest* request,
                              workshop::v1::GetApplicationResponse* response) override;
  grpc::Status FindApplications(grpc::ServerContext* context,
                                const workshop::v1::FindApplicationsRequest* request,
                                workshop::v1::FindApplicationsResponse* response) override;

 private:
  ApplicationsService& service_;
};

// The proto form of `application` (the task token is not exposed).
workshop::v1::Application ToProto(const Application& application);

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_GRPC_SERVICE_H_
