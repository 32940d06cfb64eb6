// `stepwise`: the command line. Each local subcommand lives in its own
// <name>_command.{h,cc}, the remote ones (the AWS CLI's `stepfunctions`
// commands) in remote/; this file only wires them into CLI11.
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>

#include "CLI/App.hpp"
#include "CLI/Config.hpp"
#include "CLI/Formatter.hpp"
#include "cli/remote/remote_commands.h"
#include "cli/remote/rpc_error.h"
#include "cli/run_command.h"
#include "cli/validate_command.h"

namespace {

// The subcommand named on the command line: the first argument that is not
// an option (the top level has only --help and --version, which take no
// value). Empty when there is none.
std::string_view SubcommandName(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (!arg.starts_with('-')) return arg;
  }
  return {};
}

int Main(int argc, char** argv) {
  CLI::App app{"stepwise: run AWS Step Functions (Amazon States Language) state machines"};
  app.set_version_flag("--version", std::string("stepwise ") + STEPWISE_VERSION);
  app.require_subcommand(1);

  stepwise::cli::ValidateFlags validate_flags;
  CLI::App* validate = stepwise::cli::AddValidateCommand(app, validate_flags);
  stepwise::cli::RunFlags run_flags;
  CLI::App* run = stepwise::cli::AddRunCommand(app, run_flags);
  stepwise::cli::RemoteCommands remote(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; anything else is a
    // usage error: exit code 2 for the local commands, 252 (the AWS CLI's)
    // for the remote ones.
    const int code = app.exit(e);
    if (code == 0) return 0;
    return remote.Contains(SubcommandName(argc, argv)) ? stepwise::cli::kRemoteExitUsage
                                                       : stepwise::cli::kExitUsage;
  }

  if (validate->parsed()) {
    return stepwise::cli::RunValidate(validate_flags, std::cin, std::cout, std::cerr);
  }
  if (run->parsed()) {
    return stepwise::cli::RunRun(run_flags, std::cin, std::cout, std::cerr);
  }
  if (std::optional<int> code = remote.RunParsed(std::cout, std::cerr)) return *code;
  return stepwise::cli::kExitUsage;  // Unreachable: require_subcommand(1).
}

}  // namespace

int main(int argc, char** argv) {
  // Expected errors are Status values; this only catches the unexpected
  // (std::bad_alloc, a throwing library) so that it ends with a message.
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "stepwise: internal error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "stepwise: internal error\n";
  }
  return 70;  // EX_SOFTWARE.
}
