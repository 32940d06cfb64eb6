#include "orchestrator/asl/jsonata/function.h"

namespace stepwise::jsonata::internal {
namespace {

using Registry = std::map<std::string, std::shared_ptr<const Function>>;

const Registry& Builtins() {
  static const Registry* registry = [] {
    auto* r = new Registry;
    RegisterStringFunctions(*r);
    RegisterRegexFunctions(*r);
    RegisterNumericFunctions(*r);
    RegisterArrayFunctions(*r);
    RegisterObjectFunctions(*r);
    RegisterDateFunctions(*r);
    RegisterStepFunctionsFunctions(*r);
    RegisterEvalFunctions(*r);
    return r;
  }();
  return *registry;
}

}  // namespace

Frame::~Frame() {
  ReleaseScope scope;
  for (const auto& [name, v] : vars_) scope.Hold(v);
  scope.Hold(parent_);
  vars_.clear();
  parent_.reset();
}

Function::~Function() {
  ReleaseScope scope;
  for (const Value* v : {&input, &first, &second}) scope.Hold(*v);
  for (const Value& v : bound) scope.Hold(v);
  scope.Hold(frame);
  input = first = second = Value();
  bound.clear();
  frame.reset();
}

Value Frame::Lookup(const std::string& name) const {
  for (const Frame* f = this; f != nullptr; f = f->parent_.get()) {
    auto it = f->vars_.find(name);
    if (it != f->vars_.end()) return it->second;
  }
  std::shared_ptr<const Function> builtin = FindBuiltin(name);
  return builtin ? Value::Of(builtin) : Value();
}

std::shared_ptr<const Function> FindBuiltin(const std::string& name) {
  const Registry& r = Builtins();
  auto it = r.find(name);
  return it == r.end() ? nullptr : it->second;
}

void RegisterBuiltin(Registry& registry, const std::string& name, const std::string& signature,
                     int arity, BuiltinImpl impl) {
  auto f = std::make_shared<Function>();
  f->kind = Function::Kind::kBuiltin;
  f->name = name;
  f->signature = Signature::Parse(signature);
  f->arity = arity;
  f->impl = std::move(impl);
  registry[name] = std::move(f);
}

}  // namespace stepwise::jsonata::internal
