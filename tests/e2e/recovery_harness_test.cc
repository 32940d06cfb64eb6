// The history checks of recovery_harness.h on made-up histories: each
// invariant the recovery tests rely on is reported when broken (so those
// tests can fail), and a well-formed history passes.
#include "tests/e2e/recovery_harness.h"

#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stepwise::e2e {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

v1::HistoryEvent Event(int64_t id, int64_t previous, v1::HistoryEventType type,
                       const std::string& state = "") {
  v1::HistoryEvent event;
  event.set_id(id);
  event.set_previous_event_id(previous);
  event.set_type(type);
  if (type == v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED) {
    event.mutable_state_entered_event_details()->set_name(state);
  } else if (type == v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED) {
    event.mutable_state_exited_event_details()->set_name(state);
  }
  return event;
}

// Started, T entered, scheduled, started, timed out, scheduled (Retry),
// succeeded, T exited, succeeded.
std::vector<v1::HistoryEvent> GoodHistory() {
  return {Event(1, 0, v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED),
          Event(2, 1, v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED, "T"),
          Event(3, 2, v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED),
          Event(4, 3, v1::HISTORY_EVENT_TYPE_TASK_STARTED),
          Event(5, 4, v1::HISTORY_EVENT_TYPE_TASK_TIMED_OUT),
          Event(6, 5, v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED),
          Event(7, 6, v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED),
          Event(8, 7, v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED, "T"),
          Event(9, 8, v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED)};
}

TEST(RecoveryHarnessTest, AWellFormedHistoryHasNoProblems) {
  EXPECT_THAT(HistoryProblems(GoodHistory()), IsEmpty());
  EXPECT_THAT(StateCountProblems(GoodHistory(), {{"T", 1}}), IsEmpty());
}

TEST(RecoveryHarnessTest, ReportsAGapInTheIds) {
  std::vector<v1::HistoryEvent> history = GoodHistory();
  history.erase(history.begin() + 3);
  EXPECT_THAT(HistoryProblems(history), ElementsAre(HasSubstr("event #4 has id 5")));
}

TEST(RecoveryHarnessTest, ReportsABadPreviousEventId) {
  std::vector<v1::HistoryEvent> history = GoodHistory();
  history[5].set_previous_event_id(6);
  EXPECT_THAT(HistoryProblems(history), Contains(HasSubstr("has previousEventId 6")));
}

TEST(RecoveryHarnessTest, ReportsASecondTerminalEvent) {
  std::vector<v1::HistoryEvent> history = GoodHistory();
  history.push_back(Event(10, 9, v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED));
  EXPECT_THAT(HistoryProblems(history), Contains(HasSubstr("2 terminal events")));
}

TEST(RecoveryHarnessTest, ReportsATaskClosedTwiceAndOneNeverClosed) {
  std::vector<v1::HistoryEvent> history = GoodHistory();
  // The first task never closes; the retried one succeeds twice.
  history[4] = Event(5, 4, v1::HISTORY_EVENT_TYPE_TASK_STARTED);
  history.insert(history.begin() + 7, Event(8, 6, v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED));
  for (size_t i = 8; i < history.size(); ++i) {  // Renumber what follows.
    history[i].set_id(static_cast<int64_t>(i) + 1);
    history[i].set_previous_event_id(static_cast<int64_t>(i));
  }
  const std::vector<std::string> problems = HistoryProblems(history);
  EXPECT_THAT(problems, Contains(HasSubstr("TaskScheduled 3 is closed by 0")));
  EXPECT_THAT(problems, Contains(HasSubstr("TaskScheduled 6 is closed by 2")));
  EXPECT_EQ(problems.size(), 2u);
}

TEST(RecoveryHarnessTest, ChecksActivityAndLambdaFunctionEventsToo) {
  std::vector<v1::HistoryEvent> history = {
      Event(1, 0, v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED),
      Event(2, 1, v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED, "T"),
      Event(3, 2, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_SCHEDULED),
      Event(4, 3, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_STARTED),
      Event(5, 4, v1::HISTORY_EVENT_TYPE_LAMBDA_FUNCTION_FAILED),
      Event(6, 5, v1::HISTORY_EVENT_TYPE_ACTIVITY_SCHEDULED),
      Event(7, 6, v1::HISTORY_EVENT_TYPE_ACTIVITY_STARTED),
      Event(8, 7, v1::HISTORY_EVENT_TYPE_ACTIVITY_SUCCEEDED),
      Event(9, 8, v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED, "T"),
      Event(10, 9, v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED)};
  EXPECT_THAT(HistoryProblems(history), IsEmpty());
  history[7] = Event(8, 7, v1::HISTORY_EVENT_TYPE_ACTIVITY_STARTED);
  EXPECT_THAT(HistoryProblems(history), Contains(HasSubstr("TaskScheduled 6 is closed by 0")));
}

TEST(RecoveryHarnessTest, ReportsAStateEnteredTwice) {
  std::vector<v1::HistoryEvent> history = GoodHistory();
  EXPECT_THAT(StateCountProblems(history, {{"T", 2}}),
              ElementsAre("state T entered 1 and exited 1 times; expected 2"));
  EXPECT_THAT(StateCountProblems(history, {}),
              ElementsAre("state T entered 1 and exited 1 times; expected 0"));
}

}  // namespace
}  // namespace stepwise::e2e
