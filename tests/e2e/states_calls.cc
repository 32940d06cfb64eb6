#include "tests/e2e/states_calls.h"

#include <algorithm>
#include <utility>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "tests/e2e/grpc_call.h"

namespace stepwise::e2e {

absl::StatusOr<std::string> CreateMachine(v1::States::Stub& states, const std::string& name,
                                          const std::string& definition,
                                          const std::map<std::string, std::string>& substitutions) {
  v1::CreateStateMachineRequest request;
  request.set_name(name);
  request.set_definition(definition);
  request.mutable_definition_substitutions()->insert(substitutions.begin(), substitutions.end());
  v1::CreateStateMachineResponse response;
  auto context = CallContext();
  RETURN_IF_ERROR(FromGrpc(states.CreateStateMachine(context.get(), request, &response),
                           StrCat("CreateStateMachine ", name)));
  return response.state_machine_arn();
}

absl::StatusOr<std::string> StartExecution(v1::States::Stub& states, const std::string& machine_arn,
                                           const std::string& name, const std::string& input) {
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine_arn);
  request.set_name(name);
  request.set_input(input);
  v1::StartExecutionResponse response;
  auto context = CallContext();
  RETURN_IF_ERROR(FromGrpc(states.StartExecution(context.get(), request, &response),
                           StrCat("StartExecution ", name)));
  return response.execution_arn();
}

absl::StatusOr<v1::DescribeExecutionResponse> DescribeExecution(v1::States::Stub& states,
                                                                const std::string& arn) {
  v1::DescribeExecutionRequest request;
  request.set_execution_arn(arn);
  v1::DescribeExecutionResponse response;
  auto context = CallContext();
  RETURN_IF_ERROR(FromGrpc(states.DescribeExecution(context.get(), request, &response),
                           StrCat("DescribeExecution ", arn)));
  return response;
}

absl::StatusOr<std::vector<v1::HistoryEvent>> ExecutionHistory(v1::States::Stub& states,
                                                               const std::string& arn) {
  std::vector<v1::HistoryEvent> events;
  v1::GetExecutionHistoryRequest request;
  request.set_execution_arn(arn);
  request.set_max_results(1000);
  do {
    v1::GetExecutionHistoryResponse response;
    auto context = CallContext();
    RETURN_IF_ERROR(FromGrpc(states.GetExecutionHistory(context.get(), request, &response),
                             StrCat("GetExecutionHistory ", arn)));
    for (v1::HistoryEvent& event : *response.mutable_events()) events.push_back(std::move(event));
    request.set_next_token(response.next_token());
  } while (!request.next_token().empty());
  return events;
}

absl::StatusOr<std::vector<std::string>> ListExecutionArns(v1::States::Stub& states,
                                                           const std::string& machine_arn) {
  std::vector<std::string> arns;
  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(machine_arn);
  request.set_max_results(1000);
  do {
    v1::ListExecutionsResponse response;
    auto context = CallContext();
    RETURN_IF_ERROR(FromGrpc(states.ListExecutions(context.get(), request, &response),
                             StrCat("ListExecutions ", machine_arn)));
    for (const v1::ExecutionListItem& item : response.executions()) {
      arns.push_back(item.execution_arn());
    }
    request.set_next_token(response.next_token());
  } while (!request.next_token().empty());
  return arns;
}

int CountEvents(const std::vector<v1::HistoryEvent>& history, v1::HistoryEventType type) {
  return static_cast<int>(std::count_if(
      history.begin(), history.end(), [&](const v1::HistoryEvent& e) { return e.type() == type; }));
}

std::vector<std::string> StatesEntered(const std::vector<v1::HistoryEvent>& history) {
  std::vector<std::string> names;
  for (const v1::HistoryEvent& event : history) {
    if (event.has_state_entered_event_details()) {
      names.push_back(event.state_entered_event_details().name());
    }
  }
  return names;
}

}  // namespace stepwise::e2e
