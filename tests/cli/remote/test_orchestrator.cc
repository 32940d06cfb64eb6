// stepwise_test_orchestrator: the States gRPC service over an in-memory
// store, on 127.0.0.1 at a free port, for the shell tests of the `stepwise`
// binary (roundtrip.sh). Prints the port on one line, then serves until it is
// killed, or for at most --lifetime seconds (default 120) so that it never
// outlives a test that died.
//
//   stepwise_test_orchestrator [--lifetime SECONDS] > port.txt &
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"
#include "orchestrator/service/execution_executor.h"
#include "orchestrator/service/states_grpc_service.h"
#include "orchestrator/service/states_service.h"
#include "orchestrator/service/system_clock.h"
#include "persistence/memory/memory_store.h"

int main(int argc, char** argv) {
  unsigned lifetime_seconds = 120;
  if (argc == 3 && std::string_view(argv[1]) == "--lifetime") {
    lifetime_seconds = static_cast<unsigned>(std::atoi(argv[2]));
  } else if (argc != 1) {
    std::cerr << "usage: stepwise_test_orchestrator [--lifetime SECONDS]\n";
    return 2;
  }
  // SIGALRM's default action ends the process.
  ::alarm(lifetime_seconds);

  stepwise::persistence::MemoryStore store;
  stepwise::service::SystemClock clock;
  stepwise::service::ExecutionExecutor executor(store, clock);
  stepwise::service::StatesService service(store, executor, clock);
  stepwise::service::StatesGrpcService grpc_service(service);

  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&grpc_service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (server == nullptr || port == 0) {
    std::cerr << "stepwise_test_orchestrator: cannot listen on 127.0.0.1\n";
    return 1;
  }
  std::cout << port << std::endl;
  server->Wait();
  return 0;
}
