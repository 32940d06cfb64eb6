#include "cli/remote/history_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/Validators.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "cli/remote/aws_json.h"
#include "cli/remote/history_tail.h"
#include "cli/remote/history_text.h"
#include "cli/remote/history_view.h"
#include "cli/remote/remote_input.h"
#include "cli/remote/rpc_error.h"
#include "common/str_cat.h"

namespace stepwise::cli {
namespace {

// Clears a terminal and puts the cursor top left.
constexpr std::string_view kClearScreen = "\x1b[H\x1b[2J";

// arn:PARTITION:states:REGION:ACCOUNT:execution:MACHINE:NAME, checked before
// anything is sent so that a name or a state machine ARN given by mistake
// gets a usage error that shows the expected shape.
bool LooksLikeExecutionArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (parts.size() < 7) {
    const size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  // Standard executions: ...:execution:MACHINE:NAME; Express ones:
  // ...:express:MACHINE:NAME:UUID.
  return parts.size() == 7 && parts[0] == "arn" && parts[2] == "states" &&
         (parts[5] == "execution" || parts[5] == "express") && !parts[6].empty() &&
         start < arn.size();
}

// The ARN from --execution-arn or the argument.
absl::StatusOr<std::string> ExecutionArn(const HistoryFlags& flags) {
  if (flags.execution_arn.empty() && flags.arn_argument.empty()) {
    return absl::InvalidArgumentError(
        "an execution ARN is required: stepwise history --execution-arn ARN (or stepwise "
        "history ARN)");
  }
  if (!flags.execution_arn.empty() && !flags.arn_argument.empty() &&
      flags.execution_arn != flags.arn_argument) {
    return absl::InvalidArgumentError(StrCat("two different execution ARNs were given ('",
                                             flags.execution_arn, "' and '", flags.arn_argument,
                                             "'); give one"));
  }
  std::string arn = flags.execution_arn.empty() ? flags.arn_argument : flags.execution_arn;
  if (!LooksLikeExecutionArn(arn)) {
    return absl::InvalidArgumentError(
        StrCat("'", arn,
               "' is not an execution ARN; expected "
               "arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME (or "
               "...:express:STATE_MACHINE:NAME:ID)"));
  }
  return arn;
}

// --watch's output: redrawn in place on a terminal; elsewhere the first view,
// then what is new or changed, then the outcome.
class WatchPrinter {
 public:
  WatchPrinter(const WatchEnvironment& environment, bool full, std::ostream& out)
      : environment_(environment), full_(full), out_(out) {}

  void Show(const ExecutionView& view) {
    if (environment_.terminal) {
      HistoryText text(view, Options(environment_.now()));
      out_ << kClearScreen << text.All();
    } else {
      ShowChanges(view);
    }
    out_.flush();
  }

  // After the last Show: the outcome, unless the first view already had it.
  void Finish(const ExecutionView& view) {
    if (environment_.terminal || started_closed_) return;
    out_ << "\n" << HistoryText(view, Options(std::nullopt)).Outcome();
    out_.flush();
  }

 private:
  TextOptions Options(std::optional<absl::Time> now) const {
    return TextOptions{.width = environment_.width, .full = full_, .now = now};
  }

  void ShowChanges(const ExecutionView& view) {
    // No running durations: a block only changes when its content does.
    HistoryText text(view, Options(std::nullopt));
    if (!header_shown_) {
      out_ << text.Header() << "\n";
      header_shown_ = true;
      started_closed_ = view.closed();
    }
    for (TextBlock& block : text.Blocks()) {
      auto [it, added] = shown_.try_emplace(block.key, block.signature);
      if (!added) {
        if (it->second == block.signature) continue;
        it->second = std::move(block.signature);
      }
      if (!titles_shown_) {
        out_ << text.ColumnTitles();
        titles_shown_ = true;
      }
      out_ << block.text;
    }
  }

  const WatchEnvironment& environment_;
  bool full_;
  std::ostream& out_;
  bool header_shown_ = false;
  bool titles_shown_ = false;
  bool started_closed_ = false;
  std::map<std::string, std::string> shown_;  // Block key -> signature printed.
};

}  // namespace

WatchEnvironment StdoutEnvironment() {
  WatchEnvironment environment;
  const char* term = std::getenv("TERM");
  environment.terminal =
      ::isatty(STDOUT_FILENO) == 1 && !(term != nullptr && std::string_view(term) == "dumb");
  struct winsize size {};
  if (environment.terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    environment.width = size.ws_col;
  }
  return environment;
}

int RunHistoryIn(const HistoryFlags& flags, const WatchEnvironment& given, StatesClient& client,
                 std::ostream& out, std::ostream& err) {
  absl::StatusOr<std::string> arn = ExecutionArn(flags);
  if (!arn.ok()) return BadParameter(err, "--execution-arn", arn.status());
  if (flags.output != "text" && flags.output != "json") {
    return BadParameter(
        err, "--output",
        absl::InvalidArgumentError(StrCat("'", flags.output, "' is not one of text, json")));
  }
  WatchEnvironment environment = given;
  if (!environment.sleep) environment.sleep = [](absl::Duration d) { absl::SleepFor(d); };
  if (!environment.now) environment.now = [] { return absl::Now(); };

  // The header's facts; the history says how the execution goes on.
  v1::DescribeExecutionRequest describe;
  describe.set_execution_arn(*arn);
  describe.set_included_data(v1::INCLUDED_DATA_METADATA_ONLY);
  v1::DescribeExecutionResponse execution;
  if (int code =
          client.Invoke(&v1::States::StubInterface::DescribeExecution, describe, &execution, err);
      code != kRemoteExitOk) {
    return code;
  }
  HistoryTail tail(*arn, flags.include_data, environment.page_size);
  std::vector<v1::HistoryEvent> events;
  if (int code = tail.Poll(client, events, err); code != kRemoteExitOk) return code;
  ExecutionView view = BuildExecutionView(execution, events);
  const bool json = flags.output == "json";

  if (!flags.watch) {
    if (json) {
      WriteIndentedJson(HistoryJson(view), out);
    } else {
      out << HistoryText(view, TextOptions{.width = environment.width,
                                           .full = flags.full,
                                           .now = environment.now()})
                 .All();
    }
    return kRemoteExitOk;
  }

  WatchPrinter printer(environment, flags.full, out);
  while (true) {
    if (!json) printer.Show(view);
    if (view.closed()) break;
    environment.sleep(environment.poll_interval);
    if (int code = tail.Poll(client, events, err); code != kRemoteExitOk) return code;
    view = BuildExecutionView(execution, events);
  }
  if (json) {
    WriteIndentedJson(HistoryJson(view), out);
  } else {
    printer.Finish(view);
  }
  return view.status == v1::EXECUTION_STATUS_SUCCEEDED ? kRemoteExitOk : kHistoryExitNotSucceeded;
}

int RunHistory(const HistoryFlags& flags, StatesClient& client, std::ostream& out,
               std::ostream& err) {
  const WatchEnvironment environment =
      &out == &std::cout ? StdoutEnvironment() : WatchEnvironment{};
  return RunHistoryIn(flags, environment, client, out, err);
}

void AddHistoryCommand(RemoteCommands& commands) {
  auto flags = std::make_shared<HistoryFlags>();
  CLI::App* c = commands.Add(
      "history",
      "Shows an execution's states as readable text: status, timing, input/output, errors "
      "(--watch: live until it ends)",
      BindFlags(flags, RunHistory));
  c->add_option("ARN", flags->arn_argument, "The execution ARN (instead of --execution-arn)");
  c->add_option("--execution-arn", flags->execution_arn, "The execution");
  c->add_flag("--watch", flags->watch,
              "Follow the execution until it ends; exit 0 if it SUCCEEDED, 1 otherwise");
  c->add_flag("--include-data,!--no-data", flags->include_data,
              "Show each state's input and output (default) or not");
  c->add_flag("--full", flags->full, "Do not cut long input, output and causes");
  c->add_option("--output", flags->output, "text (default) or json")
      ->check(CLI::IsMember({"text", "json"}));
}

RemoteRun DescribeOrWatch(const std::shared_ptr<DescribeExecutionFlags>& describe,
                          const std::shared_ptr<HistoryFlags>& watch) {
  return [describe, watch](StatesClient& client, std::ostream& out, std::ostream& err) {
    if (!watch->watch) return RunDescribeExecution(*describe, client, out, err);
    HistoryFlags flags = *watch;
    flags.execution_arn = describe->execution_arn;
    flags.include_data = describe->included_data != "METADATA_ONLY";
    return RunHistory(flags, client, out, err);
  };
}

void AddWatchFlag(CLI::App& describe_execution, HistoryFlags& watch) {
  watch.watch = false;
  describe_execution.add_flag(
      "--watch", watch.watch,
      "Instead of JSON, show the execution's states as text, live until it ends (as `stepwise "
      "history --watch`); exit 0 if it SUCCEEDED, 1 otherwise");
}

}  // namespace stepwise::cli
