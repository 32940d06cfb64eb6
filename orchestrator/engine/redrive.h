// RedriveExecution, as AWS Step Functions defines it: a FAILED, TIMED_OUT or
// ABORTED Standard execution runs again from the states that did not
// succeed, with the input those states had, on the same state machine
// revision. Applying a RedriveRequested event (events.h) to such a state
//   - emits ExecutionRedriven {redriveCount} and makes the execution RUNNING;
//   - re-enters each state that did not succeed (StateEntered again, retry
//     counters from zero, a new task or timer). Inside a Parallel state only
//     the branches that failed, were cancelled or never started run again,
//     each from its own state that did not succeed; inside an inline Map only
//     the iterations that did not succeed. The results of those that did are
//     kept, so the state's output combines old and new results in order;
//   - restarts the state machine's TimeoutSeconds from the redrive;
//   - $$.Execution.RedriveCount / RedriveTime show the redrive.
//
// Whether a redrive is allowed is the caller's decision (NotRedrivableReason
// below); the engine redrives any ended execution it is given.
//
//   std::optional<std::string> why = NotRedrivableReason(facts, now);
//   if (!why) result = interpreter.Apply(state, Event{now, entropy, RedriveRequested{token}});
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_REDRIVE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_REDRIVE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "orchestrator/engine/execution_state.h"

namespace stepwise::engine {

// ExecutionState::redrives keeps the last this many client tokens (AWS: "the
// last 10 client tokens used to successfully redrive the execution").
inline constexpr size_t kMaxRedriveRecords = 10;
// A client token makes a repeated RedriveExecution idempotent this long.
inline constexpr absl::Duration kRedriveTokenLifetime = absl::Minutes(15);

// The date of the redrive that `client_token` made, if it is one of the
// remembered ones and younger than kRedriveTokenLifetime at `now`. An empty
// token never matches.
std::optional<absl::Time> FindRedrive(const ExecutionState& state, std::string_view client_token,
                                      absl::Time now);

// AWS's limits on RedriveExecution.
struct RedriveLimits {
  int64_t max_redrives = 1000;
  // Counted from the execution's stop.
  absl::Duration redrivable_period = absl::Hours(14 * 24);
  // Counted from the execution's start (a Standard execution lives at most a year).
  absl::Duration max_execution_time = absl::Hours(365 * 24);
  // A redrive needs room for ExecutionRedriven and at least one more event.
  int64_t max_history_events = 25000;
};

// What decides whether an execution may be redriven.
struct RedriveFacts {
  ExecutionStatus status = ExecutionStatus::kRunning;
  absl::Time start_time;
  std::optional<absl::Time> stop_time;
  int64_t redrive_count = 0;
  int64_t history_events = 0;
  bool express = false;                // EXPRESS executions are never redriven.
  bool state_machine_deleted = false;  // AWS: "State machine is in DELETING status."
};

// nullopt when RedriveExecution would accept the execution at `now`;
// otherwise the reason in AWS's words (DescribeExecution's
// redriveStatusReason), e.g. "Execution is SUCCEEDED and cannot be redriven.".
std::optional<std::string> NotRedrivableReason(const RedriveFacts& facts, absl::Time now,
                                               const RedriveLimits& limits = {});

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_REDRIVE_H_
