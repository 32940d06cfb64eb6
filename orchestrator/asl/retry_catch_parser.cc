// Retry and Catch fields (ASL spec, "Error handling").
#include <array>
#include <limits>

#include "common/str_cat.h"
#include "orchestrator/asl/payload_template.h"
#include "orchestrator/asl/state_parser.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

// The predefined error names (ASL spec "Error names" and AWS's additions).
constexpr std::array<std::string_view, 17> kStatesErrors = {
    "States.ALL",
    "States.DataLimitExceeded",
    "States.ExceedToleratedFailureThreshold",
    "States.HeartbeatTimeout",
    "States.Http.Socket",
    "States.IntrinsicFailure",
    "States.ItemReaderFailed",
    "States.NoChoiceMatched",
    "States.ParameterPathFailure",
    "States.Permissions",
    "States.QueryEvaluationError",
    "States.ResultPathMatchFailure",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.TaskFailed",
    "States.Timeout",
    "States.BranchFailed",
};

constexpr std::string_view kAll = "States.ALL";

bool IsKnownStatesError(std::string_view name) {
  for (std::string_view known : kStatesErrors) {
    if (known == name) return true;
  }
  return false;
}

// Reads ErrorEquals; `is_last` says whether this retrier/catcher is the last
// of its array (States.ALL must be in the last one, alone).
std::vector<std::string> ReadErrorEquals(FieldReader& fields, bool is_last,
                                         DiagnosticList& diagnostics) {
  std::vector<std::string> names;
  const json::array* array = fields.Array("ErrorEquals", Presence::kRequired);
  if (array == nullptr) return names;
  std::string location = fields.At("ErrorEquals");
  if (array->empty()) {
    fields.TypeError("ErrorEquals", "a non-empty array of error names");
    return names;
  }
  bool has_all = false;
  for (size_t i = 0; i < array->size(); ++i) {
    const json::value& element = (*array)[i];
    if (!element.is_string() || element.get_string().empty()) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, ChildLocation(location, i),
                        "An error name must be a non-empty string");
      continue;
    }
    std::string name(element.get_string());
    if (std::string_view(name).starts_with("States.") && !IsKnownStatesError(name)) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, ChildLocation(location, i),
                        StrCat("'", name, "' is not a predefined States error name"));
    }
    has_all = has_all || name == kAll;
    names.push_back(std::move(name));
  }
  if (has_all && array->size() > 1) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      "'States.ALL' must appear alone in 'ErrorEquals'");
  } else if (has_all && !is_last) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      "A retrier or catcher with 'States.ALL' must be the last one");
  }
  return names;
}

}  // namespace

void ParseRetryAndCatch(FieldReader& fields, State& state, const MachineScope& scope,
                        ParseContext& context) {
  DiagnosticList& diagnostics = context.diagnostics;
  bool jsonata = state.query_language == QueryLanguage::kJsonata;
  if (const json::array* retriers = fields.Array("Retry")) {
    for (size_t i = 0; i < retriers->size(); ++i) {
      std::string location = ChildLocation(fields.At("Retry"), i);
      if (!(*retriers)[i].is_object()) {
        diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                          "A retrier must be an object");
        continue;
      }
      FieldReader retry(((*retriers)[i]).get_object(), location, diagnostics);
      Retrier retrier;
      retrier.error_equals = ReadErrorEquals(retry, i + 1 == retriers->size(), diagnostics);
      retry.String("Comment");
      retrier.interval_seconds =
          retry.Int("IntervalSeconds", 1, kMaxSeconds).value_or(retrier.interval_seconds);
      retrier.max_attempts =
          retry.Int("MaxAttempts", 0, kMaxSeconds).value_or(retrier.max_attempts);
      retrier.backoff_rate =
          retry.Number("BackoffRate", 1.0, std::numeric_limits<double>::infinity())
              .value_or(retrier.backoff_rate);
      retrier.max_delay_seconds = retry.Int("MaxDelaySeconds", 1, kMaxSeconds);
      if (std::optional<std::string> jitter = retry.String("JitterStrategy")) {
        if (*jitter == "FULL") {
          retrier.jitter_strategy = JitterStrategy::kFull;
        } else if (*jitter != "NONE") {
          retry.TypeError("JitterStrategy", "\"FULL\" or \"NONE\"");
        }
      }
      retry.ReportUnknown("retrier");
      state.retry.push_back(std::move(retrier));
    }
  }
  if (const json::array* catchers = fields.Array("Catch")) {
    for (size_t i = 0; i < catchers->size(); ++i) {
      std::string location = ChildLocation(fields.At("Catch"), i);
      if (!(*catchers)[i].is_object()) {
        diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                          "A catcher must be an object");
        continue;
      }
      FieldReader catch_fields(((*catchers)[i]).get_object(), location, diagnostics);
      Catcher catcher;
      catcher.error_equals = ReadErrorEquals(catch_fields, i + 1 == catchers->size(), diagnostics);
      catch_fields.String("Comment");
      if (std::optional<std::string> next = catch_fields.String("Next", Presence::kRequired)) {
        CheckTarget(*next, catch_fields.At("Next"), scope, context);
        catcher.next = *next;
      }
      if (jsonata) {
        catch_fields.Reject("ResultPath", "is only supported with QueryLanguage JSONPath");
        if (const json::value* output = catch_fields.Value("Output")) {
          CheckJsonataTemplate(*output, catch_fields.At("Output"), diagnostics);
          catcher.output = *output;
        }
      } else {
        catcher.result_path =
            ReadPath(catch_fields, "ResultPath", PathKind::kResultPath, /*allow_null=*/true);
        catch_fields.Reject("Output", "is only supported with QueryLanguage JSONata");
      }
      if (const json::value* assign = catch_fields.Value("Assign")) {
        CheckAssign(*assign, catch_fields.At("Assign"), state.query_language, diagnostics);
        catcher.assign = *assign;
      }
      catch_fields.ReportUnknown("catcher");
      state.catch_.push_back(std::move(catcher));
    }
  }
}

}  // namespace stepwise::asl
