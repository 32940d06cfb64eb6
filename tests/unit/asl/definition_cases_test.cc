// The data-driven catalogue of definitions (tests/unit/asl/cases, format in
// cases/README.md): every file is one test that validates its definition and
// compares ALL diagnostics, as (severity, code, location), with the file's
// "expect" list, order-insensitively. Files in valid/ must also validate
// (warnings allowed); files in invalid/ must not.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::asl {
namespace {

namespace json = ::boost::json;
namespace fs = ::std::filesystem;

struct CaseFile {
  std::string kind;  // "valid" or "invalid".
  fs::path path;
};

// For gtest's messages (instead of a byte dump).
void PrintTo(const CaseFile& c, std::ostream* os) { *os << c.path.string(); }

// The cases directory: relative to the working directory (ctest runs from the
// repository root), else next to this source file.
fs::path CasesDirectory() {
  fs::path relative = "tests/unit/asl/cases";
  std::error_code ec;
  if (fs::is_directory(relative, ec)) return relative;
  return fs::path(__FILE__).parent_path() / "cases";
}

std::vector<CaseFile> ListCases(const std::string& kind) {
  std::vector<CaseFile> cases;
  std::error_code ec;
  fs::path directory = CasesDirectory() / kind;
  if (!fs::is_directory(directory, ec)) return cases;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    if (entry.path().extension() == ".json") cases.push_back({kind, entry.path()});
  }
  std::sort(cases.begin(), cases.end(),
            [](const CaseFile& a, const CaseFile& b) { return a.path < b.path; });
  return cases;
}

std::vector<CaseFile> AllCases() {
  std::vector<CaseFile> cases = ListCases("valid");
  std::vector<CaseFile> invalid = ListCases("invalid");
  cases.insert(cases.end(), invalid.begin(), invalid.end());
  return cases;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "valid_001_pass-state.json" -> "valid_001_pass_state".
std::string TestName(const CaseFile& c) {
  std::string name = c.kind + "_" + c.path.stem().string();
  for (char& ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    if (!ok) ch = '_';
  }
  return name;
}

using Key = std::tuple<std::string, std::string, std::string>;  // severity, code, location.

std::string Format(const Key& key) {
  return std::get<0>(key) + " " + std::get<1>(key) + " at '" + std::get<2>(key) + "'";
}

std::string Describe(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += "  " + std::string(SeverityName(d.severity)) + " " +
           std::string(DiagnosticCodeName(d.code)) + " at '" + d.location + "': " + d.message +
           "\n";
  }
  return out.empty() ? "  (none)\n" : out;
}

std::string DescribeKeys(const std::vector<Key>& keys) {
  std::string out;
  for (const Key& key : keys) out += "  " + Format(key) + "\n";
  return out.empty() ? "  (none)\n" : out;
}

class DefinitionCaseTest : public ::testing::TestWithParam<CaseFile> {};

TEST_P(DefinitionCaseTest, MatchesExpectedDiagnostics) {
  const CaseFile& c = GetParam();
  SCOPED_TRACE(c.path.string());
  json::error_code ec;
  json::value file = json::parse(ReadFile(c.path), ec);
  ASSERT_FALSE(ec) << "case file is not valid JSON: " << ec.message();
  ASSERT_TRUE(file.is_object()) << "case file must be a JSON object";
  const json::object& object = file.get_object();
  for (const auto& member : object) {
    std::string_view key(member.key().data(), member.key().size());
    ASSERT_TRUE(key == "description" || key == "definition" || key == "definition_text" ||
                key == "options" || key == "expect")
        << "unknown case field '" << key << "'";
  }
  const json::value* description = object.if_contains("description");
  ASSERT_TRUE(description != nullptr && description->is_string() &&
              !description->get_string().empty())
      << "case needs a non-empty \"description\"";

  const json::value* definition = object.if_contains("definition");
  const json::value* definition_text = object.if_contains("definition_text");
  ASSERT_TRUE((definition != nullptr) != (definition_text != nullptr))
      << "case needs exactly one of \"definition\" and \"definition_text\"";
  std::string text;
  if (definition != nullptr) {
    text = json::serialize(*definition);
  } else {
    ASSERT_TRUE(definition_text->is_string()) << "\"definition_text\" must be a string";
    text = std::string(definition_text->get_string());
  }

  ValidateOptions options;
  if (const json::value* opts = object.if_contains("options")) {
    ASSERT_TRUE(opts->is_object()) << "\"options\" must be an object";
    for (const auto& member : opts->get_object()) {
      std::string_view key(member.key().data(), member.key().size());
      ASSERT_EQ(key, "allow_placeholders") << "unknown option";
      ASSERT_TRUE(member.value().is_bool()) << "allow_placeholders must be a boolean";
      options.allow_placeholders = member.value().get_bool();
    }
  }

  const json::value* expect = object.if_contains("expect");
  ASSERT_TRUE(expect != nullptr && expect->is_array()) << "case needs an \"expect\" array";
  std::vector<Key> expected;
  for (const json::value& item : expect->get_array()) {
    ASSERT_TRUE(item.is_object()) << "each expectation must be an object";
    const json::object& e = item.get_object();
    ASSERT_EQ(e.size(), 3u) << "an expectation has exactly severity, code and location: "
                            << json::serialize(item);
    const json::value* severity = e.if_contains("severity");
    const json::value* code = e.if_contains("code");
    const json::value* location = e.if_contains("location");
    ASSERT_TRUE(severity != nullptr && severity->is_string() && code != nullptr &&
                code->is_string() && location != nullptr && location->is_string())
        << "an expectation needs string severity, code and location: " << json::serialize(item);
    expected.emplace_back(std::string(severity->get_string()), std::string(code->get_string()),
                          std::string(location->get_string()));
  }

  ValidationResult result = ValidateDefinition(text, options);
  std::vector<Key> actual;
  for (const Diagnostic& d : result.diagnostics) {
    actual.emplace_back(std::string(SeverityName(d.severity)),
                        std::string(DiagnosticCodeName(d.code)), d.location);
  }
  std::vector<Key> sorted_expected = expected;
  std::vector<Key> sorted_actual = actual;
  std::sort(sorted_expected.begin(), sorted_expected.end());
  std::sort(sorted_actual.begin(), sorted_actual.end());
  EXPECT_EQ(sorted_actual, sorted_expected)
      << "case: " << description->get_string() << "\nexpected:\n"
      << DescribeKeys(expected) << "actual:\n"
      << Describe(result.diagnostics);

  if (c.kind == "valid") {
    EXPECT_TRUE(result.ok()) << "a valid/ case must validate:\n" << Describe(result.diagnostics);
    for (const Key& key : expected) {
      EXPECT_EQ(std::get<0>(key), "WARNING") << "a valid/ case may only expect warnings";
    }
  } else {
    EXPECT_FALSE(result.ok()) << "an invalid/ case must not validate";
    EXPECT_FALSE(expected.empty()) << "an invalid/ case must expect at least one error";
  }
  EXPECT_EQ(result.ok(), !HasErrors(result.diagnostics));
}

INSTANTIATE_TEST_SUITE_P(Catalogue, DefinitionCaseTest, ::testing::ValuesIn(AllCases()),
                         [](const ::testing::TestParamInfo<CaseFile>& param_info) {
                           return TestName(param_info.param);
                         });

// Guards against a catalogue that silently went missing (e.g. wrong working
// directory), which would otherwise just instantiate no tests.
TEST(DefinitionCaseCatalogueTest, HasEnoughCases) {
  EXPECT_GE(ListCases("invalid").size(), 60u) << "looked in " << CasesDirectory();
  EXPECT_GE(ListCases("valid").size(), 40u) << "looked in " << CasesDirectory();
}

}  // namespace
}  // namespace stepwise::asl
