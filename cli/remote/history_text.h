// An ExecutionView (history_view.h) as text for a terminal, or as JSON.
//
//   HistoryText text(view, TextOptions{.width = 100, .now = absl::Now()});
//   std::cout << text.All();
//   // Execution  run-1
//   // ...
//   // STATE         TYPE      STATUS     ENTERED    DURATION
//   // Check Name    Task      SUCCEEDED   +0.000s     0.120s
//   //     input:  {"name":"Ada"}
//   //     output: {"checked":true}
//
// Each state is one row (name, type, status, time since the execution
// started, duration, and what a running state waits for), followed by
// indented lines with its input, its failed task attempts and errors, and
// its output. JSON payloads are printed compactly and cut to the width
// (TextOptions::full keeps them whole). Parallel branches and Map
// iterations follow their state, indented under a "branch N" /
// "iteration N" line.
#ifndef STEPWISE_CLI_REMOTE_HISTORY_TEXT_H_
#define STEPWISE_CLI_REMOTE_HISTORY_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "boost/json/object.hpp"
#include "cli/remote/history_view.h"

namespace stepwise::cli {

struct TextOptions {
  // Columns available; payloads and causes are cut to fit (at least 20
  // characters are kept).
  int width = 100;
  // Never cut payloads and causes.
  bool full = false;
  // Running states and a running execution show their duration so far;
  // unset: no duration for them (output that does not change over time).
  std::optional<absl::Time> now;
};

// One state's row with its detail lines, or one "branch N" line: the unit
// that --watch prints again when it changes.
struct TextBlock {
  // Stable across polls of the same execution: "2" for the third top-level
  // state, "2/0" for its first branch, "2/0/1" for that branch's second state.
  std::string key;
  // The block's content without layout (column padding, running durations):
  // equal signatures mean nothing a reader cares about changed.
  std::string signature;
  // Lines, each ending in '\n'.
  std::string text;
};

class HistoryText {
 public:
  // `view` must outlive this object.
  HistoryText(const ExecutionView& view, TextOptions options);

  // Execution name and ARN, state machine, then Outcome().
  std::string Header() const;
  // Status, start and stop dates, duration, error and cause.
  std::string Outcome() const;
  // "STATE ... TYPE STATUS ENTERED DURATION", aligned with the rows.
  std::string ColumnTitles() const;
  // Every state in order, depth first.
  std::vector<TextBlock> Blocks() const;
  // Header, an empty line, the titles and every block; or a line saying that
  // no state was entered yet.
  std::string All() const;

 private:
  void AddRun(const StateRun& run, int depth, const std::string& key,
              std::vector<TextBlock>& blocks) const;
  std::string RunText(const StateRun& run, int depth, size_t name_width,
                      std::optional<absl::Time> now) const;

  const ExecutionView& view_;
  TextOptions options_;
  size_t name_width_ = 0;
};

// The view as JSON for --output json: the execution's members as
// DescribeExecution names them, and "states": [{"name", "type", "status",
// "enteredDate", ...}] with "attempts" and "branches" where there are any.
boost::json::object HistoryJson(const ExecutionView& view);

// "0.012s", "12.500s", "2m03s", "1h02m03s" (negative durations print as 0).
std::string ShortDuration(absl::Duration duration);

// `text` on one line: JSON compacted, other text with its line breaks as
// spaces; then, unless max_chars is 0, cut to at most max_chars characters
// (UTF-8 aware) ending in "...".
std::string OneLine(std::string_view text, size_t max_chars);

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_HISTORY_TEXT_H_
