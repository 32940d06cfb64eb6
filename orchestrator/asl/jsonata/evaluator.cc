#include "orchestrator/asl/jsonata/evaluator.h"

#include <algorithm>

#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/helpers.h"
#include "orchestrator/asl/jsonata/matcher.h"

namespace stepwise::jsonata::internal {
namespace {

// Deep enough for real expressions and recursive lambdas over modest
// inputs, shallow enough to fail (U1001) well before the native stack.
constexpr int kMaxDepth = 900;

// Sets the evaluator's call frame for the duration of a call.
struct CallFrameGuard {
  CallFrameGuard(FramePtr& s, const FramePtr& frame) : slot(s), saved(s) { slot = frame; }
  ~CallFrameGuard() { slot = saved; }
  FramePtr& slot;
  FramePtr saved;
};

struct DepthGuard {
  explicit DepthGuard(int& d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
  int& depth;
};

// Drops the expired entries of `list` once it reaches `prune_at`, and sets
// the next threshold to twice what is left (amortized O(1) per entry).
template <typename T>
void PruneExpired(std::vector<std::weak_ptr<T>>& list, size_t& prune_at) {
  if (list.size() < prune_at) return;
  std::erase_if(list, [](const std::weak_ptr<T>& w) { return w.expired(); });
  prune_at = std::max<size_t>(1024, 2 * list.size());
}

}  // namespace

Evaluator::~Evaluator() {
  for (const std::weak_ptr<Frame>& weak : frames_) {
    if (FramePtr frame = weak.lock()) frame->Clear();
  }
  // The result was converted to JSON already (a function there is ""): no
  // function made here is called after this. Cutting every reference they
  // hold breaks any cycle through them; the values they held are released
  // after the loop, so none is destroyed while a lock is held.
  std::vector<Value> released;
  for (const std::weak_ptr<Function>& weak : functions_) {
    if (std::shared_ptr<Function> f = weak.lock()) {
      released.push_back(std::move(f->input));
      released.push_back(std::move(f->first));
      released.push_back(std::move(f->second));
      for (Value& b : f->bound) released.push_back(std::move(b));
      f->input = f->first = f->second = Value();
      f->bound.clear();
      f->frame.reset();
      if (f->kind == Function::Kind::kBuiltin) f->impl = nullptr;  // a transformer's frame
    }
  }
  for (const std::weak_ptr<Object>& weak : changed_) {
    if (std::shared_ptr<Object> object = weak.lock()) {
      for (auto& [key, value] : object->members) released.push_back(std::move(value));
      object->members.clear();
    }
  }
}

FramePtr Evaluator::NewFrame(FramePtr parent) {
  PruneExpired(frames_, frames_prune_at_);
  auto frame = std::make_shared<Frame>(std::move(parent));
  frames_.push_back(frame);
  return frame;
}

Value Evaluator::Track(std::shared_ptr<Function> f) {
  PruneExpired(functions_, functions_prune_at_);
  functions_.push_back(f);
  return Value::Of(std::shared_ptr<const Function>(std::move(f)));
}

void Evaluator::TrackChanged(const std::shared_ptr<Object>& object) {
  if (!changed_.empty() && changed_.back().lock() == object) return;
  PruneExpired(changed_, changed_prune_at_);
  changed_.push_back(object);
}

Value Evaluator::Evaluate(const NodePtr& expr, const Value& input, const FramePtr& env) {
  DepthGuard guard(depth_);
  if (depth_ > kMaxDepth) Fail("U1001", expr->position);
  Value result;
  try {
    result = EvaluateInner(expr, input, env);
  } catch (JsonataException& e) {
    // Errors raised without a position (value helpers) take the innermost
    // expression's, as jsonata-js fills them in on the way up.
    if (e.position() < 0) e.set_position(expr->position);
    throw;
  }
  if (!expr->predicate.empty()) {
    for (const NodePtr& filter : expr->predicate) result = EvaluateFilter(filter, result, env);
  }
  if (expr->type != NodeType::kPath && expr->has_group) {
    result = EvaluateGroup(expr->group, expr->group_position, result, env);
  }
  if (result.IsSequence() && !result.array().tuple_stream) {
    Array& seq = result.array();
    if (expr->keep_array) seq.keep_singleton = true;
    if (seq.items.empty()) return Value();
    if (seq.items.size() == 1 && !seq.keep_singleton) return seq.items[0];
  }
  return result;
}

Value Evaluator::EvaluateInner(const NodePtr& expr, const Value& input, const FramePtr& env) {
  switch (expr->type) {
    case NodeType::kPath:
      return EvaluatePath(expr, input, env);
    case NodeType::kBinary:
      return EvaluateBinary(expr, input, env);
    case NodeType::kUnary:
      return EvaluateUnary(expr, input, env);
    case NodeType::kName:
      return LookupField(input, expr->value);
    case NodeType::kString:
      return Value::String(expr->value);
    case NodeType::kNumber:
      return Value::Number(expr->number);
    case NodeType::kValue:
      return expr->literal;
    case NodeType::kWildcard:
      return Wildcard(input);
    case NodeType::kDescendant:
      return Descendants(input);
    case NodeType::kCondition: {
      Value condition = Evaluate(expr->condition, input, env);
      if (Truthy(condition)) return Evaluate(expr->then, input, env);
      if (expr->otherwise) return Evaluate(expr->otherwise, input, env);
      return Value();
    }
    case NodeType::kBlock: {
      FramePtr frame = NewFrame(env);
      Value result;
      for (const NodePtr& e : expr->expressions) result = Evaluate(e, input, frame);
      return result;
    }
    case NodeType::kBind: {
      Value value = Evaluate(expr->rhs, input, env);
      env->Bind(expr->lhs->value, value);
      return value;
    }
    case NodeType::kRegex:
      return MakeRegexClosure(expr->regex);
    case NodeType::kFunction:
      return EvaluateFunction(expr, input, env, nullptr);
    case NodeType::kPartial:
      return EvaluatePartial(expr, input, env);
    case NodeType::kVariable:
      if (expr->value.empty()) {
        if (input.IsArray() && input.array().outer_wrapper) return input.array().items[0];
        return input;
      }
      return env->Lookup(expr->value);
    case NodeType::kLambda: {
      auto f = std::make_shared<Function>();
      f->kind = Function::Kind::kLambda;
      f->lambda = expr;
      f->input = input;
      f->frame = env;
      f->signature = expr->signature;
      f->arity = static_cast<int>(expr->arguments.size());
      return Track(std::move(f));
    }
    case NodeType::kApply:
      return EvaluateApply(expr, input, env);
    case NodeType::kSort:
      return EvaluateSort(expr, input, env);
    case NodeType::kTransform:
      return MakeTransformer(*this, expr, env);
    case NodeType::kParent:
      return env->Lookup(expr->slot->label);
    default:
      Fail("S0500", expr->position, expr->value);
  }
}

Value Evaluator::EvaluateFunction(const NodePtr& expr, const Value& input, const FramePtr& env,
                                  const Value* apply_to) {
  Value proc = Evaluate(expr->procedure, input, env);
  const NodePtr& p = expr->procedure;
  std::string name = p->type == NodeType::kPath ? p->steps[0]->value : p->value;
  if (proc.IsUndefined() && p->type == NodeType::kPath && p->steps[0]->type == NodeType::kName &&
      !env->Lookup(name).IsUndefined()) {
    Fail("T1005", expr->position, name);
  }
  std::vector<Value> args;
  if (apply_to != nullptr) args.push_back(*apply_to);
  for (const NodePtr& arg : expr->arguments) args.push_back(Evaluate(arg, input, env));
  CallFrameGuard call_frame(call_frame_, env);
  try {
    return Apply(proc, std::move(args), input, expr->position);
  } catch (JsonataException& e) {
    if (e.position() < 0) e.set_position(expr->position);
    throw;
  }
}

Value Evaluator::EvaluatePartial(const NodePtr& expr, const Value& input, const FramePtr& env) {
  Value proc = Evaluate(expr->procedure, input, env);
  if (!proc.IsFunction()) {
    Fail("T1008", expr->position,
         expr->procedure->type == NodeType::kPath ? expr->procedure->steps[0]->value : "");
  }
  auto f = std::make_shared<Function>();
  f->kind = Function::Kind::kPartial;
  f->first = proc;
  int placeholders = 0;
  for (const NodePtr& arg : expr->arguments) {
    if (arg->type == NodeType::kOperator && arg->value == "?") {
      f->bound.push_back(Value());
      ++placeholders;
    } else {
      f->bound.push_back(Evaluate(arg, input, env));
    }
  }
  f->arity = placeholders;
  return Track(std::move(f));
}

Value Evaluator::EvaluateApply(const NodePtr& expr, const Value& input, const FramePtr& env) {
  Value lhs = Evaluate(expr->lhs, input, env);
  if (expr->rhs->type == NodeType::kFunction) {
    return EvaluateFunction(expr->rhs, input, env, &lhs);
  }
  Value func = Evaluate(expr->rhs, input, env);
  if (!func.IsFunction()) Fail("T2006", expr->position);
  if (lhs.IsFunction()) {
    auto f = std::make_shared<Function>();
    f->kind = Function::Kind::kCompose;
    f->first = lhs;
    f->second = func;
    f->arity = 1;
    return Track(std::move(f));
  }
  CallFrameGuard call_frame(call_frame_, env);
  return Apply(func, {lhs}, Value::Null(), expr->position);
}

Value Evaluator::Apply(const Value& proc, std::vector<Value> args, const Value& input,
                       int position) {
  if (!proc.IsFunction()) Fail("T1006", position);
  const Function& f = proc.function();
  switch (f.kind) {
    case Function::Kind::kBuiltin: {
      // A built-in without a signature (a regex match's next()) takes its
      // arguments as they come.
      std::vector<Value> validated =
          f.signature ? f.signature->Validate(args, input, StrCat("$", f.name), position) : args;
      return f.impl(*this, validated, input, position);
    }
    case Function::Kind::kLambda: {
      if (f.signature) args = f.signature->Validate(args, input, "lambda", position);
      DepthGuard guard(depth_);
      FramePtr frame = NewFrame(f.frame);
      for (size_t i = 0; i < f.lambda->arguments.size(); ++i) {
        frame->Bind(f.lambda->arguments[i]->value, i < args.size() ? args[i] : Value());
      }
      return Evaluate(f.lambda->body, f.input, frame);
    }
    case Function::Kind::kRegex:
      return CallRegexClosure(proc, args, position);
    case Function::Kind::kCompose: {
      // Compositions and partials nest without evaluating anything (a
      // $reduce can build a chain of a million): count them as levels.
      DepthGuard guard(depth_);
      if (depth_ > kMaxDepth) Fail("U1001", position);
      Value mid = Apply(f.first, std::move(args), Value::Null(), position);
      return Apply(f.second, {mid}, Value::Null(), position);
    }
    case Function::Kind::kPartial: {
      DepthGuard guard(depth_);
      if (depth_ > kMaxDepth) Fail("U1001", position);
      std::vector<Value> full;
      size_t next = 0;
      for (const Value& b : f.bound) {
        if (b.IsUndefined() && next < args.size()) {
          full.push_back(args[next++]);
        } else {
          full.push_back(b);
        }
      }
      return Apply(f.first, std::move(full), input, position);
    }
  }
  Fail("T1006", position);
}

int Evaluator::Arity(const Value& fn) { return fn.IsFunction() ? fn.function().arity : 0; }

Value Evaluator::CallWithItem(const Value& fn, const Value& item, int index, const Value& array,
                              int position) {
  std::vector<Value> args{item};
  int arity = Arity(fn);
  if (arity >= 2) args.push_back(Value::Number(index));
  if (arity >= 3) args.push_back(array);
  return Apply(fn, std::move(args), Value::Null(), position);
}

}  // namespace stepwise::jsonata::internal
