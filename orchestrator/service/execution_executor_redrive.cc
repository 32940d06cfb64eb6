// ExecutionExecutor::Redrive (RedriveExecution) and NotRedrivableReason.
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/redrive.h"
#include "orchestrator/service/execution_executor.h"

namespace stepwise::service {
namespace {

namespace json = boost::json;

engine::ExecutionStatus ToEngineStatus(persistence::ExecutionStatus status) {
  switch (status) {
    case persistence::ExecutionStatus::kRunning:
      return engine::ExecutionStatus::kRunning;
    case persistence::ExecutionStatus::kSucceeded:
      return engine::ExecutionStatus::kSucceeded;
    case persistence::ExecutionStatus::kFailed:
      return engine::ExecutionStatus::kFailed;
    case persistence::ExecutionStatus::kTimedOut:
      return engine::ExecutionStatus::kTimedOut;
    case persistence::ExecutionStatus::kAborted:
      return engine::ExecutionStatus::kAborted;
  }
  return engine::ExecutionStatus::kFailed;
}

absl::StatusOr<engine::ExecutionState> ParseDocument(
    const persistence::ExecutionSnapshot& snapshot) {
  std::error_code ec;
  json::value document = json::parse(snapshot.state_document, ec);
  std::string problem;
  if (ec) {
    problem = StrCat("not JSON: ", ec.message());
  } else {
    absl::StatusOr<engine::ExecutionState> state = engine::ExecutionStateFromJson(document);
    if (state.ok()) return state;
    problem = std::string(state.status().message());
  }
  return absl::InternalError(
      StrCat("Execution '", snapshot.execution.execution_arn, "' has a corrupt state: ", problem));
}

}  // namespace

absl::StatusOr<std::optional<std::string>> ExecutionExecutor::NotRedrivableReason(
    const persistence::ExecutionRecord& execution) {
  engine::RedriveFacts facts;
  facts.status = ToEngineStatus(execution.status);
  facts.start_time = execution.start_time;
  facts.stop_time = execution.stop_time;
  facts.redrive_count = execution.redrive_count;
  const bool closed = facts.status != engine::ExecutionStatus::kRunning &&
                      facts.status != engine::ExecutionStatus::kSucceeded;
  if (closed) {
    absl::StatusOr<persistence::StateMachineRecord> machine =
        store_.GetStateMachine(execution.state_machine_arn);
    if (machine.ok()) {
      facts.express = machine->type == "EXPRESS";
      // A DELETING machine is gone once its executions end: no redrive.
      facts.state_machine_deleted = machine->status == persistence::StateMachineStatus::kDeleting;
    } else if (machine.status().code() == absl::StatusCode::kNotFound) {
      facts.state_machine_deleted = true;
    } else {
      return machine.status();
    }
    // The newest event's id is the number of events (ids are 1, 2, ...).
    ASSIGN_OR_RETURN(std::vector<persistence::HistoryRecord> newest,
                     store_.ReadHistory(
                         execution.execution_arn,
                         persistence::HistoryQuery{.cursor = 0, .max_events = 1, .reverse = true}));
    facts.history_events = newest.empty() ? 0 : newest.front().id;
  }
  return engine::NotRedrivableReason(facts, clock_.Now());
}

absl::StatusOr<ExecutionExecutor::RedriveResult> ExecutionExecutor::Redrive(
    std::string_view execution_arn, std::string_view client_token) {
  // One event at a time per execution within this replica, as Apply.
  std::lock_guard<std::mutex> serialize(ApplyMutexFor(execution_arn));
  absl::Status last = absl::AbortedError("no attempt made");
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    ASSIGN_OR_RETURN(persistence::ExecutionSnapshot snapshot, store_.LoadExecution(execution_arn));
    ASSIGN_OR_RETURN(engine::ExecutionState state, ParseDocument(snapshot));
    const absl::Time now = clock_.Now();
    // A retried request: the execution may be running (or ended again) since.
    if (std::optional<absl::Time> date = engine::FindRedrive(state, client_token, now)) {
      return RedriveResult{snapshot.execution.version, *date};
    }
    ASSIGN_OR_RETURN(std::optional<std::string> reason, NotRedrivableReason(snapshot.execution));
    if (reason.has_value()) {
      return absl::FailedPreconditionError(
          StrCat("Execution '", execution_arn, "' cannot be redriven: ", *reason));
    }
    // The revision the execution started with, even if the machine changed.
    ASSIGN_OR_RETURN(persistence::StateMachineRevision revision,
                     store_.GetStateMachineRevision(snapshot.execution.revision_id));
    ASSIGN_OR_RETURN(std::shared_ptr<const engine::Interpreter> interpreter,
                     InterpreterFor(revision.revision_id, revision.definition));

    engine::Event event;
    event.now = now;
    event.entropy = entropy_();
    event.body = engine::RedriveRequested{std::string(client_token)};
    const int64_t redrives_before = state.redrive_count;
    engine::StepResult result = interpreter->Apply(std::move(state), event);
    if (result.state.redrive_count != redrives_before + 1) {
      return absl::InternalError(StrCat("Execution '", execution_arn, "' is ",
                                        persistence::ExecutionStatusName(snapshot.execution.status),
                                        " but its engine state did not redrive"));
    }
    // The states run again may schedule an activity deleted since.
    RETURN_IF_ERROR(FailMissingActivities(*interpreter, now, result));
    persistence::StepUpdate update = ToStepUpdate(execution_arn, result, now);
    update.redrive_date = now;
    PrepareCommit(*interpreter, now, result, update);
    absl::StatusOr<int64_t> version = store_.CommitStep(update, snapshot.execution.version);
    if (version.ok()) {
      execution_cache_.Committed(snapshot, update, *version);
      NotifyCommitted(update);
      return RedriveResult{*version, now};
    }
    NotifyCommitFailed(update);
    if (version.status().code() != absl::StatusCode::kAborted) return version.status();
    last = version.status();
  }
  return absl::AbortedError(StrCat("Execution '", execution_arn, "' kept changing: gave up after ",
                                   options_.max_attempts,
                                   " attempts: ", std::string(last.message())));
}

}  // namespace stepwise::service
