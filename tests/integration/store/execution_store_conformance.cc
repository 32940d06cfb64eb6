// ExecutionStore conformance, part 1: state machines, executions, CommitStep
// and history. Part 2 (tasks and timers) is in
// execution_store_conformance_dispatch.cc. Every backend runs both.
#include "tests/integration/store/execution_store_conformance.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <thread>
#include <vector>

namespace stepwise::persistence::testing {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

// --- State machines ---------------------------------------------------------

TYPED_TEST(ExecutionStoreConformance, CreateAndGetStateMachine) {
  StateMachineRecord record = MakeStateMachine("orders");
  ASSERT_THAT(this->store().CreateStateMachine(record), IsOk());
  absl::StatusOr<StateMachineRecord> got = this->store().GetStateMachine(record.arn);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->name, "orders");
  EXPECT_EQ(got->definition, record.definition);
  EXPECT_EQ(got->role_arn, record.role_arn);
  EXPECT_EQ(got->type, "STANDARD");
  EXPECT_EQ(got->revision_id, record.revision_id);
  EXPECT_EQ(got->creation_date, record.creation_date);
  EXPECT_EQ(got->update_date, record.creation_date);
  EXPECT_THAT(this->store().GetStateMachine("arn:nope"), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ExecutionStoreConformance, CreateStateMachineIsIdempotentOnlyWhenIdentical) {
  StateMachineRecord record = this->Machine("orders");
  StateMachineRecord again = record;
  again.revision_id = "another-rev";
  again.creation_date = T(100);
  absl::StatusOr<StateMachineRecord> same = this->store().CreateStateMachine(again);
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->creation_date, record.creation_date);  // The existing one.
  EXPECT_EQ(same->revision_id, record.revision_id);

  StateMachineRecord different = record;
  different.definition = R"({"StartAt":"B","States":{"B":{"Type":"Succeed"}}})";
  EXPECT_THAT(this->store().CreateStateMachine(different),
              StatusIs(absl::StatusCode::kAlreadyExists));

  StateMachineRecord same_name = MakeStateMachine("orders");
  same_name.arn = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders";
  same_name.revision_id = "other";
  EXPECT_THAT(this->store().CreateStateMachine(same_name),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TYPED_TEST(ExecutionStoreConformance, ListStateMachinesPaginatesByArn) {
  for (std::string_view name : {"e", "b", "d", "a", "c"}) this->Machine(name);
  std::vector<std::string> names;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<StateMachinePage> page = this->store().ListStateMachines(2, token);
    ASSERT_THAT(page, IsOk());
    EXPECT_LE(page->state_machines.size(), 2u);
    for (const StateMachineRecord& record : page->state_machines) names.push_back(record.name);
    token = page->next_page_token;
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_THAT(names, ElementsAre("a", "b", "c", "d", "e"));
  EXPECT_EQ(pages, 3);
  EXPECT_THAT(this->store().ListStateMachines(2, "not a token!"),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(this->store().ListStateMachines(0, ""), StatusIs(absl::StatusCode::kInvalidArgument));
}

TYPED_TEST(ExecutionStoreConformance, UpdateStateMachineAddsRevision) {
  StateMachineRecord record = this->Machine("orders");
  StateMachineUpdate update;
  update.arn = record.arn;
  update.definition = R"({"StartAt":"B","States":{"B":{"Type":"Succeed"}}})";
  update.revision_id = "orders-rev-2";
  update.update_date = T(50);
  absl::StatusOr<StateMachineRecord> updated = this->store().UpdateStateMachine(update);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->definition, *update.definition);
  EXPECT_EQ(updated->role_arn, record.role_arn);  // Unchanged.
  EXPECT_EQ(updated->revision_id, "orders-rev-2");
  EXPECT_EQ(updated->update_date, T(50));
  EXPECT_EQ(updated->creation_date, record.creation_date);

  absl::StatusOr<StateMachineRevision> old_revision =
      this->store().GetStateMachineRevision(record.revision_id);
  ASSERT_THAT(old_revision, IsOk());
  EXPECT_EQ(old_revision->definition, record.definition);
  absl::StatusOr<StateMachineRevision> new_revision =
      this->store().GetStateMachineRevision("orders-rev-2");
  ASSERT_THAT(new_revision, IsOk());
  EXPECT_EQ(new_revision->definition, *update.definition);
  EXPECT_EQ(new_revision->state_machine_arn, record.arn);

  update.arn = "arn:nope";
  update.revision_id = "x";
  EXPECT_THAT(this->store().UpdateStateMachine(update), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().GetStateMachineRevision("nope"), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ExecutionStoreConformance, DeleteStateMachineKeepsRevisionsAndExecutions) {
  StateMachineRecord record = this->Machine("orders");
  NewExecution execution = MakeExecution(record, "run-1");
  execution.first_step.status = ExecutionStatus::kSucceeded;  // Nothing runs: gone at once.
  execution.first_step.stop_time = T(1);
  this->Start(execution);
  ASSERT_THAT(this->store().DeleteStateMachine(record.arn), IsOk());
  EXPECT_THAT(this->store().GetStateMachine(record.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().DeleteStateMachine(record.arn), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().GetStateMachineRevision(record.revision_id), IsOk());
  EXPECT_THAT(this->store().GetExecution(execution.execution.execution_arn), IsOk());
}

// --- Executions -------------------------------------------------------------

TYPED_TEST(ExecutionStoreConformance, CreateExecutionCommitsFirstStep) {
  StateMachineRecord machine = this->Machine();
  NewExecution execution = MakeExecution(machine, "run-1");
  execution.first_step.new_tasks.push_back(
      MakeTask(execution.execution.execution_arn, "t1", "q", T(1)));
  execution.first_step.new_timers.push_back(
      TimerRecord{execution.execution.execution_arn, "timer-1", T(5), "", std::nullopt});
  absl::StatusOr<CreateExecutionResult> created = this->store().CreateExecution(execution);
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->created);
  EXPECT_EQ(created->execution.version, 1);
  EXPECT_EQ(created->execution.status, ExecutionStatus::kRunning);

  const std::string& arn = execution.execution.execution_arn;
  absl::StatusOr<ExecutionSnapshot> snapshot = this->store().LoadExecution(arn);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(snapshot->state_document, R"({"step":1})");
  EXPECT_EQ(snapshot->execution.version, 1);
  EXPECT_EQ(snapshot->execution.input, R"({"in":1})");
  EXPECT_EQ(snapshot->execution.start_time, T(0));
  EXPECT_EQ(snapshot->execution.revision_id, machine.revision_id);
  EXPECT_FALSE(snapshot->execution.stop_time.has_value());

  absl::StatusOr<std::vector<HistoryRecord>> history = this->store().ReadHistory(arn, {});
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].type, "ExecutionStarted");
  EXPECT_EQ((*history)[0].event_json, execution.first_step.history[0].event_json);
  EXPECT_EQ((*history)[0].timestamp, T(1));

  EXPECT_THAT(this->store().FindTaskByToken(execution.first_step.new_tasks[0].task_token), IsOk());
  absl::StatusOr<std::vector<TimerRecord>> timers =
      this->store().ClaimDueTimers(T(10), 10, "me", T(20));
  ASSERT_THAT(timers, IsOk());
  EXPECT_THAT(*timers, ElementsAre(Field(&TimerRecord::timer_id, "timer-1")));
}

TYPED_TEST(ExecutionStoreConformance, CreateExecutionFinishedInFirstStep) {
  NewExecution execution = MakeExecution(this->Machine(), "quick");
  execution.first_step.status = ExecutionStatus::kSucceeded;
  execution.first_step.output = R"({"done":true})";
  execution.first_step.stop_time = T(1);
  absl::StatusOr<CreateExecutionResult> created = this->store().CreateExecution(execution);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->execution.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(created->execution.output, R"({"done":true})");
  EXPECT_EQ(created->execution.stop_time, T(1));
}

TYPED_TEST(ExecutionStoreConformance, StartExecutionIsIdempotentByNameAsAws) {
  StateMachineRecord machine = this->Machine();
  NewExecution execution = MakeExecution(machine, "run-1");
  this->Start(execution);

  NewExecution again = execution;
  again.first_step.history.push_back(MakeEvent(2));  // Must not be written.
  absl::StatusOr<CreateExecutionResult> same = this->store().CreateExecution(again);
  ASSERT_THAT(same, IsOk());
  EXPECT_FALSE(same->created);
  EXPECT_EQ(same->execution.version, 1);
  absl::StatusOr<std::vector<HistoryRecord>> history =
      this->store().ReadHistory(execution.execution.execution_arn, {});
  ASSERT_THAT(history, IsOk());
  EXPECT_EQ(history->size(), 1u);

  NewExecution other_input = MakeExecution(machine, "run-1", R"({"in":2})");
  EXPECT_THAT(this->store().CreateExecution(other_input),
              StatusIs(absl::StatusCode::kAlreadyExists));

  // Closed: the same request is now a conflict.
  StepUpdate finish = MakeStep(execution.execution.execution_arn, 2, 2);
  finish.status = ExecutionStatus::kSucceeded;
  finish.stop_time = T(3);
  ASSERT_THAT(this->store().CommitStep(finish, 1), IsOk());
  EXPECT_THAT(this->store().CreateExecution(execution), StatusIs(absl::StatusCode::kAlreadyExists));
}

TYPED_TEST(ExecutionStoreConformance, CreateExecutionNeedsStateMachine) {
  StateMachineRecord ghost = MakeStateMachine("ghost");
  EXPECT_THAT(this->store().CreateExecution(MakeExecution(ghost, "r")),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().GetExecution("arn:nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().LoadExecution("arn:nope"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().ReadHistory("arn:nope", {}), StatusIs(absl::StatusCode::kNotFound));
}

// NewExecution::require_current_revision: a start from a stale machine
// record (an executor's cache) writes nothing and is kAborted; the current
// revision, or no requirement, starts as before. Answers about an existing
// execution, an absent or a DELETING machine come first, as without it.
TYPED_TEST(ExecutionStoreConformance, CreateExecutionCanRequireTheCurrentRevision) {
  StateMachineRecord machine = this->Machine("orders");
  NewExecution current = MakeExecution(machine, "current");
  current.require_current_revision = true;
  EXPECT_THAT(this->store().CreateExecution(current), IsOk());

  StateMachineUpdate update;
  update.arn = machine.arn;
  update.definition = R"({"StartAt":"B","States":{"B":{"Type":"Succeed"}}})";
  update.revision_id = "orders-rev-2";
  update.update_date = T(5);
  ASSERT_THAT(this->store().UpdateStateMachine(update), IsOk());

  NewExecution stale = MakeExecution(machine, "stale");  // Still at orders-rev-1.
  stale.require_current_revision = true;
  EXPECT_THAT(this->store().CreateExecution(stale), StatusIs(absl::StatusCode::kAborted));
  EXPECT_THAT(this->store().GetExecution(stale.execution.execution_arn),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(this->store().ReadHistory(stale.execution.execution_arn, {}),
              StatusIs(absl::StatusCode::kNotFound));
  // The same start of an execution that exists is answered as before.
  EXPECT_THAT(this->store().CreateExecution(current), IsOk());

  stale.require_current_revision = false;
  EXPECT_THAT(this->store().CreateExecution(stale), IsOk());
  NewExecution fresh = MakeExecution(machine, "fresh");
  fresh.execution.revision_id = "orders-rev-2";
  fresh.require_current_revision = true;
  EXPECT_THAT(this->store().CreateExecution(fresh), IsOk());

  // Gone and DELETING keep their own answers.
  ASSERT_THAT(this->store().DeleteStateMachine(machine.arn), IsOk());  // Executions run.
  NewExecution late = MakeExecution(machine, "late");
  late.require_current_revision = true;
  EXPECT_THAT(this->store().CreateExecution(late), StatusIs(absl::StatusCode::kFailedPrecondition));
  StateMachineRecord ghost = MakeStateMachine("ghost");
  NewExecution orphan = MakeExecution(ghost, "r");
  orphan.require_current_revision = true;
  EXPECT_THAT(this->store().CreateExecution(orphan), StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ExecutionStoreConformance, ListExecutionsNewestFirstWithFilterAndPages) {
  StateMachineRecord machine = this->Machine("m");
  StateMachineRecord other = this->Machine("other");
  this->Start(MakeExecution(other, "elsewhere", "{}", T(100)));
  for (int i = 0; i < 5; ++i) {
    NewExecution execution = MakeExecution(machine, StrCat("run-", i), "{}", T(i));
    if (i % 2 == 1) {
      execution.first_step.status = ExecutionStatus::kFailed;
      execution.first_step.stop_time = T(i);
    }
    this->Start(execution);
  }
  // Two executions started at the same instant still page deterministically.
  this->Start(MakeExecution(machine, "run-4b", "{}", T(4)));

  std::vector<std::string> names;
  std::string token;
  for (int pages = 0; pages < 10; ++pages) {
    absl::StatusOr<ExecutionPage> page =
        this->store().ListExecutions({machine.arn, std::nullopt}, 4, token);
    ASSERT_THAT(page, IsOk());
    for (const ExecutionRecord& record : page->executions) names.push_back(record.name);
    token = page->next_page_token;
    if (token.empty()) break;
  }
  EXPECT_THAT(names, ElementsAre("run-4b", "run-4", "run-3", "run-2", "run-1", "run-0"));

  absl::StatusOr<ExecutionPage> failed =
      this->store().ListExecutions({machine.arn, ExecutionStatus::kFailed}, 1, "");
  ASSERT_THAT(failed, IsOk());
  ASSERT_EQ(failed->executions.size(), 1u);
  EXPECT_EQ(failed->executions[0].name, "run-3");
  absl::StatusOr<ExecutionPage> rest = this->store().ListExecutions(
      {machine.arn, ExecutionStatus::kFailed}, 10, failed->next_page_token);
  ASSERT_THAT(rest, IsOk());
  EXPECT_THAT(rest->executions, ElementsAre(Field(&ExecutionRecord::name, "run-1")));
  EXPECT_THAT(rest->next_page_token, IsEmpty());
}

// --- CommitStep -------------------------------------------------------------

TYPED_TEST(ExecutionStoreConformance, CommitStepAppliesEverything) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);

  StepUpdate step = MakeStep(arn, 2, 4);
  absl::StatusOr<int64_t> version = this->store().CommitStep(step, 1);
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(*version, 2);

  StepUpdate finish = MakeStep(arn, 5, 5);
  finish.status = ExecutionStatus::kFailed;
  finish.error = "States.TaskFailed";
  finish.cause = "boom";
  finish.stop_time = T(9);
  ASSERT_THAT(this->store().CommitStep(finish, 2), IsOk());

  absl::StatusOr<ExecutionSnapshot> snapshot = this->store().LoadExecution(arn);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(snapshot->execution.version, 3);
  EXPECT_EQ(snapshot->execution.status, ExecutionStatus::kFailed);
  EXPECT_EQ(snapshot->execution.error, "States.TaskFailed");
  EXPECT_EQ(snapshot->execution.cause, "boom");
  EXPECT_EQ(snapshot->execution.stop_time, T(9));
  EXPECT_EQ(snapshot->state_document, R"({"step":5})");
  absl::StatusOr<std::vector<HistoryRecord>> history = this->store().ReadHistory(arn, {});
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), 5u);
  for (size_t i = 0; i < history->size(); ++i) EXPECT_EQ((*history)[i].id, int64_t(i) + 1);

  // Closed: only a redrive applies.
  EXPECT_THAT(this->store().CommitStep(MakeStep(arn, 6, 6), 3),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  StepUpdate redrive = MakeStep(arn, 6, 6);
  redrive.redrive_date = T(20);
  ASSERT_THAT(this->store().CommitStep(redrive, 3), IsOk());
  absl::StatusOr<ExecutionRecord> redriven = this->store().GetExecution(arn);
  ASSERT_THAT(redriven, IsOk());
  EXPECT_EQ(redriven->status, ExecutionStatus::kRunning);
  EXPECT_EQ(redriven->redrive_count, 1);
  EXPECT_EQ(redriven->redrive_date, T(20));
  EXPECT_FALSE(redriven->stop_time.has_value());
  EXPECT_THAT(this->store().CommitStep(redrive, 4),
              StatusIs(absl::StatusCode::kFailedPrecondition));  // Running now.
}

TYPED_TEST(ExecutionStoreConformance, StaleCommitIsAbortedAndWritesNothing) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);
  ASSERT_THAT(this->store().CommitStep(MakeStep(arn, 2, 2), 1), IsOk());

  StepUpdate stale = MakeStep(arn, 3, 3);
  stale.status = ExecutionStatus::kSucceeded;
  stale.new_tasks.push_back(MakeTask(arn, "t1", "q", T(1)));
  stale.new_timers.push_back(TimerRecord{arn, "timer", T(1), "", std::nullopt});
  EXPECT_THAT(this->store().CommitStep(stale, 1), StatusIs(absl::StatusCode::kAborted));

  absl::StatusOr<ExecutionSnapshot> snapshot = this->store().LoadExecution(arn);
  ASSERT_THAT(snapshot, IsOk());
  EXPECT_EQ(snapshot->execution.version, 2);
  EXPECT_EQ(snapshot->execution.status, ExecutionStatus::kRunning);
  EXPECT_EQ(snapshot->state_document, R"({"step":2})");
  EXPECT_THAT(this->store().ReadHistory(arn, {}), HasValue(::testing::SizeIs(2)));
  EXPECT_THAT(this->store().FindTaskByToken(stale.new_tasks[0].task_token),
              StatusIs(absl::StatusCode::kNotFound));
  absl::StatusOr<std::vector<TimerRecord>> timers =
      this->store().ClaimDueTimers(T(100), 10, "me", T(200));
  ASSERT_THAT(timers, IsOk());
  EXPECT_THAT(*timers, IsEmpty());
  EXPECT_THAT(this->store().CommitStep(MakeStep("arn:nope", 1, 1), 1),
              StatusIs(absl::StatusCode::kNotFound));
}

TYPED_TEST(ExecutionStoreConformance, DuplicateTaskTokenRollsBackTheStep) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  execution.first_step.new_tasks.push_back(MakeTask(arn, "t1", "q", T(1)));
  this->Start(execution);
  StepUpdate step = MakeStep(arn, 2, 2);
  TaskRecord clash = MakeTask(arn, "t2", "q", T(2));
  clash.task_token = execution.first_step.new_tasks[0].task_token;
  step.new_tasks.push_back(clash);
  EXPECT_THAT(this->store().CommitStep(step, 1), StatusIs(absl::StatusCode::kAlreadyExists));
  absl::StatusOr<ExecutionRecord> record = this->store().GetExecution(arn);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->version, 1);
  EXPECT_THAT(this->store().ReadHistory(arn, {}), HasValue(::testing::SizeIs(1)));
}

TYPED_TEST(ExecutionStoreConformance, ConcurrentCommitsHaveOneWinnerPerVersion) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);
  constexpr int kAttempts = 40;
  std::vector<std::vector<int64_t>> won(2);
  std::vector<std::thread> threads;
  threads.reserve(2);
  for (int t = 0; t < 2; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kAttempts; ++i) {
        absl::StatusOr<ExecutionSnapshot> snapshot = this->store().LoadExecution(arn);
        if (!snapshot.ok()) continue;
        int64_t version = snapshot->execution.version;
        // The next event id follows the version: one event per step.
        StepUpdate step = MakeStep(arn, version + 1, version + 1);
        step.history[0].event_json = StrCat(R"({"thread":)", t, "}");
        absl::StatusOr<int64_t> committed = this->store().CommitStep(step, version);
        if (committed.ok()) {
          won[t].push_back(version);
        } else {
          EXPECT_THAT(committed, StatusIs(absl::StatusCode::kAborted));
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  std::set<int64_t> versions;
  size_t wins = 0;
  for (const auto& list : won) {
    wins += list.size();
    versions.insert(list.begin(), list.end());
  }
  EXPECT_EQ(versions.size(), wins) << "two commits won the same version";
  absl::StatusOr<ExecutionRecord> record = this->store().GetExecution(arn);
  ASSERT_THAT(record, IsOk());
  EXPECT_EQ(record->version, 1 + static_cast<int64_t>(wins));
  absl::StatusOr<std::vector<HistoryRecord>> history =
      this->store().ReadHistory(arn, {0, 10'000, false});
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->size(), wins + 1);
  for (size_t i = 0; i < history->size(); ++i) {
    EXPECT_EQ((*history)[i].id, static_cast<int64_t>(i) + 1);
  }
}

// --- History ----------------------------------------------------------------

TYPED_TEST(ExecutionStoreConformance, HistoryPagesForwardAndReverse) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);
  ASSERT_THAT(this->store().CommitStep(MakeStep(arn, 2, 10), 1), IsOk());

  auto ids = [&](HistoryQuery query) {
    std::vector<int64_t> out;
    absl::StatusOr<std::vector<HistoryRecord>> page = this->store().ReadHistory(arn, query);
    EXPECT_THAT(page, IsOk());
    if (page.ok()) {
      for (const HistoryRecord& event : *page) out.push_back(event.id);
    }
    return out;
  };
  EXPECT_THAT(ids({0, 4, false}), ElementsAre(1, 2, 3, 4));
  EXPECT_THAT(ids({4, 4, false}), ElementsAre(5, 6, 7, 8));
  EXPECT_THAT(ids({8, 4, false}), ElementsAre(9, 10));
  EXPECT_THAT(ids({10, 4, false}), IsEmpty());
  EXPECT_THAT(ids({0, 3, true}), ElementsAre(10, 9, 8));
  EXPECT_THAT(ids({8, 3, true}), ElementsAre(7, 6, 5));
  EXPECT_THAT(ids({2, 3, true}), ElementsAre(1));
}

// Steps of different sizes (PostgreSQL keeps one row per step, schema 0012):
// every page, from every cursor, of every size, forward and reverse, holds
// exactly the events a flat list would give, with all their fields.
TYPED_TEST(ExecutionStoreConformance, HistoryPagesCutStepsAnywhere) {
  NewExecution execution = MakeExecution(this->Machine(), "run");
  const std::string arn = execution.execution.execution_arn;
  this->Start(execution);
  std::vector<HistoryRecord> all = execution.first_step.history;
  int64_t version = 1;
  int64_t next_id = 2;
  for (int64_t size : {3, 1, 5, 2, 1}) {
    StepUpdate step = MakeStep(arn, next_id, next_id + size - 1);
    // Branch events point back past the step (as Parallel's do).
    step.history.back().previous_event_id = 1;
    step.history.back().event_json = StrCat(R"({"big":")", std::string(3000, 'x'), R"("})");
    all.insert(all.end(), step.history.begin(), step.history.end());
    ASSERT_THAT(this->store().CommitStep(step, version), IsOk());
    ++version;
    next_id += size;
  }
  const int64_t last = next_id - 1;
  ASSERT_EQ(last, static_cast<int64_t>(all.size()));

  for (bool reverse : {false, true}) {
    for (int64_t cursor = 0; cursor <= last + 1; ++cursor) {
      for (int max = 1; max <= last + 1; ++max) {
        SCOPED_TRACE(StrCat(reverse ? "reverse" : "forward", " cursor ", cursor, " max ", max));
        std::vector<HistoryRecord> expected;
        if (!reverse) {
          for (int64_t id = cursor + 1; id <= last && std::ssize(expected) < max; ++id) {
            expected.push_back(all[id - 1]);
          }
        } else {
          for (int64_t id = cursor == 0 ? last : std::min(cursor - 1, last);
               id >= 1 && std::ssize(expected) < max; --id) {
            expected.push_back(all[id - 1]);
          }
        }
        absl::StatusOr<std::vector<HistoryRecord>> page =
            this->store().ReadHistory(arn, {cursor, max, reverse});
        ASSERT_THAT(page, IsOk());
        ASSERT_EQ(page->size(), expected.size());
        for (size_t i = 0; i < expected.size(); ++i) {
          EXPECT_EQ((*page)[i].id, expected[i].id);
          EXPECT_EQ((*page)[i].previous_event_id, expected[i].previous_event_id);
          EXPECT_EQ((*page)[i].type, expected[i].type);
          EXPECT_EQ((*page)[i].timestamp, expected[i].timestamp);
          EXPECT_EQ((*page)[i].event_json, expected[i].event_json);
        }
      }
    }
  }
}

}  // namespace
}  // namespace stepwise::persistence::testing
