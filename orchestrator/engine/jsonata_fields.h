// JSONata-mode field evaluation (AWS "Transforming data with JSONata in Step
// Functions"): `{% expr %}` strings are evaluated, objects and arrays are
// walked for nested `{% %}` strings, everything else is literal. Expressions
// see `$states` ({input, context, result?, errorOutput?}) and the workflow
// variables as `$name`; `$now()`/`$millis()` read the event's time and
// `$random()`/`$uuid()` draw from the step's Entropy, so replays agree.
//
//   JsonataFields fields(states, &scope, event.now, &entropy, &cache);
//   Outcome<json::value> out = fields.Value(*state.output, "Output");
//
// Every failure is States.QueryEvaluationError: a parse or runtime error
// (the cause quotes JSONata's code and message), a value that is undefined
// where one is required, or a value of the wrong type. Causes start with
// "The JSONata expression '...' specified for the field '...'"; the
// interpreter prefixes the state ("An error occurred while executing the
// state 'X' (entered at the event id #N). "), as AWS does.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_JSONATA_FIELDS_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_JSONATA_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/entropy.h"
#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/engine/variables.h"

namespace stepwise::engine {

class JsonataFields {
 public:
  // `states` is bound as `$states`; the visible variables of `variables`
  // (may be null) as `$name`. `entropy` (may be null: a fixed sequence) and
  // `expressions` (may be null: parse on demand) must outlive this object.
  JsonataFields(boost::json::object states, const VariableScope* variables, absl::Time now,
                Entropy* entropy, const ExpressionCache* expressions);

  // Adds or replaces `$states.<key>` (result, errorOutput).
  void SetStates(std::string_view key, boost::json::value value);

  // A field value: a `{% %}` string is evaluated (undefined is an error),
  // objects and arrays recursively, anything else is copied. `field` names
  // the field in causes ("Arguments", "Output/total").
  Outcome<boost::json::value> Value(const boost::json::value& value, std::string_view field);
  // Integer fields (Seconds, TimeoutSeconds, MaxConcurrency): a literal or an
  // expression that must give an integer >= `min`. Absent gives -1.
  Outcome<int64_t> Int(const asl::DynamicInt& value, std::string_view field, int64_t min = 0);
  // String fields (Fail Error/Cause, Wait Timestamp). Absent gives "".
  Outcome<std::string> String(const asl::DynamicString& value, std::string_view field);
  // A Choice rule's Condition: a boolean literal or an expression that must
  // give a boolean.
  Outcome<bool> Condition(const boost::json::value& condition);

 private:
  // Evaluates one `{% %}` text; nullopt when the result is undefined.
  Outcome<std::optional<boost::json::value>> Evaluate(const std::string& text,
                                                      std::string_view field);
  StateError Error(std::string_view text, std::string_view field, std::string_view what) const;

  jsonata::Bindings bindings_;
  jsonata::Environment env_;
  const ExpressionCache* expressions_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_JSONATA_FIELDS_H_
