// jsonata-js's processAST: turns the raw Pratt tree into the evaluated form.
#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/ancestry.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/parser.h"

namespace stepwise::jsonata::internal {
namespace {

NodePtr NewNode(NodeType type, std::string value, int position) {
  auto n = std::make_shared<Node>();
  n->type = type;
  n->value = std::move(value);
  n->position = position;
  return n;
}

bool IsArrayConstructor(const NodePtr& n) { return n->type == NodeType::kUnary && n->value == "["; }

NodePtr ProcessPath(const NodePtr& expr) {
  NodePtr lstep = ProcessAst(expr->lhs);
  NodePtr result;
  if (lstep->type == NodeType::kPath) {
    result = lstep;
  } else {
    result = NewNode(NodeType::kPath, "", expr->position);
    result->steps.push_back(lstep);
  }
  if (lstep->type == NodeType::kParent) {
    result->seeking_parent = std::make_shared<std::vector<SlotPtr>>(1, lstep->slot);
  }
  NodePtr rest = ProcessAst(expr->rhs);
  if (rest->type == NodeType::kPath) {
    result->steps.insert(result->steps.end(), rest->steps.begin(), rest->steps.end());
  } else {
    if (!rest->predicate.empty()) {
      rest->stages = std::move(rest->predicate);
      rest->predicate.clear();
    }
    result->steps.push_back(rest);
  }
  for (const NodePtr& step : result->steps) {
    if (step->type == NodeType::kNumber || step->type == NodeType::kValue) {
      Fail("S0213", step->position,
           step->type == NodeType::kNumber ? NumberToString(step->number) : step->value);
    }
    if (step->type == NodeType::kString) step->type = NodeType::kName;
    if (step->keep_array) result->keep_singleton_array = true;
  }
  if (IsArrayConstructor(result->steps.front())) result->steps.front()->cons_array = true;
  if (IsArrayConstructor(result->steps.back())) result->steps.back()->cons_array = true;
  ResolveAncestry(result);
  return result;
}

NodePtr ProcessBinary(const NodePtr& expr) {
  const std::string& op = expr->value;
  if (op == ".") return ProcessPath(expr);
  if (op == "[") {
    NodePtr result = ProcessAst(expr->lhs);
    NodePtr step = result;
    bool stages = false;
    if (result->type == NodeType::kPath) {
      step = result->steps.back();
      stages = true;
    }
    if (step->has_group) Fail("S0209", expr->position);
    auto filter = ProcessAst(expr->rhs);
    ResolvePredicateAncestry(step, filter);
    (stages ? step->stages : step->predicate).push_back(filter);
    return result;
  }
  if (op == "{") {
    NodePtr result = ProcessAst(expr->lhs);
    if (result->has_group) Fail("S0210", expr->position);
    result->has_group = true;
    result->group_position = expr->position;
    for (const auto& [k, v] : expr->pairs) result->group.emplace_back(ProcessAst(k), ProcessAst(v));
    return result;
  }
  if (op == "^") {
    NodePtr result = ProcessAst(expr->lhs);
    if (result->type != NodeType::kPath) {
      NodePtr path = NewNode(NodeType::kPath, "", expr->position);
      path->steps.push_back(result);
      result = path;
    }
    NodePtr sort = NewNode(NodeType::kSort, "", expr->position);
    for (const SortTerm& t : expr->terms) {
      sort->terms.push_back(SortTerm{t.descending, ProcessAst(t.expression)});
      PushAncestry(sort, sort->terms.back().expression);
    }
    result->steps.push_back(sort);
    ResolveAncestry(result);
    return result;
  }
  if (op == ":=") {
    NodePtr result = NewNode(NodeType::kBind, op, expr->position);
    result->lhs = ProcessAst(expr->lhs);
    result->rhs = ProcessAst(expr->rhs);
    PushAncestry(result, result->rhs);
    return result;
  }
  if (op == "@") {  // focus variable binding: the step's value is bound, not the context
    NodePtr result = ProcessAst(expr->lhs);
    NodePtr step = result->type == NodeType::kPath ? result->steps.back() : result;
    if (!step->stages.empty() || !step->predicate.empty()) Fail("S0215", expr->position);
    if (step->type == NodeType::kSort) Fail("S0216", expr->position);
    if (expr->keep_array) step->keep_array = true;
    step->focus = expr->rhs->value;
    step->tuple = true;
    return result;
  }
  if (op == "#") {  // positional variable binding
    NodePtr result = ProcessAst(expr->lhs);
    NodePtr step = result;
    if (result->type == NodeType::kPath) {
      step = result->steps.back();
    } else {
      result = NewNode(NodeType::kPath, "", expr->position);
      result->steps.push_back(step);
      if (!step->predicate.empty()) {
        step->stages = std::move(step->predicate);
        step->predicate.clear();
      }
    }
    if (step->stages.empty()) {
      step->index_var = expr->rhs->value;
    } else {
      step->stages.push_back(NewNode(NodeType::kIndexStage, expr->rhs->value, expr->position));
    }
    step->tuple = true;
    return result;
  }
  if (op == "~>") {
    NodePtr result = NewNode(NodeType::kApply, op, expr->position);
    result->lhs = ProcessAst(expr->lhs);
    result->rhs = ProcessAst(expr->rhs);
    result->keep_array = result->lhs->keep_array || result->rhs->keep_array;
    return result;
  }
  NodePtr result = NewNode(NodeType::kBinary, op, expr->position);
  result->lhs = ProcessAst(expr->lhs);
  result->rhs = ProcessAst(expr->rhs);
  PushAncestry(result, result->lhs);
  PushAncestry(result, result->rhs);
  return result;
}

}  // namespace

NodePtr ProcessAst(const NodePtr& expr) {
  NodePtr result;
  switch (expr->type) {
    case NodeType::kRawBinary:
      result = ProcessBinary(expr);
      break;
    case NodeType::kRawUnary:
      result = NewNode(NodeType::kUnary, expr->value, expr->position);
      if (expr->value == "[") {
        for (const NodePtr& item : expr->expressions) {
          result->expressions.push_back(ProcessAst(item));
          PushAncestry(result, result->expressions.back());
        }
      } else if (expr->value == "{") {
        for (const auto& [k, v] : expr->pairs) {
          NodePtr key = ProcessAst(k);
          PushAncestry(result, key);
          NodePtr value = ProcessAst(v);
          PushAncestry(result, value);
          result->pairs.emplace_back(key, value);
        }
      } else {
        result->expression = ProcessAst(expr->expression);
        if (expr->value == "-" && result->expression->type == NodeType::kNumber) {
          result = result->expression;
          result->number = -result->number;
        } else {
          PushAncestry(result, result->expression);
        }
      }
      break;
    case NodeType::kFunction:
    case NodeType::kPartial:
      result = NewNode(expr->type, expr->value, expr->position);
      for (const NodePtr& arg : expr->arguments) {
        result->arguments.push_back(ProcessAst(arg));
        PushAncestry(result, result->arguments.back());
      }
      result->procedure = ProcessAst(expr->procedure);
      break;
    case NodeType::kLambda:
      result = NewNode(expr->type, expr->value, expr->position);
      result->arguments = expr->arguments;
      result->signature = expr->signature;
      result->body = ProcessAst(expr->body);
      break;
    case NodeType::kTransform:
      result = NewNode(expr->type, expr->value, expr->position);
      result->lhs = ProcessAst(expr->lhs);
      result->rhs = ProcessAst(expr->rhs);
      if (expr->expression) result->expression = ProcessAst(expr->expression);
      break;
    case NodeType::kCondition:
      result = NewNode(expr->type, expr->value, expr->position);
      result->condition = ProcessAst(expr->condition);
      PushAncestry(result, result->condition);
      result->then = ProcessAst(expr->then);
      PushAncestry(result, result->then);
      if (expr->otherwise) {
        result->otherwise = ProcessAst(expr->otherwise);
        PushAncestry(result, result->otherwise);
      }
      break;
    case NodeType::kBlock:
      result = NewNode(expr->type, expr->value, expr->position);
      for (const NodePtr& item : expr->expressions) {
        NodePtr part = ProcessAst(item);
        PushAncestry(result, part);
        if (part->cons_array ||
            (part->type == NodeType::kPath && part->steps.front()->cons_array)) {
          result->cons_array = true;
        }
        result->expressions.push_back(part);
      }
      break;
    case NodeType::kName:
      result = NewNode(NodeType::kPath, "", expr->position);
      result->steps.push_back(expr);
      if (expr->keep_array) result->keep_singleton_array = true;
      break;
    case NodeType::kOperator:
      if (expr->value == "and" || expr->value == "or" || expr->value == "in") {
        expr->type = NodeType::kName;
        return ProcessAst(expr);
      }
      if (expr->value == "?") return expr;
      if (expr->value == "(end)") Fail("S0207", expr->position);
      Fail("S0201", expr->position, expr->value);
    case NodeType::kParent:
      result = NewParentNode(expr->position);
      break;
    default:
      result = expr;
      break;
  }
  if (expr->keep_array) result->keep_array = true;
  return result;
}

}  // namespace stepwise::jsonata::internal
