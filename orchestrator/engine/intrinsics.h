// Evaluation of intrinsic functions (AWS "Intrinsic functions for JSONPath
// states"), on calls parsed by asl::ParseIntrinsicCall.
//
//   Outcome<json::value> v = EvaluateIntrinsic(call, input, context);
//
// Failures are StateErrors named States.IntrinsicFailure (bad argument
// values/types at run time) or States.Runtime (a path argument that selects
// nothing), with causes worded as AWS words them.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_H_

#include "boost/json/value.hpp"
#include "orchestrator/asl/intrinsic_function.h"
#include "orchestrator/engine/evaluation_context.h"
#include "orchestrator/engine/state_error.h"

namespace stepwise::engine {

Outcome<boost::json::value> EvaluateIntrinsic(const asl::IntrinsicCall& call,
                                              const boost::json::value& input,
                                              const EvaluationContext& context);

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_INTRINSICS_H_
