// PostgresStore's one-round-trip hot path (issue 4): CommitStep is one call of
// stepwise_commit_step (schema 0006), whose refusals (raised SQLSTATEs) map
// back to the statuses and messages the store always gave and write nothing;
// reads and claims are single autocommit statements on pooled connections,
// and a pooled connection the server closed is replaced before use.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "persistence/postgres/migrator.h"
#include "persistence/postgres/postgres_store.h"
#include "persistence/store_rules.h"
#include "pqxx/pqxx"
#include "tests/integration/store/postgres_step_fixture.h"
#include "tests/integration/store/store_test_util.h"
#include "tests/testing/postgres_fixture.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;

class PostgresCommitStepTest : public PostgresStepTest {
 protected:
  // Applies the embedded migrations before `name`; *before = how many.
  void MigrateUpTo(std::string_view name, size_t* before = nullptr) {
    std::span<const Migration> all = EmbeddedMigrations();
    size_t count = 0;
    while (count < all.size() && all[count].name != name) ++count;
    ASSERT_LT(count, all.size()) << name;
    ASSERT_THAT(ApplyMigrations(database_url(), all.first(count)), IsOk());
    if (before != nullptr) *before = count;
  }

  // Rows every schema since 5 holds alike: state machine 'arn:m' and its
  // RUNNING execution 'arn:m:before' at version 1.
  static void InsertRunningExecution(pqxx::work& tx) {
    tx.exec0(
        "INSERT INTO state_machines (arn, name, type, definition, role_arn, revision_id,"
        " creation_date, update_date) VALUES ('arn:m', 'm', 'STANDARD', '{}', 'r', 'rev',"
        " now(), now())");
    tx.exec0(
        "INSERT INTO executions (execution_arn, state_machine_arn, revision_id, name, status,"
        " input, start_time, version, state_document) VALUES ('arn:m:before', 'arn:m', 'rev',"
        " 'before', 'RUNNING', '{}', now(), 1, '{}')");
  }
};

TEST_F(PostgresCommitStepTest, StaleVersionIsAbortedWithTheCurrentVersion) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = StartWithTask(*store);
  StepUpdate step = MakeStep(arn, 2, 2);
  step.new_tasks = {MakeTask(arn, "t2", "q", T(1))};
  EXPECT_EQ(store->CommitStep(step, 7).status(),
            absl::AbortedError(StrCat("Execution '", arn, "' is at version 1, not 7")));
  EXPECT_EQ(Count("SELECT count(*) FROM history_events"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks"), 1);
  absl::StatusOr<int64_t> version = store->CommitStep(step, 1);
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(*version, 2);
}

TEST_F(PostgresCommitStepTest, MissingExecutionIsNotFound) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->CommitStep(MakeStep("arn:nope", 1, 1), 1).status(),
            absl::NotFoundError("Execution does not exist: 'arn:nope'"));
}

// The consumed task closed since the step was computed: nothing of the step
// is written, not its history, tasks, closings, timers nor the version.
TEST_F(PostgresCommitStepTest, ClosedConsumedTaskWritesNothing) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = StartWithTask(*store);
  StepUpdate close = MakeStep(arn, 2, 2);
  close.completed_task_ids = {"t1"};
  close.new_tasks = {MakeTask(arn, "t2", "q", T(1))};
  ASSERT_THAT(store->CommitStep(close, 1), IsOk());

  StepUpdate late = MakeStep(arn, 3, 4);
  late.completed_task_ids = {"t1"};
  late.consumed_tasks_must_be_open = true;
  late.new_tasks = {MakeTask(arn, "t3", "q", T(2))};
  late.cancelled_task_ids = {"t2"};
  late.new_timers = {TimerRecord{arn, "w1", T(5), "", std::nullopt}};
  EXPECT_EQ(store->CommitStep(late, 2).status(),
            absl::FailedPreconditionError(
                StrCat("A task consumed by the step on '", arn, "' is no longer open")));
  absl::StatusOr<ExecutionRecord> execution = store->GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->version, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM history_events"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM timers"), 0);
  absl::StatusOr<TaskRecord> t2 = store->FindTaskByToken(close.new_tasks[0].task_token);
  ASSERT_THAT(t2, IsOk());
  EXPECT_EQ(t2->status, TaskStatus::kPending);

  // Without the requirement the same step commits and leaves t1 as it was.
  late.consumed_tasks_must_be_open = false;
  ASSERT_THAT(store->CommitStep(late, 2), IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM timers"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE status = 'CANCELLED'"), 1);
}

TEST_F(PostgresCommitStepTest, StatusRulesKeepTheirMessages) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = StartWithTask(*store);
  StepUpdate redrive = MakeStep(arn, 2, 2);
  redrive.redrive_date = T(9);
  EXPECT_EQ(store->CommitStep(redrive, 1).status(),
            absl::FailedPreconditionError(
                StrCat("Execution '", arn, "' is running; only closed ones redrive")));

  StepUpdate finish = MakeStep(arn, 2, 2);
  finish.status = ExecutionStatus::kSucceeded;
  finish.stop_time = T(3);
  finish.cancelled_task_ids = {"t1"};
  ASSERT_THAT(store->CommitStep(finish, 1), IsOk());
  EXPECT_EQ(store->CommitStep(MakeStep(arn, 3, 3), 2).status(),
            absl::FailedPreconditionError(StrCat("Execution '", arn, "' is SUCCEEDED")));
  redrive = MakeStep(arn, 3, 3);
  redrive.redrive_date = T(9);
  absl::StatusOr<int64_t> version = store->CommitStep(redrive, 2);
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(*version, 3);
  absl::StatusOr<ExecutionRecord> execution = store->GetExecution(arn);
  ASSERT_THAT(execution, IsOk());
  EXPECT_EQ(execution->redrive_count, 1);
  EXPECT_EQ(execution->status, ExecutionStatus::kRunning);
}

// stepwise_create_execution: created once, an identical start answered with
// the existing row, a different one refused, a missing machine NotFound.
TEST_F(PostgresCommitStepTest, CreateExecutionIsOneCallWithTheSameAnswers) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  StateMachineRecord machine = MakeStateMachine("m");
  ASSERT_THAT(store->CreateStateMachine(machine), IsOk());
  NewExecution execution = MakeExecution(machine, "run");
  const std::string arn = execution.execution.execution_arn;
  execution.first_step.new_tasks = {MakeTask(arn, "t1", "q", T(0))};
  execution.first_step.new_timers = {TimerRecord{arn, "w1", T(5), "", std::nullopt}};
  absl::StatusOr<CreateExecutionResult> created = store->CreateExecution(execution);
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->execution.version, 1);
  EXPECT_EQ(created->execution.start_time, T(0));
  EXPECT_EQ(Count("SELECT count(*) FROM timers"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE status = 'PENDING'"), 1);

  absl::StatusOr<CreateExecutionResult> again = store->CreateExecution(execution);
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(again->execution.execution_arn, arn);
  EXPECT_EQ(Count("SELECT count(*) FROM history_events"), 1);

  execution.execution.input = R"({"other":2})";
  EXPECT_EQ(store->CreateExecution(execution).status(),
            absl::AlreadyExistsError(StrCat("Execution already exists: '", arn, "'")));

  NewExecution orphan = MakeExecution(MakeStateMachine("gone"), "run");
  EXPECT_EQ(store->CreateExecution(orphan).status(),
            absl::NotFoundError(StrCat("State machine does not exist: '",
                                       orphan.execution.state_machine_arn, "'")));
}

// A database at schema version 5, holding a running execution, takes
// migration 0006 and the later ones; the execution then steps through the
// function.
TEST_F(PostgresCommitStepTest, MigratesFromSchemaVersion5) {
  std::span<const Migration> all = EmbeddedMigrations();
  size_t before = 0;
  ASSERT_NO_FATAL_FAILURE(MigrateUpTo("0006_commit_step_function", &before));
  {
    // Rows as schema 5 holds them: a running execution with an open task.
    pqxx::connection connection(database_url());
    pqxx::work tx(connection);
    InsertRunningExecution(tx);
    tx.exec0(
        "INSERT INTO tasks (execution_arn, task_id, task_token, queue, resource, state_name,"
        " payload, scheduled_at, status) VALUES ('arn:m:before', 't1', 'tok', 'q', 'r', 'S',"
        " '{}', now(), 'PENDING')");
    tx.commit();
  }
  absl::StatusOr<int> applied = ApplyMigrations(database_url());
  ASSERT_THAT(applied, IsOk());
  EXPECT_EQ(*applied, static_cast<int>(all.size() - before));
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = "arn:m:before";
  StepUpdate step = MakeStep(arn, 2, 2);
  step.completed_task_ids = {"t1"};
  step.consumed_tasks_must_be_open = true;
  absl::StatusOr<int64_t> version = store->CommitStep(step, 1);
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(*version, 2);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE status = 'COMPLETED'"), 1);
}

// A database at schema version 11 holds one history_events row per event;
// migration 0012 moves them into history_steps (one row per event), where
// they read as before, next to the new one-row-per-step events, and the
// history_events view still shows every event with its old columns.
TEST_F(PostgresCommitStepTest, MigratesHistoryRowsToOneRowPerStep) {
  ASSERT_NO_FATAL_FAILURE(MigrateUpTo("0012_history_steps"));
  const std::string arn = "arn:m:before";
  {
    pqxx::connection connection(database_url());
    pqxx::work tx(connection);
    InsertRunningExecution(tx);
    // Three events, as schema 11 wrote them (MakeEvent's fields).
    for (int id = 1; id <= 3; ++id) {
      const HistoryRecord event = MakeEvent(id);
      tx.exec_params0(
          "INSERT INTO history_events (execution_arn, id, previous_event_id, type, timestamp,"
          " event) VALUES ($1, $2, $3, $4, stepwise_ts($5), $6)",
          arn, event.id, event.previous_event_id, event.type, ToMicros(event.timestamp),
          event.event_json);
    }
    tx.commit();
  }
  ASSERT_THAT(ApplyMigrations(database_url()), IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM history_steps"), 3);

  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->CommitStep(MakeStep(arn, 4, 6), 1), IsOk());
  EXPECT_EQ(Count("SELECT count(*) FROM history_steps"), 4);

  absl::StatusOr<std::vector<HistoryRecord>> history = store->ReadHistory(arn, {0, 100, false});
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 6u);
  for (int id = 1; id <= 6; ++id) {
    const HistoryRecord expected = MakeEvent(id);
    const HistoryRecord& event = (*history)[id - 1];
    EXPECT_EQ(event.id, expected.id);
    EXPECT_EQ(event.previous_event_id, expected.previous_event_id);
    EXPECT_EQ(event.type, expected.type);
    EXPECT_EQ(event.timestamp, expected.timestamp);
    EXPECT_EQ(event.event_json, expected.event_json);
  }
  absl::StatusOr<std::vector<HistoryRecord>> newest = store->ReadHistory(arn, {5, 3, true});
  ASSERT_THAT(newest, IsOk());
  ASSERT_EQ(newest->size(), 3u);
  EXPECT_EQ((*newest)[0].id, 4);
  EXPECT_EQ((*newest)[2].id, 2);

  // The view: every event once, its columns as the table had them.
  EXPECT_EQ(Count("SELECT count(*) FROM history_events"), 6);
  EXPECT_EQ(Count(StrCat("SELECT sum(id * previous_event_id) FROM history_events"
                         " WHERE execution_arn = '",
                         arn,
                         "' AND type = 'PassStateEntered'"
                         " AND event = '{\"id\":' || id || ',\"type\":\"PassStateEntered\"}'"
                         " AND stepwise_us(timestamp) = ",
                         ToMicros(T(0)), " + id * 1000000")),
            1 * 0 + 2 * 1 + 3 * 2 + 4 * 3 + 5 * 4 + 6 * 5);
}

// The server closed every pooled connection (as a restart does): the next
// calls, writes included, go out on new connections instead of failing.
TEST_F(PostgresCommitStepTest, ServerClosedConnectionsAreReplacedBeforeSending) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = StartWithTask(*store);
  ASSERT_THAT(store->GetExecution(arn), IsOk());
  {
    pqxx::connection admin(database_url());
    pqxx::nontransaction tx(admin);
    tx.exec(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()");
  }
  // pg_terminate_backend only signals: wait for the backends to be gone.
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (Count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()") > 1 &&
         absl::Now() < deadline) {
  }
  StepUpdate step = MakeStep(arn, 2, 2);
  step.completed_task_ids = {"t1"};
  EXPECT_THAT(store->CommitStep(step, 1), IsOk());
  EXPECT_THAT(store->GetExecution(arn), IsOk());
}

// A claim is one autocommit statement: another session sees it at once.
TEST_F(PostgresCommitStepTest, ClaimCommitsOnItsOwn) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  StartWithTask(*store);
  TaskLeaseRule rule;
  absl::StatusOr<std::optional<TaskRecord>> claimed = store->ClaimTask("q", "w1", rule, T(10));
  ASSERT_THAT(claimed, IsOk());
  ASSERT_TRUE(claimed->has_value());
  EXPECT_EQ((*claimed)->worker_id, "w1");
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE status = 'CLAIMED' AND worker_id = 'w1'"), 1);
  claimed = store->ClaimTask("q", "w2", rule, T(10));
  ASSERT_THAT(claimed, IsOk());
  EXPECT_FALSE(claimed->has_value());
}

// Schema 0007: a new task inserted already claimed (TaskRecord::claim) sends
// no NOTIFY (it is on its way to its worker); its PENDING siblings do; a step
// with only claimed tasks notifies nothing (schema 0010). The
// 0006 functions, kept for older binaries, still write PENDING tasks.
TEST_F(PostgresCommitStepTest, ClaimedNewTasksAreNotNotifiedAndOldFunctionsStillWork) {
  std::unique_ptr<PostgresStore> store = Connect();
  ASSERT_NE(store, nullptr);
  const std::string arn = StartWithTask(*store);

  class Listener : public pqxx::notification_receiver {
   public:
    Listener(pqxx::connection_base& c, std::vector<std::string>& out)
        : pqxx::notification_receiver(c, "stepwise_tasks"), out_(out) {}
    void operator()(const std::string& payload, int) override { out_.push_back(payload); }

   private:
    std::vector<std::string>& out_;
  };
  pqxx::connection listen(database_url());
  std::vector<std::string> queues;
  Listener listener(listen, queues);

  // Schema 0010: a step whose new tasks are all claimed skips the NOTIFY
  // query; notifications arrive in commit order, so none from it may come
  // before the next step's.
  StepUpdate all_claimed = MakeStep(arn, 2, 2);
  TaskRecord only = MakeTask(arn, "t1b", "only-claimed", T(1));
  only.claim = TaskClaim{"w1", T(1), T(61)};
  all_claimed.new_tasks = {only};
  ASSERT_THAT(store->CommitStep(all_claimed, 1), IsOk());

  StepUpdate step = MakeStep(arn, 3, 3);
  TaskRecord claimed = MakeTask(arn, "t2", "claimed", T(1));
  claimed.claim = TaskClaim{"w1", T(1), T(61)};
  step.new_tasks = {claimed, MakeTask(arn, "t3", "pending", T(1))};
  ASSERT_THAT(store->CommitStep(step, 2), IsOk());
  {
    // The 0006 signature (25 arguments after the version fields), as an
    // older binary calls it: a PENDING task, notified.
    pqxx::connection connection(database_url());
    pqxx::nontransaction tx(connection);
    tx.exec(StrCat(
        "SELECT stepwise_commit_step('", arn,
        "', 3, '{}', 'RUNNING', '', '', '', NULL, NULL,"
        " '{4}', '{3}', '{PassStateEntered}', '{0}', '{\"{}\"}',"
        " '{t4}', '{token-t4}', '{last}', '{r}', '{S}', '{\"{}\"}', '{NULL}', '{NULL}', '{0}',"
        " '{0}', '{\"\"}', '{}', '{}', false, '{}', '{}', '{}', '{}')"));
  }
  absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (queues.size() < 2 && absl::Now() < deadline) listen.await_notification(1, 0);
  EXPECT_THAT(queues, ::testing::ElementsAre("pending", "last"));
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE task_id = 't1b' AND status = 'CLAIMED'"
                  " AND worker_id = 'w1' AND delivery_count = 1"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE task_id = 't2' AND status = 'CLAIMED'"
                  " AND worker_id = 'w1' AND delivery_count = 1"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM tasks WHERE task_id = 't4' AND status = 'PENDING'"
                  " AND worker_id = '' AND delivery_count = 0 AND lease_until IS NULL"),
            1);
}

}  // namespace
}  // namespace stepwise::persistence::testing
