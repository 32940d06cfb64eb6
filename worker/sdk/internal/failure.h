// How a handler's outcome becomes what SendTaskSuccess / SendTaskFailure
// carry: the error name and Lambda-style cause of an exception, valid UTF-8
// (proto3 strings must be), and the length limits of SendTaskFailureRequest.
//
//   try {
//     output = handler(task);
//   } catch (...) {
//     TaskOutcome outcome = OutcomeFromCurrentException();  // error + cause
//   }
#ifndef STEPWISE_WORKER_SDK_INTERNAL_FAILURE_H_
#define STEPWISE_WORKER_SDK_INTERNAL_FAILURE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <typeinfo>

#include "boost/json/value.hpp"

namespace stepwise::worker::internal {

// SendTaskFailureRequest limits (states.proto): longer values would be
// rejected with ValidationException and the task would hang until it times out.
inline constexpr std::size_t kMaxErrorLength = 256;
inline constexpr std::size_t kMaxCauseLength = 32768;

// Error names of failures the SDK itself reports.
inline constexpr std::string_view kInvalidTaskInput = "InvalidTaskInput";
inline constexpr std::string_view kInvalidTaskOutput = "InvalidTaskOutput";
inline constexpr std::string_view kUnknownException = "UnknownException";

// What a task attempt ended with: an output (JSON text) or an error + cause.
struct TaskOutcome {
  bool succeeded = false;
  std::string output;  // When succeeded.
  std::string error;   // When failed; at most kMaxErrorLength bytes.
  std::string cause;   // When failed; at most kMaxCauseLength bytes.
};

// A failed outcome: `error` and `message` made valid UTF-8 and cut to the
// limits; `cause` empty -> LambdaStyleCause(error, message).
TaskOutcome FailedOutcome(std::string_view error, std::string_view message,
                          std::string_view cause = "");

// Must be called inside a catch block: TaskFailure -> its error (and cause);
// another std::exception -> its dynamic type's name without namespaces;
// anything else -> kUnknownException.
TaskOutcome OutcomeFromCurrentException();

// The serialized output, or an kInvalidTaskOutput failure when `output`
// holds NaN or an infinity (which Boost.JSON would write as non-JSON tokens).
TaskOutcome OutcomeFromOutput(const boost::json::value& output);

// The demangled name of `type` without namespaces or enclosing classes:
// "ns::detail::ParseError" -> "ParseError"; template arguments are kept
// ("ns::Wrapper<ns::X>" -> "Wrapper<ns::X>").
std::string TypeNameWithoutNamespaces(const std::type_info& type);
std::string StripNamespaces(std::string_view qualified_name);

// `text` with every invalid UTF-8 sequence replaced by U+FFFD.
std::string ToValidUtf8(std::string_view text);

// The longest prefix of the valid UTF-8 `text` that has at most `max_bytes`
// bytes and does not split a character.
std::string_view TruncateUtf8(std::string_view text, std::size_t max_bytes);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_FAILURE_H_
