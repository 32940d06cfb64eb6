// Error texts every ApplicationStore returns alike, so that callers and the
// shared store tests see the same words whatever the backend.
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_STORE_MESSAGES_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_STORE_MESSAGES_H_

#include <string_view>

#include "absl/status/status.h"
#include "worker/account_applications/application.h"

namespace stepwise::account_applications {

// kNotFound: "Application '<id>' does not exist".
absl::Status ApplicationNotFound(std::string_view id);

// kFailedPrecondition: "Application '<id>' is <actual>, not <expected>".
absl::Status UnexpectedState(std::string_view id, ApplicationState actual,
                             ApplicationState expected);

// kAlreadyExists: "Application '<id>' already exists".
absl::Status ApplicationExists(std::string_view id);

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_STORE_MESSAGES_H_
