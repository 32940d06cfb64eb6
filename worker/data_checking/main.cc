// data-checking: the workshop's Data Checking service as a Stepwise worker.
// Serves one task queue (default "DataChecking", the function name behind
// ${DataCheckingFunctionArn}) with HandleDataCheckingTask until SIGTERM/SIGINT.
//
//   data-checking --orchestrator localhost:7400
//   data-checking --orchestrator stepwise:7400 --queue DataChecking --concurrency 8
//
// Prints "data-checking: polling queue Q at HOST:PORT" to stdout when it
// starts and logs one line per task to stderr.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>

#include "CLI/CLI.hpp"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "worker/data_checking/data_checking.h"
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
  CLI11_PARSE(app, argc, argv);

  stepwise::worker::Worker worker(options);
  worker.Register(queue, HandleAndLog);
  stepwise::worker::InstallSignalHandlers(worker);
  std::printf("data-checking: polling queue %s at %s\n", queue.c_str(), options.endpoint.c_str());
  std::fflush(stdout);

  const absl::Status status = worker.Run();
  const stepwise::worker::Worker::Stats stats = worker.stats();
  Log(StrCat("stopped after ", stats.tasks_succeeded, " tasks succeeded, ", stats.tasks_failed,
             " failed, ", stats.tasks_dropped, " dropped"));
  if (!status.ok()) {
    Log(StrCat("error: ", status.ToString()));
    return 1;
  }
  return 0;
}
