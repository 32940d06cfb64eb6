#include "cli/remote/remote_commands.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "CLI/Validators.hpp"
#include "cli/remote/activity_commands.h"
#include "cli/remote/aws_names.h"
#include "cli/remote/execution_commands.h"
#include "cli/remote/history_command.h"
#include "cli/remote/rpc_error.h"
#include "cli/remote/state_machine_commands.h"
#include "cli/remote/task_commands.h"
#include "common/str_cat.h"

namespace stepwise::cli {
namespace {

constexpr std::string_view kGroup =
    "Remote commands (AWS Step Functions API, as `aws stepfunctions`)";

// "http://host:port" -> "host:port", for users used to the AWS CLI's
// --endpoint-url. gRPC takes any other target syntax as is.
std::string GrpcTarget(std::string_view endpoint) {
  constexpr std::string_view kHttp = "http://";
  if (endpoint.starts_with(kHttp)) endpoint.remove_prefix(kHttp.size());
  if (endpoint.ends_with('/')) endpoint.remove_suffix(1);
  return std::string(endpoint);
}

}  // namespace

void AddPageFlags(CLI::App& command, PageFlags& page) {
  command
      .add_option("--max-results", page.max_results,
                  "Items per page; fetches that one page only (with its nextToken)")
      ->check(CLI::Range(1, 1000));
  command.add_option("--next-token", page.next_token,
                     "The nextToken of the previous page; fetches that one page only");
  command.add_flag("--no-paginate", page.no_paginate,
                   "Fetch only the first page (the server's page size)");
}

CLI::Option* AddEnumOption(CLI::App& command, const std::string& name, std::string& value,
                           const google::protobuf::EnumDescriptor& type,
                           const std::string& description) {
  return command.add_option(name, value, description)->check(CLI::IsMember(AwsEnumNames(type)));
}

RemoteCommands::RemoteCommands(CLI::App& app) : app_(app) {
  AddStateMachineCommands(*this);
  AddExecutionCommands(*this);
  AddHistoryCommand(*this);
  AddActivityCommands(*this);
  AddTaskCommands(*this);
}

CLI::App* RemoteCommands::Add(std::string name, std::string description, RemoteRun run,
                              absl::Duration default_timeout) {
  CLI::App* command = app_.add_subcommand(std::move(name), std::move(description));
  command->group(std::string(kGroup));
  command
      ->add_option("--endpoint,--endpoint-url", connection_.endpoint, "The orchestrator, HOST:PORT")
      ->envname("STEPWISE_ENDPOINT")
      ->capture_default_str();
  command
      ->add_option("--cli-read-timeout", connection_.cli_read_timeout,
                   StrCat("Seconds to wait for each answer (0: forever); default ",
                          absl::ToInt64Seconds(default_timeout)))
      ->check(CLI::NonNegativeNumber);
  commands_.push_back({command, std::move(run), default_timeout});
  return command;
}

bool RemoteCommands::Contains(std::string_view name) const {
  for (const Command& command : commands_) {
    if (command.app->get_name() == name) return true;
  }
  return false;
}

std::optional<int> RemoteCommands::RunParsed(std::ostream& out, std::ostream& err) const {
  for (const Command& command : commands_) {
    if (!command.app->parsed()) continue;
    const std::string target = GrpcTarget(connection_.endpoint);
    if (target.empty()) {
      err << "Error parsing parameter '--endpoint': it is empty; give HOST:PORT\n";
      return kRemoteExitUsage;
    }
    absl::Duration timeout = command.default_timeout;
    if (connection_.cli_read_timeout == 0) {
      timeout = absl::InfiniteDuration();
    } else if (connection_.cli_read_timeout > 0) {
      timeout = absl::Seconds(connection_.cli_read_timeout);
    }
    StatesClient client(target, timeout);
    return command.run(client, out, err);
  }
  return std::nullopt;
}

}  // namespace stepwise::cli
