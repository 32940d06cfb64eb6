#include "orchestrator/engine/choice_evaluator.h"

#include <cmath>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/timestamp.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/expression_cache.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using asl::ChoiceRule;
using asl::ComparisonOperator;

std::string_view View(const json::string& s) { return {s.data(), s.size()}; }

// A Variable or *Path operand after selection. A definite path points into
// the input; an indefinite one (wildcards, filters, ...) owns the array of its
// matches, as Jayway returns it.
struct Selection {
  const json::value* ref = nullptr;
  std::optional<json::value> owned;

  // Null when the path selected nothing.
  const json::value* node() const { return owned ? &*owned : ref; }
};

StateError InvalidPath(std::string_view path) {
  // AWS's wording for a Choice Variable that selects nothing.
  return StateError{std::string(errors::kRuntime),
                    StrCat("Invalid path '", path,
                           "': The choice state's condition path references an invalid value.")};
}

Outcome<Selection> Select(std::string_view path_text, const json::value& input,
                          const EvaluationContext& context) {
  const asl::JsonPath* path =
      context.expressions != nullptr ? context.expressions->Path(path_text) : nullptr;
  absl::StatusOr<asl::JsonPath> parsed;
  if (path == nullptr) {
    parsed = asl::ParseJsonPath(path_text);
    if (!parsed.ok()) {
      // Validation accepted the definition, so this is unexpected; fail the state.
      return StateError{
          std::string(errors::kRuntime),
          StrCat("Invalid path '", path_text, "': ", std::string(parsed.status().message()))};
    }
    path = &*parsed;
  }
  const json::value* root = PathRoot(*path, input, context);
  if (root == nullptr) {
    // An undefined variable is an error even for IsPresent: the rule names
    // something that does not exist, not a field that may be absent.
    return StateError{std::string(errors::kRuntime),
                      StrCat("The JSONPath '", path->text,
                             "' in a Choice rule references the "
                             "variable '$",
                             path->variable, "', which is not defined")};
  }
  std::vector<const json::value*> matches = asl::EvaluateJsonPath(*path, *root);
  Selection selection;
  if (path->IsReferencePath()) {
    if (!matches.empty()) selection.ref = matches.front();
    return selection;
  }
  json::array all;
  all.reserve(matches.size());
  for (const json::value* match : matches) all.push_back(*match);
  selection.owned = json::value(std::move(all));
  return selection;
}

// Exact comparison of an integer with a double (no rounding of either).
template <typename Int>
std::partial_ordering CompareIntDouble(Int i, double d) {
  if (std::isnan(d)) return std::partial_ordering::unordered;
  // [lo, hi) is the range of Int as doubles; both bounds are exact powers of two.
  constexpr double kHi = std::is_signed_v<Int> ? 9223372036854775808.0 : 18446744073709551616.0;
  constexpr double kLo = std::is_signed_v<Int> ? -9223372036854775808.0 : 0.0;
  if (d >= kHi) return std::partial_ordering::less;
  if (d < kLo) return std::partial_ordering::greater;
  double whole = std::trunc(d);
  Int truncated = static_cast<Int>(whole);
  if (i != truncated) return i <=> truncated;
  return 0.0 <=> (d - whole);
}

// Orders two JSON numbers by value: 1 == 1.0, and uint64 beyond int64 exact.
std::partial_ordering CompareNumbers(const json::value& a, const json::value& b) {
  if (a.is_double() && b.is_double()) return a.get_double() <=> b.get_double();
  if (a.is_double()) {
    std::partial_ordering reversed = b.is_int64()
                                         ? CompareIntDouble(b.get_int64(), a.get_double())
                                         : CompareIntDouble(b.get_uint64(), a.get_double());
    return 0 <=> reversed;
  }
  if (b.is_double()) {
    return a.is_int64() ? CompareIntDouble(a.get_int64(), b.get_double())
                        : CompareIntDouble(a.get_uint64(), b.get_double());
  }
  if (a.is_int64() && b.is_int64()) return a.get_int64() <=> b.get_int64();
  if (a.is_uint64() && b.is_uint64()) return a.get_uint64() <=> b.get_uint64();
  if (a.is_int64()) {
    int64_t i = a.get_int64();
    return i < 0 ? std::partial_ordering::less : static_cast<uint64_t>(i) <=> b.get_uint64();
  }
  int64_t j = b.get_int64();
  return j < 0 ? std::partial_ordering::greater : a.get_uint64() <=> static_cast<uint64_t>(j);
}

enum class Relation { kEquals, kLess, kGreater, kLessEquals, kGreaterEquals };

bool Holds(Relation relation, std::partial_ordering order) {
  switch (relation) {
    case Relation::kEquals:
      return order == 0;
    case Relation::kLess:
      return order < 0;
    case Relation::kGreater:
      return order > 0;
    case Relation::kLessEquals:
      return order <= 0;
    case Relation::kGreaterEquals:
      return order >= 0;
  }
  return false;
}

enum class Domain { kString, kNumeric, kBoolean, kTimestamp };

struct BinaryOperator {
  Domain domain;
  Relation relation;
};

// The domain and relation of a binary comparison; nullopt for StringMatches
// and the Is* type tests.
std::optional<BinaryOperator> Binary(ComparisonOperator op) {
  using Op = ComparisonOperator;
  switch (op) {
    case Op::kStringEquals:
      return BinaryOperator{Domain::kString, Relation::kEquals};
    case Op::kStringLessThan:
      return BinaryOperator{Domain::kString, Relation::kLess};
    case Op::kStringGreaterThan:
      return BinaryOperator{Domain::kString, Relation::kGreater};
    case Op::kStringLessThanEquals:
      return BinaryOperator{Domain::kString, Relation::kLessEquals};
    case Op::kStringGreaterThanEquals:
      return BinaryOperator{Domain::kString, Relation::kGreaterEquals};
    case Op::kNumericEquals:
      return BinaryOperator{Domain::kNumeric, Relation::kEquals};
    case Op::kNumericLessThan:
      return BinaryOperator{Domain::kNumeric, Relation::kLess};
    case Op::kNumericGreaterThan:
      return BinaryOperator{Domain::kNumeric, Relation::kGreater};
    case Op::kNumericLessThanEquals:
      return BinaryOperator{Domain::kNumeric, Relation::kLessEquals};
    case Op::kNumericGreaterThanEquals:
      return BinaryOperator{Domain::kNumeric, Relation::kGreaterEquals};
    case Op::kBooleanEquals:
      return BinaryOperator{Domain::kBoolean, Relation::kEquals};
    case Op::kTimestampEquals:
      return BinaryOperator{Domain::kTimestamp, Relation::kEquals};
    case Op::kTimestampLessThan:
      return BinaryOperator{Domain::kTimestamp, Relation::kLess};
    case Op::kTimestampGreaterThan:
      return BinaryOperator{Domain::kTimestamp, Relation::kGreater};
    case Op::kTimestampLessThanEquals:
      return BinaryOperator{Domain::kTimestamp, Relation::kLessEquals};
    case Op::kTimestampGreaterThanEquals:
      return BinaryOperator{Domain::kTimestamp, Relation::kGreaterEquals};
    default:
      return std::nullopt;
  }
}

std::optional<absl::Time> AsTimestamp(const json::value& value) {
  if (!value.is_string()) return std::nullopt;
  return asl::ParseTimestamp(View(value.get_string()));
}

// A comparison of values of the wrong type is false, not an error (AWS).
bool Compare(BinaryOperator op, const json::value& lhs, const json::value& rhs) {
  switch (op.domain) {
    case Domain::kString:
      // std::string_view orders bytes as unsigned char, and UTF-8 byte order
      // is Unicode code point order.
      if (!lhs.is_string() || !rhs.is_string()) return false;
      return Holds(op.relation, View(lhs.get_string()) <=> View(rhs.get_string()));
    case Domain::kNumeric:
      if (!lhs.is_number() || !rhs.is_number()) return false;
      return Holds(op.relation, CompareNumbers(lhs, rhs));
    case Domain::kBoolean:
      if (!lhs.is_bool() || !rhs.is_bool()) return false;
      return lhs.get_bool() == rhs.get_bool();
    case Domain::kTimestamp: {
      std::optional<absl::Time> l = AsTimestamp(lhs);
      std::optional<absl::Time> r = AsTimestamp(rhs);
      if (!l || !r) return false;
      std::partial_ordering order = *l < *r    ? std::partial_ordering::less
                                    : *l == *r ? std::partial_ordering::equivalent
                                               : std::partial_ordering::greater;
      return Holds(op.relation, order);
    }
  }
  return false;
}

// Is* type tests (not IsPresent) on a present value.
bool TypeTest(ComparisonOperator op, const json::value& value) {
  switch (op) {
    case ComparisonOperator::kIsNull:
      return value.is_null();
    case ComparisonOperator::kIsNumeric:
      return value.is_number();
    case ComparisonOperator::kIsString:
      return value.is_string();
    case ComparisonOperator::kIsBoolean:
      return value.is_bool();
    case ComparisonOperator::kIsTimestamp:
      return AsTimestamp(value).has_value();
    default:
      return false;
  }
}

Outcome<bool> EvaluateComparison(const ChoiceRule& rule, const json::value& input,
                                 const EvaluationContext& context) {
  Outcome<Selection> variable = Select(rule.variable, input, context);
  if (!variable.ok()) return variable.error();
  const json::value* value = variable.value().node();

  // The Is* operand says whether the test should hold (`false` negates it).
  bool expected = rule.operand.is_bool() && rule.operand.get_bool();
  if (rule.op == ComparisonOperator::kIsPresent) return (value != nullptr) == expected;
  if (value == nullptr) return InvalidPath(rule.variable);

  if (rule.op == ComparisonOperator::kStringMatches) {
    if (!value->is_string() || !rule.operand.is_string()) return false;
    return StringMatches(View(value->get_string()), View(rule.operand.get_string()));
  }
  std::optional<BinaryOperator> binary = Binary(rule.op);
  if (!binary) return TypeTest(rule.op, *value) == expected;

  if (!rule.operand_is_path) return Compare(*binary, *value, rule.operand);
  if (!rule.operand.is_string()) {
    return StateError{std::string(errors::kRuntime), "A comparison path must be a string"};
  }
  std::string_view operand_path = View(rule.operand.get_string());
  Outcome<Selection> operand = Select(operand_path, input, context);
  if (!operand.ok()) return operand.error();
  const json::value* other = operand.value().node();
  if (other == nullptr) return InvalidPath(operand_path);
  return Compare(*binary, *value, *other);
}

}  // namespace

Outcome<bool> EvaluateChoiceRule(const ChoiceRule& rule, const json::value& input,
                                 const EvaluationContext& context) {
  switch (rule.kind) {
    case ChoiceRule::Kind::kComparison:
      return EvaluateComparison(rule, input, context);
    case ChoiceRule::Kind::kAnd:
    case ChoiceRule::Kind::kOr: {
      // Short-circuit: a later child is not evaluated (so cannot fail) once
      // the result is known, which IsPresent guards rely on.
      bool is_and = rule.kind == ChoiceRule::Kind::kAnd;
      for (const ChoiceRule& child : rule.children) {
        Outcome<bool> holds = EvaluateChoiceRule(child, input, context);
        if (!holds.ok()) return holds;
        if (holds.value() != is_and) return !is_and;
      }
      return is_and;
    }
    case ChoiceRule::Kind::kNot: {
      if (rule.children.size() != 1) {
        return StateError{std::string(errors::kRuntime), "A Not rule must have one rule"};
      }
      Outcome<bool> holds = EvaluateChoiceRule(rule.children.front(), input, context);
      if (!holds.ok()) return holds;
      return !holds.value();
    }
    case ChoiceRule::Kind::kJsonataCondition:
      if (rule.condition.is_bool()) return rule.condition.get_bool();
      // TODO(jsonata): evaluate `{% %}` conditions once JSONata lands.
      return StateError{std::string(errors::kQueryEvaluationError), "JSONata is not supported yet"};
  }
  return false;
}

Outcome<std::optional<size_t>> SelectChoice(const asl::ChoiceFields& choice,
                                            const json::value& input,
                                            const EvaluationContext& context) {
  for (size_t i = 0; i < choice.choices.size(); ++i) {
    Outcome<bool> holds = EvaluateChoiceRule(choice.choices[i], input, context);
    if (!holds.ok()) return holds.error();
    if (holds.value()) return std::optional<size_t>(i);
  }
  return std::optional<size_t>();
}

bool StringMatches(std::string_view value, std::string_view pattern) {
  // Unescape into tokens: a literal byte, or a wildcard. `\*` and `\\` are
  // literal `*` and `\`; any other backslash is itself a literal.
  struct Token {
    char c;
    bool star;
  };
  std::vector<Token> tokens;
  tokens.reserve(pattern.size());
  for (size_t i = 0; i < pattern.size(); ++i) {
    char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size() && (pattern[i + 1] == '*' || pattern[i + 1] == '\\')) {
      tokens.push_back({pattern[++i], false});
    } else if (c == '*') {
      if (tokens.empty() || !tokens.back().star) tokens.push_back({c, true});  // `**` == `*`.
    } else {
      tokens.push_back({c, false});
    }
  }

  // Greedy two pointers: on a mismatch, retry from the last `*`, letting it
  // absorb one more byte. O(|value| * |pattern|) worst case, no backtracking
  // explosion. Byte-wise matching is code-point matching for UTF-8.
  size_t v = 0, t = 0;
  size_t star = tokens.size();  // Index of the last `*` seen, or none.
  size_t star_v = 0;            // Where that `*`'s match currently ends.
  while (v < value.size()) {
    if (t < tokens.size() && tokens[t].star) {
      star = t++;
      star_v = v;
    } else if (t < tokens.size() && tokens[t].c == value[v]) {
      ++t;
      ++v;
    } else if (star != tokens.size()) {
      t = star + 1;
      v = ++star_v;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].star) ++t;
  return t == tokens.size();
}

}  // namespace stepwise::engine
