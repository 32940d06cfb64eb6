// HistoryText and HistoryJson: the view as a person reads it (exact text for
// a typical execution), cutting long payloads, and the blocks --watch diffs.
#include "cli/remote/history_text.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/history_events.h"

namespace stepwise::cli {
namespace {

using ::testing::HasSubstr;
using testing::HistoryScript;
using ::testing::Not;

constexpr auto kTaskEntered = v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED;
constexpr auto kTaskExited = v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED;

const absl::Time kStart = absl::FromUnixSeconds(testing::kHistoryStartSeconds);

// Retry, Catch, and a Parallel state with one branch done and one waiting
// for a callback.
HistoryScript WorkshopLike() {
  HistoryScript h;
  int64_t e = h.ExecutionStarted(R"({"application": {"name": "Spock", "address": "Vulcan"}})");
  e = h.Pass(e, "Prepare", R"({"name":"Spock","address":"Vulcan"})");
  h.At(10);
  e = h.Entered(kTaskEntered, e, "Check Name", R"({"name":"Spock"})");
  e = h.TaskStarted(h.TaskScheduled(e));
  h.At(510);
  e = h.TaskFailed(e, "States.TaskFailed", "worker crashed");
  h.At(1510);
  e = h.TaskStarted(h.TaskScheduled(e));
  h.At(1600);
  e = h.TaskFailed(e, "UnprocessableDataException",
                   R"({"errorType": "UnprocessableDataException", "errorMessage": "bad name"})");
  e = h.Exited(kTaskExited, e, "Check Name", R"({"error":"UnprocessableDataException"})");
  h.At(1700);
  e = h.Entered(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_ENTERED, e, "Reviews", "{}");
  const int64_t started = h.Add(v1::HISTORY_EVENT_TYPE_PARALLEL_STATE_STARTED, e);
  h.Pass(started, "Log", "{}");
  h.TaskScheduled(h.Entered(kTaskEntered, started, "Pending Review", "{}"),
                  "invoke.waitForTaskToken");
  return h;
}

TEST(HistoryTextTest, ReadableText) {
  const HistoryScript h = WorkshopLike();
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  HistoryText text(view, TextOptions{.width = 80, .now = kStart + absl::Milliseconds(4000)});
  EXPECT_EQ(text.All(),
            R"(Execution  run-1
ARN        arn:aws:states:us-east-1:123456789012:execution:Flow:run-1
Machine    Flow  (arn:aws:states:us-east-1:123456789012:stateMachine:Flow)
Status     RUNNING
Started    2023-11-14 22:13:20.000 UTC
Duration   4.000s so far

STATE               TYPE      STATUS       ENTERED   DURATION
Prepare             Pass      SUCCEEDED    +0.000s     0.000s
    input:  {"name":"Spock","address":"Vulcan"}
    output: {"name":"Spock","address":"Vulcan"}
Check Name          Task      CAUGHT       +0.010s     1.590s
    input:  {"name":"Spock"}
    attempt 1 of Check Name failed: States.TaskFailed: worker crashed
    attempt 2 of Check Name failed: UnprocessableDataException: {"errorType":"Unp...
    output: {"error":"UnprocessableDataException"}
Reviews             Parallel  RUNNING      +1.700s     2.300s
    input:  {}
  branch 1
    Log             Pass      SUCCEEDED    +1.700s     0.000s
        input:  {}
        output: {}
  branch 2
    Pending Review  Task      RUNNING      +1.700s     2.300s  waiting for callback
        input:  {}
)");
}

TEST(HistoryTextTest, FinishedExecutionHeader) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted("{}");
  h.At(125'000);
  h.ExecutionFailed(e, "Application.Rejected", "line one\nline two");
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  const std::string header = HistoryText(view, TextOptions{}).Header();
  EXPECT_THAT(header, HasSubstr("Status     FAILED\n"));
  EXPECT_THAT(header, HasSubstr("Stopped    2023-11-14 22:15:25.000 UTC\n"));
  EXPECT_THAT(header, HasSubstr("Duration   2m05s\n"));
  EXPECT_THAT(header, HasSubstr("Error      Application.Rejected\n"));
  EXPECT_THAT(header, HasSubstr("Cause      line one line two\n"));
  EXPECT_THAT(HistoryText(view, TextOptions{}).All(),
              HasSubstr("No state has been entered yet.\n"));
}

TEST(HistoryTextTest, FullKeepsLongPayloads) {
  const std::string big = "[" + std::string(300, '1') + "]";
  HistoryScript h;
  int64_t e = h.ExecutionStarted(big);
  h.Pass(e, "Copy", big);
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  EXPECT_THAT(HistoryText(view, TextOptions{.width = 80}).All(), Not(HasSubstr(big)));
  EXPECT_THAT(HistoryText(view, TextOptions{.width = 80}).All(),
              HasSubstr("    input:  [1111111111"));
  EXPECT_THAT(HistoryText(view, TextOptions{.width = 80, .full = true}).All(),
              HasSubstr("    input:  " + big + "\n"));
}

TEST(HistoryTextTest, BlocksHaveStableKeysAndLayoutFreeSignatures) {
  const HistoryScript h = WorkshopLike();
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  const std::vector<TextBlock> blocks = HistoryText(view, TextOptions{}).Blocks();
  std::vector<std::string> keys;
  for (const TextBlock& block : blocks) keys.push_back(block.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"0", "1", "2", "2/0", "2/0/0", "2/1", "2/1/0"}));

  // A state with a longer name (after Log in branch 1) widens the column but
  // changes no other block's signature; the time running states have taken
  // shows in the text only.
  HistoryScript longer = WorkshopLike();
  int64_t log_exited = 0;
  for (const v1::HistoryEvent& event : longer.events()) {
    if (event.type() == v1::HISTORY_EVENT_TYPE_PASS_STATE_EXITED &&
        event.state_exited_event_details().name() == "Log") {
      log_exited = event.id();
    }
  }
  longer.Pass(log_exited, "A state with a much longer name", "1");
  const ExecutionView wider = BuildExecutionView(longer.Describe(), longer.events());
  std::map<std::string, TextBlock> after;
  for (TextBlock& block :
       HistoryText(wider, TextOptions{.now = kStart + absl::Seconds(9)}).Blocks()) {
    after[block.key] = std::move(block);
  }
  EXPECT_EQ(after.size(), blocks.size() + 1);
  EXPECT_THAT(after.at("2/0/1").text, HasSubstr("A state with a much longer name"));
  for (const TextBlock& block : blocks) {
    EXPECT_EQ(after.at(block.key).signature, block.signature) << block.key;
  }
  EXPECT_NE(after.at("0").text, blocks[0].text);  // Padded to the new width.
  EXPECT_THAT(after.at("2/1/0").text, HasSubstr("7.300s  waiting for callback"));
}

TEST(HistoryTextTest, Json) {
  const HistoryScript h = WorkshopLike();
  const ExecutionView view = BuildExecutionView(h.Describe(), h.events());
  const boost::json::object json = HistoryJson(view);
  EXPECT_EQ(json.at("status"), "RUNNING");
  EXPECT_EQ(json.at("executionArn"), testing::kHistoryArn);
  EXPECT_EQ(json.at("startDate"), "2023-11-14T22:13:20+00:00");
  const boost::json::array& states = json.at("states").as_array();
  ASSERT_EQ(states.size(), 3u);
  const boost::json::object& check = states[1].as_object();
  EXPECT_EQ(check.at("name"), "Check Name");
  EXPECT_EQ(check.at("status"), "CAUGHT");
  EXPECT_EQ(check.at("enteredDate"), "2023-11-14T22:13:20.010000+00:00");
  EXPECT_EQ(check.at("durationSeconds"), 1.59);
  EXPECT_EQ(check.at("attempts").as_array().size(), 2u);
  EXPECT_EQ(check.at("attempts").at(0).at("error"), "States.TaskFailed");
  EXPECT_EQ(check.at("attempts").at(1).at("status"), "FAILED");
  const boost::json::object& reviews = states[2].as_object();
  EXPECT_EQ(reviews.at("branches").at(1).at("label"), "branch 2");
  EXPECT_EQ(reviews.at("branches").at(1).at("states").at(0).at("note"), "waiting for callback");
  EXPECT_FALSE(reviews.contains("exitedDate"));
}

TEST(HistoryTextTest, ShortDuration) {
  EXPECT_EQ(ShortDuration(absl::ZeroDuration()), "0.000s");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(12)), "0.012s");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(12500)), "12.500s");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(59999)), "59.999s");
  EXPECT_EQ(ShortDuration(absl::Seconds(60)), "1m00s");
  EXPECT_EQ(ShortDuration(absl::Seconds(123)), "2m03s");
  EXPECT_EQ(ShortDuration(absl::Seconds(3723)), "1h02m03s");
  EXPECT_EQ(ShortDuration(absl::Seconds(-5)), "0.000s");
}

TEST(HistoryTextTest, OneLine) {
  // Numbers keep their text (a parse and serialize would round them).
  EXPECT_EQ(OneLine("[12345678901234567890123, 0.10000000000000000001, 1e2]", 0),
            "[12345678901234567890123,0.10000000000000000001,1e2]");
  EXPECT_EQ(OneLine(R"({"a b": " x\" y "})", 0), R"({"a b":" x\" y "})");
  EXPECT_EQ(OneLine(R"({ "a" : [1, 2],
    "b": "x" })",
                    0),
            R"({"a":[1,2],"b":"x"})");
  EXPECT_EQ(OneLine("line one\nline two", 0), "line one line two");
  EXPECT_EQ(OneLine("abcdefghij", 10), "abcdefghij");
  EXPECT_EQ(OneLine("abcdefghij", 8), "abcde...");
  EXPECT_EQ(OneLine("\"ééééé\"", 5), "\"é...");  // Code points, not bytes.
  EXPECT_EQ(OneLine("", 5), "");
}

}  // namespace
}  // namespace stepwise::cli
