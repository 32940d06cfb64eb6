// The States API calls the e2e tests make against a live orchestrator, and
// what they count in the histories they read. Every call has a deadline
// (grpc_call.h); a gRPC error becomes an absl::Status with the same code
// and the call's name in the message.
//
//   ASSIGN_OR_RETURN(std::string machine, CreateMachine(states, "m", kDefinition));
//   ASSIGN_OR_RETURN(std::string arn, StartExecution(states, machine, "run-1", "{}"));
//   ASSIGN_OR_RETURN(std::vector<v1::HistoryEvent> history, ExecutionHistory(states, arn));
//   EXPECT_EQ(CountEvents(history, v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED), 1);
#ifndef STEPWISE_TESTS_E2E_STATES_CALLS_H_
#define STEPWISE_TESTS_E2E_STATES_CALLS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "stepwise/v1/states.grpc.pb.h"

namespace stepwise::e2e {

// CreateStateMachine with `substitutions` as its definition substitutions;
// returns the state machine's ARN.
absl::StatusOr<std::string> CreateMachine(
    v1::States::Stub& states, const std::string& name, const std::string& definition,
    const std::map<std::string, std::string>& substitutions = {});
// Returns the execution's ARN.
absl::StatusOr<std::string> StartExecution(v1::States::Stub& states, const std::string& machine_arn,
                                           const std::string& name, const std::string& input);
absl::StatusOr<v1::DescribeExecutionResponse> DescribeExecution(v1::States::Stub& states,
                                                                const std::string& arn);
// Every event, oldest first (all pages).
absl::StatusOr<std::vector<v1::HistoryEvent>> ExecutionHistory(v1::States::Stub& states,
                                                               const std::string& arn);
// The ARNs of every execution of the machine (all pages).
absl::StatusOr<std::vector<std::string>> ListExecutionArns(v1::States::Stub& states,
                                                           const std::string& machine_arn);

// How many events of `type` the history has.
int CountEvents(const std::vector<v1::HistoryEvent>& history, v1::HistoryEventType type);
// The names of the states entered, in history order.
std::vector<std::string> StatesEntered(const std::vector<v1::HistoryEvent>& history);

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_STATES_CALLS_H_
