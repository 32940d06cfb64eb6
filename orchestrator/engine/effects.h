// What the interpreter asks its environment to do after a step. The durable
// executor commits them with the new state in one transaction (outbox);
// `stepwise run` performs them in memory.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EFFECTS_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EFFECTS_H_

#include <optional>
#include <string>
#include <variant>

#include "absl/time/time.h"
#include "boost/json/value.hpp"

namespace stepwise::engine {

// Hand a task to a worker. Completion comes back as TaskSucceeded/TaskFailed
// with the same task_id; the environment enforces the timeouts and reports
// States.Timeout / States.HeartbeatTimeout as TaskFailed.
struct ScheduleTask {
  std::string task_id;
  std::string task_token;  // Opaque; also in the payload for .waitForTaskToken.
  std::string state_name;
  std::string resource;  // After DefinitionSubstitutions.
  boost::json::value payload;
  std::optional<int64_t> timeout_seconds;
  std::optional<int64_t> heartbeat_seconds;
  // $$.State.RetryCount of this attempt: 0 for the first, 1 after one retry.
  int64_t attempt = 0;
};

// The task's result is no longer wanted (its branch failed, the execution
// stopped). A late completion is then ignored.
struct CancelTask {
  std::string task_id;
};

struct StartTimer {
  std::string timer_id;
  absl::Time fire_at;
};

struct CancelTimer {
  std::string timer_id;
};

using Effect = std::variant<ScheduleTask, CancelTask, StartTimer, CancelTimer>;

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EFFECTS_H_
