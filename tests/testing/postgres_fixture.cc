#include "tests/testing/postgres_fixture.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "persistence/embedded/embedded_postgres.h"

namespace stepwise::testing {
namespace {

namespace fs = std::filesystem;
using persistence::EmbeddedPostgres;
using persistence::EmbeddedPostgresOptions;

struct SharedServer {
  std::mutex mu;
  bool attempted = false;
  absl::Status start_status;
  std::unique_ptr<ScopedTempDir> dir;
  std::unique_ptr<EmbeddedPostgres> server;
  int databases = 0;
};

SharedServer& Shared() {
  // The test binary's one server, by design (see the header).
  // NOLINTNEXTLINE(cppcoreguidelines-avoid-non-const-global-variables)
  static auto* shared = new SharedServer();
  return *shared;
}

// Stops the shared server (if one was started) after the last test.
class PostgresEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    SharedServer& shared = Shared();
    std::lock_guard<std::mutex> lock(shared.mu);
    if (shared.server != nullptr) {
      absl::Status stopped = shared.server->Stop();
      if (!stopped.ok()) ADD_FAILURE() << "stopping the shared PostgreSQL: " << stopped;
    }
    shared.server.reset();
    shared.dir.reset();
  }
};

[[maybe_unused]] const ::testing::Environment* const kPostgresEnvironment =
    ::testing::AddGlobalTestEnvironment(new PostgresEnvironment());

}  // namespace

ScopedTempDir::ScopedTempDir(std::string_view prefix) {
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / StrCat(prefix, "-XXXXXX")).string();
  if (mkdtemp(pattern.data()) == nullptr) return;
  chmod(pattern.c_str(), 0711);
  path_ = pattern;
}

ScopedTempDir::~ScopedTempDir() {
  std::error_code ec;
  if (!path_.empty()) fs::remove_all(path_, ec);
}

EmbeddedPostgresOptions TestServerOptions(std::string data_dir) {
  EmbeddedPostgresOptions options;
  options.data_dir = std::move(data_dir);
  options.fast_unsafe = true;
  options.stop_with_owner = true;
  std::error_code ec;
  options.template_dir =
      (fs::temp_directory_path(ec) / StrCat("stepwise-pg-template-", geteuid())).string();
  return options;
}

absl::StatusOr<EmbeddedPostgres*> SharedPostgres() {
  SharedServer& shared = Shared();
  std::lock_guard<std::mutex> lock(shared.mu);
  if (!shared.attempted) {
    shared.attempted = true;
    shared.dir = std::make_unique<ScopedTempDir>("stepwise-pg");
    if (shared.dir->path().empty()) {
      shared.start_status = absl::InternalError("cannot create a temporary directory");
    } else {
      EmbeddedPostgresOptions options = TestServerOptions(StrCat(shared.dir->path(), "/data"));
      struct stat st {};
      if (stat(options.template_dir.c_str(), &st) == 0 && st.st_uid != geteuid()) {
        // Someone else's directory under a name we chose: do not trust it.
        options.template_dir.clear();
      }
      absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> server = EmbeddedPostgres::Start(options);
      shared.start_status = server.status();
      if (server.ok()) shared.server = *std::move(server);
    }
  }
  if (!shared.start_status.ok()) return shared.start_status;
  if (shared.server == nullptr) return absl::FailedPreconditionError("the test server is stopped");
  return shared.server.get();
}

absl::StatusOr<std::string> CreateTestDatabase() {
  absl::StatusOr<EmbeddedPostgres*> server = SharedPostgres();
  if (!server.ok()) return server.status();
  int n = 0;
  {
    SharedServer& shared = Shared();
    std::lock_guard<std::mutex> lock(shared.mu);
    n = ++shared.databases;
  }
  std::string name = StrCat("test_", n);
  if (absl::Status created = (*server)->CreateDatabase(name); !created.ok()) return created;
  return (*server)->ConnectionUrl(name);
}

void PostgresTest::SetUp() {
  absl::StatusOr<std::string> url = CreateTestDatabase();
  ASSERT_TRUE(url.ok()) << "creating the test database: " << url.status();
  database_url_ = *std::move(url);
}

}  // namespace stepwise::testing
