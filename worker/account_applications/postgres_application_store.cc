#include "worker/account_applications/postgres_application_store.h"

#include <optional>
#include <string>
#include <utility>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "pqxx/result"
#include "pqxx/row"
#include "worker/account_applications/store_messages.h"

namespace stepwise::account_applications {
namespace {

constexpr const char* kColumns = "id, name, address, state, reason, task_token, execution_arn";

absl::StatusOr<Application> FromRow(const pqxx::row& row) {
  Application application;
  application.id = row[0].as<std::string>();
  application.name = row[1].as<std::string>();
  application.address = row[2].as<std::string>();
  const std::string state = row[3].as<std::string>();
  std::optional<ApplicationState> parsed = ParseApplicationState(state);
  // The table's CHECK constraint allows only known names; a newer schema
  // could add one this binary does not know.
  if (!parsed.has_value()) {
    return absl::InternalError(StrCat("Application '", application.id, "' has state '", state,
                                      "' unknown to this binary"));
  }
  application.state = *parsed;
  application.reason = row[4].as<std::string>();
  application.task_token = row[5].as<std::string>();
  application.execution_arn = row[6].as<std::string>();
  return application;
}

std::optional<std::string> StateParam(const std::optional<ApplicationState>& state) {
  if (!state.has_value()) return std::nullopt;
  return std::string(ApplicationStateName(*state));
}

}  // namespace

PostgresApplicationStore::PostgresApplicationStore(std::string url, int max_connections)
    : connections_(std::move(url), max_connections) {}

absl::Status PostgresApplicationStore::Insert(const Application& application) {
  absl::Status status = connections_.Transact([&](pqxx::work& tx) {
    tx.exec_params0(StrCat("INSERT INTO account_applications.applications (", kColumns,
                           ") VALUES ($1, $2, $3, $4, $5, $6, $7)"),
                    application.id, application.name, application.address,
                    std::string(ApplicationStateName(application.state)), application.reason,
                    application.task_token, application.execution_arn);
    return absl::OkStatus();
  });
  if (status.code() == absl::StatusCode::kAlreadyExists) return ApplicationExists(application.id);
  return status;
}

absl::StatusOr<Application> PostgresApplicationStore::Get(std::string_view id) {
  absl::StatusOr<Application> application;
  RETURN_IF_ERROR(connections_.Transact([&](pqxx::work& tx) {
    pqxx::result result = tx.exec_params(
        StrCat("SELECT ", kColumns, " FROM account_applications.applications WHERE id = $1"),
        std::string(id));
    application = result.empty() ? ApplicationNotFound(id) : FromRow(result[0]);
    return absl::OkStatus();
  }));
  return application;
}

absl::StatusOr<Application> PostgresApplicationStore::Update(std::string_view id,
                                                             const ApplicationChange& change) {
  absl::StatusOr<Application> application;
  RETURN_IF_ERROR(connections_.Transact([&](pqxx::work& tx) {
    // NULL parameters keep the stored value; $6 is the compare-and-set guard.
    pqxx::result result = tx.exec_params(
        StrCat("UPDATE account_applications.applications SET"
               " state = COALESCE($2, state), reason = COALESCE($3, reason),"
               " task_token = COALESCE($4, task_token),"
               " execution_arn = COALESCE($5, execution_arn), updated_at = now()"
               " WHERE id = $1 AND ($6::text IS NULL OR state = $6::text) RETURNING ",
               kColumns),
        std::string(id), StateParam(change.state), change.reason, change.task_token,
        change.execution_arn, StateParam(change.expected_state));
    if (!result.empty()) {
      application = FromRow(result[0]);
      return absl::OkStatus();
    }
    // Nothing updated: tell a missing application from a state mismatch.
    pqxx::result current = tx.exec_params(
        "SELECT state FROM account_applications.applications WHERE id = $1", std::string(id));
    if (current.empty()) {
      application = ApplicationNotFound(id);
      return absl::OkStatus();
    }
    const std::string actual = current[0][0].as<std::string>();
    std::optional<ApplicationState> parsed = ParseApplicationState(actual);
    application = parsed.has_value() && change.expected_state.has_value()
                      ? UnexpectedState(id, *parsed, *change.expected_state)
                      : absl::InternalError(StrCat("Application '", id, "' has state '", actual,
                                                   "' unknown to this binary"));
    return absl::OkStatus();
  }));
  return application;
}

absl::Status PostgresApplicationStore::Delete(std::string_view id) {
  return connections_.Transact([&](pqxx::work& tx) {
    tx.exec_params0("DELETE FROM account_applications.applications WHERE id = $1", std::string(id));
    return absl::OkStatus();
  });
}

absl::StatusOr<ApplicationPage> PostgresApplicationStore::FindByState(ApplicationState state,
                                                                      int page_size,
                                                                      std::string_view after_id) {
  if (page_size <= 0) return absl::InvalidArgumentError("page_size must be positive");
  absl::StatusOr<ApplicationPage> page;
  RETURN_IF_ERROR(connections_.Transact([&](pqxx::work& tx) {
    // One row more than asked tells whether another page follows.
    pqxx::result result =
        tx.exec_params(StrCat("SELECT ", kColumns,
                              " FROM account_applications.applications WHERE state = $1 AND id > $2"
                              " ORDER BY id LIMIT $3"),
                       std::string(ApplicationStateName(state)), std::string(after_id),
                       static_cast<int64_t>(page_size) + 1);
    ApplicationPage found;
    for (const pqxx::row& row : result) {
      if (static_cast<int>(found.applications.size()) == page_size) {
        found.next_after_id = found.applications.back().id;
        break;
      }
      absl::StatusOr<Application> application = FromRow(row);
      if (!application.ok()) {
        page = application.status();
        return absl::OkStatus();
      }
      found.applications.push_back(*std::move(application));
    }
    page = std::move(found);
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace stepwise::account_applications
