// The example worker's handlers, called directly.
#include "worker/example/example_handlers.h"

#include <cstdint>
#include <limits>

#include "boost/json.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::worker::example {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;

Task WithInput(const std::string& json) {
  Task task;
  task.input = boost::json::parse(json);
  return task;
}

// The error name of the TaskFailure `call` throws ("" when none).
template <typename Call>
std::string FailureName(Call call) {
  try {
    call();
  } catch (const TaskFailure& e) {
    return e.error();
  }
  return "";
}

TEST(ExampleHandlersTest, EchoReturnsItsInput) {
  EXPECT_EQ(Echo(WithInput(R"({"a":[1,{"b":null}]})")),
            boost::json::parse(R"({"a":[1,{"b":null}]})"));
}

TEST(ExampleHandlersTest, AddKeepsIntegersExact) {
  EXPECT_EQ(Add(WithInput(R"({"a":2,"b":40})")), boost::json::parse(R"({"sum":42})"));
  EXPECT_EQ(Add(WithInput(R"({"a":1.5,"b":2})")), boost::json::parse(R"({"sum":3.5})"));
  const boost::json::value big = Add(WithInput(R"({"a":9223372036854775807,"b":1})"));
  EXPECT_EQ(big.at("sum").as_uint64(), std::uint64_t{9223372036854775808u});
  const boost::json::value almost = Add(WithInput(R"({"a":18446744073709551615,"b":-1})"));
  EXPECT_EQ(almost.at("sum").as_uint64(), std::uint64_t{18446744073709551614u});
  EXPECT_EQ(Add(WithInput(R"({"a":-5,"b":3})")), boost::json::parse(R"({"sum":-2})"));
  EXPECT_TRUE(Add(WithInput(R"({"a":18446744073709551615,"b":18446744073709551615})"))
                  .at("sum")
                  .is_double());
}

TEST(ExampleHandlersTest, AddWithoutNumbersFailsNamingTheField) {
  EXPECT_EQ(FailureName([] { Add(WithInput(R"({"a":1})")); }), "InvalidInput");
  EXPECT_EQ(FailureName([] { Add(WithInput(R"({"a":1,"b":"2"})")); }), "InvalidInput");
  EXPECT_EQ(FailureName([] { Add(WithInput(R"([1,2])")); }), "InvalidInput");
  try {
    Add(WithInput(R"({"a":1})"));
    FAIL() << "expected TaskFailure";
  } catch (const TaskFailure& e) {
    EXPECT_THAT(e.what(), ::testing::HasSubstr("\"b\""));
  }
}

TEST(ExampleHandlersTest, FailThrowsExampleFailure) {
  EXPECT_THROW(Fail(WithInput("{}")), ExampleFailure);
  try {
    Fail(WithInput(R"({"message":"as asked"})"));
  } catch (const ExampleFailure& e) {
    EXPECT_STREQ(e.what(), "as asked");
  }
}

TEST(ExampleHandlersTest, SleepWaitsAndStopsOnShutdown) {
  absl::Duration asked;
  const boost::json::value out = Sleep(WithInput(R"({"seconds":0.25})"), [&](absl::Duration d) {
    asked = d;
    return false;  // Not interrupted.
  });
  EXPECT_EQ(asked, absl::Milliseconds(250));
  EXPECT_EQ(out, boost::json::parse(R"({"seconds":0.25})"));
  EXPECT_EQ(FailureName(
                [] { Sleep(WithInput(R"({"seconds":5})"), [](absl::Duration) { return true; }); }),
            "SleepInterrupted");
  EXPECT_EQ(FailureName([] {
              Sleep(WithInput(R"({"seconds":-1})"), [](absl::Duration) { return false; });
            }),
            "InvalidInput");
}

TEST(ExampleHandlersTest, RegisterKnowsTheHandlerNames) {
  WorkerOptions options;
  options.endpoint = "127.0.0.1:1";
  Worker worker(options);
  for (const std::string& name : HandlerNames()) {
    EXPECT_THAT(RegisterExampleHandler(worker, "q-" + name, name), IsOk());
  }
  EXPECT_THAT(RegisterExampleHandler(worker, "q", "nope"),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace stepwise::worker::example
