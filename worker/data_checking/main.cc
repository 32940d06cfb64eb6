// data-checking: the workshop's Data Checking service as a Stepwise worker.
// Serves one task queue (default "DataChecking", the function name behind
// ${DataCheckingFunctionArn}) with HandleDataCheckingTask until SIGTERM/SIGINT.
//
//   data-checking --orchestrator localhost:7400
//   data-checking --orchestrator stepwise:7400 --queue DataChecking --concurrency 8
//   data-checking --orchestrator stepwise:7400 --health-listen 0.0.0.0:7411
//
// Prints "data-checking: polling queue Q at HOST:PORT" to stdout when it
// starts (after "data-checking: health on HOST:PORT" with --health-listen)
// and logs one line per task to stderr. The health service (grpc.health.v1)
// answers SERVING while the worker runs and NOT_SERVING from the moment
// shutdown starts.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "worker/data_checking/data_checking.h"
#include "worker/sdk/health_server.h"
#include "worker/sdk/worker.h"

namespace {

using stepwise::StrCat;

// Task inputs can be large; a log line shows the start.
std::string Shorten(std::string text) {
  constexpr size_t kMax = 200;
  if (text.size() > kMax) text = StrCat(text.substr(0, kMax), "...");
  return text;
}

void Log(std::string_view message) {
  const std::string now =
      absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone());
  // One fprintf per line: stdio locks the stream, so lines from concurrent
  // handlers do not interleave.
  std::fprintf(stderr, "%s data-checking: %.*s\n", now.c_str(), static_cast<int>(message.size()),
               message.data());
}

boost::json::value HandleAndLog(const stepwise::worker::Task& task) {
  const std::string where = StrCat("state '", task.state_name, "' of ", task.execution_arn,
                                   " (attempt ", task.attempt, ")");
  const std::string input = Shorten(boost::json::serialize(task.input));
  try {
    boost::json::value output = stepwise::data_checking::HandleDataCheckingTask(task.input);
    Log(StrCat(where, ": ", input, " -> ", boost::json::serialize(output)));
    return output;
  } catch (const stepwise::data_checking::UnprocessableDataException& e) {
    Log(StrCat(where, ": ", input, " -> UnprocessableDataException: ", Shorten(e.what())));
    throw;
  } catch (const stepwise::data_checking::InvalidInputException& e) {
    Log(StrCat(where, ": ", input, " -> InvalidInputException: ", Shorten(e.what())));
    throw;
  }
}

}  // namespace

int main(int argc, char** argv) {
  stepwise::worker::WorkerOptions options;
  std::string queue = "DataChecking";
  std::string health_listen;

  CLI::App app{"data-checking: the workshop's Data Checking worker (CHECK_NAME, CHECK_ADDRESS)"};
  app.add_option("--orchestrator", options.endpoint, "orchestrator gRPC address HOST:PORT")
      ->capture_default_str();
  app.add_option("--queue", queue,
                 "task queue to serve (the Lambda function name the state machine names)")
      ->capture_default_str();
  app.add_option("--concurrency", options.concurrency, "tasks handled at once")
      ->check(CLI::Range(1, 1024))
      ->capture_default_str();
  app.add_option("--identity", options.identity,
                 "worker name shown to operators (default host/pid)");
  app.add_option("--health-listen", health_listen,
                 "serve grpc.health.v1 on HOST:PORT (port 0: any free port; default off)");
  CLI11_PARSE(app, argc, argv);

  stepwise::worker::HealthServer health;
  if (!health_listen.empty()) {
    const absl::StatusOr<int> port = health.Start(health_listen);
    if (!port.ok()) {
      std::fprintf(stderr, "data-checking: --health-listen %s: %s\n", health_listen.c_str(),
                   std::string(port.status().message()).c_str());
      return 1;
    }
    const std::string host = health_listen.substr(0, health_listen.rfind(':'));
    std::printf("data-checking: health on %s:%d\n", host.c_str(), *port);
  }

  stepwise::worker::Worker worker(options);
  worker.Register(queue, HandleAndLog);
  stepwise::worker::InstallSignalHandlers(worker);
  std::printf("data-checking: polling queue %s at %s\n", queue.c_str(), options.endpoint.c_str());
  std::fflush(stdout);

  // NOT_SERVING as soon as shutdown starts (a signal calls worker.Shutdown()
  // on the SDK's thread), not only once the running tasks have finished.
  std::thread health_watcher([&worker, &health] {
    while (!worker.WaitForShutdown(absl::Hours(1))) {
    }
    health.SetServing(false);
  });
  const absl::Status status = worker.Run();
  worker.Shutdown();  // Run may also return with an error: release the watcher.
  health_watcher.join();
  health.Shutdown();
  const stepwise::worker::Worker::Stats stats = worker.stats();
  Log(StrCat("stopped after ", stats.tasks_succeeded, " tasks succeeded, ", stats.tasks_failed,
             " failed, ", stats.tasks_dropped, " dropped"));
  if (!status.ok()) {
    Log(StrCat("error: ", status.ToString()));
    return 1;
  }
  return 0;
}
