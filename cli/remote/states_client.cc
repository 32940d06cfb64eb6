#include "cli/remote/states_client.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace stepwise::cli {

std::string OperationName(const google::protobuf::Descriptor& request_descriptor) {
  std::string_view name = request_descriptor.name();
  constexpr std::string_view kSuffix = "Request";
  if (name.ends_with(kSuffix)) name.remove_suffix(kSuffix.size());
  return std::string(name);
}

StatesClient::StatesClient(const std::string& endpoint, absl::Duration read_timeout)
    : StatesClient(
          v1::States::NewStub(grpc::CreateChannel(endpoint, grpc::InsecureChannelCredentials())),
          endpoint, read_timeout) {}

StatesClient::StatesClient(std::unique_ptr<v1::States::StubInterface> stub, std::string endpoint,
                           absl::Duration read_timeout)
    : endpoint_(std::move(endpoint)), read_timeout_(read_timeout), stub_(std::move(stub)) {}

void StatesClient::SetDeadline(grpc::ClientContext& context) const {
  if (read_timeout_ == absl::InfiniteDuration()) return;
  context.set_deadline(absl::ToChronoTime(absl::Now() + read_timeout_));
}

int StatesClient::Report(const grpc::Status& status, std::string_view operation,
                         std::ostream& err) const {
  const RpcFailure failure = DescribeRpcFailure(status, operation, endpoint_, read_timeout_);
  err << failure.message << "\n";
  return failure.exit_code;
}

}  // namespace stepwise::cli
