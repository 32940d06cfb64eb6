// The JSONata parser: a Pratt (top-down operator precedence) parser ported
// from jsonata-js, followed by its AST post-processing (paths flattened to
// steps, predicates attached to steps).
//
//   NodePtr ast = internal::ParseExpression("Account.Order[0].Product");
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_PARSER_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_PARSER_H_

#include <string_view>

#include "orchestrator/asl/jsonata/ast.h"

namespace stepwise::jsonata::internal {

// Throws JsonataException with an S0xxx code and position on a syntax error.
NodePtr ParseExpression(std::string_view source);

// jsonata-js's processAST: the raw Pratt tree to the evaluated form.
NodePtr ProcessAst(const NodePtr& raw);

}  // namespace stepwise::jsonata::internal

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_PARSER_H_
