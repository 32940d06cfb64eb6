// `stepwise`: the command line. Each subcommand lives in its own
// <name>_command.{h,cc}; this file only wires them into CLI11.
#include <exception>
#include <iostream>
#include <string>

#include "CLI/App.hpp"
#include "CLI/Config.hpp"
#include "CLI/Formatter.hpp"
#include "cli/run_command.h"
#include "cli/validate_command.h"

namespace {

int Main(int argc, char** argv) {
  CLI::App app{"stepwise: run AWS Step Functions (Amazon States Language) state machines"};
  app.set_version_flag("--version", std::string("stepwise ") + STEPWISE_VERSION);
  app.require_subcommand(1);

  stepwise::cli::ValidateFlags validate_flags;
  CLI::App* validate = stepwise::cli::AddValidateCommand(app, validate_flags);
  stepwise::cli::RunFlags run_flags;
  CLI::App* run = stepwise::cli::AddRunCommand(app, run_flags);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and --version are "errors" with exit code 0; anything else is a
    // usage error, which is always exit code 2.
    const int code = app.exit(e);
    return code == 0 ? 0 : stepwise::cli::kExitUsage;
  }

  if (validate->parsed()) {
    return stepwise::cli::RunValidate(validate_flags, std::cin, std::cout, std::cerr);
  }
  if (run->parsed()) {
    return stepwise::cli::RunRun(run_flags, std::cin, std::cout, std::cerr);
  }
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
