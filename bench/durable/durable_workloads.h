// The durable throughput workloads, run against a live orchestrator over
// gRPC with a fixed number of executions in flight, and checked afterwards
// in its PostgreSQL:
//
//   pass_chain_5  bench/workloads/pass_chain_5.asl.json (STANDARD): each
//                 StartExecution commits the whole execution in one step.
//   tasks_3       bench/workloads/tasks_3.asl.json (EXPRESS): three Task
//                 states on queue BenchNoop, served by in-process workers
//                 (worker SDK, polling over gRPC) that echo their input.
//                 Clients use StartSyncExecution, which answers when the
//                 execution has closed, to keep exactly `clients` in flight;
//                 EXPRESS executions take the same durable path as STANDARD
//                 ones (every step is a PostgreSQL commit). Also measures the
//                 dispatch latency (dispatch_latency.h).
//
//   WorkloadOptions options;
//   options.endpoint = server->endpoint();
//   options.database_url = server->database_url();
//   ASSIGN_OR_RETURN(WorkloadResult a, RunPassChain(options));
#ifndef STEPWISE_BENCH_DURABLE_DURABLE_WORKLOADS_H_
#define STEPWISE_BENCH_DURABLE_DURABLE_WORKLOADS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/durable/cpu_accounting.h"
#include "bench/durable/dispatch_latency.h"

namespace stepwise::bench {

struct WorkloadOptions {
  std::string endpoint;      // The orchestrator's gRPC address.
  std::string database_url;  // Its database (verification, commit timestamps).
  std::string root;          // Source tree: bench/workloads/ lives there.
  int clients = 64;          // Executions in flight.
  absl::Duration warmup = absl::Seconds(1);
  absl::Duration window = absl::Seconds(5);
  // tasks_3's worker fleet: workers x concurrency polls.
  int workers = 4;
  int worker_concurrency = 16;
  // The in-process orchestrator's CommitLog (not owned; may be null): splits
  // tasks_3's dispatch latency at the commit's acknowledgement.
  CommitLog* commit_log = nullptr;
  // The PostgreSQL server's postmaster, for the CPU accounting (0: none).
  pid_t postmaster = 0;
};

struct WorkloadResult {
  std::string name;
  double executions_per_second = 0;  // Closed-loop rate in the window.
  int64_t measured = 0;              // Executions that ended in the window.
  double window_seconds = 0;
  int64_t executions = 0;  // All, each checked (status and output).
  // Per execution, from the database: states entered (StateEntered history
  // events), engine steps committed (the execution's version) and write
  // transactions of any kind (transaction ids used while the load ran:
  // steps, task claims, heartbeat/lease updates).
  double transitions_per_execution = 0;
  double commits_per_execution = 0;
  double write_transactions_per_execution = 0;
  // Average sizes written per step, for the pgbench baseline.
  int64_t document_bytes = 0;
  int64_t event_bytes = 0;
  int64_t payload_bytes = 0;
  // CPU used inside the measured window by component (cpu_accounting.h);
  // divide by `measured` for the CPU per execution.
  CpuUse cpu;
  // tasks_3 only.
  std::optional<LatencyStats> latency;

  double transitions_per_second() const {
    return executions_per_second * transitions_per_execution;
  }
  double commits_per_second() const { return executions_per_second * commits_per_execution; }
};

// kInternal (naming the execution) when an execution fails or returns a
// wrong output, or when the database disagrees with what the clients saw.
absl::StatusOr<WorkloadResult> RunPassChain(const WorkloadOptions& options);
absl::StatusOr<WorkloadResult> RunTasks(const WorkloadOptions& options);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_DURABLE_WORKLOADS_H_
