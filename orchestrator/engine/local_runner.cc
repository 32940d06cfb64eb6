#include "orchestrator/engine/local_runner.h"

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "common/str_cat.h"

namespace stepwise::engine {
namespace {

// Distinct, reproducible entropy for the n-th event of a run.
std::string EntropyFor(uint64_t seed, int64_t n) { return StrCat("local-run:", seed, ":", n); }

}  // namespace

LocalRunResult RunLocally(const Interpreter& interpreter, const ExecutionInfo& info,
                          SharedJsonValue input, const TaskHandler& handler,
                          const LocalRunOptions& options) {
  LocalRunResult result;
  absl::Time now = options.start_time;
  // Events ready to apply, first at `next` (a vector used as a queue: a
  // deque allocates even when it holds one event, and most runs queue few).
  std::vector<Event> ready;
  // Room for a few events from the start: growing 1, 2, 4 moved every
  // queued Event (~6k instructions of a workshop execution, which queues
  // two per task). Not more: a block past malloc's per-thread cache (~1 KiB,
  // 8 Events) costs more than the moves it saves.
  ready.reserve(4);
  size_t next = 0;
  // Pending timers by fire time (then by id, for a stable order).
  std::map<std::pair<absl::Time, std::string>, std::string> timers;
  std::map<std::string, absl::Time> timer_times;

  ready.push_back(Event{now, "", StartExecution{info, std::move(input)}});
  // The state is changed in place (ApplyInPlace), where the result returns it.
  ExecutionState& state = result.state;
  while (true) {
    if (next == ready.size()) {
      ready.clear();
      next = 0;
      if (state.status != ExecutionStatus::kRunning || timers.empty()) break;
      auto first = timers.begin();
      if (options.on_advance_clock && first->first.first > now) {
        options.on_advance_clock(first->first.first);
      }
      now = std::max(now, first->first.first);
      ready.push_back(Event{now, "", TimerFired{first->second}});
      timer_times.erase(first->second);
      timers.erase(first);
    }
    if (result.events_applied >= options.max_events) {
      result.problem = StrCat("stopped after ", options.max_events, " events");
      break;
    }
    Event event = std::move(ready[next++]);
    if (next >= 1024 && next * 2 >= ready.size()) {
      // Many events queued at once (a large Map of tasks): drop the applied ones.
      ready.erase(ready.begin(), ready.begin() + static_cast<std::ptrdiff_t>(next));
      next = 0;
    }
    event.now = now;
    event.entropy = EntropyFor(options.seed, result.events_applied);
    StepOutput step = interpreter.ApplyInPlace(state, std::move(event));
    ++result.events_applied;
    if (options.round_trip_state) {
      absl::StatusOr<ExecutionState> restored = ExecutionStateFromJson(ToJson(state));
      if (!restored.ok()) {
        result.problem = StrCat("state did not restore: ", restored.status().ToString());
        break;
      }
      state = std::move(*restored);
    }
    // One Apply may emit the whole history (a large inline Map): take its
    // vector rather than hold a second copy of every event while moving them.
    if (result.history.empty()) {
      result.history = std::move(step.history);
    } else {
      for (HistoryEvent& h : step.history) result.history.push_back(std::move(h));
    }
    for (Effect& effect : step.effects) {
      if (auto* task = std::get_if<ScheduleTask>(&effect)) {
        TaskAnswer answer = handler(*task);
        // A worker picks every task up at once and answers it. No TaskStarted
        // event is applied for it: the engine emits TaskStarted (or
        // ActivityStarted / LambdaFunctionStarted by resource) right before
        // a completion that arrives without one, at the same instant, so the
        // history is the same with one Apply fewer per task. A callback
        // nobody answers gets no TaskStarted, as before.
        switch (answer.kind) {
          case TaskAnswer::Kind::kSucceed:
            ready.push_back(Event{now, "", TaskSucceeded{task->task_id, std::move(answer.output)}});
            break;
          case TaskAnswer::Kind::kFail:
            ready.push_back(Event{now, "", TaskFailed{task->task_id, answer.error, answer.cause}});
            break;
          case TaskAnswer::Kind::kNoAnswer:
            break;
        }
      } else if (auto* start = std::get_if<StartTimer>(&effect)) {
        timers.emplace(std::make_pair(start->fire_at, start->timer_id), start->timer_id);
        timer_times[start->timer_id] = start->fire_at;
      } else if (auto* cancel = std::get_if<CancelTimer>(&effect)) {
        auto it = timer_times.find(cancel->timer_id);
        if (it != timer_times.end()) {
          timers.erase({it->second, it->first});
          timer_times.erase(it);
        }
      }
      // CancelTask: answers are delivered at once, so nothing is outstanding.
    }
  }
  return result;
}

}  // namespace stepwise::engine
