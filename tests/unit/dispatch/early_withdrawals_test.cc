// EarlyWithdrawals: withdrawn keys of polls not yet arrived, remembered for a
// while and in bounded number (no threads, no clock).
#include "orchestrator/dispatch/early_withdrawals.h"

#include <chrono>
#include <string>

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace stepwise::dispatch {
namespace {

using Time = EarlyWithdrawals::Time;
const Time kT0 = Time() + std::chrono::hours(1);

Time At(int seconds) { return kT0 + std::chrono::seconds(seconds); }

TEST(EarlyWithdrawalsTest, AKeyIsTakenOnceWithinItsTime) {
  EarlyWithdrawals early(absl::Seconds(30), 100);
  early.Remember("a", At(0));
  early.Remember("b", At(10));
  early.Remember("", At(10));  // Ignored.
  EXPECT_EQ(early.size(), 2u);
  EXPECT_FALSE(early.Take("c", At(1)));
  EXPECT_TRUE(early.Take("a", At(1)));
  EXPECT_FALSE(early.Take("a", At(1))) << "taken once";
  EXPECT_TRUE(early.Take("b", At(40)));  // 30 s after it came.
  early.Remember("d", At(40));
  EXPECT_FALSE(early.Take("d", At(71))) << "forgotten after 30 s";
  EXPECT_EQ(early.size(), 0u);
}

TEST(EarlyWithdrawalsTest, ARememberedKeyKeepsItsFirstTime) {
  EarlyWithdrawals early(absl::Seconds(30), 100);
  early.Remember("a", At(0));
  early.Remember("a", At(20));
  EXPECT_FALSE(early.Take("a", At(31)));
}

TEST(EarlyWithdrawalsTest, ATakenKeyRememberedAgainOutlivesItsOldEntry) {
  EarlyWithdrawals early(absl::Seconds(30), 100);
  early.Remember("a", At(0));
  EXPECT_TRUE(early.Take("a", At(1)));
  early.Remember("a", At(20));
  EXPECT_TRUE(early.Take("a", At(45))) << "the entry of At(0) aged out, not the new one";
}

TEST(EarlyWithdrawalsTest, BeyondCapacityTheOldestAreForgotten) {
  EarlyWithdrawals early(absl::Seconds(30), 3);
  for (int i = 0; i < 5; ++i) early.Remember("k" + std::to_string(i), At(i));
  EXPECT_EQ(early.size(), 3u);
  EXPECT_FALSE(early.Take("k0", At(5)));
  EXPECT_FALSE(early.Take("k1", At(5)));
  EXPECT_TRUE(early.Take("k2", At(5)));
  EXPECT_TRUE(early.Take("k4", At(5)));
}

}  // namespace
}  // namespace stepwise::dispatch
