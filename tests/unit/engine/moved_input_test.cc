// A Pass state that moves its input into its output (in-place ResultPath, whole input) leaves the
// execution state exactly as a copying Pass would, and the context object keeps what each state
// reads.
#include <memory>
#include <string>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/data_flow.h"
#include "orchestrator/engine/expression_cache.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;

LocalRunResult RunMachine(std::string_view definition, std::string_view input,
                          size_t limit = 256 * 1024, bool history = true) {
  asl::ValidationResult machine = asl::ValidateDefinition(definition);
  EXPECT_TRUE(machine.ok()) << definition;
  InterpreterOptions options;
  options.max_payload_bytes = limit;
  options.record_history = history;
  Interpreter interpreter(machine.machine, options);
  return RunLocally(interpreter, ExecutionInfo{"arn:e", "e", "arn:m", "m", "arn:role"},
                    json::parse(input),
                    [](const ScheduleTask& task) {
                      return TaskAnswer{TaskAnswer::Kind::kSucceed, task.payload, "", ""};
                    },
                    {});
}

TEST(MovedInputTest, SizeFailureAfterInPlaceResultPathKeepsTheStateInput) {
  for (bool history : {false, true}) {
    LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{"A":{"Type":"Pass",
        "Result":"0123456789012345678901234567890123456789","ResultPath":"$.b.c","End":true}}})j",
                                  R"j({"a":1,"b":{"k":2}})j", 40, history);
    EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
    EXPECT_EQ(r.state.error, "States.DataLimitExceeded");
    // The redrive reruns A with this input: unchanged, in its order.
    EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":1,"b":{"k":2}})j");
  }
}

TEST(MovedInputTest, SizeFailureAfterReplacingAFieldRestoresItsValue) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{"A":{"Type":"Pass",
      "Result":"0123456789012345678901234567890123456789","ResultPath":"$.a","Next":"B"},
      "B":{"Type":"Pass","End":true}}})j",
                                R"j({"a":1,"b":2})j", 40);
  EXPECT_EQ(r.state.status, ExecutionStatus::kFailed);
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":1,"b":2})j");
}

TEST(MovedInputTest, LastStateKeepsItsInputInTheStateDocument) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":7,"ResultPath":"$.x.y","Next":"B"},
      "B":{"Type":"Pass","Result":8,"ResultPath":"$.z","End":true}}})j",
                                R"j({"a":1})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":1,"x":{"y":7},"z":8})j");
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":1,"x":{"y":7}})j");
}

TEST(MovedInputTest, WholeInputPassStates) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":7,"ResultPath":null,"Next":"B"},
      "B":{"Type":"Pass","InputPath":"$","ResultPath":"$","OutputPath":"$","End":true}}})j",
                                R"j({"a":[1,2]})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::serialize(r.state.output), R"j({"a":[1,2]})j");
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":[1,2]})j");
}

TEST(MovedInputTest, ResultPathThroughANonObjectStillFails) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"A","States":{"A":{"Type":"Pass","Result":7,
      "ResultPath":"$.a.b","End":true}}})j",
                                R"j({"a":1})j");
  EXPECT_EQ(r.state.error, "States.ResultPathMatchFailure");
  EXPECT_EQ(json::serialize(r.state.root.input), R"j({"a":1})j");
}

TEST(ResultPathInPlaceTest, UndoRestoresOrderAndValues) {
  asl::ValidationResult machine = asl::ValidateDefinition(
      R"j({"StartAt":"A","States":{"A":{"Type":"Pass","ResultPath":"$.b.new.deep","End":true}}})j");
  ASSERT_TRUE(machine.ok());
  ExpressionCache cache(*machine.machine);
  const asl::State& a = machine.machine->states[0];
  json::value document = json::parse(R"j({"a":1,"b":{"k":2},"c":3})j");
  json::value result = 5;
  std::optional<ResultPathUndo> undo =
      ApplyResultPathInPlace(a.result_path, document, result, &cache);
  ASSERT_TRUE(undo.has_value());
  EXPECT_EQ(json::serialize(document), R"j({"a":1,"b":{"k":2,"new":{"deep":5}},"c":3})j");
  UndoResultPath(*undo, document);
  EXPECT_EQ(json::serialize(document), R"j({"a":1,"b":{"k":2},"c":3})j");
}

TEST(ContextObjectTest, PartsReadAfterATokenOnlyStateAreComplete) {
  LocalRunResult r = RunMachine(R"j({"StartAt":"T","States":{
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
           "Parameters":{"tok.$":"$$.Task.Token"},"ResultPath":null,"Next":"U"},
      "U":{"Type":"Pass","Parameters":{"in.$":"$$.Execution.Input","sm.$":"$$.StateMachine.Name",
           "e.$":"States.JsonToString($$.Execution.Id)"},"End":true}}})j",
                                R"j({"q":1})j");
  ASSERT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  EXPECT_EQ(json::serialize(r.state.output), R"j({"in":{"q":1},"sm":"m","e":"\"arn:e\""})j");
}

}  // namespace
}  // namespace stepwise::engine
