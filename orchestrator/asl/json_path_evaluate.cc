// EvaluateJsonPath (declared in json_path.h), kept apart from the parser.
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/json_path.h"

namespace stepwise::asl {
namespace {

using Nodes = std::vector<const boost::json::value*>;
using Operand = FilterExpression::Operand;

Nodes Evaluate(const std::vector<PathSegment>& segments, const boost::json::value& start,
               const boost::json::value& root);

void AppendChildren(const boost::json::value& node, Nodes& out) {
  if (const boost::json::object* obj = node.if_object()) {
    for (const auto& member : *obj) out.push_back(&member.value());
  } else if (const boost::json::array* arr = node.if_array()) {
    for (const boost::json::value& element : *arr) out.push_back(&element);
  }
}

// Index `index` of an array of `size`, counting from the end when negative.
std::optional<size_t> ResolveIndex(int64_t index, size_t size) {
  if (index < 0) {
    const uint64_t back = -static_cast<uint64_t>(index);
    if (back > size) return std::nullopt;
    return size - back;
  }
  if (static_cast<uint64_t>(index) >= size) return std::nullopt;
  return static_cast<size_t>(index);
}

// Python's slice.indices() followed by the walk; no signed overflow for any
// int64 bounds and step.
void AppendSlice(const PathSegment& seg, const boost::json::array& arr, Nodes& out) {
  const int64_t len = static_cast<int64_t>(arr.size());
  const int64_t step = seg.slice_step.value_or(1);
  const int64_t lower = step > 0 ? 0 : -1;
  const int64_t upper = step > 0 ? len : len - 1;
  auto clamp = [&](std::optional<int64_t> bound, int64_t fallback) {
    if (!bound.has_value()) return fallback;
    int64_t v = *bound;
    if (v < 0) {
      v = v < -len ? lower : v + len;
      return v < lower ? lower : v;
    }
    return v > upper ? upper : v;
  };
  int64_t i = clamp(seg.slice_start, step > 0 ? lower : upper);
  const int64_t stop = clamp(seg.slice_end, step > 0 ? upper : lower);
  if (step > 0) {
    while (i < stop) {
      out.push_back(&arr[static_cast<size_t>(i)]);
      if (static_cast<uint64_t>(stop - i) <= static_cast<uint64_t>(step)) break;
      i += step;
    }
  } else {
    const uint64_t magnitude = -static_cast<uint64_t>(step);
    while (i > stop) {
      out.push_back(&arr[static_cast<size_t>(i)]);
      if (static_cast<uint64_t>(i - stop) <= magnitude) break;
      i -= static_cast<int64_t>(magnitude);
    }
  }
}

// -1, 0, 1 comparing two numbers, exactly when both are integers.
int CompareNumbers(const boost::json::value& a, const boost::json::value& b) {
  auto sign = [](auto x, auto y) { return x < y ? -1 : (y < x ? 1 : 0); };
  if (!a.is_double() && !b.is_double()) {
    if (a.is_int64() && b.is_int64()) return sign(a.get_int64(), b.get_int64());
    if (a.is_uint64() && b.is_uint64()) return sign(a.get_uint64(), b.get_uint64());
    if (a.is_int64()) {  // b is uint64.
      return a.get_int64() < 0 ? -1 : sign(static_cast<uint64_t>(a.get_int64()), b.get_uint64());
    }
    return b.get_int64() < 0 ? 1 : sign(a.get_uint64(), static_cast<uint64_t>(b.get_int64()));
  }
  auto as_double = [](const boost::json::value& v) {
    if (v.is_int64()) return static_cast<double>(v.get_int64());
    if (v.is_uint64()) return static_cast<double>(v.get_uint64());
    return v.get_double();
  };
  return sign(as_double(a), as_double(b));
}

// Deep equality with numbers compared by value (1 == 1.0). Iterative, so a
// deep document cannot exhaust the stack.
bool JsonEqual(const boost::json::value& x, const boost::json::value& y) {
  std::vector<std::pair<const boost::json::value*, const boost::json::value*>> work = {{&x, &y}};
  while (!work.empty()) {
    auto [a, b] = work.back();
    work.pop_back();
    if (a->is_number() && b->is_number()) {
      if (CompareNumbers(*a, *b) != 0) return false;
      continue;
    }
    if (a->kind() != b->kind()) return false;
    if (const boost::json::object* oa = a->if_object()) {
      const boost::json::object& ob = b->get_object();
      if (oa->size() != ob.size()) return false;
      for (const auto& member : *oa) {
        const boost::json::value* other = ob.if_contains(member.key());
        if (other == nullptr) return false;
        work.emplace_back(&member.value(), other);
      }
    } else if (const boost::json::array* aa = a->if_array()) {
      const boost::json::array& ab = b->get_array();
      if (aa->size() != ab.size()) return false;
      for (size_t i = 0; i < aa->size(); ++i) work.emplace_back(&(*aa)[i], &ab[i]);
    } else if (*a != *b) {  // Strings, bools, nulls.
      return false;
    }
  }
  return true;
}

// An operand's value: missing, one node, or several nodes that compare as
// the array of them. Nodes stay pointers, so nothing deep is copied.
struct Resolved {
  Nodes nodes;
  bool missing() const { return nodes.empty(); }
  bool many() const { return nodes.size() > 1; }
};

Resolved Resolve(const Operand& operand, const boost::json::value& current,
                 const boost::json::value& root) {
  if (operand.kind == Operand::Kind::kLiteral) return Resolved{{&operand.literal}};
  // `$` inside a filter is always the document the whole path started from.
  return Resolved{Evaluate(operand.path.segments,
                           operand.kind == Operand::Kind::kCurrent ? current : root, root)};
}

// `many` (two or more nodes) against `other` as if `many` were an array.
bool EqualAsArray(const Nodes& many, const Resolved& other) {
  if (other.many()) {
    if (other.nodes.size() != many.size()) return false;
    for (size_t i = 0; i < many.size(); ++i) {
      if (!JsonEqual(*many[i], *other.nodes[i])) return false;
    }
    return true;
  }
  const boost::json::array* arr = other.nodes[0]->if_array();
  if (arr == nullptr || arr->size() != many.size()) return false;
  for (size_t i = 0; i < many.size(); ++i) {
    if (!JsonEqual(*many[i], (*arr)[i])) return false;
  }
  return true;
}

bool Equal(const Resolved& a, const Resolved& b) {
  if (a.many()) return EqualAsArray(a.nodes, b);
  if (b.many()) return EqualAsArray(b.nodes, a);
  return JsonEqual(*a.nodes[0], *b.nodes[0]);
}

bool Compare(FilterExpression::Op op, const Resolved& ra, const Resolved& rb) {
  using Op = FilterExpression::Op;
  if (op == Op::kEq) return Equal(ra, rb);
  if (op == Op::kNe) return !Equal(ra, rb);
  if (ra.many() || rb.many()) return false;
  const boost::json::value& a = *ra.nodes[0];
  const boost::json::value& b = *rb.nodes[0];
  int c = 0;
  if (a.is_number() && b.is_number()) {
    c = CompareNumbers(a, b);
  } else if (a.is_string() && b.is_string()) {
    const boost::json::string_view sa = a.get_string();
    const boost::json::string_view sb = b.get_string();
    c = sa < sb ? -1 : (sb < sa ? 1 : 0);
  } else {
    return false;
  }
  switch (op) {
    case Op::kLt:
      return c < 0;
    case Op::kLe:
      return c <= 0;
    case Op::kGt:
      return c > 0;
    case Op::kGe:
      return c >= 0;
    default:
      return false;
  }
}

// Recursion follows the expression tree, whose depth the parser bounds.
bool Matches(const FilterExpression& expr, const boost::json::value& current,
             const boost::json::value& root) {
  switch (expr.kind) {
    case FilterExpression::Kind::kOr:
      for (const auto& child : expr.children) {
        if (Matches(*child, current, root)) return true;
      }
      return false;
    case FilterExpression::Kind::kAnd:
      for (const auto& child : expr.children) {
        if (!Matches(*child, current, root)) return false;
      }
      return true;
    case FilterExpression::Kind::kNot:
      return !Matches(*expr.children.at(0), current, root);
    case FilterExpression::Kind::kExists:
      return !Resolve(expr.lhs, current, root).missing();
    case FilterExpression::Kind::kCompare: {
      const Resolved lhs = Resolve(expr.lhs, current, root);
      if (lhs.missing()) return false;
      const Resolved rhs = Resolve(expr.rhs, current, root);
      if (rhs.missing()) return false;
      return Compare(expr.op, lhs, rhs);
    }
  }
  return false;
}

// `..name` / `..*`: Jayway's scan walks every container from `node` down,
// pre-order, and applies `.name` / `.*` to each.
void AppendDescent(const PathSegment& seg, const boost::json::value& node, Nodes& out) {
  Nodes stack = {&node};
  Nodes children;
  while (!stack.empty()) {
    const boost::json::value* n = stack.back();
    stack.pop_back();
    if (!n->is_object() && !n->is_array()) continue;
    if (seg.field.empty()) {
      AppendChildren(*n, out);
    } else if (const boost::json::object* obj = n->if_object()) {
      if (const boost::json::value* v = obj->if_contains(seg.field)) out.push_back(v);
    }
    children.clear();
    AppendChildren(*n, children);
    stack.insert(stack.end(), children.rbegin(), children.rend());
  }
}

void Apply(const PathSegment& seg, const boost::json::value& node, const boost::json::value& root,
           Nodes& out) {
  const boost::json::object* obj = node.if_object();
  const boost::json::array* arr = node.if_array();
  switch (seg.kind) {
    case PathSegment::Kind::kField:
      if (obj != nullptr) {
        if (const boost::json::value* v = obj->if_contains(seg.field)) out.push_back(v);
      }
      return;
    case PathSegment::Kind::kIndex:
      if (arr != nullptr) {
        if (std::optional<size_t> i = ResolveIndex(seg.index, arr->size())) {
          out.push_back(&(*arr)[*i]);
        }
      }
      return;
    case PathSegment::Kind::kWildcard:
      AppendChildren(node, out);
      return;
    case PathSegment::Kind::kRecursiveDescent:
      AppendDescent(seg, node, out);
      return;
    case PathSegment::Kind::kSlice:
      if (arr != nullptr) AppendSlice(seg, *arr, out);
      return;
    case PathSegment::Kind::kUnion:
      if (obj != nullptr) {
        for (const std::string& name : seg.union_fields) {
          if (const boost::json::value* v = obj->if_contains(name)) out.push_back(v);
        }
      }
      if (arr != nullptr) {
        for (int64_t index : seg.union_indices) {
          if (std::optional<size_t> i = ResolveIndex(index, arr->size())) {
            out.push_back(&(*arr)[*i]);
          }
        }
      }
      return;
    case PathSegment::Kind::kFilter: {
      if (seg.filter == nullptr) return;
      Nodes candidates;
      AppendChildren(node, candidates);
      for (const boost::json::value* c : candidates) {
        if (Matches(*seg.filter, *c, root)) out.push_back(c);
      }
      return;
    }
  }
}

Nodes Evaluate(const std::vector<PathSegment>& segments, const boost::json::value& start,
               const boost::json::value& root) {
  Nodes current = {&start};
  Nodes next;
  for (const PathSegment& seg : segments) {
    next.clear();
    for (const boost::json::value* node : current) Apply(seg, *node, root, next);
    current.swap(next);
    if (current.empty()) break;
  }
  return current;
}

}  // namespace

std::vector<const boost::json::value*> EvaluateJsonPath(const JsonPath& path,
                                                        const boost::json::value& root) {
  return Evaluate(path.segments, root, root);
}

}  // namespace stepwise::asl
