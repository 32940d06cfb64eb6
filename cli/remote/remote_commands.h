// The remote subcommands of `stepwise` (the AWS CLI's `aws stepfunctions`
// commands against a stepwise-orchestrator), wired into CLI11.
//
//   CLI::App app{"stepwise"};
//   RemoteCommands remote(app);  // Adds create-state-machine, start-execution, ...
//   app.parse(argc, argv);
//   if (std::optional<int> code = remote.RunParsed(std::cout, std::cerr)) return *code;
//
// Every remote subcommand takes the connection flags
//   --endpoint HOST:PORT   (or env STEPWISE_ENDPOINT; default localhost:7400)
//   --cli-read-timeout S   (seconds per call; 0 = none; default per command)
// Each group of commands (state_machine_commands.h, execution_commands.h,
// activity_commands.h, task_commands.h) has a function per command that tests
// can call directly, and an Add*Commands(RemoteCommands&) that registers them.
#ifndef STEPWISE_CLI_REMOTE_REMOTE_COMMANDS_H_
#define STEPWISE_CLI_REMOTE_REMOTE_COMMANDS_H_

#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "CLI/App.hpp"
#include "absl/time/time.h"
#include "cli/remote/remote_call.h"
#include "cli/remote/states_client.h"
#include "google/protobuf/descriptor.h"

namespace stepwise::cli {

// Read timeouts (per call) when --cli-read-timeout is not given. The AWS
// CLI's default is 60 s; the long polls get more than the server holds them.
inline constexpr absl::Duration kDefaultReadTimeout = absl::Seconds(60);
// GetActivityTask: the orchestrator holds the poll up to 60 s.
inline constexpr absl::Duration kActivityPollReadTimeout = absl::Seconds(70);
// StartSyncExecution: an Express execution may run 5 minutes.
inline constexpr absl::Duration kSyncExecutionReadTimeout = absl::Seconds(330);

// The connection flags every remote command shares.
struct ConnectionFlags {
  std::string endpoint = std::string(kDefaultEndpoint);
  // Seconds; negative: the command's default; 0: no deadline.
  double cli_read_timeout = -1;
};

// Runs one parsed command against `client`.
using RemoteRun = std::function<int(StatesClient& client, std::ostream& out, std::ostream& err)>;

// A RemoteRun that calls `run` with `flags` (kept alive by the closure).
template <typename Flags>
RemoteRun BindFlags(std::shared_ptr<Flags> flags,
                    int (*run)(const Flags&, StatesClient&, std::ostream&, std::ostream&)) {
  return [flags, run](StatesClient& client, std::ostream& out, std::ostream& err) {
    return run(*flags, client, out, err);
  };
}

// Adds --max-results, --next-token and --no-paginate (remote_call.h, PageFlags).
void AddPageFlags(CLI::App& command, PageFlags& page);

// Adds option `name` whose values are the AWS names of `type` (e.g.
// STANDARD|EXPRESS); CLI11 rejects others as a usage error.
CLI::Option* AddEnumOption(CLI::App& command, const std::string& name, std::string& value,
                           const google::protobuf::EnumDescriptor& type,
                           const std::string& description);

class RemoteCommands {
 public:
  // Adds every remote command to `app`, which must outlive this object.
  explicit RemoteCommands(CLI::App& app);
  RemoteCommands(const RemoteCommands&) = delete;
  RemoteCommands& operator=(const RemoteCommands&) = delete;

  // Adds subcommand `name` with the connection flags; the caller adds the
  // command's own flags to the returned App. `run` runs after parsing with a
  // client whose read timeout is --cli-read-timeout or `default_timeout`.
  CLI::App* Add(std::string name, std::string description, RemoteRun run,
                absl::Duration default_timeout = kDefaultReadTimeout);

  // Whether `name` is one of the remote commands.
  bool Contains(std::string_view name) const;

  // Runs the remote command that app.parse() selected and returns its exit
  // code; nullopt when the parsed subcommand is not a remote one.
  std::optional<int> RunParsed(std::ostream& out, std::ostream& err) const;

 private:
  struct Command {
    CLI::App* app;
    RemoteRun run;
    absl::Duration default_timeout;
  };

  CLI::App& app_;
  ConnectionFlags connection_;
  std::vector<Command> commands_;
};

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_REMOTE_COMMANDS_H_
