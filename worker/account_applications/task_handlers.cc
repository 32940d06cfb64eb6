#include "worker/account_applications/task_handlers.h"

#include <string>
#include <string_view>
#include <system_error>

#include "boost/json/parse.hpp"
#include "common/str_cat.h"
#include "worker/account_applications/json_fields.h"

namespace stepwise::account_applications {
namespace {

// The errorMessage of a Lambda-style cause {"errorType", "errorMessage"}:
// the workshop's flag function does JSON.parse(errorInfo.Cause).errorMessage.
std::string UnprocessableReason(const boost::json::object& task) {
  const boost::json::value* error_info = task.if_contains("errorInfo");
  if (error_info == nullptr) {
    throw InvalidInputException(
        "flagType UNPROCESSABLE_DATA needs \"errorInfo\" (the caught error, {\"Error\", "
        "\"Cause\"})");
  }
  const boost::json::object& info = RequireObject(*error_info, "\"errorInfo\"");
  const std::string_view cause_text = RequireString(info, "Cause", "errorInfo.Cause");
  std::error_code error;
  boost::json::value cause = boost::json::parse(cause_text, error);
  if (error || !cause.is_object()) {
    throw InvalidInputException(
        StrCat("\"errorInfo.Cause\" must be JSON text of an object with an errorMessage (a "
               "Lambda-style cause), not '",
               Excerpt(cause_text), "'"));
  }
  return std::string(
      RequireString(cause.get_object(), "errorMessage", "errorInfo.Cause.errorMessage"));
}

}  // namespace

boost::json::value ApplicationTaskHandlers::Flag(const boost::json::value& input) {
  const boost::json::object& task = RequireObject(input, "The flag task input");
  const std::string_view id = RequireString(task, "id");
  const std::string_view flag_type = RequireString(task, "flagType");
  ApplicationChange change;
  if (flag_type == "REVIEW") {
    change.state = ApplicationState::kFlaggedForReview;
    // Without the token nobody could resume the execution after the review.
    change.task_token = std::string(RequireString(task, "taskToken"));
    change.reason = std::string(OptionalString(task, "reason").value_or(""));
  } else if (flag_type == "UNPROCESSABLE_DATA") {
    change.state = ApplicationState::kFlaggedWithUnprocessableData;
    change.reason = UnprocessableReason(task);
    change.task_token = "";
  } else {
    throw InvalidInputException(StrCat("\"flagType\" must be REVIEW or UNPROCESSABLE_DATA, not '",
                                       Excerpt(flag_type), "'"));
  }
  return Apply(id, change);
}

boost::json::value ApplicationTaskHandlers::Approve(const boost::json::value& input) {
  const boost::json::object& task = RequireObject(input, "The approve task input");
  return Apply(RequireString(task, "id"), {.state = ApplicationState::kApproved});
}

boost::json::value ApplicationTaskHandlers::Reject(const boost::json::value& input) {
  const boost::json::object& task = RequireObject(input, "The reject task input");
  return Apply(RequireString(task, "id"), {.state = ApplicationState::kRejected});
}

boost::json::value ApplicationTaskHandlers::Apply(std::string_view id,
                                                  const ApplicationChange& change) {
  absl::StatusOr<Application> updated = store_.Update(id, change);
  if (updated.ok()) return ApplicationToJson(*updated);
  const std::string message(updated.status().message());
  switch (updated.status().code()) {
    case absl::StatusCode::kNotFound:
      throw ApplicationNotFoundException(message);
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kDeadlineExceeded:
      throw StoreUnavailableException(message);
    default:
      throw StoreFailureException(updated.status().ToString());
  }
}

}  // namespace stepwise::account_applications
