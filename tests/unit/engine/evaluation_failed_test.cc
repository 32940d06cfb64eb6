// EvaluationFailed: AWS records it (error, cause, location, state) when a
// JSONata expression fails, before the state's failure is handled.
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/events.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::HasSubstr;

std::vector<HistoryEvent> RunOnce(const std::string& definition) {
  asl::ValidationResult validation = asl::ValidateDefinition(definition);
  EXPECT_TRUE(validation.ok()) << definition;
  Interpreter interpreter(validation.machine);
  StartExecution start;
  start.info = {"arn:aws:states:local:0:execution:m:run", "run",
                "arn:aws:states:local:0:stateMachine:m", "m", "arn:aws:iam::0:role/r"};
  start.input = json::parse(R"j({"a":1,"s":"x"})j");
  Event event;
  event.now = absl::FromUnixSeconds(1'700'000'000);
  event.entropy = std::string(32, 'a');
  event.body = std::move(start);
  ExecutionState state;
  return interpreter.Apply(state, event).history;
}

const HistoryEvent* Find(const std::vector<HistoryEvent>& history, HistoryEventType type) {
  for (const HistoryEvent& event : history) {
    if (event.type == type) return &event;
  }
  return nullptr;
}

TEST(EvaluationFailedTest, NamesErrorCauseFieldAndState) {
  std::vector<HistoryEvent> history = RunOnce(R"j({"QueryLanguage":"JSONata","StartAt":"P",
      "States":{"P":{"Type":"Pass","Output":{"sum":"{% $states.input.a + $states.input.s %}"},
      "End":true}}})j");
  const HistoryEvent* failed = Find(history, HistoryEventType::kEvaluationFailed);
  ASSERT_NE(failed, nullptr);
  const json::value out = ToJson(*failed);
  EXPECT_EQ(out.at("type"), "EvaluationFailed");
  const json::object& details = out.at("evaluationFailedEventDetails").as_object();
  EXPECT_EQ(details.at("error"), "States.QueryEvaluationError");
  // The field path as the cause names it.
  EXPECT_EQ(details.at("location"), "Output/sum");
  EXPECT_EQ(details.at("state"), "P");
  EXPECT_THAT(std::string(details.at("cause").as_string()), HasSubstr("T2002"));
  // The same cause ends the execution, right after this event.
  const HistoryEvent& last = history.back();
  ASSERT_EQ(last.type, HistoryEventType::kExecutionFailed);
  EXPECT_EQ(last.details.at("cause"), details.at("cause"));
  EXPECT_EQ(last.previous_event_id, failed->id);
}

TEST(EvaluationFailedTest, LocationOfAWrongTypeIsTheField) {
  std::vector<HistoryEvent> history = RunOnce(R"j({"QueryLanguage":"JSONata","StartAt":"M",
      "States":{"M":{"Type":"Map","Items":"{% $states.input.a %}","End":true,
      "ItemProcessor":{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}}}})j");
  const HistoryEvent* failed = Find(history, HistoryEventType::kEvaluationFailed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->details.at("location"), "Items");
  EXPECT_EQ(failed->details.at("state"), "M");
}

TEST(EvaluationFailedTest, NotRecordedForOtherFailures) {
  std::vector<HistoryEvent> history = RunOnce(R"j({"QueryLanguage":"JSONata","StartAt":"F",
      "States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}})j");
  EXPECT_EQ(Find(history, HistoryEventType::kEvaluationFailed), nullptr);
}

}  // namespace
}  // namespace stepwise::engine
