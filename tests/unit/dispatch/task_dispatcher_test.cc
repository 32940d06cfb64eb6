// TaskDispatcher behind Worker.PollTask and States.GetActivityTask, over an
// in-process gRPC server, the memory store and a FakeClock (store time);
// waits are real but short, and every wait for an outcome has a deadline.
#include "orchestrator/dispatch/task_dispatcher.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/memory/memory_store.h"
#include "persistence/store_rules.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::ExceptionName;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::dispatch::testing::ProcessThreads;
using ::stepwise::testing::IsOk;

constexpr char kGreeterArn[] = "arn:aws:lambda:us-east-1:123456789012:function:greeter";
constexpr char kGreeterMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {
      "Type": "Task",
      "Resource": "arn:aws:lambda:us-east-1:123456789012:function:greeter",
      "HeartbeatSeconds": 30,
      "TimeoutSeconds": 300,
      "End": true
    }
  }
})";
constexpr char kActivityArn[] = "arn:aws:states:us-east-1:123456789012:activity:approve";
constexpr char kActivityMachine[] = R"({
  "StartAt": "Approve",
  "States": {
    "Approve": {
      "Type": "Task",
      "Resource": "arn:aws:states:us-east-1:123456789012:activity:approve",
      "End": true
    }
  }
})";

class TaskDispatcherTest : public ::testing::Test {
 protected:
  void StartServer(TaskDispatcherOptions options = {}) {
    server_ = std::make_unique<DispatchServer>(store_, clock_, std::move(options),
                                               service::testing::CountingEntropy());
    greeter_ = service::testing::CreateMachine(store_, clock_.Now(), "greeter", kGreeterMachine);
    approve_ = service::testing::CreateMachine(store_, clock_.Now(), "approve", kActivityMachine);
  }

  // Starts an execution of `machine`; returns its ARN.
  std::string Start(const std::string& machine, const std::string& input = R"({"who":"ada"})") {
    absl::StatusOr<std::string> arn =
        server_->executor->StartExecution(machine, StrCat("run-", ++runs_), input);
    EXPECT_THAT(arn, IsOk());
    return arn.ok() ? *arn : "";
  }

  bool AwaitWaiting(size_t n) {
    return AwaitTrue([&] { return server_->dispatcher->waiting_polls() == n; });
  }

  persistence::TaskRecord StoredTask(const std::string& token) {
    absl::StatusOr<persistence::TaskRecord> task = store_.FindTaskByToken(token);
    EXPECT_THAT(task, IsOk());
    return task.ok() ? *task : persistence::TaskRecord{};
  }

  persistence::MemoryStore store_;
  FakeClock clock_;
  std::unique_ptr<DispatchServer> server_;
  std::string greeter_;
  std::string approve_;
  int runs_ = 0;
};

TEST_F(TaskDispatcherTest, WaitingPollGetsATaskAsSoonAsItCommits) {
  TaskDispatcherOptions options;
  options.sweep_interval = absl::Hours(1);  // Only the commit can wake it.
  StartServer(options);
  std::unique_ptr<PollCall> poll = server_->StartPoll("greeter");
  ASSERT_TRUE(AwaitWaiting(1));
  EXPECT_FALSE(poll->IsDone());

  const absl::Time committed = absl::Now();
  const std::string arn = Start(greeter_);
  ASSERT_TRUE(poll->Wait());
  ASSERT_TRUE(poll->status.ok()) << poll->status.error_message();
  EXPECT_LT(poll->finished - committed, absl::Milliseconds(500));

  ASSERT_TRUE(poll->response.has_task());
  const v1::Task& task = poll->response.task();
  EXPECT_FALSE(task.task_token().empty());
  EXPECT_EQ(task.input(), R"({"who":"ada"})");
  EXPECT_EQ(task.queue(), "greeter");
  EXPECT_EQ(task.resource(), kGreeterArn);
  EXPECT_EQ(task.state_name(), "Greet");
  EXPECT_EQ(task.execution_arn(), arn);
  EXPECT_EQ(task.state_machine_arn(), greeter_);
  EXPECT_EQ(task.timeout_seconds(), 300);
  EXPECT_EQ(task.heartbeat_seconds(), 30);
  EXPECT_EQ(task.attempt(), 0);
  EXPECT_EQ(task.deadline().seconds(), absl::ToUnixSeconds(clock_.Now() + absl::Seconds(300)));

  // Claimed by this worker, leased for HeartbeatSeconds + 5 s from the claim
  // (less than the 60 s task lease), with the claim as first heartbeat;
  // history shows the start.
  EXPECT_EQ(task.lease_seconds(), 35);
  persistence::TaskRecord stored = StoredTask(task.task_token());
  EXPECT_EQ(stored.status, persistence::TaskStatus::kClaimed);
  EXPECT_EQ(stored.worker_id, "worker-1");
  EXPECT_EQ(stored.lease_until, clock_.Now() + absl::Seconds(35));
  EXPECT_EQ(stored.last_heartbeat, clock_.Now());
  EXPECT_EQ(stored.delivery_count, 1);
  // LambdaFunctionStarted (a Lambda function ARN) right after the delivery.
  EXPECT_TRUE(AwaitTrue([&] {
    std::vector<std::string> types = service::testing::HistoryTypes(store_, arn);
    return std::find(types.begin(), types.end(), "LambdaFunctionStarted") != types.end();
  }));
}

TEST_F(TaskDispatcherTest, ZeroWaitAnswersAtOnce) {
  StartServer();
  std::unique_ptr<PollCall> empty = server_->StartPoll("greeter", /*wait_seconds=*/0);
  ASSERT_TRUE(empty->Wait());
  EXPECT_TRUE(empty->status.ok()) << empty->status.error_message();
  EXPECT_FALSE(empty->response.has_task());
  EXPECT_LT(empty->finished - empty->started, absl::Milliseconds(500));

  Start(greeter_);  // Nobody waits: the task stays PENDING.
  std::unique_ptr<PollCall> full = server_->StartPoll("greeter", /*wait_seconds=*/0);
  ASSERT_TRUE(full->Wait());
  EXPECT_TRUE(full->response.has_task());
}

TEST_F(TaskDispatcherTest, WaitEndsEmptyAfterWaitTimeSeconds) {
  StartServer();
  std::unique_ptr<PollCall> poll = server_->StartPoll("greeter", /*wait_seconds=*/1);
  ASSERT_TRUE(poll->Wait());
  EXPECT_TRUE(poll->status.ok()) << poll->status.error_message();
  EXPECT_FALSE(poll->response.has_task());
  EXPECT_GE(poll->finished - poll->started, absl::Milliseconds(900));
  EXPECT_EQ(server_->dispatcher->waiting_polls(), 0u);
}

TEST_F(TaskDispatcherTest, AnswersBeforeTheCallDeadline) {
  StartServer();
  std::unique_ptr<PollCall> poll =
      server_->StartPoll("greeter", /*wait_seconds=*/-1, "worker-1", absl::Milliseconds(1500));
  ASSERT_TRUE(poll->Wait());
  EXPECT_TRUE(poll->status.ok()) << poll->status.error_code() << " "
                                 << poll->status.error_message();
  EXPECT_FALSE(poll->response.has_task());
  EXPECT_LT(poll->finished - poll->started, absl::Milliseconds(1500));
}

TEST_F(TaskDispatcherTest, PollersNeverShareATask) {
  StartServer();
  constexpr int kTasks = 40;
  constexpr int kPollers = 8;
  std::mutex mu;
  std::vector<std::string> tokens;
  std::vector<std::thread> pollers;
  pollers.reserve(kPollers);
  for (int i = 0; i < kPollers; ++i) {
    pollers.emplace_back([&, i] {
      while (true) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (tokens.size() >= kTasks) return;
        }
        std::unique_ptr<PollCall> poll = server_->StartPoll("greeter", 1, StrCat("w", i));
        if (!poll->Wait() || !poll->status.ok()) return;
        if (poll->response.has_task()) {
          std::lock_guard<std::mutex> lock(mu);
          tokens.push_back(poll->response.task().task_token());
        }
      }
    });
  }
  for (int i = 0; i < kTasks; ++i) Start(greeter_);
  for (std::thread& t : pollers) t.join();

  ASSERT_EQ(tokens.size(), static_cast<size_t>(kTasks));
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());
  for (const std::string& token : tokens) EXPECT_EQ(StoredTask(token).delivery_count, 1);
}

TEST_F(TaskDispatcherTest, CancelledPollLeavesAndNeverGetsATask) {
  StartServer();
  std::unique_ptr<PollCall> poll = server_->StartPoll("greeter");
  ASSERT_TRUE(AwaitWaiting(1));
  poll->context.TryCancel();
  ASSERT_TRUE(poll->Wait());
  EXPECT_EQ(poll->status.error_code(), grpc::StatusCode::CANCELLED);
  ASSERT_TRUE(AwaitWaiting(0));

  Start(greeter_);
  std::unique_ptr<PollCall> next = server_->StartPoll("greeter", 0);
  ASSERT_TRUE(next->Wait());
  ASSERT_TRUE(next->response.has_task());
  EXPECT_EQ(StoredTask(next->response.task().task_token()).delivery_count, 1);
}

TEST_F(TaskDispatcherTest, ExpiredLeaseIsDeliveredAgain) {
  StartServer();
  Start(greeter_);
  std::unique_ptr<PollCall> first = server_->StartPoll("greeter", 0);
  ASSERT_TRUE(first->Wait());
  ASSERT_TRUE(first->response.has_task());
  const std::string token = first->response.task().task_token();

  std::unique_ptr<PollCall> too_soon = server_->StartPoll("greeter", 0);
  ASSERT_TRUE(too_soon->Wait());
  EXPECT_FALSE(too_soon->response.has_task());

  // The lease (HeartbeatSeconds 30 + 5 s margin) ended without a heartbeat.
  clock_.Advance(absl::Seconds(34));
  std::unique_ptr<PollCall> still = server_->StartPoll("greeter", 0);
  ASSERT_TRUE(still->Wait());
  EXPECT_FALSE(still->response.has_task());
  clock_.Advance(absl::Seconds(1));
  std::unique_ptr<PollCall> again = server_->StartPoll("greeter", 0, "worker-2");
  ASSERT_TRUE(again->Wait());
  ASSERT_TRUE(again->response.has_task());
  EXPECT_EQ(again->response.task().task_token(), token);
  persistence::TaskRecord stored = StoredTask(token);
  EXPECT_EQ(stored.delivery_count, 2);
  EXPECT_EQ(stored.worker_id, "worker-2");
}

TEST_F(TaskDispatcherTest, ThousandIdlePollsHoldFewThreads) {
  StartServer();
  constexpr size_t kPolls = 1000;
  std::vector<std::unique_ptr<PollCall>> polls;
  polls.reserve(kPolls);
  for (size_t i = 0; i < kPolls; ++i) {
    polls.push_back(server_->StartPoll(StrCat("queue-", i % 10), 60, StrCat("w", i)));
  }
  ASSERT_TRUE(
      AwaitTrue([&] { return server_->dispatcher->waiting_polls() == kPolls; }, absl::Seconds(20)))
      << server_->dispatcher->waiting_polls() << " polls waiting";
  const int threads = ProcessThreads();
  RecordProperty("threads", threads);
  EXPECT_GT(threads, 0);
  EXPECT_LT(threads, 100) << "idle polls must not hold a thread each";

  // Shutdown answers them all, empty, at once.
  const absl::Time stop = absl::Now();
  server_->dispatcher->Shutdown();
  for (const std::unique_ptr<PollCall>& poll : polls) {
    ASSERT_TRUE(poll->Wait(absl::Seconds(10)));
    EXPECT_TRUE(poll->status.ok()) << poll->status.error_message();
    EXPECT_FALSE(poll->response.has_task());
  }
  EXPECT_LT(absl::Now() - stop, absl::Seconds(5));
  std::unique_ptr<PollCall> late = server_->StartPoll("queue-0");
  ASSERT_TRUE(late->Wait());
  EXPECT_FALSE(late->response.has_task());
}

TEST_F(TaskDispatcherTest, TooManyPollsIsActivityWorkerLimitExceeded) {
  TaskDispatcherOptions options;
  options.max_waiting_polls = 2;
  StartServer(options);
  std::unique_ptr<PollCall> a = server_->StartPoll("greeter");
  std::unique_ptr<PollCall> b = server_->StartPoll("other");
  ASSERT_TRUE(AwaitWaiting(2));
  std::unique_ptr<PollCall> c = server_->StartPoll("greeter");
  ASSERT_TRUE(c->Wait());
  EXPECT_EQ(c->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(ExceptionName(c->status), "ActivityWorkerLimitExceeded");
  EXPECT_FALSE(a->IsDone());
  EXPECT_FALSE(b->IsDone());
}

TEST_F(TaskDispatcherTest, BadPollInputIsRejectedByName) {
  StartServer();
  for (const std::string& queue : {std::string(""), std::string("has space"),
                                   std::string("tab\there"), std::string(257, 'q')}) {
    std::unique_ptr<PollCall> poll = server_->StartPoll(queue);
    ASSERT_TRUE(poll->Wait());
    EXPECT_EQ(poll->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << queue;
    EXPECT_EQ(ExceptionName(poll->status), "InvalidName") << queue;
  }
  // StartPoll leaves negative waits unset; send one explicitly.
  auto call = std::make_unique<PollCall>();
  call->request.set_queue("greeter");
  call->request.set_wait_time_seconds(-1);
  server_->worker_stub->async()->PollTask(&call->context, &call->request, &call->response,
                                          [&](grpc::Status s) { call->Done(std::move(s)); });
  ASSERT_TRUE(call->Wait());
  EXPECT_EQ(call->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ExceptionName(call->status), "ValidationException");
  EXPECT_THAT(call->status.error_message(), ::testing::HasSubstr("wait_time_seconds"));
}

TEST_F(TaskDispatcherTest, GetActivityTaskServesTheActivityQueue) {
  StartServer();
  // GetActivityTask answers ActivityDoesNotExist until the activity exists.
  auto missing = server_->StartActivityPoll(kActivityArn);
  ASSERT_TRUE(missing->Wait());
  EXPECT_EQ(missing->status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(ExceptionName(missing->status), "ActivityDoesNotExist");
  ASSERT_THAT(store_.CreateActivity({kActivityArn, "approve", clock_.Now()}), IsOk());

  auto poll = server_->StartActivityPoll(kActivityArn);
  ASSERT_TRUE(AwaitWaiting(1));
  const std::string arn = Start(approve_, R"({"amount":7})");
  ASSERT_TRUE(poll->Wait());
  ASSERT_TRUE(poll->status.ok()) << poll->status.error_message();
  EXPECT_EQ(poll->response.input(), R"({"amount":7})");
  persistence::TaskRecord stored = StoredTask(poll->response.task_token());
  EXPECT_EQ(stored.execution_arn, arn);
  EXPECT_EQ(stored.queue, "approve");
  EXPECT_EQ(stored.worker_id, "activity-worker");
  EXPECT_EQ(stored.lease_until, clock_.Now() + absl::Minutes(5));  // Default lease.

  // The synchronous RPCs of the same service still work next to the callback one.
  v1::DescribeStateMachineRequest describe;
  describe.set_state_machine_arn(approve_);
  v1::DescribeStateMachineResponse described;
  grpc::ClientContext context;
  grpc::Status status = server_->states_stub->DescribeStateMachine(&context, describe, &described);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(described.name(), "approve");

  for (const std::string& bad : {std::string("approve"), std::string(kGreeterArn),
                                 std::string("arn:aws:states:us-east-1:123456789012:activity:")}) {
    auto refused = server_->StartActivityPoll(bad);
    ASSERT_TRUE(refused->Wait());
    EXPECT_EQ(refused->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << bad;
    EXPECT_EQ(ExceptionName(refused->status), "InvalidArn") << bad;
  }
}

TEST(TaskLeaseTest, ActivityPollsHeartbeatPlusMarginElseTimeoutElseDefault) {
  TaskDispatcherOptions options;
  const persistence::TaskLeaseRule rule = ClaimLeaseRule(/*worker_heartbeats=*/false, options);
  persistence::TaskRecord task;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Minutes(5));
  task.timeout_seconds = 300;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(300));
  task.heartbeat_seconds = 20;  // The heartbeat timeout comes 5 s before the lease ends.
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(25));
  task.heartbeat_seconds = 600;  // 10% when that is more.
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(660));
  task.heartbeat_seconds = 0;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(300));
}

TEST(TaskLeaseTest, WorkerPollsGetTheShortTaskLease) {
  TaskDispatcherOptions options;
  options.task_lease = absl::Seconds(60);
  const persistence::TaskLeaseRule rule = ClaimLeaseRule(/*worker_heartbeats=*/true, options);
  persistence::TaskRecord task;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(60));
  task.timeout_seconds = 3600;  // The worker heartbeats: TimeoutSeconds does not matter.
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(60));
  task.heartbeat_seconds = 10;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(15));
  task.heartbeat_seconds = 300;
  EXPECT_EQ(persistence::TaskLeaseFor(task, rule), absl::Seconds(60));
}

TEST(StateMachineArnOfTest, DerivesTheMachineFromAnExecutionArn) {
  EXPECT_EQ(StateMachineArnOf("arn:aws:states:eu-west-1:42:execution:greeter:run-1"),
            "arn:aws:states:eu-west-1:42:stateMachine:greeter");
  EXPECT_EQ(StateMachineArnOf("arn:aws:states:eu-west-1:42:stateMachine:greeter"), "");
  EXPECT_EQ(StateMachineArnOf("nonsense"), "");
}

TEST(ValidateQueueNameTest, NamesTheProblem) {
  EXPECT_THAT(ValidateQueueName("greeter"), IsOk());
  EXPECT_THAT(ValidateQueueName("arn:aws:states:::lambda:invoke"), IsOk());
  EXPECT_THAT(ValidateQueueName("").message(), ::testing::HasSubstr("1 to 256"));
  EXPECT_THAT(ValidateQueueName("a b").message(), ::testing::HasSubstr("whitespace"));
}

}  // namespace
}  // namespace stepwise::dispatch
