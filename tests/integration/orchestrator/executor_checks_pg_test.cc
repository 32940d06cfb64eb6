// The executor checks suite (tests/unit/service/executor_checks_suite.h) on
// PostgreSQL: missing activities and DELETING state machines, durably.
#include <memory>
#include <utility>

#include "gtest/gtest.h"
#include "persistence/postgres/postgres_store.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/service/executor_checks_suite.h"

namespace stepwise::service::testing {
namespace {

class PostgresBackend : public ::stepwise::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (HasFatalFailure()) return;
    persistence::PostgresStoreOptions options;
    options.url = database_url();
    options.max_connections = 2;
    auto store = persistence::PostgresStore::Connect(options);
    ASSERT_THAT(store, ::stepwise::testing::IsOk());
    store_ = std::move(*store);
  }

  persistence::ExecutionStore& store() { return *store_; }

 private:
  std::unique_ptr<persistence::PostgresStore> store_;
};

INSTANTIATE_TYPED_TEST_SUITE_P(Postgres, ExecutorChecksTest, PostgresBackend);

}  // namespace
}  // namespace stepwise::service::testing
