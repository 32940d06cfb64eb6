// The embedded PostgreSQL launcher against the system's real binaries: start,
// query, stop, restart on the same data directory, and recovery from an
// owner that died without stopping its server.
#include "persistence/embedded/embedded_postgres.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/embedded/internal/postmaster_pid.h"
#include "pqxx/pqxx"
#include "tests/testing/await.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence {
namespace {

namespace fs = std::filesystem;
using embedded_internal::ClassifyPostmaster;
using embedded_internal::ParsePostmasterPid;
using embedded_internal::PostmasterState;
using ::stepwise::testing::AwaitTrue;
using ::stepwise::testing::IsOk;
using ::stepwise::testing::PostgresTest;
using ::stepwise::testing::ScopedTempDir;
using ::stepwise::testing::StatusIs;
using ::stepwise::testing::TestServerOptions;

std::string QueryOne(const std::string& url, const std::string& sql) {
  pqxx::connection connection(url);
  pqxx::work work(connection);
  pqxx::result result = work.exec(sql);
  work.commit();
  return result.empty() || result[0].empty() || result[0][0].is_null() ? "" : result[0][0].c_str();
}

bool CanConnect(const std::string& url) {
  try {
    pqxx::connection connection(url);
    return connection.is_open();
  } catch (const pqxx::broken_connection&) {
    return false;
  }
}

// What a child process that started a server reports to the test.
struct ChildReport {
  int port = 0;
  pid_t server_pid = 0;
};

// Forks a child that starts the server of `options.data_dir`, creates table
// t holding `value`, and exits without stopping the server, as an
// orchestrator killed with kill -9 would.
std::optional<ChildReport> StartInChildAndDie(const EmbeddedPostgresOptions& options, int value) {
  int fds[2];
  if (pipe(fds) != 0) return std::nullopt;
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
    if (!pg.ok()) _exit(1);
    try {
      // fast_unsafe turns synchronous_commit off, and a killed server would
      // lose commits still in its WAL buffers: this one must reach the OS.
      QueryOne((*pg)->connection_url(),
               StrCat("SET synchronous_commit = on; CREATE TABLE IF NOT EXISTS t (x int); "
                      "INSERT INTO t VALUES (",
                      value, ") RETURNING x"));
    } catch (const std::exception&) {
      _exit(2);
    }
    ChildReport report{(*pg)->port(), (*pg)->server_pid()};
    if (write(fds[1], &report, sizeof(report)) != sizeof(report)) _exit(3);
    _exit(0);  // No Stop(), no destructors.
  }
  close(fds[1]);
  ChildReport report;
  bool got = read(fds[0], &report, sizeof(report)) == sizeof(report);
  close(fds[0]);
  int wstatus = 0;
  waitpid(child, &wstatus, 0);
  if (!got || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) return std::nullopt;
  return report;
}

pid_t DeadPid() {
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  return child;
}

void WritePidFile(const std::string& pgdata, pid_t pid, int port) {
  std::ofstream out(StrCat(pgdata, "/postmaster.pid"), std::ios::trunc);
  out << pid << "\n"
      << pgdata << "\n1700000000\n"
      << port << "\n"
      << pgdata << "\n127.0.0.1\n  5432001         0\nready   \n";
}

// Starts the server of `options.data_dir` (initializing it) and stops it
// cleanly; returns its cluster directory, empty on failure.
std::string StartAndStop(const EmbeddedPostgresOptions& options) {
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  EXPECT_THAT(pg, IsOk());
  if (!pg.ok()) return "";
  EXPECT_THAT((*pg)->Stop(), IsOk());
  return (*pg)->pgdata();
}

TEST(EmbeddedPostgresTest, StartsQueriesAndStops) {
  ScopedTempDir dir;
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg =
      EmbeddedPostgres::Start(TestServerOptions(StrCat(dir.path(), "/data")));
  ASSERT_THAT(pg, IsOk());
  const std::string url = (*pg)->connection_url();
  EXPECT_EQ(url, StrCat("postgresql://stepwise@127.0.0.1:", (*pg)->port(), "/postgres"));
  EXPECT_FALSE((*pg)->reused_running_server());
  EXPECT_EQ(QueryOne(url, "SELECT current_user"), "stepwise");
  EXPECT_GE(std::stoi(QueryOne(url, "SHOW server_version_num")), 150000);
  EXPECT_EQ(QueryOne(url, "SHOW listen_addresses"), "127.0.0.1");
  EXPECT_EQ(QueryOne(url, "SHOW server_encoding"), "UTF8");
  EXPECT_EQ(QueryOne(url, "SHOW fsync"), "off");
  EXPECT_TRUE(fs::exists(StrCat((*pg)->socket_dir(), "/.s.PGSQL.", (*pg)->port())));

  ASSERT_THAT((*pg)->Stop(), IsOk());
  EXPECT_FALSE(CanConnect(url));
  EXPECT_FALSE(fs::exists(StrCat((*pg)->pgdata(), "/postmaster.pid")));
  EXPECT_THAT((*pg)->Stop(), IsOk());
}

TEST(EmbeddedPostgresTest, IsDurableByDefault) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  options.fast_unsafe = false;
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SHOW fsync"), "on");
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SHOW synchronous_commit"), "on");
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SHOW full_page_writes"), "on");
}

TEST(EmbeddedPostgresTest, RestartOnSameDataDirKeepsData) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  {
    absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
    ASSERT_THAT(pg, IsOk());
    QueryOne((*pg)->connection_url(), "CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)");
  }  // The destructor stops the server.
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_FALSE((*pg)->reused_running_server());
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT x FROM kept"), "7");
}

TEST(EmbeddedPostgresTest, ReusesServerLeftRunningByDeadOwner) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  options.stop_with_owner = false;  // The server must outlive the child.
  std::optional<ChildReport> child = StartInChildAndDie(options, 42);
  ASSERT_TRUE(child.has_value());

  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_TRUE((*pg)->reused_running_server());
  EXPECT_EQ((*pg)->port(), child->port);
  EXPECT_EQ((*pg)->server_pid(), child->server_pid);
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT x FROM t"), "42");

  ASSERT_THAT((*pg)->Stop(), IsOk());
  EXPECT_FALSE(CanConnect((*pg)->connection_url()));
  EXPECT_NE(ClassifyPostmaster(child->server_pid, (*pg)->pgdata()), PostmasterState::kOurs);
}

TEST(EmbeddedPostgresTest, RestartsAfterOwnerAndServerWereKilled) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  options.stop_with_owner = false;
  std::optional<ChildReport> child = StartInChildAndDie(options, 5);
  ASSERT_TRUE(child.has_value());
  const std::string pgdata = StrCat(fs::canonical(dir.path()).string(), "/data/pgdata");
  ASSERT_EQ(kill(child->server_pid, SIGKILL), 0);
  ASSERT_TRUE(AwaitTrue(
      [&] { return ClassifyPostmaster(child->server_pid, pgdata) == PostmasterState::kDead; },
      absl::Seconds(10)));
  ASSERT_TRUE(fs::exists(StrCat(pgdata, "/postmaster.pid")));  // Stale now.

  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_FALSE((*pg)->reused_running_server());
  EXPECT_NE((*pg)->server_pid(), child->server_pid);
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT x FROM t"), "5");
}

TEST(EmbeddedPostgresTest, StopWithOwnerShutsTheServerDownWhenItsOwnerDies) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  ASSERT_TRUE(options.stop_with_owner);
  std::optional<ChildReport> child = StartInChildAndDie(options, 1);
  ASSERT_TRUE(child.has_value());
  const std::string pgdata = StrCat(fs::canonical(dir.path()).string(), "/data/pgdata");
  EXPECT_TRUE(AwaitTrue(
      [&] { return ClassifyPostmaster(child->server_pid, pgdata) == PostmasterState::kDead; },
      absl::Seconds(10)));
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_FALSE((*pg)->reused_running_server());
}

// Stands in for `postgres` (`--version` as the real one at REAL): as a server
// it does what PostgreSQL does when another process took its port after it
// was picked: it writes the first lines of postmaster.pid (its pid and port
// included) before binding, fails to bind, and exits a moment later.
constexpr char kPortTakenServer[] = R"sh(#!/bin/sh
if [ "$1" = "--version" ]; then exec "$REAL/postgres" "$@"; fi
data=""; port=""
while [ $# -gt 0 ]; do
  case "$1" in
    -D) data="$2"; shift 2 ;;
    -c) case "$2" in port=*) port="${2#port=}" ;; esac; shift 2 ;;
    *) shift ;;
  esac
done
printf '%s\n%s\n%s\n%s\n%s\n' "$$" "$data" "$(date +%s)" "$port" "$data" > "$data/postmaster.pid"
sleep 1
echo "LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use" >&2
echo "FATAL:  could not create any TCP/IP sockets" >&2
rm -f "$data/postmaster.pid"
exit 1
)sh";

// A bin_dir whose postgres is kPortTakenServer (initdb and pg_ctl: the real
// ones in `real`); empty on failure.
std::string PortTakenBinDir(const std::string& parent, const std::string& real) {
  const std::string bin = StrCat(parent, "/bin");
  std::string script = kPortTakenServer;
  script.replace(script.find("$REAL"), 5, real);
  // rwxr-xr-x: the server's user (postgres, when we are root) runs it.
  constexpr fs::perms kRunnable = fs::perms::owner_all | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read |
                                  fs::perms::others_exec;
  std::error_code ec;
  if (!fs::create_directory(bin, ec)) return "";
  for (const char* tool : {"initdb", "pg_ctl"}) {
    fs::create_symlink(StrCat(real, "/", tool), StrCat(bin, "/", tool), ec);
    if (ec) return "";
  }
  if (!(std::ofstream(StrCat(bin, "/postgres")) << script)) return "";
  fs::permissions(bin, kRunnable, ec);
  if (!ec) fs::permissions(StrCat(bin, "/postgres"), kRunnable, ec);
  return ec ? "" : bin;
}

// Another server listens on the port ours was to use: ours writes its pid
// file (pid and port right), fails to bind and exits, while the stranger
// answers pings on that port all along. Start must not take the stranger for
// its own server.
TEST(EmbeddedPostgresTest, NeverTakesAnotherServerOnItsPortForItsOwn) {
  absl::StatusOr<EmbeddedPostgres*> stranger = ::stepwise::testing::SharedPostgres();
  ASSERT_THAT(stranger, IsOk());
  ScopedTempDir dir;
  const std::string bin = PortTakenBinDir(dir.path(), (*stranger)->bin_dir());
  ASSERT_FALSE(bin.empty());
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  options.bin_dir = bin;
  options.port = (*stranger)->port();

  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  EXPECT_THAT(pg, StatusIs(absl::StatusCode::kFailedPrecondition));
  if (!pg.ok()) {
    EXPECT_THAT(std::string(pg.status().message()),
                ::testing::HasSubstr(StrCat("port ", options.port, " on 127.0.0.1 is in use")));
  }
  EXPECT_EQ(QueryOne((*stranger)->connection_url(), "SELECT 1"), "1");
}

TEST(EmbeddedPostgresTest, LongDataDirPutsTheSocketInTmp) {
  ScopedTempDir dir;
  std::string data_dir = StrCat(dir.path(), "/", std::string(100, 'd'));
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg =
      EmbeddedPostgres::Start(TestServerOptions(data_dir));
  ASSERT_THAT(pg, IsOk());
  EXPECT_EQ((*pg)->socket_dir(), "/tmp");
  EXPECT_TRUE(fs::exists(StrCat("/tmp/.s.PGSQL.", (*pg)->port())));
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT 1"), "1");
}

TEST(EmbeddedPostgresTest, RemovesStalePidFileOfDeadProcess) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  const std::string pgdata = StartAndStop(options);
  ASSERT_FALSE(pgdata.empty());
  WritePidFile(pgdata, DeadPid(), 5432);

  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_FALSE((*pg)->reused_running_server());
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT 1"), "1");
}

TEST(EmbeddedPostgresTest, RemovesPidFileNamingAnUnrelatedLiveProcess) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  const std::string pgdata = StartAndStop(options);
  ASSERT_FALSE(pgdata.empty());
  // A live process that reused the pid: it blocks until we close the pipe.
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t unrelated = fork();
  if (unrelated == 0) {
    close(fds[1]);
    char byte;
    _exit(read(fds[0], &byte, 1) == 0 ? 0 : 1);
  }
  close(fds[0]);
  WritePidFile(pgdata, unrelated, 5432);

  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  EXPECT_THAT(pg, IsOk());
  EXPECT_EQ(waitpid(unrelated, nullptr, WNOHANG), 0) << "the unrelated process was signalled";
  close(fds[1]);
  int wstatus = 0;
  ASSERT_EQ(waitpid(unrelated, &wstatus, 0), unrelated);
  EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
}

TEST(EmbeddedPostgresTest, ConcurrentStartsOnOneDataDirDoNotCorruptIt) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  options.lock_timeout = absl::Seconds(60);
  options.stop_with_owner = false;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t children[2];
  for (pid_t& child : children) {
    child = fork();
    if (child == 0) {
      close(go[1]);
      char byte;
      if (read(go[0], &byte, 1) != 0) _exit(1);
      absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
      if (!pg.ok()) _exit(2);
      try {
        QueryOne((*pg)->connection_url(),
                 "CREATE TABLE IF NOT EXISTS t (x int); INSERT INTO t VALUES (1)");
      } catch (const std::exception&) {
        _exit(3);
      }
      _exit((*pg)->Stop().ok() ? 0 : 4);
    }
  }
  close(go[0]);
  close(go[1]);  // Both children start now.
  for (pid_t child : children) {
    int wstatus = 0;
    ASSERT_EQ(waitpid(child, &wstatus, 0), child);
    EXPECT_TRUE(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0) << "child status " << wstatus;
  }
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> pg = EmbeddedPostgres::Start(options);
  ASSERT_THAT(pg, IsOk());
  EXPECT_EQ(QueryOne((*pg)->connection_url(), "SELECT count(*) FROM t"), "2");
}

TEST(EmbeddedPostgresTest, SecondOwnerOfDataDirIsRefused) {
  ScopedTempDir dir;
  EmbeddedPostgresOptions options = TestServerOptions(StrCat(dir.path(), "/data"));
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> first = EmbeddedPostgres::Start(options);
  ASSERT_THAT(first, IsOk());
  options.lock_timeout = absl::Milliseconds(50);
  EXPECT_THAT(EmbeddedPostgres::Start(options), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_EQ(QueryOne((*first)->connection_url(), "SELECT 1"), "1");
}

TEST(EmbeddedPostgresTest, RejectsDirectoryThatIsNotACluster) {
  ScopedTempDir dir;
  fs::create_directories(StrCat(dir.path(), "/data/pgdata"));
  std::ofstream(StrCat(dir.path(), "/data/pgdata/notes.txt")) << "not a cluster";
  EXPECT_THAT(EmbeddedPostgres::Start(TestServerOptions(StrCat(dir.path(), "/data"))),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST(EmbeddedPostgresTest, CreateDatabaseReportsDuplicates) {
  absl::StatusOr<EmbeddedPostgres*> pg = ::stepwise::testing::SharedPostgres();
  ASSERT_THAT(pg, IsOk());
  ASSERT_THAT((*pg)->CreateDatabase("odd \"name\""), IsOk());
  EXPECT_THAT((*pg)->CreateDatabase("odd \"name\""), StatusIs(absl::StatusCode::kAlreadyExists));
  EXPECT_EQ(QueryOne((*pg)->ConnectionUrl("odd \"name\""), "SELECT current_database()"),
            "odd \"name\"");
}

TEST(PostmasterPidTest, ParsesAllFields) {
  std::optional<embedded_internal::PostmasterPid> parsed = ParsePostmasterPid(
      "4242\n/var/lib/data\n1700000000\n54321\n/tmp\n127.0.0.1\n  5432001    3\nready   \n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->pid, 4242);
  EXPECT_EQ(parsed->data_dir, "/var/lib/data");
  EXPECT_EQ(parsed->port, 54321);
  EXPECT_EQ(parsed->socket_dir, "/tmp");
  EXPECT_EQ(parsed->listen_address, "127.0.0.1");
  EXPECT_EQ(parsed->status, "ready");
  // A server that is starting has written only the first lines.
  parsed = ParsePostmasterPid("77\n/d\n");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->port, 0);
  EXPECT_EQ(parsed->status, "");
  EXPECT_FALSE(ParsePostmasterPid("").has_value());
  EXPECT_FALSE(ParsePostmasterPid("-1\n").has_value());
}

class PostgresFixtureTest : public PostgresTest {};

TEST_F(PostgresFixtureTest, GivesEachTestAFreshDatabase) {
  EXPECT_THAT(QueryOne(database_url(), "SELECT current_database()"),
              ::testing::StartsWith("test_"));
  // Fails if another test's table were visible.
  QueryOne(database_url(), "CREATE TABLE shared_name (x int)");
}

TEST_F(PostgresFixtureTest, DatabasesAreIsolated) {
  QueryOne(database_url(), "CREATE TABLE shared_name (x int); INSERT INTO shared_name VALUES (1)");
  absl::StatusOr<std::string> other = ::stepwise::testing::CreateTestDatabase();
  ASSERT_THAT(other, IsOk());
  EXPECT_NE(*other, database_url());
  EXPECT_EQ(QueryOne(*other, "SELECT to_regclass('shared_name')::text"), "");
  EXPECT_EQ(QueryOne(database_url(), "SELECT count(*) FROM shared_name"), "1");
}

}  // namespace
}  // namespace stepwise::persistence
