// The conformance suite's PostgreSQL backend: a PostgresStore on a fresh,
// migrated database of the test binary's embedded server.
#ifndef STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_BACKEND_H_
#define STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_BACKEND_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "persistence/execution_store.h"
#include "persistence/postgres/postgres_store.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise::persistence::testing {

struct PostgresBackend {
  static constexpr const char* kName = "Postgres";
  absl::StatusOr<std::unique_ptr<ExecutionStore>> NewStore() {
    absl::StatusOr<std::string> url = ::stepwise::testing::CreateTestDatabase();
    if (!url.ok()) return url.status();
    PostgresStoreOptions options;
    options.url = *url;
    options.max_connections = 8;
    absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Connect(options);
    if (!store.ok()) return store.status();
    return std::unique_ptr<ExecutionStore>(std::move(*store));
  }
};

}  // namespace stepwise::persistence::testing

#endif  // STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_BACKEND_H_
