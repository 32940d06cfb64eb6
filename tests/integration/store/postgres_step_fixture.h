// The fixture of the PostgresStore step tests (postgres_commit_step_test,
// postgres_commit_batch_test): a store on the test's fresh database, an
// execution with one open task, and row counts read past the store.
#ifndef STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_STEP_FIXTURE_H_
#define STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_STEP_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/postgres_store.h"
#include "pqxx/pqxx"
#include "tests/integration/store/store_test_util.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence::testing {

class PostgresStepTest : public ::stepwise::testing::PostgresTest {
 protected:
  std::unique_ptr<PostgresStore> Connect(bool apply_migrations = true, int max_connections = 2,
                                         int max_commit_batch = 1) {
    PostgresStoreOptions options;
    options.url = database_url();
    options.max_connections = max_connections;
    options.max_commit_batch = max_commit_batch;
    options.apply_migrations = apply_migrations;
    absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Connect(options);
    EXPECT_THAT(store, ::stepwise::testing::IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }

  // A RUNNING execution at version 1 with open task "t1" on queue "q".
  std::string StartWithTask(PostgresStore& store, std::string_view name = "run") {
    StateMachineRecord machine = MakeStateMachine(StrCat("m-", name));
    EXPECT_THAT(store.CreateStateMachine(machine), ::stepwise::testing::IsOk());
    NewExecution execution = MakeExecution(machine, name);
    const std::string arn = execution.execution.execution_arn;
    execution.first_step.new_tasks = {MakeTask(arn, "t1", "q", T(0))};
    EXPECT_THAT(store.CreateExecution(execution), ::stepwise::testing::IsOk());
    return arn;
  }

  int64_t Count(std::string_view sql) {
    pqxx::connection connection(database_url());
    pqxx::read_transaction tx(connection);
    return tx.exec1(std::string(sql))[0].as<int64_t>();
  }
};

}  // namespace stepwise::persistence::testing

#endif  // STEPWISE_TESTS_INTEGRATION_STORE_POSTGRES_STEP_FIXTURE_H_
