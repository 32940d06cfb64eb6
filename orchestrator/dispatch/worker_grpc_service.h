// WorkerGrpcService: stepwise.v1.Worker on gRPC's callback API. PollTask is a
// long poll served by the TaskDispatcher; a waiting call holds no thread.
//
//   TaskDispatcher dispatcher(store, executor, clock);
//   WorkerGrpcService worker(dispatcher);
//   builder.RegisterService(&worker);
//
// PollTask checks its input (InvalidName for a bad queue, ValidationException
// for a negative wait_time_seconds), then waits wait_time_seconds (unset: 60,
// capped at 60, 0: no wait) and always answers before the call's deadline.
// WithdrawPolls answers the named polls empty (TaskDispatcher::Withdraw); it
// refuses more than 1000 keys or a bad one (ValidationException), changing
// nothing.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_

#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "stepwise/v1/worker.grpc.pb.h"

namespace stepwise::dispatch {

// The worker's view of a dispatched task (see worker.proto's Task).
void ToProtoTask(const DispatchedTask& task, v1::Task* out);

class WorkerGrpcService final : public v1::Worker::CallbackService {
 public:
  // `dispatcher` must outlive the service.
  explicit WorkerGrpcService(TaskDispatcher& dispatcher) : dispatcher_(dispatcher) {}

  grpc::ServerUnaryReactor* PollTask(grpc::CallbackServerContext* context,
                                     const v1::PollTaskRequest* request,
                                     v1::PollTaskResponse* response) override;
  grpc::ServerUnaryReactor* WithdrawPolls(grpc::CallbackServerContext* context,
                                          const v1::WithdrawPollsRequest* request,
                                          v1::WithdrawPollsResponse* response) override;

 private:
  TaskDispatcher& dispatcher_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_WORKER_GRPC_SERVICE_H_
