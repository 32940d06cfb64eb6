// $eval(expr [, context]): parses and evaluates a JSONata expression at run
// time, in the caller's variable scope (as jsonata-js does: `$eval("$x")`
// sees the caller's $x, and a binding it makes stays in that scope).
// Syntax errors become D3120, evaluation errors D3121, each carrying the
// inner error's message.
#include "common/str_cat.h"
#include "orchestrator/asl/jsonata/error.h"
#include "orchestrator/asl/jsonata/evaluator.h"
#include "orchestrator/asl/jsonata/function.h"
#include "orchestrator/asl/jsonata/parser.h"

namespace stepwise::jsonata::internal {

void RegisterEvalFunctions(std::map<std::string, std::shared_ptr<const Function>>& r) {
  RegisterBuiltin(r, "eval", "<sx?:x>", 2,
                  [](Evaluator& ev, std::vector<Value>& a, const Value& input, int pos) {
                    if (a[0].IsUndefined()) return Value();
                    Value focus = input;
                    if (!a[1].IsUndefined()) {
                      focus = a[1];
                      // A JSON array focus is one input, as a document is.
                      if (focus.IsArray() && !focus.IsSequence()) {
                        Value wrapper = NewSequence(focus);
                        wrapper.array().outer_wrapper = true;
                        focus = wrapper;
                      }
                    }
                    NodePtr ast;
                    try {
                      ast = ParseExpression(a[0].str());
                    } catch (const JsonataException& e) {
                      Fail("D3120", pos, StrCat("\"", e.message(), "\""));
                    }
                    FramePtr frame = ev.call_frame() ? ev.call_frame() : ev.NewFrame(nullptr);
                    try {
                      return ev.Evaluate(ast, focus, frame);
                    } catch (const JsonataException& e) {
                      Fail("D3121", pos, StrCat("\"", e.message(), "\""));
                    }
                  });
}

}  // namespace stepwise::jsonata::internal
