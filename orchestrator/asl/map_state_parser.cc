// Map state fields: inline (ItemProcessor or the legacy Iterator) and the
// Distributed Map additions (ItemReader, ItemBatcher, ResultWriter,
// ToleratedFailure*, Label).
#include <initializer_list>

#include "common/str_cat.h"
#include "orchestrator/asl/names.h"
#include "orchestrator/asl/payload_template.h"
#include "orchestrator/asl/state_parser.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

constexpr std::string_view kDistributedOnly =
    "is only supported in a Distributed Map (ProcessorConfig Mode DISTRIBUTED)";

// Reads a string field that must be one of `allowed`.
std::optional<std::string> ReadEnum(FieldReader& fields, std::string_view key,
                                    std::initializer_list<std::string_view> allowed,
                                    Presence presence = Presence::kOptional) {
  std::optional<std::string> value = fields.String(key, presence);
  if (!value) return std::nullopt;
  for (std::string_view candidate : allowed) {
    if (*value == candidate) return value;
  }
  fields.TypeError(key, StrCat("one of ", StrJoin(allowed, ", ")));
  return std::nullopt;
}

// Parameters (JSONPath) or Arguments (JSONata) of a reader/writer resource.
void ReadResourceArguments(FieldReader& fields, QueryLanguage language,
                           DiagnosticList& diagnostics) {
  if (language == QueryLanguage::kJsonata) {
    fields.Reject("Parameters", "is only supported with QueryLanguage JSONPath");
    if (const json::value* arguments = fields.Value("Arguments")) {
      CheckJsonataTemplate(*arguments, fields.At("Arguments"), diagnostics);
    }
  } else {
    fields.Reject("Arguments", "is only supported with QueryLanguage JSONata");
    if (const json::value* parameters = fields.Value("Parameters")) {
      CheckJsonPathTemplate(*parameters, fields.At("Parameters"), diagnostics);
    }
  }
}

void CheckItemReader(const json::object& object, const std::string& location,
                     QueryLanguage language, DiagnosticList& diagnostics) {
  FieldReader fields(object, location, diagnostics);
  fields.String("Resource", Presence::kRequired);
  ReadResourceArguments(fields, language, diagnostics);
  if (const json::object* config = fields.Object("ReaderConfig")) {
    FieldReader reader(*config, fields.At("ReaderConfig"), diagnostics);
    ReadEnum(reader, "InputType", {"CSV", "JSON", "JSONL", "MANIFEST", "PARQUET"});
    ReadEnum(reader, "CSVHeaderLocation", {"FIRST_ROW", "GIVEN"});
    ReadEnum(reader, "CSVDelimiter", {"COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"});
    ReadEnum(reader, "ManifestType", {"ATHENA_DATA", "S3_INVENTORY"});
    if (const json::array* headers = reader.Array("CSVHeaders")) {
      for (const json::value& header : *headers) {
        if (!header.is_string()) {
          reader.TypeError("CSVHeaders", "an array of strings");
          break;
        }
      }
    }
    ReadDynamicInt(reader, "MaxItems", 0, 100000000, language, diagnostics);
    reader.ReportUnknown("ReaderConfig");
  }
  fields.ReportUnknown("ItemReader");
}

void CheckItemBatcher(const json::object& object, const std::string& location,
                      QueryLanguage language, DiagnosticList& diagnostics) {
  FieldReader fields(object, location, diagnostics);
  ReadDynamicInt(fields, "MaxItemsPerBatch", 1, 100000000, language, diagnostics);
  ReadDynamicInt(fields, "MaxInputBytesPerBatch", 1, 262144, language, diagnostics);
  if (const json::value* batch_input = fields.Value("BatchInput")) {
    if (language == QueryLanguage::kJsonata) {
      CheckJsonataTemplate(*batch_input, fields.At("BatchInput"), diagnostics);
    } else {
      CheckJsonPathTemplate(*batch_input, fields.At("BatchInput"), diagnostics);
    }
  }
  fields.ReportUnknown("ItemBatcher");
}

void CheckResultWriter(const json::object& object, const std::string& location,
                       QueryLanguage language, DiagnosticList& diagnostics) {
  FieldReader fields(object, location, diagnostics);
  fields.String("Resource");
  ReadResourceArguments(fields, language, diagnostics);
  if (const json::object* config = fields.Object("WriterConfig")) {
    FieldReader writer(*config, fields.At("WriterConfig"), diagnostics);
    ReadEnum(writer, "OutputType", {"JSON", "JSONL"});
    ReadEnum(writer, "Transformation", {"NONE", "COMPACT", "FLATTEN"});
    writer.ReportUnknown("WriterConfig");
  }
  fields.ReportUnknown("ResultWriter");
}

// ProcessorConfig of an ItemProcessor.
void ReadProcessorConfig(const json::object& processor, const std::string& location, MapFields& map,
                         DiagnosticList& diagnostics) {
  FieldReader fields(processor, location, diagnostics);
  const json::object* config = fields.Object("ProcessorConfig");
  if (config == nullptr) return;
  FieldReader reader(*config, fields.At("ProcessorConfig"), diagnostics);
  std::optional<std::string> mode = ReadEnum(reader, "Mode", {"INLINE", "DISTRIBUTED"});
  if (mode == "DISTRIBUTED") map.mode = MapMode::kDistributed;
  std::optional<std::string> execution_type =
      ReadEnum(reader, "ExecutionType", {"STANDARD", "EXPRESS"},
               map.mode == MapMode::kDistributed ? Presence::kRequired : Presence::kOptional);
  if (execution_type) {
    map.execution_type =
        *execution_type == "EXPRESS" ? MapExecutionType::kExpress : MapExecutionType::kStandard;
  }
  reader.ReportUnknown("ProcessorConfig");
}

void ReadDistributedFields(FieldReader& fields, State& state, MapFields& map,
                           ParseContext& context) {
  DiagnosticList& diagnostics = context.diagnostics;
  QueryLanguage language = state.query_language;
  if (map.mode != MapMode::kDistributed) {
    for (std::string_view key : {"ItemReader", "ItemBatcher", "ResultWriter",
                                 "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                                 "ToleratedFailureCount", "ToleratedFailureCountPath", "Label"}) {
      fields.Reject(key, kDistributedOnly);
    }
    return;
  }
  if (const json::object* reader = fields.Object("ItemReader")) {
    CheckItemReader(*reader, fields.At("ItemReader"), language, diagnostics);
    map.item_reader = json::value(*reader);
  }
  if (const json::object* batcher = fields.Object("ItemBatcher")) {
    CheckItemBatcher(*batcher, fields.At("ItemBatcher"), language, diagnostics);
    map.item_batcher = json::value(*batcher);
  }
  if (const json::object* writer = fields.Object("ResultWriter")) {
    CheckResultWriter(*writer, fields.At("ResultWriter"), language, diagnostics);
    map.result_writer = json::value(*writer);
  }
  DynamicInt count =
      ReadDynamicInt(fields, "ToleratedFailureCount", 0, 100000000, language, diagnostics);
  map.tolerated_failure_count = count.value;
  map.tolerated_failure_count_path = count.path;
  map.tolerated_failure_count_expression = count.expression;
  const json::value* percentage = fields.Value("ToleratedFailurePercentage");
  if (language == QueryLanguage::kJsonata) {
    fields.Reject("ToleratedFailurePercentagePath",
                  "is only supported with QueryLanguage JSONPath");
    if (percentage != nullptr && percentage->is_string() &&
        IsJsonataExpression(std::string_view(percentage->get_string()))) {
      // Evaluated when the Map Run starts; it must give a number from 0 to 100.
      map.tolerated_failure_percentage_expression = std::string(percentage->get_string());
      CheckJsonataSyntax(*map.tolerated_failure_percentage_expression,
                         fields.At("ToleratedFailurePercentage"), diagnostics);
      percentage = nullptr;
    }
  } else if (std::optional<PathField> path = ReadPath(fields, "ToleratedFailurePercentagePath",
                                                      PathKind::kReferencePath, false)) {
    map.tolerated_failure_percentage_path = path->path;
  }
  if (percentage != nullptr) {
    map.tolerated_failure_percentage = fields.Number("ToleratedFailurePercentage", 0, 100);
  }
  if (fields.Has("ToleratedFailurePercentage") && fields.Has("ToleratedFailurePercentagePath")) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                      "A state must not have both 'ToleratedFailurePercentage' and "
                      "'ToleratedFailurePercentagePath'");
  }
  if (std::optional<std::string> label = fields.String("Label")) {
    if (std::string problem = LabelProblem(*label); !problem.empty()) {
      diagnostics.Error(DiagnosticCode::kInvalidLabelName, fields.At("Label"), problem);
    } else if (auto [it, inserted] = context.labels.emplace(*label, fields.At("Label"));
               !inserted) {
      diagnostics.Error(DiagnosticCode::kDuplicateLabelName, fields.At("Label"),
                        StrCat("Label '", *label, "' is already used at ", it->second));
    }
    map.label = std::move(label);
  }
}

}  // namespace

void ParseMapFields(FieldReader& fields, State& state, const MachineScope& scope,
                    ParseContext& context) {
  DiagnosticList& diagnostics = context.diagnostics;
  MapFields map;
  bool jsonata = state.query_language == QueryLanguage::kJsonata;
  ParseRetryAndCatch(fields, state, scope, context);

  const json::object* processor = fields.Object("ItemProcessor");
  const json::object* iterator = fields.Object("Iterator");
  bool has_processor = fields.Has("ItemProcessor");
  bool has_iterator = fields.Has("Iterator");
  if (has_processor == has_iterator) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                      has_processor ? "A Map state must not have both 'ItemProcessor' and "
                                      "'Iterator'"
                                    : "A Map state must have 'ItemProcessor' (or the legacy "
                                      "'Iterator')");
  }
  if (processor != nullptr) {
    ReadProcessorConfig(*processor, fields.At("ItemProcessor"), map, diagnostics);
  }
  // Before the processor, so that labels are met in document order.
  ReadDistributedFields(fields, state, map, context);
  const json::object* machine_object = processor != nullptr ? processor : iterator;
  if (machine_object != nullptr && scope.depth >= kMaxMachineNesting) {
    diagnostics.Error(DiagnosticCode::kTooDeeplyNested, fields.location(),
                      StrCat("Parallel and Map states are nested more than ", kMaxMachineNesting,
                             " levels deep"));
  } else if (machine_object != nullptr) {
    bool is_processor = processor != nullptr;
    map.processor =
        ParseMachine(*fields.Value(is_processor ? "ItemProcessor" : "Iterator"),
                     fields.At(is_processor ? "ItemProcessor" : "Iterator"),
                     is_processor ? MachineKind::kItemProcessor : MachineKind::kIterator,
                     state.query_language, scope.depth + 1, context);
  }

  if (jsonata) {
    fields.Reject("ItemsPath", "is only supported with QueryLanguage JSONPath");
    fields.Reject("Parameters", "is only supported with QueryLanguage JSONPath");
    if (const json::value* items = fields.Value("Items")) {
      if (items->is_array() ||
          (items->is_string() && IsJsonataExpression(std::string_view(items->get_string())))) {
        CheckJsonataTemplate(*items, fields.At("Items"), diagnostics);
        map.items = *items;
      } else {
        fields.TypeError("Items", "an array or a JSONata expression '{% ... %}'");
      }
    }
    if (const json::value* selector = fields.Value("ItemSelector")) {
      CheckJsonataTemplate(*selector, fields.At("ItemSelector"), diagnostics);
      map.item_selector = *selector;
    }
  } else {
    fields.Reject("Items", "is only supported with QueryLanguage JSONata");
    if (std::optional<PathField> items_path =
            ReadPath(fields, "ItemsPath", PathKind::kReferencePath, false)) {
      map.items_path = items_path->path;
    }
    for (std::string_view key : {"ItemSelector", "Parameters"}) {
      if (const json::value* selector = fields.Value(key)) {
        if (!selector->is_object()) {
          fields.TypeError(key, "an object");
          continue;
        }
        CheckJsonPathTemplate(*selector, fields.At(key), diagnostics);
        map.item_selector = *selector;
      }
    }
    if (fields.Has("ItemSelector") && fields.Has("Parameters")) {
      diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, fields.location(),
                        "A Map state must not have both 'ItemSelector' and its legacy name "
                        "'Parameters'");
    }
  }
  map.max_concurrency =
      ReadDynamicInt(fields, "MaxConcurrency", 0, 100000000, state.query_language, diagnostics);
  state.fields = std::move(map);
}

}  // namespace stepwise::asl
