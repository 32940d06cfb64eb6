// stepwise-orchestrator: serves the States and Worker gRPC APIs over
// PostgreSQL until SIGTERM/SIGINT, then shuts down gracefully.
//
//   stepwise-orchestrator                          # embedded PostgreSQL in ./.stepwise
//   stepwise-orchestrator --listen 0.0.0.0:7400 --database-url postgresql://db/stepwise
//
// Prints one line "stepwise-orchestrator: serving on HOST:PORT (database URL...)" to stdout
// once it accepts calls (scripts wait for it), and logs to stderr.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "CLI/CLI.hpp"
#include "orchestrator/server/orchestrator_server.h"

namespace {

// SIGTERM/SIGINT are blocked in every thread and taken by sigwait here, so
// shutdown runs as ordinary code, not inside a signal handler.
int WaitForTerminationSignal() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int received = 0;
  sigwait(&signals, &received);
  return received;
}

void BlockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

}  // namespace

int main(int argc, char** argv) {
  stepwise::server::OrchestratorOptions options;
  if (const char* url = std::getenv("STEPWISE_DATABASE_URL")) options.database_url = url;
  int grace_seconds = 10;

  CLI::App app{"Stepwise orchestrator: runs AWS Step Functions state machines durably"};
  app.add_option("--listen", options.listen, "gRPC address HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  app.add_option("--database-url", options.database_url,
                 "PostgreSQL URL (env STEPWISE_DATABASE_URL); default: embedded under --data-dir");
  app.add_option("--data-dir", options.data_dir, "where the embedded PostgreSQL lives")
      ->capture_default_str();
  app.add_option("--region", options.region, "region used in ARNs")->capture_default_str();
  app.add_option("--account", options.account, "account id used in ARNs")->capture_default_str();
  app.add_option("--max-connections", options.max_connections,
                 "PostgreSQL connections (default: 1 per core of this machine plus 1, 3 to 16)")
      ->check(CLI::Range(1, 1000));
  app.add_option("--max-commit-batch", options.max_commit_batch,
                 "most engine steps (of different executions) committed in one PostgreSQL "
                 "transaction when they wait for a connection at once (more commits/s and less "
                 "CPU per step under load); 1: one each")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--replica-id", options.replica_id,
                 "name of this replica in task and timer claims (default host/pid)");
  app.add_option("--task-lease-seconds", options.task_lease_seconds,
                 "how long a task handed to a PollTask worker holds without a heartbeat "
                 "(workers heartbeat every third of it) before it is handed out again")
      ->check(CLI::Range(3, 3600))
      ->capture_default_str();
  app.add_option("--timer-lease-seconds", options.timer_lease_seconds,
                 "how long a replica holds a due timer it claimed (a dead replica's timers "
                 "wait this long)")
      ->check(CLI::Range(1, 3600))
      ->capture_default_str();
  app.add_option("--shutdown-grace-seconds", grace_seconds,
                 "how long calls in flight may finish on SIGTERM")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  BlockTerminationSignals();
  absl::StatusOr<std::unique_ptr<stepwise::server::OrchestratorServer>> server =
      stepwise::server::OrchestratorServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "stepwise-orchestrator: cannot start: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  // The URL tells scripts where the embedded server is (the demo keeps the
  // account-applications table in the same PostgreSQL).
  std::printf("stepwise-orchestrator: serving on %s (database %s%s)\n",
              (*server)->endpoint().c_str(), (*server)->database_url().c_str(),
              options.database_url.empty() ? (", embedded under " + options.data_dir).c_str() : "");
  std::fflush(stdout);

  const int signal_number = WaitForTerminationSignal();
  std::fprintf(stderr, "stepwise-orchestrator: %s received, shutting down\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  (*server)->Shutdown(absl::Seconds(grace_seconds));
  std::fprintf(stderr, "stepwise-orchestrator: stopped\n");
  return 0;
}
