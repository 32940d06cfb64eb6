// Idle long polls: the resident memory of a `stepwise-orchestrator` process
// holding `polls` PollTask calls that wait for tasks, against the same
// process with none.
//
// The orchestrator runs as a child process on the benchmark's PostgreSQL
// (--database-url). One client thread opens the polls through gRPC's async
// API over `connections` HTTP/2 connections (wait_time_seconds 60), waits
// until the orchestrator's VmRSS (/proc/PID/status) stops growing, and reads
// it. Then it checks that the polls were really held: one execution's task
// must reach one of them, and after SIGTERM every other poll must be
// answered OK and empty (the orchestrator's graceful shutdown), none failed.
//
//   IdlePollsOptions options;
//   options.orchestrator_bin = ".../stepwise-orchestrator";
//   options.database_url = url;
//   ASSIGN_OR_RETURN(IdlePollsResult r, MeasureIdlePolls(options));  // r.polls_rss_mb
#ifndef STEPWISE_BENCH_DURABLE_IDLE_POLLS_H_
#define STEPWISE_BENCH_DURABLE_IDLE_POLLS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stepwise::bench {

struct IdlePollsOptions {
  std::string orchestrator_bin;
  std::string database_url;
  std::string log_path;  // The child's stdout and stderr.
  int polls = 10'000;
  int connections = 100;
  // How long VmRSS may keep moving before it is read anyway.
  absl::Duration max_settle = absl::Seconds(20);
};

struct IdlePollsResult {
  double idle_rss_mb = 0;   // VmRSS with no poll open (after one CreateStateMachine).
  double polls_rss_mb = 0;  // VmRSS with every poll open.
  int idle_threads = 0;     // The process's threads, likewise.
  int polls_threads = 0;
  int polls_fds = 0;        // Open file descriptors with every poll open.
  double open_seconds = 0;  // From the first call to a stable VmRSS.
};

// kInternal (with the child's log tail) when the orchestrator does not
// start, a poll fails or is answered early, the probe task does not arrive,
// or the process does not stop cleanly on SIGTERM.
absl::StatusOr<IdlePollsResult> MeasureIdlePolls(const IdlePollsOptions& options);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_IDLE_POLLS_H_
