#include "worker/data_checking/data_checking.h"

#include <random>
#include <regex>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stepwise::data_checking {
namespace {

using ::testing::HasSubstr;

boost::json::value RunTask(const std::string& input) {
  return HandleDataCheckingTask(boost::json::parse(input));
}

struct CheckCase {
  std::string input;
  bool flagged;
};

// WORKSHOP.md: CHECK_NAME flags names that contain "evil" (any case);
// CHECK_ADDRESS flags addresses without a match of (\d+ \w+)|(\w+ \d+).
TEST(DataCheckingTest, FlagsAsTheWorkshopSays) {
  const std::vector<CheckCase> cases = {
      {R"({"command":"CHECK_NAME","data":{"name":"Spock"}})", false},
      {R"({"command":"CHECK_NAME","data":{"name":"evil Spock"}})", true},
      {R"({"command":"CHECK_NAME","data":{"name":"EVIL Spock"}})", true},
      {R"({"command":"CHECK_NAME","data":{"name":"Dr. Evilbrain"}})", true},
      {R"({"command":"CHECK_NAME","data":{"name":"Ev il"}})", false},
      {R"({"command":"CHECK_NAME","data":{"name":""}})", false},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"123 Enterprise Street"}})", false},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"123 Street"}})", false},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"Street 9"}})", false},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"Flat 4b, Main road"}})", false},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"ABadAddress"}})", true},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"No number here"}})", true},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"123  Street"}})", true},
      {R"({"command":"CHECK_ADDRESS","data":{"address":"123"}})", true},
      {R"({"command":"CHECK_ADDRESS","data":{"address":""}})", true},
      // Extra members are ignored, as the workshop's function ignores them.
      {R"({"command":"CHECK_NAME","data":{"name":"Spock","x":1},"other":true})", false},
  };
  for (const CheckCase& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(boost::json::serialize(RunTask(c.input)),
              boost::json::serialize(boost::json::value{{"flagged", c.flagged}}));
  }
}

TEST(DataCheckingTest, UnprocessableNameThrowsTheWorkshopsError) {
  for (const std::string name : {"UNPROCESSABLE_DATA", "unprocessable_data", "x Unprocessable_Data",
                                 "evil UNPROCESSABLE_DATA"}) {
    SCOPED_TRACE(name);
    try {
      CheckName(name);
      ADD_FAILURE() << "no exception";
    } catch (const UnprocessableDataException& e) {
      EXPECT_EQ(std::string(e.what()),
                "Simulated error: Name '" + name + "' is not possible to check.");
    }
  }
  EXPECT_THROW(RunTask(R"({"command":"CHECK_NAME","data":{"name":"UNPROCESSABLE_DATA"}})"),
               UnprocessableDataException);
  // Only CHECK_NAME simulates the failure.
  EXPECT_FALSE(RunTask(R"({"command":"CHECK_ADDRESS","data":{"address":"UNPROCESSABLE_DATA 1"}})")
                   .at("flagged")
                   .as_bool());
}

struct BadInputCase {
  std::string input;
  std::string message_part;
};

TEST(DataCheckingTest, BadInputGetsAClearError) {
  const std::vector<BadInputCase> cases = {
      {R"([1])", "must be an object"},
      {R"("CHECK_NAME")", "not a string"},
      {R"({})", "needs \"command\""},
      {R"({"command":7,"data":{}})", "found a number"},
      {R"({"command":"CHECK_EVERYTHING","data":{}})", "Unknown command 'CHECK_EVERYTHING'"},
      {R"({"command":"check_name","data":{"name":"x"}})", "Unknown command 'check_name'"},
      {R"({"command":"CHECK_NAME"})", "CHECK_NAME needs \"data\" to be an object; found none"},
      {R"({"command":"CHECK_NAME","data":"Spock"})", "found a string"},
      {R"({"command":"CHECK_NAME","data":{}})", "CHECK_NAME needs data.name"},
      {R"({"command":"CHECK_NAME","data":{"name":null}})", "data.name to be a string, not null"},
      {R"({"command":"CHECK_NAME","data":{"name":["evil"]}})", "not an array"},
      {R"({"command":"CHECK_ADDRESS","data":{"name":"x"}})", "CHECK_ADDRESS needs data.address"},
      {R"({"command":"CHECK_ADDRESS","data":{"address":123}})", "not a number"},
  };
  for (const BadInputCase& c : cases) {
    SCOPED_TRACE(c.input);
    try {
      RunTask(c.input);
      ADD_FAILURE() << "no exception";
    } catch (const InvalidInputException& e) {
      EXPECT_THAT(std::string(e.what()), HasSubstr(c.message_part));
    }
  }
}

TEST(DataCheckingTest, UnknownCommandIsCutInTheMessage) {
  const std::string command(10000, 'X');
  try {
    RunTask(R"({"command":")" + command + R"(","data":{}})");
    ADD_FAILURE() << "no exception";
  } catch (const InvalidInputException& e) {
    EXPECT_LT(std::string(e.what()).size(), 200u);
  }
}

// The scan must agree with the workshop's regular expression under
// ECMAScript search semantics; std::regex_search is the oracle on short
// strings (it recurses per character, so it cannot take long ones).
TEST(DataCheckingTest, AddressScanAgreesWithTheRegularExpression) {
  static const std::regex kWorkshopRegex(R"((\d+ \w+)|(\w+ \d+))", std::regex::ECMAScript);
  const std::vector<std::string> fixed = {"1 a",  "a 1",  "a a",  "1 1", " 1 a", "_ 1", "1 _",
                                          "1 -",  "- 1",  "é 1",  "1 é", "1\ta", "12 ", " 12",
                                          "a  1", "x1 y", "x 1y", "1",   "",     " "};
  for (const std::string& address : fixed) {
    EXPECT_EQ(AddressLooksValid(address), std::regex_search(address, kWorkshopRegex))
        << "'" << address << "'";
  }
  std::mt19937 random(20240611);  // Fixed seed: the same strings every run.
  const std::string alphabet = "19aZ_ -.\t\xc3\xa9";
  for (int i = 0; i < 20000; ++i) {
    std::string address(random() % 9, ' ');
    for (char& c : address) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(AddressLooksValid(address), std::regex_search(address, kWorkshopRegex))
        << "'" << address << "'";
  }
}

TEST(DataCheckingTest, LongAddressesAreCheckedInLinearTime) {
  // std::regex_search overflows the stack on such input; the scan does not.
  std::string digits(1'000'000, '7');
  EXPECT_TRUE(CheckAddress(digits).at("flagged").as_bool());
  digits += " Street";
  EXPECT_FALSE(CheckAddress(digits).at("flagged").as_bool());
}

}  // namespace
}  // namespace stepwise::data_checking
