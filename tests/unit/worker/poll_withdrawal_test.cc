// SendWithdrawPolls (worker/sdk/internal/poll_withdrawal.h) against the fake
// orchestrator: `done` runs once, with the call's status, and only after the
// call let go of the channel. Its caller (Worker::Run) may destroy the
// channel from then on: were the call's reference the channel's last, gRPC
// would release its shared callback completion queue on the very thread
// running the callback, which joins itself and frees the queue under it (a
// double free that SlotFillsTest hit under load).
#include "worker/sdk/internal/poll_withdrawal.h"

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "stepwise/v1/worker.grpc.pb.h"
#include "tests/unit/worker/fake_orchestrator.h"

namespace stepwise::worker::testing {
namespace {

TEST(SendWithdrawPollsTest, DoneRunsOnceTheCallNoLongerHoldsTheChannel) {
  FakeOrchestrator fake;
  fake.ServeWithdrawals(FakeOrchestrator::Withdrawals::kAnswerEmpty);
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(fake.endpoint(), grpc::InsecureChannelCredentials());
  std::unique_ptr<v1::Worker::Stub> stub = v1::Worker::NewStub(channel);
  const long idle_refs = channel.use_count();  // Ours and the stub's.

  std::mutex mu;
  std::condition_variable cv;
  int runs = 0;
  long refs_in_done = 0;
  grpc::Status status;
  internal::SendWithdrawPolls(*stub, {"key-1", "key-2"}, [&](const grpc::Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    ++runs;
    refs_in_done = channel.use_count();
    status = s;
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return runs > 0; }));
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(refs_in_done, idle_refs) << "the call still held the channel when done ran";
  EXPECT_TRUE(fake.WaitFor([&] { return fake.WithdrawCallsLocked() == 1; }));
  EXPECT_EQ(runs, 1);
}

}  // namespace
}  // namespace stepwise::worker::testing
