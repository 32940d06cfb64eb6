// The fast paths of the fifth profile round (bench/README.md) leave executions exactly as
// before: a Task/Parallel result put into the state input in place, a Choice moving its input
// into its output, the context object built only where a field reads it, and
// Interpreter::ApplyInPlace (what RunLocally uses) changing the state as Apply does.
#include <memory>
#include <string>
#include <string_view>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

std::shared_ptr<const asl::StateMachine> Machine(std::string_view definition) {
  asl::ValidationResult machine = asl::ValidateDefinition(definition);
  EXPECT_TRUE(machine.ok()) << definition;
  return machine.machine;
}

ExecutionInfo Info() { return ExecutionInfo{"arn:e", "e", "arn:m", "m", "arn:role"}; }

// Tasks answer with `answer` (JSON text), or echo their payload when it is empty.
LocalRunResult RunMachine(std::string_view definition, std::string_view input,
                          std::string_view answer = "", size_t limit = 256 * 1024) {
  InterpreterOptions options;
  options.max_payload_bytes = limit;
  options.record_history = false;
  Interpreter interpreter(Machine(definition), options);
  const json::value reply = answer.empty() ? json::value() : json::parse(answer);
  return RunLocally(interpreter, Info(), json::parse(input),
                    [&](const ScheduleTask& task) {
                      return TaskAnswer{TaskAnswer::Kind::kSucceed,
                                        answer.empty() ? task.payload : reply, "", ""};
                    },
                    {});
}

TEST(MovedResultTest, TaskResultPathInPlaceThenNextState) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.r.s",
           "Next":"P"},
      "P":{"Type":"Pass","End":true}}})j",
                                R"j({"a":1,"r":{"k":2}})j", R"j({"v":3})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":1,"r":{"k":2,"s":{"v":3}}})j");
}

TEST(MovedResultTest, TaskEndingTheExecutionKeepsItsInputInTheStateDocument) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.r",
           "End":true}}})j",
                                R"j({"a":1})j", R"j({"v":3})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":1,"r":{"v":3}})j");
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":1})j");
}

TEST(MovedResultTest, OutputOverTheLimitIsCaughtWithTheOriginalInput) {
  // The result fits, the input with the result put in does not: the Catcher
  // (ResultPath null) passes on the state input as it was.
  LocalRunResult r =
      RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.r",
           "Catch":[{"ErrorEquals":["States.DataLimitExceeded"],"ResultPath":null,"Next":"C"}],
           "End":true},
      "C":{"Type":"Pass","End":true}}})j",
                 R"j({"a":"0123456789012345678901"})j", R"j({"v":"0123456789"})j", 40);
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":"0123456789012345678901"})j");
}

TEST(MovedResultTest, ParallelResultPathInPlace) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"Par","States":{
      "Par":{"Type":"Parallel","ResultPath":"$.checks","Next":"Done","Branches":[
        {"StartAt":"A","States":{"A":{"Type":"Pass","Result":1,"End":true}}},
        {"StartAt":"B","States":{"B":{"Type":"Pass","InputPath":"$.x","End":true}}}]},
      "Done":{"Type":"Pass","End":true}}})j",
                                R"j({"x":[1,2]})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"x":[1,2],"checks":[1,[1,2]]})j");
}

TEST(MovedResultTest, ChoiceMovesItsInputToTheNextState) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"C","States":{
      "C":{"Type":"Choice","Choices":[{"Variable":"$.n","NumericEquals":1,"Next":"One"}],
           "Default":"Other"},
      "One":{"Type":"Pass","Result":"one","ResultPath":"$.r","End":true},
      "Other":{"Type":"Pass","End":true}}})j",
                                R"j({"n":1,"m":[3]})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"n":1,"m":[3],"r":"one"})j");
}

TEST(MovedResultTest, ChoiceOutputOverTheLimitKeepsTheBranchInput) {
  // A branch's input (the Parallel's Parameters) is not checked until a
  // state outputs it: the Choice fails the size check and the branch keeps
  // its input for a redrive.
  LocalRunResult r = RunMachine(R"j({"StartAt":"Par","States":{
      "Par":{"Type":"Parallel","Parameters":{"a.$":"$.s","b.$":"$.s"},"End":true,"Branches":[
        {"StartAt":"C","States":{
          "C":{"Type":"Choice","Choices":[{"Variable":"$.a","IsPresent":true,"Next":"P"}]},
          "P":{"Type":"Pass","End":true}}}]}}})j",
                                R"j({"s":"01234567890123456789"})j", "", 40);
  ASSERT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
  ASSERT_EQ(r.state.root.children.size(), 1u);
  EXPECT_EQ(r.state.root.children[0].state, "C");
  EXPECT_EQ(json::serialize(r.state.root.children[0].input),
            R"j({"a":"01234567890123456789","b":"01234567890123456789"})j");
}

TEST(MovedResultTest, ContextReadAfterATaskWhoseParametersReadIt) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
           "Parameters":{"token.$":"$$.Task.Token"},
           "ResultSelector":{"name.$":"$$.State.Name","token.$":"$.token"},
           "ResultPath":"$.r","End":true}}})j",
                                R"j({"a":1})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  const json::value& selected = r.state.output.at("r");
  EXPECT_EQ(selected.at("name"), "T");
  EXPECT_EQ(selected.at("token").as_string().size(), 64u);
}

TEST(MovedResultTest, TimeoutPathSeesTheTaskInput) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
           "Parameters":{"t.$":"$.t","token.$":"$$.Task.Token"},"TimeoutSecondsPath":"$.t",
           "ResultSelector":{"t.$":"$.t"},"End":true}}})j",
                                R"j({"t":30})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded) << r.state.cause;
  EXPECT_EQ(json::serialize(r.state.output), R"j({"t":30})j");
}

TEST(ApplyInPlaceTest, ChangesTheStateAsApplyDoes) {
  Interpreter interpreter(Machine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.r",
           "Next":"P"},
      "P":{"Type":"Pass","Result":2,"ResultPath":"$.p","End":true}}})j"));
  auto start = [] {
    return Event{absl::FromUnixSeconds(1700000000), "entropy-0123456789",
                 StartExecution{Info(), json::parse(R"j({"a":1})j")}};
  };
  StepResult copied = interpreter.Apply(ExecutionState{}, start());
  ExecutionState in_place;
  StepOutput output = interpreter.ApplyInPlace(in_place, start());
  EXPECT_EQ(json::serialize(ToJson(in_place)), json::serialize(ToJson(copied.state)));
  ASSERT_EQ(output.effects.size(), copied.effects.size());
  EXPECT_EQ(output.history.size(), copied.history.size());
  ASSERT_FALSE(output.effects.empty());
  const auto* task = std::get_if<ScheduleTask>(&output.effects[0]);
  ASSERT_NE(task, nullptr);

  auto done = [&] {
    return Event{absl::FromUnixSeconds(1700000001), "entropy-abcdefghij",
                 TaskSucceeded{task->task_id, json::parse(R"j({"v":3})j")}};
  };
  StepResult finished = interpreter.Apply(copied.state, done());
  interpreter.ApplyInPlace(in_place, done());
  EXPECT_EQ(json::serialize(ToJson(in_place)), json::serialize(ToJson(finished.state)));
  EXPECT_EQ(in_place.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::serialize(in_place.output), R"j({"a":1,"r":{"v":3},"p":2})j");
}

}  // namespace
}  // namespace stepwise::engine
