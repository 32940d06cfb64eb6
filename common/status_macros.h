// Status propagation macros. Abseil 20220623 (Debian 12) ships no
// absl/status/status_macros.h, so Stepwise keeps these two here.
//
//   absl::Status Load(...) {
//     RETURN_IF_ERROR(Validate(x));
//     ASSIGN_OR_RETURN(Definition def, Parse(text));
//     ...
//   }
#ifndef STEPWISE_COMMON_STATUS_MACROS_H_
#define STEPWISE_COMMON_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status) and returns it from the enclosing
// function when it is not OK.
#define RETURN_IF_ERROR(expr)                            \
  do {                                                   \
    ::absl::Status stepwise_status_ = (expr);            \
    if (!stepwise_status_.ok()) return stepwise_status_; \
  } while (false)

#define STEPWISE_STATUS_CONCAT_INNER_(a, b) a##b
#define STEPWISE_STATUS_CONCAT_(a, b) STEPWISE_STATUS_CONCAT_INNER_(a, b)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status from
// the enclosing function, otherwise move-assigns the value to `lhs`, which
// may be a declaration (`ASSIGN_OR_RETURN(auto x, F())`).
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  STEPWISE_ASSIGN_OR_RETURN_IMPL_(STEPWISE_STATUS_CONCAT_(stepwise_statusor_, __LINE__), lhs, rexpr)

#define STEPWISE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                    \
  if (!statusor.ok()) return std::move(statusor).status();    \
  lhs = std::move(statusor).value()

#endif  // STEPWISE_COMMON_STATUS_MACROS_H_
