// HistoryTail: reads an execution's history with GetExecutionHistory and, on
// each later Poll, only the events added since, for `stepwise history
// --watch`.
//
//   HistoryTail tail(arn, /*include_data=*/true);
//   std::vector<v1::HistoryEvent> events;
//   if (int code = tail.Poll(client, events, std::cerr); code != kRemoteExitOk) return code;
//   ...  // later
//   tail.Poll(client, events, std::cerr);  // Appends what is new.
//
// nextToken is opaque, and the last page of a history has none; so a poll
// starts again from the token that fetched the last page read (none: the
// first page) and skips the events it already has. Each poll therefore reads
// at most one page it has seen, never the whole history again.
#ifndef STEPWISE_CLI_REMOTE_HISTORY_TAIL_H_
#define STEPWISE_CLI_REMOTE_HISTORY_TAIL_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "cli/remote/states_client.h"
#include "stepwise/v1/states.pb.h"

namespace stepwise::cli {

class HistoryTail {
 public:
  // `page_size` is each call's maxResults (1..1000).
  HistoryTail(std::string execution_arn, bool include_data, int page_size = 100);

  // Appends the events newer than any read before to `events` (oldest
  // first). Returns kRemoteExitOk, or the failed call's exit code after
  // printing why to `err` (events of the pages read before the failure are
  // kept and not read again).
  int Poll(StatesClient& client, std::vector<v1::HistoryEvent>& events, std::ostream& err);

  // GetExecutionHistory calls made so far.
  int calls() const { return calls_; }

 private:
  std::string execution_arn_;
  bool include_data_;
  int page_size_;
  std::string resume_token_;  // The token of the last page read; "" for the first.
  int64_t last_id_ = 0;
  int calls_ = 0;
};

}  // namespace stepwise::cli

#endif  // STEPWISE_CLI_REMOTE_HISTORY_TAIL_H_
