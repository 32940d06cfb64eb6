// JSONPath as the Amazon States Language uses it (the Jayway dialect AWS
// implements): `$`, `$.a.b`, `$['a b']`, `$.a[0]`, `$.a[-1]`, `$.a[*]`,
// `$..a`, `$.a[0,2]`, `$.a['x','y']`, `$.a[1:3]`, `$.a[::2]`,
// `$.a[?(@.price < 10 && @.ok == true)]`, context-object paths `$$.Execution.Id`,
// and workflow-variable paths `$name`, `$name.a[0]` (Step Functions variables:
// `$` directly followed by a letter or `_`, then letters, digits or `_`).
//
// A *reference path* (ResultPath, `*Path` fields, Choice Variable) may only
// name a single node: fields and non-negative indices, no wildcard, slice,
// union, filter or recursive descent.
//
//   ASSIGN_OR_RETURN(JsonPath p, ParseJsonPath("$.application.name"));
//
// Dot-notation field names are what AWS accepts: any character except
// `.`, `[`, `]`, space, and the quotes; so `$.error-info` is a field "error-info".
// Inside a filter, a dot name also ends at `(`, `)`, `,`, `=`, `!`, `<`, `>`,
// `&` and `|`.
//
// Parsing is linear in the text and never recurses deeper than
// kMaxJsonPathNesting (filters, parentheses and `!`), so untrusted text is safe.
// `$$` (the context object) may not appear inside a filter. After `..` comes a
// name, `*`, `['name']` or `[*]`. Quoted names take JSON escapes (`\'` too).
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSON_PATH_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSON_PATH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "boost/json/value.hpp"

namespace stepwise::asl {

// How deeply filters and parenthesised filter expressions may nest.
inline constexpr int kMaxJsonPathNesting = 64;

struct FilterExpression;

struct PathSegment {
  enum class Kind {
    kField,             // .name or ['name']
    kIndex,             // [3] or [-1]
    kWildcard,          // .* or [*]
    kRecursiveDescent,  // ..name or ..*  (`field` is the name, or empty for *)
    kSlice,             // [start:end:step]
    kUnion,             // [0,2] or ['a','b']
    kFilter,            // [?( ... )]
  };
  Kind kind = Kind::kField;
  size_t offset = 0;  // 0-based char offset of the segment in JsonPath::text.
  std::string field;
  int64_t index = 0;
  std::optional<int64_t> slice_start, slice_end, slice_step;
  std::vector<std::string> union_fields;  // For a union of names.
  std::vector<int64_t> union_indices;     // For a union of indices.
  std::string filter_text;                // Text inside ?( ).
  std::shared_ptr<const FilterExpression> filter;
};

struct JsonPath {
  std::string text;             // As written.
  bool context_object = false;  // Rooted at `$$` (the context object).
  // Rooted at a workflow variable (`$name...`): the name; empty otherwise.
  // The segments then apply to the variable's value.
  std::string variable;
  std::vector<PathSegment> segments;

  // Only fields and non-negative indices.
  bool IsReferencePath() const;
};

// A filter `[?( ... )]` as a small expression tree:
//   `@.a == 'x' && !(@.b)`  ->  kAnd(kCompare(==, @.a, 'x'), kNot(kExists(@.b)))
struct FilterExpression {
  enum class Kind { kOr, kAnd, kNot, kCompare, kExists };
  enum class Op { kEq, kNe, kLt, kLe, kGt, kGe };
  struct Operand {
    enum class Kind {
      kCurrent,  // `@`-relative path (the element being filtered).
      kRoot,     // `$`-rooted path (the document EvaluateJsonPath was given).
      kLiteral,  // String, number, true, false or null.
    };
    Kind kind = Kind::kLiteral;
    JsonPath path;  // kCurrent/kRoot; `text` keeps the `@`/`$` as written.
    boost::json::value literal;
  };
  Kind kind = Kind::kExists;
  Op op = Op::kEq;  // kCompare.
  // kOr/kAnd: two or more children; kNot: one.
  std::vector<std::shared_ptr<const FilterExpression>> children;
  Operand lhs;  // kCompare; kExists (always a path).
  Operand rhs;  // kCompare.
};

// kInvalidArgument naming the offending position/character on bad syntax.
absl::StatusOr<JsonPath> ParseJsonPath(std::string_view text);

// As ParseJsonPath, plus kInvalidArgument unless the result IsReferencePath().
absl::StatusOr<JsonPath> ParseReferencePath(std::string_view text);

// The nodes of `root` that `path` selects, in Jayway's order (document order
// for everything but `..*`, which lists each container's children before
// descending). `root` is the document `$` means, the context object when
// path.context_object, or the variable's value when !path.variable.empty();
// the caller picks. Pointers point into `root`.
//   - [-1] counts from the end; out-of-range indices select nothing.
//   - Slices follow Python (negative bounds, step; step < 0 walks backwards).
//   - `*` selects object member values and array elements.
//   - `..name` / `..*` apply `.name` / `.*` to the current node and every
//     container below it, pre-order.
//   - A filter selects the array elements (or object member values) for which
//     it is true; `@` is that element, `$` is `root`. A path operand that
//     selects nothing is missing and every comparison with it is false; one
//     that selects several nodes compares as an array of them. `==`/`!=`
//     compare JSON values (numbers by value); `<`...`>=` compare two numbers
//     or two strings, else false. A bare path is true when it selects a node.
// Names and unions select in the order written, skipping what is missing.
std::vector<const boost::json::value*> EvaluateJsonPath(const JsonPath& path,
                                                        const boost::json::value& root);

}  // namespace stepwise::asl

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSON_PATH_H_
