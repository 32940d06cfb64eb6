// `stepwise validate`: checks ASL definitions as AWS's
// ValidateStateMachineDefinition does and prints the diagnostics.
//
//   stepwise validate [--output text|json] [--substitution K=V ...]
//                     [--substitutions-file FILE.json] [--no-placeholders] FILE...
//
// `-` reads a definition from stdin. Exit codes: 0 if every file is valid
// (warnings allowed), 1 if any is invalid, 2 for usage errors and unreadable
// files.
#ifndef STEPWISE_CLI_VALIDATE_COMMAND_H_
#define STEPWISE_CLI_VALIDATE_COMMAND_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "CLI/App.hpp"

namespace stepwise::cli {

struct ValidateFlags {
  std::string output = "text";             // "text" or "json".
  std::vector<std::string> substitutions;  // "Key=Value", applied after the file's.
  std::string substitutions_file;          // JSON object {"Key": "Value", ...}.
  bool no_placeholders = false;            // `${X}` left in a Resource is an error.
  std::vector<std::string> files;          // "-" is stdin.
};

// Exit codes of `stepwise validate`.
inline constexpr int kExitValid = 0;
inline constexpr int kExitInvalid = 1;
inline constexpr int kExitUsage = 2;

// Adds the `validate` subcommand to `app`; parsing fills `flags`, which must
// outlive `app`. Returns the subcommand (check `parsed()` after parsing).
CLI::App* AddValidateCommand(CLI::App& app, ValidateFlags& flags);

// Validates every file named in `flags`: results go to `out`, problems with
// the command itself (unreadable file, bad substitution) to `err`. Returns
// one of the exit codes above.
int RunValidate(const ValidateFlags& flags, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_VALIDATE_COMMAND_H_
