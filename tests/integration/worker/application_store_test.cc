// Every ApplicationStore (memory, PostgreSQL) passes the same suite; the
// PostgreSQL one also its migrations. Each test gets a fresh database.
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/migrator.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"
#include "worker/account_applications/memory_application_store.h"
#include "worker/account_applications/migrations.h"
#include "worker/account_applications/postgres_application_store.h"

namespace stepwise::account_applications {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::HasSubstr;

struct MemoryBackend {
  static std::unique_ptr<ApplicationStore> Make(const std::string& /*url*/) {
    return std::make_unique<MemoryApplicationStore>();
  }
};

struct PostgresBackend {
  static std::unique_ptr<ApplicationStore> Make(const std::string& url) {
    absl::StatusOr<int> migrated = MigrateAccountApplications(url);
    EXPECT_THAT(migrated, IsOk());
    return std::make_unique<PostgresApplicationStore>(url, 4);
  }
};

class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int /*index*/) {
    return std::is_same_v<T, MemoryBackend> ? "Memory" : "Postgres";
  }
};

Application MakeApplication(const std::string& id, const std::string& name = "Spock") {
  Application application;
  application.id = id;
  application.name = name;
  application.address = "123 Enterprise Street";
  return application;
}

template <typename Backend>
class AccountApplicationStoreTest : public stepwise::testing::PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    store_ = Backend::Make(database_url());
  }

  std::unique_ptr<ApplicationStore> store_;
};

using Backends = ::testing::Types<MemoryBackend, PostgresBackend>;
TYPED_TEST_SUITE(AccountApplicationStoreTest, Backends, BackendNames);

TYPED_TEST(AccountApplicationStoreTest, InsertThenGetReturnsEveryField) {
  Application application = MakeApplication("application_1", "Ŝpock \"the\" 'evil' ☃");
  application.state = ApplicationState::kFlaggedForReview;
  application.reason = "why";
  application.task_token = "token";
  application.execution_arn = "arn:aws:states:us-east-1:1:execution:M:application_1";
  ASSERT_THAT(this->store_->Insert(application), IsOk());
  EXPECT_EQ(this->store_->Get("application_1").value(), application);
}

TYPED_TEST(AccountApplicationStoreTest, DuplicateAndUnknownIdsAreErrors) {
  ASSERT_THAT(this->store_->Insert(MakeApplication("application_1")), IsOk());
  const absl::Status duplicate = this->store_->Insert(MakeApplication("application_1", "Kirk"));
  EXPECT_THAT(duplicate, StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(duplicate.message(), "Application 'application_1' already exists");
  EXPECT_EQ(this->store_->Get("application_1").value().name, "Spock");

  const absl::StatusOr<Application> missing = this->store_->Get("application_2");
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(missing.status().message(), "Application 'application_2' does not exist");
  EXPECT_THAT(this->store_->Update("application_2", {.state = ApplicationState::kApproved}),
              StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(AccountApplicationStoreTest, UpdateSetsOnlyTheGivenFields) {
  Application application = MakeApplication("application_1");
  application.execution_arn = "arn";
  ASSERT_THAT(this->store_->Insert(application), IsOk());

  absl::StatusOr<Application> flagged = this->store_->Update(
      "application_1", {.state = ApplicationState::kFlaggedForReview, .task_token = "token-1"});
  ASSERT_THAT(flagged, IsOk());
  EXPECT_EQ(flagged->state, ApplicationState::kFlaggedForReview);
  EXPECT_EQ(flagged->task_token, "token-1");
  EXPECT_EQ(flagged->execution_arn, "arn");
  EXPECT_EQ(flagged->name, "Spock");

  absl::StatusOr<Application> cleared = this->store_->Update(
      "application_1", {.state = ApplicationState::kFlaggedWithUnprocessableData,
                        .reason = "bad",
                        .task_token = ""});
  ASSERT_THAT(cleared, IsOk());
  EXPECT_EQ(cleared->task_token, "");
  EXPECT_EQ(cleared->reason, "bad");
  EXPECT_EQ(this->store_->Get("application_1").value(), *cleared);
}

TYPED_TEST(AccountApplicationStoreTest, CompareAndSetRefusesAnotherStateAndChangesNothing) {
  ASSERT_THAT(this->store_->Insert(MakeApplication("application_1")), IsOk());
  const absl::StatusOr<Application> refused = this->store_->Update(
      "application_1", {.state = ApplicationState::kReviewApproved,
                        .expected_state = ApplicationState::kFlaggedForReview});
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(refused.status().message(),
            "Application 'application_1' is SUBMITTED, not FLAGGED_FOR_REVIEW");
  EXPECT_EQ(this->store_->Get("application_1").value().state, ApplicationState::kSubmitted);

  EXPECT_THAT(
      this->store_->Update("application_1", {.state = ApplicationState::kFlaggedForReview,
                                             .expected_state = ApplicationState::kSubmitted}),
      IsOk());
}

TYPED_TEST(AccountApplicationStoreTest, ConcurrentCompareAndSetHasOneWinner) {
  Application application = MakeApplication("application_1");
  application.state = ApplicationState::kFlaggedForReview;
  ASSERT_THAT(this->store_->Insert(application), IsOk());
  std::atomic<int> wins = 0;
  std::atomic<int> refusals = 0;
  std::vector<std::thread> reviewers;
  for (int i = 0; i < 6; ++i) {
    reviewers.emplace_back([&, i] {
      const absl::StatusOr<Application> result = this->store_->Update(
          "application_1", {.state = i % 2 == 0 ? ApplicationState::kReviewApproved
                                                : ApplicationState::kReviewRejected,
                            .expected_state = ApplicationState::kFlaggedForReview});
      if (result.ok()) ++wins;
      if (result.status().code() == absl::StatusCode::kFailedPrecondition) ++refusals;
    });
  }
  for (std::thread& reviewer : reviewers) reviewer.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(refusals.load(), 5);
}

TYPED_TEST(AccountApplicationStoreTest, DeleteRemovesAndIgnoresUnknownIds) {
  ASSERT_THAT(this->store_->Insert(MakeApplication("application_1")), IsOk());
  EXPECT_THAT(this->store_->Delete("application_1"), IsOk());
  EXPECT_THAT(this->store_->Get("application_1"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store_->Delete("application_1"), IsOk());
}

TYPED_TEST(AccountApplicationStoreTest, FindByStatePagesInIdOrder) {
  // Inserted out of order; "application_B" < "application_a" in byte order.
  for (const std::string id :
       {"application_c", "application_a", "application_B", "application_d", "application_e"}) {
    ASSERT_THAT(this->store_->Insert(MakeApplication(id)), IsOk());
  }
  ASSERT_THAT(this->store_->Update("application_d", {.state = ApplicationState::kApproved}),
              IsOk());

  std::vector<std::string> ids;
  std::string after;
  int pages = 0;
  do {
    absl::StatusOr<ApplicationPage> page =
        this->store_->FindByState(ApplicationState::kSubmitted, 2, after);
    ASSERT_THAT(page, IsOk());
    for (const Application& application : page->applications) ids.push_back(application.id);
    after = page->next_after_id;
    ASSERT_LT(++pages, 10);
  } while (!after.empty());
  EXPECT_EQ(ids, (std::vector<std::string>{"application_B", "application_a", "application_c",
                                           "application_e"}));
  EXPECT_EQ(pages, 2);  // The last page is known to be last: no empty third page.

  absl::StatusOr<ApplicationPage> approved =
      this->store_->FindByState(ApplicationState::kApproved, 10, "");
  ASSERT_THAT(approved, IsOk());
  ASSERT_EQ(approved->applications.size(), 1u);
  EXPECT_EQ(approved->applications[0].id, "application_d");
  EXPECT_THAT(this->store_->FindByState(ApplicationState::kRejected, 10, ""), IsOk());
  EXPECT_THAT(this->store_->FindByState(ApplicationState::kSubmitted, 0, ""),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

class AccountApplicationsMigrationsTest : public stepwise::testing::PostgresTest {};

TEST_F(AccountApplicationsMigrationsTest, ApplyOnceAndAgainIsANoOp) {
  EXPECT_EQ(MigrateAccountApplications(database_url()).value(),
            static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_EQ(MigrateAccountApplications(database_url()).value(), 0);
}

TEST_F(AccountApplicationsMigrationsTest, ConcurrentStartsMigrateOnce) {
  constexpr int kInstances = 4;
  std::vector<absl::StatusOr<int>> results(kInstances, 0);
  std::vector<std::thread> instances;
  for (int i = 0; i < kInstances; ++i) {
    instances.emplace_back([&, i] { results[i] = MigrateAccountApplications(database_url()); });
  }
  for (std::thread& instance : instances) instance.join();
  int applied = 0;
  for (const absl::StatusOr<int>& result : results) {
    ASSERT_THAT(result, IsOk());
    applied += *result;
  }
  EXPECT_EQ(applied, static_cast<int>(EmbeddedMigrations().size()));
}

TEST_F(AccountApplicationsMigrationsTest, SharesADatabaseWithTheOrchestrator) {
  ASSERT_THAT(persistence::ApplyMigrations(database_url()), IsOk());
  ASSERT_THAT(MigrateAccountApplications(database_url()), IsOk());
  pqxx::connection connection(database_url());
  pqxx::nontransaction tx(connection);
  // Both migration histories exist side by side, each in its own schema.
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM account_applications.schema_migrations")[0].as<int>(),
            static_cast<int>(EmbeddedMigrations().size()));
  EXPECT_GE(tx.exec1("SELECT count(*) FROM public.schema_migrations")[0].as<int>(), 1);
  EXPECT_FALSE(tx.exec1("SELECT to_regclass('account_applications.applications')")[0].is_null());
}

TEST_F(AccountApplicationsMigrationsTest, AnotherMigrationUnderTheSameVersionIsRefused) {
  ASSERT_THAT(MigrateAccountApplications(database_url()), IsOk());
  const Migration other[] = {{1, "0001_something_else", "SELECT 1"}};
  const absl::StatusOr<int> result = MigrateAccountApplications(database_url(), other);
  EXPECT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("0001_something_else"));
}

TEST(AccountApplicationsUnreachableTest, AnUnreachableDatabaseIsUnavailable) {
  // Port 1 on localhost: nothing listens there.
  const std::string url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2";
  EXPECT_THAT(MigrateAccountApplications(url), StatusIs(absl::StatusCode::kUnavailable));
  PostgresApplicationStore store(url, 1);
  EXPECT_THAT(store.Get("application_1"), StatusIs(absl::StatusCode::kUnavailable));
}

}  // namespace
}  // namespace stepwise::account_applications
