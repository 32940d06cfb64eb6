// GrowingHistory: a States service with one execution whose history grows
// when the test says so (Reveal), for the `stepwise history --watch` tests:
// the test's sleeper reveals the next batch of events between two polls, so
// the execution "runs" one step per poll, without a clock or a sleep.
//
//   GrowingHistory fake(script.Describe(), {batch0, batch1, batch2});
//   TestServer server(&fake);
//   WatchEnvironment env{.poll_interval = absl::ZeroDuration(),
//                        .sleep = [&](absl::Duration) { fake.Reveal(); }};
//
// Pages use their own opaque tokens ("page-after-N"), not the orchestrator's,
// and it remembers every GetExecutionHistory request.
#ifndef STEPWISE_TESTS_CLI_REMOTE_HISTORY_FAKE_SERVER_H_
#define STEPWISE_TESTS_CLI_REMOTE_HISTORY_FAKE_SERVER_H_

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::cli::testing {

class GrowingHistory final : public v1::States::Service {
 public:
  // Batch 0 is visible at once; each Reveal() shows the next.
  GrowingHistory(v1::DescribeExecutionResponse execution,
                 std::vector<std::vector<v1::HistoryEvent>> batches)
      : execution_(std::move(execution)), batches_(std::move(batches)) {}

  void Reveal() {
    std::lock_guard<std::mutex> lock(mu_);
    if (revealed_ + 1 < batches_.size()) ++revealed_;
  }

  grpc::Status DescribeExecution(grpc::ServerContext*, const v1::DescribeExecutionRequest* request,
                                 v1::DescribeExecutionResponse* response) override {
    if (request->execution_arn() != execution_.execution_arn()) return DoesNotExist(*request);
    *response = execution_;
    return grpc::Status::OK;
  }

  grpc::Status GetExecutionHistory(grpc::ServerContext*,
                                   const v1::GetExecutionHistoryRequest* request,
                                   v1::GetExecutionHistoryResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    history_requests_.push_back(*request);
    std::vector<v1::HistoryEvent> visible;
    for (size_t i = 0; i <= revealed_ && i < batches_.size(); ++i) {
      visible.insert(visible.end(), batches_[i].begin(), batches_[i].end());
    }
    size_t start = 0;
    constexpr std::string_view kPrefix = "page-after-";
    if (!request->next_token().empty()) {
      start = std::stoul(request->next_token().substr(kPrefix.size()));
    }
    const size_t size =
        request->max_results() > 0 ? static_cast<size_t>(request->max_results()) : 100;
    const size_t end = std::min(visible.size(), start + size);
    for (size_t i = start; i < end; ++i) {
      v1::HistoryEvent* event = response->add_events();
      *event = visible[i];
      if (request->has_include_execution_data() && !request->include_execution_data() &&
          event->has_state_entered_event_details()) {
        event->mutable_state_entered_event_details()->clear_input();
      }
      ++served_;
    }
    if (end < visible.size()) response->set_next_token(std::string(kPrefix) + std::to_string(end));
    return grpc::Status::OK;
  }

  std::vector<v1::GetExecutionHistoryRequest> history_requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return history_requests_;
  }
  // Events sent in all answers together.
  size_t served() const {
    std::lock_guard<std::mutex> lock(mu_);
    return served_;
  }

 private:
  static grpc::Status DoesNotExist(const v1::DescribeExecutionRequest& request) {
    return grpc::Status(grpc::StatusCode::NOT_FOUND,
                        "ExecutionDoesNotExist: Execution Does Not "
                        "Exist: '" +
                            request.execution_arn() + "'");
  }

  const v1::DescribeExecutionResponse execution_;
  const std::vector<std::vector<v1::HistoryEvent>> batches_;
  mutable std::mutex mu_;
  size_t revealed_ = 0;
  size_t served_ = 0;
  std::vector<v1::GetExecutionHistoryRequest> history_requests_;
};

}  // namespace stepwise::cli::testing

#endif  // STEPWISE_TESTS_CLI_REMOTE_HISTORY_FAKE_SERVER_H_
