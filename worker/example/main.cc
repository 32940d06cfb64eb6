// stepwise-example-worker: serves the example handlers (echo, fail, sleep,
// add; see example_handlers.h) on task queues of a Stepwise orchestrator.
//
//   stepwise-example-worker --orchestrator localhost:7400 --queue echo
//       --queue Adder=add --concurrency 8
//
// SIGTERM / SIGINT stop polling and let running tasks finish.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "absl/time/time.h"
#include "worker/example/example_handlers.h"
#include "worker/sdk/worker.h"

namespace {

int Main(int argc, char** argv) {
  namespace sw = stepwise::worker;
  CLI::App app{
      "Serves the example task handlers (echo, fail, sleep, add) on Stepwise task queues."};
  sw::WorkerOptions options;
  app.add_option("--orchestrator", options.endpoint, "Orchestrator address, host:port")
      ->envname("STEPWISE_ENDPOINT")
      ->capture_default_str();
  std::vector<std::string> queues;
  app.add_option("--queue", queues,
                 "QUEUE (served by the handler of that name) or QUEUE=HANDLER; repeatable. "
                 "Default: echo, fail, sleep and add, each on the queue of its name");
  app.add_option("--concurrency", options.concurrency, "Tasks run at once")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_option("--identity", options.identity,
                 "Worker name shown to operators (default: <hostname>/pid-<pid>)");
  app.add_option("--poll-wait-seconds", options.poll_wait_seconds, "Long-poll wait")
      ->check(CLI::Range(0, 60))
      ->capture_default_str();
  double grace_seconds = 30;
  app.add_option("--shutdown-grace-seconds", grace_seconds,
                 "On SIGTERM, how long running tasks get to finish")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  options.shutdown_grace = absl::Seconds(grace_seconds);
  if (queues.empty()) queues = sw::example::HandlerNames();

  sw::Worker worker(options);
  for (const std::string& spec : queues) {
    const std::size_t equals = spec.find('=');
    const std::string queue = spec.substr(0, equals);
    const std::string handler = equals == std::string::npos ? spec : spec.substr(equals + 1);
    if (const absl::Status status = sw::example::RegisterExampleHandler(worker, queue, handler);
        !status.ok()) {
      std::fprintf(stderr, "stepwise-example-worker: --queue %s: %s\n", spec.c_str(),
                   std::string(status.message()).c_str());
      return 2;
    }
  }
  sw::InstallSignalHandlers(worker);
  const absl::Status status = worker.Run();
  if (!status.ok()) {
    std::fprintf(stderr, "stepwise-example-worker: %s\n", std::string(status.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return Main(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "stepwise-example-worker: %s\n", e.what());
    return 1;
  }
}
