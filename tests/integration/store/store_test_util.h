// Builders shared by the ExecutionStore tests: small valid records with
// millisecond-aligned times (every backend keeps microseconds).
#ifndef STEPWISE_TESTS_INTEGRATION_STORE_STORE_TEST_UTIL_H_
#define STEPWISE_TESTS_INTEGRATION_STORE_STORE_TEST_UTIL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "common/str_cat.h"
#include "persistence/records.h"

namespace stepwise::persistence::testing {

inline absl::Time T(int64_t seconds) { return absl::FromUnixSeconds(1'700'000'000 + seconds); }

inline StateMachineRecord MakeStateMachine(std::string_view name) {
  StateMachineRecord record;
  record.arn = StrCat("arn:aws:states:us-east-1:123456789012:stateMachine:", name);
  record.name = std::string(name);
  record.type = "STANDARD";
  record.definition = R"({"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}})";
  record.role_arn = "arn:aws:iam::123456789012:role/r";
  record.revision_id = StrCat(name, "-rev-1");
  record.creation_date = T(0);
  record.update_date = T(0);
  return record;
}

inline HistoryRecord MakeEvent(int64_t id, std::string_view type = "PassStateEntered") {
  HistoryRecord event;
  event.id = id;
  event.previous_event_id = id - 1;
  event.type = std::string(type);
  event.timestamp = T(id);
  event.event_json = StrCat(R"({"id":)", id, R"(,"type":")", type, R"("})");
  return event;
}

inline TaskRecord MakeTask(std::string_view execution_arn, std::string_view task_id,
                           std::string_view queue, absl::Time scheduled_at) {
  TaskRecord task;
  task.execution_arn = std::string(execution_arn);
  task.task_id = std::string(task_id);
  task.task_token = StrCat("token-", execution_arn, "-", task_id);
  task.queue = std::string(queue);
  task.resource = StrCat("arn:aws:states:::lambda:invoke");
  task.state_name = "Work";
  task.payload = R"({"x":1})";
  task.timeout_seconds = 30;
  task.scheduled_at = scheduled_at;
  return task;
}

// An execution of `machine` whose first step records ExecutionStarted.
inline NewExecution MakeExecution(const StateMachineRecord& machine, std::string_view name,
                                  std::string_view input = R"({"in":1})", absl::Time start = T(0)) {
  NewExecution execution;
  ExecutionRecord& record = execution.execution;
  record.execution_arn = StrCat(machine.arn, ":", name);
  record.state_machine_arn = machine.arn;
  record.revision_id = machine.revision_id;
  record.name = std::string(name);
  record.input = std::string(input);
  record.start_time = start;
  execution.first_step.execution_arn = record.execution_arn;
  execution.first_step.state_document = R"({"step":1})";
  execution.first_step.history.push_back(MakeEvent(1, "ExecutionStarted"));
  return execution;
}

// A RUNNING step for `execution_arn` appending events first_id..last_id.
inline StepUpdate MakeStep(std::string_view execution_arn, int64_t first_id, int64_t last_id) {
  StepUpdate update;
  update.execution_arn = std::string(execution_arn);
  update.state_document = StrCat(R"({"step":)", last_id, "}");
  for (int64_t id = first_id; id <= last_id; ++id) update.history.push_back(MakeEvent(id));
  return update;
}

}  // namespace stepwise::persistence::testing

#endif  // STEPWISE_TESTS_INTEGRATION_STORE_STORE_TEST_UTIL_H_
