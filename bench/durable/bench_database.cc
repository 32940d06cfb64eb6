#include "bench/durable/bench_database.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace stepwise::bench {
namespace {

namespace fs = std::filesystem;
using persistence::EmbeddedPostgres;
using persistence::EmbeddedPostgresOptions;

EmbeddedPostgresOptions ServerOptions(const std::string& dir, const BenchDatabaseOptions& options) {
  EmbeddedPostgresOptions server;
  server.data_dir = dir + "/pg";
  server.stop_with_owner = true;
  if (options.fast_unsafe) {
    server.fast_unsafe = true;
    std::error_code ec;
    // The template the integration tests keep (postgres_fixture.cc).
    server.template_dir =
        (fs::temp_directory_path(ec) / StrCat("stepwise-pg-template-", geteuid())).string();
    struct stat st {};
    if (stat(server.template_dir.c_str(), &st) == 0 && st.st_uid != geteuid()) {
      server.template_dir.clear();  // Someone else's: initdb instead.
    }
  }
  return server;
}

absl::Status Annotate(const absl::Status& status, std::string_view step) {
  return absl::Status(status.code(), StrCat(step, ": ", std::string(status.message())));
}

}  // namespace

absl::StatusOr<PgConnection> PgConnection::Connect(const std::string& url) {
  PGconn* c = PQconnectdb(url.c_str());
  PgConnection connection(c);
  if (c == nullptr || PQstatus(c) != CONNECTION_OK) {
    return absl::UnavailableError(
        StrCat("connecting to ", url, ": ", c == nullptr ? "out of memory" : PQerrorMessage(c)));
  }
  return connection;
}

absl::StatusOr<PgRows> PgConnection::Query(const std::string& sql,
                                           const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  PGresult* result =
      params.empty() ? PQexec(conn_.get(), sql.c_str())
                     : PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()),
                                    nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0);
  std::unique_ptr<PGresult, void (*)(PGresult*)> owned(result, PQclear);
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return absl::InternalError(
        StrCat("query failed (", sql.substr(0, 80), "...): ", PQerrorMessage(conn_.get())));
  }
  PgRows rows;
  const int n = PQntuples(result);
  const int columns = PQnfields(result);
  rows.reserve(n);
  for (int i = 0; i < n; ++i) {
    std::vector<std::string>& row = rows.emplace_back();
    for (int j = 0; j < columns; ++j) row.emplace_back(PQgetvalue(result, i, j));
  }
  return rows;
}

absl::StatusOr<std::unique_ptr<BenchDatabase>> BenchDatabase::Start(
    const BenchDatabaseOptions& options) {
  std::unique_ptr<BenchDatabase> db(new BenchDatabase());
  std::error_code ec;
  std::string pattern = (fs::temp_directory_path(ec) / "stepwise-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary directory for PostgreSQL");
  }
  chmod(pattern.c_str(), 0711);  // The server's user (postgres, under root) must get in.
  db->dir_ = pattern;

  const EmbeddedPostgresOptions server_options = ServerOptions(db->dir_, options);
  absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> server =
      EmbeddedPostgres::Start(server_options);
  if (!server.ok()) return Annotate(server.status(), "starting the embedded PostgreSQL");
  {
    // A restart setting: the commit timestamps of the dispatch latency.
    ASSIGN_OR_RETURN(PgConnection c, PgConnection::Connect((*server)->connection_url()));
    RETURN_IF_ERROR(c.Query("ALTER SYSTEM SET track_commit_timestamp = on").status());
  }
  RETURN_IF_ERROR(Annotate((*server)->Stop(), "stopping PostgreSQL to apply settings"));
  server->reset();
  server = EmbeddedPostgres::Start(server_options);
  if (!server.ok()) return Annotate(server.status(), "restarting the embedded PostgreSQL");
  db->server_ = *std::move(server);

  ASSIGN_OR_RETURN(PgConnection c, PgConnection::Connect(db->server_->connection_url()));
  ASSIGN_OR_RETURN(
      PgRows rows,
      c.Query("SELECT name, setting FROM pg_settings WHERE name IN ('fsync', "
              "'synchronous_commit', 'full_page_writes', 'wal_sync_method', "
              "'track_commit_timestamp', 'shared_buffers', 'max_connections') ORDER BY name"));
  for (const std::vector<std::string>& row : rows) {
    StrAppend(&db->settings_, db->settings_.empty() ? "" : " ", row[0], "=", row[1]);
    if (row[0] == "track_commit_timestamp" && row[1] != "on") {
      return absl::InternalError("track_commit_timestamp did not turn on");
    }
  }
  return db;
}

BenchDatabase::~BenchDatabase() {
  if (server_ != nullptr) {
    server_->Stop().IgnoreError();
    server_.reset();
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

absl::StatusOr<std::string> BenchDatabase::CreateDatabase(std::string_view name) {
  RETURN_IF_ERROR(server_->CreateDatabase(name));
  return server_->ConnectionUrl(name);
}

}  // namespace stepwise::bench
