// The workshop's Data Checking service as a plain function: the handler the
// `data-checking` worker runs for every task of its queue. It mirrors the
// workshop's Lambda function (see ../../shared/seed/WORKSHOP.md there):
//
//   boost::json::value out = stepwise::data_checking::HandleDataCheckingTask(
//       boost::json::parse(R"({"command": "CHECK_NAME", "data": {"name": "evil Spock"}})"));
//   // out == {"flagged": true}
//
// Failures are exceptions because that is how a worker handler fails a task:
// the worker SDK turns the exception's type name into the ASL error name
// (the state machines Catch "UnprocessableDataException") and what() into
// the Lambda-style cause's errorMessage.
//
// Thread-safety: stateless; safe to call from any number of threads.
#ifndef STEPWISE_WORKER_DATA_CHECKING_DATA_CHECKING_H_
#define STEPWISE_WORKER_DATA_CHECKING_DATA_CHECKING_H_

#include <stdexcept>
#include <string>
#include <string_view>

#include "boost/json/value.hpp"

namespace stepwise::data_checking {

// The workshop's simulated failure: CHECK_NAME on a name that contains
// "unprocessable_data" (any case). what() is
// "Simulated error: Name '<name>' is not possible to check."
class UnprocessableDataException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The task input is not what the service accepts: not an object, an unknown
// or missing command, a missing or non-string field. what() names the
// field and what was found.
class InvalidInputException : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// CHECK_NAME: {"flagged": true} when `name`, lower-cased, contains "evil".
// Throws UnprocessableDataException when it contains "unprocessable_data"
// (checked first, as the workshop's function does).
boost::json::value CheckName(std::string_view name);

// CHECK_ADDRESS: {"flagged": true} unless `address` matches the workshop's
// regular expression (\d+ \w+)|(\w+ \d+) somewhere (JavaScript RegExp
// search semantics: \d is [0-9], \w is [A-Za-z0-9_], the space is U+0020).
boost::json::value CheckAddress(std::string_view address);

// Whether `address` contains a match of (\d+ \w+)|(\w+ \d+). Linear time and
// constant stack for any length (std::regex_search is neither).
bool AddressLooksValid(std::string_view address);

// Runs one task: input {"command": "CHECK_NAME", "data": {"name": "..."}} or
// {"command": "CHECK_ADDRESS", "data": {"address": "..."}}. Members besides
// these are ignored. Throws InvalidInputException or
// UnprocessableDataException as above.
boost::json::value HandleDataCheckingTask(const boost::json::value& input);

}  // namespace stepwise::data_checking

#endif  // STEPWISE_WORKER_DATA_CHECKING_DATA_CHECKING_H_
