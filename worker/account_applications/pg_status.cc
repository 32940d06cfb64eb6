#include "worker/account_applications/pg_status.h"

#include <string>

#include "common/str_cat.h"
#include "pqxx/except"

namespace stepwise::account_applications {
namespace {

// 08 connection exception, 57P0x operator intervention (shutdown, crash
// recovery), 53300 too many connections.
bool IsUnavailableSqlState(const std::string& state) {
  return state.starts_with("08") || state.starts_with("57P") || state == "53300";
}

}  // namespace

absl::Status StatusFromPqxx(const std::exception& e) {
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr ||
      dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) {
    return absl::UnavailableError(StrCat("Database unavailable: ", e.what()));
  }
  if (dynamic_cast<const pqxx::unique_violation*>(&e) != nullptr) {
    return absl::AlreadyExistsError(StrCat("Duplicate key: ", e.what()));
  }
  if (const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e); sql != nullptr) {
    const std::string& state = sql->sqlstate();
    if (state == "40001" || state == "40P01") {
      return absl::AbortedError(StrCat("Transaction conflict: ", e.what()));
    }
    if (IsUnavailableSqlState(state)) {
      return absl::UnavailableError(StrCat("Database unavailable: ", e.what()));
    }
    return absl::InternalError(StrCat("SQL error ", state, ": ", e.what()));
  }
  return absl::InternalError(StrCat("Database error: ", e.what()));
}

bool IsRetryableConnectionLoss(const std::exception& e) {
  // in_doubt_error: the commit may have happened; never retried blindly.
  if (dynamic_cast<const pqxx::in_doubt_error*>(&e) != nullptr ||
      dynamic_cast<const pqxx::statement_completion_unknown*>(&e) != nullptr) {
    return false;
  }
  if (dynamic_cast<const pqxx::broken_connection*>(&e) != nullptr) return true;
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  return sql != nullptr && IsUnavailableSqlState(sql->sqlstate());
}

}  // namespace stepwise::account_applications
