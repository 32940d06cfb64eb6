// `stepwise get-activity-task`, send-task-success, send-task-failure and
// send-task-heartbeat: what a worker (or a person acting as one) calls, with
// the AWS CLI's flags and output (cli/README.md).
//
//   stepwise get-activity-task --activity-arn ARN --worker-name me   # waits up to 60 s
//   stepwise send-task-success --task-token TOKEN --task-output '{"ok": true}'
//
// Run* functions behave as in state_machine_commands.h. get-activity-task's
// default read timeout (remote_commands.h) outlasts the server's long poll.
#ifndef STEPWISE_CLI_REMOTE_TASK_COMMANDS_H_
#define STEPWISE_CLI_REMOTE_TASK_COMMANDS_H_

#include <ostream>
#include <string>

#include "cli/remote/states_client.h"

namespace stepwise::cli {

class RemoteCommands;

struct GetActivityTaskFlags {
  std::string activity_arn;
  std::string worker_name;
};
// Prints {"taskToken": ..., "input": ...}, or nothing when no task arrived
// within the poll (as the AWS CLI); exit 0 either way.
int RunGetActivityTask(const GetActivityTaskFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err);

struct SendTaskSuccessFlags {
  std::string task_token;
  std::string task_output;  // JSON or file://PATH.
};
int RunSendTaskSuccess(const SendTaskSuccessFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err);

struct SendTaskFailureFlags {
  std::string task_token;
  std::string error;
  std::string cause;  // Text or file://PATH.
};
int RunSendTaskFailure(const SendTaskFailureFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err);

struct SendTaskHeartbeatFlags {
  std::string task_token;
};
int RunSendTaskHeartbeat(const SendTaskHeartbeatFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err);

// Registers the commands above.
void AddTaskCommands(RemoteCommands& commands);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_TASK_COMMANDS_H_
