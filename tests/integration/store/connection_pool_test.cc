// ConnectionPool's waiting rules (persistence/postgres/pool.h), on the test
// binary's embedded server: waiters are served first come, first served,
// each returned connection (or the slot of a closed one) goes to the oldest
// waiter, a waiter gives up after acquire_timeout and leaves the queue, and a
// connection that cannot be opened fails its caller without stranding the
// callers behind it.
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/pool.h"
#include "pqxx/pqxx"
#include "tests/testing/await.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence {
namespace {

using ::stepwise::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The backend's process id: tells connections apart.
int BackendPid(ConnectionPool::Lease& lease) { return lease->backendpid(); }

// Polls `done` every millisecond until it holds, for at most 10 s.
bool Eventually(const std::function<bool()>& done) {
  return ::stepwise::testing::AwaitTrue(done, absl::Seconds(10), absl::Milliseconds(1));
}

class ConnectionPoolTest : public ::stepwise::testing::PostgresTest {
 protected:
  std::unique_ptr<ConnectionPool> MakePool(int max_connections,
                                           absl::Duration timeout = absl::Seconds(10)) {
    return std::make_unique<ConnectionPool>(
        ConnectionPoolOptions{.url = database_url(),
                              .max_connections = max_connections,
                              .acquire_timeout = timeout,
                              .on_connect = nullptr});
  }
};

TEST_F(ConnectionPoolTest, WaitersAreServedInArrivalOrder) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1);
  std::optional<absl::StatusOr<ConnectionPool::Lease>> held(pool->Acquire());
  ASSERT_THAT(held->status(), IsOk());
  const int pid = BackendPid(**held);

  std::mutex mu;
  std::vector<int> served;       // Waiter numbers, in the order they got the connection.
  std::vector<int> served_pids;  // The backend each of them got.
  std::vector<std::thread> threads;
  for (int n = 1; n <= 4; ++n) {
    threads.emplace_back([&, n] {
      absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
      ASSERT_THAT(lease.status(), IsOk());
      std::lock_guard<std::mutex> lock(mu);
      served.push_back(n);
      served_pids.push_back(BackendPid(*lease));
    });
    // The next one arrives only once this one waits.
    ASSERT_TRUE(Eventually([&] { return pool->waiting() == n; }));
  }
  held.reset();  // Each waiter returns it when done: it passes down the line.
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(served, ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(served_pids, ElementsAre(pid, pid, pid, pid));  // Never a second connection.
  EXPECT_EQ(pool->waiting(), 0);
}

TEST_F(ConnectionPoolTest, AWaiterGivesUpAfterTheTimeoutAndLeavesTheQueue) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1, absl::Milliseconds(50));
  std::optional<absl::StatusOr<ConnectionPool::Lease>> held(pool->Acquire());
  ASSERT_THAT(held->status(), IsOk());
  absl::StatusOr<ConnectionPool::Lease> late = pool->Acquire();
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(late.status().message(), HasSubstr("No database connection free after 50ms"));
  EXPECT_EQ(pool->waiting(), 0);
  held.reset();
  // Nobody is served a connection it no longer waits for: it is free.
  absl::StatusOr<ConnectionPool::Lease> next = pool->Acquire();
  EXPECT_THAT(next.status(), IsOk());
}

TEST_F(ConnectionPoolTest, TheSlotOfADiscardedConnectionGoesToTheOldestWaiter) {
  std::unique_ptr<ConnectionPool> pool = MakePool(1);
  std::optional<absl::StatusOr<ConnectionPool::Lease>> held(pool->Acquire());
  ASSERT_THAT(held->status(), IsOk());
  const int first_pid = BackendPid(**held);
  int waiter_pid = 0;
  std::thread waiter([&] {
    absl::StatusOr<ConnectionPool::Lease> lease = pool->Acquire();
    ASSERT_THAT(lease.status(), IsOk());
    waiter_pid = BackendPid(*lease);
  });
  ASSERT_TRUE(Eventually([&] { return pool->waiting() == 1; }));
  (*held)->Discard();  // Broken: closed, and its slot handed on.
  held.reset();
  waiter.join();
  EXPECT_NE(waiter_pid, 0);
  EXPECT_NE(waiter_pid, first_pid);  // The waiter opened its own.
}

TEST_F(ConnectionPoolTest, AFailedConnectPassesTheSlotOnInsteadOfStrandingWaiters) {
  // Nothing listens there: every connect fails at once. With one slot, the
  // callers queued behind the failing one must each get that error (their
  // own try with the slot), not wait out the timeout.
  ConnectionPool pool(
      ConnectionPoolOptions{.url = "postgresql://stepwise@127.0.0.1:1/none?connect_timeout=5",
                            .max_connections = 1,
                            .acquire_timeout = absl::Seconds(30),
                            .on_connect = nullptr});
  const absl::Time start = absl::Now();
  std::vector<absl::Status> results(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&pool, &results, i] { results[i] = pool.Acquire().status(); });
  }
  for (std::thread& t : threads) t.join();
  for (const absl::Status& status : results) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(status.message(), HasSubstr("Cannot connect to the database"));
  }
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  EXPECT_EQ(pool.waiting(), 0);
}

}  // namespace
}  // namespace stepwise::persistence
