#include "worker/account_applications/memory_application_store.h"

#include <utility>

#include "worker/account_applications/store_messages.h"

namespace stepwise::account_applications {

absl::Status MemoryApplicationStore::Insert(const Application& application) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!applications_.emplace(application.id, application).second) {
    return ApplicationExists(application.id);
  }
  return absl::OkStatus();
}

absl::StatusOr<Application> MemoryApplicationStore::Get(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = applications_.find(id);
  if (it == applications_.end()) return ApplicationNotFound(id);
  return it->second;
}

absl::StatusOr<Application> MemoryApplicationStore::Update(std::string_view id,
                                                           const ApplicationChange& change) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = applications_.find(id);
  if (it == applications_.end()) return ApplicationNotFound(id);
  Application& application = it->second;
  if (change.expected_state.has_value() && application.state != *change.expected_state) {
    return UnexpectedState(id, application.state, *change.expected_state);
  }
  if (change.state.has_value()) application.state = *change.state;
  if (change.reason.has_value()) application.reason = *change.reason;
  if (change.task_token.has_value()) application.task_token = *change.task_token;
  if (change.execution_arn.has_value()) application.execution_arn = *change.execution_arn;
  return application;
}

absl::Status MemoryApplicationStore::Delete(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = applications_.find(id); it != applications_.end()) applications_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<ApplicationPage> MemoryApplicationStore::FindByState(ApplicationState state,
                                                                    int page_size,
                                                                    std::string_view after_id) {
  if (page_size <= 0) return absl::InvalidArgumentError("page_size must be positive");
  std::lock_guard<std::mutex> lock(mu_);
  ApplicationPage page;
  for (auto it = applications_.upper_bound(after_id); it != applications_.end(); ++it) {
    if (it->second.state != state) continue;
    if (static_cast<int>(page.applications.size()) == page_size) {
      page.next_after_id = page.applications.back().id;
      break;
    }
    page.applications.push_back(it->second);
  }
  return page;
}

}  // namespace stepwise::account_applications
