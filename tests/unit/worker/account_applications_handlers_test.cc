#include <functional>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "worker/account_applications/memory_application_store.h"
#include "worker/account_applications/task_handlers.h"

namespace stepwise::account_applications {
namespace {

using ::testing::HasSubstr;

constexpr char kId[] = "application_1";
constexpr char kUnprocessableCause[] =
    R"({\"errorType\":\"UnprocessableDataException\",\"errorMessage\":\"Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check.\"})";

class AccountApplicationsHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Application application;
    application.id = kId;
    application.name = "evil Spock";
    application.address = "123 Enterprise Street";
    ASSERT_TRUE(store_.Insert(application).ok());
  }

  Application Stored() { return store_.Get(kId).value(); }

  MemoryApplicationStore store_;
  ApplicationTaskHandlers handlers_{store_};
};

struct RuleCase {
  std::string name;
  std::function<boost::json::value(ApplicationTaskHandlers&, const boost::json::value&)> handler;
  std::string input;
  ApplicationState state;
  std::string reason;
  std::string task_token;
};

// Every WORKSHOP.md rule of flag / approve / reject.
TEST_F(AccountApplicationsHandlersTest, AppliesTheWorkshopsRules) {
  const auto flag = [](ApplicationTaskHandlers& h, const boost::json::value& v) {
    return h.Flag(v);
  };
  const std::vector<RuleCase> cases = {
      {"flag REVIEW keeps the token", flag,
       R"({"id":"application_1","flagType":"REVIEW","taskToken":"token-1"})",
       ApplicationState::kFlaggedForReview, "", "token-1"},
      {"flag REVIEW with a reason", flag,
       R"({"id":"application_1","flagType":"REVIEW","taskToken":"t","reason":"odd name"})",
       ApplicationState::kFlaggedForReview, "odd name", "t"},
      {"flag UNPROCESSABLE_DATA takes errorMessage from the cause", flag,
       std::string(
           R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Error":"UnprocessableDataException","Cause":")") +
           kUnprocessableCause + R"("}})",
       ApplicationState::kFlaggedWithUnprocessableData,
       "Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check.", ""},
      {"approve",
       [](ApplicationTaskHandlers& h, const boost::json::value& v) { return h.Approve(v); },
       R"({"id":"application_1"})", ApplicationState::kApproved, "", ""},
      {"reject",
       [](ApplicationTaskHandlers& h, const boost::json::value& v) { return h.Reject(v); },
       R"({"id":"application_1"})", ApplicationState::kRejected, "", ""},
  };
  for (const RuleCase& c : cases) {
    SCOPED_TRACE(c.name);
    MemoryApplicationStore store;
    Application application;
    application.id = kId;
    application.name = "Spock";
    application.address = "123 Enterprise Street";
    ASSERT_TRUE(store.Insert(application).ok());
    ApplicationTaskHandlers handlers(store);

    const boost::json::value output = c.handler(handlers, boost::json::parse(c.input));

    const Application stored = store.Get(kId).value();
    EXPECT_EQ(stored.state, c.state);
    EXPECT_EQ(stored.reason, c.reason);
    EXPECT_EQ(stored.task_token, c.task_token);
    // The output is the application as stored, without the token.
    EXPECT_EQ(boost::json::serialize(output),
              boost::json::serialize(boost::json::value(ApplicationToJson(stored))));
    EXPECT_EQ(output.at("state").as_string(), ApplicationStateName(c.state));
    EXPECT_EQ(output.as_object().if_contains("taskToken"), nullptr);
  }
}

TEST_F(AccountApplicationsHandlersTest, HandlersAreIdempotent) {
  const boost::json::value flag =
      boost::json::parse(R"({"id":"application_1","flagType":"REVIEW","taskToken":"token-1"})");
  const boost::json::value first = handlers_.Flag(flag);
  const boost::json::value again = handlers_.Flag(flag);
  EXPECT_EQ(boost::json::serialize(first), boost::json::serialize(again));
  EXPECT_EQ(Stored().task_token, "token-1");
}

TEST_F(AccountApplicationsHandlersTest, UnprocessableDataClearsAKeptToken) {
  handlers_.Flag(
      boost::json::parse(R"({"id":"application_1","flagType":"REVIEW","taskToken":"t"})"));
  handlers_.Flag(boost::json::parse(
      std::string(
          R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":")") +
      kUnprocessableCause + R"("}})"));
  EXPECT_EQ(Stored().task_token, "");
  EXPECT_EQ(Stored().state, ApplicationState::kFlaggedWithUnprocessableData);
}

struct BadInputCase {
  std::string input;
  std::string message_part;
};

TEST_F(AccountApplicationsHandlersTest, BadFlagInputIsRejectedAndChangesNothing) {
  const std::vector<BadInputCase> cases = {
      {R"("application_1")", "must be an object, not a string"},
      {R"({"flagType":"REVIEW","taskToken":"t"})", "needs \"id\""},
      {R"({"id":7,"flagType":"REVIEW","taskToken":"t"})", "\"id\" must be a string, not a number"},
      {R"({"id":"","flagType":"REVIEW","taskToken":"t"})", "\"id\" must not be empty"},
      {R"({"id":"application_1","taskToken":"t"})", "needs \"flagType\""},
      {R"({"id":"application_1","flagType":"APPROVE"})",
       "\"flagType\" must be REVIEW or UNPROCESSABLE_DATA, not 'APPROVE'"},
      {R"({"id":"application_1","flagType":"review","taskToken":"t"})", "not 'review'"},
      {R"({"id":"application_1","flagType":true})", "\"flagType\" must be a string, not a boolean"},
      {R"({"id":"application_1","flagType":"REVIEW"})", "needs \"taskToken\""},
      {R"({"id":"application_1","flagType":"REVIEW","taskToken":null})",
       "\"taskToken\" must be a string, not null"},
      {R"({"id":"application_1","flagType":"REVIEW","taskToken":"t","reason":5})",
       "\"reason\" must be a string"},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA"})", "needs \"errorInfo\""},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":"boom"})",
       "\"errorInfo\" must be an object, not a string"},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Error":"X"}})",
       "needs \"errorInfo.Cause\""},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":{"a":1}}})",
       "\"errorInfo.Cause\" must be a string, not an object"},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":"not json"}})",
       "must be JSON text of an object with an errorMessage"},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":"[1]"}})",
       "must be JSON text of an object"},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":"{\"errorType\":\"X\"}"}})",
       "needs \"errorInfo.Cause.errorMessage\""},
      {R"({"id":"application_1","flagType":"UNPROCESSABLE_DATA","errorInfo":{"Cause":"{\"errorMessage\":3}"}})",
       "\"errorInfo.Cause.errorMessage\" must be a string, not a number"},
  };
  for (const BadInputCase& c : cases) {
    SCOPED_TRACE(c.input);
    try {
      handlers_.Flag(boost::json::parse(c.input));
      ADD_FAILURE() << "no exception";
    } catch (const InvalidInputException& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr(c.message_part));
    }
    EXPECT_EQ(Stored().state, ApplicationState::kSubmitted);
  }
}

TEST_F(AccountApplicationsHandlersTest, BadApproveAndRejectInputIsRejected) {
  for (const std::string input : {R"([])", R"({})", R"({"id":null})", R"({"id":""})"}) {
    SCOPED_TRACE(input);
    EXPECT_THROW(handlers_.Approve(boost::json::parse(input)), InvalidInputException);
    EXPECT_THROW(handlers_.Reject(boost::json::parse(input)), InvalidInputException);
  }
  EXPECT_EQ(Stored().state, ApplicationState::kSubmitted);
}

TEST_F(AccountApplicationsHandlersTest, UnknownIdIsAnError) {
  const std::vector<std::function<void()>> calls = {
      [&] {
        handlers_.Flag(
            boost::json::parse(R"({"id":"application_nope","flagType":"REVIEW","taskToken":"t"})"));
      },
      [&] { handlers_.Approve(boost::json::parse(R"({"id":"application_nope"})")); },
      [&] { handlers_.Reject(boost::json::parse(R"({"id":"application_nope"})")); },
  };
  for (const auto& call : calls) {
    try {
      call();
      ADD_FAILURE() << "no exception";
    } catch (const ApplicationNotFoundException& e) {
      EXPECT_EQ(std::string(e.what()), "Application 'application_nope' does not exist");
    }
  }
}

// A store that fails every call with one status.
class FailingStore final : public ApplicationStore {
 public:
  explicit FailingStore(absl::Status status) : status_(std::move(status)) {}
  absl::Status Insert(const Application&) override { return status_; }
  absl::StatusOr<Application> Get(std::string_view) override { return status_; }
  absl::StatusOr<Application> Update(std::string_view, const ApplicationChange&) override {
    return status_;
  }
  absl::Status Delete(std::string_view) override { return status_; }
  absl::StatusOr<ApplicationPage> FindByState(ApplicationState, int, std::string_view) override {
    return status_;
  }

 private:
  absl::Status status_;
};

TEST(AccountApplicationsHandlersStoreTest, StoreFailuresBecomeNamedExceptions) {
  FailingStore unavailable(absl::UnavailableError("Database unavailable: connection refused"));
  ApplicationTaskHandlers handlers(unavailable);
  try {
    handlers.Approve(boost::json::parse(R"({"id":"application_1"})"));
    ADD_FAILURE() << "no exception";
  } catch (const StoreUnavailableException& e) {
    EXPECT_THAT(std::string(e.what()), HasSubstr("connection refused"));
  }

  FailingStore broken(absl::InternalError("SQL error 42P01: no such table"));
  ApplicationTaskHandlers broken_handlers(broken);
  EXPECT_THROW(broken_handlers.Reject(boost::json::parse(R"({"id":"application_1"})")),
               StoreFailureException);
}

}  // namespace
}  // namespace stepwise::account_applications
