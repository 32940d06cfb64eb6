// The Account Applications service's task handlers: what the workflow's
// Task states ask of it (WORKSHOP.md), as plain functions over an
// ApplicationStore. The account-applications binary registers them on the
// queues of ${FlagApplicationFunctionName}, ${ApproveApplicationFunctionArn}
// and ${RejectApplicationFunctionArn}.
//
//   MemoryApplicationStore store;
//   ApplicationTaskHandlers handlers(store);
//   boost::json::value flagged = handlers.Flag(boost::json::parse(
//       R"({"id": "application_1", "flagType": "REVIEW", "taskToken": "t"})"));
//   // flagged == {"id": "application_1", ..., "state": "FLAGGED_FOR_REVIEW"}
//
// Each handler returns the application after the change (ApplicationToJson)
// or throws one of the exceptions below: the worker SDK fails the task with
// the exception's type name as the error and what() as the errorMessage of
// a Lambda-style cause. Handlers are idempotent (setting a state twice is
// setting it once), as at-least-once delivery needs.
//
// Thread-safety: as thread-safe as the store (all stores are).
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_TASK_HANDLERS_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_TASK_HANDLERS_H_

#include <stdexcept>

#include "boost/json/value.hpp"
#include "worker/account_applications/application_store.h"

namespace stepwise::account_applications {

// The task input lacks a field, has one of the wrong type, or an unknown
// flagType; what() names the field.
class InvalidInputException : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// No application has the task's id.
class ApplicationNotFoundException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The database could not be reached or the change conflicted; trying again
// later may work.
class StoreUnavailableException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any other failure of the store.
class StoreFailureException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ApplicationTaskHandlers {
 public:
  // `store` must outlive the handlers.
  explicit ApplicationTaskHandlers(ApplicationStore& store) : store_(store) {}

  // {"id", "flagType": "REVIEW", "taskToken", "reason"?}: state
  // FLAGGED_FOR_REVIEW, keeping taskToken for ReviewApplication (reason: the
  // optional text, else cleared).
  // {"id", "flagType": "UNPROCESSABLE_DATA", "errorInfo": {"Cause": "<JSON>"}}:
  // state FLAGGED_WITH_UNPROCESSABLE_DATA with reason = the errorMessage in
  // the Lambda-style cause (what a Catch's ResultPath put there).
  boost::json::value Flag(const boost::json::value& input);

  // {"id"}: state APPROVED.
  boost::json::value Approve(const boost::json::value& input);

  // {"id"}: state REJECTED.
  boost::json::value Reject(const boost::json::value& input);

 private:
  boost::json::value Apply(std::string_view id, const ApplicationChange& change);

  ApplicationStore& store_;
};

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_TASK_HANDLERS_H_
