#include "persistence/memory/memory_store.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/page_token.h"
#include "persistence/store_rules.h"

namespace stepwise::persistence {
namespace {

absl::Status NoStateMachine(std::string_view arn) {
  return absl::NotFoundError(StrCat("State machine does not exist: '", arn, "'"));
}

absl::Status Deleting(std::string_view arn) {
  return absl::FailedPreconditionError(StrCat("State machine is being deleted: '", arn, "'"));
}

// NewExecution::require_current_revision refused.
absl::Status StaleRevision(const ExecutionRecord& request) {
  return absl::AbortedError(StrCat("State machine '", request.state_machine_arn,
                                   "' is no longer at revision '", request.revision_id, "'"));
}

absl::Status NoExecution(std::string_view arn) {
  return absl::NotFoundError(StrCat("Execution does not exist: '", arn, "'"));
}

absl::Status NoTask() { return absl::NotFoundError("No task has this token"); }

absl::Status CheckPageSize(int page_size) {
  if (page_size < 1) return absl::InvalidArgumentError("Page size must be at least 1");
  return absl::OkStatus();
}

// Newest first; ties by arn, descending, as the PostgreSQL index orders them.
bool NewerFirst(const ExecutionRecord& a, const ExecutionRecord& b) {
  int64_t ta = ToMicros(a.start_time);
  int64_t tb = ToMicros(b.start_time);
  if (ta != tb) return ta > tb;
  return a.execution_arn > b.execution_arn;
}

}  // namespace

absl::StatusOr<StateMachineRecord> MemoryStore::CreateStateMachine(
    const StateMachineRecord& record) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> same_name;
  for (const auto& [arn, existing] : state_machines_) {
    if (existing.name == record.name) same_name.push_back(arn);
  }
  for (const std::string& arn : same_name) PurgeIfGone(arn);
  PurgeIfGone(record.arn);
  if (auto it = state_machines_.find(record.arn); it != state_machines_.end()) {
    if (it->second.status == StateMachineStatus::kDeleting) return Deleting(record.arn);
    if (SameStateMachine(it->second, record)) return it->second;
    return absl::AlreadyExistsError(StrCat("State machine already exists: '", record.arn, "'"));
  }
  for (const auto& [arn, existing] : state_machines_) {
    if (existing.name == record.name) {
      if (existing.status == StateMachineStatus::kDeleting) return Deleting(arn);
      return absl::AlreadyExistsError(
          StrCat("State machine name already in use: '", record.name, "'"));
    }
  }
  if (revisions_.contains(record.revision_id)) {
    return absl::AlreadyExistsError(StrCat("Revision exists: '", record.revision_id, "'"));
  }
  StateMachineRecord stored = record;
  stored.update_date = record.creation_date;
  stored.status = StateMachineStatus::kActive;
  revisions_[record.revision_id] = StateMachineRevision{
      record.revision_id, record.arn, record.definition, record.role_arn, record.creation_date};
  state_machines_[record.arn] = stored;
  return stored;
}

absl::StatusOr<StateMachineRecord> MemoryStore::GetStateMachine(std::string_view arn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (PurgeIfGone(arn)) return NoStateMachine(arn);
  return state_machines_.find(arn)->second;
}

absl::StatusOr<StateMachineRevision> MemoryStore::GetStateMachineRevision(
    std::string_view revision_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = revisions_.find(revision_id);
  if (it == revisions_.end()) {
    return absl::NotFoundError(StrCat("No state machine revision '", revision_id, "'"));
  }
  return it->second;
}

absl::StatusOr<StateMachinePage> MemoryStore::ListStateMachines(int page_size,
                                                                std::string_view page_token) {
  RETURN_IF_ERROR(CheckPageSize(page_size));
  std::string after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(page_token, 1));
    after = parts[0];
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<std::string> deleting;
  for (const auto& [arn, record] : state_machines_) {
    if (record.status == StateMachineStatus::kDeleting) deleting.push_back(arn);
  }
  for (const std::string& arn : deleting) PurgeIfGone(arn);
  StateMachinePage page;
  auto it = page_token.empty() ? state_machines_.begin() : state_machines_.upper_bound(after);
  for (; it != state_machines_.end(); ++it) {
    if (static_cast<int>(page.state_machines.size()) == page_size) {
      page.next_page_token = EncodePageToken({page.state_machines.back().arn});
      break;
    }
    page.state_machines.push_back(it->second);
  }
  return page;
}

absl::StatusOr<StateMachineRecord> MemoryStore::UpdateStateMachine(
    const StateMachineUpdate& update) {
  std::lock_guard<std::mutex> lock(mu_);
  if (PurgeIfGone(update.arn)) return NoStateMachine(update.arn);
  auto it = state_machines_.find(update.arn);
  if (it->second.status == StateMachineStatus::kDeleting) return Deleting(update.arn);
  if (revisions_.contains(update.revision_id)) {
    return absl::AlreadyExistsError(StrCat("Revision exists: '", update.revision_id, "'"));
  }
  StateMachineRecord& record = it->second;
  if (update.definition.has_value()) record.definition = *update.definition;
  if (update.role_arn.has_value()) record.role_arn = *update.role_arn;
  record.revision_id = update.revision_id;
  record.update_date = update.update_date;
  revisions_[update.revision_id] = StateMachineRevision{
      update.revision_id, record.arn, record.definition, record.role_arn, update.update_date};
  return record;
}

absl::Status MemoryStore::DeleteStateMachine(std::string_view arn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (PurgeIfGone(arn)) return NoStateMachine(arn);
  state_machines_.find(arn)->second.status = StateMachineStatus::kDeleting;
  PurgeIfGone(arn);  // At once when nothing runs.
  return absl::OkStatus();
}

bool MemoryStore::PurgeIfGone(std::string_view arn) {
  auto it = state_machines_.find(arn);
  if (it == state_machines_.end()) return true;
  if (it->second.status == StateMachineStatus::kActive) return false;
  for (const auto& [execution_arn, execution] : executions_) {
    if (execution.record.state_machine_arn == arn &&
        execution.record.status == ExecutionStatus::kRunning) {
      return false;
    }
  }
  state_machines_.erase(it);
  return true;
}

absl::StatusOr<CreateExecutionResult> MemoryStore::CreateExecution(const NewExecution& execution) {
  RETURN_IF_ERROR(ValidateNewExecution(execution));
  const ExecutionRecord& request = execution.execution;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = executions_.find(request.execution_arn); it != executions_.end()) {
    RETURN_IF_ERROR(CheckIdempotentStart(it->second.record, request));
    return CreateExecutionResult{it->second.record, false};
  }
  if (PurgeIfGone(request.state_machine_arn)) return NoStateMachine(request.state_machine_arn);
  const StateMachineRecord& machine = state_machines_.find(request.state_machine_arn)->second;
  if (machine.status == StateMachineStatus::kDeleting) return Deleting(request.state_machine_arn);
  if (execution.require_current_revision && machine.revision_id != request.revision_id) {
    return StaleRevision(request);
  }
  Execution fresh;
  fresh.record = request;
  fresh.record.version = 0;
  fresh.record.redrive_count = 0;
  fresh.record.redrive_date.reset();
  RETURN_IF_ERROR(ValidateStep(fresh, execution.first_step));
  ApplyStep(fresh, execution.first_step);
  ExecutionRecord result = fresh.record;
  executions_.emplace(request.execution_arn, std::move(fresh));
  return CreateExecutionResult{std::move(result), true};
}

absl::StatusOr<ExecutionRecord> MemoryStore::GetExecution(std::string_view execution_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = executions_.find(execution_arn);
  if (it == executions_.end()) return NoExecution(execution_arn);
  return it->second.record;
}

absl::StatusOr<ExecutionSnapshot> MemoryStore::LoadExecution(std::string_view execution_arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = executions_.find(execution_arn);
  if (it == executions_.end()) return NoExecution(execution_arn);
  ExecutionSnapshot snapshot;
  snapshot.execution = it->second.record;
  snapshot.state_document = it->second.state_document;
  auto machine = state_machines_.find(it->second.record.state_machine_arn);
  if (machine != state_machines_.end()) {
    snapshot.machine_status = machine->second.status;
    snapshot.machine_name = machine->second.name;
    snapshot.machine_type = machine->second.type;
  }
  return snapshot;
}

absl::StatusOr<ExecutionPage> MemoryStore::ListExecutions(const ExecutionFilter& filter,
                                                          int page_size,
                                                          std::string_view page_token) {
  RETURN_IF_ERROR(CheckPageSize(page_size));
  std::optional<ExecutionRecord> after;
  if (!page_token.empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(page_token, 2));
    int64_t micros = 0;
    if (!absl::SimpleAtoi(parts[0], &micros)) {
      return absl::InvalidArgumentError("Invalid page token");
    }
    after.emplace();
    after->start_time = FromMicros(micros);
    after->execution_arn = parts[1];
  }
  std::vector<ExecutionRecord> matching;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [arn, execution] : executions_) {
      const ExecutionRecord& record = execution.record;
      if (record.state_machine_arn != filter.state_machine_arn) continue;
      if (filter.status.has_value() && record.status != *filter.status) continue;
      if (after.has_value() && !NewerFirst(*after, record)) continue;
      matching.push_back(record);
    }
  }
  std::sort(matching.begin(), matching.end(), NewerFirst);
  ExecutionPage page;
  if (static_cast<int>(matching.size()) > page_size) {
    matching.resize(page_size);
    const ExecutionRecord& last = matching.back();
    page.next_page_token = EncodePageToken({StrCat(ToMicros(last.start_time)), last.execution_arn});
  }
  page.executions = std::move(matching);
  return page;
}

absl::StatusOr<int64_t> MemoryStore::CommitStep(const StepUpdate& update,
                                                int64_t expected_version) {
  RETURN_IF_ERROR(ValidateStepUpdate(update));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = executions_.find(update.execution_arn);
  if (it == executions_.end()) return NoExecution(update.execution_arn);
  Execution& execution = it->second;
  if (execution.record.version != expected_version) {
    return absl::AbortedError(StrCat("Execution '", update.execution_arn, "' is at version ",
                                     execution.record.version, ", not ", expected_version));
  }
  RETURN_IF_ERROR(CheckStepAllowed(execution.record.status, update));
  RETURN_IF_ERROR(ValidateStep(execution, update));
  ApplyStep(execution, update);
  return execution.record.version;
}

absl::Status MemoryStore::ValidateStep(const Execution& execution, const StepUpdate& update) const {
  for (const TaskRecord& task : update.new_tasks) {
    if (tasks_.contains(Key(update.execution_arn, task.task_id)) ||
        task_tokens_.contains(task.task_token) ||
        (!task.invocation_token.empty() && task_tokens_.contains(task.invocation_token))) {
      return absl::AlreadyExistsError(StrCat("Task '", task.task_id, "' or its token exists"));
    }
  }
  if (update.consumed_tasks_must_be_open) {
    for (const auto* ids : {&update.completed_task_ids, &update.timed_out_task_ids}) {
      for (const std::string& id : *ids) {
        auto it = tasks_.find(Key(update.execution_arn, id));
        if (it == tasks_.end() || !IsOpen(it->second.status)) {
          return absl::FailedPreconditionError(StrCat("A task consumed by the step on '",
                                                      update.execution_arn, "' is no longer open"));
        }
      }
    }
  }
  int64_t last_id = execution.history.empty() ? 0 : execution.history.back().id;
  if (!update.history.empty() && update.history.front().id <= last_id) {
    return absl::AlreadyExistsError(
        StrCat("History event ", update.history.front().id, " already exists"));
  }
  return absl::OkStatus();
}

void MemoryStore::ApplyStep(Execution& execution, const StepUpdate& update) {
  ExecutionRecord& record = execution.record;
  record.status = update.status;
  record.output = update.output;
  record.error = update.error;
  record.cause = update.cause;
  record.stop_time = update.stop_time;
  if (update.redrive_date.has_value()) {
    record.redrive_count++;
    record.redrive_date = update.redrive_date;
  }
  record.version++;
  execution.state_document = update.state_document;
  execution.history.insert(execution.history.end(), update.history.begin(), update.history.end());

  for (const TaskRecord& task : update.new_tasks) {
    TaskRecord stored = task;
    stored.execution_arn = update.execution_arn;
    stored.status = TaskStatus::kPending;
    stored.worker_id.clear();
    stored.lease_until.reset();
    stored.last_heartbeat.reset();
    stored.delivery_count = 0;
    if (task.claim.has_value()) {  // As ClaimTask at claimed_at would leave it.
      stored.status = TaskStatus::kClaimed;
      stored.worker_id = task.claim->worker_id;
      stored.lease_until = task.claim->lease_until;
      stored.last_heartbeat = task.claim->claimed_at;
      stored.delivery_count = 1;
      stored.claim.reset();
    }
    Key key(update.execution_arn, task.task_id);
    task_tokens_[task.task_token] = key;
    if (!task.invocation_token.empty()) task_tokens_[task.invocation_token] = key;
    Index(stored);
    tasks_[key] = std::move(stored);
  }
  for (const std::string& id : update.completed_task_ids) {
    CloseTask(Key(update.execution_arn, id), TaskStatus::kCompleted);
  }
  for (const std::string& id : update.cancelled_task_ids) {
    CloseTask(Key(update.execution_arn, id), TaskStatus::kCancelled);
  }
  for (const std::string& id : update.timed_out_task_ids) {
    CloseTask(Key(update.execution_arn, id), TaskStatus::kTimedOut);
  }
  for (const auto* ids : {&update.fired_timer_ids, &update.cancelled_timer_ids}) {
    for (const std::string& id : *ids) EraseTimer(Key(update.execution_arn, id));
  }
  for (const TimerRecord& timer : update.new_timers) {
    EraseTimer(Key(update.execution_arn, timer.timer_id));
    PutTimer(TimerRecord{update.execution_arn, timer.timer_id, timer.fire_at, "", std::nullopt});
  }
}

void MemoryStore::CloseTask(const Key& key, TaskStatus status) {
  auto it = tasks_.find(key);
  if (it == tasks_.end() || !IsOpen(it->second.status)) return;
  Unindex(it->second);
  it->second.status = status;
  it->second.lease_until.reset();
}

void MemoryStore::Index(const TaskRecord& task) {
  if (task.status == TaskStatus::kPending) {
    pending_tasks_.emplace(task.queue, task.scheduled_at, task.execution_arn, task.task_id);
  } else if (task.status == TaskStatus::kClaimed) {
    leased_tasks_.emplace(task.queue, task.lease_until.value_or(absl::InfinitePast()),
                          task.execution_arn, task.task_id);
  }
}

void MemoryStore::Unindex(const TaskRecord& task) {
  pending_tasks_.erase(QueueKey(task.queue, task.scheduled_at, task.execution_arn, task.task_id));
  leased_tasks_.erase(QueueKey(task.queue, task.lease_until.value_or(absl::InfinitePast()),
                               task.execution_arn, task.task_id));
}

void MemoryStore::PutTimer(TimerRecord timer) {
  Key key(timer.execution_arn, timer.timer_id);
  timer_queue_.emplace(timer.lease_until.value_or(timer.fire_at), timer.execution_arn,
                       timer.timer_id);
  timers_[key] = std::move(timer);
}

void MemoryStore::EraseTimer(const Key& key) {
  auto it = timers_.find(key);
  if (it == timers_.end()) return;
  const TimerRecord& timer = it->second;
  timer_queue_.erase(
      TimerKey(timer.lease_until.value_or(timer.fire_at), timer.execution_arn, timer.timer_id));
  timers_.erase(it);
}

absl::StatusOr<std::vector<HistoryRecord>> MemoryStore::ReadHistory(std::string_view execution_arn,
                                                                    const HistoryQuery& query) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = executions_.find(execution_arn);
  if (it == executions_.end()) return NoExecution(execution_arn);
  const std::vector<HistoryRecord>& history = it->second.history;
  std::vector<HistoryRecord> page;
  if (query.reverse) {
    for (auto e = history.rbegin(); e != history.rend(); ++e) {
      if (static_cast<int>(page.size()) >= query.max_events) break;
      if (query.cursor == 0 || e->id < query.cursor) page.push_back(*e);
    }
  } else {
    for (const HistoryRecord& event : history) {
      if (static_cast<int>(page.size()) >= query.max_events) break;
      if (event.id > query.cursor) page.push_back(event);
    }
  }
  return page;
}

absl::StatusOr<std::optional<TaskRecord>> MemoryStore::ClaimTask(std::string_view queue,
                                                                 std::string_view worker_id,
                                                                 const TaskLeaseRule& rule,
                                                                 absl::Time now) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string queue_name(queue);
  const QueueKey first(queue_name, absl::InfinitePast(), "", "");
  // Tasks whose lease ran out have waited longest: they go first.
  std::optional<QueueKey> pick;
  if (auto it = leased_tasks_.lower_bound(first);
      it != leased_tasks_.end() && std::get<0>(*it) == queue_name && std::get<1>(*it) <= now) {
    pick = *it;
  } else if (auto p = pending_tasks_.lower_bound(first);
             p != pending_tasks_.end() && std::get<0>(*p) == queue_name) {
    pick = *p;
  }
  if (!pick.has_value()) return std::optional<TaskRecord>();
  TaskRecord& task = tasks_.at(Key(std::get<2>(*pick), std::get<3>(*pick)));
  Unindex(task);
  task.status = TaskStatus::kClaimed;
  task.worker_id = std::string(worker_id);
  // The lease counts from the claim (ExecutionStore::ClaimTask).
  task.lease_until = now + TaskLeaseFor(task, rule);
  task.last_heartbeat = now;
  task.delivery_count++;
  Index(task);
  return std::optional<TaskRecord>(task);
}

absl::StatusOr<TaskRecord> MemoryStore::FindTaskByToken(std::string_view task_token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = task_tokens_.find(task_token);
  if (it == task_tokens_.end()) return NoTask();
  return tasks_.at(it->second);
}

absl::StatusOr<TaskRecord> MemoryStore::RecordHeartbeat(std::string_view task_token, absl::Time now,
                                                        absl::Time lease_until) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = task_tokens_.find(task_token);
  if (it == task_tokens_.end()) return NoTask();
  TaskRecord& task = tasks_.at(it->second);
  if (!IsOpen(task.status)) {
    return absl::FailedPreconditionError(
        StrCat("Task '", task.task_id, "' is ", TaskStatusName(task.status)));
  }
  task.last_heartbeat = now;
  if (task.status == TaskStatus::kClaimed) {
    Unindex(task);
    task.lease_until = lease_until;
    Index(task);
  }
  return task;
}

absl::StatusOr<TaskRecord> MemoryStore::AcknowledgeInvocation(std::string_view invocation_token) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = task_tokens_.find(invocation_token);
  if (it == task_tokens_.end()) return NoTask();
  TaskRecord& task = tasks_.at(it->second);
  if (task.invocation_token != invocation_token) return NoTask();  // A callback token.
  if (task.status == TaskStatus::kPending || task.status == TaskStatus::kClaimed) {
    Unindex(task);
    task.status = TaskStatus::kInvoked;
    task.lease_until.reset();
  } else if (task.status != TaskStatus::kInvoked && task.status != TaskStatus::kCompleted) {
    return absl::FailedPreconditionError(
        StrCat("Task '", task.task_id, "' is ", TaskStatusName(task.status)));
  }
  return task;
}

absl::StatusOr<std::vector<TimerRecord>> MemoryStore::ClaimDueTimers(absl::Time now, int limit,
                                                                     std::string_view owner,
                                                                     absl::Time lease_until) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Key> due;
  for (auto it = timer_queue_.begin();
       it != timer_queue_.end() && std::get<0>(*it) <= now && static_cast<int>(due.size()) < limit;
       ++it) {
    due.emplace_back(std::get<1>(*it), std::get<2>(*it));
  }
  std::vector<TimerRecord> claimed;
  for (const Key& key : due) {
    TimerRecord timer = timers_.at(key);
    EraseTimer(key);
    timer.owner = std::string(owner);
    timer.lease_until = lease_until;
    claimed.push_back(timer);
    PutTimer(std::move(timer));
  }
  std::sort(claimed.begin(), claimed.end(), [](const TimerRecord& a, const TimerRecord& b) {
    return std::tie(a.fire_at, a.execution_arn, a.timer_id) <
           std::tie(b.fire_at, b.execution_arn, b.timer_id);
  });
  return claimed;
}

absl::Status MemoryStore::CheckTimerHeld(const Key& key, std::string_view owner) const {
  auto it = timers_.find(key);
  if (it == timers_.end()) {
    return absl::NotFoundError(StrCat("No timer '", key.second, "' in '", key.first, "'"));
  }
  if (it->second.owner != owner || !it->second.lease_until.has_value()) {
    return absl::FailedPreconditionError(
        StrCat("Timer '", key.second, "' is not held by '", owner, "'"));
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::RescheduleTimer(std::string_view execution_arn, std::string_view timer_id,
                                          std::string_view owner, absl::Time fire_at) {
  std::lock_guard<std::mutex> lock(mu_);
  Key key{std::string(execution_arn), std::string(timer_id)};
  RETURN_IF_ERROR(CheckTimerHeld(key, owner));
  EraseTimer(key);
  PutTimer(
      TimerRecord{std::string(execution_arn), std::string(timer_id), fire_at, "", std::nullopt});
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteTimer(std::string_view execution_arn, std::string_view timer_id,
                                      std::string_view owner) {
  std::lock_guard<std::mutex> lock(mu_);
  Key key{std::string(execution_arn), std::string(timer_id)};
  RETURN_IF_ERROR(CheckTimerHeld(key, owner));
  EraseTimer(key);
  return absl::OkStatus();
}

}  // namespace stepwise::persistence
