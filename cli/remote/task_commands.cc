#include "cli/remote/task_commands.h"

#include <memory>
#include <string>

#include "CLI/App.hpp"
#include "absl/status/statusor.h"
#include "cli/remote/remote_call.h"
#include "cli/remote/remote_commands.h"
#include "cli/remote/remote_input.h"

namespace stepwise::cli {
namespace {

using Stub = v1::States::StubInterface;

}  // namespace

int RunGetActivityTask(const GetActivityTaskFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err) {
  v1::GetActivityTaskRequest request;
  request.set_activity_arn(flags.activity_arn);
  request.set_worker_name(flags.worker_name);
  return CallAndPrint(client, &Stub::GetActivityTask, request, out, err);
}

int RunSendTaskSuccess(const SendTaskSuccessFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err) {
  v1::SendTaskSuccessRequest request;
  request.set_task_token(flags.task_token);
  absl::StatusOr<std::string> output = LoadJsonParam(flags.task_output);
  if (!output.ok()) return BadParameter(err, "--task-output", output.status());
  request.set_output(*output);
  return CallAndPrint(client, &Stub::SendTaskSuccess, request, out, err);
}

int RunSendTaskFailure(const SendTaskFailureFlags& flags, StatesClient& client, std::ostream& out,
                       std::ostream& err) {
  v1::SendTaskFailureRequest request;
  request.set_task_token(flags.task_token);
  request.set_error(flags.error);
  absl::StatusOr<std::string> cause = LoadParam(flags.cause);
  if (!cause.ok()) return BadParameter(err, "--cause", cause.status());
  request.set_cause(*cause);
  return CallAndPrint(client, &Stub::SendTaskFailure, request, out, err);
}

int RunSendTaskHeartbeat(const SendTaskHeartbeatFlags& flags, StatesClient& client,
                         std::ostream& out, std::ostream& err) {
  v1::SendTaskHeartbeatRequest request;
  request.set_task_token(flags.task_token);
  return CallAndPrint(client, &Stub::SendTaskHeartbeat, request, out, err);
}

void AddTaskCommands(RemoteCommands& commands) {
  {
    auto flags = std::make_shared<GetActivityTaskFlags>();
    CLI::App* c = commands.Add("get-activity-task",
                               "Waits (up to 60 s) for a task of an activity and prints it",
                               BindFlags(flags, RunGetActivityTask), kActivityPollReadTimeout);
    c->add_option("--activity-arn", flags->activity_arn, "The activity")->required();
    c->add_option("--worker-name", flags->worker_name, "Recorded in the ActivityStarted event");
  }
  {
    auto flags = std::make_shared<SendTaskSuccessFlags>();
    CLI::App* c = commands.Add("send-task-success", "Completes a task with its output",
                               BindFlags(flags, RunSendTaskSuccess));
    c->add_option("--task-token", flags->task_token, "The task's token")->required();
    c->add_option("--task-output", flags->task_output, "JSON output or file://PATH")->required();
  }
  {
    auto flags = std::make_shared<SendTaskFailureFlags>();
    CLI::App* c = commands.Add("send-task-failure", "Fails a task with an error and cause",
                               BindFlags(flags, RunSendTaskFailure));
    c->add_option("--task-token", flags->task_token, "The task's token")->required();
    c->add_option("--error", flags->error, "The error name that Retry/Catch match");
    c->add_option("--cause", flags->cause, "Details (text or file://PATH)");
  }
  {
    auto flags = std::make_shared<SendTaskHeartbeatFlags>();
    CLI::App* c =
        commands.Add("send-task-heartbeat", "Reports that a task is still being worked on",
                     BindFlags(flags, RunSendTaskHeartbeat));
    c->add_option("--task-token", flags->task_token, "The task's token")->required();
  }
}

}  // namespace stepwise::cli
