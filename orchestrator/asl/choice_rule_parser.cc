#include "orchestrator/asl/choice_rule_parser.h"

#include <array>

#include "common/str_cat.h"
#include "orchestrator/asl/field_reader.h"
#include "orchestrator/asl/payload_template.h"
#include "orchestrator/asl/timestamp.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;

// Nested And/Or/Not deeper than this is rejected (it also bounds recursion).
constexpr int kMaxRuleDepth = 64;

enum class OperandType { kString, kStringPattern, kNumber, kBoolean, kTimestamp, kTypeTest };

struct OperatorSpec {
  ComparisonOperator op;
  std::string_view name;
  OperandType operand;
  bool has_path_variant;
};

constexpr std::array<OperatorSpec, 23> kOperators = {{
    {ComparisonOperator::kStringEquals, "StringEquals", OperandType::kString, true},
    {ComparisonOperator::kStringLessThan, "StringLessThan", OperandType::kString, true},
    {ComparisonOperator::kStringGreaterThan, "StringGreaterThan", OperandType::kString, true},
    {ComparisonOperator::kStringLessThanEquals, "StringLessThanEquals", OperandType::kString, true},
    {ComparisonOperator::kStringGreaterThanEquals, "StringGreaterThanEquals", OperandType::kString,
     true},
    {ComparisonOperator::kStringMatches, "StringMatches", OperandType::kStringPattern, false},
    {ComparisonOperator::kNumericEquals, "NumericEquals", OperandType::kNumber, true},
    {ComparisonOperator::kNumericLessThan, "NumericLessThan", OperandType::kNumber, true},
    {ComparisonOperator::kNumericGreaterThan, "NumericGreaterThan", OperandType::kNumber, true},
    {ComparisonOperator::kNumericLessThanEquals, "NumericLessThanEquals", OperandType::kNumber,
     true},
    {ComparisonOperator::kNumericGreaterThanEquals, "NumericGreaterThanEquals",
     OperandType::kNumber, true},
    {ComparisonOperator::kBooleanEquals, "BooleanEquals", OperandType::kBoolean, true},
    {ComparisonOperator::kTimestampEquals, "TimestampEquals", OperandType::kTimestamp, true},
    {ComparisonOperator::kTimestampLessThan, "TimestampLessThan", OperandType::kTimestamp, true},
    {ComparisonOperator::kTimestampGreaterThan, "TimestampGreaterThan", OperandType::kTimestamp,
     true},
    {ComparisonOperator::kTimestampLessThanEquals, "TimestampLessThanEquals",
     OperandType::kTimestamp, true},
    {ComparisonOperator::kTimestampGreaterThanEquals, "TimestampGreaterThanEquals",
     OperandType::kTimestamp, true},
    {ComparisonOperator::kIsNull, "IsNull", OperandType::kTypeTest, false},
    {ComparisonOperator::kIsPresent, "IsPresent", OperandType::kTypeTest, false},
    {ComparisonOperator::kIsNumeric, "IsNumeric", OperandType::kTypeTest, false},
    {ComparisonOperator::kIsString, "IsString", OperandType::kTypeTest, false},
    {ComparisonOperator::kIsBoolean, "IsBoolean", OperandType::kTypeTest, false},
    {ComparisonOperator::kIsTimestamp, "IsTimestamp", OperandType::kTypeTest, false},
}};

// The expected-type phrase for a literal operand, or "" if `value` fits.
std::string_view OperandProblem(OperandType type, const json::value& value) {
  switch (type) {
    case OperandType::kString:
    case OperandType::kStringPattern:
      return value.is_string() ? "" : "a string";
    case OperandType::kNumber:
      return value.is_number() ? "" : "a number";
    case OperandType::kBoolean:
    case OperandType::kTypeTest:
      return value.is_bool() ? "" : "a boolean";
    case OperandType::kTimestamp:
      if (value.is_string() &&
          ParseTimestamp({value.get_string().data(), value.get_string().size()})) {
        return "";
      }
      return "an RFC 3339 timestamp string (e.g. 2016-03-14T01:59:00Z)";
  }
  return "";
}

struct FoundOperator {
  const OperatorSpec* spec;
  bool is_path;
};

std::optional<ChoiceRule> ParseJsonataRule(const json::object& object, const std::string& location,
                                           bool top_level, DiagnosticList& diagnostics) {
  FieldReader fields(object, location, diagnostics);
  ChoiceRule rule;
  rule.kind = ChoiceRule::Kind::kJsonataCondition;
  if (const json::value* condition = fields.Value("Condition", Presence::kRequired)) {
    bool valid = condition->is_bool() ||
                 (condition->is_string() && IsJsonataExpression({condition->get_string().data(),
                                                                 condition->get_string().size()}));
    if (valid) {
      if (condition->is_string()) {
        CheckJsonataTemplate(*condition, fields.At("Condition"), diagnostics);
      }
      rule.condition = *condition;
    } else {
      fields.TypeError("Condition", "a boolean or a JSONata expression '{% ... %}'");
    }
  }
  if (std::optional<std::string> next = fields.String("Next", Presence::kRequired)) {
    rule.next = *next;
  }
  fields.String("Comment");
  if (const json::value* output = fields.Value("Output")) {
    CheckJsonataTemplate(*output, fields.At("Output"), diagnostics);
    rule.output = *output;
  }
  if (const json::value* assign = fields.Value("Assign")) {
    CheckAssign(*assign, fields.At("Assign"), QueryLanguage::kJsonata, diagnostics);
    rule.assign = *assign;
  }
  (void)top_level;  // JSONata rules are never nested.
  fields.ReportUnknown("JSONata Choice rule");
  return rule;
}

}  // namespace

std::optional<ChoiceRule> ParseChoiceRule(const json::value& value, const std::string& location,
                                          bool top_level, QueryLanguage language, int depth,
                                          DiagnosticList& diagnostics) {
  if (!value.is_object()) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      StrCat("A Choice rule must be an object, not ", JsonTypeName(value)));
    return std::nullopt;
  }
  if (depth > kMaxRuleDepth) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      StrCat("Choice rules are nested more than ", kMaxRuleDepth, " levels deep"));
    return std::nullopt;
  }
  const json::object& object = value.get_object();
  if (language == QueryLanguage::kJsonata) {
    return ParseJsonataRule(object, location, top_level, diagnostics);
  }

  FieldReader fields(object, location, diagnostics);
  ChoiceRule rule;
  bool usable = true;
  if (top_level) {
    if (std::optional<std::string> next = fields.String("Next", Presence::kRequired)) {
      rule.next = *next;
    }
    if (const json::value* assign = fields.Value("Assign")) {
      CheckAssign(*assign, fields.At("Assign"), QueryLanguage::kJsonPath, diagnostics);
      rule.assign = *assign;
    }
    fields.Reject("Output", "is only supported with QueryLanguage JSONata");
  } else {
    fields.Reject("Next", "is only allowed in a top-level Choice rule, not inside And/Or/Not");
    fields.Reject("Assign", "is only allowed in a top-level Choice rule");
  }
  fields.String("Comment");
  fields.Reject("Condition", "is only supported with QueryLanguage JSONata");

  // Which of Variable-comparison / And / Or / Not this rule is.
  std::vector<FoundOperator> found;
  for (const OperatorSpec& spec : kOperators) {
    if (object.contains(spec.name)) found.push_back({&spec, false});
    if (spec.has_path_variant && object.contains(StrCat(spec.name, "Path"))) {
      found.push_back({&spec, true});
    }
  }
  int combinators = object.contains("And") + object.contains("Or") + object.contains("Not");
  size_t kinds = found.size() + static_cast<size_t>(combinators);
  if (kinds != 1) {
    diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                      kinds == 0 ? "A Choice rule must have one comparison operator "
                                   "(e.g. StringEquals) or one of And, Or, Not"
                                 : "A Choice rule must have exactly one comparison operator "
                                   "or one of And, Or, Not");
    usable = false;
  }

  if (combinators > 0) {
    fields.Reject("Variable", "is not allowed in an And/Or/Not rule");
    // Operators next to And/Or/Not were reported above with the rule.
    for (const FoundOperator& f : found) {
      fields.Value(f.is_path ? StrCat(f.spec->name, "Path") : std::string(f.spec->name));
    }
    for (std::string_view key : {"And", "Or"}) {
      if (!object.contains(key)) continue;
      const json::array* children = fields.Array(key);
      if (children == nullptr) {
        usable = false;
        continue;
      }
      if (children->empty()) {
        fields.TypeError(key, "a non-empty array of Choice rules");
        usable = false;
      }
      rule.kind = key == "And" ? ChoiceRule::Kind::kAnd : ChoiceRule::Kind::kOr;
      for (size_t i = 0; i < children->size(); ++i) {
        std::optional<ChoiceRule> child =
            ParseChoiceRule((*children)[i], ChildLocation(fields.At(key), i), false, language,
                            depth + 1, diagnostics);
        if (child) {
          rule.children.push_back(std::move(*child));
        } else {
          usable = false;
        }
      }
    }
    if (object.contains("Not")) {
      rule.kind = ChoiceRule::Kind::kNot;
      const json::object* child_object = fields.Object("Not");
      std::optional<ChoiceRule> child;
      if (child_object != nullptr) {
        child = ParseChoiceRule(*fields.Value("Not"), fields.At("Not"), false, language, depth + 1,
                                diagnostics);
      }
      if (child) {
        rule.children.push_back(std::move(*child));
      } else {
        usable = false;
      }
    }
  } else {
    rule.kind = ChoiceRule::Kind::kComparison;
    if (!found.empty() || object.contains("Variable")) {
      if (std::optional<PathField> variable =
              ReadPath(fields, "Variable", PathKind::kPath, /*allow_null=*/false)) {
        rule.variable = variable->path;
      } else {
        if (!object.contains("Variable")) {
          diagnostics.Error(DiagnosticCode::kSchemaValidationFailed, location,
                            "Missing required field 'Variable'");
        }
        usable = false;
      }
    }
    for (const FoundOperator& f : found) {
      std::string key = f.is_path ? StrCat(f.spec->name, "Path") : std::string(f.spec->name);
      const json::value* operand = fields.Value(key);
      rule.op = f.spec->op;
      rule.operand_is_path = f.is_path;
      if (f.is_path) {
        if (!ReadPath(fields, key, PathKind::kReferencePath, /*allow_null=*/false)) usable = false;
      } else if (std::string_view expected = OperandProblem(f.spec->operand, *operand);
                 !expected.empty()) {
        fields.TypeError(key, expected);
        usable = false;
      } else if (f.spec->operand == OperandType::kString) {
        WarnIfPathInPlainField(*operand, fields.At(key), key, diagnostics);
      }
      rule.operand = *operand;
    }
  }
  fields.ReportUnknown("Choice rule");
  if (!usable) return std::nullopt;
  return rule;
}

}  // namespace stepwise::asl
