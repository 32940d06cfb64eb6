// ExecutionExecutor: starting executions and applying events (see the
// header); the other jobs live in execution_executor_{update,tasks,timers,
// redrive}.cc.
#include "orchestrator/service/execution_executor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "boost/json/serialize.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/effects.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/state_error.h"
#include "orchestrator/engine/uuid.h"
#include "orchestrator/service/execution_executor_internal.h"
#include "orchestrator/service/system_clock.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;
using executor_internal::CancelTaskTimers;
using executor_internal::ExecutionClosed;
using executor_internal::ParseJson;

// A version 4 UUID (lower-case hex) from 16 bytes of `entropy` (repeated
// when shorter): the last part of an express execution ARN.
std::string UuidFromEntropy(std::string_view entropy) {
  std::array<uint8_t, 16> bytes = {};
  for (size_t i = 0; i < bytes.size() && !entropy.empty(); ++i) {
    bytes[i] = static_cast<uint8_t>(entropy[i % entropy.size()]);
  }
  return engine::FormatUuidV4(bytes);
}

// The events that move an execution to its next state: AWS ends the
// executions of a DELETING state machine there. A worker taking a task
// (TaskStarted) moves nothing; StopExecution still aborts.
bool IsTransition(const EventBody& body) {
  return std::holds_alternative<engine::TaskSucceeded>(body) ||
         std::holds_alternative<engine::TaskFailed>(body) ||
         std::holds_alternative<engine::TimerFired>(body);
}

// A terminated execution cancels what it waits on, but the task or timer
// the replaced event consumed is already closed by that event's Consumes.
void DropConsumedCancels(const Consumes& consumes, engine::StepResult& result) {
  std::erase_if(result.effects, [&](const engine::Effect& effect) {
    if (const auto* task = std::get_if<engine::CancelTask>(&effect)) {
      return task->task_id == consumes.completed_task_id ||
             task->task_id == consumes.timed_out_task_id;
    }
    if (const auto* timer = std::get_if<engine::CancelTimer>(&effect)) {
      return timer->timer_id == consumes.fired_timer_id;
    }
    return false;
  });
}

}  // namespace

ExecutionExecutor::ExecutionExecutor(persistence::ExecutionStore& store, const Clock& clock,
                                     EntropySource entropy, ExecutorOptions options)
    : store_(store),
      clock_(clock),
      entropy_(entropy ? std::move(entropy) : EntropySource(&SystemEntropy)),
      options_(std::move(options)),
      execution_cache_(options_.execution_cache) {}

std::string ExecutionExecutor::ExecutionArn(std::string_view state_machine_name,
                                            std::string_view name) const {
  return StrCat("arn:aws:states:", options_.region, ":", options_.account,
                ":execution:", state_machine_name, ":", name);
}

absl::StatusOr<std::shared_ptr<const engine::Interpreter>> ExecutionExecutor::InterpreterFor(
    const std::string& revision_id, std::string_view definition) {
  {
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(revision_id);
    if (it != cache_.end()) return it->second;
  }
  // Validate outside the lock; two racing threads build equal interpreters.
  asl::ValidationResult validation = asl::ValidateDefinition(definition);
  if (!validation.ok()) {
    std::string message = StrCat("state machine revision '", revision_id, "' is invalid");
    if (!validation.diagnostics.empty()) {
      message = StrCat(message, ": ", validation.diagnostics.front().message);
    }
    return absl::InternalError(message);
  }
  auto interpreter = std::make_shared<const engine::Interpreter>(std::move(validation.machine),
                                                                 options_.interpreter);
  std::lock_guard<std::mutex> lock(cache_mu_);
  auto [it, inserted] = cache_.try_emplace(revision_id, std::move(interpreter));
  return it->second;
}

absl::StatusOr<std::shared_ptr<const engine::Interpreter>>
ExecutionExecutor::InterpreterForRevision(const std::string& revision_id) {
  {
    // Revisions are immutable: a cached interpreter needs no store read.
    std::lock_guard<std::mutex> lock(cache_mu_);
    auto it = cache_.find(revision_id);
    if (it != cache_.end()) return it->second;
  }
  ASSIGN_OR_RETURN(persistence::StateMachineRevision revision,
                   store_.GetStateMachineRevision(revision_id));
  return InterpreterFor(revision.revision_id, revision.definition);
}

std::optional<persistence::ExecutionSnapshot> ExecutionExecutor::CachedSnapshot(
    std::string_view execution_arn, const EventBody& body, const Consumes& consumes) {
  std::optional<persistence::ExecutionSnapshot> cached =
      execution_cache_.Find(execution_arn, consumes.task_token);
  // Whether the machine is DELETING now is only known to a read: another
  // replica may have deleted it. EXPRESS executions run on regardless, and
  // events that are no transition (TaskStarted, StopRequested) ignore it.
  if (cached.has_value() && IsTransition(body) && cached->machine_type != "EXPRESS" &&
      cached->machine_status != persistence::StateMachineStatus::kDeleting) {
    return std::nullopt;
  }
  return cached;
}

std::optional<engine::FailRequested> ExecutionExecutor::DeletedMachineFailure(
    const persistence::ExecutionSnapshot& snapshot) {
  // The machine comes with the snapshot (LoadExecution reads it in the same
  // query), so this costs no round trip. Gone altogether cannot happen while
  // the execution runs; let it be. AWS: EXPRESS executions may go on after
  // DeleteStateMachine.
  if (snapshot.machine_name.empty() ||
      snapshot.machine_status != persistence::StateMachineStatus::kDeleting ||
      snapshot.machine_type == "EXPRESS") {
    return std::nullopt;
  }
  return engine::FailRequested{
      std::string(engine::errors::kRuntime),
      StrCat("State machine ", snapshot.machine_name, " has been deleted.")};
}

absl::StatusOr<std::string> ExecutionExecutor::StartExecution(std::string_view state_machine_arn,
                                                              std::string_view name,
                                                              std::string_view input_json) {
  ASSIGN_OR_RETURN(persistence::ExecutionRecord record,
                   StartExecutionRecord(state_machine_arn, name, input_json, StartOptions{}));
  return std::move(record.execution_arn);
}

absl::StatusOr<persistence::StateMachineRecord> ExecutionExecutor::ReadStateMachine(
    std::string_view arn) {
  absl::StatusOr<persistence::StateMachineRecord> machine = store_.GetStateMachine(arn);
  if (!machine.ok() || machine->status != persistence::StateMachineStatus::kActive) {
    ForgetStateMachine(arn);
    return machine;
  }
  if (options_.state_machine_cache > 0) {
    std::lock_guard<std::mutex> lock(machines_mu_);
    if (machines_.size() >= options_.state_machine_cache) machines_.clear();
    machines_.insert_or_assign(machine->arn, *machine);
  }
  return machine;
}

void ExecutionExecutor::ForgetStateMachine(std::string_view arn) {
  const std::string key(arn);
  std::lock_guard<std::mutex> lock(machines_mu_);
  machines_.erase(key);
}

absl::StatusOr<persistence::StateMachineRecord> ExecutionExecutor::StateMachine(
    std::string_view arn) {
  {
    const std::string key(arn);
    std::lock_guard<std::mutex> lock(machines_mu_);
    if (auto it = machines_.find(key); it != machines_.end()) return it->second;
  }
  return ReadStateMachine(arn);
}

absl::StatusOr<persistence::ExecutionRecord> ExecutionExecutor::StartExecutionRecord(
    std::string_view state_machine_arn, std::string_view name, std::string_view input_json,
    const StartOptions& options) {
  if (name.empty() || name.size() > 80) {
    return absl::InvalidArgumentError(
        StrCat("Invalid execution name '", name, "': must be 1 to 80 characters"));
  }
  ASSIGN_OR_RETURN(json::value input, ParseJson(input_json, "the execution input"));
  // The caller's record or this replica's cached one: no read. Either may be
  // stale; CreateExecution then refuses the start (kAborted, nothing
  // written) and it goes again on the machine as the store has it now.
  std::optional<persistence::StateMachineRecord> read;
  if (options.machine == nullptr || options.machine->arn != state_machine_arn) {
    ASSIGN_OR_RETURN(read, StateMachine(state_machine_arn));
  }
  absl::StatusOr<persistence::ExecutionRecord> started =
      StartOn(read.has_value() ? *read : *options.machine, name, input, options, /*cached=*/true);
  const absl::StatusCode code = started.status().code();
  if (code == absl::StatusCode::kNotFound || code == absl::StatusCode::kFailedPrecondition) {
    ForgetStateMachine(state_machine_arn);  // Gone or DELETING, whatever the record said.
  }
  // kAborted: a stale record (or a start that raced with one of the same name).
  if (code != absl::StatusCode::kAborted) return started;
  ASSIGN_OR_RETURN(read, ReadStateMachine(state_machine_arn));
  if (options.check_machine) RETURN_IF_ERROR(options.check_machine(*read));
  return StartOn(*read, name, input, options, /*cached=*/false);
}

absl::StatusOr<persistence::ExecutionRecord> ExecutionExecutor::StartOn(
    const persistence::StateMachineRecord& machine, std::string_view name, const json::value& input,
    const StartOptions& options, bool cached) {
  if (machine.status == persistence::StateMachineStatus::kDeleting) {
    return absl::FailedPreconditionError(
        StrCat("State machine is being deleted: '", machine.arn, "'"));
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const engine::Interpreter> interpreter,
                   InterpreterFor(machine.revision_id, machine.definition));

  // AWS: StartExecution is not idempotent for EXPRESS machines; every start
  // is a new execution, told apart by the UUID in its ARN. The UUID has its
  // own entropy, so it reveals nothing of the step's (task tokens).
  const std::string execution_arn =
      machine.type == "EXPRESS"
          ? StrCat("arn:aws:states:", options_.region, ":", options_.account,
                   ":express:", machine.name, ":", name, ":", UuidFromEntropy(entropy_()))
          : ExecutionArn(machine.name, name);
  engine::Event event;
  event.now = clock_.Now();
  event.entropy = entropy_();
  engine::StartExecution start;
  start.info.execution_arn = execution_arn;
  start.info.name = std::string(name);
  start.info.state_machine_arn = machine.arn;
  start.info.state_machine_name = machine.name;
  start.info.role_arn = machine.role_arn;
  start.input = input;
  event.body = std::move(start);

  engine::StepResult result = interpreter->Apply(engine::ExecutionState{}, event);
  RETURN_IF_ERROR(FailMissingActivities(*interpreter, event.now, result));

  persistence::NewExecution execution;
  execution.require_current_revision = cached;
  execution.first_step = ToStepUpdate(execution_arn, result, event.now);
  persistence::ExecutionRecord& record = execution.execution;
  record.execution_arn = execution_arn;
  record.state_machine_arn = machine.arn;
  record.revision_id = machine.revision_id;
  record.name = std::string(name);
  record.status = execution.first_step.status;
  record.input = json::serialize(input);
  record.output = execution.first_step.output;
  record.error = execution.first_step.error;
  record.cause = execution.first_step.cause;
  record.start_time = event.now;
  record.stop_time = execution.first_step.stop_time;
  PrepareCommit(*interpreter, event.now, result, execution.first_step);
  if (options.before_commit) options.before_commit(execution_arn);
  absl::StatusOr<persistence::CreateExecutionResult> create = store_.CreateExecution(execution);
  if (!create.ok() || !create->created) NotifyCommitFailed(execution.first_step);
  ASSIGN_OR_RETURN(persistence::CreateExecutionResult created, std::move(create));
  if (created.created) {
    persistence::ExecutionSnapshot base;
    base.execution = created.execution;
    base.machine_status = machine.status;
    base.machine_name = machine.name;
    base.machine_type = machine.type;
    // Before the observers: a worker woken by them may complete a task at once.
    execution_cache_.Committed(base, execution.first_step, created.execution.version);
    NotifyCommitted(execution.first_step);
  }
  return std::move(created.execution);
}

absl::StatusOr<int64_t> ExecutionExecutor::Apply(std::string_view execution_arn,
                                                 const EventBody& body, const Consumes& consumes) {
  // Events for one execution are applied one at a time within this replica,
  // so its threads do not keep invalidating each other's versions; across
  // replicas the version check (kAborted, retry) is what keeps it correct.
  std::lock_guard<std::mutex> serialize(ApplyMutexFor(execution_arn));
  absl::Status last = absl::AbortedError("no attempt made");
  // The first attempt may start from the cached snapshot; when that turns
  // out stale (or changes nothing) one more attempt goes as it would have
  // without the cache.
  bool from_cache = false;
  int attempts = options_.max_attempts;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (!consumes.task_token.empty()) {
      // A retry re-reads: the conflicting step may have closed the task.
      RETURN_IF_ERROR(attempt == 0 && consumes.task != nullptr
                          ? TaskOpen(*consumes.task)
                          : CheckTaskOpen(consumes.task_token));
    }
    std::optional<persistence::ExecutionSnapshot> cached;
    if (attempt == 0) cached = CachedSnapshot(execution_arn, body, consumes);
    from_cache = cached.has_value();
    if (!from_cache) {
      ASSIGN_OR_RETURN(cached, store_.LoadExecution(execution_arn));
    }
    persistence::ExecutionSnapshot& snapshot = *cached;
    if (snapshot.execution.status != persistence::ExecutionStatus::kRunning) {
      return ExecutionClosed(snapshot.execution);
    }
    ASSIGN_OR_RETURN(json::value document,
                     ParseJson(snapshot.state_document, "the stored execution state"));
    absl::StatusOr<engine::ExecutionState> state = engine::ExecutionStateFromJson(document);
    if (!state.ok()) {
      return absl::InternalError(StrCat("Execution '", execution_arn, "' has a corrupt state: ",
                                        std::string(state.status().message())));
    }
    ASSIGN_OR_RETURN(std::shared_ptr<const engine::Interpreter> interpreter,
                     InterpreterForRevision(snapshot.execution.revision_id));
    std::optional<engine::FailRequested> terminate;
    if (IsTransition(body)) terminate = DeletedMachineFailure(snapshot);

    engine::Event event;
    event.now = clock_.Now();
    event.entropy = entropy_();
    if (terminate.has_value()) {
      event.body = *std::move(terminate);
    } else {
      std::visit([&](const auto& b) { event.body = b; }, body);
    }
    engine::StepResult result = interpreter->Apply(*std::move(state), event);
    if (std::holds_alternative<engine::FailRequested>(event.body)) {
      DropConsumedCancels(consumes, result);
    } else {
      RETURN_IF_ERROR(FailMissingActivities(*interpreter, event.now, result));
    }

    const bool consumes_rows = !consumes.completed_task_id.empty() ||
                               !consumes.fired_timer_id.empty() ||
                               !consumes.timed_out_task_id.empty();
    if (!consumes_rows && result.history.empty() && result.effects.empty() &&
        engine::ToJson(result.state) == document) {
      if (from_cache) {
        // Stale for the cached state; the stored one may be newer.
        ++attempts;
        continue;
      }
      return snapshot.execution.version;  // A stale event: nothing to commit.
    }
    persistence::StepUpdate update = ToStepUpdate(execution_arn, result, event.now);
    if (!consumes.fired_timer_id.empty()) {
      update.fired_timer_ids.push_back(consumes.fired_timer_id);
    }
    // A closed task's timers go with it, in the same step.
    if (!consumes.completed_task_id.empty()) {
      update.completed_task_ids.push_back(consumes.completed_task_id);
      CancelTaskTimers(consumes.completed_task_id, update, consumes.task);
    }
    if (!consumes.timed_out_task_id.empty()) {
      update.timed_out_task_ids.push_back(consumes.timed_out_task_id);
      CancelTaskTimers(consumes.timed_out_task_id, update, consumes.task);
    }
    // The check above ran in another transaction: CommitStep repeats it in
    // the step's own (no extra round trip), so no completion is applied twice.
    update.consumed_tasks_must_be_open = !consumes.task_token.empty();
    PrepareCommit(*interpreter, event.now, result, update);
    // What follows a commit, run by this thread or, in a batch, by its
    // leader (StepUpdate::on_committed) before this thread learns the result.
    // Two pointers captured: fits std::function's buffer, no allocation.
    struct Announcement {
      const persistence::ExecutionSnapshot& snapshot;
      const persistence::StepUpdate& update;
      bool done = false;
    } announcement{snapshot, update};
    update.on_committed = [this, &announcement](int64_t committed) {
      announcement.done = true;  // First: if an observer throws, nobody runs it again.
      // Before the observers: a worker woken by them may complete a task at once.
      execution_cache_.Committed(announcement.snapshot, announcement.update, committed);
      NotifyCommitted(announcement.update);
    };
    absl::StatusOr<int64_t> version = store_.CommitStep(update, snapshot.execution.version);
    if (version.ok() && !announcement.done) update.on_committed(*version);
    // It points into this frame: nothing may call it once CommitStep returned.
    update.on_committed = nullptr;
    if (!version.ok()) {
      NotifyCommitFailed(update);
      execution_cache_.Erase(execution_arn);
    }
    if (from_cache && (version.status().code() == absl::StatusCode::kAborted ||
                       version.status().code() == absl::StatusCode::kFailedPrecondition ||
                       version.status().code() == absl::StatusCode::kNotFound)) {
      // Stale: another replica moved the execution or closed the task. Try
      // again from the store, re-reading the task as any retry does.
      ++attempts;
      last = version.status();
      continue;
    }
    if (version.status().code() == absl::StatusCode::kFailedPrecondition &&
        !consumes.task_token.empty()) {
      RETURN_IF_ERROR(CheckTaskOpen(consumes.task_token));  // Say why, as the check above.
    }
    if (version.ok() || version.status().code() != absl::StatusCode::kAborted) return version;
    last = version.status();
  }
  return absl::AbortedError(StrCat("Execution '", execution_arn, "' kept changing: gave up after ",
                                   options_.max_attempts,
                                   " attempts: ", std::string(last.message())));
}

absl::Status ExecutionExecutor::Stop(std::string_view execution_arn, std::string_view error,
                                     std::string_view cause) {
  return Apply(execution_arn, engine::StopRequested{std::string(error), std::string(cause)})
      .status();
}

}  // namespace stepwise::service
