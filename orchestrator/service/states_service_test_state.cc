// StatesService::TestState: runs ONE state of a definition on an input with
// the pure engine (no store, no execution) and reports its output, error,
// next state and, for DEBUG/TRACE, each data-flow step.
//
// The state is wrapped in a machine of its own: it is the StartAt state, and
// every state it can go to (Next, Choices[].Next, Default) becomes a Succeed
// stub, so the stub the run enters is the next state and the output passes
// through unchanged. Wait states do not wait: their timer fires at once.
// Task, Parallel and Map states need workers (AWS TestState calls the
// resource), so they are refused with ValidationException.
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/service/grpc_status.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/states_service_internal.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using internal::Error;

// Bounds the timer firings of one TestState run (a Wait fires once).
constexpr int kMaxTimerFirings = 4;

grpc::Status InvalidDefinition(std::string_view text) {
  return Error(absl::StatusCode::kInvalidArgument, "InvalidDefinition",
               StrCat("Invalid State Definition: ", text), {{"field", "definition"}});
}

std::string Entropy() {
  std::random_device device;
  std::string bytes(32, '\0');
  for (char& c : bytes) c = static_cast<char>(device() & 0xFF);
  return bytes;
}

// The machine around `state`: its name (not one of its targets) and the JSON.
struct Wrapped {
  std::string name;
  std::string machine;
};

Wrapped Wrap(const json::object& state) {
  std::set<std::string> targets;
  auto add = [&](const json::value* next) {
    if (next != nullptr && next->is_string()) targets.insert(std::string(next->as_string()));
  };
  add(state.if_contains("Next"));
  add(state.if_contains("Default"));
  if (const json::value* choices = state.if_contains("Choices"); choices && choices->is_array()) {
    for (const json::value& choice : choices->as_array()) {
      if (choice.is_object()) add(choice.as_object().if_contains("Next"));
    }
  }
  std::string name = "TestState";
  for (int i = 1; targets.contains(name); ++i) name = StrCat("TestState", i);
  json::object states;
  states[name] = state;
  for (const std::string& target : targets) states[target] = json::object{{"Type", "Succeed"}};
  json::object machine{{"StartAt", name}, {"States", std::move(states)}};
  return {name, json::serialize(machine)};
}

// DEBUG/TRACE: the data after each JSONPath step the state has, computed
// the way the engine does (data_flow.h); stops at the first step that fails
// (the run reports that error).
void Inspect(const asl::State& state, const json::value& input, v1::InspectionData* out) {
  engine::SeededEntropy entropy(0);
  engine::EvaluationContext context;
  context.entropy = &entropy;
  out->set_input(json::serialize(input));
  engine::Outcome<json::value> effective = engine::ApplyInputPath(state.input_path, input, context);
  if (!effective.ok()) return;
  out->set_after_input_path(json::serialize(effective.value()));
  const auto* pass = std::get_if<asl::PassFields>(&state.fields);
  if (pass == nullptr) return;  // Only Pass has Parameters and a result here.
  if (state.parameters.has_value()) {
    effective = engine::ApplyPayloadTemplate(*state.parameters, effective.value(), context);
    if (!effective.ok()) return;
    out->set_after_parameters(json::serialize(effective.value()));
  }
  json::value result = pass->result.value_or(effective.value());
  out->set_result(json::serialize(result));
  engine::Outcome<json::value> merged =
      engine::ApplyResultPath(state.result_path, input, std::move(result));
  if (merged.ok()) out->set_after_result_path(json::serialize(merged.value()));
}

}  // namespace

grpc::Status StatesService::TestState(const v1::TestStateRequest& request,
                                      v1::TestStateResponse* response) {
  if (grpc::Status s = internal::CheckPayloadSize(
          request.definition(), options_.max_definition_bytes, "definition", "ValidationException");
      !s.ok()) {
    return s;
  }
  if (grpc::Status s = internal::CheckPayloadSize(request.input(), options_.max_payload_bytes,
                                                  "input", "InvalidExecutionInput");
      !s.ok()) {
    return s;
  }
  if (!v1::InspectionLevel_IsValid(request.inspection_level())) {
    return internal::ValidationError(
        "inspection_level",
        StrCat("Unknown inspectionLevel ", static_cast<int>(request.inspection_level())));
  }
  if (!request.variables().empty() && request.variables() != "{}") {
    return internal::ValidationError("variables", "Workflow variables are not supported yet");
  }
  std::error_code ec;
  json::value input =
      request.input().empty() ? json::value(json::object()) : json::parse(request.input(), ec);
  if (ec) {
    return Error(absl::StatusCode::kInvalidArgument, "InvalidExecutionInput",
                 StrCat("Invalid Execution Input: not JSON: ", ec.message()), {{"field", "input"}});
  }
  json::value parsed = json::parse(request.definition(), ec);
  if (ec || !parsed.is_object()) {
    return InvalidDefinition("the definition must be one state, as a JSON object");
  }
  const json::value* type = parsed.as_object().if_contains("Type");
  if (type != nullptr && type->is_string()) {
    const std::string_view name(type->as_string().data(), type->as_string().size());
    if (name == "Task" || name == "Parallel" || name == "Map") {
      return internal::ValidationError(
          "definition", StrCat("TestState runs Pass, Choice, Wait, Succeed and Fail states; a ",
                               name, " state needs workers"));
    }
  }

  const Wrapped wrapped = Wrap(parsed.as_object());
  asl::ValidationResult validation = asl::ValidateDefinition(wrapped.machine);
  if (!validation.ok()) {
    return InvalidDefinition(internal::DescribeDiagnostics(validation.diagnostics));
  }
  const asl::State* state = validation.machine->Find(wrapped.name);
  if (state == nullptr) return ToGrpcStatus(absl::InternalError("wrapped state is missing"), "");

  engine::InterpreterOptions interpreter_options;
  interpreter_options.max_payload_bytes = options_.max_payload_bytes;
  const engine::Interpreter interpreter(validation.machine, interpreter_options);
  engine::Event event;
  event.now = clock_.Now();
  event.entropy = Entropy();
  engine::StartExecution start;
  start.info.name = internal::NewUuid();
  start.info.execution_arn = StrCat("arn:aws:states:", options_.region, ":", options_.account,
                                    ":execution:TestState:", start.info.name);
  start.info.state_machine_name = "TestState";
  start.info.state_machine_arn = StateMachineArn("TestState");
  start.info.role_arn = request.role_arn();
  start.input = input;
  event.body = std::move(start);
  engine::StepResult result = interpreter.Apply(engine::ExecutionState{}, event);
  std::vector<engine::HistoryEvent> history = std::move(result.history);
  for (int i = 0; i < kMaxTimerFirings && result.state.status == engine::ExecutionStatus::kRunning;
       ++i) {
    const engine::StartTimer* timer = nullptr;
    for (const engine::Effect& effect : result.effects) {
      if (const auto* t = std::get_if<engine::StartTimer>(&effect)) timer = t;
    }
    if (timer == nullptr) break;
    event.now = timer->fire_at;  // No waiting: the timer is due at once.
    event.entropy = Entropy();
    event.body = engine::TimerFired{timer->timer_id};
    result = interpreter.Apply(std::move(result.state), event);
    for (engine::HistoryEvent& h : result.history) history.push_back(std::move(h));
  }

  switch (result.state.status) {
    case engine::ExecutionStatus::kSucceeded:
      response->set_status(v1::TEST_EXECUTION_STATUS_SUCCEEDED);
      response->set_output(json::serialize(result.state.output));
      break;
    case engine::ExecutionStatus::kRunning:
      return ToGrpcStatus(absl::InternalError("the tested state did not finish"), "");
    default:
      response->set_status(v1::TEST_EXECUTION_STATUS_FAILED);
      response->set_error(result.state.error);
      response->set_cause(result.state.cause);
      break;
  }
  for (const engine::HistoryEvent& h : history) {
    if (h.type != engine::HistoryEventType::kStateEntered) continue;
    const json::value* name = h.details.if_contains("name");
    if (name != nullptr && name->is_string() && name->as_string() != wrapped.name) {
      response->set_next_state(std::string(name->as_string()));
      break;
    }
  }
  if (request.inspection_level() == v1::INSPECTION_LEVEL_DEBUG ||
      request.inspection_level() == v1::INSPECTION_LEVEL_TRACE) {
    Inspect(*state, input, response->mutable_inspection_data());
  }
  return grpc::Status::OK;
}

}  // namespace stepwise::service
