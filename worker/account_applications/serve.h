// Serve: what `account-applications serve` runs. One process serves both
// sides of the Account Applications service until SIGTERM/SIGINT:
// - the gRPC API workshop.v1.AccountApplications (submit, review, get, find)
//   plus gRPC health checking and reflection, on `listen`;
// - the workflow's task handlers (flag, approve, reject) as a Stepwise worker
//   polling the orchestrator's queues.
//
//   ServeOptions options;
//   options.database_url = "postgresql://localhost/stepwise";
//   options.worker.endpoint = "localhost:7400";
//   return Serve(options);  // the process's exit code
//
// Migrates its own schema (account_applications) first. Prints one line
// "account-applications: serving on HOST:PORT, tasks of ..." to stdout once
// it accepts calls and logs one line per task to stderr.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_SERVE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_SERVE_H_

#include <string>

#include "worker/sdk/worker.h"

namespace stepwise::account_applications {

struct ServeOptions {
  // The orchestrator (endpoint), polling concurrency, identity, grace.
  worker::WorkerOptions worker;
  std::string listen = "localhost:7410";
  std::string database_url;
  // What SubmitApplication starts when the request names no state machine.
  std::string state_machine_arn;
  std::string flag_queue = "FlagApplication";
  std::string approve_queue = "ApproveApplication";
  std::string reject_queue = "RejectApplication";
  int max_connections = 8;
  int grace_seconds = 10;
};

// Runs until SIGTERM/SIGINT and returns the exit code: 0 after a clean
// shutdown, 1 when the database cannot be migrated, the port cannot be
// bound or the worker stopped with an error. Blocks SIGTERM/SIGINT in the
// calling thread (call it before starting other threads) and ends the
// process itself (std::_Exit) rather than returning after a shutdown, so
// that a handler still running past the grace period cannot touch freed
// state.
[[noreturn]] void Serve(const ServeOptions& options);

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_SERVE_H_
