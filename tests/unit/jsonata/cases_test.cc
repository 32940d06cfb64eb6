// Table-driven JSONata cases: each file in cases/ is a JSON array of
//   {"expr": "...", "input": <JSON, optional>, "bindings": {...}, and one of
//    "result": <JSON> | "undefined": true | "error": "T2001"}
// Expected results were produced by the reference implementation (npm
// jsonata 2.2.2) and reviewed; tests/unit/jsonata/README.md tells how.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "tests/unit/jsonata/json_compare.h"

namespace stepwise::jsonata {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> CaseFiles() {
  std::vector<std::string> files;
  for (const auto& entry : fs::directory_iterator(STEPWISE_JSONATA_CASES_DIR)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().stem().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class JsonataCasesTest : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonataCasesTest, MatchesExpected) {
  boost::json::value cases =
      testing::ReadJsonFile(std::string(STEPWISE_JSONATA_CASES_DIR) + "/" + GetParam() + ".json");
  ASSERT_TRUE(cases.is_array());
  ASSERT_FALSE(cases.get_array().empty());
  Environment env{.now_millis = 1700000000000, .random = nullptr};
  for (const boost::json::value& c : cases.get_array()) {
    const boost::json::object& o = c.get_object();
    std::string expr(o.at("expr").get_string());
    SCOPED_TRACE(expr);
    Bindings bindings;
    if (const auto* b = o.if_contains("bindings")) {
      for (const auto& kv : b->get_object()) bindings[std::string(kv.key())] = kv.value();
    }
    const boost::json::value* input = o.if_contains("input");
    absl::StatusOr<std::optional<boost::json::value>> got = absl::InternalError("unparsed");
    auto parsed = Parse(expr);
    if (parsed.ok()) {
      got = Evaluate(**parsed, input, bindings, env);
    } else {
      got = parsed.status();
    }
    if (const auto* code = o.if_contains("error")) {
      ASSERT_FALSE(got.ok()) << "expected error " << *code << ", got "
                             << (got->has_value() ? boost::json::serialize(**got) : "undefined");
      EXPECT_EQ(ErrorCode(got.status()), std::string(code->get_string())) << got.status();
      continue;
    }
    ASSERT_TRUE(got.ok()) << got.status();
    if (o.contains("undefined")) {
      EXPECT_FALSE(got->has_value()) << boost::json::serialize(**got);
      continue;
    }
    ASSERT_TRUE(got->has_value()) << "got undefined";
    EXPECT_TRUE(testing::JsonEquivalent(**got, o.at("result")))
        << "got " << boost::json::serialize(**got) << ", want "
        << boost::json::serialize(o.at("result"));
  }
}

INSTANTIATE_TEST_SUITE_P(Files, JsonataCasesTest, ::testing::ValuesIn(CaseFiles()),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

}  // namespace
}  // namespace stepwise::jsonata
