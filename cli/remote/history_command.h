// `stepwise history`: an execution's states as readable text for a person at
// a terminal (history_text.h), once or live until the execution ends; and
// `stepwise describe-execution --watch`, the same live view.
//
//   stepwise history --execution-arn ARN              # or: stepwise history ARN
//   stepwise history ARN --watch                      # follow it until it ends
//   stepwise history ARN --no-data --output json      # the view as JSON
//
// --watch polls GetExecutionHistory for new events (HistoryTail) every
// 0.5 s. On a terminal it redraws the whole view in place (ANSI clear);
// otherwise (a pipe, a log) it prints the view once and then only the rows
// that are new or changed, and the outcome at the end. The exit code after
// --watch says how the execution ended: 0 SUCCEEDED, 1 FAILED, TIMED_OUT or
// ABORTED. Without --watch the command exits 0 whatever the execution's
// status. Either way 252 is bad usage (nothing sent), 254 an orchestrator
// error (ExecutionDoesNotExist, ...), 255 no answer (rpc_error.h).
#ifndef STEPWISE_CLI_REMOTE_HISTORY_COMMAND_H_
#define STEPWISE_CLI_REMOTE_HISTORY_COMMAND_H_

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "CLI/App.hpp"
#include "absl/time/time.h"
#include "cli/remote/execution_commands.h"
#include "cli/remote/remote_commands.h"
#include "cli/remote/states_client.h"

namespace stepwise::cli {

// --watch ended with the execution not SUCCEEDED (as `stepwise run` does).
inline constexpr int kHistoryExitNotSucceeded = 1;

struct HistoryFlags {
  std::string execution_arn;  // --execution-arn
  std::string arn_argument;   // The ARN given as the first argument instead.
  bool watch = false;
  bool include_data = true;     // --include-data (default) / --no-data.
  bool full = false;            // Do not cut long payloads and causes.
  std::string output = "text";  // "text" or "json".
};

// What the watch loop takes from the world; tests replace all of it.
struct WatchEnvironment {
  absl::Duration poll_interval = absl::Milliseconds(500);
  // Waits between polls; null: absl::SleepFor.
  std::function<void(absl::Duration)> sleep;
  // The time running durations are measured to; null: absl::Now.
  std::function<absl::Time()> now;
  // The output is a terminal: --watch redraws in place.
  bool terminal = false;
  // Columns for the text view.
  int width = 100;
  // maxResults of each GetExecutionHistory call.
  int page_size = 100;
};

// The environment for printing to std::cout: a terminal when stdout is one
// (and TERM is not "dumb"), its width when it tells.
WatchEnvironment StdoutEnvironment();

// Runs `history` with `environment`. Returns the exit code (file comment).
int RunHistoryIn(const HistoryFlags& flags, const WatchEnvironment& environment,
                 StatesClient& client, std::ostream& out, std::ostream& err);

// RunHistoryIn with StdoutEnvironment() when `out` is std::cout, else with
// the defaults (not a terminal).
int RunHistory(const HistoryFlags& flags, StatesClient& client, std::ostream& out,
               std::ostream& err);

// Registers `history`.
void AddHistoryCommand(RemoteCommands& commands);

// describe-execution's run: RunDescribeExecution, or with --watch (added by
// AddWatchFlag to the command) RunHistory with --watch for the same ARN.
RemoteRun DescribeOrWatch(const std::shared_ptr<DescribeExecutionFlags>& describe,
                          const std::shared_ptr<HistoryFlags>& watch);
void AddWatchFlag(CLI::App& describe_execution, HistoryFlags& watch);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_HISTORY_COMMAND_H_
