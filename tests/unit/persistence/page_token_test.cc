#include "persistence/page_token.h"

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/status_matchers.h"

namespace stepwise::persistence {
namespace {

using ::stepwise::testing::IsOk;
using ::stepwise::testing::StatusIs;
using ::testing::ElementsAre;

TEST(PageTokenTest, RoundTripsAnyParts) {
  std::vector<std::string> parts = {"1700000000000000", "arn:a:b:c", "", "x:y\n\"z\""};
  std::string token = EncodePageToken(parts);
  absl::StatusOr<std::vector<std::string>> decoded = DecodePageToken(token, parts.size());
  ASSERT_THAT(decoded, IsOk());
  EXPECT_EQ(*decoded, parts);
  EXPECT_EQ(token.find_first_of(":/+= \n"), std::string::npos);  // URL- and JSON-safe.
}

TEST(PageTokenTest, RejectsForeignOrTamperedTokens) {
  std::string token = EncodePageToken({"a", "b"});
  EXPECT_THAT(DecodePageToken(token, 3), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(DecodePageToken("!!", 1), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(DecodePageToken(EncodePageToken({"abc"}).substr(0, 3), 1),
              StatusIs(absl::StatusCode::kInvalidArgument));
  for (const char* raw : {"9:ab", "x:ab", ":ab", "1234567890:a"}) {
    std::string bad;
    absl::WebSafeBase64Escape(raw, &bad);
    EXPECT_THAT(DecodePageToken(bad, 1), StatusIs(absl::StatusCode::kInvalidArgument)) << raw;
  }
  absl::StatusOr<std::vector<std::string>> only = DecodePageToken(EncodePageToken({"only"}), 1);
  ASSERT_THAT(only, IsOk());
  EXPECT_THAT(*only, ElementsAre("only"));
}

}  // namespace
}  // namespace stepwise::persistence
