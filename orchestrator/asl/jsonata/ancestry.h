// The parent operator's post-processing (jsonata-js's seekParent,
// pushAncestry and resolveAncestry in processAST): each `%` gets a slot,
// which is passed up the tree until the path step `level` steps above it
// takes it as its `ancestor` and is evaluated as a tuple stream binding
// the slot's label. Used by process_ast.cc.
//
//   AncestryScope scope;                       // one per parse
//   NodePtr parent = NewParentNode(position);  // for `%`
//   PushAncestry(result, child);               // after processing a child
//   ResolveAncestry(path);                     // after building a path
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_ANCESTRY_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_ANCESTRY_H_

#include <vector>

#include "orchestrator/asl/jsonata/ast.h"

namespace stepwise::jsonata::internal {

// The label counter and `%` nodes of one parse (nested parses, e.g. $eval
// during an evaluation, get their own).
class AncestryScope {
 public:
  AncestryScope();
  ~AncestryScope();
  AncestryScope(const AncestryScope&) = delete;
  AncestryScope& operator=(const AncestryScope&) = delete;

 private:
  friend NodePtr NewParentNode(int position);
  friend SlotPtr SeekParent(const NodePtr& node, SlotPtr slot);
  AncestryScope* previous_;
  int next_label_ = 0;
  std::vector<NodePtr> ancestry_;
};

NodePtr NewParentNode(int position);
// Throws S0217 when `node` cannot hold an ancestor.
SlotPtr SeekParent(const NodePtr& node, SlotPtr slot);
void PushAncestry(const NodePtr& result, const NodePtr& value);
void ResolveAncestry(const NodePtr& path);
// A slot still seeking its step at the top of a predicate: jsonata-js's
// handling in the `[` case.
void ResolvePredicateAncestry(const NodePtr& step, const NodePtr& predicate);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_ANCESTRY_H_
