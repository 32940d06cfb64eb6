// Where libpqxx exceptions become absl::Status for the Account Applications
// store. Workers must not depend on persistence/ (worker/README.md), so this
// is a small copy of persistence/postgres/pqxx_status.h's rules for the
// cases this service meets. No exception leaves the store's files.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_STATUS_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_STATUS_H_

#include <exception>

#include "absl/status/status.h"

namespace stepwise::account_applications {

// serialization failure, deadlock          -> kAborted
// lost connection, server shutting down,
//   commit outcome unknown                 -> kUnavailable
// unique violation                         -> kAlreadyExists
// anything else                            -> kInternal
absl::Status StatusFromPqxx(const std::exception& e);

// Whether the connection that threw `e` is unusable and the statement
// certainly did not commit, so a retry on a new connection is safe.
bool IsRetryableConnectionLoss(const std::exception& e);

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_PG_STATUS_H_
