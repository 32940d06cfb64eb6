// What can happen to an execution: the inputs of Interpreter::Apply. Every
// event carries the time it is applied at and fresh randomness, both chosen
// by the caller (the durable executor or `stepwise run`), so applying the
// same event to the same state always gives the same result.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EVENTS_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EVENTS_H_

#include <cstdint>
#include <string>
#include <variant>

#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "orchestrator/engine/shared_json_value.h"

namespace stepwise::engine {

// Identity of an execution, fixed at start ($$.Execution, $$.StateMachine).
struct ExecutionInfo {
  std::string execution_arn;
  std::string name;
  std::string state_machine_arn;
  std::string state_machine_name;
  std::string role_arn;
};

struct StartExecution {
  ExecutionInfo info;
  SharedJsonValue input;  // Shared, not copied (shared_json_value.h).
};

// A worker took the task (history: TaskStarted, ActivityStarted or
// LambdaFunctionStarted by the state's Resource; see history.h).
struct TaskStarted {
  std::string task_id;
  // Who took it (PollTask's / GetActivityTask's worker name): ActivityStarted
  // records it as workerName, as AWS does; the other task events have no
  // such field. Empty: not known (the field is left out).
  std::string worker_name = {};
};

struct TaskSucceeded {
  std::string task_id;
  boost::json::value output;
};

// A worker (or the dispatcher, for States.Timeout / States.HeartbeatTimeout)
// reports failure.
struct TaskFailed {
  std::string task_id;
  std::string error;
  std::string cause;
};

// The environment could not schedule the task (an activity ARN that names
// no activity): history ActivityScheduleFailed (LambdaFunctionScheduleFailed,
// TaskStartFailed for other resources), then the state fails with `error`
// as for any task failure. The executor reports States.Runtime, which AWS
// never retries or catches: the execution fails.
struct TaskScheduleFailed {
  std::string task_id;
  std::string error;
  std::string cause;
};

struct TimerFired {
  std::string timer_id;
};

// StopExecution.
struct StopRequested {
  std::string error;
  std::string cause;
};

// The environment ends the running execution as FAILED (ExecutionFailed
// with `error`/`cause`), whatever it waits on, cancelling its tasks and
// timers; no Retry or Catch applies. AWS does this to the executions of a
// state machine being deleted, at their next state transition.
struct FailRequested {
  std::string error;
  std::string cause;
};

// RedriveExecution of a FAILED, TIMED_OUT or ABORTED execution: it runs again
// from the states that did not succeed (see redrive.h). Ignored for an
// execution that is running, succeeded or never started.
struct RedriveRequested {
  // The request's idempotency token (may be empty); remembered with the
  // redrive's time in ExecutionState::redrives.
  std::string client_token;
};

struct Event {
  absl::Time now;
  // Seeds this step's randomness: task tokens (so it must be unpredictable:
  // at least 16 bytes from a CSPRNG), MathRandom, UUID, retry jitter. The
  // durable executor stores it with the event, so re-applying is exact.
  std::string entropy;
  std::variant<StartExecution, TaskStarted, TaskSucceeded, TaskFailed, TaskScheduleFailed,
               TimerFired, StopRequested, FailRequested, RedriveRequested>
      body;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EVENTS_H_
