// JSONata errors inside the evaluator. They carry JSONata's error codes
// (S0xxx syntax, T0xxx/T1xxx/T2xxx type, D1xxx-D3xxx dynamic) and the
// character position (JSONata counts the position after the offending
// token). internal::JsonataException is thrown only inside this library and
// turned into an absl::Status at the API boundary (jsonata.cc), the way
// libpqxx exceptions stop at persistence/postgres: deep recursion through
// the evaluator would otherwise need a StatusOr on every return path.
#ifndef STEPWISE_ORCHESTRATOR_ASL_JSONATA_ERROR_H_
#define STEPWISE_ORCHESTRATOR_ASL_JSONATA_ERROR_H_

#include <exception>
#include <string>

#include "absl/status/status.h"

namespace stepwise::jsonata {
namespace internal {

class JsonataException : public std::exception {
 public:
  JsonataException(std::string code, int position, std::string message)
      : code_(std::move(code)), position_(position), message_(std::move(message)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  const std::string& code() const { return code_; }
  int position() const { return position_; }
  void set_position(int p) { position_ = p; }
  const std::string& message() const { return message_; }

 private:
  std::string code_;
  int position_;
  std::string message_;
};

// Throws `code` with JSONata's message for it; `detail` fills the message's
// placeholder (a token, a value, a function name). position -1: unknown.
[[noreturn]] void Fail(const std::string& code, int position, const std::string& detail = "");

// The status for an exception: kInvalidArgument, message
// "<code> at position <p>: <message>".
absl::Status ToStatus(const JsonataException& e);

}  // namespace internal
}  // namespace stepwise::jsonata

#endif  // STEPWISE_ORCHESTRATOR_ASL_JSONATA_ERROR_H_
