// Shared by the dispatch tests: an in-process gRPC server with the Worker and
// States services over a TaskDispatcher, and asynchronous polls (the client's
// callback API, so a test can hold many open at once).
#ifndef STEPWISE_TESTS_UNIT_DISPATCH_DISPATCH_TEST_UTIL_H_
#define STEPWISE_TESTS_UNIT_DISPATCH_DISPATCH_TEST_UTIL_H_

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/dispatch/worker_grpc_service.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/states_grpc_service.h"
#include "orchestrator/service/states_service.h"
#include "stepwise/v1/error_details.pb.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "tests/testing/await.h"

namespace stepwise::dispatch::testing {

// tests/testing/await.h's AwaitTrue, polling every millisecond: a dispatch
// takes microseconds, and a test awaits many of them one after another.
inline bool AwaitTrue(const std::function<bool()>& predicate,
                      absl::Duration timeout = absl::Seconds(10)) {
  return ::stepwise::testing::AwaitTrue(predicate, timeout, absl::Milliseconds(1));
}

// Threads of this process (/proc/self/status), -1 if unreadable.
inline int ProcessThreads() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  }
  return -1;
}

// The exception name in a Stepwise error's details ("" if none).
inline std::string ExceptionName(const grpc::Status& status) {
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (details.ParseFromString(status.error_details()) && details.details_size() > 0 &&
      info.ParseFromString(details.details(0).value())) {
    return info.reason();
  }
  return "";
}

// Forwards commits to the dispatcher once it exists (the executor needs its
// observer before the dispatcher can be made).
class ForwardingObserver final : public service::CommitObserver {
 public:
  void OnCommitted(const persistence::StepUpdate& update) override {
    if (target != nullptr) target->OnCommitted(update);
  }
  void BeforeCommit(persistence::StepUpdate& update) override {
    if (target != nullptr) target->BeforeCommit(update);
  }
  void AfterCommitFailed(const persistence::StepUpdate& update) override {
    if (target != nullptr) target->AfterCommitFailed(update);
  }
  TaskDispatcher* target = nullptr;
};

// An in-flight RPC of the async (callback) client API. Started right after
// construction; the destructor cancels it and waits for its callback, so a
// test may end with calls still open.
template <typename Request, typename Response>
struct AsyncCall {
  ~AsyncCall() {
    context.TryCancel();
    Wait();
  }

  grpc::ClientContext context;
  Request request;
  Response response;
  grpc::Status status;
  absl::Time started;
  absl::Time finished;

  void Done(grpc::Status s) {
    std::lock_guard<std::mutex> lock(mu);
    status = std::move(s);
    finished = absl::Now();
    done = true;
    cv.notify_all();
  }
  bool Wait(absl::Duration timeout = absl::Seconds(10)) {
    std::unique_lock<std::mutex> lock(mu);
    return cv.wait_for(lock, absl::ToChronoNanoseconds(timeout), [&] { return done; });
  }
  bool IsDone() {
    std::lock_guard<std::mutex> lock(mu);
    return done;
  }

  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
};

using PollCall = AsyncCall<v1::PollTaskRequest, v1::PollTaskResponse>;
using ActivityCall = AsyncCall<v1::GetActivityTaskRequest, v1::GetActivityTaskResponse>;

// The whole stack on one in-process server: store -> executor -> dispatcher
// -> Worker + States services.
class DispatchServer {
 public:
  DispatchServer(persistence::ExecutionStore& store, const Clock& clock,
                 TaskDispatcherOptions options,
                 service::ExecutionExecutor::EntropySource entropy = nullptr) {
    service::ExecutorOptions executor_options;
    executor_options.observer = &observer_;
    executor = std::make_unique<service::ExecutionExecutor>(store, clock, std::move(entropy),
                                                            executor_options);
    dispatcher = std::make_unique<TaskDispatcher>(store, *executor, clock, std::move(options));
    observer_.target = dispatcher.get();
    states = std::make_unique<service::StatesService>(store, *executor, clock);
    states_grpc = std::make_unique<service::StatesGrpcService>(*states, dispatcher.get());
    WorkerGrpcServiceOptions worker_options;
    worker_options.complete = [this, complete = CompleteThroughStates(*states)](
                                  const v1::CompleteAndPollTaskRequest& request) {
      ++completions_with_poll;
      return complete(request);
    };
    worker_grpc = std::make_unique<WorkerGrpcService>(*dispatcher, std::move(worker_options));
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(worker_grpc.get());
    builder.RegisterService(states_grpc.get());
    server = builder.BuildAndStart();
    EXPECT_NE(server, nullptr);
    dispatcher->Start();
    endpoint = "127.0.0.1:" + std::to_string(port);
    channel = grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials());
    worker_stub = v1::Worker::NewStub(channel);
    states_stub = v1::States::NewStub(channel);
  }

  ~DispatchServer() {
    dispatcher->Shutdown();
    server->Shutdown();
    server->Wait();
  }

  // Starts PollTask(queue); wait_seconds < 0 leaves it unset.
  std::unique_ptr<PollCall> StartPoll(const std::string& queue, int wait_seconds = 60,
                                      const std::string& worker = "worker-1",
                                      absl::Duration deadline = absl::Seconds(30),
                                      const std::string& poll_key = "") {
    auto call = std::make_unique<PollCall>();
    call->request.set_queue(queue);
    call->request.set_worker_name(worker);
    call->request.set_poll_key(poll_key);
    if (wait_seconds >= 0) call->request.set_wait_time_seconds(wait_seconds);
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
    call->started = absl::Now();
    PollCall* raw = call.get();
    worker_stub->async()->PollTask(&raw->context, &raw->request, &raw->response,
                                   [raw](grpc::Status s) { raw->Done(std::move(s)); });
    return call;
  }

  // WithdrawPolls(keys), synchronously.
  grpc::Status WithdrawPolls(const std::vector<std::string>& keys,
                             v1::WithdrawPollsResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::WithdrawPollsRequest request;
    for (const std::string& key : keys) request.add_poll_keys(key);
    return worker_stub->WithdrawPolls(&context, request, response);
  }

  std::unique_ptr<ActivityCall> StartActivityPoll(const std::string& activity_arn) {
    auto call = std::make_unique<ActivityCall>();
    call->request.set_activity_arn(activity_arn);
    call->request.set_worker_name("activity-worker");
    call->context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    call->started = absl::Now();
    ActivityCall* raw = call.get();
    states_stub->async()->GetActivityTask(&raw->context, &raw->request, &raw->response,
                                          [raw](grpc::Status s) { raw->Done(std::move(s)); });
    return call;
  }

  std::unique_ptr<service::ExecutionExecutor> executor;
  std::unique_ptr<TaskDispatcher> dispatcher;
  std::unique_ptr<service::StatesService> states;
  std::unique_ptr<service::StatesGrpcService> states_grpc;
  std::unique_ptr<WorkerGrpcService> worker_grpc;
  std::unique_ptr<grpc::Server> server;
  std::string endpoint;                       // host:port of `server`.
  std::atomic<int> completions_with_poll{0};  // CompleteAndPollTask completions applied.
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::Worker::Stub> worker_stub;
  std::unique_ptr<v1::States::Stub> states_stub;

 private:
  ForwardingObserver observer_;
};

}  // namespace stepwise::dispatch::testing

#endif  // STEPWISE_TESTS_UNIT_DISPATCH_DISPATCH_TEST_UTIL_H_
