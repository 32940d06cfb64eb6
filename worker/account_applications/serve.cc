#include "worker/account_applications/serve.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "worker/account_applications/applications_service.h"
#include "worker/account_applications/grpc_service.h"
#include "worker/account_applications/migrations.h"
#include "worker/account_applications/postgres_application_store.h"
#include "worker/account_applications/task_handlers.h"

namespace stepwise::account_applications {
namespace {

void Log(std::string_view message) {
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  // One fprintf per line: stdio locks the stream, so concurrent lines stay whole.
  std::fprintf(stderr, "%s account-applications: %.*s\n", now.c_str(),
               static_cast<int>(message.size()), message.data());
}

std::string Shorten(std::string text) {
  constexpr size_t kMax = 300;
  if (text.size() > kMax) text = StrCat(text.substr(0, kMax), "...");
  return text;
}

// Runs `method` of the handlers for one task and logs what it did.
worker::Handler Logged(
    std::string_view what, ApplicationTaskHandlers& handlers,
    boost::json::value (ApplicationTaskHandlers::*method)(const boost::json::value&)) {
  return [what = std::string(what), &handlers, method](const worker::Task& task) {
    const std::string where =
        StrCat(what, " (", task.execution_arn, ", attempt ", task.attempt, ")");
    const std::string input = Shorten(boost::json::serialize(task.input));
    try {
      boost::json::value output = (handlers.*method)(task.input);
      Log(StrCat(where, ": ", input, " -> ", Shorten(boost::json::serialize(output))));
      return output;
    } catch (const std::exception& e) {
      Log(StrCat(where, ": ", input, " -> failed: ", Shorten(e.what())));
      throw;
    }
  };
}

// SIGTERM/SIGINT are blocked in every thread (set before any starts) and
// taken by sigwait in Serve, so shutdown runs as ordinary code.
sigset_t TerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

}  // namespace

void Serve(const ServeOptions& options) {
  worker::WorkerOptions worker_options = options.worker;
  worker_options.shutdown_grace = absl::Seconds(options.grace_seconds);
  const std::string& listen = options.listen;
  const std::string& database_url = options.database_url;
  const std::string& flag_queue = options.flag_queue;
  const std::string& approve_queue = options.approve_queue;
  const std::string& reject_queue = options.reject_queue;
  const int grace_seconds = options.grace_seconds;

  const sigset_t signals = TerminationSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  absl::StatusOr<int> migrated = MigrateAccountApplications(database_url);
  if (!migrated.ok()) {
    Log(StrCat("cannot migrate the database: ", migrated.status().ToString()));
    std::exit(1);
  }
  if (*migrated > 0) Log(StrCat("applied ", *migrated, " schema migration(s)"));

  PostgresApplicationStore store(database_url, options.max_connections);
  std::unique_ptr<stepwise::v1::States::Stub> states = stepwise::v1::States::NewStub(
      grpc::CreateChannel(worker_options.endpoint, grpc::InsecureChannelCredentials()));
  ApplicationsService service(store, *states, {.state_machine_arn = options.state_machine_arn});
  AccountApplicationsGrpcService grpc_service(service);

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&grpc_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    Log(StrCat("cannot listen on ", listen));
    std::exit(1);
  }

  ApplicationTaskHandlers handlers(store);
  worker::Worker task_worker(worker_options);
  task_worker.Register(flag_queue, Logged("flag", handlers, &ApplicationTaskHandlers::Flag));
  task_worker.Register(approve_queue,
                       Logged("approve", handlers, &ApplicationTaskHandlers::Approve));
  task_worker.Register(reject_queue, Logged("reject", handlers, &ApplicationTaskHandlers::Reject));
  absl::Status worker_status;
  std::thread worker_thread([&] { worker_status = task_worker.Run(); });

  const std::string host = listen.substr(0, listen.rfind(':'));
  std::printf("account-applications: serving on %s:%d, tasks of %s, %s, %s from %s\n", host.c_str(),
              port, flag_queue.c_str(), approve_queue.c_str(), reject_queue.c_str(),
              worker_options.endpoint.c_str());
  std::fflush(stdout);

  int received = 0;
  sigwait(&signals, &received);
  Log(StrCat(received == SIGINT ? "SIGINT" : "SIGTERM", " received, shutting down"));
  // Health first, so load balancers stop sending calls; then no new tasks,
  // and calls and tasks in flight get the grace period.
  server->GetHealthCheckService()->Shutdown();
  task_worker.Shutdown();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(grace_seconds));
  worker_thread.join();
  const worker::Worker::Stats stats = task_worker.stats();
  Log(StrCat("stopped after ", stats.tasks_succeeded, " tasks succeeded, ", stats.tasks_failed,
             " failed, ", stats.tasks_dropped, " dropped"));
  int exit_code = 0;
  if (!worker_status.ok()) {
    Log(StrCat("worker error: ", worker_status.ToString()));
    exit_code = 1;
  }
  // A handler still running after the grace period keeps running on its own
  // thread and uses `store`; destroying it under that handler would be
  // worse than leaving without destructors (the database sees a closed
  // connection either way).
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(exit_code);
}

}  // namespace stepwise::account_applications
