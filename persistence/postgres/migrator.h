// Versioned schema migrations (persistence/schema/NNNN_name.sql), embedded in
// the binary at build time and applied on start.
//
//   ASSIGN_OR_RETURN(int applied, ApplyMigrations(url));
//
// Safe when several replicas start at once: a session advisory lock
// serializes them, and each migration commits in its own transaction
// together with its row in schema_migrations, so a crash leaves the
// database at a clean version.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_MIGRATOR_H_
#define STEPWISE_PERSISTENCE_POSTGRES_MIGRATOR_H_

#include <span>
#include <string_view>

#include "absl/status/statusor.h"

namespace stepwise::persistence {

struct Migration {
  int version;            // NNNN from the file name; strictly increasing.
  std::string_view name;  // The file name without ".sql", e.g. "0001_initial".
  std::string_view sql;
};

// The migrations built into this binary, ascending (generated from
// persistence/schema/*.sql by CMake).
std::span<const Migration> EmbeddedMigrations();

// Applies the migrations the database at `url` lacks and returns how many.
// kFailedPrecondition when the database recorded a migration under another
// name (the binary and the database disagree); kUnavailable when the
// database is unreachable. A database migrated further by a newer binary is
// accepted as is.
absl::StatusOr<int> ApplyMigrations(std::string_view url,
                                    std::span<const Migration> migrations = EmbeddedMigrations());

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_MIGRATOR_H_
