// A PostgreSQL server run from the system's binaries under a local data
// directory, for zero-configuration use of the orchestrator and for tests.
//
//   EmbeddedPostgresOptions options;
//   options.data_dir = ".stepwise";
//   ASSIGN_OR_RETURN(std::unique_ptr<EmbeddedPostgres> pg, EmbeddedPostgres::Start(options));
//   Connect(pg->connection_url());  // postgresql://stepwise@127.0.0.1:PORT/postgres
//   ...
//   RETURN_IF_ERROR(pg->Stop());  // Also done by the destructor.
//
// Layout of `data_dir` (created if missing):
//   pgdata/          the cluster (initdb'ed on first use), owned by the server's user
//   postgres.log     the server's stdout/stderr, appended across runs
//   embedded.lock    flock()ed by the process that owns the server
//
// Start() survives its previous owner's death: after a kill -9 the server of
// `data_dir` may still be running (it is reused) or its postmaster.pid may be
// stale (it is removed). Only one process at a time owns a data directory;
// another Start() on it waits up to `lock_timeout` for the owner to go away.
#ifndef STEPWISE_PERSISTENCE_EMBEDDED_EMBEDDED_POSTGRES_H_
#define STEPWISE_PERSISTENCE_EMBEDDED_EMBEDDED_POSTGRES_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stepwise::persistence {

namespace embedded_internal {
struct RunAs;
}  // namespace embedded_internal

struct EmbeddedPostgresOptions {
  // Directory holding the cluster, the log and the lock (see the file
  // comment). Relative paths are resolved against the working directory.
  std::string data_dir;
  // TCP port on 127.0.0.1; 0 picks a free one. A reused server keeps its
  // port unless a different non-zero port is asked for (then it restarts).
  int port = 0;
  // Directory with initdb, pg_ctl and postgres. Empty: `pg_config --bindir`,
  // else the newest /usr/lib/postgresql/<version>/bin.
  std::string bin_dir;
  // User the server runs as. Empty: "postgres" when running as root (which
  // PostgreSQL refuses), otherwise the caller.
  std::string run_as_user;
  // How long to wait for the server to accept connections (including crash
  // recovery after an unclean stop).
  absl::Duration startup_timeout = absl::Seconds(60);
  // How long to wait for another process that owns `data_dir` to let go.
  absl::Duration lock_timeout = absl::Seconds(10);
  // Tests only: no fsync anywhere (initdb --no-sync, fsync, synchronous_commit
  // and full_page_writes off). A machine crash can corrupt the cluster.
  bool fast_unsafe = false;
  // Tests only: initialize a new cluster by copying the one initdb'ed once
  // under this directory (itself created on first use, safely when several
  // processes race) instead of running initdb for every data directory. The
  // template and its copies are not fsynced when created.
  std::string template_dir;
  // Tests only: the server shuts down (immediately) when the thread that
  // started it exits, so a crashed test leaves no server behind.
  bool stop_with_owner = false;
};

// Owns one running server. Not copyable or movable. Accessors are
// thread-safe; Stop() and CreateDatabase() must not race with each other.
class EmbeddedPostgres {
 public:
  // The superuser role created by initdb; connections authenticate as it
  // (trust authentication, local socket and 127.0.0.1 only).
  static constexpr std::string_view kSuperuser = "stepwise";

  // Initializes `options.data_dir` if needed and starts (or reuses) its
  // server, returning once it accepts connections. Errors name the step, the
  // binary and the data directory:
  //   kFailedPrecondition: data_dir unusable (not a cluster, made by another
  //     PostgreSQL version, not accessible to the server's user), no usable
  //     user or binaries, or another process owns data_dir;
  //   kUnavailable: the server did not accept connections in time;
  //   kInternal: initdb or another step failed (its output is in the message).
  static absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> Start(
      const EmbeddedPostgresOptions& options);

  EmbeddedPostgres(const EmbeddedPostgres&) = delete;
  EmbeddedPostgres& operator=(const EmbeddedPostgres&) = delete;
  // Stops the server (errors are dropped; call Stop() to see them).
  ~EmbeddedPostgres();

  // Shuts the server down (pg_ctl stop -m fast, then -m immediate if that
  // fails) and releases the data directory; the server's process is gone
  // when it returns (also one taken over from a previous owner). Idempotent.
  absl::Status Stop();

  // Creates database `name` (any valid identifier; it is quoted).
  // kAlreadyExists if it exists, kUnavailable if the server is unreachable.
  absl::Status CreateDatabase(std::string_view name);

  // "postgresql://stepwise@127.0.0.1:PORT/postgres".
  const std::string& connection_url() const { return connection_url_; }
  // The URL of another database on this server.
  std::string ConnectionUrl(std::string_view database) const;
  int port() const { return port_; }
  // The directory holding the unix socket (.s.PGSQL.<port>).
  const std::string& socket_dir() const { return socket_dir_; }
  // The absolute data directory and the cluster inside it.
  const std::string& data_dir() const { return data_dir_; }
  const std::string& pgdata() const { return pgdata_; }
  // Whether Start() found this directory's server already running (left by
  // an owner that died) and took it over instead of starting a new one. A
  // reused server keeps the settings it was started with (fast_unsafe).
  bool reused_running_server() const { return reused_; }
  // The postmaster's pid.
  pid_t server_pid() const { return server_pid_; }
  // The directory of the server binaries in use (initdb, pg_ctl, postgres).
  const std::string& bin_dir() const { return bin_dir_; }

 private:
  class Launcher;

  EmbeddedPostgres() = default;

  std::string data_dir_;
  std::string pgdata_;
  std::string bin_dir_;
  std::string pg_ctl_;
  std::string socket_dir_;
  std::string connection_url_;
  int port_ = 0;
  pid_t server_pid_ = 0;
  bool server_is_child_ = false;
  bool reused_ = false;
  bool running_ = false;
  int lock_fd_ = -1;
  std::unique_ptr<embedded_internal::RunAs> run_as_;  // The server's user.
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_EMBEDDED_EMBEDDED_POSTGRES_H_
