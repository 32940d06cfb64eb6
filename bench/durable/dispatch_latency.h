// Dispatch latency: from the commit of the step that schedules a task to the
// moment a worker's handler receives it.
//
// The commit instant is PostgreSQL's own commit timestamp of the transaction
// that inserted the task's TaskScheduled history event (LambdaFunctionScheduled
// or ActivityScheduled, by resource; pg_xact_commit_timestamp(xmin),
// track_commit_timestamp = on; history rows are insert-only, so xmin is that
// step's transaction). PostgreSQL takes it just before it flushes the commit
// record, so the latency includes that flush (one fsync) and everything
// after: the wake-up of the waiting polls, the claim, the TaskStarted step and
// the gRPC response. The event's own `timestamp` (the orchestrator's clock
// when it computed the step, before the transaction began) gives a second,
// larger measure, printed alongside.
// Both clocks are this machine's realtime clock.
//
// A third instant splits the first measure in two: when the orchestrator got
// PostgreSQL's acknowledgement of that commit (CommitLog, a CommitObserver
// of the in-process orchestrator, told before the dispatcher). The
// committing thread can act on its commit only from then, so "commit
// acknowledged -> receipt" is the dispatch's own latency; "commit timestamp
// -> acknowledged" is PostgreSQL's (the WAL flush, shared by every
// transaction committing at once, and the reply). Another thread's claim may
// deliver a committed PENDING task before the committing thread reads its
// reply: that receipt counts 0 ms from the acknowledgement.
//
//   ReceiptLog log;                                 // the worker's handler:
//   log.Record(task.execution_arn, task.state_name);
//   ...
//   ASSIGN_OR_RETURN(LatencyStats s, MeasureDispatchLatency(conn, machine_arn,
//                        {"T1", "T2", "T3"}, log.Take(), window_start, window_end));
#ifndef STEPWISE_BENCH_DURABLE_DISPATCH_LATENCY_H_
#define STEPWISE_BENCH_DURABLE_DISPATCH_LATENCY_H_

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/durable/bench_database.h"
#include "orchestrator/service/execution_executor.h"

namespace stepwise::bench {

struct Receipt {
  std::string execution_arn;
  std::string state_name;
  absl::Time received;
};

// What the workers received, with the time. Thread-safe.
class ReceiptLog {
 public:
  void Record(std::string execution_arn, std::string state_name);
  std::vector<Receipt> Take();

 private:
  std::mutex mu_;
  std::vector<Receipt> receipts_;
};

// When this replica's commits of new tasks were acknowledged, by execution
// and state name (the last commit wins; tasks_3 schedules each state once).
// Register it in OrchestratorOptions::commit_observers. Thread-safe.
class CommitLog final : public service::CommitObserver {
 public:
  void OnCommitted(const persistence::StepUpdate& update) override;
  // The instants recorded so far; clears the log.
  absl::flat_hash_map<std::string, absl::Time> Take();
  // The key of Take()'s map.
  static std::string Key(std::string_view execution_arn, std::string_view state_name);

 private:
  std::mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> acknowledged_;
};

struct LatencyStats {
  int64_t samples = 0;  // Receipts inside the window, matched to their commit.
  double p50_ms = 0;    // From the commit timestamp.
  double p99_ms = 0;
  double mean_ms = 0;
  double max_ms = 0;
  double scheduled_p50_ms = 0;  // From the TaskScheduled event's timestamp.
  double scheduled_p99_ms = 0;
  // With a CommitLog: from the commit's acknowledgement to the receipt, and
  // from the commit timestamp to the acknowledgement. samples_acknowledged
  // counts the receipts whose commit the log holds (0: no log given).
  int64_t samples_acknowledged = 0;
  double acknowledged_p50_ms = 0;
  double acknowledged_p99_ms = 0;
  double acknowledged_mean_ms = 0;
  double commit_flush_p50_ms = 0;
  double commit_flush_p99_ms = 0;
};

// Matches each receipt inside [from, to] to the TaskScheduled event of its
// execution and state: the machine's Task states run one after the other,
// in `task_states` order, so the k-th TaskScheduled of an execution belongs
// to task_states[k]. kInternal when a receipt has no such event, when a
// commit timestamp is missing or later than its receipt, or when no receipt
// falls in the window. `acknowledged` (CommitLog::Take(); may be empty)
// fills the acknowledged/commit_flush fields; a receipt before its
// acknowledgement is kInternal too.
absl::StatusOr<LatencyStats> MeasureDispatchLatency(
    PgConnection& db, const std::string& state_machine_arn,
    const std::vector<std::string>& task_states, const std::vector<Receipt>& receipts,
    const absl::flat_hash_map<std::string, absl::Time>& acknowledged, absl::Time from,
    absl::Time to);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_DISPATCH_LATENCY_H_
