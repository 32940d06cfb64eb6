// History details written as text (internal/history_text.h, HistoryDetails,
// ToJsonText) must be byte for byte what boost::json::serialize prints for
// the same objects: GetExecutionHistory stores that text.
#include "orchestrator/engine/internal/history_text.h"

#include <string>

#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gtest/gtest.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/uuid.h"

namespace stepwise::engine::internal {
namespace {

namespace json = ::boost::json;

std::string Quoted(std::string_view text) {
  std::string out;
  AppendQuoted(text, out);
  return out;
}

TEST(HistoryTextTest, QuotesEveryByteAsSerializeDoes) {
  for (int c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    EXPECT_EQ(Quoted(one), json::serialize(json::string(one))) << "byte " << c;
  }
  const std::string mixed = "a\"b\\c\n\t\r\b\f\x01\x1f\x7f/é😀{\"k\":[1,\"v\"]}";
  EXPECT_EQ(Quoted(mixed), json::serialize(json::string(mixed)));
  std::string appended = "prefix";
  AppendQuoted("x\"y", appended);
  EXPECT_EQ(appended, "prefix\"x\\\"y\"");
}

TEST(HistoryTextTest, PayloadTextIsSerialize) {
  const json::value value = json::parse(
      R"({"s":"q\"uote\\ \n é","n":[1,-2,3.5,1e300,18446744073709551615],"o":{},"a":[],"t":true,"z":null})");
  EXPECT_EQ(PayloadText(value), json::serialize(value));
  std::string big(10000, 'x');
  EXPECT_EQ(PayloadText(json::value(json::string(big))), json::serialize(json::string(big)));
}

TEST(HistoryTextTest, DetailsTextMatchesSerializedObject) {
  const json::value payload = json::parse(R"({"a":"x\"y","b":[1,2.5,"\u0001"]})");
  HistoryDetails details = DetailsText()
                               .String("name", "State \"A\"\n")
                               .Int("index", -42)
                               .Payload("input", PayloadText(payload))
                               .Raw("inputDetails", kNotTruncated)
                               .Members(R"({"resource":"r"})")
                               .Members("{}")
                               .Finish();
  json::object expected;
  expected["name"] = "State \"A\"\n";
  expected["index"] = -42;
  expected["input"] = json::serialize(payload);
  expected["inputDetails"] = json::object{{"truncated", false}};
  expected["resource"] = "r";
  EXPECT_EQ(details.text(), json::serialize(expected));
  EXPECT_TRUE(details == expected);
  ASSERT_NE(details.if_contains("input"), nullptr);
  EXPECT_EQ(json::parse(details.at("input").as_string()), payload);
  EXPECT_TRUE(details.contains("resource"));
  EXPECT_FALSE(details.contains("output"));
}

TEST(HistoryTextTest, EmptyDetails) {
  EXPECT_EQ(HistoryDetails().text(), "{}");
  EXPECT_TRUE(HistoryDetails().empty());
  EXPECT_EQ(HistoryDetails(json::object()).text(), "{}");
  EXPECT_EQ(DetailsText().Finish().text(), "{}");
  EXPECT_TRUE(HistoryDetails().object().empty());
}

TEST(HistoryTextTest, ToJsonTextIsSerializedToJson) {
  HistoryEvent event;
  event.id = 12;
  event.previous_event_id = 11;
  event.timestamp = absl::FromUnixMillis(1700000000123);
  event.type = HistoryEventType::kStateExited;
  event.state_type = asl::StateType::kTask;
  event.details = DetailsText()
                      .String("name", "T")
                      .Payload("output", R"({"k":"v\"w"})")
                      .Raw("outputDetails", kNotTruncated)
                      .Finish();
  EXPECT_EQ(ToJsonText(event), json::serialize(ToJson(event)));
  EXPECT_EQ(ToJsonText(event),
            R"({"timestamp":"2023-11-14T22:13:20.123Z","type":"TaskStateExited","id":12,)"
            R"("previousEventId":11,"stateExitedEventDetails":{"name":"T",)"
            R"("output":"{\"k\":\"v\\\"w\"}","outputDetails":{"truncated":false}}})");
  // A type without details leaves the member out.
  event.type = HistoryEventType::kParallelStateStarted;
  event.details = HistoryDetails();
  EXPECT_EQ(ToJsonText(event), json::serialize(ToJson(event)));
  EXPECT_EQ(ToJsonText(event).find("EventDetails"), std::string::npos);
}

TEST(UuidTest, FormatsVersionFourText) {
  std::array<uint8_t, 16> bytes;
  for (size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<uint8_t>(0xF0 + i);
  EXPECT_EQ(FormatUuidV4(bytes), "f0f1f2f3-f4f5-46f7-b8f9-fafbfcfdfeff");
  bytes.fill(0);
  EXPECT_EQ(FormatUuidV4(bytes), "00000000-0000-4000-8000-000000000000");
}

TEST(UuidTest, NewUuidDrawsBigEndian) {
  SeededEntropy entropy(7);
  SeededEntropy same(7);
  std::array<uint8_t, 16> bytes;
  for (size_t half = 0; half < 2; ++half) {
    const uint64_t bits = same.NextUint64();
    for (size_t k = 0; k < 8; ++k) bytes[half * 8 + k] = static_cast<uint8_t>(bits >> (56 - 8 * k));
  }
  EXPECT_EQ(NewUuidV4(entropy), FormatUuidV4(bytes));
}

}  // namespace
}  // namespace stepwise::engine::internal
