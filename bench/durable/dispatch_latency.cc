#include "bench/durable/dispatch_latency.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/str_cat.h"

namespace stepwise::bench {
namespace {

struct Scheduled {
  int64_t event_us = 0;   // The event's timestamp (orchestrator clock).
  int64_t commit_us = 0;  // PostgreSQL's commit timestamp; 0 when unknown.
};

// Nearest-rank percentile of sorted values.
double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

double Mean(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return values.empty() ? 0 : sum / static_cast<double>(values.size());
}

}  // namespace

std::string CommitLog::Key(std::string_view execution_arn, std::string_view state_name) {
  return StrCat(execution_arn, "\n", state_name);
}

void CommitLog::OnCommitted(const persistence::StepUpdate& update) {
  if (update.new_tasks.empty()) return;
  const absl::Time now = absl::Now();
  std::lock_guard<std::mutex> lock(mu_);
  for (const persistence::TaskRecord& task : update.new_tasks) {
    acknowledged_[Key(update.execution_arn, task.state_name)] = now;
  }
}

absl::flat_hash_map<std::string, absl::Time> CommitLog::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(acknowledged_, {});
}

void ReceiptLog::Record(std::string execution_arn, std::string state_name) {
  Receipt r{std::move(execution_arn), std::move(state_name), absl::Now()};
  std::lock_guard<std::mutex> lock(mu_);
  receipts_.push_back(std::move(r));
}

std::vector<Receipt> ReceiptLog::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(receipts_, {});
}

absl::StatusOr<LatencyStats> MeasureDispatchLatency(
    PgConnection& db, const std::string& state_machine_arn,
    const std::vector<std::string>& task_states, const std::vector<Receipt>& receipts,
    const absl::flat_hash_map<std::string, absl::Time>& acknowledged, absl::Time from,
    absl::Time to) {
  ASSIGN_OR_RETURN(
      PgRows rows,
      db.Query("SELECT s.execution_arn, h.ts, "
               "  coalesce((extract(epoch FROM pg_xact_commit_timestamp(s.xmin)) * 1000000)"
               "    ::bigint, 0) "
               // The step's row (schema 0012) carries the commit's xmin.
               "FROM history_steps s JOIN executions e USING (execution_arn) "
               "  CROSS JOIN LATERAL unnest(s.ids, s.types, s.timestamps_us) AS h(id, type, ts) "
               // Every family of scheduled events (Task*, Activity* for
               // activity ARNs, LambdaFunction* for Lambda function ARNs).
               "WHERE e.state_machine_arn = $1 AND h.type IN ('TaskScheduled', "
               "  'ActivityScheduled', 'LambdaFunctionScheduled') "
               "ORDER BY s.execution_arn, h.id",
               {state_machine_arn}));
  absl::flat_hash_map<std::string, Scheduled> scheduled;
  std::string previous_arn;
  size_t k = 0;
  for (const std::vector<std::string>& row : rows) {
    k = row[0] == previous_arn ? k + 1 : 0;
    previous_arn = row[0];
    if (k >= task_states.size()) {
      return absl::InternalError(StrCat("execution ", row[0], " scheduled more than ",
                                        task_states.size(), " tasks (a retry or redelivery?)"));
    }
    scheduled[CommitLog::Key(row[0], task_states[k])] = {std::atoll(row[1].c_str()),
                                                         std::atoll(row[2].c_str())};
  }

  std::vector<double> from_commit;
  std::vector<double> from_event;
  std::vector<double> from_acknowledged;
  std::vector<double> commit_flush;
  for (const Receipt& r : receipts) {
    if (r.received < from || r.received > to) continue;
    auto it = scheduled.find(CommitLog::Key(r.execution_arn, r.state_name));
    if (it == scheduled.end()) {
      return absl::InternalError(StrCat("a worker received ", r.state_name, " of ", r.execution_arn,
                                        " but no TaskScheduled event matches"));
    }
    const int64_t received_us = absl::ToUnixMicros(r.received);
    if (it->second.commit_us == 0) {
      return absl::InternalError(StrCat("no commit timestamp for the TaskScheduled of ",
                                        r.state_name, " of ", r.execution_arn,
                                        " (is track_commit_timestamp on?)"));
    }
    if (it->second.commit_us > received_us) {
      return absl::InternalError(StrCat("a worker received ", r.state_name, " of ", r.execution_arn,
                                        " ", it->second.commit_us - received_us,
                                        " us before it was committed"));
    }
    from_commit.push_back(static_cast<double>(received_us - it->second.commit_us) / 1000);
    from_event.push_back(static_cast<double>(received_us - it->second.event_us) / 1000);
    auto ack = acknowledged.find(it->first);
    if (ack == acknowledged.end()) continue;
    // A receipt before the acknowledgement is no durability breach (that is
    // the commit timestamp check above): a task inserted PENDING is visible
    // to every poll once PostgreSQL has committed it, and another thread's
    // claim can deliver it while the committing thread still waits to be
    // scheduled to read the reply (tens of ms on a loaded 2-core machine).
    // Dispatch added nothing to such a task: it counts as 0.
    const int64_t acknowledged_us = absl::ToUnixMicros(ack->second);
    from_acknowledged.push_back(
        static_cast<double>(std::max<int64_t>(received_us - acknowledged_us, 0)) / 1000);
    commit_flush.push_back(static_cast<double>(acknowledged_us - it->second.commit_us) / 1000);
  }
  if (from_commit.empty()) {
    return absl::InternalError("no task was received inside the measured window");
  }
  std::sort(from_commit.begin(), from_commit.end());
  std::sort(from_event.begin(), from_event.end());
  LatencyStats stats;
  stats.samples = static_cast<int64_t>(from_commit.size());
  stats.p50_ms = Percentile(from_commit, 0.50);
  stats.p99_ms = Percentile(from_commit, 0.99);
  stats.max_ms = from_commit.back();
  stats.mean_ms = Mean(from_commit);
  stats.scheduled_p50_ms = Percentile(from_event, 0.50);
  stats.scheduled_p99_ms = Percentile(from_event, 0.99);
  std::sort(from_acknowledged.begin(), from_acknowledged.end());
  std::sort(commit_flush.begin(), commit_flush.end());
  stats.samples_acknowledged = static_cast<int64_t>(from_acknowledged.size());
  stats.acknowledged_p50_ms = Percentile(from_acknowledged, 0.50);
  stats.acknowledged_p99_ms = Percentile(from_acknowledged, 0.99);
  stats.acknowledged_mean_ms = Mean(from_acknowledged);
  stats.commit_flush_p50_ms = Percentile(commit_flush, 0.50);
  stats.commit_flush_p99_ms = Percentile(commit_flush, 0.99);
  return stats;
}

}  // namespace stepwise::bench
