// Every JSONPath and intrinsic call of a state machine, parsed once when the
// Interpreter is built, so that evaluation does not parse text on every
// state transition. Immutable after construction: safe to share between
// threads. Texts it does not hold are parsed on demand by the callers.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/model.h"

namespace stepwise::engine {

class ExpressionCache {
 public:
  explicit ExpressionCache(const asl::StateMachine& machine);

  // Null when `text` was not in the definition (or did not parse).
  const asl::JsonPath* Path(std::string_view text) const;
  const asl::IntrinsicCall* Intrinsic(std::string_view text) const;
  // A JSONata field's expression, keyed by the whole `{% ... %}` text.
  const jsonata::Expression* Jsonata(std::string_view text) const;

 private:
  void AddMachine(const asl::StateMachine& machine);
  void AddPath(const std::string& text);
  void AddTemplate(const boost::json::value& value);
  void AddRule(const asl::ChoiceRule& rule);
  // Every `{% %}` string in `value`, recursively (JSONata-mode fields).
  void AddJsonata(const boost::json::value& value);
  void AddJsonataText(const std::optional<std::string>& text);

  absl::flat_hash_map<std::string, asl::JsonPath> paths_;
  absl::flat_hash_map<std::string, asl::IntrinsicCall> intrinsics_;
  absl::flat_hash_map<std::string, std::shared_ptr<const jsonata::Expression>> jsonata_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_
