// What each state type does when it runs (ASL spec, "State Types").
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/timestamp.h"
#include "orchestrator/engine/choice_evaluator.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/internal/history_text.h"
#include "orchestrator/engine/internal/payload_size.h"
#include "orchestrator/engine/internal/step.h"
#include "orchestrator/engine/intrinsics.h"
#include "orchestrator/engine/randomness.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

// Unwraps an Outcome inside a function returning StateOutcome.
#define STEPWISE_TRY_CONCAT_(a, b) a##b
#define STEPWISE_TRY_NAME_(line) STEPWISE_TRY_CONCAT_(stepwise_try_, line)
#define STEPWISE_TRY(lhs, expr) STEPWISE_TRY_IMPL_(STEPWISE_TRY_NAME_(__LINE__), lhs, expr)
#define STEPWISE_TRY_IMPL_(tmp, lhs, expr)                 \
  auto tmp = (expr);                                       \
  if (!tmp.ok()) return StateOutcome::Failed(tmp.error()); \
  lhs = std::move(tmp).value()

// The effective input: InputPath, then (for states that have it)
// Parameters. Without Parameters it refers into `input` (no copy).
Outcome<Selection> EffectiveSelection(const asl::State& state, const json::value& input,
                                      const EvaluationContext& context) {
  Outcome<Selection> selected = SelectInputPath(state.input_path, input, context);
  if (!selected.ok() || !state.parameters) return selected;
  Outcome<json::value> expanded =
      ApplyPayloadTemplate(*state.parameters, selected.value().get(), context);
  if (!expanded.ok()) return expanded.error();
  return Selection::Own(std::move(expanded).value());
}

Outcome<json::value> EffectiveInput(const asl::State& state, const json::value& input,
                                    const EvaluationContext& context) {
  Outcome<Selection> selected = EffectiveSelection(state, input, context);
  if (!selected.ok()) return selected.error();
  return std::move(selected).value().Take();
}

// A `...Path` integer (TimeoutSecondsPath, SecondsPath, MaxConcurrencyPath).
Outcome<int64_t> ResolveInt(const asl::DynamicInt& field, std::string_view name,
                            const json::value& input, const EvaluationContext& context) {
  if (field.value) return *field.value;
  if (!field.path) return int64_t{-1};
  Outcome<json::value> selected = SelectPath(*field.path, input, context, name);
  if (!selected.ok()) return selected.error();
  const json::value& v = selected.value();
  if (v.is_int64() && v.get_int64() >= 0) return v.get_int64();
  if (v.is_uint64()) return static_cast<int64_t>(std::min<uint64_t>(v.get_uint64(), INT64_MAX));
  return StateError{std::string(errors::kRuntime),
                    StrCat("The value of the field '", name, "Path' ('", *field.path,
                           "') must be a non-negative integer, but was ", Serialize(v))};
}

// Fail's Error/Cause: a literal, or a path/intrinsic on the raw input.
Outcome<std::string> ResolveString(const asl::DynamicString& field, std::string_view name,
                                   const json::value& input, const EvaluationContext& context) {
  if (field.value) return *field.value;
  if (!field.path) return std::string();
  Outcome<json::value> value = json::value();
  if (asl::LooksLikeIntrinsicCall(*field.path)) {
    absl::StatusOr<asl::IntrinsicCall> call = asl::ParseIntrinsicCall(*field.path);
    if (!call.ok()) {
      return StateError{std::string(errors::kRuntime), std::string(call.status().message())};
    }
    value = EvaluateIntrinsic(*call, input, context);
  } else {
    value = SelectPath(*field.path, input, context, name);
  }
  if (!value.ok()) return value.error();
  if (!value.value().is_string()) {
    return StateError{std::string(errors::kRuntime),
                      StrCat("The value of the field '", name, "Path' must be a string, but was ",
                             Serialize(value.value()))};
  }
  return std::string(value.value().get_string());
}

// Whether `path` (a ResultPath or OutputPath) is `$`: the whole value.
bool IsRootPath(const std::optional<asl::PathField>& path, const ExpressionCache& expressions) {
  if (!path || path->is_null) return false;
  const asl::JsonPath* parsed = expressions.Path(path->path);
  return parsed != nullptr && !parsed->context_object && parsed->variable.empty() &&
         parsed->segments.empty();
}

}  // namespace

StateOutcome Step::Execute(Frame& frame, const asl::State& state) {
  // The crude size bound of frame.input, when the transition here knew it
  // (see output_bound_); only a Pass state uses it.
  const std::optional<size_t> input_bound = std::exchange(entering_input_bound_, std::nullopt);
  output_bound_.reset();
  if (state.query_language == asl::QueryLanguage::kJsonata) return ExecuteJsonata(frame, state);
  // A Task builds its context with $$.Task below (once, not twice).
  Context context = state.type == asl::StateType::kTask ? Context{} : MakeContext(frame, state);
  const EvaluationContext ctx = context.evaluation();
  switch (state.type) {
    case asl::StateType::kPass: {
      // Selected by reference: with Result, the effective input is only
      // checked (InputPath/Parameters may fail), never copied.
      Selection effective;
      STEPWISE_TRY(effective, EffectiveSelection(state, frame.input, ctx));
      const auto& pass = std::get<asl::PassFields>(state.fields);
      // The output is often the input itself, whole or with the result put in
      // at ResultPath: then it is frame.input moved (no copy), since the next
      // state's Enter replaces frame.input anyway. Continue puts the input
      // back if the output fails the size check, or when the frame ends here
      // (see moved_input_). Not with an OutputPath other than `$`, which may
      // fail or select a part.
      const bool output_whole = !state.output_path || IsRootPath(state.output_path, expressions_);
      const bool result_is_input = !pass.result && &effective.get() == &frame.input;
      const bool keeps_input =
          output_whole && ((state.result_path && state.result_path->is_null) ||
                           (result_is_input &&
                            (!state.result_path || IsRootPath(state.result_path, expressions_))));
      if (keeps_input) {
        // Assign's `$` is the Pass state's result (Result, else the effective input).
        std::optional<json::object> assigned;
        STEPWISE_TRY(assigned,
                     EvaluateAssignment(state, state.assign,
                                        pass.result ? *pass.result : effective.get(), context));
        moved_input_.emplace(MovedInput{&frame, ResultPathUndo{}});
        output_bound_ = input_bound;  // The output is the input, unchanged.
        StateOutcome outcome = StateOutcome::Transition(state, std::move(frame.input));
        outcome.assigned = std::move(assigned);
        return outcome;
      }
      json::value result = pass.result ? *pass.result : std::move(effective).Take();
      std::optional<json::object> assigned;
      STEPWISE_TRY(assigned, EvaluateAssignment(state, state.assign, result, context));
      json::value output;
      std::optional<ResultPathUndo> in_place;
      // A Result's bound is known per machine; the output's is then at most
      // the input's, the Result's and the keys' (payload_size.h).
      const std::optional<size_t> result_bound =
          input_bound && pass.result ? context_usage_.ResultBound(state) : std::nullopt;
      if (!state.output_path) {
        in_place = ApplyResultPathInPlace(state.result_path, frame.input, result, &expressions_);
      }
      if (in_place) {
        if (result_bound && in_place->path != nullptr) {
          size_t bound = *input_bound + *result_bound;
          for (const asl::PathSegment& segment : in_place->path->segments) {
            bound += 4 + CrudeKeyBound(segment.field.size());
          }
          output_bound_ = bound;
        }
        output = std::move(frame.input);
        moved_input_.emplace(MovedInput{&frame, std::move(*in_place)});
      } else {
        STEPWISE_TRY(output, ApplyResultPath(state.result_path, frame.input, std::move(result),
                                             &expressions_));
        STEPWISE_TRY(output, ApplyOutputPath(state.output_path, std::move(output), ctx));
      }
      StateOutcome outcome = StateOutcome::Transition(state, std::move(output));
      outcome.assigned = std::move(assigned);
      return outcome;
    }
    case asl::StateType::kTask: {
      const auto& task = std::get<asl::TaskFields>(state.fields);
      frame.task_id = NewId("task");
      frame.task_token = DeriveTaskToken(event().entropy, state_.info.execution_arn, frame.task_id);
      // One context for the whole state, with $$.Task (the context object is
      // one object updated in place per use, so the timeouts' paths always
      // saw $$.Task too).
      Context task_context = MakeContext(frame, state, nullptr, 0, frame.task_token);
      const EvaluationContext task_ctx = task_context.evaluation();
      json::value payload;
      STEPWISE_TRY(payload, EffectiveInput(state, frame.input, task_ctx));
      int64_t timeout = -1;
      int64_t heartbeat = -1;
      STEPWISE_TRY(timeout, ResolveInt(task.timeout_seconds, "TimeoutSeconds", payload, task_ctx));
      STEPWISE_TRY(heartbeat,
                   ResolveInt(task.heartbeat_seconds, "HeartbeatSeconds", payload, task_ctx));
      return ScheduleTaskFor(frame, state, std::move(payload), timeout, heartbeat);
    }
    case asl::StateType::kChoice: {
      // By reference into frame.input: the output is the one copy.
      Selection selected;
      STEPWISE_TRY(selected, SelectInputPath(state.input_path, frame.input, ctx));
      const json::value& effective = selected.get();
      const auto& choice = std::get<asl::ChoiceFields>(state.fields);
      std::optional<size_t> chosen;
      STEPWISE_TRY(chosen, SelectChoice(choice, effective, ctx));
      std::string next;
      if (chosen) {
        next = choice.choices[*chosen].next;
      } else if (choice.default_next) {
        next = *choice.default_next;
      } else {
        return StateOutcome::Failed(
            {std::string(errors::kNoChoiceMatched),
             StrCat("No Choice Rules matched in state '", state.name, "' and it has no Default")});
      }
      // The matched rule's Assign, or the state's own when Default is taken;
      // `$` is the effective input.
      std::optional<json::object> assigned;
      STEPWISE_TRY(assigned,
                   EvaluateAssignment(state, chosen ? choice.choices[*chosen].assign : state.assign,
                                      effective, context));
      json::value output;
      if (&effective == &frame.input &&
          (!state.output_path || IsRootPath(state.output_path, expressions_))) {
        // The output is the input: moved, as a Pass state's (see moved_input_;
        // Continue puts it back if the size check fails).
        moved_input_.emplace(MovedInput{&frame, ResultPathUndo{}});
        output = std::move(frame.input);
      } else {
        STEPWISE_TRY(output, ApplyOutputPath(state.output_path, effective, ctx));
      }
      StateOutcome outcome = StateOutcome::Next(std::move(next), std::move(output));
      outcome.assigned = std::move(assigned);
      return outcome;
    }
    case asl::StateType::kWait: {
      STEPWISE_TRY(frame.effective_input, ApplyInputPath(state.input_path, frame.input, ctx));
      const auto& wait = std::get<asl::WaitFields>(state.fields);
      absl::Time fire_at = now();
      if (wait.seconds.value || wait.seconds.path) {
        int64_t seconds = 0;
        STEPWISE_TRY(seconds, ResolveInt(wait.seconds, "Seconds", frame.effective_input, ctx));
        fire_at = now() + absl::Seconds(seconds);
      } else {
        std::string text;
        STEPWISE_TRY(text, ResolveString(wait.timestamp, "Timestamp", frame.effective_input, ctx));
        std::optional<absl::Time> when = asl::ParseTimestamp(text);
        if (!when) {
          return StateOutcome::Failed(
              {std::string(errors::kRuntime),
               StrCat("The TimestampPath value '", text, "' is not an RFC 3339 timestamp")});
        }
        fire_at = *when;
      }
      if (fire_at <= now()) return FinishWait(frame, state);
      frame.timer_id = NewId("wait");
      frame.blocker = Blocker::kWaitTimer;
      AddEffect(StartTimer{frame.timer_id, fire_at});
      return StateOutcome::Blocked();
    }
    case asl::StateType::kSucceed: {
      json::value output;
      STEPWISE_TRY(output, ApplyInputPath(state.input_path, frame.input, ctx));
      STEPWISE_TRY(output, ApplyOutputPath(state.output_path, std::move(output), ctx));
      return StateOutcome::End(std::move(output));
    }
    case asl::StateType::kFail: {
      const auto& fail = std::get<asl::FailFields>(state.fields);
      StateError error;
      STEPWISE_TRY(error.error, ResolveString(fail.error, "Error", frame.input, ctx));
      STEPWISE_TRY(error.cause, ResolveString(fail.cause, "Cause", frame.input, ctx));
      return StateOutcome::Failed(std::move(error));
    }
    case asl::StateType::kParallel: {
      json::value effective;
      STEPWISE_TRY(effective, EffectiveInput(state, frame.input, ctx));
      return StartParallel(frame, state, std::move(effective));
    }
    case asl::StateType::kMap: {
      json::value effective;
      STEPWISE_TRY(effective, ApplyInputPath(state.input_path, frame.input, ctx));
      return StartMap(frame, state, std::move(effective));
    }
  }
  return StateOutcome::Failed({std::string(errors::kRuntime), "unknown state type"});
}

StateOutcome Step::ScheduleTaskFor(Frame& frame, const asl::State& state, json::value payload,
                                   int64_t timeout, int64_t heartbeat) {
  const auto& task = std::get<asl::TaskFields>(state.fields);
  // The text is needed only for the history event; without history a size
  // check that formats nothing suffices.
  const bool history = options().record_history;
  SharedJsonText serialized = history ? SharedPayloadText(payload) : SharedJsonText();
  const size_t serialized_size = serialized.size();
  if (history ? serialized_size > options().max_payload_bytes
              : !FitsIn(payload, options().max_payload_bytes)) {
    const size_t size = history ? serialized_size : SerializedSize(payload, SIZE_MAX);
    return StateOutcome::Failed({std::string(errors::kDataLimitExceeded),
                                 StrCat("The task input of ", size, " bytes exceeds the limit of ",
                                        options().max_payload_bytes, " bytes")});
  }
  const ResourceParts& parts = context_usage_.Resource(state);
  HistoryDetails details;
  if (history) {
    DetailsText text;
    text.Members(TaskEventDetailsText(parts, TaskPhase::kScheduled));
    if (parts.family == ResourceParts::Family::kTask) {
      text.Raw("region", R"("local")").Payload("parameters", std::move(serialized));
    } else {
      text.Payload("input", std::move(serialized)).Raw("inputDetails", kNotTruncated);
    }
    if (timeout >= 0) text.Int("timeoutInSeconds", timeout);
    // AWS's LambdaFunctionScheduledEventDetails has no heartbeat.
    if (heartbeat >= 0 && parts.family != ResourceParts::Family::kLambdaFunction) {
      text.Int("heartbeatInSeconds", heartbeat);
    }
    details = text.Finish();
  }
  EmitText(&frame, TaskEventType(parts.family, TaskPhase::kScheduled), std::move(details));
  ScheduleTask schedule;
  schedule.task_id = frame.task_id;
  schedule.task_token = frame.task_token;
  schedule.state_name = state.name;
  schedule.resource = task.resource;
  schedule.payload = std::move(payload);
  if (timeout >= 0) schedule.timeout_seconds = timeout;
  if (heartbeat >= 0) schedule.heartbeat_seconds = heartbeat;
  schedule.attempt = frame.retry_count;
  AddEffect(std::move(schedule));
  frame.blocker = Blocker::kTask;
  frame.task_started = false;
  return StateOutcome::Blocked();
}

StateOutcome Step::FinishWithResult(Frame& frame, const asl::State& state, json::value result) {
  if (state.query_language == asl::QueryLanguage::kJsonata) {
    return FinishJsonataResult(frame, state, std::move(result));
  }
  // $$ (and the variables) only for the fields that may read them: a
  // state reading $$ elsewhere (its Parameters) need not build it again.
  const bool reads_context = state.assign || state.result_selector || state.output_path;
  Context context = reads_context ? MakeContext(frame, state) : Context{};
  const EvaluationContext ctx = context.evaluation();
  // Assign's `$` is the raw result (the task's, or the branch/iteration
  // results), before ResultSelector.
  std::optional<json::object> assigned;
  STEPWISE_TRY(assigned, EvaluateAssignment(state, state.assign, result, context));
  if (state.result_selector) {
    STEPWISE_TRY(result, ApplyPayloadTemplate(*state.result_selector, result, ctx));
  }
  // As for a Pass state: the result put in at a ResultPath of fields goes
  // into frame.input itself, moved to the output (every caller hands the
  // outcome straight to Continue for this frame, which restores the input
  // when the output fails the size check or the frame ends here).
  std::optional<ResultPathUndo> in_place;
  if (!state.output_path) {
    in_place = ApplyResultPathInPlace(state.result_path, frame.input, result, &expressions_);
  }
  if (in_place) {
    moved_input_.emplace(MovedInput{&frame, std::move(*in_place)});
    StateOutcome outcome = StateOutcome::Transition(state, std::move(frame.input));
    outcome.assigned = std::move(assigned);
    return outcome;
  }
  json::value output;
  STEPWISE_TRY(output,
               ApplyResultPath(state.result_path, frame.input, std::move(result), &expressions_));
  STEPWISE_TRY(output, ApplyOutputPath(state.output_path, std::move(output), ctx));
  StateOutcome outcome = StateOutcome::Transition(state, std::move(output));
  outcome.assigned = std::move(assigned);
  return outcome;
}

StateOutcome Step::FinishWait(Frame& frame, const asl::State& state) {
  if (state.query_language == asl::QueryLanguage::kJsonata) return FinishJsonataWait(frame, state);
  Context context = MakeContext(frame, state);
  // Assign's `$` is the effective input (after InputPath).
  std::optional<json::object> assigned;
  STEPWISE_TRY(assigned, EvaluateAssignment(state, state.assign, frame.effective_input, context));
  json::value output;
  STEPWISE_TRY(output,
               ApplyOutputPath(state.output_path, frame.effective_input, context.evaluation()));
  frame.effective_input = nullptr;
  StateOutcome outcome = StateOutcome::Transition(state, std::move(output));
  outcome.assigned = std::move(assigned);
  return outcome;
}

}  // namespace stepwise::engine::internal
