// `stepwise create-state-machine`, update-, describe-, list-, delete-state-machine
// and validate-state-machine-definition: AWS's state machine operations, with
// the AWS CLI's flags and output (cli/README.md).
//
//   stepwise create-state-machine --name Hello --definition file://hello.asl.json
//       --definition-substitutions '{"FnArn": "arn:aws:lambda:...:function:f"}'   (one line)
//
// Each Run* function validates the local input (exit 252 before any call),
// calls the orchestrator through `client`, and prints the response as AWS
// JSON to `out` or the failure to `err`; it returns the exit code
// (rpc_error.h). Flags that take text accept file://PATH.
#ifndef STEPWISE_CLI_REMOTE_STATE_MACHINE_COMMANDS_H_
#define STEPWISE_CLI_REMOTE_STATE_MACHINE_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/remote/remote_call.h"
#include "cli/remote/states_client.h"

namespace stepwise::cli {

class RemoteCommands;

struct CreateStateMachineFlags {
  std::string name;
  std::string definition;  // ASL text or file://PATH.
  std::string role_arn;
  std::string type;                      // STANDARD (default) or EXPRESS.
  std::string definition_substitutions;  // JSON object or file://PATH; empty: none.
  std::vector<std::string> tags;         // JSON lists or key=K,value=V.
};
int RunCreateStateMachine(const CreateStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err);

struct UpdateStateMachineFlags {
  std::string state_machine_arn;
  std::string definition;  // Empty: unchanged.
  std::string role_arn;    // Empty: unchanged.
  std::string definition_substitutions;
};
int RunUpdateStateMachine(const UpdateStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err);

struct DescribeStateMachineFlags {
  std::string state_machine_arn;
  std::string included_data;  // ALL_DATA (default) or METADATA_ONLY.
};
int RunDescribeStateMachine(const DescribeStateMachineFlags& flags, StatesClient& client,
                            std::ostream& out, std::ostream& err);

struct ListStateMachinesFlags {
  PageFlags page;
};
int RunListStateMachines(const ListStateMachinesFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err);

struct DeleteStateMachineFlags {
  std::string state_machine_arn;
};
int RunDeleteStateMachine(const DeleteStateMachineFlags& flags, StatesClient& client,
                          std::ostream& out, std::ostream& err);

struct ValidateStateMachineDefinitionFlags {
  std::string definition;
  std::string type;      // STANDARD (default) or EXPRESS.
  std::string severity;  // ERROR (default) or WARNING.
  int max_results = 0;   // 0: the server's default.
};
int RunValidateStateMachineDefinition(const ValidateStateMachineDefinitionFlags& flags,
                                      StatesClient& client, std::ostream& out, std::ostream& err);

// Registers the commands above.
void AddStateMachineCommands(RemoteCommands& commands);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_STATE_MACHINE_COMMANDS_H_
