// JSONPath input and output processing (ASL spec "Input and Output
// Processing"), in AWS's order:
//   raw input -> InputPath -> Parameters -> (task) -> ResultSelector
//             -> ResultPath (merge into the raw input) -> OutputPath -> output
// Each step returns the new value or a StateError (States.Runtime for a path
// that selects nothing where a value is required, as AWS reports it;
// States.ResultPathMatchFailure when ResultPath cannot be applied).
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_DATA_FLOW_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_DATA_FLOW_H_

#include <optional>
#include <string_view>
#include <utility>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"
#include "orchestrator/asl/json_path.h"
#include "orchestrator/asl/model.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine {

// A selected document that refers into the value it was selected from when
// it can (InputPath absent or `$`, a definite path), so that selecting copies
// nothing until the caller needs a value of its own. A referring Selection
// is valid only while that value (the input, the context object, the
// variables) is alive and unchanged: use it at once.
class Selection {
 public:
  static Selection Ref(const boost::json::value& node) {
    Selection s;
    s.ref_ = &node;
    return s;
  }
  static Selection Own(boost::json::value value) {
    Selection s;
    s.owned_ = std::move(value);
    return s;
  }
  const boost::json::value& get() const { return ref_ != nullptr ? *ref_ : owned_; }
  // A value of its own: a copy of the node referred to, or the one owned.
  boost::json::value Take() && { return ref_ != nullptr ? *ref_ : std::move(owned_); }

 private:
  const boost::json::value* ref_ = nullptr;
  boost::json::value owned_;
};

// SelectPath without the copy (see Selection).
Outcome<Selection> SelectPathRef(std::string_view path, const boost::json::value& input,
                                 const EvaluationContext& context, std::string_view field);
// ApplyInputPath without the copy.
Outcome<Selection> SelectInputPath(const std::optional<asl::PathField>& path,
                                   const boost::json::value& value,
                                   const EvaluationContext& context);

// Selects `path` ($- or $$-rooted) from `input`/the context object. A
// definite path (fields and indices only) yields the single node and fails if
// it is missing; an indefinite one yields the array of all matches (possibly
// empty), as Jayway JSONPath does. `field` names the field for error causes.
Outcome<boost::json::value> SelectPath(std::string_view path, const boost::json::value& input,
                                       const EvaluationContext& context, std::string_view field);

// The document `path` reads: `input` for `$`, the context object for `$$`
// (an empty object when the context has none), the variable's value for
// `$name`; null when that variable is not defined.
const boost::json::value* PathRoot(const asl::JsonPath& path, const boost::json::value& input,
                                   const EvaluationContext& context);
// The States.Runtime error for a path that reads an undefined variable.
StateError UndefinedVariable(const asl::JsonPath& path, std::string_view field);

// InputPath / OutputPath: absent -> the value itself; null -> {}.
Outcome<boost::json::value> ApplyInputPath(const std::optional<asl::PathField>& path,
                                           const boost::json::value& value,
                                           const EvaluationContext& context);
Outcome<boost::json::value> ApplyOutputPath(const std::optional<asl::PathField>& path,
                                            const boost::json::value& value,
                                            const EvaluationContext& context);
// The same, consuming `value`: no copy when there is no OutputPath.
Outcome<boost::json::value> ApplyOutputPath(const std::optional<asl::PathField>& path,
                                            boost::json::value&& value,
                                            const EvaluationContext& context);

// A payload template (Parameters, ItemSelector, ResultSelector): keys ending
// in `.$` are replaced (name without `.$`) by the path's selection or the
// intrinsic call's result; other values are copied, recursively.
Outcome<boost::json::value> ApplyPayloadTemplate(const boost::json::value& payload_template,
                                                 const boost::json::value& input,
                                                 const EvaluationContext& context);

// A JSONPath-mode Assign object -> {variable name: value}: `name.$` keys take
// the path's selection or the intrinsic's result (`$` is `input`), other keys
// their value (nested objects are payload templates). Every reference reads
// the variables of `context` as they are, so all assignments of one Assign
// see the values from before it (parallel assignment).
Outcome<boost::json::object> EvaluateAssign(const boost::json::value& assign,
                                            const boost::json::value& input,
                                            const EvaluationContext& context);

// ResultPath: absent -> the result replaces the input; null -> the input is
// kept and the result discarded; a `$`-rooted reference path -> the result is
// placed at that path inside a copy of `state_input`, creating missing objects.
// `expressions` (optional) holds the path already parsed.
Outcome<boost::json::value> ApplyResultPath(const std::optional<asl::PathField>& path,
                                            const boost::json::value& state_input,
                                            boost::json::value result,
                                            const ExpressionCache* expressions = nullptr);

// ResultPath applied to `document` itself instead of a copy (a Pass state
// whose input is replaced by its output anyway). Only for a non-empty
// `$`-rooted path of fields that `document`'s objects can take; otherwise
// nullopt, and `document` and `result` are untouched (use ApplyResultPath,
// which also reports the errors). On success `result` is moved into
// `document` at the path, exactly as ApplyResultPath would place it in its
// copy, and the returned record lets UndoResultPath restore `document`.
struct ResultPathUndo {
  // Null: nothing to undo (a document moved through unchanged).
  const asl::JsonPath* path = nullptr;
  // The first segment whose field was added (the objects from there on are
  // new); SIZE_MAX when the last field existed and `previous` holds its value.
  size_t created_at = SIZE_MAX;
  boost::json::value previous;
};
std::optional<ResultPathUndo> ApplyResultPathInPlace(const std::optional<asl::PathField>& path,
                                                     boost::json::value& document,
                                                     boost::json::value& result,
                                                     const ExpressionCache* expressions);
// Puts `document` (as ApplyResultPathInPlace left it) back as it was.
void UndoResultPath(ResultPathUndo& undo, boost::json::value& document);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_DATA_FLOW_H_
