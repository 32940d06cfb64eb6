// Worker.WithdrawPolls over an in-process gRPC server (memory store,
// FakeClock): a withdrawn poll is answered empty, not cancelled, so a task
// can never be lost on the way; a withdrawal that overtakes its poll still
// counts; a poll that already has its task keeps it; bad keys are refused.
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "persistence/memory/memory_store.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/dispatch/greeter_fixture.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::ExceptionName;
using ::stepwise::dispatch::testing::GreeterServerTest;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;
using ::testing::HasSubstr;

class PollWithdrawalTest : public GreeterServerTest {
 protected:
  std::unique_ptr<PollCall> PollWithKey(const std::string& key, int wait_seconds = 60) {
    return server_->StartPoll("greeter", wait_seconds, "worker-1", absl::Seconds(30), key);
  }

  bool AwaitWaiting(size_t n) {
    return AwaitTrue([&] { return server_->dispatcher->waiting_polls() == n; });
  }

  // Withdraws `keys`; the number of polls it answered (-1 on an RPC error).
  int Withdraw(const std::vector<std::string>& keys) {
    v1::WithdrawPollsResponse response;
    const grpc::Status status = server_->WithdrawPolls(keys, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return status.ok() ? response.withdrawn() : -1;
  }
};

TEST_F(PollWithdrawalTest, WithdrawnPollIsAnsweredEmptyAndTheNextTaskGoesElsewhere) {
  std::unique_ptr<PollCall> withdrawn = PollWithKey("w-1");
  std::unique_ptr<PollCall> other = PollWithKey("w-2");
  ASSERT_TRUE(AwaitWaiting(2));

  EXPECT_EQ(Withdraw({"w-1"}), 1);
  ASSERT_TRUE(withdrawn->Wait(absl::Seconds(5)));  // Not its 60 s wait.
  EXPECT_TRUE(withdrawn->status.ok())
      << "answered, not cancelled: " << withdrawn->status.error_message();
  EXPECT_FALSE(withdrawn->response.has_task());
  EXPECT_EQ(server_->dispatcher->waiting_polls(), 1u);

  StartExecution();
  ASSERT_TRUE(other->Wait());
  ASSERT_TRUE(other->response.has_task());
  absl::StatusOr<persistence::TaskRecord> task =
      store_.FindTaskByToken(other->response.task().task_token());
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->delivery_count, 1);
  EXPECT_EQ(server_->dispatcher->stats().undelivered, 0);
}

TEST_F(PollWithdrawalTest, WithdrawalThatOvertakesItsPollAnswersThePollOnArrival) {
  EXPECT_EQ(Withdraw({"early-1"}), 0);  // Nothing waits with it yet.
  std::unique_ptr<PollCall> late = PollWithKey("early-1");
  ASSERT_TRUE(late->Wait(absl::Seconds(5)));
  EXPECT_TRUE(late->status.ok()) << late->status.error_message();
  EXPECT_FALSE(late->response.has_task());

  // Remembered once: a later poll with the key (a misbehaving worker's) waits.
  std::unique_ptr<PollCall> again = PollWithKey("early-1");
  ASSERT_TRUE(AwaitWaiting(1));
  EXPECT_FALSE(again->IsDone());
  EXPECT_EQ(Withdraw({"early-1"}), 1);
  ASSERT_TRUE(again->Wait(absl::Seconds(5)));
}

TEST_F(PollWithdrawalTest, PollThatAlreadyHasItsTaskKeepsIt) {
  StartExecution();
  std::unique_ptr<PollCall> poll = PollWithKey("got-it", 0);
  ASSERT_TRUE(poll->Wait());
  ASSERT_TRUE(poll->response.has_task());

  EXPECT_EQ(Withdraw({"got-it"}), 0);
  absl::StatusOr<persistence::TaskRecord> task =
      store_.FindTaskByToken(poll->response.task().task_token());
  ASSERT_THAT(task, IsOk());
  EXPECT_EQ(task->delivery_count, 1);
  EXPECT_EQ(task->worker_id, "worker-1");
  // Still this worker's: nobody else gets it.
  std::unique_ptr<PollCall> other = server_->StartPoll("greeter", 0, "worker-2");
  ASSERT_TRUE(other->Wait());
  EXPECT_FALSE(other->response.has_task());
}

TEST_F(PollWithdrawalTest, ReusedOrBadKeysAreRefusedByName) {
  std::unique_ptr<PollCall> first = PollWithKey("same");
  ASSERT_TRUE(AwaitWaiting(1));
  std::unique_ptr<PollCall> twin = PollWithKey("same");
  ASSERT_TRUE(twin->Wait());
  EXPECT_EQ(twin->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(ExceptionName(twin->status), "ValidationException");
  EXPECT_THAT(twin->status.error_message(), HasSubstr("poll_key 'same' already names"));

  for (const std::string& key :
       {std::string("has space"), std::string(129, 'k'), std::string("caf\xc3\xa9")}) {
    std::unique_ptr<PollCall> bad = PollWithKey(key);
    ASSERT_TRUE(bad->Wait());
    EXPECT_EQ(bad->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_EQ(ExceptionName(bad->status), "ValidationException") << key;
    EXPECT_THAT(bad->status.error_message(), HasSubstr("poll_key")) << key;

    v1::WithdrawPollsResponse response;
    const grpc::Status refused = server_->WithdrawPolls({"same", key}, &response);
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << key;
    EXPECT_EQ(ExceptionName(refused), "ValidationException") << key;
  }
  std::vector<std::string> too_many(1001, "k");
  v1::WithdrawPollsResponse response;
  const grpc::Status refused = server_->WithdrawPolls(too_many, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), HasSubstr("at most 1000"));

  // A refused withdrawal changed nothing: the first poll still waits.
  EXPECT_FALSE(first->IsDone());
  EXPECT_EQ(server_->dispatcher->waiting_polls(), 1u);
}

}  // namespace
}  // namespace stepwise::dispatch
