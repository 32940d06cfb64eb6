// MemoryApplicationStore: an ApplicationStore in a map, for tests and local
// experiments (nothing survives the process).
//
//   MemoryApplicationStore store;
//   ApplicationTaskHandlers handlers(store);
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MEMORY_APPLICATION_STORE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MEMORY_APPLICATION_STORE_H_

#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "worker/account_applications/application_store.h"

namespace stepwise::account_applications {

// Thread-safe; every operation is atomic.
class MemoryApplicationStore final : public ApplicationStore {
 public:
  absl::Status Insert(const Application& application) override;
  absl::StatusOr<Application> Get(std::string_view id) override;
  absl::StatusOr<Application> Update(std::string_view id, const ApplicationChange& change) override;
  absl::Status Delete(std::string_view id) override;
  absl::StatusOr<ApplicationPage> FindByState(ApplicationState state, int page_size,
                                              std::string_view after_id) override;

 private:
  std::mutex mu_;
  std::map<std::string, Application, std::less<>> applications_;  // Guarded by mu_.
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_MEMORY_APPLICATION_STORE_H_
