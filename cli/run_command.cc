#include "cli/run_command.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Validators.hpp"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "boost/json/array.hpp"
#include "boost/json/object.hpp"
#include "boost/json/serialize.hpp"
#include "boost/json/value.hpp"
#include "cli/command_io.h"
#include "common/str_cat.h"
#include "orchestrator/asl/diagnostic.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/execution_state.h"
#include "orchestrator/engine/history.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"
#include "orchestrator/engine/mock_config.h"

namespace stepwise::cli {
namespace {

namespace json = ::boost::json;
using engine::ExecutionStatus;

// Identity of local runs, in the shape AWS Step Functions Local uses.
constexpr std::string_view kArnPrefix = "arn:aws:states:us-east-1:123456789012:";
constexpr std::string_view kExecutionName = "local-run";
constexpr std::string_view kRoleArn = "arn:aws:iam::123456789012:role/stepwise-local";

// The definition file's name up to its first dot ("a/b/flow.asl.json" -> "flow").
std::string DefaultName(const std::string& definition) {
  std::string file = std::filesystem::path(definition).filename().string();
  std::string name = file.substr(0, file.find('.'));
  return name.empty() ? file : name;
}

void PrintDiagnostics(const std::string& file, const std::vector<asl::Diagnostic>& diagnostics,
                      std::ostream& err) {
  for (const asl::Diagnostic& d : diagnostics) {
    err << file << ": " << asl::SeverityName(d.severity) << " " << asl::DiagnosticCodeName(d.code);
    if (!d.location.empty()) err << " at " << d.location;
    err << ": " << d.message << "\n";
  }
}

// The definition after substitutions, validated; diagnostics go to `err`.
// nullptr when it is invalid.
std::shared_ptr<const asl::StateMachine> LoadMachine(const std::string& file, std::string text,
                                                     const asl::Substitutions& substitutions,
                                                     std::ostream& err) {
  if (!substitutions.empty()) {
    absl::StatusOr<std::string> substituted = asl::ApplySubstitutions(text, substitutions);
    // When the text is not JSON, validating it unsubstituted reports why.
    if (substituted.ok()) text = *std::move(substituted);
  }
  asl::ValidationResult result = asl::ValidateDefinition(text);
  PrintDiagnostics(file, result.diagnostics, err);
  if (!result.ok()) err << "stepwise run: " << file << ": the definition is invalid\n";
  return result.machine;
}

absl::StatusOr<json::value> ReadInput(const std::string& input, std::istream& in) {
  if (!input.starts_with('@')) return ParseJsonArgument(input, "--input");
  const std::string path = input.substr(1);
  absl::StatusOr<std::string> text = path == "-" ? ReadStream(in, "stdin") : ReadFile(path);
  if (!text.ok()) return text.status();
  return ParseJsonArgument(
      *text, path == "-" ? "the input on stdin" : StrCat("the input file '", path, "'"));
}

absl::StatusOr<engine::MockTestCase> LoadMocks(const RunFlags& flags,
                                               const std::string& machine_name,
                                               const asl::StateMachine& machine) {
  absl::StatusOr<std::string> text = ReadFile(flags.mock_config);
  if (!text.ok()) return text.status();
  const std::string what = StrCat("mock config '", flags.mock_config, "'");
  absl::StatusOr<json::value> config = ParseJsonArgument(*text, what);
  if (!config.ok()) return config.status();
  absl::StatusOr<engine::MockTestCase> mocks =
      engine::LoadMockTestCase(*config, machine_name, flags.test_case, machine);
  if (!mocks.ok()) {
    return absl::Status(mocks.status().code(),
                        StrCat(what, ": ", std::string(mocks.status().message())));
  }
  return mocks;
}

// The states every active path is blocked in (tasks, waits, retry
// intervals), each once, in tree order.
void CollectPending(const engine::Frame& frame, std::vector<std::string>& out) {
  switch (frame.blocker) {
    case engine::Blocker::kChildren:
      for (const engine::Frame& child : frame.children) CollectPending(child, out);
      break;
    case engine::Blocker::kTask:
    case engine::Blocker::kWaitTimer:
    case engine::Blocker::kRetryTimer:
      if (std::find(out.begin(), out.end(), frame.state) == out.end()) out.push_back(frame.state);
      break;
    case engine::Blocker::kNone:
      break;
  }
}

std::string QuotedNames(const std::vector<std::string>& names) {
  std::string list;
  for (const std::string& name : names) {
    if (!list.empty()) list += ", ";
    list += StrCat("'", name, "'");
  }
  return list;
}

// JSON with two-space indentation (Boost.JSON 1.81 only prints compactly).
void PrettyPrint(const json::value& value, std::ostream& out, int indent = 0) {
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  const std::string close_pad(static_cast<size_t>(indent), ' ');
  if (const json::object* object = value.if_object(); object != nullptr && !object->empty()) {
    out << "{\n";
    bool first = true;
    for (const auto& [key, member] : *object) {
      if (!first) out << ",\n";
      first = false;
      out << pad << json::serialize(json::string(key)) << ": ";
      PrettyPrint(member, out, indent + 2);
    }
    out << "\n" << close_pad << "}";
  } else if (const json::array* array = value.if_array(); array != nullptr && !array->empty()) {
    out << "[\n";
    bool first = true;
    for (const json::value& element : *array) {
      if (!first) out << ",\n";
      first = false;
      out << pad;
      PrettyPrint(element, out, indent + 2);
    }
    out << "\n" << close_pad << "]";
  } else {
    out << json::serialize(value);
  }
}

// One line per event: id, seconds since the start, type, and what it is about.
void PrintHistoryTable(const std::vector<engine::HistoryEvent>& history, std::ostream& out) {
  if (history.empty()) return;
  const absl::Time start = history.front().timestamp;
  size_t type_width = 4;
  for (const engine::HistoryEvent& e : history) {
    type_width = std::max(type_width, engine::TypeName(e).size());
  }
  out << "History:\n";
  out << "  ID  PREV    ELAPSED  " << std::string("TYPE").append(type_width - 4, ' ')
      << "  DETAIL\n";
  for (const engine::HistoryEvent& e : history) {
    std::string detail;
    auto field = [&](std::string_view key) -> std::string {
      const json::value* v = e.details.if_contains(key);
      return v != nullptr && v->is_string() ? std::string(v->as_string()) : "";
    };
    if (std::string name = field("name"); !name.empty()) {
      detail = name;
    } else if (std::string resource = field("resource"); !resource.empty()) {
      detail = StrCat(field("resourceType"), ":", resource);
    }
    if (std::string error = field("error"); !error.empty()) {
      detail += detail.empty() ? error : StrCat(" (", error, ")");
    }
    std::string type = engine::TypeName(e);
    type.resize(type_width, ' ');
    char line[64];
    std::snprintf(line, sizeof(line), "%4lld  %4lld  %8.3fs  ", static_cast<long long>(e.id),
                  static_cast<long long>(e.previous_event_id),
                  absl::ToDoubleSeconds(e.timestamp - start));
    out << line << type << "  " << detail << "\n";
  }
  out << "\n";
}

void PrintText(const engine::LocalRunResult& result, const std::vector<std::string>& pending,
               bool history, std::ostream& out) {
  if (history) PrintHistoryTable(result.history, out);
  const engine::ExecutionState& state = result.state;
  out << "Status: " << engine::ExecutionStatusName(state.status) << "\n";
  if (state.status == ExecutionStatus::kSucceeded) {
    out << "Output: ";
    PrettyPrint(state.output, out);
    out << "\n";
  }
  if (!state.error.empty()) out << "Error: " << state.error << "\n";
  if (!state.cause.empty()) out << "Cause: " << state.cause << "\n";
  if (state.status == ExecutionStatus::kRunning && !pending.empty()) {
    out << "Pending: " << QuotedNames(pending) << "\n";
  }
}

void PrintJson(const engine::LocalRunResult& result, const std::vector<std::string>& pending,
               bool history, std::ostream& out) {
  const engine::ExecutionState& state = result.state;
  auto optional_string = [](const std::string& s) -> json::value {
    return s.empty() ? json::value(nullptr) : json::value(s);
  };
  json::object doc{
      {"status", engine::ExecutionStatusName(state.status)},
      {"output", state.status == ExecutionStatus::kSucceeded ? state.output : json::value()},
      {"error", optional_string(state.error)},
      {"cause", optional_string(state.cause)},
  };
  if (state.status == ExecutionStatus::kRunning) {
    json::array names;
    for (const std::string& name : pending) names.emplace_back(name);
    doc["pending"] = std::move(names);
  }
  if (history) {
    json::array events;
    events.reserve(result.history.size());
    for (const engine::HistoryEvent& e : result.history) events.push_back(engine::ToJson(e));
    doc["history"] = std::move(events);
  }
  out << json::serialize(doc) << "\n";
}

}  // namespace

CLI::App* AddRunCommand(CLI::App& app, RunFlags& flags) {
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a state machine in memory (Task results from a MockConfigFile)");
  cmd->add_option("--definition,-d", flags.definition, "State machine definition (ASL JSON)")
      ->required();
  cmd->add_option("--input,-i", flags.input, "Execution input: JSON text, or @FILE (@- is stdin)")
      ->capture_default_str();
  cmd->add_option("--substitution,-s", flags.substitutions,
                  "DefinitionSubstitution KEY=VALUE for ${KEY} placeholders (repeatable)")
      ->allow_extra_args(false);
  cmd->add_option("--substitutions-file", flags.substitutions_file,
                  "JSON object of DefinitionSubstitutions ({\"KEY\": \"VALUE\", ...})");
  CLI::Option* mock =
      cmd->add_option("--mock-config", flags.mock_config,
                      "Mocked Task responses (AWS Step Functions Local MockConfigFile format)");
  CLI::Option* test_case =
      cmd->add_option("--test-case", flags.test_case, "Test case of the mock config to use");
  mock->needs(test_case);
  test_case->needs(mock);
  cmd->add_option("--name", flags.name,
                  "State machine name (default: the definition file's name up to its first dot)");
  cmd->add_flag("--history", flags.history, "Also print the execution history");
  cmd->add_option("--output,-o", flags.output, "Output format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cmd->add_flag("--real-time", flags.real_time,
                "Really wait for Wait states and Retry intervals (default: a virtual clock)");
  return cmd;
}

int RunRun(const RunFlags& flags, std::istream& in, std::ostream& out, std::ostream& err) {
  auto bad_input = [&err](const absl::Status& status) {
    err << "stepwise run: " << status.message() << "\n";
    return kRunExitBadInput;
  };
  absl::StatusOr<asl::Substitutions> substitutions =
      CollectSubstitutions(flags.substitutions_file, flags.substitutions);
  if (!substitutions.ok()) return bad_input(substitutions.status());
  absl::StatusOr<std::string> text = ReadFile(flags.definition);
  if (!text.ok()) return bad_input(text.status());
  std::shared_ptr<const asl::StateMachine> machine =
      LoadMachine(flags.definition, *std::move(text), *substitutions, err);
  if (machine == nullptr) return kRunExitBadInput;

  const std::string name = flags.name.empty() ? DefaultName(flags.definition) : flags.name;
  if (!flags.name.empty()) {
    std::vector<asl::Diagnostic> problems = asl::ValidateStateMachineName(name);
    if (!problems.empty()) {
      return bad_input(
          absl::InvalidArgumentError(StrCat("--name '", name, "': ", problems.front().message)));
    }
  }
  absl::StatusOr<json::value> input = ReadInput(flags.input, in);
  if (!input.ok()) return bad_input(input.status());

  std::vector<std::string> unmocked;
  engine::TaskHandler handler;
  if (!flags.mock_config.empty()) {
    absl::StatusOr<engine::MockTestCase> mocks = LoadMocks(flags, name, *machine);
    if (!mocks.ok()) return bad_input(mocks.status());
    handler = engine::MakeMockTaskHandler(
        std::make_shared<const engine::MockTestCase>(*std::move(mocks)), &unmocked);
  } else {
    handler = [&unmocked](const engine::ScheduleTask& task) {
      if (std::find(unmocked.begin(), unmocked.end(), task.state_name) == unmocked.end()) {
        unmocked.push_back(task.state_name);
      }
      return engine::TaskAnswer{engine::TaskAnswer::Kind::kNoAnswer, nullptr, "", ""};
    };
  }

  engine::InterpreterOptions interpreter_options;
  interpreter_options.record_history = flags.history;
  engine::Interpreter interpreter(machine, interpreter_options);
  engine::ExecutionInfo info{
      .execution_arn = StrCat(kArnPrefix, "execution:", name, ":", kExecutionName),
      .name = std::string(kExecutionName),
      .state_machine_arn = StrCat(kArnPrefix, "stateMachine:", name),
      .state_machine_name = name,
      .role_arn = std::string(kRoleArn),
  };
  engine::LocalRunOptions options;
  options.start_time = absl::Now();
  if (flags.real_time) {
    // The virtual clock started at the real time, so a timer's virtual time
    // is also when it is due in real time.
    options.on_advance_clock = [](absl::Time next) {
      const absl::Duration wait = next - absl::Now();
      if (wait > absl::ZeroDuration()) absl::SleepFor(wait);
    };
  }
  engine::LocalRunResult result =
      engine::RunLocally(interpreter, info, *std::move(input), handler, options);

  std::vector<std::string> pending;
  if (result.state.status == ExecutionStatus::kRunning) {
    CollectPending(result.state.root, pending);
  }
  if (flags.output == "json") {
    PrintJson(result, pending, flags.history, out);
  } else {
    PrintText(result, pending, flags.history, out);
  }
  out.flush();

  if (!result.problem.empty()) err << "stepwise run: " << result.problem << "\n";
  if (result.state.status == ExecutionStatus::kRunning && !unmocked.empty()) {
    if (flags.mock_config.empty()) {
      err << "stepwise run: Task state(s) " << QuotedNames(unmocked)
          << " need a mocked response: pass --mock-config FILE --test-case NAME (AWS Step "
             "Functions Local's MockConfigFile format)\n";
    } else {
      err << "stepwise run: test case '" << flags.test_case << "' has no mocked response for "
          << "Task state(s) " << QuotedNames(unmocked)
          << ", so the execution waits there (as for a task nobody completes)\n";
    }
  }
  return result.state.status == ExecutionStatus::kSucceeded ? kRunExitSucceeded
                                                            : kRunExitNotSucceeded;
}

}  // namespace stepwise::cli
