#include "tests/unit/worker/fake_orchestrator.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

#include "absl/time/clock.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "stepwise/v1/error_details.pb.h"

namespace stepwise::worker::testing {

v1::Task MakeTask(const std::string& queue, const std::string& input) {
  v1::Task task;
  task.set_queue(queue);
  task.set_input(input);
  task.set_resource("arn:aws:states:::lambda:invoke");
  task.set_state_name("State");
  task.set_execution_arn("arn:aws:states:us-east-1:123456789012:execution:Machine:run-1");
  task.set_state_machine_arn("arn:aws:states:us-east-1:123456789012:stateMachine:Machine");
  return task;
}

grpc::Status StepwiseError(grpc::StatusCode code, const std::string& name, const std::string& text,
                           const std::string& field) {
  const std::string message = name + ": " + text;
  v1::ErrorInfo info;
  info.set_reason(name);
  info.set_domain("stepwise");
  if (!field.empty()) (*info.mutable_metadata())["field"] = field;
  v1::RpcStatus details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  auto* any = details.add_details();
  any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
  any->set_value(info.SerializeAsString());
  return grpc::Status(code, message, details.SerializeAsString());
}

class FakeOrchestrator::WorkerService final : public v1::Worker::Service {
 public:
  explicit WorkerService(FakeOrchestrator& fake) : fake_(fake) {}
  grpc::Status PollTask(grpc::ServerContext* context, const v1::PollTaskRequest* request,
                        v1::PollTaskResponse* response) override {
    return fake_.Poll(context, *request, response);
  }
  grpc::Status WithdrawPolls(grpc::ServerContext*, const v1::WithdrawPollsRequest* request,
                             v1::WithdrawPollsResponse* response) override {
    return fake_.Withdraw(*request, response);
  }
  grpc::Status CompleteAndPollTask(grpc::ServerContext* context,
                                   const v1::CompleteAndPollTaskRequest* request,
                                   v1::PollTaskResponse* response) override {
    return fake_.CompleteAndPoll(context, *request, response);
  }

 private:
  FakeOrchestrator& fake_;
};

class FakeOrchestrator::StatesService final : public v1::States::Service {
 public:
  explicit StatesService(FakeOrchestrator& fake) : fake_(fake) {}
  grpc::Status SendTaskSuccess(grpc::ServerContext*, const v1::SendTaskSuccessRequest* request,
                               v1::SendTaskSuccessResponse*) override {
    Completion completion;
    completion.success = true;
    completion.output = request->output();
    return fake_.Report(request->task_token(), std::move(completion));
  }
  grpc::Status SendTaskFailure(grpc::ServerContext*, const v1::SendTaskFailureRequest* request,
                               v1::SendTaskFailureResponse*) override {
    Completion completion;
    completion.error = request->error();
    completion.cause = request->cause();
    return fake_.Report(request->task_token(), std::move(completion));
  }
  grpc::Status SendTaskHeartbeat(grpc::ServerContext*, const v1::SendTaskHeartbeatRequest* request,
                                 v1::SendTaskHeartbeatResponse*) override {
    return fake_.Heartbeat(request->task_token());
  }

 private:
  FakeOrchestrator& fake_;
};

FakeOrchestrator::FakeOrchestrator(int port)
    : worker_service_(std::make_unique<WorkerService>(*this)),
      states_service_(std::make_unique<StatesService>(*this)) {
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                           &port_);
  builder.RegisterService(worker_service_.get());
  builder.RegisterService(states_service_.get());
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    throw std::runtime_error("FakeOrchestrator: cannot listen on 127.0.0.1:" +
                             std::to_string(port));
  }
}

FakeOrchestrator::~FakeOrchestrator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  server_->Wait();
  // Also wait under our own lock, so that the end of every handler visibly
  // happens before the members go (TSan cannot see gRPC's own ordering).
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return rpcs_running_ == 0; });
}

std::string FakeOrchestrator::endpoint() const { return "127.0.0.1:" + std::to_string(port_); }

std::string FakeOrchestrator::AddTask(v1::Task task) {
  std::string token;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (task.task_token().empty()) task.set_task_token("token-" + std::to_string(++next_token_));
    token = task.task_token();
    queues_[task.queue()].push_back(std::move(task));
  }
  cv_.notify_all();
  return token;
}

void FakeOrchestrator::ScriptReports(std::vector<grpc::Status> statuses) {
  std::lock_guard<std::mutex> lock(mu_);
  for (grpc::Status& status : statuses) scripted_reports_.push_back(std::move(status));
}

void FakeOrchestrator::AnswerHeartbeats(grpc::Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  heartbeat_answer_ = std::move(status);
}

void FakeOrchestrator::HoldPollsUntilCancelled(const std::string& queue) {
  std::lock_guard<std::mutex> lock(mu_);
  held_queues_.insert(queue);
}

void FakeOrchestrator::ServeWithdrawals(Withdrawals mode) {
  std::lock_guard<std::mutex> lock(mu_);
  withdrawals_ = mode;
}

grpc::Status FakeOrchestrator::Withdraw(const v1::WithdrawPollsRequest& request,
                                        v1::WithdrawPollsResponse* response) {
  std::lock_guard<std::mutex> lock(mu_);
  if (withdrawals_ == Withdrawals::kUnimplemented) {
    return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not in this fake");
  }
  ++withdraw_calls_;
  int waiting = 0;
  for (const std::string& key : request.poll_keys()) {
    waiting += static_cast<int>(waiting_keys_.count(key));
    withdrawn_keys_.insert(key);
  }
  response->set_withdrawn(waiting);
  cv_.notify_all();
  return grpc::Status::OK;
}

grpc::Status FakeOrchestrator::Poll(grpc::ServerContext* context,
                                    const v1::PollTaskRequest& request,
                                    v1::PollTaskResponse* response) {
  std::unique_lock<std::mutex> lock(mu_);
  ++rpcs_running_;
  ++polls_waiting_;
  ++polls_total_;
  worker_names_.push_back(request.worker_name());
  cv_.notify_all();
  const int wait_seconds =
      request.has_wait_time_seconds() ? std::clamp(request.wait_time_seconds(), 0, 60) : 60;
  const absl::Time deadline = absl::Now() + absl::Seconds(wait_seconds);
  const bool held = held_queues_.count(request.queue()) > 0;
  std::deque<v1::Task>& queue = queues_[request.queue()];
  const std::string& key = request.poll_key();
  if (!key.empty()) waiting_keys_.insert(key);
  auto withdrawn = [&] { return !key.empty() && withdrawn_keys_.count(key) > 0; };
  while (!stopping_ && !context->IsCancelled() && !withdrawn()) {
    if (!held && !queue.empty()) {
      *response->mutable_task() = std::move(queue.front());
      queue.pop_front();
      break;
    }
    if (!held && absl::Now() >= deadline) break;
    // Woken by AddTask; the slice only notices a cancelled call.
    cv_.wait_for(lock, std::chrono::milliseconds(20));
  }
  if (withdrawn()) {
    ++withdrawn_polls_;
    if (held && withdrawals_ == Withdrawals::kAnswerWithTask && !queue.empty()) {
      *response->mutable_task() = std::move(queue.front());
      queue.pop_front();
    }
  } else if (held && context->IsCancelled() && !queue.empty()) {
    // gRPC drops this answer: the client's call has ended already.
    *response->mutable_task() = std::move(queue.front());
    queue.pop_front();
    ++late_tasks_;
  }
  if (!key.empty()) waiting_keys_.erase(key);
  --polls_waiting_;
  --rpcs_running_;
  cv_.notify_all();
  return grpc::Status::OK;
}

grpc::Status FakeOrchestrator::CompleteAndPoll(grpc::ServerContext* context,
                                               const v1::CompleteAndPollTaskRequest& request,
                                               v1::PollTaskResponse* response) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    ++complete_and_poll_calls_;
    if (!serve_complete_and_poll_) {
      return grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not in this fake");
    }
  }
  Completion completion;
  std::string token;
  if (request.has_success()) {
    token = request.success().task_token();
    completion.success = true;
    completion.output = request.success().output();
  } else {
    token = request.failure().task_token();
    completion.error = request.failure().error();
    completion.cause = request.failure().cause();
  }
  // As the orchestrator: the completion first; the poll only after it.
  if (grpc::Status reported = Report(token, std::move(completion)); !reported.ok()) {
    return reported;
  }
  return Poll(context, request.poll(), response);
}

void FakeOrchestrator::ActAsOlderOrchestrator() {
  std::lock_guard<std::mutex> lock(mu_);
  withdrawals_ = Withdrawals::kUnimplemented;
  serve_complete_and_poll_ = false;
}

void FakeOrchestrator::ServeCompleteAndPoll(bool serve) {
  std::lock_guard<std::mutex> lock(mu_);
  serve_complete_and_poll_ = serve;
}

grpc::Status FakeOrchestrator::Report(const std::string& token, Completion completion) {
  std::lock_guard<std::mutex> lock(mu_);
  ++report_attempts_;
  cv_.notify_all();
  if (!scripted_reports_.empty()) {
    grpc::Status status = std::move(scripted_reports_.front());
    scripted_reports_.pop_front();
    return status;
  }
  if (completions_.count(token) > 0) {
    return StepwiseError(grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut", "already closed");
  }
  completions_[token] = std::move(completion);
  return grpc::Status::OK;
}

grpc::Status FakeOrchestrator::Heartbeat(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  ++heartbeats_[token];
  cv_.notify_all();
  return heartbeat_answer_;
}

bool FakeOrchestrator::WaitFor(const std::function<bool()>& predicate, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), predicate);
}

std::optional<FakeOrchestrator::Completion> FakeOrchestrator::WaitForCompletion(
    const std::string& token, absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                    [&] { return completions_.count(token) > 0; })) {
    return std::nullopt;
  }
  return completions_.at(token);
}

bool FakeOrchestrator::WaitForHeartbeats(const std::string& token, int count,
                                         absl::Duration timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                      [&] { return heartbeats_[token] >= count; });
}

std::optional<FakeOrchestrator::Completion> FakeOrchestrator::completion(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = completions_.find(token);
  if (it == completions_.end()) return std::nullopt;
  return it->second;
}

int FakeOrchestrator::heartbeats(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  return heartbeats_[token];
}

int FakeOrchestrator::report_attempts() {
  std::lock_guard<std::mutex> lock(mu_);
  return report_attempts_;
}

std::size_t FakeOrchestrator::pending(const std::string& queue) {
  std::lock_guard<std::mutex> lock(mu_);
  return PendingLocked(queue);
}

std::size_t FakeOrchestrator::PendingLocked(const std::string& queue) const {
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.size();
}

int FakeOrchestrator::polls_waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return polls_waiting_;
}

int FakeOrchestrator::polls_total() {
  std::lock_guard<std::mutex> lock(mu_);
  return polls_total_;
}

std::vector<std::string> FakeOrchestrator::worker_names() {
  std::lock_guard<std::mutex> lock(mu_);
  return worker_names_;
}

}  // namespace stepwise::worker::testing
