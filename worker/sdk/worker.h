// Worker: the C++ SDK for task workers. A worker polls named task queues of
// a Stepwise orchestrator (stepwise.v1.Worker/PollTask), runs the registered
// handler for each task, and reports the result with SendTaskSuccess /
// SendTaskFailure (stepwise.v1.States), or, when the thread polls again at
// once, with that poll (stepwise.v1.Worker/CompleteAndPollTask: one call). While a handler runs,
// heartbeats are sent automatically: every third of the task's lease (Task.lease_seconds, 60 s by
// default: the orchestrator hands a task out again when its lease ends without news) or of its
// HeartbeatSeconds, whichever is shorter.
//
//   stepwise::worker::WorkerOptions options;
//   options.endpoint = "localhost:7400";
//   options.identity = "data-checking/host-1";
//   stepwise::worker::Worker worker(options);
//   worker.Register("DataCheckingFunction",
//                   [](const stepwise::worker::Task& task) -> boost::json::value {
//                     const boost::json::value& name = task.input.at("data").at("name");
//                     if (...) throw UnprocessableDataException("...");
//                     return {{"flagged", false}};
//                   });
//   stepwise::worker::InstallSignalHandlers(worker);  // SIGTERM/SIGINT -> Shutdown()
//   return worker.Run().ok() ? 0 : 1;
//
// Failures: a handler that throws fails the task. The error name is the
// exception's type name without namespaces (`UnprocessableDataException`),
// or TaskFailure::error() when it throws a TaskFailure; the cause is the
// Lambda-style JSON text {"errorType": <error>, "errorMessage": <what()>}
// unless TaskFailure gives one explicitly.
//
// Delivery is at-least-once: a handler may see the same task again (after a
// crash, a lease expiry or a Retry), so handlers should be idempotent.
//
// Thread-safety: Register before Run; Shutdown may be called from any thread
// (and from a signal handler through InstallSignalHandlers).
#ifndef STEPWISE_WORKER_SDK_WORKER_H_
#define STEPWISE_WORKER_SDK_WORKER_H_

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/value.hpp"

namespace stepwise::worker {

// One task handed to a handler.
struct Task {
  // Names this attempt; the SDK reports the handler's outcome with it.
  std::string task_token;
  // Callback tasks (Resource ending in .waitForTaskToken) only: the token
  // that completes the state later (SendTaskSuccess by whoever calls back);
  // empty otherwise. The handler returning only ends the invocation: the
  // state keeps waiting for this token. Throwing fails the state.
  std::string callback_token;
  std::string queue;
  std::string state_name;
  std::string execution_arn;
  std::string state_machine_arn;
  std::string resource;
  int attempt = 0;  // 0 first try, then 1, 2, ... on Retry.
  // The effective input (for lambda:invoke: the Payload), parsed.
  boost::json::value input;
  // Unset when the state has no TimeoutSeconds.
  absl::Time deadline = absl::InfiniteFuture();
};

// Throw this from a handler to choose the error name (and cause) exactly.
class TaskFailure : public std::runtime_error {
 public:
  // cause empty -> the Lambda-style JSON built from `error` and `message`.
  TaskFailure(std::string error, std::string message, std::string cause = "")
      : std::runtime_error(message), error_(std::move(error)), cause_(std::move(cause)) {}
  const std::string& error() const { return error_; }
  const std::string& cause() const { return cause_; }

 private:
  std::string error_;
  std::string cause_;
};

// Returns the task's output (any JSON value) or throws to fail it.
using Handler = std::function<boost::json::value(const Task& task)>;

struct WorkerOptions {
  std::string endpoint = "localhost:7400";
  // Shown to operators (PollTask.worker_name); default "<hostname>/pid-<pid>".
  std::string identity;
  // Tasks run at most this many at once. While a slot is free, every
  // registered queue has a poll outstanding (more, up to one per free slot),
  // so no queue waits behind another's long poll; when the last slot fills,
  // the outstanding polls are withdrawn.
  int concurrency = 4;
  // PollTask wait_time_seconds, 0..60 (the server caps it at 60). The call's
  // gRPC deadline is a few seconds longer. Shutdown cancels waiting polls.
  int poll_wait_seconds = 20;
  // (Heartbeats need no option: while a handler runs, SendTaskHeartbeat goes
  // out every lease_seconds / 3 or HeartbeatSeconds / 3, whichever is
  // shorter; none for a task with neither.)
  // Reconnect backoff when the orchestrator is unreachable: from initial,
  // doubling, up to max, with jitter; one log line per outage. Reports
  // (SendTaskSuccess / SendTaskFailure) are retried with the same backoff.
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // After the orchestrator answers UNIMPLEMENTED to a newer call
  // (Worker.WithdrawPolls, Worker.CompleteAndPollTask: an older
  // orchestrator), the worker does without it for this long, then tries
  // again, so an orchestrator upgraded meanwhile is used without a restart.
  absl::Duration reprobe_interval = absl::Minutes(5);
  // On Shutdown, in-flight handlers get this long to finish before Run
  // returns anyway (their tasks then time out or are redelivered).
  absl::Duration shutdown_grace = absl::Seconds(30);
};

class Worker {
 public:
  explicit Worker(WorkerOptions options);
  ~Worker();  // Calls Shutdown() and waits for Run to return.
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Serves `queue` with `handler`. Call before Run. Registering a queue twice
  // replaces the handler.
  void Register(std::string queue, Handler handler);

  // Polls and runs tasks until Shutdown(). Returns OK after a graceful
  // shutdown; kInvalidArgument when nothing is registered or the options are
  // out of range (concurrency < 1, poll_wait_seconds outside 0..60, empty
  // endpoint, an empty queue name or handler); kFailedPrecondition when
  // another thread is already in Run. A handler still running when the
  // grace period ends is left running on its own thread (it cannot be
  // stopped); exit the process soon after Run returns.
  absl::Status Run();

  // Stops polling, lets in-flight handlers finish (up to shutdown_grace) and
  // report their results, then makes Run return. Idempotent, async-signal
  // safe only through InstallSignalHandlers. Before Run, makes Run return at
  // once.
  void Shutdown();

  // For handlers that wait and should stop early when the worker shuts down:
  // blocks until Shutdown() is called or `timeout` passes; returns true when
  // shutdown was requested. Thread-safe.
  bool WaitForShutdown(absl::Duration timeout) const;
  bool ShutdownRequested() const;

  // Counters for logs and tests.
  struct Stats {
    // Results accepted (by SendTask* or with a poll: CompleteAndPollTask).
    long long tasks_succeeded = 0;  // Successes.
    long long tasks_failed = 0;     // Handler failures.
    // Results that went nowhere: the orchestrator gave up on the task
    // (TaskTimedOut / TaskDoesNotExist), the report failed for good, or the
    // shutdown grace period ended first.
    long long tasks_dropped = 0;
    long long polls = 0;       // PollTask / CompleteAndPollTask calls, answered or not.
    long long reconnects = 0;  // Times the orchestrator answered again after being unreachable.
  };
  Stats stats() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// SIGTERM and SIGINT call worker.Shutdown() (through a self-pipe thread, so
// the handler itself stays async-signal-safe). One worker per process: a
// second call points the signals at the new worker; ~Worker detaches it.
// The handler is one-shot: a second SIGTERM/SIGINT gets the default action
// (the process ends at once), as a second Ctrl-C should.
void InstallSignalHandlers(Worker& worker);

// The Lambda-style cause text {"errorType": error, "errorMessage": message}.
std::string LambdaStyleCause(std::string_view error, std::string_view message);

}  // namespace stepwise::worker

#endif  // STEPWISE_WORKER_SDK_WORKER_H_
