// An account application of the workshop and its states (WORKSHOP.md):
// what the Account Applications service stores, hands to the workflow as
// execution input and returns from its task handlers.
//
//   Application application;
//   application.id = NewApplicationId();
//   application.name = "Spock";
//   application.address = "123 Enterprise Street";
//   boost::json::object json = ApplicationToJson(application);
//   // {"id": "application_...", "name": "Spock", "address": "...", "state": "SUBMITTED"}
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_H_

#include <optional>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"

namespace stepwise::account_applications {

enum class ApplicationState {
  kSubmitted,
  kFlaggedForReview,
  kFlaggedWithUnprocessableData,
  kReviewApproved,
  kReviewRejected,
  kApproved,
  kRejected,
};

// The workshop's name of `state`: "SUBMITTED", "FLAGGED_FOR_REVIEW", ...
std::string_view ApplicationStateName(ApplicationState state);

// The inverse of ApplicationStateName; nullopt for any other text.
std::optional<ApplicationState> ParseApplicationState(std::string_view name);

struct Application {
  std::string id;  // "application_<uuid>"
  std::string name;
  std::string address;
  ApplicationState state = ApplicationState::kSubmitted;
  std::string reason;         // Why it was flagged; empty when none.
  std::string task_token;     // The paused execution's token while FLAGGED_FOR_REVIEW.
  std::string execution_arn;  // The execution SubmitApplication started; empty before.

  friend bool operator==(const Application&, const Application&) = default;
};

// {"id", "name", "address", "state"} plus "reason" when there is one: the
// record the workflow sees (the task token stays private to the service).
boost::json::object ApplicationToJson(const Application& application);

// "application_" + a random (version 4) UUID. Thread-safe.
std::string NewApplicationId();

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_APPLICATION_H_
