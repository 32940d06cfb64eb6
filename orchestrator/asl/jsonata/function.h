// Callable JSONata values: built-in functions, lambdas (closures over their
// defining frame and input), regex closures (matcher.h) and `~>`
// compositions; and the variable frames lambdas close over.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_FUNCTION_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_FUNCTION_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/ast.h"
#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/signature.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

class Evaluator;

// A scope of variable bindings; the root frame's parent is null and lookups
// that miss every frame fall back to the built-in functions.
class Frame {
 public:
  explicit Frame(std::shared_ptr<Frame> parent) : parent_(std::move(parent)) {}
  Frame(const Frame&) = delete;
  Frame& operator=(const Frame&) = delete;
  // Frees the bindings iteratively (see ReleaseScope in value.h): a
  // chain of closures over closures' frames can be a million long.
  ~Frame();
  void Bind(const std::string& name, Value value) { vars_[name] = std::move(value); }
  // Undefined if unbound.
  Value Lookup(const std::string& name) const;
  // Drops every binding: breaks the frame -> closure -> frame cycles a
  // recursive lambda makes, once an evaluation is over.
  void Clear() { vars_.clear(); }

 private:
  std::shared_ptr<Frame> parent_;
  std::map<std::string, Value> vars_;
};
using FramePtr = std::shared_ptr<Frame>;

// Calls a built-in with its validated arguments. `input` is the context.
using BuiltinImpl =
    std::function<Value(Evaluator& ev, std::vector<Value>& args, const Value& input, int position)>;

struct Function {
  Function() = default;
  Function(const Function&) = delete;
  Function& operator=(const Function&) = delete;
  // Frees what the function holds iteratively (see ReleaseScope).
  ~Function();

  enum class Kind { kBuiltin, kLambda, kRegex, kCompose, kPartial };
  Kind kind = Kind::kBuiltin;
  std::string name;  // built-ins: without '$'
  std::shared_ptr<const Signature> signature;
  int arity = 0;  // what higher-order functions pass (JS Function#length)
  BuiltinImpl impl;
  // kLambda
  NodePtr lambda;
  Value input;
  FramePtr frame;
  // kRegex: the pattern, and the closure's JavaScript lastIndex (mutable
  // state of one evaluation's closure, as jsonata-js's RegExp object).
  std::shared_ptr<const JsRegex> regex;
  std::shared_ptr<size_t> last_index;
  // kCompose: second(first(x)); kPartial: target with `bound` (undefined = placeholder)
  Value first, second;
  std::vector<Value> bound;
};

// The built-in function named `name` (without '$'), or null.
std::shared_ptr<const Function> FindBuiltin(const std::string& name);

// Adds built-ins to the registry; called once per category from
// function_registry.cc.
void RegisterBuiltin(std::map<std::string, std::shared_ptr<const Function>>& registry,
                     const std::string& name, const std::string& signature, int arity,
                     BuiltinImpl impl);

void RegisterStringFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterRegexFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterNumericFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterArrayFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterObjectFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterDateFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterStepFunctionsFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);
void RegisterEvalFunctions(std::map<std::string, std::shared_ptr<const Function>>& r);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_FUNCTION_H_
