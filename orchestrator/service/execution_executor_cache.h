// ExecutionCache: what this replica last committed for its recently active
// executions, so that the next event of one skips the store reads
// (LoadExecution before a step, FindTaskByToken before a task completion).
//
//   ExecutionCache cache({.max_executions = 10000, .max_bytes = 64 << 20});
//   cache.Committed(snapshot, update, new_version);     // after CommitStep
//   if (auto cached = cache.Find(arn)) { /* step from *cached */ }
//   if (auto task = cache.FindTask(token)) { /* complete it */ }
//
// Only a cache: an entry may be stale (another replica committed since, or
// closed one of the tasks) and the executor must stay correct then.
// CommitStep's version guard catches a stale snapshot (kAborted), and
// StepUpdate::consumed_tasks_must_be_open a closed task
// (kFailedPrecondition); on either the executor erases the entry and does
// what a fresh load would.
//
// An entry holds one RUNNING execution: its snapshot as a LoadExecution
// after the commit would return it (state document, version, revision,
// state machine name/type/status as last read; input and output left out)
// plus the tasks this replica scheduled for it and has not seen closed
// (without their payloads). Closing steps remove the execution. Bounded by
// executions and by approximate bytes (document, ids, tokens and a fixed
// overhead per entry and task), least recently used out first; 0 for
// either bound disables the cache.
//
// Thread-safe (one std::mutex; every method is a short map operation).
#ifndef STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_CACHE_H_
#define STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "persistence/records.h"

namespace stepwise::service {

struct ExecutionCacheOptions {
  // Executions remembered at most; 0 disables the cache.
  size_t max_executions = 10000;
  // Approximate bytes held at most; 0 disables the cache.
  size_t max_bytes = size_t{64} << 20;
};

class ExecutionCache {
 public:
  explicit ExecutionCache(ExecutionCacheOptions options = {});
  ExecutionCache(const ExecutionCache&) = delete;
  ExecutionCache& operator=(const ExecutionCache&) = delete;

  // The cached snapshot of `execution_arn` (always RUNNING), which becomes
  // the most recently used; nullopt when not cached. With a `task_token`,
  // also nullopt unless the entry holds that task: a task this replica did
  // not schedule (or has forgotten) means the cached state may predate it.
  std::optional<persistence::ExecutionSnapshot> Find(std::string_view execution_arn,
                                                     std::string_view task_token = {});

  // The cached task whose task_token or invocation_token is `token` (status
  // as scheduled, payload empty); nullopt when not cached.
  std::optional<persistence::TaskRecord> FindTask(std::string_view token);

  // This replica committed `update` on top of `base` (the snapshot the step
  // was computed from; only its execution's arn, state machine arn, revision,
  // name and start time and its machine fields are kept) and the execution
  // is now at `version`. A closing update removes the execution; otherwise
  // the entry becomes `update`'s state at `version` (unless it already holds
  // a newer version), drops the tasks the step completed, cancelled or timed
  // out and adds its new tasks.
  void Committed(const persistence::ExecutionSnapshot& base, const persistence::StepUpdate& update,
                 int64_t version);

  // Forgets `execution_arn` and its tasks (a no-op when not cached).
  void Erase(std::string_view execution_arn);

  // Executions and approximate bytes held now (tests, metrics).
  size_t size() const;
  size_t bytes() const;

 private:
  struct Entry {
    std::string arn;
    persistence::ExecutionSnapshot snapshot;
    std::vector<persistence::TaskRecord> tasks;
    size_t bytes = 0;
  };
  using Lru = std::list<Entry>;  // Most recently used first.

  static size_t BytesOf(const Entry& entry);
  // Both need mu_ held.
  void EraseLocked(Lru::iterator it);
  void EvictLocked();

  const ExecutionCacheOptions options_;
  mutable std::mutex mu_;
  Lru lru_;
  absl::flat_hash_map<std::string, Lru::iterator> by_arn_;
  // task_token and invocation_token -> the execution ARN whose entry holds the task.
  absl::flat_hash_map<std::string, std::string> arn_by_token_;
  size_t bytes_ = 0;
};

}  // namespace stepwise::service

#endif  // STEPWISE_ORCHESTRATOR_SERVICE_EXECUTION_EXECUTOR_CACHE_H_
