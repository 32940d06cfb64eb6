// DispatcherTest: a TaskDispatcher driven directly (no gRPC) over a
// GatedStore (gated_store.h), an ExecutionExecutor whose commits reach the
// dispatcher, and a FakeClock. Only commits and polls trigger claims (no
// periodic sweep), so every claim a test sees is one it caused.
//
//   class MyTest : public DispatcherTest {};
//   TEST_F(MyTest, Delivers) {
//     const std::string machine = CreateMachine("greeter", kDefinition);
//     PollAnswer& answer = NewAnswer();
//     Poll(answer);  // Queue "greeter", a PollTask-like poll.
//     ASSERT_THAT(Start(machine), IsOk());
//     ASSERT_TRUE(answer.Wait());
//   }
#ifndef STEPWISE_TESTS_UNIT_DISPATCH_DISPATCHER_FIXTURE_H_
#define STEPWISE_TESTS_UNIT_DISPATCH_DISPATCHER_FIXTURE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/service/execution_executor.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/dispatch/gated_store.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch::testing {

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    service::ExecutorOptions executor_options;
    executor_options.observer = &observer_;
    executor_ = std::make_unique<service::ExecutionExecutor>(
        store_, clock_, service::testing::CountingEntropy(), executor_options);
    TaskDispatcherOptions options;
    options.sweep_interval = absl::Hours(1);  // Only commits and polls trigger claims.
    dispatcher_ = std::make_unique<TaskDispatcher>(store_, *executor_, clock_, options);
    observer_.target = dispatcher_.get();
    dispatcher_->Start();
  }
  ~DispatcherTest() override { dispatcher_->Shutdown(); }

  // A state machine `name` (stored with the fake clock's time); its ARN.
  std::string CreateMachine(std::string_view name, std::string_view definition) {
    return service::testing::CreateMachine(store_, clock_.Now(), name, definition);
  }

  // Opens a poll of `queue`: PollTask-like when `worker_heartbeats`, else
  // GetActivityTask-like. With `await_claim`, waits until the claim its
  // arrival started came back (empty, when the queue has nothing PENDING),
  // so later claims are attributable; without, returns at once (for a claim
  // held at store_.claim_gate).
  PollId Poll(PollAnswer& answer, const std::string& worker = "worker-1",
              bool worker_heartbeats = true, bool await_claim = true,
              const std::string& queue = "greeter", const std::string& key = "") {
    const int64_t claims_before = dispatcher_->stats().claims;
    PollRequest request;
    request.queue = queue;
    request.key = key;
    request.worker_name = worker;
    request.worker_heartbeats = worker_heartbeats;
    absl::StatusOr<PollId> id = dispatcher_->Poll(request, answer.Callback());
    EXPECT_THAT(id, ::stepwise::testing::IsOk());
    if (await_claim) {
      EXPECT_TRUE(AwaitTrue([&] { return dispatcher_->stats().claims > claims_before; }));
    }
    return id.ok() ? *id : 0;
  }

  // Outlives the dispatcher (whose Shutdown answers open polls).
  PollAnswer& NewAnswer() { return *answers_.emplace_back(std::make_unique<PollAnswer>()); }

  absl::StatusOr<std::string> Start(const std::string& machine) {
    return executor_->StartExecution(machine, StrCat("run-", ++runs_), "{}");
  }

  std::vector<std::unique_ptr<PollAnswer>> answers_;
  GatedStore store_;
  FakeClock clock_;
  ForwardingObserver observer_;
  std::unique_ptr<service::ExecutionExecutor> executor_;
  std::unique_ptr<TaskDispatcher> dispatcher_;
  int runs_ = 0;
};

}  // namespace stepwise::dispatch::testing

#endif  // STEPWISE_TESTS_UNIT_DISPATCH_DISPATCHER_FIXTURE_H_
