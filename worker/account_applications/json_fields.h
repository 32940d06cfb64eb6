// Reading the members of untrusted task input with errors that name the
// member and what was found instead. Internal to this service.
//
//   const boost::json::object& task = RequireObject(input, "The task input");
//   std::string_view id = RequireString(task, "id");  // throws InvalidInputException
#ifndef STEPWISE_WORKER_ACCOUNT_APPLICATIONS_JSON_FIELDS_H_
#define STEPWISE_WORKER_ACCOUNT_APPLICATIONS_JSON_FIELDS_H_

#include <optional>
#include <string>
#include <string_view>

#include "boost/json/object.hpp"
#include "boost/json/value.hpp"

namespace stepwise::account_applications {

// "a string", "a number", "null", ...
std::string_view JsonKindName(const boost::json::value& value);

// `text` for an error message, cut to a readable length.
std::string Excerpt(std::string_view text);

// `value` as an object, else InvalidInputException "<what> must be an object, not ...".
const boost::json::object& RequireObject(const boost::json::value& value, std::string_view what);

// The non-empty string member `field` of `object` (`path` names it in
// errors, e.g. "errorInfo.Cause"); InvalidInputException otherwise.
std::string_view RequireString(const boost::json::object& object, std::string_view field,
                               std::string_view path = "");

// Like RequireString, but absent (or null) is nullopt.
std::optional<std::string_view> OptionalString(const boost::json::object& object,
                                               std::string_view field);

}  // namespace stepwise::account_applications

#endif  // STEPWISE_WORKER_ACCOUNT_APPLICATIONS_JSON_FIELDS_H_
