// The JSONata syntax tree, in jsonata-js's processed form (paths are lists
// of steps; predicates, stages and group-by hang off the step they apply to).
// Built by parser.h; walked by evaluator.h. Immutable after parsing.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_AST_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_AST_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/signature.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

struct Node;
using NodePtr = std::shared_ptr<Node>;

enum class NodeType {
  kPath,
  kBinary,      // value: the operator (+ - * / % = != < <= > >= & and or in .. ?: ??)
  kUnary,       // value "-": negation; "[": array constructor; "{": object constructor
  kName,        // a field name step
  kString,      // literal
  kNumber,      // literal
  kValue,       // true / false / null
  kWildcard,    // *
  kDescendant,  // **
  kCondition,   // c ? a : b
  kBlock,       // ( e; e; ... )
  kBind,        // $x := e
  kRegex,
  kFunction,  // a call
  kPartial,   // a call with ? placeholders
  kVariable,  // $name; "" is the context, "$" the root
  kLambda,
  kApply,       // ~>
  kSort,        // ^( ) step
  kOperator,    // raw-parse only: `and`/`or`/`in` used as names, `?` placeholder
  kParent,      // %
  kTransform,   // | lhs (pattern) | rhs (update) [, expression (delete)] |
  kIndexStage,  // a stage binding the position `#$value` (after predicates)
  // raw-parse only (turned into the forms above by ProcessAst):
  kRawBinary,  // value '.', '[', '{', '^', ':=', '~>', ...
  kRawUnary,
};

// The parent operator `%`: the ancestor a `%` refers to is bound in the
// tuple stream under `label` by the step it resolves to (jsonata-js's slot).
struct AncestorSlot {
  std::string label;
  int level = 1;  // how many steps up it still has to go
  int index = 0;  // into the parse's list of `%` nodes
};
using SlotPtr = std::shared_ptr<AncestorSlot>;
// Shared, as jsonata-js's arrays are, between a node and the nodes it was
// passed up to.
using SlotList = std::shared_ptr<std::vector<SlotPtr>>;

struct SortTerm {
  bool descending = false;
  NodePtr expression;
};

struct Node {
  NodeType type;
  std::string value;  // operator, name, string literal, variable name
  double number = 0;
  Value literal;  // kValue
  int position = 0;

  NodePtr lhs, rhs;                                // binary, bind, apply
  NodePtr expression;                              // unary -
  std::vector<NodePtr> expressions;                // array constructor, block
  std::vector<std::pair<NodePtr, NodePtr>> pairs;  // object constructor
  std::vector<NodePtr> steps;                      // path
  std::vector<NodePtr> predicate;                  // filters applied to the result
  std::vector<NodePtr> stages;                     // filters applied per step item
  bool has_group = false;
  std::vector<std::pair<NodePtr, NodePtr>> group;  // {k: v} group-by after a step
  int group_position = 0;
  NodePtr condition, then, otherwise;          // condition
  NodePtr procedure;                           // function, partial
  std::vector<NodePtr> arguments;              // function args / lambda params
  NodePtr body;                                // lambda
  std::shared_ptr<const Signature> signature;  // lambda, optional
  std::vector<SortTerm> terms;                 // sort
  std::shared_ptr<const JsRegex> regex;        // regex

  // Tuple streams (`@$v`, `#$i`, `%`): the step binds the focus / index
  // variable; `tuple` marks steps and paths evaluated as tuple streams.
  std::string focus, index_var;
  bool tuple = false;
  SlotPtr ancestor;         // a step binding the ancestor that `%` nodes look up
  SlotPtr slot;             // kParent
  SlotList seeking_parent;  // `%` slots not yet resolved to a step

  bool keep_array = false;            // `[]` after a step
  bool cons_array = false;            // array constructor as the first/last path step
  bool keep_singleton_array = false;  // path: some step had keep_array
};

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_AST_H_
