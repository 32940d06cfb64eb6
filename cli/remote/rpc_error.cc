#include "cli/remote/rpc_error.h"

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/str_cat.h"
#include "stepwise/v1/error_details.pb.h"

namespace stepwise::cli {
namespace {

constexpr std::string_view kErrorInfoType = "type.googleapis.com/google.rpc.ErrorInfo";

std::optional<std::string> ErrorInfoReason(const grpc::Status& status) {
  if (status.error_details().empty()) return std::nullopt;
  v1::RpcStatus details;
  if (!details.ParseFromString(status.error_details())) return std::nullopt;
  for (const google::protobuf::Any& any : details.details()) {
    v1::ErrorInfo info;
    if (any.type_url() == kErrorInfoType && info.ParseFromString(any.value()) &&
        !info.reason().empty()) {
      return info.reason();
    }
  }
  return std::nullopt;
}

// "Name" when `message` starts with "Name: " and Name looks like an AWS
// exception name (UpperCamelCase letters and digits).
std::optional<std::string> MessagePrefixName(std::string_view message) {
  const size_t colon = message.find(": ");
  if (colon == 0 || colon == std::string_view::npos ||
      !std::isupper(static_cast<unsigned char>(message[0]))) {
    return std::nullopt;
  }
  for (char c : message.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  return std::string(message.substr(0, colon));
}

// "RESOURCE_EXHAUSTED" -> "ResourceExhausted": a name for gRPC's own codes.
std::string CodeName(grpc::StatusCode code) {
  const std::string upper = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  std::string name;
  bool start = true;
  for (char c : upper) {
    if (c == '_') {
      start = true;
      continue;
    }
    name.push_back(start ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    start = false;
  }
  return name.empty() ? StrCat("Code", static_cast<int>(code)) : name;
}

std::string ServiceError(std::string_view name, std::string_view operation, std::string_view text) {
  return StrCat("An error occurred (", name, ") when calling the ", operation,
                " operation: ", text);
}

}  // namespace

std::optional<std::string> ExceptionNameOf(const grpc::Status& status) {
  if (std::optional<std::string> reason = ErrorInfoReason(status)) return reason;
  return MessagePrefixName(status.error_message());
}

RpcFailure DescribeRpcFailure(const grpc::Status& status, std::string_view operation,
                              std::string_view endpoint, absl::Duration read_timeout) {
  const std::string& message = status.error_message();
  if (std::optional<std::string> name = ExceptionNameOf(status)) {
    // The server's message is "Name: text"; AWS's CLI shows only the text.
    std::string_view text = message;
    if (text.starts_with(*name + ": ")) text.remove_prefix(name->size() + 2);
    return {kRemoteExitServiceError, *name, ServiceError(*name, operation, text)};
  }
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
      return {kRemoteExitClientError, "",
              StrCat("Could not connect to the endpoint \"", endpoint, "\" (calling the ",
                     operation, " operation): ", message,
                     ". Is stepwise-orchestrator running there? Choose the endpoint with "
                     "--endpoint HOST:PORT or STEPWISE_ENDPOINT.")};
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return {kRemoteExitClientError, "",
              StrCat("Read timeout on endpoint \"", endpoint, "\": no answer to the ", operation,
                     " operation within ", absl::FormatDuration(read_timeout),
                     ". Raise --cli-read-timeout (seconds; 0 waits forever).")};
    case grpc::StatusCode::CANCELLED:
      return {kRemoteExitClientError, "",
              StrCat("The ", operation, " call to \"", endpoint, "\" was cancelled: ", message)};
    case grpc::StatusCode::UNIMPLEMENTED: {
      // gRPC's own answer for an unknown method has no message.
      const std::string text = message.empty() ? StrCat("the orchestrator at ", endpoint,
                                                        " does not implement ", operation, " (yet)")
                                               : StrCat("the orchestrator at ", endpoint,
                                                        " does not support it: ", message);
      return {kRemoteExitServiceError, "UnknownOperationException",
              ServiceError("UnknownOperationException", operation, text)};
    }
    default: {
      const std::string name = CodeName(status.error_code());
      return {kRemoteExitServiceError, name,
              ServiceError(name, operation, message.empty() ? "(no message)" : message)};
    }
  }
}

}  // namespace stepwise::cli
