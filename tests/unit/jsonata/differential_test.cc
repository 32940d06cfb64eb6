// Differential test against the reference implementation, the npm package
// jsonata (tests/differential/node_modules, pinned by its package-lock):
// generates expressions (expression_generator.h), evaluates them all in one
// node process (run_jsonata.mjs) and in Stepwise, and compares the outcome:
// the value (numbers by value, member order ignored), undefined, or the
// error code. Any disagreement fails, printing the expression and both
// outcomes.
//   STEPWISE_JSONATA_DIFF_SEED / STEPWISE_JSONATA_DIFF_COUNT override the
//   defaults (seed 1, 2000 expressions).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "orchestrator/asl/jsonata/jsonata.h"
#include "tests/unit/jsonata/expression_generator.h"
#include "tests/unit/jsonata/json_compare.h"

namespace stepwise::jsonata {
namespace {

namespace fs = std::filesystem;

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : std::strtoull(v, nullptr, 10);
}

struct Outcome {
  std::string status;  // value | undefined | error
  boost::json::value value;
  std::string code;
};

std::string Describe(const Outcome& o) {
  if (o.status == "value") return boost::json::serialize(o.value);
  if (o.status == "error") return "error " + o.code;
  return o.status;
}

Outcome RunStepwise(const std::string& expr, const boost::json::value& input) {
  Outcome out;
  auto parsed = Parse(expr);
  absl::StatusOr<std::optional<boost::json::value>> result =
      parsed.ok() ? Evaluate(**parsed, &input, {}, {}) : parsed.status();
  if (!result.ok()) {
    out.status = "error";
    out.code = ErrorCode(result.status());
  } else if (!result->has_value()) {
    out.status = "undefined";
  } else {
    out.status = "value";
    out.value = **result;
  }
  return out;
}

// jsonata-js evaluates the entries of array and object constructors
// concurrently (Promise.all), so when two entries fail, which error it
// reports depends on promise scheduling; Stepwise reports the first in
// source order. Both failing with different codes is accepted for such
// expressions.
bool ConcurrentErrorSources(const std::string& expr) {
  return expr.find(',') != std::string::npos &&
         (expr.find('{') != std::string::npos || expr.find('[') != std::string::npos);
}

bool Agree(const Outcome& ours, const Outcome& reference) {
  if (ours.status != reference.status) return false;
  if (ours.status == "value") {
    return testing::JsonEquivalent(ours.value, reference.value);
  }
  // "unknown": jsonata-js failed with a JavaScript exception of its own
  // (e.g. $split with an undefined separator); rejecting the expression too
  // is agreement.
  if (ours.status == "error") return ours.code == reference.code || reference.code == "unknown";
  return true;
}

TEST(JsonataDifferentialTest, AgreesWithReferenceImplementation) {
  const std::string node = STEPWISE_NODE;
  const fs::path modules = fs::path(STEPWISE_DIFFERENTIAL_DIR);
  ASSERT_FALSE(node.empty()) << "node was not found when CMake configured the build";
  ASSERT_TRUE(fs::exists(modules / "node_modules" / "jsonata"))
      << "run `npm ci --prefix tests/differential` first";

  uint64_t seed = EnvOr("STEPWISE_JSONATA_DIFF_SEED", 1);
  uint64_t count = EnvOr("STEPWISE_JSONATA_DIFF_COUNT", 2000);
  testing::ExpressionGenerator generator(seed);
  boost::json::value input = testing::ExpressionGenerator::Input();
  std::vector<std::string> expressions;
  boost::json::array cases;
  for (uint64_t i = 0; i < count; ++i) {
    expressions.push_back(generator.Next());
    cases.push_back({{"id", std::to_string(i)}, {"expr", expressions.back()}, {"input", input}});
  }

  fs::path dir =
      fs::temp_directory_path() / ("stepwise_jsonata_diff_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path cases_path = dir / "cases.json", results_path = dir / "results.json";
  std::ofstream(cases_path) << boost::json::serialize(cases);
  // `timeout`: a runaway expression in the reference must fail the test, not hang it.
  std::string command = "timeout 300 " + node + " " +
                        (fs::path(STEPWISE_JSONATA_TEST_DIR) / "run_jsonata.mjs").string() + " " +
                        cases_path.string() + " " + results_path.string() + " " + modules.string();
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  boost::json::value results = testing::ReadJsonFile(results_path.string());
  fs::remove_all(dir);
  ASSERT_EQ(results.as_array().size(), expressions.size());

  int agreed = 0, values = 0, errors = 0, error_order = 0;
  for (size_t i = 0; i < expressions.size(); ++i) {
    const boost::json::object& r = results.as_array()[i].as_object();
    Outcome reference;
    reference.status = std::string(r.at("status").as_string());
    if (const auto* v = r.if_contains("value")) reference.value = *v;
    if (const auto* c = r.if_contains("code")) reference.code = std::string(c->as_string());
    Outcome ours = RunStepwise(expressions[i], input);
    if (ours.status == "error" && reference.status == "error" && ours.code != reference.code &&
        ConcurrentErrorSources(expressions[i])) {
      ++error_order;
      continue;
    }
    if (Agree(ours, reference)) {
      ++agreed;
      values += ours.status == "value";
      errors += ours.status == "error";
      continue;
    }
    ADD_FAILURE() << "seed " << seed << " case " << i << ": " << expressions[i]
                  << "\n  stepwise:  " << Describe(ours) << "\n  reference: " << Describe(reference)
                  << (reference.status == "error"
                          ? "\n  (" + std::string(r.at("message").as_string()) + ")"
                          : "");
  }
  std::printf(
      "%d/%zu agree (%d values, %d errors); %d fail with another error code (see "
      "ConcurrentErrorSources)\n",
      agreed, expressions.size(), values, errors, error_order);
}

}  // namespace
}  // namespace stepwise::jsonata
