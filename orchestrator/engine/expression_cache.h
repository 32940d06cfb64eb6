// Every JSONPath and intrinsic call of a state machine, parsed once when the
// Interpreter is built, so that evaluation does not parse text on every
// state transition. Immutable after construction: safe to share between
// threads. Texts it does not hold are parsed on demand by the callers.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/model.h"

namespace stepwise::engine {

class ExpressionCache {
 public:
  explicit ExpressionCache(const asl::StateMachine& machine);

  // Null when `text` was not in the definition (or did not parse). A view
  // of the definition's own text (the model's string, a template's value)
  // is found by its address, without hashing the text.
  const asl::JsonPath* Path(std::string_view text) const;
  const asl::IntrinsicCall* Intrinsic(std::string_view text) const;
  // A JSONata field's expression, keyed by the whole `{% ... %}` text.
  const jsonata::Expression* Jsonata(std::string_view text) const;

 private:
  void AddMachine(const asl::StateMachine& machine);
  // `text` views the definition's own storage (see Path).
  void AddPath(std::string_view text);
  // Fills by_address_ once every text has been added (the maps' values
  // move while they grow).
  void IndexAddresses();
  void AddTemplate(const boost::json::value& value);
  void AddRule(const asl::ChoiceRule& rule);
  // Every `{% %}` string in `value`, recursively (JSONata-mode fields).
  void AddJsonata(const boost::json::value& value);
  void AddJsonataText(const std::optional<std::string>& text);

  absl::flat_hash_map<std::string, asl::JsonPath> paths_;
  // The definition's texts by the address of their characters: the machine
  // is immutable and outlives this cache, so an address names one text.
  struct ByAddress {
    size_t size = 0;
    const asl::JsonPath* path = nullptr;
    const asl::IntrinsicCall* intrinsic = nullptr;
  };
  absl::flat_hash_map<const char*, ByAddress> by_address_;
  std::vector<std::string_view> added_;  // Until IndexAddresses.
  absl::flat_hash_map<std::string, asl::IntrinsicCall> intrinsics_;
  absl::flat_hash_map<std::string, std::shared_ptr<const jsonata::Expression>> jsonata_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_EXPRESSION_CACHE_H_
