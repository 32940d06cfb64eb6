// HealthServer: a small gRPC server that serves only the standard
// grpc.health.v1.Health service (Check and Watch), so that a worker process,
// which otherwise serves nothing, can answer liveness/readiness probes
// (Kubernetes grpc probes, grpc_health_probe, load balancers).
//
//   stepwise::worker::HealthServer health;
//   absl::StatusOr<int> port = health.Start("0.0.0.0:7411");  // port 0: any free port
//   if (!port.ok()) { ... }
//   ...                         // SERVING while the worker runs
//   health.SetServing(false);   // as soon as shutdown starts
//   health.Shutdown();          // at exit (also done by the destructor)
//
// The service is its own (not gRPC's default health check service, which
// needs a process-wide switch and a server with other synchronous services).
// It answers for the overall status (service name ""); other service names
// get NOT_FOUND from Check and SERVICE_UNKNOWN from Watch.
//
// Thread-safety: all methods may be called from any thread.
#ifndef STEPWISE_WORKER_SDK_HEALTH_SERVER_H_
#define STEPWISE_WORKER_SDK_HEALTH_SERVER_H_

#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace grpc {
class Server;
}  // namespace grpc

namespace stepwise::worker::internal {
class HealthService;
}  // namespace stepwise::worker::internal

namespace stepwise::worker {

class HealthServer {
 public:
  HealthServer();
  ~HealthServer();  // Calls Shutdown().
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Listens on `address` (HOST:PORT; PORT 0 picks a free port) and serves
  // SERVING for the overall status (service name ""). Returns the
  // bound port. kInvalidArgument naming the address when gRPC cannot listen
  // there (bad syntax, port in use, unknown host); kFailedPrecondition when
  // already started. At most one Start per object.
  absl::StatusOr<int> Start(const std::string& address);

  // SERVING (true) or NOT_SERVING (false) from now on; Watch streams see the
  // change. No effect before Start or after Shutdown.
  void SetServing(bool serving);

  // NOT_SERVING for good (ends Watch streams), then stops the server, giving
  // calls in flight up to `grace`. Idempotent; no effect before Start.
  void Shutdown(absl::Duration grace = absl::Seconds(1));

 private:
  std::mutex mu_;
  std::unique_ptr<internal::HealthService> service_;  // Outlives server_.
  std::unique_ptr<grpc::Server> server_;              // Null before Start and after Shutdown.
  bool started_ = false;
};

}  // namespace stepwise::worker

#endif  // STEPWISE_WORKER_SDK_HEALTH_SERVER_H_
