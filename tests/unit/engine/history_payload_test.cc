// History payloads written once and shared (history.h SharedJsonText,
// history_text.h SharedPayloadText / NameAndPayload): the text is
// byte for byte json::serialize's, a payload shared by two events (a
// state's output, the next state's input) is a snapshot that later states
// do not change, and details built from cached texts read the same as
// details written member by member.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/internal/history_text.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using internal::DetailsText;
using internal::kNotTruncated;
using internal::NameAndPayload;
using internal::PayloadText;
using internal::SharedPayloadText;

TEST(SharedJsonTextTest, CopiesShareOneImmutableText) {
  SharedJsonText none;
  EXPECT_FALSE(none);
  EXPECT_EQ(none.view(), "");
  SharedJsonText text(R"({"a":1})");
  SharedJsonText copy = text;
  EXPECT_EQ(copy.view().data(), text.view().data());  // Shared, not copied.
  text = SharedJsonText("[]");
  EXPECT_EQ(copy.view(), R"({"a":1})");
  SharedJsonText moved = std::move(copy);
  EXPECT_EQ(moved.view(), R"({"a":1})");
  EXPECT_EQ(SharedJsonText("").size(), 0u);
}

// Strings of every length around the 8-byte steps, with an escaped byte at
// every position (and none).
TEST(HistoryPayloadTest, StringsEscapeAsSerializeDoesAtEveryOffset) {
  for (size_t length = 0; length <= 26; ++length) {
    for (size_t at = 0; at <= length; ++at) {
      for (const char special : {'"', '\\', '\n', '\x01', '\x1f', '\x7f', 'x'}) {
        std::string text(length, 'a');
        if (at < length) text[at] = special;
        const json::value value(json::string(text.data(), text.size()));
        EXPECT_EQ(PayloadText(value), json::serialize(value))
            << "length " << length << " at " << at;
        json::object object;
        object[text] = value;
        EXPECT_EQ(PayloadText(object), json::serialize(object));
      }
    }
  }
  std::string all;
  for (int c = 0; c < 256; ++c) all.push_back(static_cast<char>(c));
  const json::value every(json::string(all.data(), all.size()));
  EXPECT_EQ(PayloadText(every), json::serialize(every));
}

TEST(HistoryPayloadTest, NumbersAsSerializePrintsThem) {
  json::array numbers;
  for (double d : {0.0, -0.0, 1.0, -1.5, 42.5, 0.1, 1e300, -1e-300, 5e-324, 1.7976931348623157e308,
                   123456789.125, 3.14159, 1e21, 1e-7}) {
    numbers.push_back(d);
  }
  numbers.push_back(std::numeric_limits<int64_t>::min());
  numbers.push_back(std::numeric_limits<int64_t>::max());
  numbers.push_back(std::numeric_limits<uint64_t>::max());
  numbers.push_back(0);
  numbers.push_back(-7);
  // Many distinct doubles: more than the per-thread cache of their texts
  // holds, so entries are replaced and found again.
  uint64_t bits = 0x3ff0000000000001ULL;
  for (int i = 0; i < 2000; ++i) {
    bits = bits * 6364136223846793005ULL + 1442695040888963407ULL;
    double d = 0;
    std::memcpy(&d, &bits, sizeof(d));
    if (std::isfinite(d)) numbers.push_back(d);
    numbers.push_back(static_cast<double>(i % 50) / 8);
  }
  const json::value value(std::move(numbers));
  EXPECT_EQ(PayloadText(value), json::serialize(value));
  EXPECT_EQ(PayloadText(value), json::serialize(value));  // Now from the cache.
}

TEST(HistoryPayloadTest, DeepAndLargeValuesAsSerializePrintsThem) {
  // Deeper than the writer's own recursion: the rest goes through
  // json::serializer, in the same text.
  json::value deep = json::object{{"leaf", "x\"y"}};
  for (int i = 0; i < 300; ++i) {
    deep =
        (i % 2 == 0) ? json::value(json::array{deep, i}) : json::value(json::object{{"k", deep}});
  }
  EXPECT_EQ(PayloadText(deep), json::serialize(deep));
  const json::value empties = json::parse(R"({"o":{},"a":[],"n":null,"t":true,"f":false,"":""})");
  EXPECT_EQ(PayloadText(empties), json::serialize(empties));
  json::array big;
  for (int i = 0; i < 20000; ++i) big.push_back(json::object{{"id", i}, {"s", "é\t"}});
  const json::value large(std::move(big));
  EXPECT_EQ(SharedPayloadText(large).view(), json::serialize(large));
  std::string appended = "prefix:";
  internal::AppendJson(empties, appended);
  EXPECT_EQ(appended, "prefix:" + json::serialize(empties));
}

TEST(HistoryPayloadTest, NameAndPayloadReadsAsDetailsWrittenMemberByMember) {
  const json::value payload = json::parse(R"({"a":"x\"y","b":[1,2.5]})");
  // Many names (the cache of texts around payloads replaces entries), each
  // twice (the second from the cache), with both keys.
  for (int i = 0; i < 600; ++i) {
    const std::string name = (i % 3 == 0)   ? "State \"" + std::to_string(i) + "\"\n"
                             : (i % 3 == 1) ? "S" + std::to_string(i)
                                            : std::string(static_cast<size_t>(i % 40), 'n');
    for (int round = 0; round < 2; ++round) {
      for (std::string_view key : {"input", "output"}) {
        const HistoryDetails details = NameAndPayload(name, key, SharedPayloadText(payload));
        const HistoryDetails expected =
            DetailsText()
                .String("name", name)
                .Payload(key, PayloadText(payload))
                .Raw(key == "input" ? "inputDetails" : "outputDetails", kNotTruncated)
                .Finish();
        ASSERT_EQ(details.text(), expected.text()) << name;
        json::object object;
        object["name"] = name;
        object[key] = json::serialize(payload);
        object[std::string(key) + "Details"] = json::object{{"truncated", false}};
        ASSERT_EQ(details.text(), json::serialize(object));
      }
    }
  }
}

TEST(HistoryPayloadTest, DetailsCopiesAndMovesKeepTheirText) {
  HistoryDetails details = NameAndPayload("A", "output", SharedJsonText(R"({"k":"v"})"));
  const std::string text = details.text();
  HistoryDetails copy = details;
  EXPECT_EQ(copy.text(), text);
  EXPECT_EQ(copy.at("output").as_string(), R"({"k":"v"})");  // Parsed from the copy.
  HistoryDetails moved = std::move(details);
  EXPECT_EQ(moved.text(), text);
  EXPECT_EQ(moved.at("name").as_string(), "A");
  copy = moved;
  EXPECT_EQ(copy.text(), text);
  copy = HistoryDetails();
  EXPECT_TRUE(copy.empty());
  EXPECT_EQ(copy.text(), "{}");
  EXPECT_TRUE(copy.object().empty());
  EXPECT_EQ(HistoryDetails::FromText("").text(), "{}");
  EXPECT_EQ(HistoryDetails::WithPayload(std::string(R"({"input":})"), 9, std::string("[1]")).text(),
            R"({"input":"[1]"})");
}

std::vector<HistoryEvent> RunWithHistory(std::string_view definition, std::string_view input) {
  asl::ValidationResult machine = asl::ValidateDefinition(definition);
  EXPECT_TRUE(machine.ok()) << definition;
  InterpreterOptions options;
  options.record_history = true;
  Interpreter interpreter(machine.machine, options);
  LocalRunResult result = RunLocally(
      interpreter, ExecutionInfo{"arn:e", "e", "arn:m", "m", "arn:role"}, json::parse(input),
      [](const ScheduleTask& task) {
        // The worker answers with its input, changed: the task's output.
        json::value output = task.payload;
        output.as_object()["worker"] = "done";
        return TaskAnswer{TaskAnswer::Kind::kSucceed, std::move(output), "", ""};
      },
      {});
  EXPECT_EQ(result.state.status, ExecutionStatus::kSucceeded) << result.state.cause;
  return std::move(result.history);
}

// Every event's stored text (ToJsonText) is json::serialize(ToJson(event))
// and reads back as the same object; its payload text is the canonical
// serialization of the payload.
void ExpectCanonical(const HistoryEvent& event) {
  const std::string text = ToJsonText(event);
  EXPECT_EQ(text, json::serialize(ToJson(event)));
  EXPECT_EQ(json::serialize(json::parse(text)), text);
  for (std::string_view key : {"input", "output", "parameters"}) {
    if (const json::value* payload = event.details.if_contains(key)) {
      const json::string& inner = payload->as_string();
      const std::string_view view(inner.data(), inner.size());
      EXPECT_EQ(json::serialize(json::parse(view)), view);
    }
  }
}

TEST(HistoryPayloadTest, SharedPayloadsAreSnapshotsOfEachState) {
  // Each state changes the value it was given (in place, where the engine
  // can): the events must still show each state's own input and output.
  std::vector<HistoryEvent> history = RunWithHistory(R"j({"StartAt":"A","States":{
      "A":{"Type":"Pass","Result":{"step":"a","n":1.5},"ResultPath":"$.a","Next":"B"},
      "B":{"Type":"Pass","Parameters":{"from.$":"$.a","list":["q\"uote",2]},"Next":"T"},
      "T":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","ResultPath":"$.t",
           "Next":"C"},
      "C":{"Type":"Pass","Result":"last","ResultPath":"$.from","End":true}}})j",
                                                     R"j({"in":"put\n","x":[1,2]})j");
  std::vector<std::string> inputs;
  std::vector<std::string> outputs;
  for (const HistoryEvent& event : history) {
    ExpectCanonical(event);
    if (event.type == HistoryEventType::kStateEntered) {
      inputs.push_back(std::string(event.details.at("input").as_string()));
    } else if (event.type == HistoryEventType::kStateExited) {
      outputs.push_back(std::string(event.details.at("output").as_string()));
    }
  }
  ASSERT_EQ(inputs.size(), 4u);
  ASSERT_EQ(outputs.size(), 4u);
  EXPECT_EQ(inputs[0], R"j({"in":"put\n","x":[1,2]})j");
  EXPECT_EQ(outputs[0], R"j({"in":"put\n","x":[1,2],"a":{"step":"a","n":1.5E0}})j");
  EXPECT_EQ(outputs[1], R"j({"from":{"step":"a","n":1.5E0},"list":["q\"uote",2]})j");
  EXPECT_EQ(outputs[2],
            R"j({"from":{"step":"a","n":1.5E0},"list":["q\"uote",2],)j"
            R"j("t":{"from":{"step":"a","n":1.5E0},"list":["q\"uote",2],"worker":"done"}})j");
  EXPECT_EQ(outputs[3],
            R"j({"from":"last","list":["q\"uote",2],)j"
            R"j("t":{"from":{"step":"a","n":1.5E0},"list":["q\"uote",2],"worker":"done"}})j");
  // A state's input is the previous state's output, shown the same.
  for (size_t i = 1; i < inputs.size(); ++i) EXPECT_EQ(inputs[i], outputs[i - 1]);
  // The execution's input and output events show the same snapshots.
  EXPECT_EQ(history.front().details.at("input").as_string(), inputs[0]);
  EXPECT_EQ(history.back().type, HistoryEventType::kExecutionSucceeded);
  EXPECT_EQ(history.back().details.at("output").as_string(), outputs[3]);
}

TEST(HistoryPayloadTest, ParallelAndMapEventsAreCanonical) {
  std::vector<HistoryEvent> history = RunWithHistory(R"j({"StartAt":"P","States":{
      "P":{"Type":"Parallel","Next":"M","Branches":[
        {"StartAt":"B1","States":{"B1":{"Type":"Pass","Result":{"b":1},"End":true}}},
        {"StartAt":"B2","States":{"B2":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke",
                                        "End":true}}}]},
      "M":{"Type":"Map","ItemsPath":"$[1].items","ItemSelector":{"i.$":"$$.Map.Item.Index"},
           "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},
           "End":true}}})j",
                                                     R"j({"items":["a","b\u0001",3.25]})j");
  ASSERT_FALSE(history.empty());
  for (const HistoryEvent& event : history) ExpectCanonical(event);
  EXPECT_EQ(history.back().details.at("output").as_string(), R"j([{"i":0},{"i":1},{"i":2}])j");
}

// A Pass or Choice state's output text is derived from its input's text
// when the output is that input passed on, unchanged or with one field
// appended (Step::OutputText): it must read exactly as the output value
// serializes. The state under test is the last one, so the execution's
// output is that value.
TEST(HistoryPayloadTest, OutputTextsDerivedFromTheInputMatchTheOutput) {
  struct Case {
    std::string_view name;
    std::string_view states;
    std::string_view input;
  };
  const Case cases[] = {
      {"field appended", R"j("S":{"Type":"Pass","Result":{"r":[1,"x"]},"ResultPath":"$.new",
                             "End":true})j",
       R"j({"a":1,"b":{"c":"d\n"}})j"},
      {"field appended to {}", R"j("S":{"Type":"Pass","Result":2.5,"ResultPath":"$.new",
                                   "End":true})j",
       "{}"},
      {"non-ASCII field", R"j("S":{"Type":"Pass","Result":"v","ResultPath":"$.ü","End":true})j",
       R"j({"a":"é"})j"},
      {"field replaced", R"j("S":{"Type":"Pass","Result":"v","ResultPath":"$.a","End":true})j",
       R"j({"a":1,"b":2})j"},
      {"nested field created", R"j("S":{"Type":"Pass","Result":"v","ResultPath":"$.x.y",
                                   "End":true})j",
       R"j({"a":1})j"},
      {"nested field appended", R"j("S":{"Type":"Pass","Result":"v","ResultPath":"$.a.y",
                                    "End":true})j",
       R"j({"a":{"z":0},"b":1})j"},
      {"result discarded", R"j("S":{"Type":"Pass","Result":"v","ResultPath":null,"End":true})j",
       R"j({"a":[true,null]})j"},
      {"input passed on", R"j("S":{"Type":"Pass","End":true})j", R"j({"a":"\u0001"})j"},
      {"Choice passes its input",
       R"j("S":{"Type":"Choice","Choices":[{"Variable":"$.a","NumericEquals":1,"Next":"E"}]},
           "E":{"Type":"Succeed"})j",
       R"j({"a":1,"s":"t"})j"},
      {"empty Map appends its result", R"j("S":{"Type":"Map","ItemsPath":"$.items",
           "ItemProcessor":{"StartAt":"I","States":{"I":{"Type":"Pass","End":true}}},
           "ResultPath":"$.results","End":true})j",
       R"j({"items":[],"k":"v"})j"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string definition = StrCat(R"j({"StartAt":"S","States":{)j", c.states, "}}");
    asl::ValidationResult machine = asl::ValidateDefinition(definition);
    ASSERT_TRUE(machine.ok()) << c.name;
    InterpreterOptions options;
    options.record_history = true;
    Interpreter interpreter(machine.machine, options);
    LocalRunResult result =
        RunLocally(interpreter, ExecutionInfo{"arn:e", "e", "arn:m", "m", "arn:role"},
                   json::parse(c.input), [](const ScheduleTask&) { return TaskAnswer{}; }, {});
    ASSERT_EQ(result.state.status, ExecutionStatus::kSucceeded) << c.name;
    const std::string expected = json::serialize(result.state.output);
    const HistoryEvent* exited = nullptr;
    for (const HistoryEvent& event : result.history) {
      ExpectCanonical(event);
      if (event.type == HistoryEventType::kStateExited &&
          event.details.at("name").as_string() == "S") {
        exited = &event;
      }
    }
    ASSERT_NE(exited, nullptr) << c.name;
    EXPECT_EQ(exited->details.at("output").as_string(), expected) << c.name;
    EXPECT_EQ(result.history.back().details.at("output").as_string(), expected) << c.name;
  }
}

}  // namespace
}  // namespace stepwise::engine
