// The workshop's eight state machines are the acceptance scenario: each must
// validate without errors or warnings as it is, placeholders included, and
// again after DefinitionSubstitutions with no placeholders allowed.
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"

namespace stepwise::asl {
namespace {

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::filesystem::path> WorkshopFiles() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator("examples/workshop")) {
    if (entry.path().extension() == ".json") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Describe(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const Diagnostic& d : diagnostics) {
    out += std::string(SeverityName(d.severity)) + " " + std::string(DiagnosticCodeName(d.code)) +
           " at " + d.location + ": " + d.message + "\n";
  }
  return out;
}

TEST(WorkshopDefinitionsTest, AllEightValidateClean) {
  std::vector<std::filesystem::path> files = WorkshopFiles();
  ASSERT_EQ(files.size(), 8u);
  for (const auto& file : files) {
    ValidationResult result = ValidateDefinition(ReadFile(file));
    EXPECT_TRUE(result.ok()) << file << "\n" << Describe(result.diagnostics);
    EXPECT_THAT(result.diagnostics, ::testing::IsEmpty()) << file << "\n"
                                                          << Describe(result.diagnostics);
  }
}

TEST(WorkshopDefinitionsTest, ValidAfterSubstitutionWithoutPlaceholders) {
  const Substitutions substitutions = {
      {"DataCheckingFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:DataChecking"},
      {"FlagApplicationFunctionName", "FlagApplication"},
      {"ApproveApplicationFunctionArn",
       "arn:aws:lambda:us-east-1:123456789012:function:ApproveApplication"},
      {"RejectApplicationFunctionArn",
       "arn:aws:lambda:us-east-1:123456789012:function:RejectApplication"},
  };
  for (const auto& file : WorkshopFiles()) {
    absl::StatusOr<std::string> text = ApplySubstitutions(ReadFile(file), substitutions);
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_THAT(FindPlaceholders(*text), ::testing::IsEmpty()) << file;
    ValidationResult result = ValidateDefinition(*text, {.allow_placeholders = false});
    EXPECT_TRUE(result.ok()) << file << "\n" << Describe(result.diagnostics);
  }
}

TEST(WorkshopDefinitionsTest, VersionEightModelHasTheExpectedShape) {
  ValidationResult result = ValidateDefinition(
      ReadFile("examples/workshop/8-parallel-steps__account-application-workflow.asl.json"));
  ASSERT_TRUE(result.ok()) << Describe(result.diagnostics);
  const StateMachine& machine = *result.machine;
  EXPECT_EQ(machine.start_at, "Check Applicant Data");
  ASSERT_EQ(machine.states.size(), 7u);
  const State* parallel = machine.Find("Check Applicant Data");
  ASSERT_NE(parallel, nullptr);
  EXPECT_EQ(parallel->type, StateType::kParallel);
  const auto& branches = std::get<ParallelFields>(parallel->fields).branches;
  ASSERT_EQ(branches.size(), 2u);
  EXPECT_EQ(branches[0]->start_at, "Check Name");
  ASSERT_EQ(parallel->catch_.size(), 1u);
  EXPECT_EQ(parallel->catch_[0].next, "Flag Application As Unprocessable");
  ASSERT_TRUE(parallel->result_path.has_value());
  EXPECT_EQ(parallel->result_path->path, "$.checks");
  const State* review = machine.Find("Pending Review");
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(std::get<TaskFields>(review->fields).resource,
            "arn:aws:states:::lambda:invoke.waitForTaskToken");
  ASSERT_EQ(review->retry.size(), 1u);
  EXPECT_EQ(review->retry[0].max_attempts, 3);
  const State* choice = machine.Find("Review Approved?");
  ASSERT_NE(choice, nullptr);
  const auto& rules = std::get<ChoiceFields>(choice->fields).choices;
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].op, ComparisonOperator::kStringEquals);
  EXPECT_EQ(rules[0].variable, "$.review.decision");
  EXPECT_EQ(rules[1].next, "Reject Application");
}

}  // namespace
}  // namespace stepwise::asl
