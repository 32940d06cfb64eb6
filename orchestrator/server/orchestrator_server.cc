#include "orchestrator/server/orchestrator_server.h"

#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/dispatch/timer_loop.h"
#include "orchestrator/dispatch/worker_grpc_service.h"
#include "orchestrator/server/commit_fanout.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/execution_waiter.h"
#include "orchestrator/service/states_grpc_service.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/system_clock.h"
#include "persistence/embedded/embedded_postgres.h"
#include "persistence/postgres/postgres_store.h"
#include "persistence/postgres/task_listener.h"

namespace stepwise::server {
namespace {

constexpr std::string_view kDatabaseName = "stepwise";

std::string DefaultReplicaId() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return StrCat(host[0] != '\0' ? host : "replica", "/pid-", getpid());
}

// "host:port" -> host; kInvalidArgument when there is no numeric port.
absl::StatusOr<std::string> ListenHost(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size() ||
      listen.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return absl::InvalidArgumentError(
        StrCat("--listen '", listen, "' is not HOST:PORT (e.g. localhost:7400)"));
  }
  return listen.substr(0, colon);
}

}  // namespace

struct OrchestratorServer::Parts {
  OrchestratorOptions options;
  std::string database_url;
  std::string host;
  int port = 0;

  std::unique_ptr<persistence::EmbeddedPostgres> embedded;
  std::unique_ptr<persistence::PostgresStore> store;
  service::SystemClock clock;
  CommitFanout fanout;
  std::unique_ptr<service::ExecutionExecutor> executor;
  // React to this replica's commits (through `fanout`) and other replicas'
  // (through `listener` and their own polling).
  std::unique_ptr<service::ExecutionWaiter> waiter;
  std::unique_ptr<dispatch::TimerLoop> timer_loop;
  std::unique_ptr<dispatch::TaskDispatcher> dispatcher;
  std::unique_ptr<persistence::TaskListener> listener;
  std::unique_ptr<service::StatesService> states;
  std::unique_ptr<service::StatesGrpcService> states_grpc;
  std::unique_ptr<dispatch::WorkerGrpcService> worker_grpc;
  std::unique_ptr<grpc::Server> server;

  std::mutex mu;
  std::condition_variable done_cv;
  bool shutting_down = false;
  bool done = false;
};

absl::StatusOr<std::unique_ptr<OrchestratorServer>> OrchestratorServer::Start(
    const OrchestratorOptions& options) {
  auto parts = std::make_unique<Parts>();
  parts->options = options;
  if (parts->options.replica_id.empty()) parts->options.replica_id = DefaultReplicaId();
  ASSIGN_OR_RETURN(parts->host, ListenHost(options.listen));
  if (options.task_lease_seconds < 3) {
    return absl::InvalidArgumentError(
        StrCat("--task-lease-seconds must be at least 3, got ", options.task_lease_seconds));
  }
  if (options.timer_lease_seconds < 1) {
    return absl::InvalidArgumentError(
        StrCat("--timer-lease-seconds must be at least 1, got ", options.timer_lease_seconds));
  }

  // Storage first: nothing is served before the schema is current.
  parts->database_url = options.database_url;
  if (parts->database_url.empty()) {
    persistence::EmbeddedPostgresOptions embedded;
    embedded.data_dir = options.data_dir;
    embedded.fast_unsafe = options.embedded_fast_unsafe;
    embedded.template_dir = options.embedded_template_dir;
    absl::StatusOr<std::unique_ptr<persistence::EmbeddedPostgres>> started =
        persistence::EmbeddedPostgres::Start(embedded);
    if (!started.ok()) {
      return absl::Status(started.status().code(),
                          StrCat("starting the embedded PostgreSQL under '", options.data_dir,
                                 "': ", std::string(started.status().message())));
    }
    parts->embedded = *std::move(started);
    absl::Status created = parts->embedded->CreateDatabase(kDatabaseName);
    if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) return created;
    parts->database_url = parts->embedded->ConnectionUrl(kDatabaseName);
  }
  persistence::PostgresStoreOptions store_options;
  store_options.url = parts->database_url;
  if (options.max_connections > 0) store_options.max_connections = options.max_connections;
  store_options.max_commit_batch = options.max_commit_batch;
  absl::StatusOr<std::unique_ptr<persistence::PostgresStore>> store =
      persistence::PostgresStore::Connect(store_options);
  if (!store.ok()) {
    return absl::Status(store.status().code(), StrCat("connecting to PostgreSQL: ",
                                                      std::string(store.status().message())));
  }
  parts->store = *std::move(store);

  service::ExecutorOptions executor_options;
  executor_options.region = options.region;
  executor_options.account = options.account;
  executor_options.observer = &parts->fanout;
  // As AWS: a Task on an activity that was never created fails (States.Runtime).
  executor_options.check_activities = true;
  parts->executor = std::make_unique<service::ExecutionExecutor>(
      *parts->store, parts->clock, /*entropy=*/nullptr, executor_options);
  parts->waiter = std::make_unique<service::ExecutionWaiter>(*parts->store);
  dispatch::TimerLoopOptions timer_options;
  timer_options.owner = parts->options.replica_id;
  timer_options.lease = absl::Seconds(options.timer_lease_seconds);
  parts->timer_loop = std::make_unique<dispatch::TimerLoop>(*parts->store, *parts->executor,
                                                            parts->clock, timer_options);
  dispatch::TaskDispatcherOptions dispatcher_options;
  dispatcher_options.task_lease = absl::Seconds(options.task_lease_seconds);
  parts->dispatcher = std::make_unique<dispatch::TaskDispatcher>(*parts->store, *parts->executor,
                                                                 parts->clock, dispatcher_options);
  // Before anything can commit: every commit from now on reaches them all.
  for (service::CommitObserver* observer : options.commit_observers) {
    parts->fanout.Add(observer);
  }
  parts->fanout.Add(parts->waiter.get());
  parts->fanout.Add(parts->timer_loop.get());
  parts->fanout.Add(parts->dispatcher.get());

  service::StatesServiceOptions states_options;
  states_options.region = options.region;
  states_options.account = options.account;
  parts->states = std::make_unique<service::StatesService>(
      *parts->store, *parts->executor, parts->clock, states_options, parts->waiter.get());
  parts->states_grpc =
      std::make_unique<service::StatesGrpcService>(*parts->states, parts->dispatcher.get());
  dispatch::WorkerGrpcServiceOptions worker_options;
  worker_options.complete = dispatch::CompleteThroughStates(*parts->states);
  parts->worker_grpc =
      std::make_unique<dispatch::WorkerGrpcService>(*parts->dispatcher, std::move(worker_options));

  persistence::TaskListenerOptions listener_options;
  listener_options.url = parts->database_url;
  dispatch::TaskDispatcher* dispatcher = parts->dispatcher.get();
  listener_options.on_notify = [dispatcher](std::string_view queue) {
    dispatcher->NotifyQueue(queue);
  };
  listener_options.on_resync = [dispatcher] { dispatcher->SweepAll(); };
  parts->listener = std::make_unique<persistence::TaskListener>(std::move(listener_options));
  parts->dispatcher->Start();
  RETURN_IF_ERROR(parts->timer_loop->Start());
  RETURN_IF_ERROR(parts->listener->Start());

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  // Debian builds Abseil without NDEBUG, which leaves absl::Mutex's deadlock
  // detection on: a graph update on every lock of gRPC's internal mutexes.
  // Stepwise's own code uses std::mutex; nothing here relies on the check.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  grpc::ServerBuilder builder;
  // gRPC's synchronous server lets a thread that finished a call exit when
  // MAX_POLLERS others are already polling (default 2), so under concurrent
  // calls it creates and destroys a thread per call. Keep enough pollers for
  // the calls in flight; idle ones just wait on the completion queue.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.max_grpc_pollers);
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(), &parts->port);
  builder.RegisterService(parts->states_grpc.get());
  builder.RegisterService(parts->worker_grpc.get());
  parts->server = builder.BuildAndStart();
  if (parts->server == nullptr || parts->port == 0) {
    return absl::UnavailableError(
        StrCat("cannot listen on '", options.listen, "' (address in use or not local?)"));
  }
  parts->server->GetHealthCheckService()->SetServingStatus(true);
  return std::unique_ptr<OrchestratorServer>(new OrchestratorServer(std::move(parts)));
}

OrchestratorServer::OrchestratorServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

OrchestratorServer::~OrchestratorServer() { Shutdown(); }

int OrchestratorServer::port() const { return parts_->port; }

std::string OrchestratorServer::endpoint() const {
  const std::string& host = parts_->host;
  const bool wildcard = host.empty() || host == "0.0.0.0" || host == "[::]" || host == "::";
  return StrCat(wildcard ? "localhost" : host, ":", parts_->port);
}

std::string OrchestratorServer::database_url() const { return parts_->database_url; }

void OrchestratorServer::Shutdown(absl::Duration grace) {
  {
    std::unique_lock<std::mutex> lock(parts_->mu);
    if (parts_->shutting_down) {
      parts_->done_cv.wait(lock, [&] { return parts_->done; });
      return;
    }
    parts_->shutting_down = true;
  }
  // Health first, so load balancers stop sending calls while we drain.
  parts_->server->GetHealthCheckService()->SetServingStatus(false);
  // Waiting polls answer empty now, so they do not hold the drain up.
  parts_->dispatcher->Shutdown();
  parts_->server->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  parts_->server->Wait();
  parts_->listener->Stop();
  parts_->timer_loop->Stop();
  parts_->worker_grpc.reset();
  parts_->states_grpc.reset();
  parts_->states.reset();
  parts_->listener.reset();
  parts_->dispatcher.reset();
  parts_->timer_loop.reset();
  parts_->waiter.reset();
  parts_->executor.reset();
  parts_->store.reset();
  if (parts_->embedded != nullptr) {
    absl::Status stopped = parts_->embedded->Stop();
    if (!stopped.ok()) {
      std::fprintf(stderr, "stepwise-orchestrator: stopping the embedded PostgreSQL: %s\n",
                   std::string(stopped.message()).c_str());
    }
    parts_->embedded.reset();
  }
  std::lock_guard<std::mutex> lock(parts_->mu);
  parts_->done = true;
  parts_->done_cv.notify_all();
}

void OrchestratorServer::Wait() {
  std::unique_lock<std::mutex> lock(parts_->mu);
  parts_->done_cv.wait(lock, [&] { return parts_->done; });
}

}  // namespace stepwise::server
