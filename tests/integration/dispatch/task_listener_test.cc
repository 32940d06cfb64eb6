// LISTEN/NOTIFY on a real PostgreSQL: a task committed through another store
// (another replica's connection pool) wakes a poll here within milliseconds,
// and the listener comes back by itself when its backend is terminated.
#include "persistence/postgres/task_listener.h"

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/dispatch/task_dispatcher.h"
#include "orchestrator/service/execution_executor.h"
#include "persistence/postgres/postgres_store.h"
#include "pqxx/pqxx"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/dispatch/dispatch_test_util.h"
#include "tests/unit/service/executor_test_util.h"

namespace stepwise::dispatch {
namespace {

using ::stepwise::dispatch::testing::AwaitTrue;
using ::stepwise::dispatch::testing::DispatchServer;
using ::stepwise::dispatch::testing::PollCall;
using ::stepwise::testing::IsOk;

constexpr char kMachine[] = R"({
  "StartAt": "Greet",
  "States": {
    "Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:greeter",
              "End": true}
  }
})";

// What a listener reported, for waiting on with a deadline.
class Heard {
 public:
  void Notified(std::string_view queue) {
    std::lock_guard<std::mutex> lock(mu_);
    queues_.emplace_back(queue);
    cv_.notify_all();
  }
  void Resynced() {
    std::lock_guard<std::mutex> lock(mu_);
    ++resyncs_;
    cv_.notify_all();
  }
  bool AwaitQueue(const std::string& queue) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] {
      return std::find(queues_.begin(), queues_.end(), queue) != queues_.end();
    });
  }
  // The listener counts a connection before it calls on_resync, so wait for
  // the count instead of reading it right after WaitUntilListening.
  bool AwaitResyncs(int n) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(10), [&] { return resyncs_ >= n; });
  }
  int resyncs() {
    std::lock_guard<std::mutex> lock(mu_);
    return resyncs_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> queues_;
  int resyncs_ = 0;
};

class TaskListenerTest : public ::stepwise::testing::PostgresTest {
 protected:
  persistence::TaskListenerOptions ListenerOptions(Heard& heard) {
    persistence::TaskListenerOptions options;
    options.url = database_url();
    options.on_notify = [&heard](std::string_view queue) { heard.Notified(queue); };
    options.on_resync = [&heard] { heard.Resynced(); };
    options.on_error = [](const absl::Status&) {};  // Expected here: we kill it.
    return options;
  }

  void Notify(const std::string& queue) {
    pqxx::connection connection(database_url());
    pqxx::nontransaction tx(connection);
    tx.exec("SELECT pg_notify('stepwise_tasks', " + tx.quote(queue) + ")");
  }

  std::unique_ptr<persistence::PostgresStore> Connect() {
    persistence::PostgresStoreOptions options;
    options.url = database_url();
    options.max_connections = 4;
    absl::StatusOr<std::unique_ptr<persistence::PostgresStore>> store =
        persistence::PostgresStore::Connect(options);
    EXPECT_THAT(store, IsOk());
    return store.ok() ? *std::move(store) : nullptr;
  }
};

TEST_F(TaskListenerTest, ResumesAfterItsBackendIsTerminated) {
  Heard heard;
  persistence::TaskListener listener(ListenerOptions(heard));
  ASSERT_THAT(listener.Start(), IsOk());
  ASSERT_TRUE(listener.WaitUntilListening(absl::Seconds(10)));
  ASSERT_TRUE(heard.AwaitResyncs(1));  // The first LISTEN resyncs too.
  EXPECT_EQ(heard.resyncs(), 1);
  Notify("before");
  ASSERT_TRUE(heard.AwaitQueue("before"));

  const int pid = listener.backend_pid();
  ASSERT_NE(pid, 0);
  {
    pqxx::connection admin(database_url());
    pqxx::nontransaction tx(admin);
    EXPECT_TRUE(tx.exec1("SELECT pg_terminate_backend(" + std::to_string(pid) + ")")[0].as<bool>());
  }
  ASSERT_TRUE(listener.WaitUntilListening(absl::Seconds(10), /*min_connects=*/2));
  EXPECT_NE(listener.backend_pid(), pid);
  // Told to sweep: notifications may have been lost.
  ASSERT_TRUE(heard.AwaitResyncs(2));
  EXPECT_EQ(heard.resyncs(), 2);
  Notify("after");
  EXPECT_TRUE(heard.AwaitQueue("after"));

  const absl::Time stop = absl::Now();
  listener.Stop();
  EXPECT_LT(absl::Now() - stop, absl::Seconds(5));  // Promptly, even on a loaded machine.
  EXPECT_EQ(listener.backend_pid(), 0);
}

TEST_F(TaskListenerTest, StartTwiceIsRefused) {
  Heard heard;
  persistence::TaskListener listener(ListenerOptions(heard));
  ASSERT_THAT(listener.Start(), IsOk());
  EXPECT_THAT(listener.Start(),
              ::stepwise::testing::StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(TaskListenerTest, UnreachableServerIsRetriedUntilStopped) {
  std::mutex mu;
  std::vector<absl::Status> errors;
  persistence::TaskListenerOptions options;
  options.url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=1";
  options.min_backoff = absl::Milliseconds(10);
  options.on_error = [&](const absl::Status& status) {
    std::lock_guard<std::mutex> lock(mu);
    errors.push_back(status);
  };
  persistence::TaskListener listener(options);
  ASSERT_THAT(listener.Start(), IsOk());
  ASSERT_TRUE(AwaitTrue([&] {
    std::lock_guard<std::mutex> lock(mu);
    return errors.size() >= 2;
  }));
  listener.Stop();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(errors.front().code(), absl::StatusCode::kUnavailable) << errors.front();
  EXPECT_EQ(listener.connects(), 0);
}

// Two replicas: the poll waits on A; the task is committed through B's own
// store and executor, so only LISTEN/NOTIFY can tell A (A's sweep is hours).
TEST_F(TaskListenerTest, TaskCommittedElsewhereWakesAWaitingPoll) {
  std::unique_ptr<persistence::PostgresStore> store_a = Connect();
  std::unique_ptr<persistence::PostgresStore> store_b = Connect();
  ASSERT_NE(store_a, nullptr);
  ASSERT_NE(store_b, nullptr);
  FakeClock clock;
  TaskDispatcherOptions dispatcher_options;
  dispatcher_options.sweep_interval = absl::Hours(1);
  DispatchServer replica_a(*store_a, clock, dispatcher_options);
  persistence::TaskListenerOptions options;
  options.url = database_url();
  options.on_notify = [&](std::string_view queue) { replica_a.dispatcher->NotifyQueue(queue); };
  options.on_resync = [&] { replica_a.dispatcher->SweepAll(); };
  persistence::TaskListener listener(options);
  ASSERT_THAT(listener.Start(), IsOk());
  ASSERT_TRUE(listener.WaitUntilListening(absl::Seconds(10)));

  const std::string machine =
      service::testing::CreateMachine(*store_b, clock.Now(), "greeter", kMachine);
  std::unique_ptr<PollCall> poll = replica_a.StartPoll("greeter");
  ASSERT_TRUE(AwaitTrue([&] { return replica_a.dispatcher->waiting_polls() == 1; }));
  // The poll's own first claim came back empty: only a wakeup can serve it now.
  ASSERT_TRUE(AwaitTrue([&] { return replica_a.dispatcher->stats().claims >= 1; }));

  service::ExecutionExecutor replica_b(*store_b, clock);
  const absl::Time committed = absl::Now();
  absl::StatusOr<std::string> arn = replica_b.StartExecution(machine, "run-1", R"({"n":1})");
  ASSERT_THAT(arn, IsOk());
  ASSERT_TRUE(poll->Wait());
  ASSERT_TRUE(poll->status.ok()) << poll->status.error_message();
  ASSERT_TRUE(poll->response.has_task());
  EXPECT_EQ(poll->response.task().execution_arn(), *arn);
  EXPECT_EQ(poll->response.task().input(), R"({"n":1})");
  EXPECT_LT(poll->finished - committed, absl::Seconds(1));
  // Recorded by replica A right after the delivery.
  EXPECT_TRUE(AwaitTrue([&] {
    std::vector<std::string> types = service::testing::HistoryTypes(*store_b, *arn);
    return std::find(types.begin(), types.end(), "LambdaFunctionStarted") != types.end();
  }));
  listener.Stop();
}

}  // namespace
}  // namespace stepwise::dispatch
