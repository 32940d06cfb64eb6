// PostgreSQL for integration tests: one embedded server per test binary
// (started on first use in a temporary directory, without fsync, stopped and
// deleted when the tests end) and a fresh database per test.
//
//   class StoreTest : public stepwise::testing::PostgresTest {};
//   TEST_F(StoreTest, Commits) {
//     pqxx::connection c(database_url());  // postgresql://...@127.0.0.1:PORT/test_3
//     ...
//   }
//
// ctest runs every test case in its own process, so each process pays for
// one server start; initdb runs once per machine and user (the cluster is
// copied from a template kept in the system's temporary directory).
#ifndef STEPWISE_TESTS_TESTING_POSTGRES_FIXTURE_H_
#define STEPWISE_TESTS_TESTING_POSTGRES_FIXTURE_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "persistence/embedded/embedded_postgres.h"

namespace stepwise::testing {

// A new directory under the system's temporary directory, removed (with
// everything in it) on destruction. Searchable by other users, so that an
// unprivileged server user can reach a data directory inside it.
class ScopedTempDir {
 public:
  explicit ScopedTempDir(std::string_view prefix = "stepwise-test");
  ScopedTempDir(const ScopedTempDir&) = delete;
  ScopedTempDir& operator=(const ScopedTempDir&) = delete;
  ~ScopedTempDir();

  // Empty if the directory could not be created.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Options for tests that run their own EmbeddedPostgres on `data_dir`:
// fast_unsafe, the shared template cluster, stop_with_owner.
persistence::EmbeddedPostgresOptions TestServerOptions(std::string data_dir);

// The test binary's shared server, started on first use (a failed start is
// remembered and returned again). Thread-safe.
absl::StatusOr<persistence::EmbeddedPostgres*> SharedPostgres();

// Creates an empty database test_<n> on the shared server and returns its URL.
absl::StatusOr<std::string> CreateTestDatabase();

// Base fixture: every test gets a fresh database on the shared server.
class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override;

  const std::string& database_url() const { return database_url_; }

 private:
  std::string database_url_;
};

}  // namespace stepwise::testing

#endif  // STEPWISE_TESTS_TESTING_POSTGRES_FIXTURE_H_
