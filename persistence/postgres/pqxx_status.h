// FromPqxx: the one place where libpqxx exceptions become absl::Status.
// Everything under persistence/postgres/ catches std::exception at its
// boundary and returns FromPqxx(e); no exception leaves this folder.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_PQXX_STATUS_H_
#define STEPWISE_PERSISTENCE_POSTGRES_PQXX_STATUS_H_

#include <exception>
#include <string_view>

#include "absl/status/status.h"

namespace stepwise::persistence {

// serialization_failure, deadlock_detected             -> kAborted (retry the read-modify-write)
// broken_connection, shutdown/connection SQLSTATEs,
//   in-doubt commits, too many connections              -> kUnavailable (retry the call)
// unique_violation                                      -> kAlreadyExists
// anything else (bugs, bad SQL, std::bad_alloc)         -> kInternal
absl::Status FromPqxx(const std::exception& e);

// The same for an error known by its SQLSTATE and message (as a PL/pgSQL
// handler reports one it caught: GET STACKED DIAGNOSTICS).
absl::Status StatusFromSqlState(std::string_view state, std::string_view message);

// Whether the connection that threw `e` must be thrown away.
bool IsConnectionLost(const std::exception& e);

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_PQXX_STATUS_H_
