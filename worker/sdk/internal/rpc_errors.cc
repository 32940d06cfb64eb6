#include "worker/sdk/internal/rpc_errors.h"

#include <string_view>

#include "common/str_cat.h"
#include "stepwise/v1/error_details.pb.h"

namespace stepwise::worker::internal {
namespace {

std::string_view CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN_CODE";
  }
}

bool IsIdentifier(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string ExceptionName(const grpc::Status& status) {
  if (status.ok()) return "";
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details()) &&
      details.details_size() > 0 && info.ParseFromString(details.details(0).value()) &&
      !info.reason().empty()) {
    return info.reason();
  }
  const std::string& message = status.error_message();
  const std::size_t colon = message.find(": ");
  if (colon != std::string::npos && IsIdentifier(std::string_view(message).substr(0, colon))) {
    return message.substr(0, colon);
  }
  return "";
}

bool IsUnreachable(const grpc::Status& status) {
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
         status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED;
}

bool IsRetryable(const grpc::Status& status) {
  if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
    // Throttling and limits carry an exception name; gRPC's own "message
    // larger than max" does not, and sending it again will not help.
    return !ExceptionName(status).empty();
  }
  return IsUnreachable(status) || status.error_code() == grpc::StatusCode::ABORTED;
}

bool IsTaskGone(const grpc::Status& status) {
  const std::string name = ExceptionName(status);
  return name == "TaskTimedOut" || name == "TaskDoesNotExist" || name == "InvalidToken";
}

bool IsPollRefusal(const grpc::Status& status) {
  const std::string name = ExceptionName(status);
  if (name == "InvalidName" || name == "ActivityWorkerLimitExceeded") return true;
  if (name != "ValidationException") return false;
  v1::RpcStatus details;
  v1::ErrorInfo info;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details()) ||
      details.details_size() == 0 || !info.ParseFromString(details.details(0).value())) {
    return false;
  }
  auto field = info.metadata().find("field");
  if (field == info.metadata().end()) return false;
  const std::string& f = field->second;
  return f == "queue" || f == "poll_key" || f == "wait_time_seconds" || f == "completion";
}

bool IsOutputRejected(const grpc::Status& status) {
  const std::string name = ExceptionName(status);
  return name == "InvalidOutput" || name == "ValidationException" ||
         (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && name.empty());
}

std::string Describe(const grpc::Status& status) {
  return StrCat(CodeName(status.error_code()), ": ", status.error_message());
}

}  // namespace stepwise::worker::internal
