// JSONata function signatures (`<s-nn?:s>`): parsed once, then used to
// check and coerce arguments the way jsonata-js does: a missing `-`
// argument takes the context value, a non-array given for `a` is wrapped
// in an array, `a<n>` checks the items, and a mismatch is T0410/T0411/T0412.
//
//   auto sig = Signature::Parse("<s-n?:s>");
//   std::vector<Value> args = sig->Validate(given, context, "substring", position);
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_SIGNATURE_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_SIGNATURE_H_

#include <memory>
#include <string>
#include <vector>

#include "orchestrator/asl/jsonata/regex.h"
#include "orchestrator/asl/jsonata/value.h"

namespace stepwise::jsonata::internal {

class Signature {
 public:
  // Throws JsonataException S0401/S0402 on a malformed signature, S0303 when
  // its regex is invalid (jsonata-js: a JavaScript SyntaxError).
  static std::shared_ptr<const Signature> Parse(const std::string& text);

  // The arguments to call with. Throws T0410 (wrong type or count), T0411
  // (context substituted but of the wrong type), T0412 (array item type),
  // U1003 (so many arguments that matching them takes too long).
  std::vector<Value> Validate(const std::vector<Value>& args, const Value& context,
                              const std::string& function_name, int position) const;
  // The number of declared parameters (for higher-order function arity).
  int arity() const { return static_cast<int>(params_.size()); }

 private:
  struct Param {
    char type = 'x';
    std::string regex;
    bool context = false;
    std::string context_regex;
    std::string subtype;
  };
  std::vector<Param> params_;
  std::shared_ptr<const JsRegex> full_;
};

// The signature symbol of a value: m (undefined) f s n b l(null) a o.
char SymbolOf(const Value& v);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_SIGNATURE_H_
