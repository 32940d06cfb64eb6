#include "bench/durable/pgbench_baseline.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "common/str_cat.h"

namespace stepwise::bench {
namespace {

namespace fs = std::filesystem;

std::string ShellQuote(std::string_view s) {
  std::string quoted = "'";
  for (char c : s) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

// Runs `command` through the shell; its stdout and stderr, and the exit status.
std::string RunCommand(const std::string& command, int* status) {
  std::string output;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    *status = -1;
    return output;
  }
  char buffer[4096];
  size_t n = 0;
  while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  *status = pclose(pipe);
  return output;
}

// The number after `key` in pgbench's report, or nullopt-like -1.
double NumberAfter(const std::string& output, std::string_view key) {
  size_t at = output.find(key);
  if (at == std::string::npos) return -1;
  return std::strtod(output.c_str() + at + key.size(), nullptr);
}

}  // namespace

std::string FindPgbench() {
  int status = 0;
  std::string bindir = RunCommand("pg_config --bindir", &status);
  while (!bindir.empty() && (bindir.back() == '\n' || bindir.back() == ' ')) bindir.pop_back();
  if (status == 0 && !bindir.empty() && access((bindir + "/pgbench").c_str(), X_OK) == 0) {
    return bindir + "/pgbench";
  }
  std::string best;
  int best_version = -1;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string candidate = entry.path().string() + "/bin/pgbench";
    const int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && access(candidate.c_str(), X_OK) == 0) {
      best = candidate;
      best_version = version;
    }
  }
  return best;
}

absl::StatusOr<PgbenchResult> RunPgbench(const PgbenchOptions& options) {
  const std::string binary = options.pgbench.empty() ? FindPgbench() : options.pgbench;
  if (binary.empty()) {
    return absl::FailedPreconditionError(
        "pgbench not found (pg_config --bindir, /usr/lib/postgresql/*/bin): install "
        "postgresql-contrib or the server package");
  }
  PgbenchResult result;
  // -n: no vacuum of the standard pgbench tables (there are none).
  // -M prepared: Stepwise's store uses prepared statements too.
  result.command =
      StrCat(ShellQuote(binary), " -n -M prepared -c ", options.clients, " -j ", options.threads);
  if (options.transactions_per_client > 0) {
    StrAppend(&result.command, " -t ", options.transactions_per_client);
  } else {
    StrAppend(&result.command, " -T ", options.seconds < 1 ? 1 : options.seconds);
  }
  for (const auto& [name, value] : options.variables) {
    StrAppend(&result.command, " -D ", name, "=", value);
  }
  StrAppend(&result.command, " -f ", ShellQuote(options.script), " ", ShellQuote(options.url));
  int status = 0;
  const std::string output = RunCommand(result.command, &status);
  if (status != 0) {
    return absl::InternalError(StrCat("pgbench failed (", result.command, "):\n", output));
  }
  result.tps = NumberAfter(output, "tps = ");
  result.latency_ms = NumberAfter(output, "latency average = ");
  result.transactions =
      static_cast<int64_t>(NumberAfter(output, "number of transactions actually processed: "));
  const double failed = NumberAfter(output, "number of failed transactions: ");
  result.failed = failed < 0 ? 0 : static_cast<int64_t>(failed);
  if (!(result.tps > 0) || !(result.latency_ms > 0) || result.transactions <= 0 ||
      result.failed > 0) {
    return absl::InternalError(
        StrCat("unexpected pgbench report (", result.command, "):\n", output));
  }
  return result;
}

}  // namespace stepwise::bench
