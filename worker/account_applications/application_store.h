// ApplicationStore: where the Account Applications service keeps its
// applications. Domain operations, not SQL; PostgresApplicationStore is the
// real one, MemoryApplicationStore the in-process double for tests.
//
//   RETURN_IF_ERROR(store.Insert(application));
//   ASSIGN_OR_RETURN(Application reviewed,
//                    store.Update(id, {.state = ApplicationState::kReviewApproved,
//                                      .expected_state = ApplicationState::kFlaggedForReview}));
//
// Thread-safety: implementations are thread-safe.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_STORE_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_STORE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "worker/account_applications/application.h"

namespace stepwise::account_applications {

// The fields an Update sets; unset ones keep their stored value.
struct ApplicationChange {
  std::optional<ApplicationState> state = std::nullopt;
  std::optional<std::string> reason = std::nullopt;  // "" clears it.
  std::optional<std::string> task_token = std::nullopt;
  std::optional<std::string> execution_arn = std::nullopt;
  // Compare-and-set: when given, the change applies only if the stored state
  // is this one, atomically with the check.
  std::optional<ApplicationState> expected_state = std::nullopt;
};

struct ApplicationPage {
  std::vector<Application> applications;  // Ascending by id.
  // The last id of this page when more may follow; empty on the last page.
  std::string next_after_id;
};

class ApplicationStore {
 public:
  virtual ~ApplicationStore() = default;

  // Stores a new application. kAlreadyExists when the id is taken.
  virtual absl::Status Insert(const Application& application) = 0;

  // kNotFound when there is no application `id`.
  virtual absl::StatusOr<Application> Get(std::string_view id) = 0;

  // Applies `change` and returns the application as stored afterwards.
  // kNotFound for an unknown id; kFailedPrecondition (naming the actual
  // state) when `expected_state` is given and differs. Nothing changes on error.
  virtual absl::StatusOr<Application> Update(std::string_view id,
                                             const ApplicationChange& change) = 0;

  // Removes the application; OK when it does not exist.
  virtual absl::Status Delete(std::string_view id) = 0;

  // Up to `page_size` (> 0) applications in `state` whose id is greater than
  // `after_id` ("" starts at the beginning).
  virtual absl::StatusOr<ApplicationPage> FindByState(ApplicationState state, int page_size,
                                                      std::string_view after_id) = 0;
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_STORE_H_
