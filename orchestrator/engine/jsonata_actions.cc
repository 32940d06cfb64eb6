// What each state type does under `QueryLanguage: JSONata` (AWS
// "Transforming data with JSONata in Step Functions"): Arguments replace
// InputPath/Parameters, Output replaces ResultSelector/ResultPath/OutputPath,
// Condition replaces the JSONPath Choice rules. Every field sees `$states`
// ({input, context} plus result or errorOutput where AWS binds them) and the
// workflow variables; Assign and Output read the variables from before the
// state's Assign.
#include "common/str_cat.h"
#include "orchestrator/asl/timestamp.h"
#include "orchestrator/engine/internal/step.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

#define STEPWISE_JTRY_CONCAT_(a, b) a##b
#define STEPWISE_JTRY_NAME_(line) STEPWISE_JTRY_CONCAT_(stepwise_jtry_, line)
#define STEPWISE_JTRY(lhs, expr) STEPWISE_JTRY_IMPL_(STEPWISE_JTRY_NAME_(__LINE__), lhs, expr)
#define STEPWISE_JTRY_IMPL_(tmp, lhs, expr)                \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) return StateOutcome::Failed(tmp.error()); \
  lhs = std::move(tmp).value()

}  // namespace

JsonataFields Step::MakeJsonata(const json::value& input, const Context& context) {
  json::object states;
  states["input"] = input;
  states["context"] = context.object != nullptr ? *context.object : json::value(json::object());
  return JsonataFields(std::move(states), &context.variables, now(), &entropy_, &expressions_);
}

// Output (default `fallback`) and Assign of a state that is done.
static StateOutcome Conclude(Step& step, const asl::State& state, JsonataFields& fields,
                             const VariableScope& scope, const std::optional<json::value>& output,
                             const std::optional<json::value>& assign, json::value fallback,
                             std::string next) {
  // Both read the variables from before the Assign (AWS evaluates them together).
  std::optional<json::object> assigned;
  STEPWISE_JTRY(assigned, step.EvaluateJsonataAssignment(state, assign, fields, scope));
  json::value out = std::move(fallback);
  if (output) {
    STEPWISE_JTRY(out, fields.Value(*output, "Output"));
  }
  StateOutcome outcome = next.empty() ? StateOutcome::Transition(state, std::move(out))
                                      : StateOutcome::Next(std::move(next), std::move(out));
  outcome.assigned = std::move(assigned);
  return outcome;
}

StateOutcome Step::ExecuteJsonata(Frame& frame, const asl::State& state) {
  Context context = MakeContext(frame, state);
  switch (state.type) {
    case asl::StateType::kPass: {
      JsonataFields fields = MakeJsonata(frame.input, context);
      const auto& pass = std::get<asl::PassFields>(state.fields);
      json::value fallback = pass.result ? *pass.result : frame.input;
      return Conclude(*this, state, fields, context.variables, state.output, state.assign,
                      std::move(fallback), "");
    }
    case asl::StateType::kTask: {
      const auto& task = std::get<asl::TaskFields>(state.fields);
      frame.task_id = NewId("task");
      frame.task_token = DeriveTaskToken(event().entropy, state_.info.execution_arn, frame.task_id);
      Context task_context = MakeContext(frame, state, nullptr, 0, frame.task_token);
      JsonataFields fields = MakeJsonata(frame.input, task_context);
      json::value payload = frame.input;
      if (state.arguments) {
        STEPWISE_JTRY(payload, fields.Value(*state.arguments, "Arguments"));
      }
      int64_t timeout = -1;
      int64_t heartbeat = -1;
      STEPWISE_JTRY(timeout, fields.Int(task.timeout_seconds, "TimeoutSeconds", 1));
      STEPWISE_JTRY(heartbeat, fields.Int(task.heartbeat_seconds, "HeartbeatSeconds", 1));
      return ScheduleTaskFor(frame, state, std::move(payload), timeout, heartbeat);
    }
    case asl::StateType::kChoice: {
      JsonataFields fields = MakeJsonata(frame.input, context);
      const auto& choice = std::get<asl::ChoiceFields>(state.fields);
      for (const asl::ChoiceRule& rule : choice.choices) {
        bool matched = false;
        STEPWISE_JTRY(matched, fields.Condition(rule.condition));
        if (matched) {
          return Conclude(*this, state, fields, context.variables, rule.output, rule.assign,
                          frame.input, rule.next);
        }
      }
      if (!choice.default_next) {
        return StateOutcome::Failed(
            {std::string(errors::kNoChoiceMatched),
             StrCat("No Choice Rules matched in state '", state.name, "' and it has no Default")});
      }
      return Conclude(*this, state, fields, context.variables, state.output, state.assign,
                      frame.input, *choice.default_next);
    }
    case asl::StateType::kWait: {
      JsonataFields fields = MakeJsonata(frame.input, context);
      const auto& wait = std::get<asl::WaitFields>(state.fields);
      absl::Time fire_at = now();
      if (wait.seconds.value || wait.seconds.expression) {
        int64_t seconds = 0;
        STEPWISE_JTRY(seconds, fields.Int(wait.seconds, "Seconds"));
        fire_at = now() + absl::Seconds(seconds);
      } else {
        std::string text;
        STEPWISE_JTRY(text, fields.String(wait.timestamp, "Timestamp"));
        std::optional<absl::Time> when = asl::ParseTimestamp(text);
        if (!when) {
          return StateOutcome::Failed(
              {std::string(errors::kQueryEvaluationError),
               StrCat("The value '", text,
                      "' of the field 'Timestamp' is not an RFC 3339 timestamp")});
        }
        fire_at = *when;
      }
      if (fire_at <= now()) return FinishJsonataWait(frame, state);
      frame.timer_id = NewId("wait");
      frame.blocker = Blocker::kWaitTimer;
      AddEffect(StartTimer{frame.timer_id, fire_at});
      return StateOutcome::Blocked();
    }
    case asl::StateType::kSucceed: {
      JsonataFields fields = MakeJsonata(frame.input, context);
      json::value output = frame.input;
      if (state.output) {
        STEPWISE_JTRY(output, fields.Value(*state.output, "Output"));
      }
      return StateOutcome::End(std::move(output));
    }
    case asl::StateType::kFail: {
      JsonataFields fields = MakeJsonata(frame.input, context);
      const auto& fail = std::get<asl::FailFields>(state.fields);
      StateError error;
      STEPWISE_JTRY(error.error, fields.String(fail.error, "Error"));
      STEPWISE_JTRY(error.cause, fields.String(fail.cause, "Cause"));
      return StateOutcome::Failed(std::move(error));
    }
    case asl::StateType::kParallel: {
      json::value effective = frame.input;
      if (state.arguments) {
        JsonataFields fields = MakeJsonata(frame.input, context);
        STEPWISE_JTRY(effective, fields.Value(*state.arguments, "Arguments"));
      }
      return StartParallel(frame, state, std::move(effective));
    }
    case asl::StateType::kMap:
      // Items, ItemSelector and MaxConcurrency are evaluated in children.cc.
      return StartMap(frame, state, frame.input);
  }
  return StateOutcome::Failed({std::string(errors::kRuntime), "unknown state type"});
}

StateOutcome Step::FinishJsonataResult(Frame& frame, const asl::State& state, json::value result) {
  Context context = MakeContext(frame, state);
  JsonataFields fields = MakeJsonata(frame.input, context);
  fields.SetStates("result", result);
  return Conclude(*this, state, fields, context.variables, state.output, state.assign,
                  std::move(result), "");
}

StateOutcome Step::FinishJsonataWait(Frame& frame, const asl::State& state) {
  Context context = MakeContext(frame, state);
  JsonataFields fields = MakeJsonata(frame.input, context);
  frame.effective_input = nullptr;
  return Conclude(*this, state, fields, context.variables, state.output, state.assign, frame.input,
                  "");
}

StateOutcome Step::CatchJsonata(Frame& frame, const asl::State& state, const asl::Catcher& catcher,
                                json::value error_output) {
  Context context = MakeContext(frame, state);
  JsonataFields fields = MakeJsonata(frame.input, context);
  fields.SetStates("errorOutput", error_output);
  // No Output: the state output is the error output (AWS).
  return Conclude(*this, state, fields, context.variables, catcher.output, catcher.assign,
                  std::move(error_output), catcher.next);
}

}  // namespace stepwise::engine::internal
