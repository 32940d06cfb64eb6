// An in-process stand-in for the orchestrator's worker-facing RPCs, for the
// worker SDK's tests: Worker.PollTask hands out queued fake tasks (long poll),
// States.SendTaskSuccess / SendTaskFailure / SendTaskHeartbeat are recorded
// and answered as scripted, Worker.WithdrawPolls as ServeWithdrawals says,
// Worker.CompleteAndPollTask as a report then a poll (ServeCompleteAndPoll).
// Everything else is UNIMPLEMENTED.
//
//   FakeOrchestrator fake;  // A free port on 127.0.0.1.
//   std::string token = fake.AddTask(MakeTask("echo", R"({"x":1})"));
//   ... run a Worker against fake.endpoint() ...
//   std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
#ifndef STEPWISE_TESTS_UNIT_WORKER_FAKE_ORCHESTRATOR_H_
#define STEPWISE_TESTS_UNIT_WORKER_FAKE_ORCHESTRATOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/server.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"

namespace stepwise::worker::testing {

// A task for `queue` with the given input; the fake fills in the token.
v1::Task MakeTask(const std::string& queue, const std::string& input = "{}");

// A Stepwise RPC error as the orchestrator sends it (errors.md): message
// "Name: text" and an ErrorInfo detail whose reason is `name` (and, when
// given, metadata "field").
grpc::Status StepwiseError(grpc::StatusCode code, const std::string& name,
                           const std::string& text = "from the fake",
                           const std::string& field = "");

class FakeOrchestrator {
 public:
  // Serves on 127.0.0.1:port; 0 picks a free port.
  explicit FakeOrchestrator(int port = 0);
  ~FakeOrchestrator();  // Ends waiting polls, then stops the server.
  FakeOrchestrator(const FakeOrchestrator&) = delete;
  FakeOrchestrator& operator=(const FakeOrchestrator&) = delete;

  int port() const { return port_; }
  std::string endpoint() const;

  // Queues `task` (its queue must be set) and returns its token
  // ("token-<n>" unless the task has one).
  std::string AddTask(v1::Task task);

  struct Completion {
    bool success = false;
    std::string output;  // SendTaskSuccess
    std::string error;   // SendTaskFailure
    std::string cause;
  };

  // The next report calls (SendTaskSuccess / SendTaskFailure, and the
  // completion of CompleteAndPollTask) are answered with these statuses, in
  // order, without recording; then OK as usual.
  void ScriptReports(std::vector<grpc::Status> statuses);
  // Every heartbeat is answered with `status` (recorded either way).
  void AnswerHeartbeats(grpc::Status status);
  // Polls of `queue` wait, whatever their wait time, until their call is
  // cancelled (or the fake stops), and are then answered with the queue's
  // next task, as an orchestrator that claimed a task for a poll in the
  // instant its worker left would. Such tasks are counted (LateTasksLocked)
  // and never come back to the queue.
  void HoldPollsUntilCancelled(const std::string& queue);

  // How Worker.WithdrawPolls is answered.
  enum class Withdrawals {
    kUnimplemented,  // As an orchestrator without it.
    // The default: each withdrawn poll ends with an empty answer (a held
    // queue keeps its tasks).
    kAnswerEmpty,
    // A withdrawn poll of a held queue is answered with the queue's next
    // task, as if it had been handed out just before the withdrawal came.
    kAnswerWithTask,
  };
  void ServeWithdrawals(Withdrawals mode);
  // Whether Worker.CompleteAndPollTask is served (the default: a report as
  // Report's, scripted statuses included, then a poll as PollTask's) or
  // answered UNIMPLEMENTED, as an older orchestrator would.
  void ServeCompleteAndPoll(bool serve);
  // An orchestrator from before both: ServeWithdrawals(kUnimplemented),
  // ServeCompleteAndPoll(false).
  void ActAsOlderOrchestrator();

  // Blocks until `predicate` (called with the fake's lock held) holds, or the
  // timeout passes; returns whether it holds.
  bool WaitFor(const std::function<bool()>& predicate, absl::Duration timeout = absl::Seconds(5));

  std::optional<Completion> WaitForCompletion(const std::string& token,
                                              absl::Duration timeout = absl::Seconds(5));
  bool WaitForHeartbeats(const std::string& token, int count,
                         absl::Duration timeout = absl::Seconds(5));

  // Snapshots. (Inside a WaitFor predicate use the *Locked versions.)
  std::optional<Completion> completion(const std::string& token);
  int heartbeats(const std::string& token);
  int report_attempts();
  std::size_t pending(const std::string& queue);
  int polls_waiting();
  int polls_total();
  std::vector<std::string> worker_names();

  std::size_t PendingLocked(const std::string& queue) const;
  int PollsWaitingLocked() const { return polls_waiting_; }
  std::size_t CompletionsLocked() const { return completions_.size(); }
  int ReportAttemptsLocked() const { return report_attempts_; }
  int LateTasksLocked() const { return late_tasks_; }
  int WithdrawCallsLocked() const { return withdraw_calls_; }
  // CompleteAndPollTask calls, answered or refused as UNIMPLEMENTED.
  int CompleteAndPollCallsLocked() const { return complete_and_poll_calls_; }
  // Polls ended by a withdrawal (with or without a task).
  int WithdrawnPollsLocked() const { return withdrawn_polls_; }

 private:
  class WorkerService;
  class StatesService;

  grpc::Status Poll(grpc::ServerContext* context, const v1::PollTaskRequest& request,
                    v1::PollTaskResponse* response);
  grpc::Status Withdraw(const v1::WithdrawPollsRequest& request,
                        v1::WithdrawPollsResponse* response);
  grpc::Status CompleteAndPoll(grpc::ServerContext* context,
                               const v1::CompleteAndPollTaskRequest& request,
                               v1::PollTaskResponse* response);
  grpc::Status Report(const std::string& token, Completion completion);
  grpc::Status Heartbeat(const std::string& token);

  std::unique_ptr<WorkerService> worker_service_;
  std::unique_ptr<StatesService> states_service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  int next_token_ = 0;
  std::map<std::string, std::deque<v1::Task>> queues_;
  std::map<std::string, Completion> completions_;
  std::map<std::string, int> heartbeats_;
  std::deque<grpc::Status> scripted_reports_;
  grpc::Status heartbeat_answer_ = grpc::Status::OK;
  int report_attempts_ = 0;
  std::set<std::string> held_queues_;
  int late_tasks_ = 0;  // Tasks put into the answer of a cancelled poll.
  Withdrawals withdrawals_ = Withdrawals::kAnswerEmpty;
  std::set<std::string> waiting_keys_;    // poll_keys of the polls waiting.
  std::set<std::string> withdrawn_keys_;  // Every key WithdrawPolls named.
  int withdraw_calls_ = 0;
  bool serve_complete_and_poll_ = true;
  int complete_and_poll_calls_ = 0;
  int withdrawn_polls_ = 0;
  int polls_waiting_ = 0;
  int polls_total_ = 0;
  int rpcs_running_ = 0;  // Handlers inside the fake; the destructor waits for 0.
  std::vector<std::string> worker_names_;
};

}  // namespace stepwise::worker::testing

#endif  // STEPWISE_TESTS_UNIT_WORKER_FAKE_ORCHESTRATOR_H_
