#include "orchestrator/service/execution_executor_cache.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace stepwise::service {
namespace {

// What a map node, a list node and the fixed fields of a record cost,
// roughly: enough that many tiny entries still count.
constexpr size_t kEntryOverhead = 512;
constexpr size_t kTaskOverhead = 256;

absl::string_view Key(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// `task` without what the executor never needs from the cache (the payload
// may be large) and with the status it was scheduled with.
persistence::TaskRecord Slim(const persistence::TaskRecord& task) {
  persistence::TaskRecord slim;
  slim.execution_arn = task.execution_arn;
  slim.task_id = task.task_id;
  slim.task_token = task.task_token;
  slim.queue = task.queue;
  slim.resource = task.resource;
  slim.state_name = task.state_name;
  slim.timeout_seconds = task.timeout_seconds;
  slim.heartbeat_seconds = task.heartbeat_seconds;
  slim.scheduled_at = task.scheduled_at;
  slim.attempt = task.attempt;
  slim.invocation_token = task.invocation_token;
  return slim;
}

}  // namespace

ExecutionCache::ExecutionCache(ExecutionCacheOptions options) : options_(options) {}

size_t ExecutionCache::BytesOf(const Entry& entry) {
  const persistence::ExecutionRecord& record = entry.snapshot.execution;
  size_t bytes = kEntryOverhead + 2 * entry.arn.size() + entry.snapshot.state_document.size() +
                 record.state_machine_arn.size() + record.revision_id.size() + record.name.size() +
                 entry.snapshot.machine_name.size() + entry.snapshot.machine_type.size();
  for (const persistence::TaskRecord& task : entry.tasks) {
    // The token index repeats the tokens and the ARN.
    bytes += kTaskOverhead + task.task_id.size() + 2 * task.task_token.size() +
             2 * task.invocation_token.size() + 2 * task.execution_arn.size() + task.queue.size() +
             task.resource.size() + task.state_name.size();
  }
  return bytes;
}

std::optional<persistence::ExecutionSnapshot> ExecutionCache::Find(std::string_view execution_arn,
                                                                   std::string_view task_token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = by_arn_.find(Key(execution_arn));
  if (it == by_arn_.end()) return std::nullopt;
  if (!task_token.empty()) {
    auto owner = arn_by_token_.find(Key(task_token));
    if (owner == arn_by_token_.end() || owner->second != execution_arn) return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->snapshot;
}

std::optional<persistence::TaskRecord> ExecutionCache::FindTask(std::string_view token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto arn = arn_by_token_.find(Key(token));
  if (arn == arn_by_token_.end()) return std::nullopt;
  auto it = by_arn_.find(arn->second);
  if (it == by_arn_.end()) return std::nullopt;
  for (const persistence::TaskRecord& task : it->second->tasks) {
    if (task.task_token == token ||
        (!task.invocation_token.empty() && task.invocation_token == token)) {
      lru_.splice(lru_.begin(), lru_, it->second);
      return task;
    }
  }
  return std::nullopt;
}

void ExecutionCache::Committed(const persistence::ExecutionSnapshot& base,
                               const persistence::StepUpdate& update, int64_t version) {
  if (options_.max_executions == 0 || options_.max_bytes == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto found = by_arn_.find(update.execution_arn);
  if (update.status != persistence::ExecutionStatus::kRunning) {
    if (found != by_arn_.end()) EraseLocked(found->second);
    return;
  }
  Lru::iterator it;
  if (found != by_arn_.end()) {
    it = found->second;
    // A step committed after this one (StartExecution's insert racing the
    // first event's step) already told us more.
    if (it->snapshot.execution.version >= version) return;
    bytes_ -= it->bytes;
    lru_.splice(lru_.begin(), lru_, it);
  } else {
    lru_.push_front(Entry{});
    it = lru_.begin();
    it->arn = update.execution_arn;
    by_arn_.emplace(it->arn, it);
  }
  Entry& entry = *it;
  persistence::ExecutionSnapshot& snapshot = entry.snapshot;
  snapshot.execution = persistence::ExecutionRecord{};
  snapshot.execution.execution_arn = update.execution_arn;
  snapshot.execution.state_machine_arn = base.execution.state_machine_arn;
  snapshot.execution.revision_id = base.execution.revision_id;
  snapshot.execution.name = base.execution.name;
  snapshot.execution.start_time = base.execution.start_time;
  snapshot.execution.status = update.status;
  snapshot.execution.version = version;
  snapshot.state_document = update.state_document;
  snapshot.machine_status = base.machine_status;
  snapshot.machine_name = base.machine_name;
  snapshot.machine_type = base.machine_type;

  auto closed_by_step = [&](const persistence::TaskRecord& task) {
    for (const auto* ids :
         {&update.completed_task_ids, &update.cancelled_task_ids, &update.timed_out_task_ids}) {
      if (std::find(ids->begin(), ids->end(), task.task_id) != ids->end()) return true;
    }
    return false;
  };
  std::erase_if(entry.tasks, [&](const persistence::TaskRecord& task) {
    if (!closed_by_step(task)) return false;
    arn_by_token_.erase(task.task_token);
    if (!task.invocation_token.empty()) arn_by_token_.erase(task.invocation_token);
    return true;
  });
  for (const persistence::TaskRecord& task : update.new_tasks) {
    entry.tasks.push_back(Slim(task));
    arn_by_token_.insert_or_assign(task.task_token, entry.arn);
    if (!task.invocation_token.empty()) {
      arn_by_token_.insert_or_assign(task.invocation_token, entry.arn);
    }
  }
  entry.bytes = BytesOf(entry);
  bytes_ += entry.bytes;
  EvictLocked();
}

void ExecutionCache::Erase(std::string_view execution_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto found = by_arn_.find(Key(execution_arn));
  if (found != by_arn_.end()) EraseLocked(found->second);
}

void ExecutionCache::EraseLocked(Lru::iterator it) {
  for (const persistence::TaskRecord& task : it->tasks) {
    arn_by_token_.erase(task.task_token);
    if (!task.invocation_token.empty()) arn_by_token_.erase(task.invocation_token);
  }
  bytes_ -= it->bytes;
  by_arn_.erase(it->arn);
  lru_.erase(it);
}

void ExecutionCache::EvictLocked() {
  while (!lru_.empty() && (lru_.size() > options_.max_executions || bytes_ > options_.max_bytes)) {
    EraseLocked(std::prev(lru_.end()));
  }
}

size_t ExecutionCache::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

size_t ExecutionCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

}  // namespace stepwise::service
