// Worker against a FakeOrchestrator: what each handler outcome becomes
// (SendTaskSuccess output, SendTaskFailure error + cause) and how reports
// are retried or given up.
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>

#include "boost/json.hpp"
#include "common/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"
#include "tests/unit/worker/fake_orchestrator.h"
#include "tests/unit/worker/worker_test_util.h"
#include "worker/sdk/worker.h"

namespace billing::checks {
// Namespaces are stripped from error names.
class UnprocessableDataException : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};
}  // namespace billing::checks

// In the helpers' namespace: BackgroundRun, Board, FakeOrchestrator,
// MakeTask, TestOptions and the rest need no using-declarations.
namespace stepwise::worker::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::testing::HasSubstr;

boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

TEST(WorkerResultsTest, HandlerOutputIsSentWithSendTaskSuccess) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  std::optional<Task> seen;
  std::mutex mu;
  worker.Register("Adder", [&](const Task& task) -> boost::json::value {
    std::lock_guard<std::mutex> lock(mu);
    seen = task;
    return {{"sum", task.input.at("a").as_int64() + task.input.at("b").as_int64()}};
  });
  v1::Task task = MakeTask("Adder", R"({"a": 2, "b": 40})");
  task.set_attempt(2);
  task.set_state_name("Add numbers");
  task.mutable_deadline()->set_seconds(1700000000);
  const std::string token = fake.AddTask(task);
  BackgroundRun run(worker);

  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->success);
  EXPECT_EQ(Json(done->output), Json(R"({"sum": 42})"));
  ASSERT_THAT(run.Stop(), IsOk());

  std::lock_guard<std::mutex> lock(mu);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->task_token, token);
  EXPECT_EQ(seen->queue, "Adder");
  EXPECT_EQ(seen->state_name, "Add numbers");
  EXPECT_EQ(seen->attempt, 2);
  EXPECT_EQ(seen->resource, "arn:aws:states:::lambda:invoke");
  EXPECT_EQ(seen->execution_arn, task.execution_arn());
  EXPECT_EQ(seen->state_machine_arn, task.state_machine_arn());
  EXPECT_EQ(seen->deadline, absl::FromUnixSeconds(1700000000));
  const Worker::Stats stats = worker.stats();
  EXPECT_EQ(stats.tasks_succeeded, 1);
  EXPECT_EQ(stats.tasks_failed, 0);
  EXPECT_EQ(stats.tasks_dropped, 0);
  EXPECT_GE(stats.polls, 1);
  EXPECT_EQ(stats.reconnects, 0);
  EXPECT_THAT(fake.worker_names(), ::testing::Contains("test-worker"));
}

TEST(WorkerResultsTest, TaskWithoutTimeoutHasNoDeadline) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  std::mutex mu;
  absl::Time deadline;
  worker.Register("q", [&](const Task& task) -> boost::json::value {
    std::lock_guard<std::mutex> lock(mu);
    deadline = task.deadline;
    return nullptr;
  });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->output, "null");
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(deadline, absl::InfiniteFuture());
}

TEST(WorkerResultsTest, ExceptionBecomesErrorNameWithoutNamespacesAndLambdaCause) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("check", [](const Task&) -> boost::json::value {
    throw billing::checks::UnprocessableDataException("name has digits");
  });
  worker.Register("std",
                  [](const Task&) -> boost::json::value { throw std::out_of_range("index 7"); });
  const std::string custom = fake.AddTask(MakeTask("check"));
  const std::string standard = fake.AddTask(MakeTask("std"));
  BackgroundRun run(worker);

  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(custom);
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->success);
  EXPECT_EQ(done->error, "UnprocessableDataException");
  EXPECT_EQ(Json(done->cause), Json(R"({"errorType": "UnprocessableDataException",
                                        "errorMessage": "name has digits"})"));
  done = fake.WaitForCompletion(standard);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "out_of_range");
  EXPECT_EQ(Json(done->cause), Json(R"({"errorType": "out_of_range", "errorMessage": "index 7"})"));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_failed, 2);
  EXPECT_EQ(worker.stats().tasks_succeeded, 0);
}

TEST(WorkerResultsTest, TaskFailureChoosesTheErrorAndOptionallyTheCause) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("lambda-style", [](const Task&) -> boost::json::value {
    throw TaskFailure("Custom.Error", "went wrong");
  });
  worker.Register("explicit", [](const Task&) -> boost::json::value {
    throw TaskFailure("Custom.Error", "went wrong", "raw cause text");
  });
  const std::string lambda_style = fake.AddTask(MakeTask("lambda-style"));
  const std::string explicit_cause = fake.AddTask(MakeTask("explicit"));
  BackgroundRun run(worker);

  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(lambda_style);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "Custom.Error");
  EXPECT_EQ(Json(done->cause),
            Json(R"({"errorType": "Custom.Error", "errorMessage": "went wrong"})"));
  done = fake.WaitForCompletion(explicit_cause);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "Custom.Error");
  EXPECT_EQ(done->cause, "raw cause text");
}

TEST(WorkerResultsTest, NonStdExceptionIsUnknownException) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task&) -> boost::json::value { throw 42; });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "UnknownException");
  const boost::json::value cause = Json(done->cause);
  EXPECT_EQ(cause.at("errorType"), "UnknownException");
  EXPECT_THAT(std::string(cause.at("errorMessage").as_string()), HasSubstr("int"));
}

TEST(WorkerResultsTest, InvalidUtf8InAMessageIsReplacedNotSentBroken) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register(
      "q", [](const Task&) -> boost::json::value { throw std::runtime_error("bad \xff byte"); });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(Json(done->cause).at("errorMessage"), "bad \xEF\xBF\xBD byte");
}

TEST(WorkerResultsTest, InvalidJsonInputFailsTheTaskWithoutCallingTheHandler) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  Board board;
  worker.Register("q", [&](const Task&) -> boost::json::value {
    board.Enter();
    board.Leave();
    return nullptr;
  });
  const std::string token = fake.AddTask(MakeTask("q", "{not json"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "InvalidTaskInput");
  EXPECT_THAT(std::string(Json(done->cause).at("errorMessage").as_string()),
              HasSubstr("not valid JSON"));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(board.Get(board.started), 0);
  EXPECT_EQ(worker.stats().tasks_failed, 1);
}

TEST(WorkerResultsTest, NonFiniteOutputFailsTheTask) {
  FakeOrchestrator fake;
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task&) -> boost::json::value {
    return {{"x", {1, std::numeric_limits<double>::quiet_NaN()}}};
  });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->error, "InvalidTaskOutput");
  EXPECT_THAT(done->cause, HasSubstr("/x/1"));
}

TEST(WorkerResultsTest, OutputRefusedByTheOrchestratorBecomesAFailure) {
  FakeOrchestrator fake;
  fake.ScriptReports({StepwiseError(grpc::StatusCode::INVALID_ARGUMENT, "InvalidOutput",
                                    "output is over 262144 bytes")});
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(done->success);
  EXPECT_EQ(done->error, "InvalidTaskOutput");
  EXPECT_THAT(done->cause, HasSubstr("over 262144 bytes"));
}

TEST(WorkerResultsTest, ReportIsRetriedWhileTheOrchestratorIsUnavailable) {
  FakeOrchestrator fake;
  fake.ScriptReports({grpc::Status(grpc::StatusCode::UNAVAILABLE, "connection reset"),
                      StepwiseError(grpc::StatusCode::UNAVAILABLE, "ServiceUnavailable")});
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task&) -> boost::json::value { return {{"ok", true}}; });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
  ASSERT_TRUE(done.has_value());
  EXPECT_TRUE(done->success);
  EXPECT_EQ(fake.report_attempts(), 3);
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, 1);
}

TEST(WorkerResultsTest, ReportRejectedAsTaskDoesNotExistIsDroppedNotRetried) {
  FakeOrchestrator fake;
  fake.ScriptReports({StepwiseError(grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist")});
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  const std::string token = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.ReportAttemptsLocked() == 1; }));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(fake.report_attempts(), 1);
  EXPECT_FALSE(fake.completion(token).has_value());
  const Worker::Stats stats = worker.stats();
  EXPECT_EQ(stats.tasks_dropped, 1);
  EXPECT_EQ(stats.tasks_succeeded, 0);
}

TEST(WorkerResultsTest, TaskTimedOutKnownOnlyFromTheMessageIsAlsoFinal) {
  FakeOrchestrator fake;
  // No ErrorInfo detail: the "Name: text" message prefix still counts.
  fake.ScriptReports({grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                   "TaskTimedOut: Task Timed Out: 'token'")});
  Worker worker(TestOptions(fake.endpoint()));
  worker.Register("q", [](const Task& task) { return task.input; });
  fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitFor([&] { return fake.ReportAttemptsLocked() == 1; }));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(fake.report_attempts(), 1);
  EXPECT_EQ(worker.stats().tasks_dropped, 1);
}

// One slot, tasks one after another: each result after the first task's
// poll rides on the next poll (CompleteAndPollTask), none needs a call of
// its own, and every one arrives with its output.
TEST(WorkerResultsTest, ResultsRideOnTheNextPoll) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  Worker worker(options);
  worker.Register("q", [](const Task& task) { return task.input; });
  constexpr int kTasks = 5;
  std::vector<std::string> tokens;
  for (int i = 0; i < kTasks; ++i) {
    tokens.push_back(fake.AddTask(MakeTask("q", StrCat(R"({"n":)", i, "}"))));
  }
  BackgroundRun run(worker);
  for (int i = 0; i < kTasks; ++i) {
    std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(tokens[i]);
    ASSERT_TRUE(done.has_value()) << i;
    EXPECT_TRUE(done->success);
    EXPECT_EQ(Json(done->output), Json(StrCat(R"({"n":)", i, "}")));
  }
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(fake.report_attempts(), kTasks);
  EXPECT_TRUE(fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() == kTasks; }))
      << "each result, the last one's too, went with a poll";
  EXPECT_EQ(worker.stats().tasks_succeeded, kTasks);
  EXPECT_EQ(worker.stats().tasks_dropped, 0);
}

// An orchestrator without CompleteAndPollTask: the first result that tries
// it is sent with SendTaskSuccess instead, and no later one tries again.
TEST(WorkerResultsTest, WithoutCompleteAndPollResultsGoOnTheirOwn) {
  FakeOrchestrator fake;
  fake.ServeCompleteAndPoll(false);
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  Worker worker(options);
  worker.Register("q", [](const Task&) -> boost::json::value { return {{"ok", true}}; });
  std::vector<std::string> tokens;
  for (int i = 0; i < 4; ++i) tokens.push_back(fake.AddTask(MakeTask("q")));
  BackgroundRun run(worker);
  for (const std::string& token : tokens) {
    std::optional<FakeOrchestrator::Completion> done = fake.WaitForCompletion(token);
    ASSERT_TRUE(done.has_value());
    EXPECT_TRUE(done->success);
  }
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(fake.report_attempts(), 4);
  EXPECT_TRUE(fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() == 1; }));
  EXPECT_EQ(worker.stats().tasks_succeeded, 4);
}

// The orchestrator is upgraded while the worker runs: once the reprobe
// interval has passed, results ride on polls again, without a restart.
TEST(WorkerResultsTest, AnUpgradedOrchestratorIsTriedAgainAfterTheReprobeInterval) {
  FakeOrchestrator fake;
  fake.ServeCompleteAndPoll(false);
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  options.reprobe_interval = absl::Milliseconds(200);
  Worker worker(options);
  worker.Register("q", [](const Task&) -> boost::json::value { return {{"ok", true}}; });
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitForCompletion(fake.AddTask(MakeTask("q"))).has_value());
  ASSERT_TRUE(fake.WaitForCompletion(fake.AddTask(MakeTask("q"))).has_value());
  ASSERT_TRUE(fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() == 1; }));

  fake.ServeCompleteAndPoll(true);
  // One task at a time until a result rides on a poll again (the interval
  // is counted from the UNIMPLEMENTED answer).
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  int tasks = 2;
  while (absl::Now() < deadline) {
    ASSERT_TRUE(fake.WaitForCompletion(fake.AddTask(MakeTask("q"))).has_value());
    ++tasks;
    if (fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() > 1; },
                     absl::Milliseconds(50))) {
      break;
    }
  }
  EXPECT_TRUE(fake.WaitFor([&] { return fake.CompleteAndPollCallsLocked() > 1; }));
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_EQ(worker.stats().tasks_succeeded, tasks);
  EXPECT_EQ(worker.stats().tasks_dropped, 0);
}

// A refusal of the completion that rode on a poll is final, as SendTask*'s
// would be: not sent again, the result dropped, and polling goes on.
TEST(WorkerResultsTest, CompletionRefusedWithThePollIsNotSentAgain) {
  FakeOrchestrator fake;
  WorkerOptions options = TestOptions(fake.endpoint());
  options.concurrency = 1;
  Worker worker(options);
  worker.Register("q", [](const Task& task) { return task.input; });
  // The first result rides on a poll and is refused; the second is fine.
  fake.ScriptReports({StepwiseError(grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut")});
  const std::string first = fake.AddTask(MakeTask("q"));
  const std::string second = fake.AddTask(MakeTask("q"));
  BackgroundRun run(worker);
  ASSERT_TRUE(fake.WaitForCompletion(second).has_value());
  ASSERT_THAT(run.Stop(), IsOk());
  EXPECT_FALSE(fake.completion(first).has_value());
  EXPECT_EQ(fake.report_attempts(), 2);
  const Worker::Stats stats = worker.stats();
  EXPECT_EQ(stats.tasks_dropped, 1);
  EXPECT_EQ(stats.tasks_succeeded, 1);
}

}  // namespace
}  // namespace stepwise::worker::testing
