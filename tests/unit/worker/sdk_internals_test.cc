// The SDK's pure helpers: error names, causes, UTF-8, RPC error reading, backoff.
#include <stdexcept>
#include <string>

#include "boost/json.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/worker/fake_orchestrator.h"
#include "worker/sdk/internal/backoff.h"
#include "worker/sdk/internal/failure.h"
#include "worker/sdk/internal/rpc_errors.h"
#include "worker/sdk/worker.h"

namespace outer::inner {
struct Problem : std::runtime_error {
  using std::runtime_error::runtime_error;
};
template <typename T>
struct Wrapped : std::runtime_error {
  using std::runtime_error::runtime_error;
};
}  // namespace outer::inner

namespace {
struct LocalProblem : std::logic_error {
  using std::logic_error::logic_error;
};
}  // namespace

namespace stepwise::worker::internal {
namespace {

using ::stepwise::worker::testing::StepwiseError;

TaskOutcome OutcomeOf(const std::function<void()>& thrower) {
  try {
    thrower();
  } catch (...) {
    return OutcomeFromCurrentException();
  }
  return {};
}

TEST(FailureTest, ErrorNameIsTheTypeNameWithoutNamespaces) {
  EXPECT_EQ(TypeNameWithoutNamespaces(typeid(outer::inner::Problem)), "Problem");
  EXPECT_EQ(TypeNameWithoutNamespaces(typeid(std::runtime_error)), "runtime_error");
  EXPECT_EQ(TypeNameWithoutNamespaces(typeid(LocalProblem)), "LocalProblem");
  EXPECT_EQ(TypeNameWithoutNamespaces(typeid(outer::inner::Wrapped<outer::inner::Problem>)),
            "Wrapped<outer::inner::Problem>");
  EXPECT_EQ(StripNamespaces("(anonymous namespace)::X"), "X");
  EXPECT_EQ(StripNamespaces("Plain"), "Plain");
}

TEST(FailureTest, OutcomeFromCurrentExceptionUsesTheDynamicType) {
  TaskOutcome outcome = OutcomeOf([] { throw outer::inner::Problem("broken"); });
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.error, "Problem");
  EXPECT_EQ(outcome.cause, R"({"errorType":"Problem","errorMessage":"broken"})");

  // Caught as std::exception&, still named after what was thrown.
  outcome = OutcomeOf([] {
    const std::exception& e = LocalProblem("x");
    (void)e;
    throw LocalProblem("logic");
  });
  EXPECT_EQ(outcome.error, "LocalProblem");

  outcome = OutcomeOf([] { throw TaskFailure("", "no name"); });
  EXPECT_EQ(outcome.error, "TaskFailure");

  outcome = OutcomeOf([] { throw std::string("text"); });
  EXPECT_EQ(outcome.error, "UnknownException");
  EXPECT_THAT(outcome.cause, ::testing::HasSubstr("basic_string"));
}

TEST(FailureTest, LambdaStyleCauseEscapesItsFields) {
  EXPECT_EQ(LambdaStyleCause("E", "say \"hi\"\n"),
            R"({"errorType":"E","errorMessage":"say \"hi\"\n"})");
  const boost::json::value parsed = boost::json::parse(LambdaStyleCause("E", "bad \xC3"));
  EXPECT_EQ(parsed.at("errorMessage"), "bad \xEF\xBF\xBD");
}

TEST(FailureTest, LongFieldsAreCutToTheRequestLimitsAndStayValid) {
  const std::string huge(100000, 'x');
  TaskOutcome outcome = FailedOutcome(std::string(300, 'E'), huge);
  EXPECT_EQ(outcome.error.size(), kMaxErrorLength);
  EXPECT_LE(outcome.cause.size(), kMaxCauseLength);
  const boost::json::value cause = boost::json::parse(outcome.cause);  // Still JSON.
  EXPECT_THAT(std::string(cause.at("errorMessage").as_string()), ::testing::EndsWith("..."));

  // Escaping makes the JSON longer than the message: still within the limit.
  outcome = FailedOutcome("E", std::string(40000, '\x01'));
  EXPECT_LE(outcome.cause.size(), kMaxCauseLength);
  boost::json::parse(outcome.cause);

  outcome = FailedOutcome("E", "m", std::string(40000, 'c'));
  EXPECT_EQ(outcome.cause.size(), kMaxCauseLength);
}

TEST(FailureTest, Utf8IsRepairedAndCutOnCharacterBoundaries) {
  EXPECT_EQ(ToValidUtf8("ok \xE2\x82\xAC"), "ok \xE2\x82\xAC");
  EXPECT_EQ(ToValidUtf8("\xFF"), "\xEF\xBF\xBD");
  EXPECT_EQ(ToValidUtf8("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // Overlong '/'.
  EXPECT_EQ(ToValidUtf8("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // Surrogate.
  EXPECT_EQ(ToValidUtf8("a\xE2\x82"), "a\xEF\xBF\xBD\xEF\xBF\xBD");                // Truncated.
  EXPECT_EQ(TruncateUtf8("ab\xE2\x82\xAC", 4), "ab");
  EXPECT_EQ(TruncateUtf8("ab\xE2\x82\xAC", 5), "ab\xE2\x82\xAC");
  EXPECT_EQ(TruncateUtf8("abc", 0), "");
}

TEST(FailureTest, OutputIsSerializedOrRefusedWhenNotJson) {
  TaskOutcome outcome = OutcomeFromOutput(boost::json::parse(R"({"a":[1,2.5,"s"]})"));
  EXPECT_TRUE(outcome.succeeded);
  EXPECT_EQ(outcome.output, R"({"a":[1,2.5E0,"s"]})");
  outcome = OutcomeFromOutput(boost::json::value{{"inf", 1e308 * 10}});
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.error, "InvalidTaskOutput");
  EXPECT_THAT(outcome.cause, ::testing::HasSubstr("/inf"));
  outcome = OutcomeFromOutput(boost::json::value("bad \xFF"));
  EXPECT_TRUE(outcome.succeeded);
  EXPECT_EQ(outcome.output, "\"bad \xEF\xBF\xBD\"");
}

TEST(RpcErrorsTest, ExceptionNameComesFromErrorInfoOrTheMessage) {
  EXPECT_EQ(ExceptionName(StepwiseError(grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist")),
            "TaskDoesNotExist");
  EXPECT_EQ(ExceptionName(grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                       "TaskTimedOut: Task Timed Out")),
            "TaskTimedOut");
  EXPECT_EQ(ExceptionName(grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                       "failed to connect to all addresses; last error: x")),
            "");
  EXPECT_EQ(ExceptionName(grpc::Status::OK), "");
}

TEST(RpcErrorsTest, ClassifiesWhatToDoNext) {
  EXPECT_TRUE(IsTaskGone(StepwiseError(grpc::StatusCode::FAILED_PRECONDITION, "TaskTimedOut")));
  EXPECT_TRUE(IsTaskGone(StepwiseError(grpc::StatusCode::NOT_FOUND, "TaskDoesNotExist")));
  EXPECT_TRUE(IsTaskGone(StepwiseError(grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken")));
  EXPECT_FALSE(IsTaskGone(StepwiseError(grpc::StatusCode::UNAVAILABLE, "ServiceUnavailable")));
  EXPECT_TRUE(IsRetryable(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")));
  EXPECT_TRUE(IsRetryable(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "slow")));
  EXPECT_TRUE(IsRetryable(StepwiseError(grpc::StatusCode::ABORTED, "ConflictException")));
  EXPECT_FALSE(IsRetryable(StepwiseError(grpc::StatusCode::INTERNAL, "InternalFailure")));
  EXPECT_TRUE(
      IsRetryable(StepwiseError(grpc::StatusCode::RESOURCE_EXHAUSTED, "ThrottlingException")));
  const grpc::Status too_large(grpc::StatusCode::RESOURCE_EXHAUSTED,
                               "Received message larger than max (5000000 vs. 4194304)");
  EXPECT_FALSE(IsRetryable(too_large));
  EXPECT_TRUE(IsOutputRejected(too_large));
  EXPECT_TRUE(IsOutputRejected(StepwiseError(grpc::StatusCode::INVALID_ARGUMENT, "InvalidOutput")));
  EXPECT_FALSE(IsOutputRejected(StepwiseError(grpc::StatusCode::INVALID_ARGUMENT, "InvalidToken")));
  EXPECT_EQ(Describe(grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")), "UNAVAILABLE: down");
}

// CompleteAndPollTask's poll part refused (nothing completed) or its
// completion answered.
TEST(RpcErrorsTest, TellsAPollRefusalFromTheCompletionsAnswer) {
  using grpc::StatusCode;
  EXPECT_TRUE(IsPollRefusal(StepwiseError(StatusCode::INVALID_ARGUMENT, "InvalidName")));
  EXPECT_TRUE(
      IsPollRefusal(StepwiseError(StatusCode::RESOURCE_EXHAUSTED, "ActivityWorkerLimitExceeded")));
  for (const char* field : {"queue", "poll_key", "wait_time_seconds", "completion"}) {
    EXPECT_TRUE(IsPollRefusal(
        StepwiseError(StatusCode::INVALID_ARGUMENT, "ValidationException", "bad", field)))
        << field;
  }
  EXPECT_FALSE(IsPollRefusal(
      StepwiseError(StatusCode::INVALID_ARGUMENT, "ValidationException", "bad", "output")));
  EXPECT_FALSE(IsPollRefusal(StepwiseError(StatusCode::INVALID_ARGUMENT, "ValidationException")));
  EXPECT_FALSE(IsPollRefusal(StepwiseError(StatusCode::FAILED_PRECONDITION, "TaskTimedOut")));
  EXPECT_FALSE(IsPollRefusal(StepwiseError(StatusCode::INVALID_ARGUMENT, "InvalidOutput")));
  EXPECT_FALSE(IsPollRefusal(grpc::Status(StatusCode::UNAVAILABLE, "down")));
}

TEST(BackoffTest, DoublesWithJitterUpToTheMax) {
  Backoff backoff(absl::Milliseconds(100), absl::Milliseconds(400));
  const absl::Duration steps[] = {absl::Milliseconds(100), absl::Milliseconds(200),
                                  absl::Milliseconds(400), absl::Milliseconds(400)};
  for (absl::Duration step : steps) {
    const absl::Duration wait = backoff.Next();
    EXPECT_GE(wait, step / 2);
    EXPECT_LE(wait, step);
  }
  backoff.Reset();
  EXPECT_LE(backoff.Next(), absl::Milliseconds(100));
}

}  // namespace
}  // namespace stepwise::worker::internal
