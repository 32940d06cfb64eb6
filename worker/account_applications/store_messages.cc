#include "worker/account_applications/store_messages.h"

#include "common/str_cat.h"

namespace stepwise::account_applications {

absl::Status ApplicationNotFound(std::string_view id) {
  return absl::NotFoundError(StrCat("Application '", id, "' does not exist"));
}

absl::Status UnexpectedState(std::string_view id, ApplicationState actual,
                             ApplicationState expected) {
  return absl::FailedPreconditionError(StrCat("Application '", id, "' is ",
                                              ApplicationStateName(actual), ", not ",
                                              ApplicationStateName(expected)));
}

absl::Status ApplicationExists(std::string_view id) {
  return absl::AlreadyExistsError(StrCat("Application '", id, "' already exists"));
}

}  // namespace stepwise::account_applications
