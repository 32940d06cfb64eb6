#include "worker/account_applications/migrations.h"

#include <cstdint>
#include <map>
#include <string>

#include "common/str_cat.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "pqxx/result"
#include "pqxx/transaction"
#include "worker/account_applications/pg_status.h"

namespace stepwise::account_applications {
namespace {

// "AcctApps" in ASCII: distinct from the orchestrator's migration lock, so
// the two never wait for each other.
constexpr int64_t kMigrationLock = 0x4163637441707073;

absl::StatusOr<int> Migrate(pqxx::connection& connection, std::span<const Migration> migrations) {
  {
    pqxx::work tx(connection);
    tx.exec0("CREATE SCHEMA IF NOT EXISTS account_applications");
    tx.exec0(
        "CREATE TABLE IF NOT EXISTS account_applications.schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  std::map<int, std::string> applied;
  {
    pqxx::read_transaction tx(connection);
    for (const auto& row :
         tx.exec("SELECT version, name FROM account_applications.schema_migrations")) {
      applied[row[0].as<int>()] = row[1].as<std::string>();
    }
  }
  int count = 0;
  for (const Migration& migration : migrations) {
    if (auto it = applied.find(migration.version); it != applied.end()) {
      if (it->second != migration.name) {
        return absl::FailedPreconditionError(
            StrCat("Account applications migration ", migration.version, " is '", it->second,
                   "' in the database but '", migration.name, "' in this binary"));
      }
      continue;
    }
    pqxx::work tx(connection);
    tx.exec0(std::string(migration.sql));
    tx.exec_params0(
        "INSERT INTO account_applications.schema_migrations (version, name) VALUES ($1, $2)",
        migration.version, std::string(migration.name));
    tx.commit();
    ++count;
  }
  return count;
}

}  // namespace

absl::StatusOr<int> MigrateAccountApplications(std::string_view url,
                                               std::span<const Migration> migrations) {
  try {
    pqxx::connection connection{std::string(url)};
    // Session-level: held across the per-migration transactions, released
    // explicitly or when the connection closes (even if this process dies).
    // CREATE SCHEMA/TABLE IF NOT EXISTS are not safe against each other
    // without it either.
    pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);
    absl::StatusOr<int> result = Migrate(connection, migrations);
    pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_unlock($1)", kMigrationLock);
    return result;
  } catch (const std::exception& e) {
    return StatusFromPqxx(e);
  }
}

}  // namespace stepwise::account_applications
