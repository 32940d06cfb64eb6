// PostgresApplicationStore: the ApplicationStore in PostgreSQL, table
// account_applications.applications (schema/*.sql, applied by
// MigrateAccountApplications before use).
//
//   RETURN_IF_ERROR(MigrateAccountApplications(url).status());
//   PostgresApplicationStore store(url, /*max_connections=*/8);
//
// Each operation is one statement or one short transaction; a compare-and-
// set Update is a single UPDATE ... WHERE state = expected, so concurrent
// reviews of one application cannot both win. Thread-safe.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_POSTGRES_APPLICATION_STORE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_POSTGRES_APPLICATION_STORE_H_

#include <string>
#include <string_view>

#include "worker/account_applications/application_store.h"
#include "worker/account_applications/pg_connections.h"

namespace stepwise::account_applications {

class PostgresApplicationStore final : public ApplicationStore {
 public:
  // Connects lazily: a wrong `url` shows as kUnavailable from the first call.
  PostgresApplicationStore(std::string url, int max_connections);

  absl::Status Insert(const Application& application) override;
  absl::StatusOr<Application> Get(std::string_view id) override;
  absl::StatusOr<Application> Update(std::string_view id, const ApplicationChange& change) override;
  absl::Status Delete(std::string_view id) override;
  absl::StatusOr<ApplicationPage> FindByState(ApplicationState state, int page_size,
                                              std::string_view after_id) override;

 private:
  PgConnections connections_;
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_POSTGRES_APPLICATION_STORE_H_
