#include "persistence/postgres/pqxx_status.h"

#include <string>

#include "common/str_cat.h"
#include "pqxx/except"

namespace stepwise::persistence {
namespace {

// SQLSTATE classes that mean "this server or connection is going away":
// 08 connection exception, 57P0x operator intervention (shutdown, crash
// recovery), 53300 too many connections.
bool IsUnavailableSqlState(std::string_view state) {
  return state.starts_with("08") || state.starts_with("57P") || state == "53300";
}

}  // namespace

absl::Status FromPqxx(const std::exception& e) {
  if (dynamic_cast<const pqxx::serialization_failure*>(&e) != nullptr ||
      dynamic_cast<const pqxx::deadlock_detected*>(&e) != nullptr) {
    return absl::AbortedError(StrCat("Transaction conflict: ", e.what()));
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return absl::UnavailableError(StrCat("Database unavailable: ", e.what()));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(StrCat("Duplicate key: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    return StatusFromSqlState(sql->sqlstate(), e.what());
  }
  return absl::InternalError(StrCat("Database error: ", e.what()));
}

absl::Status StatusFromSqlState(std::string_view state, std::string_view message) {
  if (state == "40001" || state == "40P01") {
    return absl::AbortedError(StrCat("Transaction conflict: ", message));
  }
  if (IsUnavailableSqlState(state)) {
    return absl::UnavailableError(StrCat("Database unavailable: ", message));
  }
  if (state == "23505") return absl::AlreadyExistsError(StrCat("Duplicate key: ", message));
  return absl::InternalError(StrCat("SQL error ", state, ": ", message));
}

bool IsConnectionLost(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr ||
      dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr) {
    return true;
  }
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql != nullptr && IsUnavailableSqlState(sql->sqlstate());
}

}  // namespace stepwise::persistence
