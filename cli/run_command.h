// `stepwise run`: runs a state machine in memory, as AWS Step Functions
// would, and prints how the execution ended.
//
//   stepwise run --definition FILE [--input JSON|@FILE] [--substitution K=V ...]
//                [--substitutions-file FILE] [--mock-config FILE --test-case NAME]
//                [--name NAME] [--history] [--output text|json] [--real-time]
//
// Task results come from a mock file in AWS Step Functions Local's
// MockConfigFile format (see orchestrator/engine/mock_config.h); a Task the
// test case does not mock stays pending, so the execution ends RUNNING.
// Wait states and Retry intervals pass on a virtual clock unless
// --real-time is given. The state machine's name (for the mock file and
// $$.StateMachine.Name) is --name or the definition file's name up to its
// first dot.
//
// Exit codes: 0 when the execution SUCCEEDED; 1 when it FAILED, TIMED_OUT,
// was ABORTED or is still RUNNING; 2 for bad input (usage, unreadable files,
// an invalid definition, input or mock file).
#ifndef STEPWISE_CLI_RUN_COMMAND_H_
#define STEPWISE_CLI_RUN_COMMAND_H_

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "CLI/App.hpp"

namespace stepwise::cli {

struct RunFlags {
  std::string definition;                  // Path of the ASL definition.
  std::string input = "{}";                // JSON text, or @FILE (@- is stdin).
  std::vector<std::string> substitutions;  // "Key=Value", applied after the file's.
  std::string substitutions_file;          // JSON object {"Key": "Value", ...}.
  std::string mock_config;                 // MockConfigFile path; needs test_case.
  std::string test_case;
  std::string name;             // State machine name; default from the file name.
  bool history = false;         // Also print the execution history.
  std::string output = "text";  // "text" or "json".
  bool real_time = false;       // Really wait for Wait states and Retry intervals.
};

// Exit codes of `stepwise run`.
inline constexpr int kRunExitSucceeded = 0;
inline constexpr int kRunExitNotSucceeded = 1;
inline constexpr int kRunExitBadInput = 2;

// Adds the `run` subcommand to `app`; parsing fills `flags`, which must
// outlive `app`. Returns the subcommand (check `parsed()` after parsing).
CLI::App* AddRunCommand(CLI::App& app, RunFlags& flags);

// Runs the execution described by `flags`: the result goes to `out`,
// diagnostics and explanations (invalid input, tasks left pending) to `err`;
// `in` serves --input @-. Returns one of the exit codes above.
int RunRun(const RunFlags& flags, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_RUN_COMMAND_H_
