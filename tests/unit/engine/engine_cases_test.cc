// The data-driven catalogue of ASL behaviour (tests/unit/engine/cases, format
// in cases/README.md): every *.json file below cases/ (except cases/pending/)
// is one test. It validates the definition, runs it with RunLocally on the
// virtual clock, answers Task states from the file's MockedResponses, and
// compares status, output, error, cause, history types, elapsed virtual time
// and task payloads with the file's "expect" object.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "boost/json/parse.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "common/str_cat.h"
#include "gtest/gtest.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"
#include "orchestrator/engine/mock_config.h"

namespace stepwise::engine {
namespace {

namespace json = ::boost::json;
namespace fs = ::std::filesystem;

// Cases in this folder document engine bugs: they are kept, but not run.
constexpr std::string_view kPendingFolder = "pending";
// Stands for the task token in expected task payloads.
constexpr std::string_view kTokenPlaceholder = "<TASK_TOKEN>";

struct CaseFile {
  fs::path path;      // As found.
  std::string label;  // Relative to the cases folder, e.g. "pass/001_result.json".
};

// For gtest's messages (instead of a byte dump).
void PrintTo(const CaseFile& c, std::ostream* os) { *os << c.label; }

// The cases directory: relative to the working directory (ctest runs from the
// repository root), else next to this source file.
fs::path CasesDirectory() {
  fs::path relative = "tests/unit/engine/cases";
  std::error_code ec;
  if (fs::is_directory(relative, ec)) return relative;
  return fs::path(__FILE__).parent_path() / "cases";
}

std::vector<CaseFile> ListCases() {
  std::vector<CaseFile> cases;
  fs::path root = CasesDirectory();
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return cases;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == kPendingFolder) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->path().extension() != ".json") continue;
    cases.push_back({it->path(), it->path().lexically_relative(root).generic_string()});
  }
  std::sort(cases.begin(), cases.end(),
            [](const CaseFile& a, const CaseFile& b) { return a.label < b.label; });
  return cases;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "choice/001_string-equals.json" -> "choice_001_string_equals".
struct CaseName {
  std::string operator()(const ::testing::TestParamInfo<CaseFile>& param) const {
    std::string name = param.param.label;
    if (name.ends_with(".json")) name.resize(name.size() - 5);
    for (char& ch : name) {
      bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      if (!ok) ch = '_';
    }
    return name;
  }
};

ExecutionInfo CaseExecutionInfo() {
  return {"arn:aws:states:us-east-1:123456789012:execution:CaseMachine:case-run", "case-run",
          "arn:aws:states:us-east-1:123456789012:stateMachine:CaseMachine", "CaseMachine",
          "arn:aws:iam::123456789012:role/StepFunctionsRole"};
}

// Replaces every string equal to `token` by kTokenPlaceholder.
json::value MaskToken(const json::value& value, const std::string& token) {
  if (token.empty()) return value;
  if (value.is_string()) {
    return value.get_string() == token ? json::value(kTokenPlaceholder) : value;
  }
  if (value.is_array()) {
    json::array out;
    for (const json::value& item : value.get_array()) out.push_back(MaskToken(item, token));
    return out;
  }
  if (value.is_object()) {
    json::object out;
    for (const auto& member : value.get_object()) {
      out[member.key()] = MaskToken(member.value(), token);
    }
    return out;
  }
  return value;
}

std::string Show(const json::value& value) { return json::serialize(value); }

bool IsOneOf(std::string_view key, std::initializer_list<std::string_view> allowed) {
  return std::find(allowed.begin(), allowed.end(), key) != allowed.end();
}

// What the runner saw of one ScheduleTask.
struct RecordedTask {
  json::value payload;  // With the task token masked.
  json::object schedule;
};

class EngineCaseTest : public ::testing::TestWithParam<CaseFile> {};

TEST_P(EngineCaseTest, RunsAsExpected) {
  const CaseFile& c = GetParam();
  SCOPED_TRACE(c.label);
  json::error_code ec;
  json::value file = json::parse(ReadFile(c.path), ec);
  ASSERT_FALSE(ec) << "case file is not valid JSON: " << ec.message();
  ASSERT_TRUE(file.is_object()) << "case file must be a JSON object";
  const json::object& object = file.get_object();
  for (const auto& member : object) {
    ASSERT_TRUE(IsOneOf(member.key(), {"description", "definition", "input", "mocks", "expect"}))
        << "unknown case field '" << member.key() << "'";
  }
  const json::value* description = object.if_contains("description");
  ASSERT_TRUE(description != nullptr && description->is_string() &&
              !description->get_string().empty())
      << "case needs a non-empty \"description\"";
  const json::value* definition = object.if_contains("definition");
  ASSERT_TRUE(definition != nullptr && definition->is_object()) << "case needs a \"definition\"";
  const json::value* input = object.if_contains("input");
  const json::value* expect_value = object.if_contains("expect");
  ASSERT_TRUE(expect_value != nullptr && expect_value->is_object())
      << "case needs an \"expect\" object";
  const json::object& expect = expect_value->get_object();
  for (const auto& member : expect) {
    ASSERT_TRUE(IsOneOf(member.key(),
                        {"status", "output", "error", "cause", "cause_contains", "history_types",
                         "elapsed_seconds", "task_payloads", "task_schedules"}))
        << "unknown expect field '" << member.key() << "'";
  }

  asl::ValidationResult validation = asl::ValidateDefinition(Show(*definition));
  std::string diagnostics;
  for (const asl::Diagnostic& d : validation.diagnostics) {
    diagnostics += StrCat("  ", d.location, ": ", d.message, "\n");
  }
  ASSERT_TRUE(validation.ok()) << "definition does not validate:\n" << diagnostics;

  std::map<std::string, std::vector<MockedResponse>, std::less<>> mocked;
  if (const json::value* mocks = object.if_contains("mocks")) {
    ASSERT_TRUE(mocks->is_object()) << "\"mocks\" must be an object";
    for (const auto& member : mocks->get_object()) {
      std::string state(member.key());
      absl::StatusOr<std::vector<MockedResponse>> responses =
          ParseMockedResponse(member.value(), state);
      ASSERT_TRUE(responses.ok()) << responses.status();
      mocked.emplace(state, std::move(*responses));
    }
  }
  TaskHandler mock_handler =
      MakeMockTaskHandler(std::make_shared<const MockTestCase>(std::move(mocked)));
  std::map<std::string, std::vector<RecordedTask>, std::less<>> recorded;
  TaskHandler handler = [&](const ScheduleTask& task) {
    json::object schedule{{"resource", task.resource}};
    if (task.timeout_seconds) schedule["timeout_seconds"] = *task.timeout_seconds;
    if (task.heartbeat_seconds) schedule["heartbeat_seconds"] = *task.heartbeat_seconds;
    recorded[task.state_name].push_back(
        {MaskToken(task.payload, task.task_token), std::move(schedule)});
    return mock_handler(task);
  };

  Interpreter interpreter(validation.machine);
  LocalRunOptions options;
  options.round_trip_state = true;
  options.max_events = 100'000;
  LocalRunResult result =
      RunLocally(interpreter, CaseExecutionInfo(),
                 input != nullptr ? *input : json::value(json::object{}), handler, options);
  ASSERT_EQ(result.problem, "");
  // The events' stored text (written directly) is the serialized event.
  for (const HistoryEvent& event : result.history) {
    ASSERT_EQ(ToJsonText(event), json::serialize(ToJson(event))) << TypeName(event);
  }
  const ExecutionState& state = result.state;
  std::string actual =
      StrCat("actual: status=", ExecutionStatusName(state.status), " output=", Show(state.output),
             " error=", state.error, " cause=", state.cause);

  const json::value* status = expect.if_contains("status");
  ASSERT_TRUE(status != nullptr && status->is_string()) << "expect needs a \"status\"";
  EXPECT_EQ(ExecutionStatusName(state.status), std::string_view(status->get_string())) << actual;
  if (const json::value* output = expect.if_contains("output")) {
    // Value equality: object members in any order, but 1 and 1.0 differ.
    EXPECT_TRUE(state.output == *output) << "expected output " << Show(*output) << "\n" << actual;
  }
  if (const json::value* error = expect.if_contains("error")) {
    EXPECT_EQ(state.error, std::string_view(error->as_string())) << actual;
  }
  if (const json::value* cause = expect.if_contains("cause")) {
    EXPECT_EQ(state.cause, std::string_view(cause->as_string())) << actual;
  }
  if (const json::value* part = expect.if_contains("cause_contains")) {
    EXPECT_NE(state.cause.find(std::string_view(part->as_string())), std::string::npos) << actual;
  }
  if (const json::value* types = expect.if_contains("history_types")) {
    json::array names;
    for (const HistoryEvent& event : result.history) names.push_back(json::string(TypeName(event)));
    EXPECT_EQ(Show(names), Show(*types));
  }
  if (const json::value* elapsed = expect.if_contains("elapsed_seconds")) {
    ASSERT_FALSE(result.history.empty());
    absl::Duration span = result.history.back().timestamp - result.history.front().timestamp;
    EXPECT_EQ(absl::ToDoubleSeconds(span), elapsed->to_number<double>());
  }
  if (const json::value* payloads = expect.if_contains("task_payloads")) {
    ASSERT_TRUE(payloads->is_object()) << "\"task_payloads\" must be an object";
    for (const auto& member : payloads->get_object()) {
      json::array seen;
      auto it = recorded.find(std::string_view(member.key()));
      if (it != recorded.end()) {
        for (const RecordedTask& task : it->second) seen.push_back(task.payload);
      }
      EXPECT_TRUE(json::value(seen) == member.value())
          << "payloads of state " << member.key() << "\nexpected: " << Show(member.value())
          << "\nactual:   " << Show(seen);
    }
  }
  if (const json::value* schedules = expect.if_contains("task_schedules")) {
    ASSERT_TRUE(schedules->is_object()) << "\"task_schedules\" must be an object";
    for (const auto& member : schedules->get_object()) {
      json::array seen;
      auto it = recorded.find(std::string_view(member.key()));
      if (it != recorded.end()) {
        for (const RecordedTask& task : it->second) seen.push_back(task.schedule);
      }
      EXPECT_TRUE(json::value(seen) == member.value())
          << "schedules of state " << member.key() << "\nexpected: " << Show(member.value())
          << "\nactual:   " << Show(seen);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EngineCase, EngineCaseTest, ::testing::ValuesIn(ListCases()), CaseName());

// Guards against a catalogue that silently went missing (e.g. wrong working
// directory), which would otherwise just instantiate no tests.
TEST(EngineCaseCatalogueTest, HasEnoughCases) {
  EXPECT_GE(ListCases().size(), 200u) << "looked in " << CasesDirectory();
}

}  // namespace
}  // namespace stepwise::engine
