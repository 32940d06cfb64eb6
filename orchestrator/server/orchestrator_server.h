// OrchestratorServer: one `stepwise-orchestrator` replica, assembled — the
// store (PostgreSQL at --database-url, or an embedded server under
// --data-dir), the executor, the States and Worker gRPC services, the task
// dispatcher and the timer loop, plus gRPC health checking and reflection.
//
//   OrchestratorOptions options;
//   options.listen = "localhost:0";           // any free port
//   options.data_dir = "/tmp/stepwise-dev";   // embedded PostgreSQL lives here
//   ASSIGN_OR_RETURN(std::unique_ptr<OrchestratorServer> server,
//                    OrchestratorServer::Start(options));
//   Connect(server->endpoint());             // "localhost:41234"
//   ...
//   server->Shutdown();                       // also done by the destructor
//
// Several replicas may share one database (--database-url): nothing
// authoritative lives in a replica, and each one's timer loop and dispatcher
// claim work through the store. The embedded PostgreSQL belongs to one
// replica (its data directory is locked).
#ifndef STEPWISE_ORCHESTRATOR_SERVER_ORCHESTRATOR_SERVER_H_
#define STEPWISE_ORCHESTRATOR_SERVER_ORCHESTRATOR_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stepwise::service {
class CommitObserver;
}  // namespace stepwise::service

namespace stepwise::server {

struct OrchestratorOptions {
  // host:port to serve gRPC on; port 0 picks a free one (see port()).
  std::string listen = "localhost:7400";
  // PostgreSQL URL (libpq URI or key=value). Empty: an embedded server
  // under `data_dir`, started (and initdb'ed on first use) here.
  std::string database_url;
  std::string data_dir = ".stepwise";
  // Used in every ARN this replica makes.
  std::string region = "us-east-1";
  std::string account = "123456789012";
  // Connections to PostgreSQL held by this replica; 0:
  // persistence::DefaultMaxConnections() (1 per core plus 1, 3 to 16).
  int max_connections = 0;
  // Most engine steps of different executions committed in one PostgreSQL
  // transaction when they wait for a connection at once; 1: one each
  // (persistence::PostgresStoreOptions::max_commit_batch).
  int max_commit_batch = 8;
  // Threads of the synchronous gRPC server kept polling for calls (beyond
  // them a finished call's thread exits, to be recreated for the next call).
  int max_grpc_pollers = 64;
  // Identifies this replica in task and timer claims; default host/pid.
  std::string replica_id;
  // Lease of a task delivered through Worker.PollTask (its worker heartbeats
  // every third of it): a task whose worker, or whose claiming replica, died
  // is handed out again after this long. >= 3.
  int task_lease_seconds = 60;
  // Lease of a claimed timer: a replica that dies holding timers delays them
  // by this much at most. >= 1.
  int timer_lease_seconds = 15;
  // Told about every step this replica commits, before the built-in
  // observers (so OnCommitted sees the commit just acknowledged): metrics,
  // benchmarks, tests. Not owned; each must outlive the server and follow
  // CommitObserver's rules (quick, thread-safe, no calls into the executor).
  std::vector<service::CommitObserver*> commit_observers;

  // Tests only: the embedded server without fsync, initialized from a
  // template cluster under this directory when set (see EmbeddedPostgresOptions).
  bool embedded_fast_unsafe = false;
  std::string embedded_template_dir;
};

class OrchestratorServer {
 public:
  // Starts every part and returns once the gRPC port accepts calls. Errors
  // name the part that failed: kInvalidArgument for bad options (an
  // unparsable --listen), kUnavailable when PostgreSQL cannot be reached or
  // the port cannot be bound, kFailedPrecondition for an unusable data dir.
  static absl::StatusOr<std::unique_ptr<OrchestratorServer>> Start(
      const OrchestratorOptions& options);

  ~OrchestratorServer();
  OrchestratorServer(const OrchestratorServer&) = delete;
  OrchestratorServer& operator=(const OrchestratorServer&) = delete;

  // The bound port and "host:port" to connect to.
  int port() const;
  std::string endpoint() const;
  // The database in use (the embedded one's URL when embedded).
  std::string database_url() const;

  // Stops accepting calls, answers waiting polls empty, lets calls in flight
  // finish for up to `grace`, stops the loops and the embedded PostgreSQL.
  // Idempotent; thread-safe.
  void Shutdown(absl::Duration grace = absl::Seconds(5));

  // Blocks until Shutdown() has completed.
  void Wait();

 private:
  struct Parts;
  explicit OrchestratorServer(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace stepwise::server

#endif  // STEPWISE_ORCHESTRATOR_SERVER_ORCHESTRATOR_SERVER_H_
