// The fixture of the Worker-service tests (poll_withdrawal_test,
// complete_and_poll_test): an in-process DispatchServer on a memory store
// and a FakeClock, with a one-Task machine whose task goes to queue
// "greeter".
#ifndef STEPWISE_TESTS_UNIT_DISPATCH_GREETER_FIXTURE_H_
#define STEPWISE_TESTS_UNIT_DISPATCH_GREETER_FIXTURE_H_

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch::testing {

inline constexpr char kGreeterMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter",
              "End": true}
  }
})";

class GreeterServerTest : public ::testing::Test {
 protected:
  GreeterServerTest() {
    server_ = std::make_unique<DispatchServer>(store_, clock_, TaskDispatcherOptions{},
                                               service::testing::CountingEntropy());
    greeter_ = service::testing::CreateMachine(store_, clock_.Now(), "greeter", kGreeterMachine);
  }

  // Starts an execution of the greeter machine; its arn.
  std::string StartExecution() {
    absl::StatusOr<std::string> arn =
        server_->executor->StartExecution(greeter_, StrCat("run-", ++runs_), "{}");
    EXPECT_THAT(arn, ::stepwise::testing::IsOk());
    return arn.ok() ? *arn : "";
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  std::unique_ptr<DispatchServer> server_;
  std::string greeter_;
  int runs_ = 0;
};

}  // namespace stepwise::dispatch::testing

#endif  // STEPWISE_TESTS_UNIT_DISPATCH_GREETER_FIXTURE_H_
