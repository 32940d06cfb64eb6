// The baseline of the durable benchmarks: pgbench running
// step_commit.pgbench (one engine step's write as one transaction) on the
// benchmark's PostgreSQL, with as many clients as Stepwise has executions in
// flight.
//
//   PgbenchOptions options;
//   options.url = url;
//   options.script = root + "/bench/durable/step_commit.pgbench";
//   options.variables = {{"document_bytes", 900}, ...};
//   ASSIGN_OR_RETURN(PgbenchResult r, RunPgbench(options));  // r.tps, r.latency_ms
#ifndef STEPWISE_BENCH_DURABLE_PGBENCH_BASELINE_H_
#define STEPWISE_BENCH_DURABLE_PGBENCH_BASELINE_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace stepwise::bench {

struct PgbenchOptions {
  std::string pgbench;  // The binary; empty: FindPgbench().
  std::string url;
  std::string script;  // A custom script (-f); its tables must exist.
  std::vector<std::pair<std::string, int64_t>> variables;  // -D NAME=VALUE
  int clients = 64;
  int threads = 2;
  // Either a duration (-T, whole seconds, at least 1) or, when
  // transactions_per_client > 0, a fixed count per client (-t).
  int seconds = 5;
  int transactions_per_client = 0;
};

struct PgbenchResult {
  double tps = 0;         // "tps = ... (without initial connection time)"
  double latency_ms = 0;  // "latency average = ... ms"
  int64_t transactions = 0;
  int64_t failed = 0;
  std::string command;
};

// `pg_config --bindir`/pgbench, else the newest /usr/lib/postgresql/*/bin/pgbench;
// empty when there is none.
std::string FindPgbench();

// Runs pgbench (prepared statements, no vacuum) and parses its report.
// kInternal with pgbench's output when it fails or reports failed transactions.
absl::StatusOr<PgbenchResult> RunPgbench(const PgbenchOptions& options);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_PGBENCH_BASELINE_H_
