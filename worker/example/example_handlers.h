// The example worker's handlers: small, predictable behaviours for tests and
// demos of the worker SDK.
//
//   echo   returns its input.
//   fail   throws ExampleFailure (message: the input's "message" string, if
//          any), so the task fails with error "ExampleFailure".
//   sleep  {"seconds": n}: waits n seconds, then returns its input; if the
//          worker shuts down meanwhile it stops and fails with
//          "SleepInterrupted" instead of holding up the shutdown.
//   add    {"a": x, "b": y} -> {"sum": x + y} (integers stay exact).
// Bad input (add without numbers, a negative sleep) fails with
// "InvalidInput" and a message naming the field.
//
//   stepwise::worker::Worker worker(options);
//   RETURN_IF_ERROR(RegisterExampleHandler(worker, "Adder", "add"));
#ifndef STEPWISE_WORKER_EXAMPLE_EXAMPLE_HANDLERS_H_
#define STEPWISE_WORKER_EXAMPLE_EXAMPLE_HANDLERS_H_

#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "boost/json/value.hpp"
#include "worker/sdk/worker.h"

namespace stepwise::worker::example {

// What "fail" throws; the SDK reports its unqualified type name as the error.
class ExampleFailure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

boost::json::value Echo(const Task& task);
boost::json::value Fail(const Task& task);
boost::json::value Add(const Task& task);
// `wait_for_shutdown(d)` blocks up to d and returns true when the worker is
// shutting down (Worker::WaitForShutdown).
boost::json::value Sleep(const Task& task,
                         const std::function<bool(absl::Duration)>& wait_for_shutdown);

// "echo", "fail", "sleep", "add".
std::vector<std::string> HandlerNames();

// Serves `queue` with the handler called `handler_name`. kInvalidArgument
// naming the known handlers when there is none by that name.
absl::Status RegisterExampleHandler(Worker& worker, const std::string& queue,
                                    std::string_view handler_name);

}  // namespace stepwise::worker::example

#endif  // STEPWISE_WORKER_EXAMPLE_EXAMPLE_HANDLERS_H_
