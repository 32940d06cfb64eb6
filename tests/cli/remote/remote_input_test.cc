// Local input of the remote commands: file://, JSON checks, substitutions,
// tags and enum names, each bad value with a message that names it.
#include "cli/remote/remote_input.h"

#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/remote_test_support.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::cli {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::HasSubstr;

TEST(RemoteInputTest, FileSchemeReadsTheFile) {
  testing::TempDir dir;
  const std::string path = dir.Write("in.json", R"({"a": 1})");
  EXPECT_EQ(LoadParam("file://" + path).value(), R"({"a": 1})");
  EXPECT_EQ(LoadParam("plain text").value(), "plain text");
  EXPECT_EQ(LoadJsonParam("file://" + path).value(), R"({"a": 1})");  // Sent as written.
}

TEST(RemoteInputTest, UnreadableFilesAreNamed) {
  const absl::StatusOr<std::string> missing = LoadParam("file://no/such/in.json");
  EXPECT_THAT(missing.status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("cannot read 'no/such/in.json': No such file"));
  EXPECT_THAT(LoadParam("file://").status(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RemoteInputTest, JsonErrorsHaveLineAndColumn) {
  const absl::StatusOr<std::string> bad = LoadJsonParam(R"({"a": )");
  EXPECT_THAT(bad.status(), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(bad.status().message()),
              HasSubstr("the value is not valid JSON: line 1, column"));
  testing::TempDir dir;
  const std::string path = dir.Write("bad.json", "{\n  \"a\": tru\n}");
  EXPECT_THAT(std::string(LoadJsonParam("file://" + path).status().message()),
              HasSubstr("file://" + path + " is not valid JSON: line 2"));
  EXPECT_THAT(LoadJsonParam("42"), IsOk());
}

TEST(RemoteInputTest, Substitutions) {
  auto substitutions = LoadSubstitutions(R"({"Arn": "arn:x", "Count": 3, "On": true})");
  ASSERT_THAT(substitutions, IsOk());
  EXPECT_EQ(substitutions->at("Arn"), "arn:x");
  EXPECT_EQ(substitutions->at("Count"), "3");
  EXPECT_EQ(substitutions->at("On"), "true");
  EXPECT_THAT(std::string(LoadSubstitutions("[1]").status().message()),
              HasSubstr("the value must hold a JSON object"));
  EXPECT_THAT(std::string(LoadSubstitutions(R"({"A": {}})").status().message()),
              HasSubstr("value of 'A' must be a string, number or boolean"));
  EXPECT_THAT(std::string(LoadSubstitutions("{").status().message()), HasSubstr("not valid JSON"));
}

TEST(RemoteInputTest, TagsInBothForms) {
  auto tags =
      ParseTags({R"([{"key": "team", "value": "ops"}, {"key": "solo"}])", "key=env,value=dev"});
  ASSERT_THAT(tags, IsOk());
  ASSERT_EQ(tags->size(), 3u);
  EXPECT_EQ((*tags)[0].key(), "team");
  EXPECT_EQ((*tags)[0].value(), "ops");
  EXPECT_EQ((*tags)[1].key(), "solo");
  EXPECT_EQ((*tags)[2].key(), "env");
  EXPECT_EQ((*tags)[2].value(), "dev");
  EXPECT_THAT(std::string(ParseTags({"team"}).status().message()),
              HasSubstr("neither a JSON list nor of the form key=K,value=V"));
  EXPECT_THAT(std::string(ParseTags({"value=x"}).status().message()), HasSubstr("has no key=K"));
  EXPECT_THAT(std::string(ParseTags({R"([{"value": "x"}])"}).status().message()),
              HasSubstr("must be a JSON list of"));
}

TEST(RemoteInputTest, EnumNames) {
  EXPECT_EQ(ParseEnumParam(*v1::StateMachineType_descriptor(), "").value(), 0);
  EXPECT_EQ(ParseEnumParam(*v1::StateMachineType_descriptor(), "EXPRESS").value(),
            v1::STATE_MACHINE_TYPE_EXPRESS);
  EXPECT_THAT(
      std::string(ParseEnumParam(*v1::StateMachineType_descriptor(), "Fast").status().message()),
      HasSubstr("'Fast' is not one of STANDARD, EXPRESS"));
}

TEST(RemoteInputTest, BadParameterIsAUsageError) {
  std::ostringstream err;
  EXPECT_EQ(BadParameter(err, "--input", absl::InvalidArgumentError("nope")), 252);
  EXPECT_EQ(err.str(), "Error parsing parameter '--input': nope\n");
}

}  // namespace
}  // namespace stepwise::cli
