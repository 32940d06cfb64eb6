#include "bench/durable/idle_polls.h"

#include <signal.h>

#include <cmath>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "tests/testing/child_process.h"

namespace stepwise::bench {
namespace {

using testing::ChildProcess;

constexpr char kQueue[] = "BenchIdle";
constexpr char kProbeMachine[] = R"({"StartAt":"Probe","States":{"Probe":{"Type":"Task",
  "Resource":"arn:aws:lambda:us-east-1:123456789012:function:BenchIdle","End":true}}})";
constexpr int kPollWaitSeconds = 60;
constexpr absl::Duration kStableFor = absl::Seconds(1);
constexpr absl::Duration kSampleEvery = absl::Milliseconds(250);

struct ProcStatus {
  int64_t rss_kb = 0;
  int threads = 0;
};

absl::StatusOr<ProcStatus> ReadProcStatus(pid_t pid) {
  std::ifstream in(StrCat("/proc/", pid, "/status"));
  if (!in) return absl::InternalError(StrCat("cannot read /proc/", pid, "/status"));
  ProcStatus status;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) status.rss_kb = std::atoll(line.c_str() + 6);
    if (line.starts_with("Threads:")) status.threads = std::atoi(line.c_str() + 8);
  }
  return status;
}

int CountFds(pid_t pid) {
  std::error_code ec;
  int n = 0;
  for (auto it = std::filesystem::directory_iterator(StrCat("/proc/", pid, "/fd"), ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++n;
  }
  return n;
}

double Mb(int64_t kb) { return static_cast<double>(kb) * 1024 / 1e6; }

// Long polls opened with gRPC's async API, answered on one CompletionQueue
// drained by one thread.
class PollFleet {
 public:
  PollFleet(const std::string& endpoint, int connections) {
    for (int i = 0; i < connections; ++i) {
      grpc::ChannelArguments args;
      // One TCP connection each: no subchannel shared between the channels.
      args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
      args.SetInt("stepwise.bench.connection", i);
      stubs_.push_back(v1::Worker::NewStub(
          grpc::CreateCustomChannel(endpoint, grpc::InsecureChannelCredentials(), args)));
    }
    drain_ = std::thread([this] { Drain(); });
  }

  ~PollFleet() {
    for (auto& call : calls_) call->context.TryCancel();
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return answered_locked() == static_cast<int64_t>(calls_.size()); });
    }
    cq_.Shutdown();
    drain_.join();
  }

  void Open(int polls) {
    for (int i = 0; i < polls; ++i) {
      auto call = std::make_unique<Call>();
      call->context.set_deadline(
          absl::ToChronoTime(absl::Now() + absl::Seconds(kPollWaitSeconds + 10)));
      v1::PollTaskRequest request;
      request.set_queue(kQueue);
      request.set_worker_name(StrCat("bench-idle-", i));
      request.set_wait_time_seconds(kPollWaitSeconds);
      call->reader = stubs_[i % stubs_.size()]->PrepareAsyncPollTask(&call->context, request, &cq_);
      call->reader->StartCall();
      call->reader->Finish(&call->response, &call->status, call.get());
      calls_.push_back(std::move(call));
    }
  }

  // Waits until `predicate` (called under the lock) holds; false on timeout.
  template <typename Predicate>
  bool WaitFor(absl::Duration timeout, Predicate predicate) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout), predicate);
  }

  std::mutex& mu() { return mu_; }
  int64_t empty() const { return empty_; }
  int64_t failed() const { return failed_; }
  const std::vector<std::string>& tokens() const { return tokens_; }
  const std::string& first_error() const { return first_error_; }
  int64_t answered_locked() const {
    return empty_ + failed_ + static_cast<int64_t>(tokens_.size());
  }

 private:
  struct Call {
    grpc::ClientContext context;
    v1::PollTaskResponse response;
    grpc::Status status;
    std::unique_ptr<grpc::ClientAsyncResponseReader<v1::PollTaskResponse>> reader;
  };

  void Drain() {
    void* tag = nullptr;
    bool ok = false;
    while (cq_.Next(&tag, &ok)) {
      Call* call = static_cast<Call*>(tag);
      std::lock_guard<std::mutex> lock(mu_);
      if (!call->status.ok()) {
        if (failed_++ == 0) {
          first_error_ = StrCat(call->status.error_code(), " ", call->status.error_message());
        }
      } else if (call->response.has_task()) {
        tokens_.push_back(call->response.task().task_token());
      } else {
        ++empty_;
      }
      cv_.notify_all();
    }
  }

  std::vector<std::unique_ptr<v1::Worker::Stub>> stubs_;
  grpc::CompletionQueue cq_;
  std::vector<std::unique_ptr<Call>> calls_;
  std::thread drain_;
  std::mutex mu_;
  std::condition_variable cv_;
  int64_t empty_ = 0;   // Guarded by mu_, like the next three.
  int64_t failed_ = 0;  // Guarded by mu_.
  std::vector<std::string> tokens_;
  std::string first_error_;
};

absl::Status Failure(const ChildProcess& child, std::string_view what) {
  std::string log = child.Log();
  if (log.size() > 2000) log = log.substr(log.size() - 2000);
  return absl::InternalError(StrCat("idle polls: ", what, "\norchestrator log (tail):\n", log));
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
}

// Samples VmRSS until it stays within 0.5% for kStableFor (at most `max_settle`).
absl::StatusOr<ProcStatus> SettledStatus(pid_t pid, absl::Duration max_settle) {
  const absl::Time give_up = absl::Now() + max_settle;
  ASSIGN_OR_RETURN(ProcStatus last, ReadProcStatus(pid));
  absl::Time stable_since = absl::Now();
  while (absl::Now() < give_up) {
    absl::SleepFor(kSampleEvery);
    ASSIGN_OR_RETURN(ProcStatus now, ReadProcStatus(pid));
    if (std::abs(static_cast<double>(now.rss_kb - last.rss_kb)) >
        0.005 * static_cast<double>(last.rss_kb)) {
      stable_since = absl::Now();
      last = now;
    } else if (absl::Now() - stable_since >= kStableFor) {
      return now;
    }
  }
  return last;
}

}  // namespace

absl::StatusOr<IdlePollsResult> MeasureIdlePolls(const IdlePollsOptions& options) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<ChildProcess> child,
      ChildProcess::Start({options.orchestrator_bin, "--listen", "127.0.0.1:0", "--database-url",
                           options.database_url, "--replica-id", "bench-idle-polls"},
                          options.log_path));
  absl::StatusOr<std::string> line = child->WaitForLine("serving on", absl::Seconds(60));
  if (!line.ok()) return Failure(*child, line.status().ToString());
  const size_t at = line->find("serving on ") + std::string("serving on ").size();
  const std::string endpoint = line->substr(at, line->find(' ', at) - at);
  const pid_t pid = child->pid();

  auto states =
      v1::States::NewStub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials()));
  std::string machine;
  {
    v1::CreateStateMachineRequest request;
    request.set_name("bench-idle-probe");
    request.set_definition(kProbeMachine);
    v1::CreateStateMachineResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status = states->CreateStateMachine(&context, request, &response);
    if (!status.ok())
      return Failure(*child, StrCat("CreateStateMachine: ", status.error_message()));
    machine = response.state_machine_arn();
  }

  IdlePollsResult result;
  ASSIGN_OR_RETURN(ProcStatus idle, SettledStatus(pid, options.max_settle));
  result.idle_rss_mb = Mb(idle.rss_kb);
  result.idle_threads = idle.threads;

  PollFleet fleet(endpoint, options.connections);
  const absl::Time opened = absl::Now();
  fleet.Open(options.polls);
  ASSIGN_OR_RETURN(ProcStatus held, SettledStatus(pid, options.max_settle));
  result.open_seconds = absl::ToDoubleSeconds(absl::Now() - opened);
  result.polls_rss_mb = Mb(held.rss_kb);
  result.polls_threads = held.threads;
  result.polls_fds = CountFds(pid);
  {
    std::lock_guard<std::mutex> lock(fleet.mu());
    if (fleet.answered_locked() != 0) {
      return Failure(*child, StrCat(fleet.answered_locked(),
                                    " polls were answered before any task "
                                    "existed (",
                                    fleet.failed(), " failed: ", fleet.first_error(), ")"));
    }
  }

  // The polls are live: a task committed now reaches one of them.
  {
    v1::StartExecutionRequest request;
    request.set_state_machine_arn(machine);
    request.set_name("probe");
    v1::StartExecutionResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status = states->StartExecution(&context, request, &response);
    if (!status.ok()) return Failure(*child, StrCat("StartExecution: ", status.error_message()));
  }
  if (!fleet.WaitFor(absl::Seconds(15), [&] { return !fleet.tokens().empty(); })) {
    return Failure(*child, "the probe task reached none of the waiting polls within 15 s");
  }
  {
    v1::SendTaskSuccessRequest request;
    {
      std::lock_guard<std::mutex> lock(fleet.mu());
      request.set_task_token(fleet.tokens().front());
    }
    request.set_output("{}");
    v1::SendTaskSuccessResponse response;
    grpc::ClientContext context;
    SetDeadline(context);
    grpc::Status status = states->SendTaskSuccess(&context, request, &response);
    if (!status.ok()) return Failure(*child, StrCat("SendTaskSuccess: ", status.error_message()));
  }

  // A graceful stop answers every other poll, empty.
  child->Signal(SIGTERM);
  const int64_t polls = options.polls;
  if (!fleet.WaitFor(absl::Seconds(30), [&] { return fleet.answered_locked() == polls; })) {
    return Failure(*child, "the polls were not all answered within 30 s of SIGTERM");
  }
  {
    std::lock_guard<std::mutex> lock(fleet.mu());
    if (fleet.failed() != 0 || fleet.tokens().size() != 1 || fleet.empty() != polls - 1) {
      return Failure(*child,
                     StrCat("after SIGTERM: ", fleet.empty(), " empty, ", fleet.tokens().size(),
                            " with a task, ", fleet.failed(), " failed (", fleet.first_error(),
                            "); expected ", polls - 1, " empty and 1 task"));
    }
  }
  absl::StatusOr<int> code = child->Wait(absl::Seconds(30));
  if (!code.ok() || *code != 0) {
    return Failure(*child,
                   StrCat("the orchestrator did not exit cleanly: ",
                          code.ok() ? StrCat("exit code ", *code) : code.status().ToString()));
  }
  return result;
}

}  // namespace stepwise::bench
