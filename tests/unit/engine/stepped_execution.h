// A test fixture that runs one execution event by event through an
// Interpreter, as the durable executor does: the state round-trips through
// its JSON document after every step, and the history and the scheduled
// tasks' ids accumulate.
//
//   class MyTest : public SteppedExecutionTest {};
//   TEST_F(MyTest, X) {
//     Load(definition);                       // StartExecution with input {}
//     Apply(TaskStarted{task_ids_[0]});
//     EXPECT_THAT(Types(), ElementsAre("ExecutionStarted", ...));
//   }
#ifndef STEPWISE_TESTS_UNIT_ENGINE_STEPPED_EXECUTION_H_
#define STEPWISE_TESTS_UNIT_ENGINE_STEPPED_EXECUTION_H_

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"

namespace stepwise::engine {

class SteppedExecutionTest : public ::testing::Test {
 protected:
  // Validates `definition` (the test fails if it is invalid) and starts
  // the execution with `input_json`.
  void Load(std::string_view definition, std::string_view input_json = "{}") {
    asl::ValidationResult validation = asl::ValidateDefinition(definition);
    ASSERT_TRUE(validation.ok()) << definition;
    interpreter_ = std::make_unique<Interpreter>(validation.machine);
    StartExecution start;
    start.info = {"arn:aws:states:local:0:execution:m:run", "run",
                  "arn:aws:states:local:0:stateMachine:m", "m", "arn:aws:iam::0:role/r"};
    start.input = boost::json::parse(input_json);
    Apply(start);
  }

  // Applies `body` one second after the previous event, keeps the state
  // (round-tripped through JSON, as the durable executor stores it), the
  // history and the ids of the tasks it schedules.
  StepResult Apply(decltype(Event::body) body) {
    Event event;
    event.now = absl::FromUnixSeconds(1'700'000'000 + ++tick_);
    event.entropy = std::string(32, static_cast<char>('a' + tick_));
    event.body = std::move(body);
    StepResult result = interpreter_->Apply(state_, event);
    absl::StatusOr<ExecutionState> stored = ExecutionStateFromJson(ToJson(result.state));
    EXPECT_TRUE(stored.ok()) << stored.status();
    if (stored.ok()) state_ = *std::move(stored);
    for (const HistoryEvent& e : result.history) history_.push_back(e);
    for (const Effect& effect : result.effects) {
      if (const auto* task = std::get_if<ScheduleTask>(&effect)) task_ids_.push_back(task->task_id);
    }
    return result;
  }

  // The history's event types, in order.
  std::vector<std::string> Types() const {
    std::vector<std::string> types;
    for (const HistoryEvent& e : history_) types.push_back(TypeName(e));
    return types;
  }

  std::unique_ptr<Interpreter> interpreter_;
  ExecutionState state_;
  std::vector<HistoryEvent> history_;
  std::vector<std::string> task_ids_;
  int tick_ = 0;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_TESTS_UNIT_ENGINE_STEPPED_EXECUTION_H_
