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
    PollReactor* reactor = Create(dispatcher, context, response, fill);
    reactor->Register(std::move(request), to_status);
    return reactor;
  }

  // A reactor whose poll starts later, from any thread, with Register (or
  // that ends with Fail instead): for a call that has work to do first
  // (Worker.CompleteAndPollTask). Return it from the handler at once.
  static PollReactor* Create(TaskDispatcher& dispatcher, grpc::CallbackServerContext* context,
                             Response* response, Fill fill) {
    return new PollReactor(dispatcher, context, response, fill);
  }

  // Starts the poll (exactly once per reactor, unless Fail was called).
  // `refusal_is_empty`: a refused poll is answered OK without a task rather
  // than with to_status's error (for a call whose OK must mean that its
  // earlier work was done, as CompleteAndPollTask's).
  void Register(PollRequest request, const ToStatus& to_status, bool refusal_is_empty = false) {
    request.deadline = std::min(request.deadline, CallDeadline(*context_));
    // `done` may run on another thread before Poll returns: it only touches
    // the response and Finish, never id_.
    absl::StatusOr<PollId> id =
        dispatcher_.Poll(std::move(request), [this](std::optional<DispatchedTask> task) {
          if (task.has_value()) {
            fill_(*task, response_);
            delivered_ = std::make_unique<persistence::TaskRecord>(std::move(task->record));
          }
          Finish(grpc::Status::OK);
        });
    if (!id.ok()) {
      Fail(refusal_is_empty ? grpc::Status::OK : to_status(id.status()));
      return;
    }
    id_.store(*id);
    // A call cancelled before its poll was registered (possible only when
    // Register runs after the handler returned): OnCancel found no id.
    if (cancelled_.load()) dispatcher_.Cancel(*id);
    Release();
  }

  // Whether the call was cancelled (its client gave up, its deadline passed)
  // before Register: the work meant to precede the poll may be skipped.
  bool cancelled() const { return cancelled_.load(); }

  // Ends the call without a poll (instead of Register).
  void Fail(const grpc::Status& status) {
    Finish(status);
    Release();
  }

  void OnCancel() override {
    cancelled_.store(true);
    dispatcher_.Cancel(id_.load());  // Id 0 (not registered yet) is ignored.
  }
  void OnDone() override {
    // OnDone follows Finish, so delivered_ is settled; IsCancelled() is true
    // when the call failed before its client got the OK status.
    if (delivered_ != nullptr && context_->IsCancelled()) {
      dispatcher_.ReturnUndelivered(std::move(*delivered_));
    }
    Release();
  }

 private:
  PollReactor(TaskDispatcher& dispatcher, grpc::CallbackServerContext* context, Response* response,
              Fill fill)
      : dispatcher_(dispatcher), context_(context), response_(response), fill_(fill) {}

  void Release() {
    if (references_.fetch_sub(1) == 1) delete this;
  }

  TaskDispatcher& dispatcher_;
  grpc::CallbackServerContext* const context_;
  Response* const response_;
  const Fill fill_;
  std::atomic<PollId> id_{0};
  std::atomic<bool> cancelled_{false};
  // Held by gRPC until OnDone and by the caller until Register or Fail
  // returns: a deferred Register may still be running on its thread when
  // the call ends (its poll answered at once) and gRPC calls OnDone.
  std::atomic<int> references_{2};

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
