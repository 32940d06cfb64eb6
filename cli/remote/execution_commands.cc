#include "cli/remote/execution_commands.h"

#include <cstdint>
#include <memory>
#include <string>

#include "CLI/App.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/remote/history_command.h"
#include "cli/remote/remote_commands.h"
#include "cli/remote/remote_input.h"

namespace stepwise::cli {
namespace {

using Stub = v1::States::StubInterface;

// --input: JSON (inline or file://); empty stays empty (the server reads "{}").
absl::StatusOr<std::string> LoadInput(const std::string& input) {
  if (input.empty()) return input;
  return LoadJsonParam(input);
}

}  // namespace

int RunStartExecution(const StartExecutionFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err) {
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  request.set_name(flags.name);
  absl::StatusOr<std::string> input = LoadInput(flags.input);
  if (!input.ok()) return BadParameter(err, "--input", input.status());
  request.set_input(*input);
  request.set_trace_header(flags.trace_header);
  return CallAndPrint(client, &Stub::StartExecution, request, out, err);
}

int RunStartSyncExecution(const StartSyncExecutionFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err) {
  v1::StartSyncExecutionRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  request.set_name(flags.name);
  absl::StatusOr<std::string> input = LoadInput(flags.input);
  if (!input.ok()) return BadParameter(err, "--input", input.status());
  request.set_input(*input);
  request.set_trace_header(flags.trace_header);
  absl::StatusOr<int> included =
      ParseEnumParam(*v1::IncludedData_descriptor(), flags.included_data);
  if (!included.ok()) return BadParameter(err, "--included-data", included.status());
  request.set_included_data(static_cast<v1::IncludedData>(*included));
  return CallAndPrint(client, &Stub::StartSyncExecution, request, out, err);
}

int RunDescribeExecution(const DescribeExecutionFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err) {
  v1::DescribeExecutionRequest request;
  request.set_execution_arn(flags.execution_arn);
  absl::StatusOr<int> included =
      ParseEnumParam(*v1::IncludedData_descriptor(), flags.included_data);
  if (!included.ok()) return BadParameter(err, "--included-data", included.status());
  request.set_included_data(static_cast<v1::IncludedData>(*included));
  return CallAndPrint(client, &Stub::DescribeExecution, request, out, err);
}

int RunListExecutions(const ListExecutionsFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err) {
  if (flags.state_machine_arn.empty() && flags.map_run_arn.empty()) {
    return BadParameter(err, "--state-machine-arn",
                        absl::InvalidArgumentError("required (or --map-run-arn)"));
  }
  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(flags.state_machine_arn);
  request.set_map_run_arn(flags.map_run_arn);
  absl::StatusOr<int> status =
      ParseEnumParam(*v1::ExecutionStatus_descriptor(), flags.status_filter);
  if (!status.ok()) return BadParameter(err, "--status-filter", status.status());
  request.set_status_filter(static_cast<v1::ExecutionStatus>(*status));
  absl::StatusOr<int> redrive =
      ParseEnumParam(*v1::ExecutionRedriveFilter_descriptor(), flags.redrive_filter);
  if (!redrive.ok()) return BadParameter(err, "--redrive-filter", redrive.status());
  request.set_redrive_filter(static_cast<v1::ExecutionRedriveFilter>(*redrive));
  return CallAndPrintPaged(client, &Stub::ListExecutions, request, flags.page, out, err);
}

int RunGetExecutionHistory(const GetExecutionHistoryFlags& flags, StatesClient& client,
                           std::ostream& out, std::ostream& err) {
  v1::GetExecutionHistoryRequest request;
  request.set_execution_arn(flags.execution_arn);
  request.set_reverse_order(flags.reverse_order);
  if (flags.include_execution_data.has_value()) {
    request.set_include_execution_data(*flags.include_execution_data);
  }
  return CallAndPrintPaged(client, &Stub::GetExecutionHistory, request, flags.page, out, err);
}

int RunStopExecution(const StopExecutionFlags& flags, StatesClient& client, std::ostream& out,
                     std::ostream& err) {
  v1::StopExecutionRequest request;
  request.set_execution_arn(flags.execution_arn);
  request.set_error(flags.error);
  absl::StatusOr<std::string> cause = LoadParam(flags.cause);
  if (!cause.ok()) return BadParameter(err, "--cause", cause.status());
  request.set_cause(*cause);
  return CallAndPrint(client, &Stub::StopExecution, request, out, err);
}

int RunRedriveExecution(const RedriveExecutionFlags& flags, StatesClient& client, std::ostream& out,
                        std::ostream& err) {
  v1::RedriveExecutionRequest request;
  request.set_execution_arn(flags.execution_arn);
  request.set_client_token(flags.client_token);
  return CallAndPrint(client, &Stub::RedriveExecution, request, out, err);
}

void AddExecutionCommands(RemoteCommands& commands) {
  {
    auto flags = std::make_shared<StartExecutionFlags>();
    CLI::App* c = commands.Add("start-execution", "Starts an execution of a state machine",
                               BindFlags(flags, RunStartExecution));
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine")->required();
    c->add_option("--name", flags->name, "The execution's name (default: a UUID)");
    c->add_option("--input", flags->input, "JSON input or file://PATH (default {})");
    c->add_option("--trace-header", flags->trace_header, "Stored and returned");
  }
  {
    auto flags = std::make_shared<StartSyncExecutionFlags>();
    CLI::App* c = commands.Add("start-sync-execution",
                               "Runs an EXPRESS state machine and waits for its result",
                               BindFlags(flags, RunStartSyncExecution), kSyncExecutionReadTimeout);
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine")->required();
    c->add_option("--name", flags->name, "The execution's name");
    c->add_option("--input", flags->input, "JSON input or file://PATH (default {})");
    c->add_option("--trace-header", flags->trace_header, "Stored and returned");
    AddEnumOption(*c, "--included-data", flags->included_data, *v1::IncludedData_descriptor(),
                  "ALL_DATA (default) or METADATA_ONLY (no input/output)");
  }
  {
    auto flags = std::make_shared<DescribeExecutionFlags>();
    auto watch = std::make_shared<HistoryFlags>();  // --watch: history_command.h.
    CLI::App* c =
        commands.Add("describe-execution", "Describes an execution", DescribeOrWatch(flags, watch));
    c->add_option("--execution-arn", flags->execution_arn, "The execution")->required();
    AddEnumOption(*c, "--included-data", flags->included_data, *v1::IncludedData_descriptor(),
                  "ALL_DATA (default) or METADATA_ONLY (no input/output)");
    AddWatchFlag(*c, *watch);
  }
  {
    auto flags = std::make_shared<ListExecutionsFlags>();
    CLI::App* c = commands.Add("list-executions",
                               "Lists a state machine's executions, newest "
                               "first",
                               BindFlags(flags, RunListExecutions));
    c->add_option("--state-machine-arn", flags->state_machine_arn, "The state machine");
    c->add_option("--map-run-arn", flags->map_run_arn, "A Map Run (instead of a state machine)");
    AddEnumOption(*c, "--status-filter", flags->status_filter, *v1::ExecutionStatus_descriptor(),
                  "Only executions with this status");
    AddEnumOption(*c, "--redrive-filter", flags->redrive_filter,
                  *v1::ExecutionRedriveFilter_descriptor(), "REDRIVEN or NOT_REDRIVEN");
    AddPageFlags(*c, flags->page);
  }
  {
    auto flags = std::make_shared<GetExecutionHistoryFlags>();
    CLI::App* c = commands.Add("get-execution-history", "Prints an execution's history events",
                               BindFlags(flags, RunGetExecutionHistory));
    c->add_option("--execution-arn", flags->execution_arn, "The execution")->required();
    c->add_flag("--reverse-order,!--no-reverse-order", flags->reverse_order, "Newest event first");
    c->add_flag_function(
        "--include-execution-data,!--no-include-execution-data",
        [flags](std::int64_t count) { flags->include_execution_data = count > 0; },
        "Whether events carry input and output (default: yes)");
    AddPageFlags(*c, flags->page);
  }
  {
    auto flags = std::make_shared<StopExecutionFlags>();
    CLI::App* c = commands.Add("stop-execution", "Stops (aborts) a running execution",
                               BindFlags(flags, RunStopExecution));
    c->add_option("--execution-arn", flags->execution_arn, "The execution")->required();
    c->add_option("--error", flags->error, "Error name recorded in the execution");
    c->add_option("--cause", flags->cause, "Cause recorded in the execution (text or file://PATH)");
  }
  {
    auto flags = std::make_shared<RedriveExecutionFlags>();
    CLI::App* c = commands.Add("redrive-execution",
                               "Restarts a failed, timed-out or aborted execution from where it "
                               "stopped",
                               BindFlags(flags, RunRedriveExecution));
    c->add_option("--execution-arn", flags->execution_arn, "The execution")->required();
    c->add_option("--client-token", flags->client_token, "Idempotency token");
  }
}

}  // namespace stepwise::cli
