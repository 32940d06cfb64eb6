// SharedJsonValue: an immutable JSON value shared by reference count.
//
// The execution input is written once and then only read ($$.Execution.Input,
// the first state's input, a redrive from the start). The caller, the start
// event and the execution state hold the one value instead of a copy each:
// `stepwise run` and the benchmarks start many executions from one input.
//
//   SharedJsonValue input = boost::json::parse(text);  // Owns the value.
//   interpreter.Apply({}, Event{now, entropy, StartExecution{info, input}});
//   const boost::json::value& v = input.get();         // Never changes.
//
// Copying shares; there is no way to change the value in place. A
// default-constructed one is JSON null. Thread-safe as std::shared_ptr is.
#ifndef STEPWISE_ORCHESTRATOR_ENGINE_SHARED_JSON_VALUE_H_
#define STEPWISE_ORCHESTRATOR_ENGINE_SHARED_JSON_VALUE_H_

#include <concepts>
#include <memory>
#include <utility>

#include "boost/json/value.hpp"

namespace stepwise::engine {

class SharedJsonValue {
 public:
  SharedJsonValue() = default;
  // Implicit, so that a value (or anything a boost::json::value is made of)
  // converts as it did when inputs were plain values.
  template <typename T>
  requires(!std::same_as<std::decay_t<T>, SharedJsonValue> &&
           std::constructible_from<boost::json::value, T&&>)
      SharedJsonValue(T&& value)  // NOLINT(google-explicit-constructor)
      : value_(std::make_shared<const boost::json::value>(std::forward<T>(value))) {}

  const boost::json::value& get() const { return value_ ? *value_ : Null(); }
  operator const boost::json::value&() const { return get(); }  // NOLINT
  const boost::json::value* operator->() const { return &get(); }

  friend bool operator==(const SharedJsonValue& a, const SharedJsonValue& b) {
    return a.value_ == b.value_ || a.get() == b.get();
  }

 private:
  static const boost::json::value& Null() {
    static const boost::json::value* const kNull = new boost::json::value();
    return *kNull;
  }

  std::shared_ptr<const boost::json::value> value_;
};

}  // namespace stepwise::engine

#endif  // STEPWISE_ORCHESTRATOR_ENGINE_SHARED_JSON_VALUE_H_
