// (Sub-)machines: the top level, Parallel branches and Map processors.
#include "common/str_cat.h"
#include "orchestrator/asl/graph_check.h"
#include "orchestrator/asl/names.h"
#include "orchestrator/asl/state_parser.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

std::string_view Describe(MachineKind kind) {
  switch (kind) {
    case MachineKind::kTopLevel:
      return "state machine";
    case MachineKind::kBranch:
      return "Parallel branch";
    case MachineKind::kItemProcessor:
      return "Map ItemProcessor";
    case MachineKind::kIterator:
      return "Map Iterator";
  }
  return "state machine";
}

// Checks a state's name and records it; false if the state must be skipped.
bool RegisterStateName(const std::string& name, const std::string& location,
                       ParseContext& context) {
  if (std::string problem = StateNameProblem(name); !problem.empty()) {
    context.diagnostics.Error(DiagnosticCode::kInvalidStateName, location,
                              StrCat(problem, ": '", name, "'"));
  }
  auto [it, inserted] = context.state_names.emplace(name, location);
  if (!inserted) {
    context.diagnostics.Error(DiagnosticCode::kDuplicateStateName, location,
                              StrCat("State name '", name, "' is already used at ", it->second,
                                     ": state names must be unique in the whole definition"));
    return false;
  }
  return true;
}

}  // namespace

std::shared_ptr<StateMachine> ParseMachine(const json::value& value, const std::string& location,
                                           MachineKind kind, QueryLanguage inherited, int depth,
                                           ParseContext& context) {
  auto machine = std::make_shared<StateMachine>();
  machine->query_language = inherited;
  DiagnosticList& diagnostics = context.diagnostics;
  if (!value.is_object()) {
    diagnostics.Error(
        DiagnosticCode::kSchemaValidationFailed, location,
        StrCat("A ", Describe(kind), " must be an object, not ", JsonTypeName(value)));
    return machine;
  }
  FieldReader fields(value.get_object(), location, diagnostics);
  std::optional<std::string> start_at = fields.String("StartAt", Presence::kRequired);
  const json::object* states = fields.Object("States", Presence::kRequired);
  machine->comment = fields.String("Comment");
  if (kind == MachineKind::kTopLevel) {
    machine->version = fields.String("Version");
    machine->timeout_seconds = fields.Int("TimeoutSeconds", 1, kMaxSeconds);
    if (std::optional<std::string> language = fields.String("QueryLanguage")) {
      if (*language == "JSONata") {
        machine->query_language = QueryLanguage::kJsonata;
      } else if (*language != "JSONPath") {
        fields.TypeError("QueryLanguage", "\"JSONPath\" or \"JSONata\"");
      }
    }
  }
  if (kind == MachineKind::kItemProcessor) fields.Value("ProcessorConfig");  // Read by the Map.
  fields.ReportUnknown(Describe(kind));
  if (states == nullptr) return machine;

  std::string states_location = fields.At("States");
  if (states->empty()) fields.TypeError("States", "a non-empty object of states");

  std::set<std::string, std::less<>> names;
  for (const auto& member : *states) names.emplace(member.key());
  MachineScope scope{&names, machine->query_language, depth};

  bool all_parsed = true;
  for (const auto& member : *states) {
    std::string name(member.key());
    std::string state_location = ChildLocation(states_location, name);
    if (!RegisterStateName(name, state_location, context)) {
      all_parsed = false;
      continue;
    }
    std::optional<State> state = ParseState(name, member.value(), state_location, scope, context);
    if (!state) {
      all_parsed = false;
      continue;
    }
    machine->index.emplace(name, machine->states.size());
    machine->states.push_back(std::move(*state));
  }
  // Names that occur twice in this States object: the JSON parse kept one.
  if (auto it = context.duplicate_keys.find(states_location); it != context.duplicate_keys.end()) {
    for (const std::string& name : it->second) {
      diagnostics.Error(DiagnosticCode::kDuplicateStateName, ChildLocation(states_location, name),
                        StrCat("State name '", name, "' appears more than once"));
    }
    context.duplicate_keys.erase(it);
    all_parsed = false;
  }

  if (start_at) {
    machine->start_at = *start_at;
    if (!names.contains(*start_at)) {
      diagnostics.Error(
          DiagnosticCode::kMissingTransitionTarget, fields.At("StartAt"),
          StrCat("'StartAt' names no state of this ", Describe(kind), ": '", *start_at, "'"));
      all_parsed = false;
    }
  } else {
    all_parsed = false;
  }
  // Reachability is only meaningful when every state is in the model.
  if (all_parsed) CheckGraph(*machine, location, diagnostics);
  return machine;
}

void ParseParallelFields(FieldReader& fields, State& state, const MachineScope& scope,
                         ParseContext& context) {
  ParallelFields parallel;
  ParseRetryAndCatch(fields, state, scope, context);
  const json::array* branches = fields.Array("Branches", Presence::kRequired);
  if (branches != nullptr && branches->empty()) {
    fields.TypeError("Branches", "a non-empty array of branches");
  }
  if (branches != nullptr && scope.depth >= kMaxMachineNesting) {
    context.diagnostics.Error(DiagnosticCode::kTooDeeplyNested, fields.location(),
                              StrCat("Parallel and Map states are nested more than ",
                                     kMaxMachineNesting, " levels deep"));
    branches = nullptr;
  }
  if (branches != nullptr) {
    for (size_t i = 0; i < branches->size(); ++i) {
      parallel.branches.push_back(
          ParseMachine((*branches)[i], ChildLocation(fields.At("Branches"), i),
                       MachineKind::kBranch, state.query_language, scope.depth + 1, context));
    }
  }
  state.fields = std::move(parallel);
}

}  // namespace stepwise::asl
