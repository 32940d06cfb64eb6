// PostgreSQL-only store behaviour: schema migrations (idempotent, safe when
// replicas start together, refusing a database that disagrees) and the
// NOTIFY a step sends when it schedules tasks.
#include "persistence/postgres/postgres_store.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/migrator.h"
#include "pqxx/pqxx"
#include "tests/integration/store/store_test_util.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

class PostgresStoreTest : public ::stepwise::testing::PostgresTest {
 protected:
  int64_t RecordedMigrations() {
    pqxx::connection connection(database_url());
    pqxx::read_transaction tx(connection);
    return tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int64_t>();
  }
};

TEST_F(PostgresStoreTest, MigrationsApplyOnceInOrder) {
  const int embedded = static_cast<int>(EmbeddedMigrations().size());
  ASSERT_GE(embedded, 1);
  for (size_t i = 1; i < EmbeddedMigrations().size(); ++i) {
    EXPECT_LT(EmbeddedMigrations()[i - 1].version, EmbeddedMigrations()[i].version);
  }
  EXPECT_EQ(EmbeddedMigrations()[0].name, "0001_initial");
  absl::StatusOr<int> first = ApplyMigrations(database_url());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, embedded);
  absl::StatusOr<int> second = ApplyMigrations(database_url());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(RecordedMigrations(), embedded);
}

TEST_F(PostgresStoreTest, ConcurrentMigrationsApplyEachOnce) {
  constexpr int kReplicas = 6;
  std::atomic<int> applied{0};
  std::vector<std::thread> replicas;
  replicas.reserve(kReplicas);
  for (int i = 0; i < kReplicas; ++i) {
    replicas.emplace_back([&] {
      absl::StatusOr<int> n = ApplyMigrations(database_url());
      EXPECT_THAT(n, IsOk());
      if (n.ok()) applied += *n;
    });
  }
  for (std::thread& replica : replicas) replica.join();
  EXPECT_EQ(applied.load(), static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_EQ(RecordedMigrations(), static_cast<int64_t>(EmbeddedMigrations().size()));
}

TEST_F(PostgresStoreTest, ConcurrentStoresStartOnOneDatabase) {
  std::vector<std::thread> replicas;
  replicas.reserve(4);
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      PostgresStoreOptions options;
      options.url = database_url();
      options.max_connections = 2;
      EXPECT_THAT(PostgresStore::Connect(options), IsOk());
    });
  }
  for (std::thread& replica : replicas) replica.join();
}

TEST_F(PostgresStoreTest, RefusesDatabaseWithDifferentMigrationName) {
  const std::string sql = "CREATE TABLE t (x int)";
  const Migration ours[] = {{1, "0001_ours", sql}};
  const Migration theirs[] = {{1, "0001_theirs", sql}};
  ASSERT_THAT(ApplyMigrations(database_url(), ours), IsOk());
  EXPECT_THAT(ApplyMigrations(database_url(), theirs),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(PostgresStoreTest, FailedMigrationLeavesNoTrace) {
  const Migration broken[] = {{1, "0001_ok", "CREATE TABLE a (x int)"},
                              {2, "0002_broken", "CREATE TABLE b (x int); SELECT nope FROM b"}};
  EXPECT_THAT(ApplyMigrations(database_url(), broken), StatusIs(absl::StatusCode::kInternal));
  pqxx::connection connection(database_url());
  pqxx::read_transaction tx(connection);
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM schema_migrations")[0].as<int64_t>(), 1);
  EXPECT_TRUE(tx.exec("SELECT 1 FROM pg_tables WHERE tablename = 'b'").empty());
}

TEST_F(PostgresStoreTest, UnreachableDatabaseIsUnavailable) {
  PostgresStoreOptions options;
  options.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  EXPECT_THAT(PostgresStore::Connect(options), StatusIs(absl::StatusCode::kUnavailable));
}

// A step that schedules tasks notifies `stepwise_tasks` with each queue once,
// and only when it commits.
TEST_F(PostgresStoreTest, CommittedTasksNotifyTheirQueues) {
  PostgresStoreOptions options;
  options.url = database_url();
  absl::StatusOr<std::unique_ptr<PostgresStore>> store = PostgresStore::Connect(options);
  ASSERT_THAT(store, IsOk());

  class Listener : public pqxx::notification_receiver {
   public:
    Listener(pqxx::connection_base& c, std::vector<std::string>& out)
        : pqxx::notification_receiver(c, "stepwise_tasks"), out_(out) {}
    void operator()(const std::string& payload, int) override { out_.push_back(payload); }

   private:
    std::vector<std::string>& out_;
  };
  pqxx::connection listen(database_url());
  std::vector<std::string> queues;
  Listener listener(listen, queues);

  StateMachineRecord machine = MakeStateMachine("m");
  ASSERT_THAT((*store)->CreateStateMachine(machine), IsOk());
  NewExecution execution = MakeExecution(machine, "run");
  const std::string arn = execution.execution.execution_arn;
  execution.first_step.new_tasks = {MakeTask(arn, "t1", "alpha", T(0)),
                                    MakeTask(arn, "t2", "alpha", T(0)),
                                    MakeTask(arn, "t3", "beta", T(0))};
  ASSERT_THAT((*store)->CreateExecution(execution), IsOk());
  StepUpdate stale = MakeStep(arn, 2, 2);
  stale.new_tasks = {MakeTask(arn, "t4", "gamma", T(1))};
  EXPECT_THAT((*store)->CommitStep(stale, 7), StatusIs(absl::StatusCode::kAborted));

  StepUpdate next = MakeStep(arn, 2, 2);
  next.new_tasks = {MakeTask(arn, "t5", "delta", T(1))};
  ASSERT_THAT((*store)->CommitStep(next, 1), IsOk());

  // Notifications arrive in commit order: once "delta" is in, the aborted
  // step's "gamma" would have been too. await_notification blocks at most
  // one second per call; the loop is bounded by a deadline.
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (queues.size() < 3 && absl::Now() < deadline) listen.await_notification(1, 0);
  EXPECT_THAT(queues, ::testing::ElementsAre(::testing::AnyOf("alpha", "beta"),
                                             ::testing::AnyOf("alpha", "beta"), "delta"));
  EXPECT_THAT(queues, ::testing::Contains("alpha"));
  EXPECT_THAT(queues, ::testing::Contains("beta"));
}

}  // namespace
}  // namespace stepwise::persistence::testing
