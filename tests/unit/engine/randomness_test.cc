// Task tokens and seeds: fixed digests (a token must not change when the
// code that computes it does), and DeriveTaskToken equal to DeriveToken on
// the joined id, for short messages (one digest update) and long ones.
#include "orchestrator/engine/randomness.h"

#include <string>

#include "common/str_cat.h"
#include "gtest/gtest.h"

namespace stepwise::engine {
namespace {

TEST(RandomnessTest, DeriveTokenIsSha256OfEntropyZeroAndIdInHex) {
  // sha256(b"abc\0def")
  EXPECT_EQ(DeriveToken("abc", "def"),
            "516a5e926ce20c5f4d80f00e1a01abdf14986def6588d6abeed9fce090bc660c");
}

TEST(RandomnessTest, DeriveTaskTokenJoinsArnAndTaskId) {
  // sha256(b"entropy-1\0arn:aws:states:us-east-1:123456789012:execution:m:e/task-3")
  EXPECT_EQ(
      DeriveTaskToken("entropy-1", "arn:aws:states:us-east-1:123456789012:execution:m:e", "task-3"),
      "05a86c3ab0d8aa3011429c621b384961f88f6ed207f9bfba0291e85fad21ad06");
}

TEST(RandomnessTest, DeriveTaskTokenMatchesDeriveTokenForEveryLength) {
  // Around and far past the one-update buffer (256 bytes).
  for (size_t arn_length : {0, 1, 60, 240, 250, 254, 255, 256, 300, 5000}) {
    const std::string arn(arn_length, 'a');
    const std::string entropy = "local-run:7:3";
    EXPECT_EQ(DeriveTaskToken(entropy, arn, "task-12"),
              DeriveToken(entropy, StrCat(arn, "/", "task-12")))
        << arn_length;
  }
  const std::string long_entropy(400, 'e');
  EXPECT_EQ(DeriveTaskToken(long_entropy, "arn", "task-1"),
            DeriveToken(long_entropy, "arn/task-1"));
}

TEST(RandomnessTest, SeparatorKeepsSplitsApart) {
  EXPECT_NE(DeriveToken("ab", "c"), DeriveToken("a", "bc"));
  EXPECT_NE(DeriveTaskToken("e", "arn", "task-1"), DeriveTaskToken("e", "arn/", "task-1"));
  EXPECT_NE(DeriveSeed("a"), DeriveSeed("b"));
}

TEST(RandomnessTest, DeriveSeedIsTheFirstEightBytesOfTheSeedDigest) {
  // The first 16 hex digits of sha256(b"abc\0seed") are those of DeriveToken("abc", "seed").
  const std::string token = DeriveToken("abc", "seed");
  EXPECT_EQ(DeriveSeed("abc"), std::stoull(token.substr(0, 16), nullptr, 16));
}

}  // namespace
}  // namespace stepwise::engine
