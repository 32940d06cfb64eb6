// BuildExecutionView: history events -> the tree of state visits, table
// driven over the shapes an execution takes (history_events.h writes the
// histories as the engine chains them).
#include "cli/remote/history_view.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "tests/cli/remote/history_events.h"

namespace stepwise::cli {
namespace {

using testing::HistoryScript;

// "Name Type STATUS [note] attempts=F(error),S error=E", one line per state;
// lanes as " label" with their states indented under it.
void Outline(const std::vector<StateRun>& runs, int depth, std::string& out) {
  const std::string indent(static_cast<size_t>(depth) * 2, ' ');
  for (const StateRun& run : runs) {
    out += indent + run.name + " " + run.type + " " + std::string(StateStatusName(run.status));
    if (!run.note.empty()) out += " [" + run.note + "]";
    if (!run.attempts.empty()) {
      out += " attempts=";
      for (size_t i = 0; i < run.attempts.size(); ++i) {
        const TaskAttempt& attempt = run.attempts[i];
        if (i > 0) out += ",";
        switch (attempt.outcome) {
          case TaskAttempt::Outcome::kPending:
            out += "P";
            break;
          case TaskAttempt::Outcome::kSucceeded:
            out += "S";
            break;
          case TaskAttempt::Outcome::kFailed:
            out += "F(" + attempt.error + ")";
            break;
          case TaskAttempt::Outcome::kTimedOut:
            out += "T(" + attempt.error + ")";
            break;
        }
      }
    }
    if (!run.error.empty()) out += " error=" + run.error;
    out += "\n";
    for (const StateLane& lane : run.lanes) {
      out += indent + " " + lane.label + "\n";
      Outline(lane.states, depth + 1, out);
    }
  }
}

std::string Outline(const ExecutionView& view) {
  std::string out;
  Outline(view.states, 0, out);
  return out;
}

constexpr auto kPassEntered = v1::HISTORY_EVENT_TYPE_PASS_STATE_ENTERED;
constexpr auto kTaskEntered = v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED;
constexpr auto kTaskExited = v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED;
constexpr auto kParallelEntered = v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_ENTERED;
constexpr auto kMapEntered = v1::HISTORY_EVENT_TYPE_MAP_STATE_ENTERED;
constexpr auto kMapExited = v1::HISTORY_EVENT_TYPE_MAP_STATE_EXITED;
constexpr auto kIterationStarted = v1::HISTORY_EVENT_TYPE_MAP_ITERATION_STARTED;
constexpr auto kIterationSucceeded = v1::HISTORY_EVENT_TYPE_MAP_ITERATION_SUCCEEDED;
constexpr auto kIterationFailed = v1::HISTORY_EVENT_TYPE_MAP_ITERATION_FAILED;

struct ViewCase {
  std::string name;
  std::function<void(HistoryScript&)> write;
  std::string outline;
  v1::ExecutionStatus status;
};

// Test names print the case's name, not its bytes.
void PrintTo(const ViewCase& view_case, std::ostream* out) { *out << view_case.name; }

const std::vector<ViewCase>& Cases() {
  static const std::vector<ViewCase>* const kCases = new std::vector<ViewCase>{
      {"PassChain",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted(R"({"a":1})");
         e = h.Pass(e, "Prepare", R"({"a":1})");
         e = h.Entered(v1::HISTORY_EVENT_TYPE_CHOICE_STATE_ENTERED, e, "Route", "{}");
         e = h.Exited(v1::HISTORY_EVENT_TYPE_CHOICE_STATE_EXITED, e, "Route", "{}");
         e = h.Entered(v1::HISTORY_EVENT_TYPE_SUCCEED_STATE_ENTERED, e, "Done", "{}");
         e = h.Exited(v1::HISTORY_EVENT_TYPE_SUCCEED_STATE_EXITED, e, "Done", "{}");
         h.ExecutionSucceeded(e, "{}");
       },
       "Prepare Pass SUCCEEDED\nRoute Choice SUCCEEDED\nDone Succeed SUCCEEDED\n",
       v1::EXECUTION_STATUS_SUCCEEDED},
      {"TaskRetryThenSuccess",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Check Name", "{}");
         e = h.TaskStarted(h.TaskScheduled(e));
         e = h.TaskFailed(e, "States.TaskFailed", "boom");
         e = h.TaskStarted(h.TaskScheduled(e));
         e = h.TaskSucceeded(e, R"({"ok":true})");
         e = h.Exited(kTaskExited, e, "Check Name", R"({"ok":true})");
         h.ExecutionSucceeded(e, "{}");
       },
       "Check Name Task SUCCEEDED attempts=F(States.TaskFailed),S\n",
       v1::EXECUTION_STATUS_SUCCEEDED},
      {"TaskCaught",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Check Address", "{}");
         e = h.TaskFailed(h.TaskScheduled(e), "UnprocessableDataException", "bad address");
         e = h.Exited(kTaskExited, e, "Check Address", R"({"error":"bad"})");
         h.Pass(e, "Flag Application", "{}");
       },
       "Check Address Task CAUGHT attempts=F(UnprocessableDataException)\n"
       "Flag Application Pass SUCCEEDED\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"ParallelWithAFailingBranch",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kParallelEntered, e, "Checks", "{}");
         const int64_t started = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED, e);
         int64_t name = h.Entered(kTaskEntered, started, "Check Name", "{}");
         name = h.TaskScheduled(name);
         int64_t address = h.Entered(kTaskEntered, started, "Check Address", "{}");
         address = h.TaskScheduled(address);
         h.TaskStarted(name);
         h.TaskFailed(address, "Address.Invalid", "no street");
         const int64_t failed = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_FAILED, started);
         h.ExecutionFailed(failed, "Address.Invalid", "no street");
       },
       "Checks Parallel FAILED error=Address.Invalid\n"
       " branch 1\n"
       "  Check Name Task CANCELLED attempts=P\n"
       " branch 2\n"
       "  Check Address Task FAILED attempts=F(Address.Invalid)\n",
       v1::EXECUTION_STATUS_FAILED},
      {"ParallelRetriedAfterABranchFailed",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kParallelEntered, e, "Checks", "{}");
         int64_t started = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED, e);
         const int64_t first = h.Entered(kTaskEntered, started, "Check", "{}");
         h.TaskFailed(h.TaskScheduled(first), "Flaky", "");
         e = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_FAILED, started);
         started = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED, e);
         const int64_t second = h.Entered(kTaskEntered, started, "Check", "{}");
         h.TaskScheduled(second);
       },
       "Checks Parallel RUNNING\n"
       " branch 1\n"
       "  Check Task FAILED attempts=F(Flaky)\n"
       " branch 1 (attempt 2)\n"
       "  Check Task RUNNING [waiting for worker] attempts=P\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"MapWithIterations",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("[1,2,3]");
         e = h.Entered(kMapEntered, e, "Items", "[1,2,3]");
         e = h.MapStarted(e, 3);
         for (int i = 0; i < 2; ++i) {
           const int64_t started = h.Iteration(kIterationStarted, e, "Items", i);
           h.Pass(started, "Double", "1");
           e = h.Iteration(kIterationSucceeded, started, "Items", i);
         }
         const int64_t started = h.Iteration(kIterationStarted, e, "Items", 2);
         h.TaskScheduled(h.Entered(kTaskEntered, started, "Store", "3"));
       },
       "Items Map RUNNING [2 of 3 iterations done]\n"
       " iteration 0\n"
       "  Double Pass SUCCEEDED\n"
       " iteration 1\n"
       "  Double Pass SUCCEEDED\n"
       " iteration 2\n"
       "  Store Task RUNNING [waiting for worker] attempts=P\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"MapIterationFailsAndIsCaught",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("[1,2,3]");
         e = h.Entered(kMapEntered, e, "Items", "[1,2,3]");
         e = h.MapStarted(e, 3);
         // All three start before any finishes (each blocks on its task).
         std::vector<int64_t> tasks;
         for (int i = 0; i < 3; ++i) {
           e = h.Iteration(kIterationStarted, e, "Items", i);
           tasks.push_back(h.TaskScheduled(h.Entered(kTaskEntered, e, "Store", "1")));
         }
         const int64_t done = h.Exited(kTaskExited, h.TaskSucceeded(tasks[0], "1"), "Store", "1");
         e = h.Iteration(kIterationSucceeded, e, "Items", 0);
         h.TaskFailed(tasks[1], "Store.Full", "disk full");
         e = h.Iteration(kIterationFailed, e, "Items", 1);
         e = h.Add(v1::HISTORY_EVENT_TYPE_MAP_STATE_FAILED, e);
         e = h.Exited(kMapExited, e, "Items", R"({"Error":"Store.Full"})");
         (void)done;
       },
       "Items Map CAUGHT\n"
       " iteration 0\n"
       "  Store Task SUCCEEDED attempts=S\n"
       " iteration 1\n"
       "  Store Task FAILED attempts=F(Store.Full)\n"
       " iteration 2\n"
       "  Store Task CANCELLED attempts=P\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"RunningCallbackTask",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Pending Review", "{}");
         h.TaskStarted(h.TaskScheduled(e, "invoke.waitForTaskToken"));
       },
       "Pending Review Task RUNNING [waiting for callback] attempts=P\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"RunningTaskOnAWorker",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Check Name", "{}");
         h.TaskStarted(h.TaskScheduled(e));
       },
       "Check Name Task RUNNING [running on a worker] attempts=P\n", v1::EXECUTION_STATUS_RUNNING},
      {"TaskWaitingToRetry",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Check Name", "{}");
         h.TaskFailed(h.TaskScheduled(e), "States.TaskFailed", "try again");
       },
       "Check Name Task RUNNING [waiting to retry] attempts=F(States.TaskFailed)\n",
       v1::EXECUTION_STATUS_RUNNING},
      {"WaitState",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         h.Entered(v1::HISTORY_EVENT_TYPE_WAIT_STATE_ENTERED, e, "Pause", "{}");
       },
       "Pause Wait RUNNING [waiting]\n", v1::EXECUTION_STATUS_RUNNING},
      {"FailStateFailsTheExecution",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Pass(e, "Prepare", "{}");
         e = h.Entered(v1::HISTORY_EVENT_TYPE_FAIL_STATE_ENTERED, e, "Reject", "{}");
         h.ExecutionFailed(e, "Application.Rejected", "flagged");
       },
       "Prepare Pass SUCCEEDED\nReject Fail FAILED error=Application.Rejected\n",
       v1::EXECUTION_STATUS_FAILED},
      {"RuntimeErrorInAPass",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kPassEntered, e, "Pick", "{}");
         h.ExecutionFailed(e, "States.Runtime", "The JSONPath '$.x' could not be found");
       },
       "Pick Pass FAILED error=States.Runtime\n", v1::EXECUTION_STATUS_FAILED},
      {"JsonataEvaluationFailedInAPass",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kPassEntered, e, "Sum", "{}");
         e = h.Add(v1::HISTORY_EVENT_TYPE_EVALUATION_FAILED, e);
         v1::EvaluationFailedEventDetails* details =
             h.last().mutable_evaluation_failed_event_details();
         details->set_error("States.QueryEvaluationError");
         details->set_cause("T2002");
         details->set_location("Output");
         details->set_state("Sum");
         h.ExecutionFailed(e, "States.QueryEvaluationError", "T2002");
       },
       "Sum Pass FAILED error=States.QueryEvaluationError\n", v1::EXECUTION_STATUS_FAILED},
      {"TaskTimedOut",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kTaskEntered, e, "Slow", "{}");
         e = h.TaskTimedOut(h.TaskScheduled(e));
         h.ExecutionFailed(e, "States.Timeout", "");
       },
       "Slow Task TIMED_OUT attempts=T(States.Timeout)\n", v1::EXECUTION_STATUS_FAILED},
      {"AbortedWhileATaskRuns",
       [](HistoryScript& h) {
         int64_t e = h.ExecutionStarted("{}");
         e = h.Entered(kParallelEntered, e, "Checks", "{}");
         const int64_t started = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED, e);
         h.TaskScheduled(h.Entered(kTaskEntered, started, "Check Name", "{}"));
         h.ExecutionAborted(started);
       },
       "Checks Parallel ABORTED\n"
       " branch 1\n"
       "  Check Name Task ABORTED attempts=P\n",
       v1::EXECUTION_STATUS_ABORTED},
      {"NoEventsYet", [](HistoryScript&) {}, "", v1::EXECUTION_STATUS_RUNNING},
  };
  return *kCases;
}

class HistoryViewCaseTest : public ::testing::TestWithParam<ViewCase> {};

TEST_P(HistoryViewCaseTest, BuildsTheTree) {
  HistoryScript script;
  GetParam().write(script);
  const ExecutionView view = BuildExecutionView(script.Describe(), script.events());
  EXPECT_EQ(Outline(view), GetParam().outline);
  EXPECT_EQ(view.status, GetParam().status);
  EXPECT_EQ(view.closed(), GetParam().status != v1::EXECUTION_STATUS_RUNNING);
}

INSTANTIATE_TEST_SUITE_P(Histories, HistoryViewCaseTest, ::testing::ValuesIn(Cases()),
                         [](const ::testing::TestParamInfo<ViewCase>& param) {
                           return param.param.name;
                         });

TEST(HistoryViewTest, KeepsPayloadsTimesAndTheExecutionsOutcome) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted(R"({"name":"Ada"})");
  h.At(250);
  e = h.Entered(kTaskEntered, e, "Greet", R"({"name":"Ada"})");
  h.At(1250);
  e = h.TaskSucceeded(h.TaskScheduled(e), R"("Hello")");
  e = h.Exited(kTaskExited, e, "Greet", R"({"greeting":"Hello"})");
  h.At(1500);
  h.ExecutionFailed(e, "Late.Failure", "cause text");

  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  EXPECT_EQ(view.execution_arn, testing::kHistoryArn);
  EXPECT_EQ(view.name, "run-1");
  EXPECT_EQ(view.state_machine_arn, testing::kHistoryMachineArn);
  // The history is newer than the DescribeExecution answer (RUNNING).
  EXPECT_EQ(view.status, v1::EXECUTION_STATUS_FAILED);
  EXPECT_EQ(view.error, "Late.Failure");
  EXPECT_EQ(view.cause, "cause text");
  const absl::Time start = absl::FromUnixSeconds(testing::kHistoryStartSeconds);
  EXPECT_EQ(view.start_date, start);
  EXPECT_EQ(view.stop_date, start + absl::Milliseconds(1500));
  ASSERT_EQ(view.states.size(), 1u);
  const StateRun& greet = view.states[0];
  EXPECT_EQ(greet.entered, start + absl::Milliseconds(250));
  EXPECT_EQ(greet.exited, start + absl::Milliseconds(1250));
  EXPECT_EQ(greet.input, R"({"name":"Ada"})");
  EXPECT_EQ(greet.output, R"({"greeting":"Hello"})");
  EXPECT_EQ(greet.resource, "lambda:invoke");
  // It exited: the execution's failure came later and is not its error.
  EXPECT_EQ(greet.status, StateStatus::kSucceeded);
  EXPECT_EQ(greet.error, "");
}

TEST(HistoryViewTest, WithoutExecutionDataPayloadsAreUnset) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted("");
  e = h.Entered(kPassEntered, e, "Prepare", "");
  h.Exited(v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED, e, "Prepare", "");
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  ASSERT_EQ(view.states.size(), 1u);
  EXPECT_FALSE(view.states[0].input.has_value());
  EXPECT_FALSE(view.states[0].output.has_value());
}

TEST(HistoryViewTest, DescribeAloneGivesTheHeader) {
  v1::DescribeExecutionResponse describe = HistoryScript().Describe();
  describe.set_status(v1::EXECUTION_STATUS_TIMED_OUT);
  describe.set_error("States.Timeout");
  describe.mutable_stop_date()->set_seconds(testing::kHistoryStartSeconds + 60);
  const ExecutionView view = BuildExecutionView(describe, {});
  EXPECT_EQ(view.status, v1::EXECUTION_STATUS_TIMED_OUT);
  EXPECT_TRUE(view.closed());
  EXPECT_EQ(view.error, "States.Timeout");
  EXPECT_EQ(view.stop_date, absl::FromUnixSeconds(testing::kHistoryStartSeconds + 60));
  EXPECT_TRUE(view.states.empty());
}

TEST(HistoryViewTest, EventsWithUnknownPreviousIdsContinueTheTopLevel) {
  HistoryScript h;
  h.ExecutionStarted("{}");
  h.Pass(/*previous=*/99, "Orphan", "{}");
  h.Add(v1::HISTORY_EVENT_TYPE_MAP_RUN_STARTED, 12345);  // Not shown, not fatal.
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  std::string outline;
  Outline(view.states, 0, outline);
  EXPECT_EQ(outline, "Orphan Pass SUCCEEDED\n");
}

TEST(HistoryViewTest, RedriveReopensTheExecution) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted("{}");
  e = h.ExecutionFailed(e, "X", "y");
  h.Add(v1::HISTORY_EVENT_TYPE_EXECUTION_REDRIVEN, e);
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  EXPECT_EQ(view.status, v1::EXECUTION_STATUS_RUNNING);
  EXPECT_FALSE(view.stop_date.has_value());
  EXPECT_EQ(view.error, "");
}

TEST(HistoryViewTest, StatusNames) {
  EXPECT_EQ(StateStatusName(StateStatus::kRunning), "RUNNING");
  EXPECT_EQ(StateStatusName(StateStatus::kCaught), "CAUGHT");
  EXPECT_EQ(StateStatusName(StateStatus::kTimedOut), "TIMED_OUT");
  EXPECT_EQ(StateStatusName(StateStatus::kCancelled), "CANCELLED");
}

}  // namespace
}  // namespace stepwise::cli
