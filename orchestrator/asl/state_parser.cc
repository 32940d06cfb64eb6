#include "orchestrator/asl/state_parser.h"

#include <array>
#include <utility>

#include "common/str_cat.h"
#include "orchestrator/asl/choice_rule_parser.h"
#include "orchestrator/asl/payload_template.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/timestamp.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

// The input/output fields each state type accepts (ASL spec, "Input and
// Output Processing", and the JSONata variants).
enum IoField : unsigned {
  kNextEnd = 1 << 0,
  kInputOutputPath = 1 << 1,
  kParameters = 1 << 2,
  kResultSelector = 1 << 3,
  kResultPath = 1 << 4,
  kArguments = 1 << 5,
  kOutput = 1 << 6,
  kAssign = 1 << 7,
  kRetryCatch = 1 << 8,
};

struct TypeSpec {
  StateType type;
  std::string_view name;
  unsigned io;
};

constexpr unsigned kAllIo = kNextEnd | kInputOutputPath | kParameters | kResultSelector |
                            kResultPath | kArguments | kOutput | kAssign | kRetryCatch;

constexpr std::array<TypeSpec, 8> kTypes = {{
    {StateType::kPass, "Pass",
     kNextEnd | kInputOutputPath | kParameters | kResultPath | kOutput | kAssign},
    {StateType::kTask, "Task", kAllIo},
    {StateType::kChoice, "Choice", kInputOutputPath | kOutput | kAssign},
    {StateType::kWait, "Wait", kNextEnd | kInputOutputPath | kOutput | kAssign},
    {StateType::kSucceed, "Succeed", kInputOutputPath | kOutput},
    {StateType::kFail, "Fail", 0},
    {StateType::kParallel, "Parallel", kAllIo},
    // Map's Parameters is the legacy name of ItemSelector: map_state_parser.cc reads it.
    {StateType::kMap, "Map", kAllIo & ~kParameters & ~kArguments},
}};

const TypeSpec* FindType(std::string_view name) {
  for (const TypeSpec& spec : kTypes) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

constexpr std::string_view kJsonPathOnly = "is only supported with QueryLanguage JSONPath";
constexpr std::string_view kJsonataOnly = "is only supported with QueryLanguage JSONata";

std::optional<QueryLanguage> ParseQueryLanguage(std::string_view text) {
  if (text == "JSONPath") return QueryLanguage::kJsonPath;
  if (text == "JSONata") return QueryLanguage::kJsonata;
  return std::nullopt;
}

void ReadTransition(FieldReader& fields, State& state, const MachineScope& scope,
                    ParseContext& context) {
  std::optional<std::string> next = fields.String("Next");
  std::optional<bool> end = fields.Bool("End");
  state.end = end.value_or(false);
  if (next) {
    state.next = *next;
    CheckTarget(*next, fields.At("Next"), scope, context);
  }
  bool next_broken = fields.Has("Next") && !next;
  bool end_broken = fields.Has("End") && !end;
  if (next && state.end) {
    context.diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                              "A state must not have both 'Next' and 'End': true");
  } else if (!next && !state.end && !next_broken && !end_broken) {
    context.diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                              "A state must have either 'Next' or 'End': true");
  }
}

void ReadIoFields(FieldReader& fields, State& state, unsigned io, ParseContext& context) {
  DiagnosticList& diagnostics = context.diagnostics;
  bool jsonata = state.query_language == QueryLanguage::kJsonata;
  auto path_field = [&](std::string_view key, PathKind kind) -> std::optional<PathField> {
    if (jsonata) {
      fields.Reject(key, kJsonPathOnly);
      return std::nullopt;
    }
    return ReadPath(fields, key, kind, /*allow_null=*/true);
  };
  auto template_field = [&](std::string_view key) -> std::optional<json::value> {
    if (jsonata) {
      fields.Reject(key, kJsonPathOnly);
      return std::nullopt;
    }
    const json::value* value = fields.Value(key);
    if (value == nullptr) return std::nullopt;
    CheckJsonPathTemplate(*value, fields.At(key), diagnostics);
    return *value;
  };
  auto jsonata_field = [&](std::string_view key) -> std::optional<json::value> {
    if (!jsonata) {
      fields.Reject(key, kJsonataOnly);
      return std::nullopt;
    }
    const json::value* value = fields.Value(key);
    if (value == nullptr) return std::nullopt;
    CheckJsonataTemplate(*value, fields.At(key), diagnostics);
    return *value;
  };
  if (io & kInputOutputPath) {
    state.input_path = path_field("InputPath", PathKind::kPath);
    state.output_path = path_field("OutputPath", PathKind::kPath);
  }
  if (io & kParameters) state.parameters = template_field("Parameters");
  if (io & kResultSelector) {
    state.result_selector = template_field("ResultSelector");
    if (state.result_selector && !state.result_selector->is_object()) {
      fields.TypeError("ResultSelector", "an object");
    }
  }
  if (io & kResultPath) state.result_path = path_field("ResultPath", PathKind::kResultPath);
  if (io & kArguments) {
    state.arguments = jsonata_field("Arguments");
    if (state.arguments && !state.arguments->is_object() &&
        !(state.arguments->is_string() &&
          IsJsonataExpression(std::string_view(state.arguments->get_string())))) {
      fields.TypeError("Arguments", "an object or a JSONata expression '{% ... %}'");
    }
  }
  if (io & kOutput) state.output = jsonata_field("Output");
  if (io & kAssign) {
    if (const json::value* assign = fields.Value("Assign")) {
      CheckAssign(*assign, fields.At("Assign"), state.query_language, diagnostics);
      state.assign = *assign;
    }
  }
}

bool LooksLikeArn(std::string_view resource) {
  // arn:partition:service:region:account:resource — region and account may
  // be empty (arn:aws:states:::lambda:invoke), the rest may not.
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = resource.find(':', start);
    if (colon == std::string_view::npos) return false;
    parts.push_back(resource.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view rest = resource.substr(start);
  return parts[0] == "arn" && !parts[1].empty() && !parts[2].empty() && !rest.empty() &&
         resource.find_first_of(" \t\r\n") == std::string_view::npos;
}

void ParseTaskFields(FieldReader& fields, State& state, const MachineScope& scope,
                     ParseContext& context) {
  TaskFields task;
  if (std::optional<std::string> resource = fields.String("Resource", Presence::kRequired)) {
    task.resource = *resource;
    bool placeholder = HasPlaceholder(*resource);
    if (placeholder && !context.options.allow_placeholders) {
      context.diagnostics.Error(
          DiagnosticCode::kInvalidResource, fields.At("Resource"),
          StrCat("Resource '", *resource, "' has a placeholder with no substitution"));
    } else if (!placeholder && !LooksLikeArn(*resource)) {
      context.diagnostics.Error(
          DiagnosticCode::kInvalidResource, fields.At("Resource"),
          StrCat("Resource '", *resource,
                 "' is not a resource ARN (arn:partition:service:region:account:name)"));
    }
  }
  task.timeout_seconds = ReadDynamicInt(fields, "TimeoutSeconds", 1, kMaxSeconds,
                                        state.query_language, context.diagnostics);
  task.heartbeat_seconds = ReadDynamicInt(fields, "HeartbeatSeconds", 1, kMaxSeconds,
                                          state.query_language, context.diagnostics);
  if (task.timeout_seconds.value && task.heartbeat_seconds.value &&
      *task.heartbeat_seconds.value >= *task.timeout_seconds.value) {
    context.diagnostics.Error(DiagnosticCode::kSchemaValidationFailed,
                              fields.At("HeartbeatSeconds"),
                              "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'");
  }
  if (const json::object* credentials = fields.Object("Credentials")) {
    task.credentials = json::value(*credentials);
  }
  ParseRetryAndCatch(fields, state, scope, context);
  state.fields = std::move(task);
}

void ParseChoiceFields(FieldReader& fields, State& state, const MachineScope& scope,
                       ParseContext& context) {
  ChoiceFields choice;
  if (const json::array* rules = fields.Array("Choices", Presence::kRequired)) {
    if (rules->empty()) fields.TypeError("Choices", "a non-empty array of Choice rules");
    for (size_t i = 0; i < rules->size(); ++i) {
      std::string rule_location = ChildLocation(fields.At("Choices"), i);
      std::optional<ChoiceRule> rule =
          ParseChoiceRule((*rules)[i], rule_location, /*top_level=*/true, state.query_language, 0,
                          context.diagnostics);
      if (!rule) continue;
      if (!rule->next.empty())
        CheckTarget(rule->next, ChildLocation(rule_location, "Next"), scope, context);
      choice.choices.push_back(std::move(*rule));
    }
  }
  if (std::optional<std::string> default_next = fields.String("Default")) {
    CheckTarget(*default_next, fields.At("Default"), scope, context);
    choice.default_next = std::move(default_next);
  }
  state.fields = std::move(choice);
}

DynamicString ReadDynamicString(FieldReader& fields, std::string_view key, PathKind path_kind,
                                QueryLanguage language, DiagnosticList& diagnostics,
                                bool check_exclusive = true) {
  DynamicString result;
  std::string path_key = StrCat(key, "Path");
  if (language == QueryLanguage::kJsonata) {
    fields.Reject(path_key, kJsonPathOnly);
    if (std::optional<std::string> text = fields.String(key)) {
      if (IsJsonataExpression(*text)) {
        CheckJsonataSyntax(*text, fields.At(key), diagnostics);
        result.expression = std::move(text);
      } else {
        CheckJsonataTemplate(json::value(*text), fields.At(key), diagnostics);
        result.value = std::move(text);
      }
    }
    return result;
  }
  if (std::optional<std::string> text = fields.String(key)) {
    WarnIfPathInPlainField(json::value(*text), fields.At(key), key, diagnostics);
    result.value = std::move(text);
  }
  if (std::optional<PathField> path = ReadPath(fields, path_key, path_kind, false)) {
    result.path = path->path;
  }
  if (check_exclusive && fields.Has(key) && fields.Has(path_key)) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                      StrCat("A state must not have both '", key, "' and '", path_key, "'"));
  }
  return result;
}

void ParseWaitFields(FieldReader& fields, State& state, ParseContext& context) {
  WaitFields wait;
  bool jsonata = state.query_language == QueryLanguage::kJsonata;
  // One check below covers all four fields.
  wait.seconds = ReadDynamicInt(fields, "Seconds", 0, kMaxSeconds, state.query_language,
                                context.diagnostics, /*check_exclusive=*/false);
  wait.timestamp = ReadDynamicString(fields, "Timestamp", PathKind::kReferencePath,
                                     state.query_language, context.diagnostics,
                                     /*check_exclusive=*/false);
  if (wait.timestamp.value && !ParseTimestamp(*wait.timestamp.value)) {
    fields.TypeError("Timestamp", "an RFC 3339 timestamp (e.g. 2016-03-14T01:59:00Z)");
  }
  int present = fields.Has("Seconds") + fields.Has("Timestamp");
  if (!jsonata) present += fields.Has("SecondsPath") + fields.Has("TimestampPath");
  if (present != 1) {
    context.diagnostics.Error(
        DiagnosticCode::kSchemaValidationFailed, fields.location(),
        jsonata ? "A Wait state must have exactly one of 'Seconds' and 'Timestamp'"
                : "A Wait state must have exactly one of 'Seconds', 'Timestamp', "
                  "'SecondsPath' and 'TimestampPath'");
  }
  state.fields = std::move(wait);
}

void ParseFailFields(FieldReader& fields, State& state, ParseContext& context) {
  FailFields fail;
  fail.error = ReadDynamicString(fields, "Error", PathKind::kPathOrIntrinsic, state.query_language,
                                 context.diagnostics);
  fail.cause = ReadDynamicString(fields, "Cause", PathKind::kPathOrIntrinsic, state.query_language,
                                 context.diagnostics);
  state.fields = std::move(fail);
}

}  // namespace

void CheckTarget(const std::string& target, const std::string& location, const MachineScope& scope,
                 ParseContext& context) {
  if (scope.state_names->contains(target)) return;
  context.diagnostics.Error(DiagnosticCode::kMissingTransitionTarget, location,
                            StrCat("No state named '", target, "' in this state machine"));
}

DynamicInt ReadDynamicInt(FieldReader& fields, std::string_view key, int64_t min, int64_t max,
                          QueryLanguage language, DiagnosticList& diagnostics,
                          bool check_exclusive) {
  DynamicInt result;
  std::string path_key = StrCat(key, "Path");
  if (language == QueryLanguage::kJsonata) {
    fields.Reject(path_key, kJsonPathOnly);
    const json::value* value = fields.Value(key);
    if (value == nullptr) return result;
    if (value->is_string() && IsJsonataExpression(std::string_view(value->get_string()))) {
      result.expression = std::string(value->get_string());
      CheckJsonataSyntax(*result.expression, fields.At(key), diagnostics);
    } else {
      result.value = fields.Int(key, min, max);
    }
    return result;
  }
  result.value = fields.Int(key, min, max);
  if (std::optional<PathField> path =
          ReadPath(fields, path_key, PathKind::kReferencePath, /*allow_null=*/false)) {
    result.path = path->path;
  }
  if (check_exclusive && fields.Has(key) && fields.Has(path_key)) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                      StrCat("A state must not have both '", key, "' and '", path_key, "'"));
  }
  return result;
}

std::optional<State> ParseState(std::string_view name, const json::value& value,
                                const std::string& location, const MachineScope& scope,
                                ParseContext& context) {
  DiagnosticList& diagnostics = context.diagnostics;
  if (!value.is_object()) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      StrCat("A state must be an object, not ", JsonTypeName(value)));
    return std::nullopt;
  }
  FieldReader fields(value.get_object(), location, diagnostics);
  std::optional<std::string> type_name = fields.String("Type", Presence::kRequired);
  if (!type_name) return std::nullopt;
  const TypeSpec* spec = FindType(*type_name);
  if (spec == nullptr) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.At("Type"),
                      StrCat("Unknown state type '", *type_name,
                             "' (expected Pass, Task, Choice, Wait, Succeed, Fail, "
                             "Parallel or Map)"));
    return std::nullopt;
  }

  State state;
  state.name = std::string(name);
  state.type = spec->type;
  state.query_language = scope.language;
  state.comment = fields.String("Comment");
  if (std::optional<std::string> language = fields.String("QueryLanguage")) {
    std::optional<QueryLanguage> parsed = ParseQueryLanguage(*language);
    if (!parsed) {
      fields.TypeError("QueryLanguage", "\"JSONPath\" or \"JSONata\"");
    } else if (*parsed == QueryLanguage::kJsonPath && scope.language == QueryLanguage::kJsonata) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.At("QueryLanguage"),
                        "A state cannot use JSONPath when its state machine uses JSONata");
    } else {
      state.query_language = *parsed;
    }
  }

  if (spec->io & kNextEnd) ReadTransition(fields, state, scope, context);
  ReadIoFields(fields, state, spec->io, context);

  switch (spec->type) {
    case StateType::kPass: {
      PassFields pass;
      if (state.query_language == QueryLanguage::kJsonata) {
        fields.Reject("Result", kJsonPathOnly);
      } else if (const json::value* result = fields.Value("Result")) {
        CheckPassResult(*result, fields.At("Result"), diagnostics);
        pass.result = *result;
      }
      state.fields = std::move(pass);
      break;
    }
    case StateType::kTask:
      ParseTaskFields(fields, state, scope, context);
      break;
    case StateType::kChoice:
      ParseChoiceFields(fields, state, scope, context);
      break;
    case StateType::kWait:
      ParseWaitFields(fields, state, context);
      break;
    case StateType::kSucceed:
      state.fields = std::monostate{};
      break;
    case StateType::kFail:
      ParseFailFields(fields, state, context);
      break;
    case StateType::kParallel:
      ParseParallelFields(fields, state, scope, context);
      break;
    case StateType::kMap:
      ParseMapFields(fields, state, scope, context);
      break;
  }
  fields.ReportUnknown(StrCat(spec->name, " state"));
  return state;
}

}  // namespace stepwise::asl
