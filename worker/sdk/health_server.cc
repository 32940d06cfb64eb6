#include "worker/sdk/health_server.h"

#include <chrono>
#include <condition_variable>
#include <utility>

#include "absl/status/status.h"
#include "common/str_cat.h"
#include "grpc/grpc.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "grpcpp/server_context.h"

namespace stepwise::worker {
namespace internal {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;

// grpc.health.v1.Health for the overall status only. Watch streams block a
// server thread each and wake on every change, on Shutdown, or (checked
// every kCancelCheck) when the client goes away.
class HealthService final : public grpc::health::v1::Health::Service {
 public:
  void SetServing(bool serving) {
    std::lock_guard<std::mutex> lock(mu_);
    if (shut_down_) return;
    serving_ = serving;
    changed_.notify_all();
  }

  // NOT_SERVING for good; Watch streams send it (unless they just did) and end.
  void Shutdown() {
    std::lock_guard<std::mutex> lock(mu_);
    shut_down_ = true;
    serving_ = false;
    changed_.notify_all();
  }

  grpc::Status Check(grpc::ServerContext* /*context*/, const HealthCheckRequest* request,
                     HealthCheckResponse* response) override {
    if (!request->service().empty()) {
      return grpc::Status(grpc::StatusCode::NOT_FOUND,
                          StrCat("unknown service '", request->service(),
                                 "': this server reports only the overall status (\"\")"));
    }
    std::lock_guard<std::mutex> lock(mu_);
    response->set_status(serving_ ? HealthCheckResponse::SERVING
                                  : HealthCheckResponse::NOT_SERVING);
    return grpc::Status::OK;
  }

  grpc::Status Watch(grpc::ServerContext* context, const HealthCheckRequest* request,
                     grpc::ServerWriter<HealthCheckResponse>* writer) override {
    const bool known = request->service().empty();
    std::unique_lock<std::mutex> lock(mu_);
    bool sent_any = false;
    HealthCheckResponse::ServingStatus sent = HealthCheckResponse::UNKNOWN;
    while (true) {
      const HealthCheckResponse::ServingStatus now = !known ? HealthCheckResponse::SERVICE_UNKNOWN
                                                     : serving_ ? HealthCheckResponse::SERVING
                                                                : HealthCheckResponse::NOT_SERVING;
      // The first status, then only changes (as the protocol asks).
      if (!sent_any || now != sent) {
        sent_any = true;
        sent = now;
        HealthCheckResponse response;
        response.set_status(now);
        lock.unlock();
        const bool written = writer->Write(response);
        lock.lock();
        if (!written) return grpc::Status::OK;
        continue;  // The status may have changed while writing.
      }
      if (shut_down_) return grpc::Status::OK;
      if (context->IsCancelled()) return grpc::Status::CANCELLED;
      changed_.wait_for(lock, kCancelCheck);
    }
  }

 private:
  static constexpr std::chrono::milliseconds kCancelCheck{200};

  std::mutex mu_;
  std::condition_variable changed_;
  bool serving_ = true;
  bool shut_down_ = false;
};

}  // namespace internal

HealthServer::HealthServer() = default;

HealthServer::~HealthServer() { Shutdown(); }

absl::StatusOr<int> HealthServer::Start(const std::string& address) {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return absl::FailedPreconditionError("HealthServer::Start called twice");
  // gRPC would take a missing port as 443; HOST:PORT is the contract.
  const size_t colon = address.rfind(':');
  const std::string port_text = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (colon == 0 || port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port_text) > 65535) {
    return absl::InvalidArgumentError(
        StrCat("cannot serve health checks on '", address, "': expected HOST:PORT"));
  }
  auto service = std::make_unique<internal::HealthService>();
  grpc::ServerBuilder builder;
  int port = 0;
  // No SO_REUSEPORT: a port another process serves must be an error, not
  // a port shared with it (probes would reach either process).
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(service.get());
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  // gRPC reports a failed bind only as port 0 (and logs why on stderr).
  if (server == nullptr || port == 0) {
    if (server != nullptr) server->Shutdown();
    return absl::InvalidArgumentError(
        StrCat("cannot serve health checks on '", address,
               "': not a usable HOST:PORT (bad syntax, unknown host or port in use)"));
  }
  service_ = std::move(service);
  server_ = std::move(server);
  started_ = true;
  return port;
}

void HealthServer::SetServing(bool serving) {
  std::lock_guard<std::mutex> lock(mu_);
  if (server_ == nullptr) return;
  service_->SetServing(serving);
}

void HealthServer::Shutdown(absl::Duration grace) {
  std::unique_ptr<grpc::Server> server;
  {
    std::lock_guard<std::mutex> lock(mu_);
    server = std::move(server_);
  }
  if (server == nullptr) return;
  // Health first: watchers get NOT_SERVING and their streams end, so the
  // server's shutdown does not wait for them.
  service_->Shutdown();
  server->Shutdown(std::chrono::system_clock::now() + absl::ToChronoMilliseconds(grace));
  server->Wait();
}

}  // namespace stepwise::worker
