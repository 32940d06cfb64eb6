#include "persistence/postgres/migrator.h"

#include <cstdint>
#include <map>
#include <string>

#include "common/str_cat.h"
#include "persistence/postgres/pqxx_status.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "pqxx/result"
#include "pqxx/transaction"

namespace stepwise::persistence {
namespace {

// "Stepwise" in ASCII: the advisory lock every migrating replica takes.
constexpr int64_t kMigrationLock = 0x5374657077697365;

absl::StatusOr<int> Migrate(pqxx::connection& connection, std::span<const Migration> migrations) {
  {
    pqxx::work tx(connection);
    tx.exec0(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version integer PRIMARY KEY,"
        " name text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())");
    tx.commit();
  }
  std::map<int, std::string> applied;
  {
    pqxx::read_transaction tx(connection);
    for (const auto& row : tx.exec("SELECT version, name FROM schema_migrations")) {
      applied[row[0].as<int>()] = row[1].as<std::string>();
    }
  }
  int count = 0;
  for (const Migration& migration : migrations) {
    if (auto it = applied.find(migration.version); it != applied.end()) {
      if (it->second != migration.name) {
        return absl::FailedPreconditionError(StrCat("Database migration ", migration.version,
                                                    " is '", it->second, "' but this binary's is '",
                                                    migration.name, "'"));
      }
      continue;
    }
    pqxx::work tx(connection);
    tx.exec0(std::string(migration.sql));
    tx.exec_params0("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    migration.version, std::string(migration.name));
    tx.commit();
    ++count;
  }
  return count;
}

}  // namespace

absl::StatusOr<int> ApplyMigrations(std::string_view url, std::span<const Migration> migrations) {
  try {
    pqxx::connection connection{std::string(url)};
    // Session-level: held across the per-migration transactions, released
    // explicitly or when the connection closes (even if this process dies).
    pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_lock($1)", kMigrationLock);
    absl::StatusOr<int> result = Migrate(connection, migrations);
    pqxx::nontransaction(connection).exec_params("SELECT pg_advisory_unlock($1)", kMigrationLock);
    return result;
  } catch (const std::exception& e) {
    return FromPqxx(e);
  }
}

}  // namespace stepwise::persistence
