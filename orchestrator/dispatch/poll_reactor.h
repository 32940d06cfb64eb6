// PollReactor: answers one long-poll RPC (Worker.PollTask,
// States.GetActivityTask) from a TaskDispatcher on gRPC's callback API, so an
// idle poll holds no thread: the handler registers the poll and returns; the
// dispatcher finishes the call later from its own threads.
//
//   grpc::ServerUnaryReactor* WorkerGrpcService::PollTask(
//       grpc::CallbackServerContext* context, const v1::PollTaskRequest* request,
//       v1::PollTaskResponse* response) {
//     return StartPoll(dispatcher_, context, PollRequest{...}, response,
//                      [](const DispatchedTask& task, v1::PollTaskResponse* r) {...},
//                      [](const absl::Status& s) { return ToGrpcStatus(s, "..."); });
//   }
//
// A cancelled call (the client went away, its deadline passed) is taken out
// of the dispatcher's waiting polls at once and never gets a task. A call
// that failed after its task was put in the answer (cancelled as the answer
// went out: the client sees an error, not the task) gives the task back
// (TaskDispatcher::ReturnUndelivered) instead of leaving it to its lease.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_POLL_REACTOR_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_POLL_REACTOR_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/server_context.h"
#include "grpcpp/support/server_callback.h"
#include "grpcpp/support/status.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/records.h"

namespace stepwise::dispatch {

// The call's deadline as an absl::Time (InfiniteFuture when it has none).
inline absl::Time CallDeadline(const grpc::CallbackServerContext& context) {
  const std::chrono::system_clock::time_point deadline = context.deadline();
  if (deadline == std::chrono::system_clock::time_point::max()) return absl::InfiniteFuture();
  return absl::FromChrono(deadline);
}

template <typename Response>
class PollReactor final : public grpc::ServerUnaryReactor {
 public:
  // Writes a delivered task into the response. A plain function (captureless
  // lambdas convert): the reactor lives as long as its idle poll, so it keeps
  // no std::function.
  using Fill = void (*)(const DispatchedTask&, Response*);
  // Turns the dispatcher's refusal (kResourceExhausted, kInvalidArgument)
  // into the RPC's status.
  using ToStatus = std::function<grpc::Status(const absl::Status&)>;

  // Registers the poll; the returned reactor belongs to gRPC (it deletes
  // itself in OnDone). `request.deadline` is taken from `context`.
  static grpc::ServerUnaryReactor* Start(TaskDispatcher& dispatcher,
                                         grpc::CallbackServerContext* context, PollRequest request,
                                         Response* response, Fill fill, const ToStatus& to_status) {
    auto* reactor = new PollReactor(dispatcher, context, response, fill);
    request.deadline = std::min(request.deadline, CallDeadline(*context));
    // `done` may run on another thread before Poll returns: it only touches
    // the response and Finish, never id_. OnCancel and OnDone come after
    // this handler returns.
    absl::StatusOr<PollId> id =
        dispatcher.Poll(std::move(request), [reactor](std::optional<DispatchedTask> task) {
          if (task.has_value()) {
            reactor->fill_(*task, reactor->response_);
            reactor->delivered_ =
                std::make_unique<persistence::TaskRecord>(std::move(task->record));
          }
          reactor->Finish(grpc::Status::OK);
        });
    if (id.ok()) {
      reactor->id_.store(*id);
    } else {
      reactor->Finish(to_status(id.status()));
    }
    return reactor;
  }

  void OnCancel() override { dispatcher_.Cancel(id_.load()); }
  void OnDone() override {
    // OnDone follows Finish, so delivered_ is settled; IsCancelled() is true
    // when the call failed before its client got the OK status.
    if (delivered_ != nullptr && context_->IsCancelled()) {
      dispatcher_.ReturnUndelivered(std::move(*delivered_));
    }
    delete this;
  }

 private:
  PollReactor(TaskDispatcher& dispatcher, grpc::CallbackServerContext* context, Response* response,
              Fill fill)
      : dispatcher_(dispatcher), context_(context), response_(response), fill_(fill) {}

  TaskDispatcher& dispatcher_;
  grpc::CallbackServerContext* const context_;
  Response* const response_;
  const Fill fill_;
  std::atomic<PollId> id_{0};
  // The task put in the answer, if any (set by `done` before Finish). On the
  // heap: most polls never get one, and an idle poll should stay small.
  std::unique_ptr<persistence::TaskRecord> delivered_;
};

// PollReactor<Response>::Start, with the template argument deduced.
template <typename Response>
grpc::ServerUnaryReactor* StartPoll(TaskDispatcher& dispatcher,
                                    grpc::CallbackServerContext* context, PollRequest request,
                                    Response* response, typename PollReactor<Response>::Fill fill,
                                    const typename PollReactor<Response>::ToStatus& to_status) {
  return PollReactor<Response>::Start(dispatcher, context, std::move(request), response, fill,
                                      to_status);
}

// Finishes a call that is refused before any poll starts (bad input).
inline grpc::ServerUnaryReactor* FinishNow(grpc::CallbackServerContext* context,
                                           const grpc::Status& status) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(status);
  return reactor;
}

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_POLL_REACTOR_H_
