// The activity rules every ExecutionStore backend shares (see store_rules.h
// for the rest): which records are acceptable and how ListActivities page
// tokens look.
//
//   RETURN_IF_ERROR(ValidateActivity(record));
//   ASSIGN_OR_RETURN(std::string after, ActivityPageStart(page_token));  // "" = from the start
//   page.next_page_token = ActivityPageToken(page.activities.back());
#ifndef STEPWISE_PERSISTENCE_ACTIVITY_RULES_H_
#define STEPWISE_PERSISTENCE_ACTIVITY_RULES_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/status_macros.h"
#include "persistence/page_token.h"
#include "persistence/records.h"

namespace stepwise::persistence {

// kInvalidArgument for an activity the store must not accept (empty keys).
inline absl::Status ValidateActivity(const ActivityRecord& record) {
  if (record.arn.empty()) return absl::InvalidArgumentError("Empty activity arn");
  if (record.name.empty()) return absl::InvalidArgumentError("Empty activity name");
  return absl::OkStatus();
}

// The token of the page after `last`. It names its listing, so that a
// ListStateMachines token is not taken for a ListActivities one.
inline std::string ActivityPageToken(const ActivityRecord& last) {
  return EncodePageToken({"activities", last.arn});
}

// The arn a page starts after: "" for an empty token; kInvalidArgument for a
// token that ActivityPageToken did not make.
inline absl::StatusOr<std::string> ActivityPageStart(std::string_view page_token) {
  if (page_token.empty()) return std::string();
  ASSIGN_OR_RETURN(std::vector<std::string> parts, DecodePageToken(page_token, 2));
  if (parts[0] != "activities") return absl::InvalidArgumentError("Invalid page token");
  return std::move(parts[1]);
}

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_ACTIVITY_RULES_H_
