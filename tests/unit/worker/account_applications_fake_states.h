// A fake of the orchestrator's States API as far as the Account
// Applications service uses it: StartExecution and SendTaskSuccess are
// recorded and answered OK (or with a scripted status); everything else is
// UNIMPLEMENTED.
//
//   FakeStates fake;  // register on an in-process grpc::Server
//   fake.FailSuccessesWith(grpc::Status(grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist: gone"));
//   ... fake.starts(), fake.successes() ...
#ifndef STEPWISE_TESTS_UNIT_WORKER_ACCOUNT_APPLICATIONS_FAKE_STATES_H_
#define STEPWISE_TESTS_UNIT_WORKER_ACCOUNT_APPLICATIONS_FAKE_STATES_H_

#include <mutex>
#include <utility>
#include <vector>

#include "common/str_cat.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::account_applications::testing {

// Thread-safe.
class FakeStates final : public stepwise::v1::States::Service {
 public:
  grpc::Status StartExecution(grpc::ServerContext* /*context*/,
                              const stepwise::v1::StartExecutionRequest* request,
                              stepwise::v1::StartExecutionResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    starts_.push_back(*request);
    if (!start_status_.ok()) return start_status_;
    response->set_execution_arn(
        StrCat("arn:aws:states:us-east-1:123456789012:execution:Workshop:", request->name()));
    return grpc::Status::OK;
  }

  grpc::Status SendTaskSuccess(grpc::ServerContext* /*context*/,
                               const stepwise::v1::SendTaskSuccessRequest* request,
                               stepwise::v1::SendTaskSuccessResponse* /*response*/) override {
    std::lock_guard<std::mutex> lock(mu_);
    successes_.push_back(*request);
    return success_status_;
  }

  void FailStartsWith(grpc::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    start_status_ = std::move(status);
  }
  void FailSuccessesWith(grpc::Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    success_status_ = std::move(status);
  }
  std::vector<stepwise::v1::StartExecutionRequest> starts() {
    std::lock_guard<std::mutex> lock(mu_);
    return starts_;
  }
  std::vector<stepwise::v1::SendTaskSuccessRequest> successes() {
    std::lock_guard<std::mutex> lock(mu_);
    return successes_;
  }

 private:
  std::mutex mu_;
  grpc::Status start_status_ = grpc::Status::OK;
  grpc::Status success_status_ = grpc::Status::OK;
  std::vector<stepwise::v1::StartExecutionRequest> starts_;
  std::vector<stepwise::v1::SendTaskSuccessRequest> successes_;
};

}  // namespace stepwise::account_applications::testing

#endif  // STEPWISE_TESTS_UNIT_WORKER_ACCOUNT_APPLICATIONS_FAKE_STATES_H_
