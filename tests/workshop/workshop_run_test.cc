// The workshop scenario (../shared/seed/WORKSHOP.md) under `stepwise run`:
// every version in examples/workshop/ x every test case of its mock file in
// tests/workshop/mocks/, through the real binary (--history --output json).
// Application state lives in the Account Applications worker and is not
// modelled here; each case checks the execution status, the last state
// entered (or the state it waits in) and key fields of the output/payloads.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stepwise {
namespace {

namespace json = ::boost::json;
using ::testing::ElementsAreArray;

constexpr std::array<const char*, 8> kVersions = {
    "1-first-version",       "2-data-checking-result-paths",
    "3-add-review-required", "4-integrate-callback-from-review",
    "5-add-approve-reject",  "6-add-retries",
    "7-add-catch",           "8-parallel-steps"};

constexpr char kUnprocessableReason[] =
    "Simulated error: Name 'UNPROCESSABLE_DATA' is not possible to check.";

struct WorkshopCase {
  std::string version;    // "8-parallel-steps"
  std::string test_case;  // In tests/workshop/mocks/<version>.mock.json.
  std::string input;      // tests/workshop/inputs/<input>.json
  std::string status;
  std::string last_state;            // The last state entered.
  std::vector<std::string> pending;  // When RUNNING.
  std::string error;                 // When FAILED.
  // JSON pointer into the execution output -> expected JSON value.
  std::vector<std::pair<std::string, std::string>> output;
};

// gtest prints parameters in test names and failures.
void PrintTo(const WorkshopCase& c, std::ostream* os) { *os << c.version << " " << c.test_case; }

// WORKSHOP.md's outcomes, for each version that has the states they need.
std::vector<WorkshopCase> WorkshopCases() {
  std::vector<WorkshopCase> cases;
  for (int n = 1; n <= 8; ++n) {
    const std::string v = kVersions[n - 1];
    // From version 5 on, approve/reject are Tasks whose result is the output.
    auto approved = [&](const std::vector<std::pair<std::string, std::string>>& before_v5) {
      return n >= 5
                 ? std::vector<std::pair<std::string, std::string>>{{"", R"({"state":"APPROVED"})"}}
                 : before_v5;
    };
    if (n == 1) {
      // Check Name has no ResultPath yet: its result replaces the input, so
      // Check Address cannot find $.application.address (the workshop's next
      // module adds ResultPath).
      cases.push_back({v,
                       "SpockFailsAtCheckAddress",
                       "spock",
                       "FAILED",
                       "Check Address",
                       {},
                       "States.Runtime",
                       {}});
      continue;
    }
    const std::string checks_name = n == 8 ? "/checks/0/flagged" : "/checks/name/flagged";
    const std::string checks_address = n == 8 ? "/checks/1/flagged" : "/checks/address/flagged";
    cases.push_back({v,
                     "SpockApproved",
                     "spock",
                     "SUCCEEDED",
                     "Approve Application",
                     {},
                     "",
                     approved({{checks_name, "false"}, {checks_address, "false"}})});
    if (n == 2) {
      cases.push_back({v,
                       "EvilSpockApprovedWithoutReview",
                       "evil_spock",
                       "SUCCEEDED",
                       "Approve Application",
                       {},
                       "",
                       {{checks_name, "true"}}});
    } else if (n == 3) {
      cases.push_back({v,
                       "EvilSpockFlaggedForReview",
                       "evil_spock",
                       "SUCCEEDED",
                       "Pending Review",
                       {},
                       "",
                       {{checks_name, "true"}, {checks_address, "false"}}});
      cases.push_back({v,
                       "BadAddressFlaggedForReview",
                       "bad_address",
                       "SUCCEEDED",
                       "Pending Review",
                       {},
                       "",
                       {{checks_name, "false"}, {checks_address, "true"}}});
    } else {
      cases.push_back({v,
                       "EvilSpockWaitsForReview",
                       "evil_spock",
                       "RUNNING",
                       "Pending Review",
                       {"Pending Review"},
                       "",
                       {}});
      cases.push_back({v,
                       "EvilSpockApprovedAfterReview",
                       "evil_spock",
                       "SUCCEEDED",
                       "Approve Application",
                       {},
                       "",
                       approved({{"/review/decision", R"("APPROVE")"}, {checks_name, "true"}})});
      cases.push_back(
          {v,
           "EvilSpockRejectedAfterReview",
           "evil_spock",
           "SUCCEEDED",
           "Reject Application",
           {},
           "",
           n >= 5
               ? std::vector<std::pair<std::string, std::string>>{{"", R"({"state":"REJECTED"})"}}
               : std::vector<std::pair<std::string, std::string>>{
                     {"/review/decision", R"("REJECT")"}, {checks_name, "true"}}});
      cases.push_back({v,
                       "BadAddressWaitsForReview",
                       "bad_address",
                       "RUNNING",
                       "Pending Review",
                       {"Pending Review"},
                       "",
                       {}});
    }
    if (n >= 6) {
      cases.push_back({v,
                       "SpockApprovedAfterRetry",
                       "spock",
                       "SUCCEEDED",
                       "Approve Application",
                       {},
                       "",
                       approved({})});
    }
    if (n >= 7) {
      cases.push_back({v,
                       "UnprocessableData",
                       "unprocessable_data",
                       "SUCCEEDED",
                       "Flag Application As Unprocessable",
                       {},
                       "",
                       {{"/error-info/Error", R"("UnprocessableDataException")"},
                        {"/review/Payload/state", R"("FLAGGED_WITH_UNPROCESSABLE_DATA")"}}});
    }
  }
  return cases;
}

std::string Definition(const std::string& version) {
  return "examples/workshop/" + version + "__account-application-workflow.asl.json";
}
std::string MockFile(const std::string& version) {
  return "tests/workshop/mocks/" + version + ".mock.json";
}

struct RunResult {
  int exit_code = -1;
  json::value output;  // The JSON stdout, or null when it did not parse.
};

// Runs `stepwise run` on one case from the source tree; stderr is discarded.
RunResult RunStepwise(const WorkshopCase& c) {
  std::filesystem::current_path(STEPWISE_SOURCE_DIR);
  const std::string command =
      std::string("'") + STEPWISE_BINARY + "' run --definition '" + Definition(c.version) +
      "' --substitutions-file tests/workshop/substitutions.json --mock-config '" +
      MockFile(c.version) + "' --test-case '" + c.test_case + "' --input @tests/workshop/inputs/" +
      c.input + ".json --history --output json 2>/dev/null";
  RunResult result;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::string text;
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  boost::system::error_code ec;
  result.output = json::parse(text, ec);
  if (ec) ADD_FAILURE() << "not JSON: " << text;
  return result;
}

std::string Str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

const json::value* Pointer(const json::value& value, const std::string& pointer) {
  boost::system::error_code ec;
  return value.find_pointer(pointer, ec);
}

std::vector<const json::object*> EventsOfType(const json::value& run, std::string_view type) {
  std::vector<const json::object*> events;
  for (const json::value& e : run.at("history").as_array()) {
    if (e.at("type").as_string() == type) events.push_back(&e.as_object());
  }
  return events;
}

std::string LastStateEntered(const json::value& run) {
  std::string last;
  for (const json::value& e : run.at("history").as_array()) {
    if (const json::value* details = e.as_object().if_contains("stateEnteredEventDetails")) {
      last = std::string(details->at("name").as_string());
    }
  }
  return last;
}

class WorkshopRunTest : public ::testing::TestWithParam<WorkshopCase> {};

TEST_P(WorkshopRunTest, ReproducesTheOutcome) {
  const WorkshopCase& c = GetParam();
  RunResult r = RunStepwise(c);
  ASSERT_TRUE(r.output.is_object());
  const json::value& run = r.output;
  EXPECT_EQ(Str(run.at("status")), c.status);
  EXPECT_EQ(r.exit_code, c.status == "SUCCEEDED" ? 0 : 1);
  EXPECT_EQ(LastStateEntered(run), c.last_state);
  if (c.status == "RUNNING") {
    std::vector<std::string> pending;
    for (const json::value& p : run.at("pending").as_array()) {
      pending.emplace_back(p.as_string());
    }
    EXPECT_THAT(pending, ElementsAreArray(c.pending));
  } else {
    EXPECT_FALSE(run.as_object().contains("pending"));
  }
  if (!c.error.empty()) {
    EXPECT_EQ(Str(run.at("error")), c.error);
  }
  for (const auto& [pointer, expected] : c.output) {
    const json::value* actual = Pointer(run.at("output"), pointer);
    ASSERT_NE(actual, nullptr) << "output has no " << pointer << ": "
                               << json::serialize(run.at("output"));
    EXPECT_EQ(*actual, json::parse(expected)) << pointer;
  }
}

std::string CaseName(const ::testing::TestParamInfo<WorkshopCase>& info) {
  std::string name = "v" + info.param.version.substr(0, 1) + "_" + info.param.test_case;
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllVersions, WorkshopRunTest, ::testing::ValuesIn(WorkshopCases()),
                         CaseName);

// The flag step gets the Lambda error as errorInfo, and the worker takes its
// reason from errorInfo.Cause's errorMessage (WORKSHOP.md).
TEST(WorkshopDetailTest, UnprocessableDataReachesTheFlagTaskWithTheLambdaCause) {
  int runs = 0;
  for (const WorkshopCase& c : WorkshopCases()) {
    if (c.test_case != "UnprocessableData") continue;
    SCOPED_TRACE(c.version);
    ++runs;
    RunResult r = RunStepwise(c);
    ASSERT_TRUE(r.output.is_object());
    std::vector<const json::object*> scheduled = EventsOfType(r.output, "TaskScheduled");
    ASSERT_FALSE(scheduled.empty());
    const json::object& details = scheduled.back()->at("taskScheduledEventDetails").as_object();
    EXPECT_EQ(details.at("resource"), "invoke");
    json::value parameters = json::parse(details.at("parameters").as_string());
    EXPECT_EQ(parameters.at("FunctionName"), "FlagApplication");
    const json::value& payload = parameters.at("Payload");
    EXPECT_EQ(payload.at("flagType"), "UNPROCESSABLE_DATA");
    EXPECT_EQ(payload.at("id"), "application_unprocessable-data");
    EXPECT_EQ(payload.at("errorInfo").at("Error"), "UnprocessableDataException");
    json::value cause = json::parse(payload.at("errorInfo").at("Cause").as_string());
    EXPECT_EQ(cause.at("errorType"), "UnprocessableDataException");
    EXPECT_EQ(cause.at("errorMessage"), kUnprocessableReason);
  }
  EXPECT_EQ(runs, 2);  // Versions 7 and 8.
}

// Check Name throws Lambda.ServiceException once; the Retry (1 s interval)
// passes on the virtual clock and the second invocation succeeds.
TEST(WorkshopDetailTest, RetryAfterServiceExceptionSucceeds) {
  int runs = 0;
  for (const WorkshopCase& c : WorkshopCases()) {
    if (c.test_case != "SpockApprovedAfterRetry") continue;
    SCOPED_TRACE(c.version);
    ++runs;
    RunResult r = RunStepwise(c);
    ASSERT_TRUE(r.output.is_object());
    // Check Name is a Lambda function ARN used as the Resource: AWS records
    // LambdaFunction* events for it (Task* only for lambda:invoke).
    std::vector<const json::object*> failed = EventsOfType(r.output, "LambdaFunctionFailed");
    ASSERT_EQ(failed.size(), 1u);
    EXPECT_EQ(failed[0]->at("lambdaFunctionFailedEventDetails").at("error"),
              "Lambda.ServiceException");
    // Check Name twice, Check Address, Approve Application.
    EXPECT_EQ(EventsOfType(r.output, "LambdaFunctionScheduled").size(), 4u);
    EXPECT_EQ(EventsOfType(r.output, "LambdaFunctionSucceeded").size(), 3u);
  }
  EXPECT_EQ(runs, 3);  // Versions 6, 7, 8.
}

// Every test case in the mock files is checked above, and every version has
// a mock file.
TEST(WorkshopDetailTest, EveryMockTestCaseIsCovered) {
  std::filesystem::current_path(STEPWISE_SOURCE_DIR);
  std::set<std::pair<std::string, std::string>> expected;
  for (const WorkshopCase& c : WorkshopCases()) expected.emplace(c.version, c.test_case);
  std::set<std::pair<std::string, std::string>> found;
  for (const char* version : kVersions) {
    ASSERT_TRUE(std::filesystem::exists(Definition(version))) << version;
    std::ifstream in(MockFile(version));
    ASSERT_TRUE(in) << MockFile(version);
    std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    json::value mock = json::parse(text);
    const json::object& machines = mock.at("StateMachines").as_object();
    ASSERT_EQ(machines.size(), 1u);
    for (const auto& [name, unused] : machines.begin()->value().at("TestCases").as_object()) {
      found.emplace(version, std::string(name));
    }
  }
  EXPECT_EQ(found, expected);
}

}  // namespace
}  // namespace stepwise
