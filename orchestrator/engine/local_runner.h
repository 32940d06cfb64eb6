// Runs one execution to its end in memory, on a virtual clock: the driver
// behind `stepwise run` and the engine's scenario tests. Tasks are answered
// by a TaskHandler as soon as they are scheduled; Wait states and Retry
// intervals pass by moving the virtual clock to the next timer, so a run
// with retries and long waits finishes at once.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_LOCAL_RUNNER_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_LOCAL_RUNNER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/shared_json_value.h"

namespace stepwise::engine {

// How a task ends. kNoAnswer leaves it pending (a callback nobody sends):
// the run then ends RUNNING unless a timeout or another path decides it.
struct TaskAnswer {
  enum class Kind { kSucceed, kFail, kNoAnswer };
  Kind kind = Kind::kSucceed;
  boost::json::value output;
  std::string error;
  std::string cause;
};

using TaskHandler = std::function<TaskAnswer(const ScheduleTask& task)>;

struct LocalRunOptions {
  absl::Time start_time = absl::FromUnixSeconds(1700000000);
  // Seeds the per-event entropy (tokens, MathRandom, UUID, jitter).
  uint64_t seed = 1;
  // Serialize and restore the state between events (proves that the state
  // document is complete; used by tests).
  bool round_trip_state = false;
  // Stop after this many events (guards against runaway loops).
  int64_t max_events = 10'000'000;
  // When set, called with the new time just before the virtual clock jumps
  // forward to the next timer (`stepwise run --real-time` sleeps until then;
  // the engine itself never waits).
  std::function<void(absl::Time)> on_advance_clock;
};

struct LocalRunResult {
  ExecutionState state;
  std::vector<HistoryEvent> history;
  int64_t events_applied = 0;
  // Set when the run stopped early: the event limit, or a state that did not
  // restore (round_trip_state).
  std::string problem;
};

LocalRunResult RunLocally(const Interpreter& interpreter, const ExecutionInfo& info,
                          SharedJsonValue input, const TaskHandler& handler,
                          const LocalRunOptions& options = {});

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_LOCAL_RUNNER_H_
