// The ExecutionStore rules that do not depend on the backend, decided once
// here so that every backend answers alike.
#ifndef STEPWISE_PERSISTENCE_STORE_RULES_H_
#define STEPWISE_PERSISTENCE_STORE_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "persistence/execution_store.h"
#include "persistence/records.h"

namespace stepwise::persistence {

// CreateStateMachine is idempotent when the request is identical (AWS: same
// name, type, definition and role).
bool SameStateMachine(const StateMachineRecord& existing, const StateMachineRecord& request);

// StartExecution is idempotent only for a RUNNING execution started with the
// same input (AWS); the caller returns the existing one when this is OK.
// kAlreadyExists otherwise.
absl::Status CheckIdempotentStart(const ExecutionRecord& existing, const ExecutionRecord& request);

// kFailedPrecondition unless `update` may apply to an execution in
// `current`: a redrive needs a closed execution, anything else a RUNNING one.
absl::Status CheckStepAllowed(ExecutionStatus current, const StepUpdate& update);

// kInvalidArgument for records the store must not accept: empty keys, a
// first step for another execution, duplicate ids within one update.
absl::Status ValidateNewExecution(const NewExecution& execution);
absl::Status ValidateStepUpdate(const StepUpdate& update);

// What a task with HeartbeatSeconds `heartbeat_seconds` gets on top of them
// in its lease (TaskLeaseRule::heartbeat_margin): 10%, at least 5 s.
absl::Duration HeartbeatLeaseMargin(int64_t heartbeat_seconds);

// The lease a claim at `now` gives `task` under `rule` (TaskLeaseRule), as
// a duration from the claim.
absl::Duration TaskLeaseFor(const TaskRecord& task, const TaskLeaseRule& rule);

// Microseconds since the epoch: the precision every backend keeps and the
// unit page tokens carry.
inline int64_t ToMicros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_STORE_RULES_H_
