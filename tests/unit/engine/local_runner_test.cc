// RunLocally's clock hook (what `stepwise run --real-time` sleeps on).
#include "orchestrator/engine/local_runner.h"

#include <memory>
#include <vector>

#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<absl::Time> ClockJumps(std::string_view definition, absl::Time start) {
  asl::ValidationResult machine = asl::ValidateDefinition(definition);
  EXPECT_TRUE(machine.ok());
  Interpreter interpreter(machine.machine);
  std::vector<absl::Time> jumps;
  LocalRunOptions options;
  options.start_time = start;
  options.on_advance_clock = [&jumps](absl::Time next) { jumps.push_back(next); };
  LocalRunResult r = RunLocally(
      interpreter, ExecutionInfo{"arn:e", "e", "arn:m", "m", ""}, json::parse("{}"),
      [](const ScheduleTask&) { return TaskAnswer{}; }, options);
  EXPECT_EQ(r.state.status, ExecutionStatus::kSucceeded);
  return jumps;
}

TEST(LocalRunnerClockTest, OnAdvanceClockSeesEveryJumpBeforeItHappens) {
  const absl::Time start = absl::FromUnixSeconds(1000);
  EXPECT_THAT(ClockJumps(R"j({"StartAt":"A","States":{
                  "A":{"Type":"Wait","Seconds":10,"Next":"B"},
                  "B":{"Type":"Wait","Seconds":5,"End":true}}})j",
                         start),
              ElementsAre(start + absl::Seconds(10), start + absl::Seconds(15)));
}

TEST(LocalRunnerClockTest, NoTimersNoJumps) {
  EXPECT_THAT(ClockJumps(R"j({"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}})j",
                         absl::FromUnixSeconds(1000)),
              IsEmpty());
}

}  // namespace
}  // namespace stepwise::engine
