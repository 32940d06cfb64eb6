// RedriveExecution in the engine (redrive.h): an ended execution runs again
// from the states that did not succeed. Each scenario runs an execution to
// its end on a virtual clock, applies RedriveRequested and runs it to its end
// again, serializing and restoring the state between any two events.
#include "orchestrator/engine/redrive.h"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::shared_ptr<const asl::StateMachine> Machine(std::string_view definition) {
  asl::ValidationResult result = asl::ValidateDefinition(definition);
  for (const auto& d : result.diagnostics) ADD_FAILURE() << d.location << ": " << d.message;
  return result.machine;
}

ExecutionInfo Info() {
  return {"arn:aws:states:us-east-1:1:execution:m:run", "run",
          "arn:aws:states:us-east-1:1:stateMachine:m", "m", "arn:aws:iam::1:role/r"};
}

// The events Interpreter::Apply takes.
using Body = decltype(Event::body);

// Answers a task; `redriven` tells the first run from the run after the redrive.
using Handler = std::function<TaskAnswer(const ScheduleTask& task, bool redriven)>;

TaskAnswer Ok(json::value output) {
  return {TaskAnswer::Kind::kSucceed, std::move(output), "", ""};
}
TaskAnswer Boom() { return {TaskAnswer::Kind::kFail, nullptr, "Boom", "it broke"}; }
TaskAnswer NoAnswer() { return {TaskAnswer::Kind::kNoAnswer, nullptr, "", ""}; }

// Drives one execution: applies `first`, answers each scheduled task at once
// with `handler`, fires timers by moving the virtual clock, until nothing is
// left to do. Round-trips the state through JSON after every event.
class Driver {
 public:
  Driver(std::string_view definition, Handler handler)
      : interpreter_(Machine(definition)), handler_(std::move(handler)) {}

  void Apply(Body body) {
    ready_.push_back(std::move(body));
    while (true) {
      if (ready_.empty()) {
        if (state_.status != ExecutionStatus::kRunning || timers_.empty() || !fire_timers_) return;
        auto first = timers_.begin();
        now_ = std::max(now_, first->first.first);
        ready_.push_back(TimerFired{first->second});
        timers_.erase(first);
      }
      Event event{now_, "entropy-" + std::to_string(events_++), std::move(ready_.front())};
      ready_.pop_front();
      StepResult step = interpreter_.Apply(std::move(state_), event);
      absl::StatusOr<ExecutionState> restored = ExecutionStateFromJson(ToJson(step.state));
      ASSERT_TRUE(restored.ok()) << restored.status();
      ASSERT_EQ(json::serialize(ToJson(*restored)), json::serialize(ToJson(step.state)));
      state_ = *std::move(restored);
      for (HistoryEvent& h : step.history) history_.push_back(std::move(h));
      for (Effect& effect : step.effects) Perform(effect);
    }
  }

  // Runs the execution from its start.
  void Start(std::string_view input) { Apply(StartExecution{Info(), json::parse(input)}); }
  void Redrive(std::string token = "") {
    redriven_ = true;
    tasks_.clear();
    redrive_history_from_ = history_.size();
    Apply(RedriveRequested{std::move(token)});
  }

  // While false, the run stops when only timers are left (a Wait stays waiting).
  void set_fire_timers(bool fire) { fire_timers_ = fire; }
  const ExecutionState& state() const { return state_; }
  const std::vector<HistoryEvent>& history() const { return history_; }
  // The history types since the last Redrive().
  std::vector<std::string> RedriveTypes() const {
    std::vector<std::string> types;
    for (size_t i = redrive_history_from_; i < history_.size(); ++i) {
      types.push_back(TypeName(history_[i]));
    }
    return types;
  }
  // "State:payload" of the tasks scheduled since the start or the last Redrive().
  const std::vector<std::string>& tasks() const { return tasks_; }
  absl::Time now() const { return now_; }
  size_t pending_timers() const { return timers_.size(); }

 private:
  void Perform(Effect& effect) {
    if (auto* task = std::get_if<ScheduleTask>(&effect)) {
      tasks_.push_back(task->state_name + ":" + json::serialize(task->payload));
      TaskAnswer answer = handler_(*task, redriven_);
      if (answer.kind == TaskAnswer::Kind::kNoAnswer) return;
      ready_.push_back(TaskStarted{task->task_id});
      if (answer.kind == TaskAnswer::Kind::kSucceed) {
        ready_.push_back(TaskSucceeded{task->task_id, std::move(answer.output)});
      } else {
        ready_.push_back(TaskFailed{task->task_id, answer.error, answer.cause});
      }
    } else if (auto* start = std::get_if<StartTimer>(&effect)) {
      timers_.emplace(std::make_pair(start->fire_at, start->timer_id), start->timer_id);
    } else if (auto* cancel = std::get_if<CancelTimer>(&effect)) {
      std::erase_if(timers_, [&](const auto& t) { return t.second == cancel->timer_id; });
    }
  }

  Interpreter interpreter_;
  Handler handler_;
  ExecutionState state_;
  std::vector<HistoryEvent> history_;
  std::deque<Body> ready_;
  std::map<std::pair<absl::Time, std::string>, std::string> timers_;
  std::vector<std::string> tasks_;
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  int events_ = 0;
  bool redriven_ = false;
  bool fire_timers_ = true;
  size_t redrive_history_from_ = 0;
};

// One table row: an execution that ends unsuccessfully, then is redriven.
struct RedriveCase {
  std::string name;
  std::string definition;
  std::string input;
  Handler handler;
  ExecutionStatus first_status;
  // The tasks ("State:payload") scheduled after the redrive, in order.
  std::vector<std::string> tasks_on_redrive;
  std::string output;  // The final output after the redrive.
  // Stop the execution (StopExecution) when the first run is left waiting.
  bool stop_when_blocked = false;
};

void PrintTo(const RedriveCase& c, std::ostream* os) { *os << c.name; }

// Fails on the first run, succeeds (echoing its payload) after the redrive.
TaskAnswer FailUntilRedriven(const ScheduleTask& task, bool redriven) {
  return redriven ? Ok(task.payload) : Boom();
}

std::vector<RedriveCase> Cases() {
  std::vector<RedriveCase> cases;
  cases.push_back({
      .name = "TaskAfterTwoPassesRerunsOnlyTheTask",
      .definition = R"j({"StartAt":"A","States":{
          "A":{"Type":"Pass","Result":1,"ResultPath":"$.a","Next":"B"},
          "B":{"Type":"Pass","Result":2,"ResultPath":"$.b","Next":"T"},
          "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f",
               "ResultPath":"$.t","Next":"C"},
          "C":{"Type":"Pass","Parameters":{"t.$":"$.t","rc.$":"$$.Execution.RedriveCount"},
               "End":true}}})j",
      .input = R"({"in":0})",
      .handler = [](const ScheduleTask&, bool redriven) { return redriven ? Ok("done") : Boom(); },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {R"(T:{"in":0,"a":1,"b":2})"},
      .output = R"({"t":"done","rc":1})",
  });
  cases.push_back({
      .name = "RetryCountersStartAgain",
      .definition = R"j({"StartAt":"T","States":{"T":{"Type":"Task",
          "Resource":"arn:aws:lambda:us-east-1:1:function:f",
          "Retry":[{"ErrorEquals":["Boom"],"MaxAttempts":1,"IntervalSeconds":1}],
          "Parameters":{"try.$":"$$.State.RetryCount"},"End":true}}})j",
      .input = "{}",
      // Fails twice (attempt and retry); after the redrive fails once, then
      // the retry (counted from 0 again) succeeds.
      .handler =
          [](const ScheduleTask& task, bool redriven) {
            return redriven && task.payload.at("try") == 1 ? Ok("ok") : Boom();
          },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {R"(T:{"try":0})", R"(T:{"try":1})"},
      .output = R"("ok")",
  });
  cases.push_back({
      .name = "ParallelRerunsOnlyTheFailedBranchFromItsFailedState",
      .definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","ResultPath":"$.r",
          "Branches":[
            {"StartAt":"B0","States":{"B0":{"Type":"Pass","Result":"zero","End":true}}},
            {"StartAt":"B1","States":{"B1":{"Type":"Task",
                "Resource":"arn:aws:lambda:us-east-1:1:function:ok","End":true}}},
            {"StartAt":"B2a","States":{
                "B2a":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:ok",
                       "ResultPath":"$.first","Next":"B2b"},
                "B2b":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:flaky",
                       "End":true}}}],
          "End":true}}})j",
      .input = R"({"x":1})",
      .handler =
          [](const ScheduleTask& task, bool redriven) {
            if (task.state_name == "B2b") return redriven ? Ok("two") : Boom();
            return Ok(task.state_name == "B1" ? json::value("one") : json::value("first"));
          },
      .first_status = ExecutionStatus::kFailed,
      // Neither B1 nor B2a (which succeeded) runs again.
      .tasks_on_redrive = {R"(B2b:{"x":1,"first":"first"})"},
      .output = R"({"x":1,"r":["zero","one","two"]})",
  });
  cases.push_back({
      .name = "ParallelStartsBranchesThatNeverStarted",
      // Branch 0 fails at once on the first run, before branches 1 and 2 start.
      .definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel",
          "Parameters":{"v.$":"$.v"},
          "Branches":[
            {"StartAt":"R","States":{"R":{"Type":"Pass",
                "Parameters":{"t.$":"$$.Execution.RedriveTime"},"ResultPath":null,
                "End":true}}},
            {"StartAt":"T1","States":{"T1":{"Type":"Task",
                "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}},
            {"StartAt":"P2","States":{"P2":{"Type":"Pass","End":true}}}],
          "End":true}}})j",
      .input = R"({"v":7,"other":true})",
      .handler = [](const ScheduleTask& task, bool) { return Ok(task.payload); },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {R"(T1:{"v":7})"},
      .output = R"([{"v":7},{"v":7},{"v":7}])",
  });
  cases.push_back({
      .name = "MapRerunsOnlyTheUnsuccessfulIterations",
      .definition = R"j({"StartAt":"M","States":{"M":{"Type":"Map","ItemsPath":"$.items",
          "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
              "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}},
          "End":true}}})j",
      .input = R"({"items":[0,1,2,3]})",
      // Item 1 fails on the first run; items 2 and 3 are cancelled then.
      .handler =
          [](const ScheduleTask& task, bool redriven) {
            if (task.payload == 1 && !redriven) return Boom();
            return Ok(json::value(task.payload.as_int64() * 10 + (redriven ? 1 : 0)));
          },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {"T:1", "T:2", "T:3"},
      .output = "[0,11,21,31]",
  });
  cases.push_back({
      .name = "MapWithMaxConcurrencyResumesThenStartsTheRest",
      .definition = R"j({"StartAt":"M","States":{"M":{"Type":"Map","MaxConcurrency":1,
          "ItemSelector":{"i.$":"$$.Map.Item.Index"},
          "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
              "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}},
          "End":true}}})j",
      .input = "[10,20,30,40]",
      .handler =
          [](const ScheduleTask& task, bool redriven) {
            int64_t i = task.payload.at("i").as_int64();
            return i == 1 && !redriven ? Boom() : Ok(json::value(i));
          },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {R"(T:{"i":1})", R"(T:{"i":2})", R"(T:{"i":3})"},
      .output = "[0,1,2,3]",
  });
  cases.push_back({
      .name = "TimedOutExecutionRedrivesTheWaitingTask",
      .definition = R"j({"TimeoutSeconds":5,"StartAt":"A","States":{
          "A":{"Type":"Pass","Next":"T"},
          "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}})j",
      .input = R"({"k":"v"})",
      .handler = [](const ScheduleTask&, bool redriven) { return redriven ? Ok(1) : NoAnswer(); },
      .first_status = ExecutionStatus::kTimedOut,
      .tasks_on_redrive = {R"(T:{"k":"v"})"},
      .output = "1",
  });
  cases.push_back({
      .name = "AbortedWhileWaitingRedrivesTheTask",
      .definition = R"j({"StartAt":"T","States":{"T":{"Type":"Task",
          "Resource":"arn:aws:states:::lambda:invoke.waitForTaskToken",
          "Parameters":{"FunctionName":"f","n.$":"$.n"},"ResultPath":"$.r","End":true}}})j",
      .input = R"({"n":3})",
      .handler = [](const ScheduleTask&, bool redriven) { return redriven ? Ok(9) : NoAnswer(); },
      .first_status = ExecutionStatus::kAborted,
      .tasks_on_redrive = {R"(T:{"FunctionName":"f","n":3})"},
      .output = R"({"n":3,"r":9})",
      .stop_when_blocked = true,
  });
  cases.push_back({
      .name = "AbortedParallelResumesEveryUnfinishedBranch",
      .definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
            {"StartAt":"Q","States":{"Q":{"Type":"Pass","Result":"q","End":true}}},
            {"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":100,"Next":"S"},
                                     "S":{"Type":"Pass","Result":"s","End":true}}},
            {"StartAt":"T","States":{"T":{"Type":"Task",
                "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}],
          "End":true}}})j",
      .input = "{}",
      .handler = [](const ScheduleTask&, bool redriven) { return redriven ? Ok("t") : NoAnswer(); },
      .first_status = ExecutionStatus::kAborted,
      .tasks_on_redrive = {"T:{}"},
      .output = R"(["q","s","t"])",
      .stop_when_blocked = true,
  });
  cases.push_back({
      .name = "FailureAfterACaughtParallelRerunsOnlyThatState",
      // A caught Parallel failure leads to a Task that fails: the redrive
      // re-enters that Task, not the Parallel state.
      .definition = R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
            {"StartAt":"T","States":{"T":{"Type":"Task",
                "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}],
          "Catch":[{"ErrorEquals":["States.ALL"],"ResultPath":"$.err","Next":"T2"}],"End":true},
          "T2":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:g","End":true}}})j",
      .input = "{}",
      .handler =
          [](const ScheduleTask& task, bool redriven) {
            return task.state_name == "T2" && redriven ? Ok(task.payload) : Boom();
          },
      .first_status = ExecutionStatus::kFailed,
      .tasks_on_redrive = {R"(T2:{"err":{"Error":"Boom","Cause":"it broke"}})"},
      .output = R"({"err":{"Error":"Boom","Cause":"it broke"}})",
  });
  return cases;
}

class RedriveCaseTest : public ::testing::TestWithParam<RedriveCase> {};

TEST_P(RedriveCaseTest, RerunsOnlyWhatDidNotSucceed) {
  const RedriveCase& c = GetParam();
  Driver driver(c.definition, c.handler);
  driver.set_fire_timers(!c.stop_when_blocked);
  driver.Start(c.input);
  if (c.stop_when_blocked) {
    ASSERT_EQ(driver.state().status, ExecutionStatus::kRunning);
    driver.Apply(StopRequested{"Stopped", "by the test"});
    driver.set_fire_timers(true);
  }
  ASSERT_EQ(driver.state().status, c.first_status);
  const int64_t failed_event_id = driver.history().back().id;

  driver.Redrive();
  EXPECT_EQ(driver.state().status, ExecutionStatus::kSucceeded)
      << driver.state().error << ": " << driver.state().cause;
  EXPECT_EQ(driver.state().output, json::parse(c.output));
  EXPECT_EQ(driver.state().redrive_count, 1);
  EXPECT_THAT(driver.tasks(), ElementsAreArray(c.tasks_on_redrive));
  // The history continues: ExecutionRedriven follows the end of the first run.
  ASSERT_FALSE(driver.RedriveTypes().empty());
  const HistoryEvent& redriven =
      driver.history()[driver.history().size() - driver.RedriveTypes().size()];
  EXPECT_EQ(TypeName(redriven), "ExecutionRedriven");
  EXPECT_EQ(redriven.id, failed_event_id + 1);
  EXPECT_EQ(redriven.previous_event_id, failed_event_id);
  EXPECT_EQ(json::serialize(ToJson(redriven)),
            json::serialize(json::object{
                {"timestamp", FormatTimestamp(redriven.timestamp)},
                {"type", "ExecutionRedriven"},
                {"id", redriven.id},
                {"previousEventId", failed_event_id},
                {"executionRedrivenEventDetails", json::object{{"redriveCount", 1}}}}));
  for (size_t i = 1; i < driver.history().size(); ++i) {
    EXPECT_EQ(driver.history()[i].id, driver.history()[i - 1].id + 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Redrive, RedriveCaseTest, ::testing::ValuesIn(Cases()),
                         [](const auto& param_info) { return param_info.param.name; });

TEST(RedriveTest, HistoryOfATaskRedriveReentersOnlyTheFailedState) {
  Driver driver(R"j({"StartAt":"A","States":{"A":{"Type":"Pass","Next":"T"},
      "T":{"Type":"Task","Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}})j",
                FailUntilRedriven);
  driver.Start("{}");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kFailed);
  EXPECT_EQ(driver.state().error, "Boom");
  driver.Redrive();
  EXPECT_THAT(driver.RedriveTypes(),
              ElementsAre("ExecutionRedriven", "TaskStateEntered", "LambdaFunctionScheduled",
                          "LambdaFunctionStarted", "LambdaFunctionSucceeded", "TaskStateExited",
                          "ExecutionSucceeded"));
  EXPECT_EQ(driver.state().error, "");
  EXPECT_EQ(driver.state().cause, "");
}

TEST(RedriveTest, ParallelHistoryStartsOnlyTheFailedBranch) {
  Driver driver(R"j({"StartAt":"P","States":{"P":{"Type":"Parallel","Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}},
        {"StartAt":"T","States":{"T":{"Type":"Task",
            "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}}],
      "End":true}}})j",
                FailUntilRedriven);
  driver.Start("{}");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kFailed);
  driver.Redrive();
  EXPECT_THAT(driver.RedriveTypes(),
              ElementsAre("ExecutionRedriven", "ParallelStateEntered", "ParallelStateStarted",
                          "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                          "LambdaFunctionSucceeded", "TaskStateExited", "ParallelStateSucceeded",
                          "ParallelStateExited", "ExecutionSucceeded"));
  EXPECT_EQ(driver.state().output, json::parse("[{},{}]"));
}

TEST(RedriveTest, MapHistoryStartsOnlyTheFailedIteration) {
  Driver driver(R"j({"StartAt":"M","States":{"M":{"Type":"Map",
      "ItemProcessor":{"StartAt":"T","States":{"T":{"Type":"Task",
          "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}},"End":true}}})j",
                [](const ScheduleTask& task, bool redriven) {
                  return task.payload == 2 && !redriven ? Boom() : Ok(task.payload);
                });
  driver.Start("[1,2]");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kFailed);
  driver.Redrive();
  EXPECT_THAT(
      driver.RedriveTypes(),
      ElementsAre("ExecutionRedriven", "MapStateEntered", "MapStateStarted", "MapIterationStarted",
                  "TaskStateEntered", "LambdaFunctionScheduled", "LambdaFunctionStarted",
                  "LambdaFunctionSucceeded", "TaskStateExited", "MapIterationSucceeded",
                  "MapStateSucceeded", "MapStateExited", "ExecutionSucceeded"));
  const HistoryEvent& iteration = driver.history()[driver.history().size() - 10];
  ASSERT_EQ(TypeName(iteration), "MapIterationStarted");
  EXPECT_EQ(iteration.details.at("index"), 1);
  EXPECT_EQ(driver.state().output, json::parse("[1,2]"));
}

TEST(RedriveTest, RedriveAgainAfterAnotherFailureCountsUp) {
  int calls = 0;
  Driver driver(
      R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f",
      "Parameters":{"rc.$":"$$.Execution.RedriveCount"},"Next":"N"},
      "N":{"Type":"Pass","Parameters":{"rc.$":"$.rc","at.$":"$$.Execution.RedriveTime"},
           "End":true}}})j",
      [&](const ScheduleTask& task, bool) { return ++calls < 3 ? Boom() : Ok(task.payload); });
  driver.Start("{}");
  driver.Redrive("token-1");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kFailed);
  EXPECT_EQ(driver.state().redrive_count, 1);
  driver.Redrive("token-2");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(driver.state().redrive_count, 2);
  EXPECT_EQ(driver.state().output.at("rc"), 2);
  EXPECT_EQ(driver.state().output.at("at"),
            json::value(FormatTimestamp(driver.state().redrive_time)));
  ASSERT_EQ(driver.state().redrives.size(), 2u);
  EXPECT_EQ(driver.state().redrives[0].client_token, "token-1");
  EXPECT_EQ(driver.state().redrives[1].client_token, "token-2");
}

TEST(RedriveTest, TimedOutRedriveRestartsTheExecutionTimeout) {
  Driver driver(R"j({"TimeoutSeconds":5,"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}})j",
                [](const ScheduleTask&, bool) { return NoAnswer(); });
  driver.Start("{}");
  ASSERT_EQ(driver.state().status, ExecutionStatus::kTimedOut);
  const absl::Time timed_out = driver.now();
  driver.Redrive();
  // Unanswered again: the timeout, restarted at the redrive, ends it again.
  EXPECT_EQ(driver.state().status, ExecutionStatus::kTimedOut);
  EXPECT_EQ(driver.now() - timed_out, absl::Seconds(5));
  EXPECT_THAT(driver.RedriveTypes(), ElementsAre("ExecutionRedriven", "TaskStateEntered",
                                                 "LambdaFunctionScheduled", "ExecutionTimedOut"));
}

TEST(RedriveTest, RunningSucceededOrUnstartedExecutionsAreNotRedriven) {
  Interpreter interpreter(Machine(R"j({"StartAt":"T","States":{"T":{"Type":"Task",
      "Resource":"arn:aws:lambda:us-east-1:1:function:f","End":true}}})j"));
  const absl::Time t0 = absl::FromUnixSeconds(100);
  StepResult unstarted = interpreter.Apply({}, Event{t0, "e0", RedriveRequested{}});
  EXPECT_THAT(unstarted.history, IsEmpty());
  EXPECT_EQ(unstarted.state.redrive_count, 0);

  StepResult running = interpreter.Apply({}, Event{t0, "e1", StartExecution{Info(), 1}});
  const std::string task_id = std::get<ScheduleTask>(running.effects.at(0)).task_id;
  StepResult still = interpreter.Apply(running.state, Event{t0, "e2", RedriveRequested{"t"}});
  EXPECT_THAT(still.history, IsEmpty());
  EXPECT_THAT(still.effects, IsEmpty());
  EXPECT_EQ(json::serialize(ToJson(still.state)), json::serialize(ToJson(running.state)));

  StepResult done = interpreter.Apply(running.state, Event{t0, "e3", TaskSucceeded{task_id, 2}});
  ASSERT_EQ(done.state.status, ExecutionStatus::kSucceeded);
  StepResult again = interpreter.Apply(done.state, Event{t0, "e4", RedriveRequested{}});
  EXPECT_THAT(again.history, IsEmpty());
  EXPECT_EQ(json::serialize(ToJson(again.state)), json::serialize(ToJson(done.state)));
}

TEST(RedriveTest, FindRedriveHonoursTokensFor15Minutes) {
  ExecutionState state;
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  state.redrives = {{"a", t0}, {"b", t0 + absl::Minutes(5)}};
  EXPECT_EQ(FindRedrive(state, "a", t0 + absl::Minutes(14)), t0);
  EXPECT_EQ(FindRedrive(state, "a", t0 + absl::Minutes(15)), std::nullopt);
  EXPECT_EQ(FindRedrive(state, "b", t0 + absl::Minutes(15)), t0 + absl::Minutes(5));
  EXPECT_EQ(FindRedrive(state, "c", t0), std::nullopt);
  EXPECT_EQ(FindRedrive(state, "", t0), std::nullopt);
}

TEST(RedriveTest, OnlyTheLastTenTokensAreKept) {
  Driver driver(R"j({"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E"}}})j",
                FailUntilRedriven);
  driver.Start("{}");
  for (int i = 0; i < 12; ++i) driver.Redrive("t" + std::to_string(i));
  EXPECT_EQ(driver.state().redrive_count, 12);
  ASSERT_EQ(driver.state().redrives.size(), kMaxRedriveRecords);
  EXPECT_EQ(driver.state().redrives.front().client_token, "t2");
  EXPECT_EQ(driver.state().redrives.back().client_token, "t11");
}

struct ReasonCase {
  std::string name;
  RedriveFacts facts;
  std::optional<std::string> reason;
};

TEST(RedriveTest, NotRedrivableReasons) {
  const absl::Time now = absl::FromUnixSeconds(100'000'000);
  const absl::Time start = now - absl::Hours(24);
  const absl::Time stop = now - absl::Hours(1);
  auto facts = [&](ExecutionStatus status) {
    return RedriveFacts{status, start, stop, 0, 10, false, false};
  };
  std::vector<ReasonCase> cases = {
      {"Failed", facts(ExecutionStatus::kFailed), std::nullopt},
      {"TimedOut", facts(ExecutionStatus::kTimedOut), std::nullopt},
      {"Aborted", facts(ExecutionStatus::kAborted), std::nullopt},
      {"Running", facts(ExecutionStatus::kRunning), "Execution is RUNNING and cannot be redriven."},
      {"Succeeded", facts(ExecutionStatus::kSucceeded),
       "Execution is SUCCEEDED and cannot be redriven."},
  };
  RedriveFacts c = facts(ExecutionStatus::kFailed);
  c.stop_time = now - absl::Hours(14 * 24);
  cases.push_back({"FourteenDaysAfterStop", c, "Execution redrivable period exceeded."});
  c.stop_time = now - absl::Hours(14 * 24) + absl::Seconds(1);
  cases.push_back({"JustInsideFourteenDays", c, std::nullopt});
  c = facts(ExecutionStatus::kFailed);
  c.start_time = now - absl::Hours(365 * 24);
  cases.push_back({"AYearOld", c, "Execution has exceeded the max execution time."});
  c = facts(ExecutionStatus::kFailed);
  c.redrive_count = 999;
  cases.push_back({"Redriven999Times", c, std::nullopt});
  c.redrive_count = 1000;
  cases.push_back(
      {"Redriven1000Times", c, "Execution has been redriven the maximum of 1000 times."});
  c = facts(ExecutionStatus::kFailed);
  c.history_events = 24998;
  cases.push_back({"RoomForTwoEvents", c, std::nullopt});
  c.history_events = 24999;
  cases.push_back({"NoRoomInTheHistory", c, "Execution history event limit exceeded."});
  c = facts(ExecutionStatus::kFailed);
  c.express = true;
  cases.push_back({"Express", c, "Executions of EXPRESS state machines cannot be redriven."});
  c = facts(ExecutionStatus::kFailed);
  c.state_machine_deleted = true;
  cases.push_back({"Deleted", c, "State machine is in DELETING status."});
  for (const ReasonCase& rc : cases) {
    EXPECT_EQ(NotRedrivableReason(rc.facts, now), rc.reason) << rc.name;
  }
}

TEST(RedriveTest, RedriveFieldsRoundTripAndOlderDocumentsStillLoad) {
  ExecutionState state;
  state.redrive_count = 3;
  state.redrive_time = absl::FromUnixSeconds(77);
  state.redrives = {{"tok", absl::FromUnixSeconds(70)}};
  absl::StatusOr<ExecutionState> restored = ExecutionStateFromJson(ToJson(state));
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ(restored->redrive_time, state.redrive_time);
  ASSERT_EQ(restored->redrives.size(), 1u);
  EXPECT_EQ(restored->redrives[0].client_token, "tok");
  EXPECT_EQ(restored->redrives[0].date, absl::FromUnixSeconds(70));

  json::value older = ToJson(state);
  older.as_object().erase("redrive_time");
  older.as_object().erase("redrives");
  EXPECT_TRUE(ExecutionStateFromJson(older).ok());

  json::value bad = ToJson(state);
  bad.as_object()["redrives"] = json::array{json::object{{"client_token", 5}}};
  absl::StatusOr<ExecutionState> broken = ExecutionStateFromJson(bad);
  ASSERT_FALSE(broken.ok());
  EXPECT_THAT(std::string(broken.status().message()),
              ::testing::HasSubstr("execution state.redrives[0].client_token"));
}

}  // namespace
}  // namespace stepwise::engine
