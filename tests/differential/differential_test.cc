// Differential test: runs generated pure state machines (see generator.h) in
// Stepwise's engine and in the npm package aws-local-stepfunctions (through
// run_reference.mjs, one node process for the whole batch) and compares
// status, output, error and (for user errors) cause. Every disagreement must
// fall into a category of known_differences.json, found through the tags the
// generator attaches to each case; anything else fails the test with the
// definition, the input and both results.
//
//   STEPWISE_DIFF_SEED   generator seed (default 20240601)
//   STEPWISE_DIFF_COUNT  number of cases (default 300)
//
// Needs node and `npm ci --prefix tests/differential` (scripts/test does it).
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"
#include "tests/differential/generator.h"

namespace stepwise::differential {
namespace {

namespace json = ::boost::json;
namespace fs = ::std::filesystem;

constexpr uint64_t kDefaultSeed = 20240601;
constexpr int kDefaultCount = 300;

struct Outcome {
  std::string status;  // SUCCEEDED | FAILED | REJECTED (reference only) | RUNNING ...
  json::value output;
  std::string error;
  std::string cause;
};

uint64_t EnvOr(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return fallback;
  return std::strtoull(value, nullptr, 10);
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// JSON equality as AWS sees it: object member order does not matter, and a
// number is its value (1 and 1.0 are the same; JavaScript has no int type).
bool JsonEqual(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) {
    if (a.is_double() || b.is_double()) return a.to_number<double>() == b.to_number<double>();
    if (a.is_int64() && b.is_int64()) return a.get_int64() == b.get_int64();
    return a.to_number<double>() == b.to_number<double>();
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_object()) {
    const json::object& x = a.get_object();
    const json::object& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, value] : x) {
      auto it = y.find(key);
      if (it == y.end() || !JsonEqual(value, it->value())) return false;
    }
    return true;
  }
  if (a.is_array()) {
    const json::array& x = a.get_array();
    const json::array& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (size_t i = 0; i < x.size(); ++i) {
      if (!JsonEqual(x[i], y[i])) return false;
    }
    return true;
  }
  return a == b;
}

// Drops the Cause of caught States.* errors ({"Error": "States.X", "Cause":
// ...} placed by a Catch's ResultPath): free text, as in Disagreement().
json::value WithoutBuiltInCauses(json::value v) {
  if (v.is_array()) {
    for (json::value& item : v.get_array()) item = WithoutBuiltInCauses(std::move(item));
  } else if (v.is_object()) {
    json::object& o = v.get_object();
    const json::value* error = o.if_contains("Error");
    if (o.size() == 2 && o.contains("Cause") && error != nullptr && error->is_string() &&
        error->get_string().starts_with("States.")) {
      o.erase("Cause");
    }
    for (auto& member : o) member.value() = WithoutBuiltInCauses(std::move(member.value()));
  }
  return v;
}

// The same execution identity run_reference.mjs passes as the context object.
engine::ExecutionInfo Info() {
  return {"arn:aws:states:us-east-1:123456789012:execution:diff:run-1", "run-1",
          "arn:aws:states:us-east-1:123456789012:stateMachine:diff", "diff",
          "arn:aws:iam::123456789012:role/diff"};
}

Outcome RunOurs(const std::shared_ptr<const asl::StateMachine>& machine, const json::value& input) {
  engine::Interpreter interpreter(machine, engine::InterpreterOptions{.record_history = false});
  engine::LocalRunResult run =
      engine::RunLocally(interpreter, Info(), input, [](const engine::ScheduleTask&) {
        // Generated machines have no Task states.
        return engine::TaskAnswer{engine::TaskAnswer::Kind::kFail, nullptr, "Unexpected.Task", ""};
      });
  Outcome outcome;
  outcome.status = std::string(engine::ExecutionStatusName(run.state.status));
  if (run.state.status == engine::ExecutionStatus::kSucceeded) outcome.output = run.state.output;
  outcome.error = run.state.error;
  outcome.cause = run.state.cause;
  if (!run.problem.empty()) outcome.cause = StrCat("run problem: ", run.problem);
  return outcome;
}

Outcome FromReference(const json::object& result) {
  Outcome outcome;
  outcome.status = std::string(result.at("status").as_string());
  outcome.output = result.at("output");
  outcome.error = std::string(result.at("error").as_string());
  outcome.cause = std::string(result.at("cause").as_string());
  return outcome;
}

// Empty when the outcomes agree, else what differs.
std::string Disagreement(const Outcome& ours, const Outcome& theirs) {
  if (ours.status != theirs.status) return "status";
  if (ours.status == "SUCCEEDED") {
    return JsonEqual(WithoutBuiltInCauses(ours.output), WithoutBuiltInCauses(theirs.output))
               ? ""
               : "output";
  }
  if (ours.error != theirs.error) return "error";
  // Causes of the States.* errors are free text that differs everywhere
  // (AWS's own wording included); a Fail state's Cause is data.
  if (!ours.error.starts_with("States.") && ours.cause != theirs.cause) return "cause";
  return "";
}

// Whether a difference can come from which failing Parallel branch won:
// the error of a failed run, or the error a Catch put at $.caught.
bool RaceVisible(const Outcome& ours, const std::string& what) {
  if (what == "status") return false;
  if (ours.status == "FAILED") return true;
  return ours.output.is_object() && ours.output.get_object().contains("caught");
}

std::string Describe(const Outcome& o) {
  if (o.status == "SUCCEEDED") return StrCat("SUCCEEDED output=", json::serialize(o.output));
  return StrCat(o.status, " error=", o.error, " cause=", o.cause);
}

TEST(DifferentialTest, AgreesWithAwsLocalStepFunctionsOrKnownDifference) {
  const fs::path dir = STEPWISE_DIFFERENTIAL_DIR;
  const std::string node = STEPWISE_NODE;
  ASSERT_FALSE(node.empty() || node.ends_with("NOTFOUND"))
      << "node was not found when CMake configured the build; install Node.js "
         "(scripts/bootstrap) and reconfigure";
  ASSERT_TRUE(fs::exists(dir / "node_modules" / "aws-local-stepfunctions" / "package.json"))
      << "aws-local-stepfunctions is not installed; run: npm ci --prefix tests/differential";

  // Known categories: tag -> explanation.
  std::map<std::string, std::string> known;
  json::value known_json = json::parse(ReadFile(dir / "known_differences.json"));
  for (const json::value& entry : known_json.as_array()) {
    const json::object& e = entry.as_object();
    ASSERT_TRUE(e.contains("tag") && e.contains("explanation")) << json::serialize(entry);
    known[std::string(e.at("tag").as_string())] = std::string(e.at("explanation").as_string());
  }

  const uint64_t seed = EnvOr("STEPWISE_DIFF_SEED", kDefaultSeed);
  const int count = static_cast<int>(EnvOr("STEPWISE_DIFF_COUNT", kDefaultCount));
  Generator generator(seed);
  std::vector<GeneratedCase> cases;
  std::vector<std::shared_ptr<const asl::StateMachine>> machines;
  json::array batch;
  for (int i = 0; i < count; ++i) {
    GeneratedCase c = generator.Next();
    std::string text = json::serialize(c.definition);
    asl::ValidationResult validation = asl::ValidateDefinition(text);
    std::string diagnostics;
    for (const asl::Diagnostic& d : validation.diagnostics) {
      diagnostics += StrCat("\n  ", d.location, ": ", d.message);
    }
    ASSERT_TRUE(validation.ok()) << c.id << " does not validate:" << diagnostics << "\n" << text;
    machines.push_back(validation.machine);
    batch.push_back(json::object{{"id", c.id}, {"definition", c.definition}, {"input", c.input}});
    cases.push_back(std::move(c));
  }

  const fs::path work = fs::temp_directory_path() /
                        StrCat("stepwise-differential-", seed, "-", static_cast<int64_t>(getpid()));
  fs::create_directories(work);
  const fs::path cases_file = work / "cases.json";
  const fs::path results_file = work / "results.json";
  std::ofstream(cases_file) << json::serialize(batch);
  const std::string command =
      StrCat("\"", node, "\" \"", (dir / "run_reference.mjs").string(), "\" \"",
             cases_file.string(), "\" \"", results_file.string(), "\"");
  ASSERT_EQ(std::system(command.c_str()), 0) << "failed: " << command;
  json::value results = json::parse(ReadFile(results_file));
  fs::remove_all(work);
  ASSERT_EQ(results.as_array().size(), cases.size());

  std::map<std::string, int> per_category;
  int agreed = 0;
  for (size_t i = 0; i < cases.size(); ++i) {
    const GeneratedCase& c = cases[i];
    const json::object& result = results.as_array()[i].as_object();
    ASSERT_EQ(result.at("id").as_string(), c.id);
    Outcome ours = RunOurs(machines[i], c.input);
    Outcome theirs = FromReference(result);
    std::string what = Disagreement(ours, theirs);
    if (what.empty()) {
      ++agreed;
      continue;
    }
    std::vector<std::string> categories;
    for (const std::string& tag : c.tags) {
      // Which branch's failure wins can only differ when both runs failed.
      if (tag == "parallel-several-branches-fail" && !RaceVisible(ours, what)) continue;
      if (known.contains(tag)) categories.push_back(tag);
    }
    // A category recognised by the outcome rather than by the definition.
    if (what == "error" && ours.error == "States.IntrinsicFailure" &&
        theirs.error == "States.Runtime" && known.contains("intrinsic-failure-error-name")) {
      categories.push_back("intrinsic-failure-error-name");
    }
    if (!categories.empty()) {
      for (const std::string& tag : categories) ++per_category[tag];
      continue;
    }
    std::string tags;
    for (const std::string& tag : c.tags) tags += StrCat(tags.empty() ? "" : ", ", tag);
    ADD_FAILURE() << c.id << " (seed " << seed << "): undocumented difference in " << what
                  << "\n  tags:       [" << tags << "]"
                  << "\n  definition: " << json::serialize(c.definition)
                  << "\n  input:      " << json::serialize(c.input)
                  << "\n  stepwise:   " << Describe(ours) << "\n  reference:  " << Describe(theirs);
  }

  std::cout << "differential: seed " << seed << ", " << cases.size() << " cases, " << agreed
            << " agree\n";
  for (const auto& [tag, n] : per_category) {
    std::cout << "  known difference " << tag << ": " << n << " case(s)\n";
  }
}

}  // namespace
}  // namespace stepwise::differential
