#include "orchestrator/service/grpc_status.h"

#include <string>
#include <string_view>

#include "common/str_cat.h"
#include "stepwise/v1/error_details.pb.h"

namespace stepwise::service {

std::string_view DefaultExceptionName(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
      return "ValidationException";
    case absl::StatusCode::kAborted:
      return "ConflictException";
    case absl::StatusCode::kResourceExhausted:
      return "ServiceQuotaExceededException";
    case absl::StatusCode::kUnavailable:
      return "ServiceUnavailable";
    default:
      return "InternalFailure";
  }
}

grpc::Status ToGrpcStatus(const absl::Status& status, std::string_view exception_name,
                          const std::map<std::string, std::string>& metadata) {
  if (status.ok()) return grpc::Status::OK;
  // Generic infrastructure failures keep their own names whatever the call.
  std::string_view name = exception_name;
  switch (status.code()) {
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kInternal:
    case absl::StatusCode::kUnknown:
    case absl::StatusCode::kDataLoss:
      name = DefaultExceptionName(status.code());
      break;
    default:
      if (name.empty()) name = DefaultExceptionName(status.code());
  }
  grpc::StatusCode code = static_cast<grpc::StatusCode>(static_cast<int>(status.code()));
  if (status.code() == absl::StatusCode::kUnknown || status.code() == absl::StatusCode::kDataLoss) {
    code = grpc::StatusCode::INTERNAL;
  }
  const std::string_view text(status.message().data(), status.message().size());
  std::string message = StrCat(name, ": ", text);

  stepwise::v1::ErrorInfo info;
  info.set_reason(std::string(name));
  info.set_domain("stepwise");
  for (const auto& [key, value] : metadata) (*info.mutable_metadata())[key] = value;
  stepwise::v1::RpcStatus details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  google::protobuf::Any* any = details.add_details();
  any->set_type_url("type.googleapis.com/google.rpc.ErrorInfo");
  any->set_value(info.SerializeAsString());
  return grpc::Status(code, message, details.SerializeAsString());
}

}  // namespace stepwise::service
