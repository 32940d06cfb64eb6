// MemoryStore: the activity operations (execution_store.h, "Activities").
#include <string>

#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/activity_rules.h"
#include "persistence/memory/memory_store.h"

namespace stepwise::persistence {
namespace {

absl::Status NoActivity(std::string_view arn) {
  return absl::NotFoundError(StrCat("Activity does not exist: '", arn, "'"));
}

}  // namespace

absl::StatusOr<ActivityRecord> MemoryStore::CreateActivity(const ActivityRecord& record) {
  RETURN_IF_ERROR(ValidateActivity(record));
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = activities_.find(record.arn); it != activities_.end()) {
    if (it->second.name == record.name) return it->second;
    return absl::AlreadyExistsError(StrCat("Activity already exists: '", record.arn, "'"));
  }
  for (const auto& [arn, existing] : activities_) {
    if (existing.name == record.name) {
      return absl::AlreadyExistsError(StrCat("Activity name already in use: '", record.name, "'"));
    }
  }
  activities_[record.arn] = record;
  return record;
}

absl::StatusOr<ActivityRecord> MemoryStore::GetActivity(std::string_view arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = activities_.find(arn);
  if (it == activities_.end()) return NoActivity(arn);
  return it->second;
}

absl::Status MemoryStore::DeleteActivity(std::string_view arn) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = activities_.find(arn);
  if (it == activities_.end()) return NoActivity(arn);
  activities_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<ActivityPage> MemoryStore::ListActivities(int page_size,
                                                         std::string_view page_token) {
  if (page_size < 1) return absl::InvalidArgumentError("Page size must be at least 1");
  ASSIGN_OR_RETURN(std::string after, ActivityPageStart(page_token));
  std::lock_guard<std::mutex> lock(mu_);
  ActivityPage page;
  auto it = page_token.empty() ? activities_.begin() : activities_.upper_bound(after);
  for (; it != activities_.end(); ++it) {
    if (static_cast<int>(page.activities.size()) == page_size) {
      page.next_page_token = ActivityPageToken(page.activities.back());
      break;
    }
    page.activities.push_back(it->second);
  }
  return page;
}

}  // namespace stepwise::persistence
