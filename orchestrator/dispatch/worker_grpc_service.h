// WorkerGrpcService: stepwise.v1.Worker on gRPC's callback API. PollTask is a
// long poll served by the TaskDispatcher; a waiting call holds no thread.
//
//   TaskDispatcher dispatcher(store, executor, clock);
//   WorkerGrpcService worker(dispatcher, {.complete = [&](const auto& r) {...}});
//   builder.RegisterService(&worker);
//
// PollTask checks its input (InvalidName for a bad queue, ValidationException
// for a negative wait_time_seconds), then waits wait_time_seconds (unset: 60,
// capped at 60, 0: no wait) and always answers before the call's deadline.
// WithdrawPolls answers the named polls empty (TaskDispatcher::Withdraw); it
// refuses more than 1000 keys or a bad one (ValidationException), changing
// nothing. CompleteAndPollTask checks its poll as PollTask does, applies its
// completion through `complete` (on the service's own threads: it blocks on
// the commit), and polls only when that returned OK; UNIMPLEMENTED when the
// service has no `complete`.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_

#include <functional>
#include <memory>

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "orchestrator/dispatch/blocking_jobs.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "stepwise/v1/worker.grpc.pb.h"

namespace stepwise::service {
class StatesService;  // orchestrator/service/states_service.h
}  // namespace stepwise::service

namespace stepwise::dispatch {

// The worker's view of a dispatched task (see worker.proto's Task).
void ToProtoTask(const DispatchedTask& task, v1::Task* out);

// Applies a worker's completion exactly as States.SendTaskSuccess /
// SendTaskFailure do (the orchestrator passes StatesService's); blocking.
using CompleteTask = std::function<grpc::Status(const v1::CompleteAndPollTaskRequest& request)>;

// The orchestrator's CompleteTask: States' SendTaskSuccess / SendTaskFailure
// through `states` (which must outlive its use).
CompleteTask CompleteThroughStates(service::StatesService& states);

struct WorkerGrpcServiceOptions {
  CompleteTask complete;  // Empty: CompleteAndPollTask is UNIMPLEMENTED.
  // Threads that apply CompleteAndPollTask's completions (BlockingJobs).
  // Enough that completions do not queue for a thread: a queued one's poll
  // is not waiting yet, so the steps committing meanwhile find fewer polls
  // to hand their new tasks to directly (durable_bench tasks_3: 0.54 extra
  // claims per execution with 8 threads, 0.24 with 16, 0.18 with 32).
  int completion_threads = 32;
};

class WorkerGrpcService final : public v1::Worker::CallbackService {
 public:
  // `dispatcher` must outlive the service.
  explicit WorkerGrpcService(TaskDispatcher& dispatcher, WorkerGrpcServiceOptions options = {});

  grpc::ServerUnaryReactor* PollTask(grpc::CallbackServerContext* context,
                                     const v1::PollTaskRequest* request,
                                     v1::PollTaskResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawPolls(grpc::CallbackServerContext* context,
                                          const v1::WithdrawPollsRequest* request,
                                          v1::WithdrawPollsResponse* response) override;
  grpc::ServerUnaryReactor* CompleteAndPollTask(grpc::CallbackServerContext* context,
                                                const v1::CompleteAndPollTaskRequest* request,
                                                v1::PollTaskResponse* response) override;

 private:
  TaskDispatcher& dispatcher_;
  const CompleteTask complete_;
  // Declared last: destroyed first, running the completions still queued
  // (each finishes its call) while the dispatcher is still there.
  std::unique_ptr<BlockingJobs> completions_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_
