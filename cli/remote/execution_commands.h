// `stepwise start-execution`, start-sync-execution, describe-execution,
// list-executions, get-execution-history, stop-execution and
// redrive-execution: AWS's execution operations with the AWS CLI's flags and
// output (cli/README.md).
//
//   stepwise start-execution --state-machine-arn ARN --name run-1 --input file://in.json
//   stepwise get-execution-history --execution-arn ARN --reverse-order --max-results 5
//
// Run* functions behave as in state_machine_commands.h: local input checked
// first (exit 252), then one call (or one per page), output to `out`,
// failures to `err`, the exit code returned.
#ifndef STEPWISE_CLI_REMOTE_EXECUTION_COMMANDS_H_
#define STEPWISE_CLI_REMOTE_EXECUTION_COMMANDS_H_

#include <optional>
#include <ostream>
#include <string>

#include "cli/remote/remote_call.h"
#include "cli/remote/states_client.h"

namespace stepwise::cli {

class RemoteCommands;

struct StartExecutionFlags {
  std::string state_machine_arn;
  std::string name;   // Empty: the server picks one.
  std::string input;  // JSON or file://PATH; empty: "{}".
  std::string trace_header;
};
int RunStartExecution(const StartExecutionFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err);

struct StartSyncExecutionFlags {
  std::string state_machine_arn;
  std::string name;
  std::string input;
  std::string trace_header;
  std::string included_data;  // ALL_DATA (default) or METADATA_ONLY.
};
int RunStartSyncExecution(const StartSyncExecutionFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err);

struct DescribeExecutionFlags {
  std::string execution_arn;
  std::string included_data;
};
int RunDescribeExecution(const DescribeExecutionFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err);

struct ListExecutionsFlags {
  std::string state_machine_arn;  // One of these two is needed.
  std::string map_run_arn;
  std::string status_filter;   // RUNNING, SUCCEEDED, ...; empty: all.
  std::string redrive_filter;  // REDRIVEN or NOT_REDRIVEN; empty: all.
  PageFlags page;
};
int RunListExecutions(const ListExecutionsFlags& flags, StatesClient& client, std::ostream& out,
                      std::ostream& err);

struct GetExecutionHistoryFlags {
  std::string execution_arn;
  bool reverse_order = false;
  std::optional<bool> include_execution_data;  // Unset: the server's default (true).
  PageFlags page;
};
int RunGetExecutionHistory(const GetExecutionHistoryFlags& flags, StatesClient& client,
                           std::ostream& out, std::ostream& err);

struct StopExecutionFlags {
  std::string execution_arn;
  std::string error;
  std::string cause;  // Text or file://PATH.
};
int RunStopExecution(const StopExecutionFlags& flags, StatesClient& client, std::ostream& out,
                     std::ostream& err);

struct RedriveExecutionFlags {
  std::string execution_arn;
  std::string client_token;
};
int RunRedriveExecution(const RedriveExecutionFlags& flags, StatesClient& client, std::ostream& out,
                        std::ostream& err);

// Registers the commands above.
void AddExecutionCommands(RemoteCommands& commands);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_EXECUTION_COMMANDS_H_
