// FakeStates: a scripted stepwise.v1.States service for the remote command
// tests. It answers from fixed data, remembers the last request of each kind
// it serves, and misbehaves on purpose where a test needs it (a repeated
// nextToken, an error without details, a call that never answers).
//
//   FakeStates fake;
//   TestServer server(&fake);
//   RunCommand(RunListExecutions, ListExecutionsFlags{...}, server.endpoint());
//   EXPECT_EQ(fake.list_requests_.size(), 3u);
#ifndef STEPWISE_TESTS_CLI_REMOTE_FAKE_STATES_H_
#define STEPWISE_TESTS_CLI_REMOTE_FAKE_STATES_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::cli::testing {

inline google::protobuf::Timestamp At(int64_t seconds) {
  google::protobuf::Timestamp t;
  t.set_seconds(seconds);
  return t;
}

// Answers from fixed data and remembers the last request of each kind.
class FakeStates final : public v1::States::Service {
 public:
  static constexpr int kExecutions = 5;
  static constexpr int kDefaultPage = 2;

  grpc::Status ListExecutions(grpc::ServerContext*, const v1::ListExecutionsRequest* request,
                              v1::ListExecutionsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    list_requests_.push_back(*request);
    const int start = request->next_token().empty() ? 0 : std::stoi(request->next_token());
    const int size = request->max_results() > 0 ? request->max_results() : kDefaultPage;
    for (int i = start; i < kExecutions && i < start + size; ++i) {
      v1::ExecutionListItem* item = response->add_executions();
      item->set_name("e" + std::to_string(i));
      item->set_status(v1::EXECUTION_STATUS_SUCCEEDED);
      *item->mutable_start_date() = At(1700000000 + i);
    }
    if (start + size < kExecutions) response->set_next_token(std::to_string(start + size));
    return grpc::Status::OK;
  }

  // A broken server: always the same token.
  grpc::Status ListActivities(grpc::ServerContext*, const v1::ListActivitiesRequest*,
                              v1::ListActivitiesResponse* response) override {
    response->add_activities()->set_name("a");
    response->set_next_token("same");
    return grpc::Status::OK;
  }

  grpc::Status GetExecutionHistory(grpc::ServerContext*,
                                   const v1::GetExecutionHistoryRequest* request,
                                   v1::GetExecutionHistoryResponse*) override {
    std::lock_guard<std::mutex> lock(mu_);
    history_request_ = *request;
    return grpc::Status::OK;
  }

  grpc::Status UpdateStateMachine(grpc::ServerContext*,
                                  const v1::UpdateStateMachineRequest* request,
                                  v1::UpdateStateMachineResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    update_request_ = *request;
    *response->mutable_update_date() = At(1700000000);
    response->set_revision_id("rev-2");
    return grpc::Status::OK;
  }

  grpc::Status StartSyncExecution(grpc::ServerContext*,
                                  const v1::StartSyncExecutionRequest* request,
                                  v1::StartSyncExecutionResponse* response) override {
    response->set_status(v1::SYNC_EXECUTION_STATUS_SUCCEEDED);
    response->set_output(request->input());
    response->set_name(request->name());
    return grpc::Status::OK;
  }

  grpc::Status RedriveExecution(grpc::ServerContext*, const v1::RedriveExecutionRequest* request,
                                v1::RedriveExecutionResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    redrive_request_ = *request;
    *response->mutable_redrive_date() = At(1700000001);
    return grpc::Status::OK;
  }

  grpc::Status CreateActivity(grpc::ServerContext*, const v1::CreateActivityRequest* request,
                              v1::CreateActivityResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    activity_request_ = *request;
    response->set_activity_arn("arn:aws:states:us-east-1:123456789012:activity:" + request->name());
    *response->mutable_creation_date() = At(1700000000);
    return grpc::Status::OK;
  }

  grpc::Status GetActivityTask(grpc::ServerContext*, const v1::GetActivityTaskRequest* request,
                               v1::GetActivityTaskResponse* response) override {
    if (request->activity_arn().ends_with(":busy")) {
      response->set_task_token("token-1");
      response->set_input(R"({"job": 1})");
    }
    return grpc::Status::OK;
  }

  // An error as an older or foreign server might send it: no ErrorInfo.
  grpc::Status StartExecution(grpc::ServerContext*, const v1::StartExecutionRequest*,
                              v1::StartExecutionResponse*) override {
    return grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                        "ExecutionLimitExceeded: too many open executions");
  }

  // Never answers before the client gives up.
  grpc::Status DescribeExecution(grpc::ServerContext* context, const v1::DescribeExecutionRequest*,
                                 v1::DescribeExecutionResponse*) override {
    std::unique_lock<std::mutex> lock(mu_);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!context->IsCancelled() && std::chrono::steady_clock::now() < give_up) {
      cancelled_.wait_for(lock, std::chrono::milliseconds(5));
    }
    return grpc::Status::CANCELLED;
  }

  // The requests seen (copies, taken under the lock).
  std::vector<v1::ListExecutionsRequest> list_requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return list_requests_;
  }
  v1::GetExecutionHistoryRequest history_request() const {
    std::lock_guard<std::mutex> lock(mu_);
    return history_request_;
  }
  v1::UpdateStateMachineRequest update_request() const {
    std::lock_guard<std::mutex> lock(mu_);
    return update_request_;
  }
  v1::RedriveExecutionRequest redrive_request() const {
    std::lock_guard<std::mutex> lock(mu_);
    return redrive_request_;
  }
  v1::CreateActivityRequest activity_request() const {
    std::lock_guard<std::mutex> lock(mu_);
    return activity_request_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cancelled_;
  std::vector<v1::ListExecutionsRequest> list_requests_;
  v1::GetExecutionHistoryRequest history_request_;
  v1::UpdateStateMachineRequest update_request_;
  v1::RedriveExecutionRequest redrive_request_;
  v1::CreateActivityRequest activity_request_;
};

}  // namespace stepwise::cli::testing

#endif  // STEPWISE_TESTS_CLI_REMOTE_FAKE_STATES_H_
