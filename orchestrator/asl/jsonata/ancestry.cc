#include "orchestrator/asl/jsonata/ancestry.h"

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"

namespace stepwise::jsonata::internal {
namespace {

thread_local AncestryScope* current_scope = nullptr;

}  // namespace

AncestryScope::AncestryScope() : previous_(current_scope) { current_scope = this; }
AncestryScope::~AncestryScope() { current_scope = previous_; }

NodePtr NewParentNode(int position) {
  AncestryScope* scope = current_scope;
  auto node = std::make_shared<Node>();
  node->type = NodeType::kParent;
  node->position = position;
  node->slot = std::make_shared<AncestorSlot>();
  node->slot->label = StrCat("!", scope->next_label_++);
  node->slot->index = static_cast<int>(scope->ancestry_.size());
  scope->ancestry_.push_back(node);
  return node;
}

SlotPtr SeekParent(const NodePtr& node, SlotPtr slot) {
  switch (node->type) {
    case NodeType::kName:
    case NodeType::kWildcard:
      slot->level--;
      if (slot->level == 0) {
        if (node->ancestor) {
          // Reuse the label the step already binds.
          current_scope->ancestry_[static_cast<size_t>(slot->index)]->slot->label =
              node->ancestor->label;
        }
        node->ancestor = slot;
        node->tuple = true;
      }
      break;
    case NodeType::kParent:
      slot->level++;
      break;
    case NodeType::kBlock:
      if (!node->expressions.empty()) {
        node->tuple = true;
        slot = SeekParent(node->expressions.back(), slot);
      }
      break;
    case NodeType::kPath: {
      node->tuple = true;
      int index = static_cast<int>(node->steps.size()) - 1;
      slot = SeekParent(node->steps[static_cast<size_t>(index--)], slot);
      while (slot->level > 0 && index >= 0) {
        slot = SeekParent(node->steps[static_cast<size_t>(index--)], slot);
      }
      break;
    }
    default:
      Fail("S0217", node->position);
  }
  return slot;
}

void PushAncestry(const NodePtr& result, const NodePtr& value) {
  if (!value->seeking_parent && value->type != NodeType::kParent) return;
  SlotList slots =
      value->seeking_parent ? value->seeking_parent : std::make_shared<std::vector<SlotPtr>>();
  if (value->type == NodeType::kParent) slots->push_back(value->slot);
  if (!result->seeking_parent) {
    result->seeking_parent = slots;
  } else {
    result->seeking_parent->insert(result->seeking_parent->end(), slots->begin(), slots->end());
  }
}

void ResolveAncestry(const NodePtr& path) {
  int index = static_cast<int>(path->steps.size()) - 1;
  const NodePtr& last = path->steps[static_cast<size_t>(index)];
  SlotList slots =
      last->seeking_parent ? last->seeking_parent : std::make_shared<std::vector<SlotPtr>>();
  if (last->type == NodeType::kParent) slots->push_back(last->slot);
  for (size_t is = 0; is < slots->size(); ++is) {
    SlotPtr slot = (*slots)[is];
    index = static_cast<int>(path->steps.size()) - 2;
    while (slot->level > 0) {
      if (index < 0) {
        if (!path->seeking_parent) path->seeking_parent = std::make_shared<std::vector<SlotPtr>>();
        path->seeking_parent->push_back(slot);
        break;
      }
      NodePtr step = path->steps[static_cast<size_t>(index--)];
      // Contiguous steps binding the focus count as one.
      while (index >= 0 && !step->focus.empty() &&
             !path->steps[static_cast<size_t>(index)]->focus.empty()) {
        step = path->steps[static_cast<size_t>(index--)];
      }
      slot = SeekParent(step, slot);
    }
  }
}

void ResolvePredicateAncestry(const NodePtr& step, const NodePtr& predicate) {
  if (!predicate->seeking_parent) return;
  for (const SlotPtr& slot : *predicate->seeking_parent) {
    if (slot->level == 1) {
      SeekParent(step, slot);
    } else {
      slot->level--;
    }
  }
  PushAncestry(step, predicate);
}

}  // namespace stepwise::jsonata::internal
