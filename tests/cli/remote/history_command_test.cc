// `stepwise history` and `describe-execution --watch` against a scripted
// server whose execution advances one step per poll (history_fake_server.h):
// the watch loop without sleeping, incremental reads, exit codes, output
// modes, bad input, and the CLI11 wiring.
#include "cli/remote/history_command.h"

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Config.hpp"
#include "CLI/Formatter.hpp"
#include "boost/json/parse.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/remote/history_events.h"
#include "tests/cli/remote/history_fake_server.h"
#include "tests/cli/remote/remote_test_support.h"

namespace stepwise::cli {
namespace {

using testing::CommandOutput;
using testing::GrowingHistory;
using ::testing::HasSubstr;
using testing::HistoryScript;
using testing::kHistoryArn;
using ::testing::Not;
using ::testing::StartsWith;
using testing::TestServer;

constexpr auto kTaskEntered = v1::HISTORY_EVENT_TYPE_TASK_STATE_ENTERED;
constexpr auto kTaskExited = v1::HISTORY_EVENT_TYPE_TASK_STATE_EXITED;

// Events [from, to) of `script`.
std::vector<v1::HistoryEvent> Slice(const HistoryScript& script, size_t from, size_t to) {
  return {script.events().begin() + static_cast<std::ptrdiff_t>(from),
          script.events().begin() + static_cast<std::ptrdiff_t>(to)};
}

// Greet is scheduled (batch 0), a worker takes it (1), it ends (2) with the
// execution SUCCEEDED or FAILED.
std::vector<std::vector<v1::HistoryEvent>> GreetBatches(bool succeed) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted(R"({"name":"Ada"})");
  e = h.TaskScheduled(h.Entered(kTaskEntered, e, "Greet", R"({"name":"Ada"})"));
  h.At(100);
  e = h.TaskStarted(e);
  h.At(300);
  if (succeed) {
    e = h.TaskSucceeded(e, R"("Hello, Ada")");
    e = h.Exited(kTaskExited, e, "Greet", R"("Hello, Ada")");
    h.ExecutionSucceeded(e, R"("Hello, Ada")");
  } else {
    e = h.TaskFailed(e, "Greeter.Broken", "no voice");
    h.ExecutionFailed(e, "Greeter.Broken", "no voice");
  }
  return {Slice(h, 0, 3), Slice(h, 3, 4), Slice(h, 4, h.events().size())};
}

class HistoryCommandTest : public ::testing::Test {
 protected:
  void Serve(std::vector<std::vector<v1::HistoryEvent>> batches) {
    fake_ = std::make_unique<GrowingHistory>(HistoryScript().Describe(), std::move(batches));
    server_ = std::make_unique<TestServer>(fake_.get());
  }

  // No waiting: each "sleep" lets the execution take its next step.
  WatchEnvironment Environment() {
    WatchEnvironment environment;
    environment.poll_interval = absl::ZeroDuration();
    environment.sleep = [this](absl::Duration interval) {
      EXPECT_EQ(interval, absl::ZeroDuration());
      ++sleeps_;
      if (server_) fake_->Reveal();
    };
    environment.now = [] {
      return absl::FromUnixSeconds(testing::kHistoryStartSeconds) + absl::Seconds(2);
    };
    return environment;
  }

  CommandOutput Run(const HistoryFlags& flags, const WatchEnvironment& environment) {
    StatesClient client(server_ ? server_->endpoint() : endpoint_, absl::Seconds(10));
    std::ostringstream out;
    std::ostringstream err;
    CommandOutput result;
    result.code = RunHistoryIn(flags, environment, client, out, err);
    result.out = out.str();
    result.err = err.str();
    return result;
  }

  std::unique_ptr<GrowingHistory> fake_;
  std::unique_ptr<TestServer> server_;
  std::string endpoint_;
  int sleeps_ = 0;
};

TEST_F(HistoryCommandTest, WatchPrintsWhatChangesUntilTheExecutionSucceeds) {
  Serve(GreetBatches(/*succeed=*/true));
  const CommandOutput watched =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .watch = true}, Environment());
  EXPECT_EQ(watched.code, 0) << watched.err;
  EXPECT_EQ(sleeps_, 2);  // Closed after the third poll.
  EXPECT_EQ(watched.err, "");
  EXPECT_EQ(watched.out, R"(Execution  run-1
ARN        arn:aws:states:us-east-1:123456789012:execution:Flow:run-1
Machine    Flow  (arn:aws:states:us-east-1:123456789012:stateMachine:Flow)
Status     RUNNING
Started    2023-11-14 22:13:20.000 UTC

STATE  TYPE      STATUS       ENTERED   DURATION
Greet  Task      RUNNING      +0.000s             waiting for worker
    input:  {"name":"Ada"}
Greet  Task      RUNNING      +0.000s             running on a worker
    input:  {"name":"Ada"}
Greet  Task      SUCCEEDED    +0.000s     0.300s
    input:  {"name":"Ada"}
    output: "Hello, Ada"

Status     SUCCEEDED
Started    2023-11-14 22:13:20.000 UTC
Stopped    2023-11-14 22:13:20.300 UTC
Duration   0.300s
)");
}

TEST_F(HistoryCommandTest, WatchExitsOneWhenTheExecutionFails) {
  Serve(GreetBatches(/*succeed=*/false));
  const CommandOutput watched =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .watch = true}, Environment());
  EXPECT_EQ(watched.code, kHistoryExitNotSucceeded);
  EXPECT_THAT(watched.out, HasSubstr("Greet  Task      FAILED"));
  EXPECT_THAT(watched.out, HasSubstr("    error:  Greeter.Broken: no voice\n"));
  EXPECT_THAT(watched.out, HasSubstr("\nStatus     FAILED\n"));
  EXPECT_THAT(watched.out, HasSubstr("Error      Greeter.Broken\nCause      no voice\n"));
}

TEST_F(HistoryCommandTest, WatchOnATerminalRedrawsTheWholeView) {
  Serve(GreetBatches(/*succeed=*/true));
  WatchEnvironment environment = Environment();
  environment.terminal = true;
  const CommandOutput watched =
      Run(HistoryFlags{.arn_argument = kHistoryArn, .watch = true}, environment);
  EXPECT_EQ(watched.code, 0) << watched.err;
  size_t clears = 0;
  for (size_t at = watched.out.find("\x1b[H\x1b[2J"); at != std::string::npos;
       at = watched.out.find("\x1b[H\x1b[2J", at + 1)) {
    ++clears;
  }
  EXPECT_EQ(clears, 3u);
  // While it ran, the duration so far (now is 2 s after the start).
  EXPECT_THAT(watched.out, HasSubstr("Duration   2.000s so far\n"));
  EXPECT_THAT(watched.out, HasSubstr("+0.000s     2.000s  waiting for worker\n"));
  const std::string last = watched.out.substr(watched.out.rfind("\x1b[2J"));
  EXPECT_THAT(last, HasSubstr("Status     SUCCEEDED\n"));
  EXPECT_THAT(last, HasSubstr("Greet  Task      SUCCEEDED"));
}

TEST_F(HistoryCommandTest, WatchReadsOnlyWhatIsNew) {
  HistoryScript h;
  int64_t e = h.ExecutionStarted("{}");
  for (const char* name : {"A", "B", "C", "D"}) e = h.Pass(e, name, "{}");
  h.ExecutionSucceeded(e, "{}");
  ASSERT_EQ(h.events().size(), 10u);
  Serve({Slice(h, 0, 3), Slice(h, 3, 5), Slice(h, 5, 7), Slice(h, 7, 10)});
  WatchEnvironment environment = Environment();
  environment.page_size = 2;
  const CommandOutput watched =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .watch = true}, environment);
  EXPECT_EQ(watched.code, 0) << watched.err;
  EXPECT_EQ(sleeps_, 3);
  std::vector<std::string> tokens;
  for (const v1::GetExecutionHistoryRequest& request : fake_->history_requests()) {
    tokens.push_back(request.next_token());
    EXPECT_EQ(request.max_results(), 2);
    EXPECT_TRUE(request.include_execution_data());
    EXPECT_EQ(request.execution_arn(), kHistoryArn);
  }
  // Each poll goes on from the last page it read, never from the start.
  EXPECT_EQ(tokens, (std::vector<std::string>{"", "page-after-2", "page-after-2", "page-after-4",
                                              "page-after-4", "page-after-6", "page-after-6",
                                              "page-after-8"}));
  EXPECT_EQ(fake_->served(), 13u);  // Re-reading all each time would be 3 + 5 + 7 + 10.
  for (const char* name : {"\nA ", "\nB ", "\nC ", "\nD "}) {
    EXPECT_THAT(watched.out, HasSubstr(name));
  }
}

TEST_F(HistoryCommandTest, WatchWithJsonPrintsTheFinalViewOnce) {
  Serve(GreetBatches(/*succeed=*/true));
  const CommandOutput watched = Run(
      HistoryFlags{.execution_arn = kHistoryArn, .watch = true, .output = "json"}, Environment());
  EXPECT_EQ(watched.code, 0) << watched.err;
  const boost::json::value json = watched.Json();
  EXPECT_EQ(json.at("status"), "SUCCEEDED");
  EXPECT_EQ(json.at("states").at(0).at("name"), "Greet");
  EXPECT_EQ(json.at("states").at(0).at("status"), "SUCCEEDED");
  EXPECT_EQ(json.at("states").at(0).at("output"), R"("Hello, Ada")");
}

TEST_F(HistoryCommandTest, WithoutWatchPrintsOnceWhateverTheStatus) {
  Serve(GreetBatches(/*succeed=*/true));
  const CommandOutput shown =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .include_data = false}, Environment());
  EXPECT_EQ(shown.code, 0) << shown.err;
  EXPECT_EQ(sleeps_, 0);
  EXPECT_THAT(shown.out, HasSubstr("Status     RUNNING\n"));
  EXPECT_THAT(shown.out, HasSubstr("Greet  Task      RUNNING      +0.000s     2.000s  waiting for "
                                   "worker\n"));
  EXPECT_THAT(shown.out, Not(HasSubstr("input:")));
  ASSERT_EQ(fake_->history_requests().size(), 1u);
  EXPECT_FALSE(fake_->history_requests()[0].include_execution_data());
}

TEST_F(HistoryCommandTest, BadInputIsAUsageErrorAndSendsNothing) {
  Serve(GreetBatches(/*succeed=*/true));
  const CommandOutput missing = Run(HistoryFlags{}, Environment());
  EXPECT_EQ(missing.code, 252);
  EXPECT_THAT(missing.err, StartsWith("Error parsing parameter '--execution-arn': an execution "
                                      "ARN is required"));

  const CommandOutput malformed = Run(HistoryFlags{.arn_argument = "run-1"}, Environment());
  EXPECT_EQ(malformed.code, 252);
  EXPECT_EQ(malformed.err,
            "Error parsing parameter '--execution-arn': 'run-1' is not an execution ARN; expected "
            "arn:aws:states:REGION:ACCOUNT:execution:STATE_MACHINE:NAME (or "
            "...:express:STATE_MACHINE:NAME:ID)\n");

  // An Express execution's ARN is an execution ARN: it goes to the server.
  const CommandOutput express =
      Run(HistoryFlags{.execution_arn = "arn:aws:states:us-east-1:123456789012:express:M:run:1f2e"},
          Environment());
  EXPECT_THAT(express.err, Not(HasSubstr("is not an execution ARN")));
  EXPECT_NE(express.code, 252);

  const CommandOutput machine =
      Run(HistoryFlags{.execution_arn = testing::kHistoryMachineArn}, Environment());
  EXPECT_EQ(machine.code, 252);
  EXPECT_THAT(machine.err, HasSubstr("is not an execution ARN"));

  const CommandOutput two = Run(
      HistoryFlags{.execution_arn = kHistoryArn, .arn_argument = std::string(kHistoryArn) + "x"},
      Environment());
  EXPECT_EQ(two.code, 252);
  EXPECT_THAT(two.err, HasSubstr("two different execution ARNs were given"));

  const CommandOutput output =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .output = "yaml"}, Environment());
  EXPECT_EQ(output.code, 252);
  EXPECT_EQ(output.err, "Error parsing parameter '--output': 'yaml' is not one of text, json\n");

  EXPECT_TRUE(fake_->history_requests().empty());
  for (const CommandOutput* result : {&missing, &malformed, &machine, &two, &output}) {
    EXPECT_EQ(result->out, "");
  }
}

TEST_F(HistoryCommandTest, UnknownExecutionIsExecutionDoesNotExist) {
  Serve(GreetBatches(/*succeed=*/true));
  const std::string arn = std::string(kHistoryArn) + "-nope";
  const CommandOutput shown = Run(HistoryFlags{.execution_arn = arn, .watch = true}, Environment());
  EXPECT_EQ(shown.code, 254);
  EXPECT_EQ(shown.out, "");
  EXPECT_EQ(shown.err,
            "An error occurred (ExecutionDoesNotExist) when calling the DescribeExecution "
            "operation: Execution Does Not Exist: '" +
                arn + "'\n");
}

TEST_F(HistoryCommandTest, NoOrchestratorIsAConnectionError) {
  endpoint_ = testing::UnusedEndpoint();
  const CommandOutput shown = Run(HistoryFlags{.execution_arn = kHistoryArn}, Environment());
  EXPECT_EQ(shown.code, 255);
  EXPECT_THAT(shown.err, StartsWith("Could not connect to the endpoint \"" + endpoint_ +
                                    "\" (calling the DescribeExecution operation)"));
}

TEST_F(HistoryCommandTest, OrchestratorGoneWhileWatchingIsAConnectionError) {
  Serve(GreetBatches(/*succeed=*/true));
  WatchEnvironment environment = Environment();
  environment.sleep = [this](absl::Duration) { server_.reset(); };
  const CommandOutput watched =
      Run(HistoryFlags{.execution_arn = kHistoryArn, .watch = true}, environment);
  EXPECT_EQ(watched.code, 255);
  EXPECT_THAT(watched.err, HasSubstr("(calling the GetExecutionHistory operation)"));
  EXPECT_THAT(watched.out, HasSubstr("waiting for worker"));  // What it saw before.
}

// Parses `args` as `stepwise` would and runs the command (a client of the
// real kind, to `--endpoint`); parse errors throw CLI::ParseError.
CommandOutput Parse(const std::vector<std::string>& args) {
  CLI::App app{"stepwise"};
  app.require_subcommand(1);
  RemoteCommands remote(app);
  std::vector<const char*> argv = {"stepwise"};
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  std::ostringstream out;
  std::ostringstream err;
  const std::optional<int> code = remote.RunParsed(out, err);
  EXPECT_TRUE(code.has_value());
  return CommandOutput{.code = code.value_or(-1), .out = out.str(), .err = err.str()};
}

class HistoryWiringTest : public HistoryCommandTest {
 protected:
  // The whole history at once: the execution has ended, so --watch returns
  // without waiting.
  void SetUp() override {
    std::vector<v1::HistoryEvent> all;
    for (const auto& batch : GreetBatches(/*succeed=*/true)) {
      all.insert(all.end(), batch.begin(), batch.end());
    }
    Serve({all});
  }
};

TEST_F(HistoryWiringTest, HistoryTakesTheArnEitherWay) {
  const CommandOutput flag =
      Parse({"history", "--execution-arn", kHistoryArn, "--endpoint", server_->endpoint()});
  EXPECT_EQ(flag.code, 0) << flag.err;
  EXPECT_THAT(flag.out, HasSubstr("Greet  Task      SUCCEEDED"));
  const CommandOutput positional = Parse({"history", kHistoryArn, "--endpoint", server_->endpoint(),
                                          "--watch", "--no-data", "--full"});
  EXPECT_EQ(positional.code, 0) << positional.err;
  EXPECT_THAT(positional.out, HasSubstr("Greet  Task      SUCCEEDED"));
  EXPECT_FALSE(fake_->history_requests().back().include_execution_data());
  const CommandOutput json =
      Parse({"history", kHistoryArn, "--output", "json", "--endpoint", server_->endpoint()});
  EXPECT_EQ(json.code, 0) << json.err;
  EXPECT_EQ(json.Json().at("status"), "SUCCEEDED");
}

TEST_F(HistoryWiringTest, DescribeExecutionWatchShowsTheSameView) {
  const CommandOutput watched = Parse({"describe-execution", "--execution-arn", kHistoryArn,
                                       "--watch", "--endpoint", server_->endpoint()});
  EXPECT_EQ(watched.code, 0) << watched.err;
  EXPECT_THAT(watched.out, HasSubstr("Greet  Task      SUCCEEDED"));
  EXPECT_THAT(watched.out, HasSubstr("Status     SUCCEEDED"));

  // Without --watch it is still AWS's JSON.
  const CommandOutput described = Parse(
      {"describe-execution", "--execution-arn", kHistoryArn, "--endpoint", server_->endpoint()});
  EXPECT_EQ(described.code, 0) << described.err;
  EXPECT_EQ(described.Json().at("status"), "RUNNING");
}

TEST_F(HistoryWiringTest, UsageErrors) {
  const CommandOutput missing = Parse({"history", "--endpoint", server_->endpoint()});
  EXPECT_EQ(missing.code, 252);
  EXPECT_THAT(missing.err, HasSubstr("an execution ARN is required"));
  EXPECT_THROW(Parse({"history", kHistoryArn, "--output", "yaml"}), CLI::ParseError);
  EXPECT_THROW(Parse({"history", kHistoryArn, "--nope"}), CLI::ParseError);
}

}  // namespace
}  // namespace stepwise::cli
