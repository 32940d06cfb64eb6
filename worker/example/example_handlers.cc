#include "worker/example/example_handlers.h"

#include <cmath>
#include <cstdint>
#include <optional>
#include <utility>

#include "boost/json/serialize.hpp"
#include "common/str_cat.h"

namespace stepwise::worker::example {
namespace {

constexpr double kMaxSleepSeconds = 24 * 3600;

[[noreturn]] void InvalidInput(std::string message) {
  throw TaskFailure("InvalidInput", std::move(message));
}

const boost::json::value& NumberField(const Task& task, std::string_view handler,
                                      std::string_view field) {
  const boost::json::object* object = task.input.if_object();
  const boost::json::value* value = object != nullptr ? object->if_contains(field) : nullptr;
  if (value == nullptr || !value->is_number()) {
    InvalidInput(StrCat(handler, " needs a number in field \"", field, "\"; the input is ",
                        boost::json::serialize(task.input)));
  }
  return *value;
}

// a + b exactly, as int64 or else uint64; nullopt when neither holds it.
// (GCC's checked addition takes mixed operand types.)
template <typename A, typename B>
std::optional<boost::json::value> ExactSum(A a, B b) {
  std::int64_t as_signed = 0;
  if (!__builtin_add_overflow(a, b, &as_signed)) return boost::json::value(as_signed);
  std::uint64_t as_unsigned = 0;
  if (!__builtin_add_overflow(a, b, &as_unsigned)) return boost::json::value(as_unsigned);
  return std::nullopt;
}

template <typename A>
std::optional<boost::json::value> ExactSum(A a, const boost::json::value& b) {
  if (b.is_int64()) return ExactSum(a, b.get_int64());
  if (b.is_uint64()) return ExactSum(a, b.get_uint64());
  return std::nullopt;
}

std::optional<boost::json::value> ExactSum(const boost::json::value& a,
                                           const boost::json::value& b) {
  if (a.is_int64()) return ExactSum(a.get_int64(), b);
  if (a.is_uint64()) return ExactSum(a.get_uint64(), b);
  return std::nullopt;
}

}  // namespace

boost::json::value Echo(const Task& task) { return task.input; }

boost::json::value Fail(const Task& task) {
  const boost::json::object* object = task.input.if_object();
  const boost::json::value* message = object != nullptr ? object->if_contains("message") : nullptr;
  if (message != nullptr && message->is_string()) {
    throw ExampleFailure(std::string(message->get_string()));
  }
  throw ExampleFailure("the fail handler always fails");
}

boost::json::value Add(const Task& task) {
  const boost::json::value& a = NumberField(task, "add", "a");
  const boost::json::value& b = NumberField(task, "add", "b");
  if (std::optional<boost::json::value> sum = ExactSum(a, b)) return {{"sum", *std::move(sum)}};
  return {{"sum", a.to_number<double>() + b.to_number<double>()}};
}

boost::json::value Sleep(const Task& task,
                         const std::function<bool(absl::Duration)>& wait_for_shutdown) {
  const double seconds = NumberField(task, "sleep", "seconds").to_number<double>();
  if (!(seconds >= 0 && seconds <= kMaxSleepSeconds)) {
    InvalidInput(StrCat("sleep needs \"seconds\" from 0 to ", kMaxSleepSeconds, ", got ", seconds));
  }
  if (wait_for_shutdown(absl::Seconds(seconds))) {
    throw TaskFailure(
        "SleepInterrupted",
        StrCat("the worker is shutting down; stopped sleeping before ", seconds, " s had passed"));
  }
  return task.input;
}

std::vector<std::string> HandlerNames() { return {"echo", "fail", "sleep", "add"}; }

absl::Status RegisterExampleHandler(Worker& worker, const std::string& queue,
                                    std::string_view handler_name) {
  if (handler_name == "echo") {
    worker.Register(queue, &Echo);
  } else if (handler_name == "fail") {
    worker.Register(queue, &Fail);
  } else if (handler_name == "add") {
    worker.Register(queue, &Add);
  } else if (handler_name == "sleep") {
    worker.Register(queue, [&worker](const Task& task) {
      return Sleep(task, [&worker](absl::Duration d) { return worker.WaitForShutdown(d); });
    });
  } else {
    return absl::InvalidArgumentError(StrCat("unknown handler '", handler_name, "' for queue '",
                                             queue,
                                             "'; known handlers: ", StrJoin(HandlerNames(), ", ")));
  }
  return absl::OkStatus();
}

}  // namespace stepwise::worker::example
