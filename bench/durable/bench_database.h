// The PostgreSQL of the durable benchmarks: an EmbeddedPostgres in a fresh
// temporary directory with PostgreSQL's default durability (fsync and
// synchronous_commit on), plus track_commit_timestamp so the dispatch
// latency can be measured from the instant PostgreSQL commits a step; and a
// minimal libpq connection for the benchmark's own queries (setup,
// verification, commit timestamps).
//
//   ASSIGN_OR_RETURN(std::unique_ptr<BenchDatabase> db, BenchDatabase::Start({}));
//   ASSIGN_OR_RETURN(std::string url, db->CreateDatabase("stepwise"));
//   ASSIGN_OR_RETURN(PgConnection c, PgConnection::Connect(url));
//   ASSIGN_OR_RETURN(PgRows rows, c.Query("SELECT count(*) FROM executions"));
//
// The server and the directory go away with the BenchDatabase (and the
// server also when the thread that started it exits, should the benchmark
// crash).
#ifndef STEPWISE_BENCH_DURABLE_BENCH_DATABASE_H_
#define STEPWISE_BENCH_DURABLE_BENCH_DATABASE_H_

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "persistence/embedded/embedded_postgres.h"

namespace stepwise::bench {

// Rows of text values; NULL reads as "".
using PgRows = std::vector<std::vector<std::string>>;

// One libpq connection. Movable, not copyable; not thread-safe.
class PgConnection {
 public:
  // kUnavailable (with libpq's message) when the server cannot be reached.
  static absl::StatusOr<PgConnection> Connect(const std::string& url);

  // Runs one statement (or several, without `params`) and returns the rows
  // of the last one. `params` are text values for $1, $2, ...
  // kInternal with the server's message when it fails.
  absl::StatusOr<PgRows> Query(const std::string& sql, const std::vector<std::string>& params = {});

 private:
  struct Closer {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  explicit PgConnection(PGconn* c) : conn_(c) {}
  std::unique_ptr<PGconn, Closer> conn_;
};

struct BenchDatabaseOptions {
  // Smoke runs: fsync off and the cluster copied from the tests' template
  // (tests/testing/postgres_fixture.h) instead of initdb; the numbers then
  // mean nothing, only that everything runs.
  bool fast_unsafe = false;
};

class BenchDatabase {
 public:
  // Starts the server in a new directory under the system's temporary
  // directory, turns track_commit_timestamp on (a restart) and checks the
  // settings. Errors name the step that failed.
  static absl::StatusOr<std::unique_ptr<BenchDatabase>> Start(const BenchDatabaseOptions& options);

  ~BenchDatabase();  // Stops the server, removes the directory.
  BenchDatabase(const BenchDatabase&) = delete;
  BenchDatabase& operator=(const BenchDatabase&) = delete;

  // Creates database `name`; returns its URL.
  absl::StatusOr<std::string> CreateDatabase(std::string_view name);

  // "fsync=on synchronous_commit=on ..." as the server reports them.
  const std::string& settings() const { return settings_; }
  const std::string& data_dir() const { return dir_; }
  // The postmaster's pid (its children are the server's other processes).
  pid_t server_pid() const { return server_->server_pid(); }

 private:
  BenchDatabase() = default;

  std::string dir_;
  std::string settings_;
  std::unique_ptr<persistence::EmbeddedPostgres> server_;
};

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_BENCH_DATABASE_H_
