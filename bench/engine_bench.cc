// engine_bench: Stepwise's in-memory executions/s on the bench/ workloads,
// and the peak memory of a Map over 100,000 items. scripts/bench runs it
// after bench/baseline/run_baseline.mjs and passes the baseline's JSON, so
// the closing lines compare both sides measured in the same run:
//
//   engine_bench [--seconds S] [--smoke] [--baseline FILE] [--no-memory] [--root DIR]
//   ...
//   RESULT workload=pass_chain_5 stepwise=123456.7 baseline=10664.3 ratio=11.6
//
// Workloads (definitions, inputs and expected outputs are shared with the
// baseline through bench/workloads/ and examples/workshop/):
//   pass_chain_5  five Pass states (Result, Parameters, InputPath, ResultPath, OutputPath)
//   map_1000      an inline Map over 1,000 items, one Pass state per item
//   workshop_v8   workshop version 8 (Parallel, Choice, Catch, .waitForTaskToken)
//                 with mocked tasks, cycling through four applications
// Each runs with record_history=false (the `stepwise run` default) and again
// as `<name>_history` with record_history=true (the baseline always keeps
// its event log). Every execution's output is checked; a wrong one ends
// the run with exit code 1.
//
// Timing mirrors run_baseline.mjs: a warm-up of a quarter of the budget,
// then five slices of a fifth each, executions run one after another;
// executions/s is the median slice rate. --smoke runs each workload for a
// few milliseconds and the memory measure on 10,000 items. --executions N
// runs exactly N executions per measure instead (no warm-up, one slice), so
// `perf stat -e instructions:u` totals compare across builds: the
// difference of two runs (N2 and N1 executions) over N2 - N1 is the
// instructions per execution without the start-up.
//
// map_100k runs in a child process (this binary with --map-memory) so its
// peak RSS (VmHWM) is not inflated by the throughput runs. Its input is about
// 1.3 MB and its output 3.5 MB, over AWS's 256 KiB payload limit, so that
// measure raises InterpreterOptions::max_payload_bytes to 64 MiB.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "boost/json.hpp"
#include "common/str_cat.h"
#include "orchestrator/asl/substitutions.h"
#include "orchestrator/asl/validator.h"
#include "orchestrator/engine/interpreter.h"
#include "orchestrator/engine/local_runner.h"
#include "orchestrator/engine/shared_json_value.h"

#ifndef STEPWISE_SOURCE_DIR
#define STEPWISE_SOURCE_DIR "."
#endif

namespace stepwise::bench {
namespace {

namespace json = boost::json;
using engine::ScheduleTask;
using engine::TaskAnswer;

constexpr int64_t kMapMemoryItems = 100'000;
constexpr int64_t kMapMemorySmokeItems = 2'000;
constexpr int kMapTimeoutExit = 3;
constexpr double kMemoryGoalMb = 300;
constexpr size_t kMapMemoryPayloadLimit = 64 << 20;

struct Case {
  // Shared by every execution of the case, as the baseline passes one object
  // (an execution never changes its input; see shared_json_value.h).
  engine::SharedJsonValue input;
  json::value output;
};

struct Workload {
  std::string name;  // As in the baseline's JSON.
  std::shared_ptr<const asl::StateMachine> machine;
  std::vector<Case> cases;
  engine::TaskHandler handler;
};

struct Measure {
  std::string name;          // Workload name, `_history` appended when recording.
  std::string baseline_key;  // Workload name in the baseline's JSON.
  double rate = 0;           // Median executions/s.
  std::vector<double> slices;
};

// Ends the process: a benchmark that cannot load or run its workloads has
// nothing to report.
[[noreturn]] void Die(std::string_view message) {
  std::cerr << "engine_bench: " << message << "\n";
  std::exit(1);
}

std::string Fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Die(StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<const asl::StateMachine> Machine(std::string_view text, std::string_view what) {
  asl::ValidationResult result = asl::ValidateDefinition(text);
  if (!result.ok()) {
    std::string problems;
    for (const asl::Diagnostic& d : result.diagnostics) {
      problems += StrCat("\n  ", d.location, ": ", d.message);
    }
    Die(StrCat(what, " is not a valid definition:", problems));
  }
  return result.machine;
}

std::string_view View(const json::value& v) {
  const json::string& s = v.as_string();
  return {s.data(), s.size()};
}

TaskAnswer Succeed(json::object output) {
  return {TaskAnswer::Kind::kSucceed, std::move(output), "", ""};
}

// The mocked workers of workshop v8, keyed by state name; kWorkshopMocks in
// run_baseline.mjs does exactly the same.
TaskAnswer WorkshopMock(const ScheduleTask& task) {
  const json::value& payload = task.payload;
  if (task.state_name == "Check Name") {
    std::string_view name = View(payload.at("data").at("name"));
    if (name == "UNPROCESSABLE_DATA") {
      json::object cause{
          {"errorType", "UnprocessableDataException"},
          {"errorMessage", StrCat("Simulated error: Name '", name, "' is not possible to check.")}};
      return {TaskAnswer::Kind::kFail, nullptr, "UnprocessableDataException",
              json::serialize(cause)};
    }
    return Succeed({{"flagged", name.starts_with("evil")}});
  }
  if (task.state_name == "Check Address") {
    std::string_view address = View(payload.at("data").at("address"));
    bool has_digit =
        std::any_of(address.begin(), address.end(), [](char c) { return c >= '0' && c <= '9'; });
    return Succeed({{"flagged", !has_digit}});
  }
  if (task.state_name == "Pending Review") {
    bool reject = View(payload.at("Payload").at("id")).ends_with("-reject");
    return Succeed({{"decision", reject ? "REJECT" : "APPROVE"}});
  }
  if (task.state_name == "Approve Application") return Succeed({{"approved", payload.at("id")}});
  if (task.state_name == "Reject Application") return Succeed({{"rejected", payload.at("id")}});
  if (task.state_name == "Flag Application As Unprocessable") {
    return Succeed({{"flagged", payload.at("Payload").at("id")},
                    {"flagType", payload.at("Payload").at("flagType")}});
  }
  return {TaskAnswer::Kind::kFail, nullptr, "Bench.UnknownTask", task.state_name};
}

TaskAnswer NoTasks(const ScheduleTask& task) {
  return {TaskAnswer::Kind::kFail, nullptr, "Bench.UnexpectedTask", task.state_name};
}

std::vector<Case> ReadCases(const std::string& path) {
  std::vector<Case> cases;
  json::value parsed = json::parse(ReadFile(path));
  for (const json::value& c : parsed.as_array()) {
    cases.push_back({c.at("input"), c.at("output")});
  }
  return cases;
}

Case MapCase(int64_t n) {
  json::array items;
  json::array output;
  items.reserve(n);
  output.reserve(n);
  for (int64_t i = 0; i < n; ++i) {
    items.push_back(json::object{{"id", i}});
    output.push_back(json::object{{"index", i}, {"id", i}, {"done", true}});
  }
  return {json::object{{"items", std::move(items)}}, std::move(output)};
}

std::vector<Workload> LoadWorkloads(const std::string& root) {
  // The workshop's DefinitionSubstitutions, as run_baseline.mjs applies them.
  absl::StatusOr<std::string> workshop = asl::ApplySubstitutions(
      ReadFile(root + "/examples/workshop/8-parallel-steps__account-application-workflow.asl.json"),
      {{"DataCheckingFunctionArn", "arn:aws:lambda:us-east-1:123456789012:function:DataChecking"},
       {"FlagApplicationFunctionName", "FlagApplication"},
       {"ApproveApplicationFunctionArn",
        "arn:aws:lambda:us-east-1:123456789012:function:ApproveApplication"},
       {"RejectApplicationFunctionArn",
        "arn:aws:lambda:us-east-1:123456789012:function:RejectApplication"}});
  if (!workshop.ok()) Die(StrCat("workshop v8: ", workshop.status().ToString()));
  std::vector<Workload> workloads;
  workloads.push_back(
      {"pass_chain_5",
       Machine(ReadFile(root + "/bench/workloads/pass_chain_5.asl.json"), "pass_chain_5.asl.json"),
       ReadCases(root + "/bench/workloads/pass_chain_5.cases.json"), NoTasks});
  workloads.push_back({"map_1000",
                       Machine(ReadFile(root + "/bench/workloads/map.asl.json"), "map.asl.json"),
                       {MapCase(1000)},
                       NoTasks});
  workloads.push_back({"workshop_v8", Machine(*workshop, "workshop v8"),
                       ReadCases(root + "/bench/workloads/workshop_v8.cases.json"), WorkshopMock});
  return workloads;
}

engine::ExecutionInfo Info() {
  return {"arn:aws:states:us-east-1:123456789012:execution:bench:run-1", "run-1",
          "arn:aws:states:us-east-1:123456789012:stateMachine:bench", "bench",
          "arn:aws:iam::123456789012:role/bench"};
}

// Runs one execution and checks its outcome; a wrong one ends the process.
void RunChecked(const engine::Interpreter& interpreter, const engine::ExecutionInfo& info,
                const Case& c, const engine::TaskHandler& handler, std::string_view name) {
  engine::LocalRunResult r = engine::RunLocally(interpreter, info, c.input, handler);
  if (r.state.status != engine::ExecutionStatus::kSucceeded || r.state.output != c.output) {
    std::string output = json::serialize(r.state.output).substr(0, 300);
    Die(StrCat(name, ": execution ended ", engine::ExecutionStatusName(r.state.status), " (",
               r.state.error, " ", r.state.cause, ") with output ", output, r.problem));
  }
}

using Clock = std::chrono::steady_clock;

// Executions/s over at least `seconds`; batches double while short so the
// clock is read rarely.
double Slice(const engine::Interpreter& interpreter, const Workload& w, double seconds,
             size_t& next, std::string_view name) {
  const engine::ExecutionInfo info = Info();
  int64_t executions = 0;
  int64_t batch = 1;
  Clock::time_point begin = Clock::now();
  double elapsed = 0;
  while (elapsed < seconds) {
    for (int64_t i = 0; i < batch; ++i) {
      RunChecked(interpreter, info, w.cases[next++ % w.cases.size()], w.handler, name);
    }
    executions += batch;
    elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    if (elapsed < seconds / 10) batch *= 2;
  }
  return static_cast<double>(executions) / elapsed;
}

Measure Run(const Workload& w, bool history, double seconds, int64_t executions) {
  engine::InterpreterOptions options;
  options.record_history = history;
  engine::Interpreter interpreter(w.machine, options);
  Measure m{history ? w.name + "_history" : w.name, w.name, 0, {}};
  size_t next = 0;
  if (executions >= 0) {
    const engine::ExecutionInfo info = Info();
    Clock::time_point begin = Clock::now();
    for (int64_t i = 0; i < executions; ++i) {
      RunChecked(interpreter, info, w.cases[next++ % w.cases.size()], w.handler, m.name);
    }
    double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();
    m.rate = elapsed > 0 ? static_cast<double>(executions) / elapsed : 0;
    m.slices.push_back(m.rate);
    return m;
  }
  Slice(interpreter, w, seconds / 4, next, m.name);  // Warm-up.
  for (int i = 0; i < 5; ++i) m.slices.push_back(Slice(interpreter, w, seconds / 5, next, m.name));
  std::vector<double> sorted = m.slices;
  std::sort(sorted.begin(), sorted.end());
  m.rate = sorted[sorted.size() / 2];
  return m;
}

// VmHWM (peak resident set) of this process, in KiB.
int64_t PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.starts_with("VmHWM:")) return std::atoll(line.c_str() + 6);
  }
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// SIGALRM in the memory child: report the peak so far and exit with
// kMapTimeoutExit. Only async-signal-safe calls (open, read, write, _exit).
void OnMapTimeout(int /*signal*/) {
  char status[8192];
  ssize_t length = -1;
  int fd = open("/proc/self/status", O_RDONLY);
  if (fd >= 0) {
    length = read(fd, status, sizeof status - 1);
    close(fd);
  }
  char report[64] = "timeout peak_rss_kb=";
  size_t used = std::strlen(report);
  if (length > 0) {
    status[length] = '\0';
    const char* line = std::strstr(status, "VmHWM:");
    if (line != nullptr) {
      for (line += 6; *line == ' ' || *line == '\t'; ++line) {
      }
      while (*line >= '0' && *line <= '9' && used < sizeof report - 2) report[used++] = *line++;
    }
  }
  report[used++] = '\n';
  if (write(STDOUT_FILENO, report, used) < 0) _exit(kMapTimeoutExit);
  _exit(kMapTimeoutExit);
}

// The child side of the memory measure: one Map over `items` items, then
// `peak_rss_kb=<n> seconds=<s>` on stdout. Exit code 1 on a wrong result;
// after `timeout_seconds`, `timeout peak_rss_kb=<n>` and kMapTimeoutExit.
int MapMemoryChild(const std::string& root, int64_t items, bool history, int timeout_seconds) {
  struct sigaction action {};
  action.sa_handler = OnMapTimeout;
  sigaction(SIGALRM, &action, nullptr);
  alarm(static_cast<unsigned>(timeout_seconds));
  engine::InterpreterOptions options;
  options.record_history = history;
  options.max_payload_bytes = kMapMemoryPayloadLimit;
  engine::Interpreter interpreter(
      Machine(ReadFile(root + "/bench/workloads/map.asl.json"), "map.asl.json"), options);
  Case c = MapCase(items);
  Clock::time_point begin = Clock::now();
  {
    engine::LocalRunResult r = engine::RunLocally(interpreter, Info(), std::move(c.input), NoTasks);
    if (r.state.status != engine::ExecutionStatus::kSucceeded || r.state.output != c.output) {
      Die(StrCat("map_", items, ": execution ended ", engine::ExecutionStatusName(r.state.status),
                 " (", r.state.error, " ", r.state.cause, ")", r.problem));
    }
  }
  double seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  std::cout << "peak_rss_kb=" << PeakRssKb() << " seconds=" << Fixed(seconds, 3) << "\n";
  return 0;
}

struct MemoryMeasure {
  int64_t peak_rss_kb = 0;
  bool timed_out = false;  // Then peak_rss_kb is the peak when it was stopped.
  std::string seconds;
};

// Runs MapMemoryChild in a fresh process (this binary) and reads its report.
MemoryMeasure MeasureMapMemory(const std::string& root, int64_t items, bool history,
                               int timeout_seconds) {
  char self[4096];
  ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
  if (length <= 0) Die("cannot find /proc/self/exe");
  self[length] = '\0';
  std::string command = StrCat("'", self, "' --root '", root, "' --map-memory ", items, " ",
                               history ? "1" : "0", " ", timeout_seconds);
  FILE* child = popen(command.c_str(), "r");
  if (child == nullptr) Die(StrCat("cannot run ", command));
  std::string report;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, child) != nullptr) report += buffer;
  int status = pclose(child);
  MemoryMeasure m;
  m.timed_out = WIFEXITED(status) && WEXITSTATUS(status) == kMapTimeoutExit;
  if (status != 0 && !m.timed_out) {
    Die(StrCat("the map_", items, " memory measure failed: ", report));
  }
  size_t rss = report.find("peak_rss_kb=");
  size_t seconds = report.find("seconds=");
  if (rss == std::string::npos || (seconds == std::string::npos && !m.timed_out)) {
    Die(StrCat("unexpected memory report: ", report));
  }
  m.peak_rss_kb = std::atoll(report.c_str() + rss + 12);
  m.seconds = m.timed_out
                  ? StrCat(">", timeout_seconds)
                  : report.substr(seconds + 8, report.find_first_of(" \n", seconds) - seconds - 8);
  return m;
}

std::string MapName(int64_t items, bool history) {
  std::string size = items % 1000 == 0 ? StrCat(items / 1000, "k") : StrCat(items);
  return StrCat("map_", size, history ? "_history" : "");
}

double Megabytes(int64_t kb) { return static_cast<double>(kb) * 1024 / 1e6; }

// executions/s per workload from run_baseline.mjs's JSON.
std::map<std::string, double> ReadBaseline(const std::string& path) {
  std::map<std::string, double> rates;
  json::value parsed = json::parse(ReadFile(path));
  for (const auto& [name, result] : parsed.as_object()) {
    rates[std::string(name)] = result.at("executions_per_second").to_number<double>();
  }
  return rates;
}

struct Flags {
  double seconds = 3;
  bool smoke = false;
  std::string baseline;
  std::string root = STEPWISE_SOURCE_DIR;
  std::string only;         // Runs only this measure (e.g. map_1000_history, map_100k).
  int64_t executions = -1;  // >= 0: exactly this many executions per measure, no timing slices.
  int map_timeout = 120;    // Seconds for each map_100k run.
  bool memory = true;       // --no-memory: throughput only (scripts/bench's rounds).
  std::optional<int64_t> map_memory_items;
  bool map_memory_history = false;
};

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto value = [&](size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) Die(StrCat(args[i], " needs a value"));
    return args[++i];
  };
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--seconds") {
      flags.seconds = std::atof(value(i).c_str());
      if (!(flags.seconds > 0)) Die("--seconds needs a positive number");
    } else if (args[i] == "--executions") {
      flags.executions = std::atoll(value(i).c_str());
      if (flags.executions < 0) Die("--executions needs a non-negative number");
    } else if (args[i] == "--smoke") {
      flags.smoke = true;
    } else if (args[i] == "--baseline") {
      flags.baseline = value(i);
    } else if (args[i] == "--only") {
      flags.only = value(i);
    } else if (args[i] == "--root") {
      flags.root = value(i);
    } else if (args[i] == "--map-memory") {
      flags.map_memory_items = std::atoll(value(i).c_str());
      flags.map_memory_history = value(i) == "1";
      flags.map_timeout = std::atoi(value(i).c_str());
    } else if (args[i] == "--no-memory") {
      flags.memory = false;
    } else if (args[i] == "--map-timeout") {
      flags.map_timeout = std::atoi(value(i).c_str());
      if (flags.map_timeout <= 0) Die("--map-timeout needs a positive number of seconds");
    } else {
      Die(StrCat("unknown argument ", args[i],
                 "\nusage: engine_bench [--seconds S] [--smoke] [--baseline FILE] [--only NAME] "
                 "[--executions N] [--no-memory] [--root DIR]"));
    }
  }
  return flags;
}

int Main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  if (flags.map_memory_items) {
    return MapMemoryChild(flags.root, *flags.map_memory_items, flags.map_memory_history,
                          flags.map_timeout);
  }
  double seconds = flags.smoke ? 0.02 : flags.seconds;
  std::vector<Measure> measures;
  for (const Workload& w : LoadWorkloads(flags.root)) {
    for (bool history : {false, true}) {
      std::string name = history ? w.name + "_history" : w.name;
      if (!flags.only.empty() && flags.only != name) continue;
      Measure m = Run(w, history, seconds, flags.executions);
      std::string slices;
      for (double s : m.slices) slices += StrCat(slices.empty() ? "" : ", ", Fixed(s, 1));
      std::cout << "stepwise " << m.name << ": " << Fixed(m.rate, 1) << " executions/s (slices "
                << slices << ")" << std::endl;
      measures.push_back(std::move(m));
    }
  }

  int64_t items = flags.smoke ? kMapMemorySmokeItems : kMapMemoryItems;
  std::vector<std::string> memory_lines;
  for (bool history : {false, true}) {
    if (!flags.memory) break;
    if (!flags.only.empty() && flags.only != (history ? "map_100k_history" : "map_100k")) {
      continue;
    }
    MemoryMeasure m = MeasureMapMemory(flags.root, items, history, flags.map_timeout);
    double mb = Megabytes(m.peak_rss_kb);
    std::string verdict;
    if (m.timed_out) {
      verdict = StrCat("; did NOT finish within ", flags.map_timeout,
                       " s (--map-timeout): the peak is a lower bound");
    } else if (!flags.smoke) {
      verdict = mb < kMemoryGoalMb ? "; goal < 300 MB met" : "; goal < 300 MB MISSED";
    }
    std::cout << "stepwise " << MapName(items, history) << ": peak RSS " << Fixed(mb, 1)
              << " MB (one execution, " << m.seconds << " s, max_payload_bytes raised to 64 MiB)"
              << verdict << std::endl;
    memory_lines.push_back(StrCat("MEMORY workload=", MapName(items, history),
                                  " peak_rss_mb=", Fixed(mb, 1),
                                  m.timed_out ? " finished=false" : " finished=true"));
  }

  if (flags.baseline.empty()) {
    for (const std::string& line : memory_lines) std::cout << line << "\n";
    return 0;
  }
  std::map<std::string, double> baseline = ReadBaseline(flags.baseline);
  std::cout << "\nworkload               stepwise/s    baseline/s    ratio\n";
  std::vector<std::string> results;
  for (const Measure& m : measures) {
    auto it = baseline.find(m.baseline_key);
    if (it == baseline.end() || !(it->second > 0)) Die(StrCat("no baseline for ", m.baseline_key));
    double ratio = m.rate / it->second;
    char row[160];
    std::snprintf(row, sizeof row, "%-20s %12.1f  %12.1f  %7.1fx%s\n", m.name.c_str(), m.rate,
                  it->second, ratio, ratio >= 20 ? "" : "  (goal 20x)");
    std::cout << row;
    results.push_back(StrCat("RESULT workload=", m.name, " stepwise=", Fixed(m.rate, 1),
                             " baseline=", Fixed(it->second, 1), " ratio=", Fixed(ratio, 2)));
  }
  std::cout << "\n";
  for (const std::string& line : memory_lines) std::cout << line << "\n";
  for (const std::string& line : results) std::cout << line << "\n";
  return 0;
}

}  // namespace
}  // namespace stepwise::bench

int main(int argc, char** argv) { return stepwise::bench::Main(argc, argv); }
