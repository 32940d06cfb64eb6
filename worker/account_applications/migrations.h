// The Account Applications service's own versioned schema migrations
// (schema/NNNN_name.sql beside this file, embedded at build time). Its tables
// live in the PostgreSQL schema "account_applications", with their own
// account_applications.schema_migrations, so the service can share a
// database with the orchestrator without touching its tables.
//
//   ASSIGN_OR_RETURN(int applied, MigrateAccountApplications(database_url));
//
// Safe when several instances start at once: a session advisory lock (a key
// of this service's own) serializes them, and each migration commits in one
// transaction together with its row in schema_migrations.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MIGRATIONS_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "absl/status/statusor.h"

namespace stepwise::account_applications {

struct Migration {
  int version;            // NNNN from the file name; strictly increasing.
  std::string_view name;  // The file name without ".sql", e.g. "0001_create_applications".
  std::string_view sql;
};

// The migrations built into this binary, ascending.
std::span<const Migration> EmbeddedMigrations();

// Applies the migrations the database at `url` lacks and returns how many.
// kFailedPrecondition when the database recorded a migration under another
// name; kUnavailable when it cannot be reached. A database migrated further
// by a newer binary is accepted as is.
absl::StatusOr<int> MigrateAccountApplications(
    std::string_view url, std::span<const Migration> migrations = EmbeddedMigrations());

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MIGRATIONS_H_
