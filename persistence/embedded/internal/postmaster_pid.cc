#include "persistence/embedded/internal/postmaster_pid.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"

namespace stepwise::persistence::embedded_internal {
namespace {

std::optional<long> ParseNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\r')) text.remove_suffix(1);
  long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> ReadSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::optional<PostmasterPid> ParsePostmasterPid(std::string_view content) {
  std::vector<std::string_view> lines;
  while (!content.empty()) {
    size_t end = content.find('\n');
    lines.push_back(content.substr(0, end));
    if (end == std::string_view::npos) break;
    content.remove_prefix(end + 1);
  }
  auto line = [&lines](size_t i) { return i < lines.size() ? lines[i] : std::string_view(); };
  std::optional<long> pid = ParseNumber(line(0));
  if (!pid || *pid <= 0) return std::nullopt;
  PostmasterPid parsed;
  parsed.pid = static_cast<pid_t>(*pid);
  parsed.data_dir = std::string(line(1));
  if (std::optional<long> port = ParseNumber(line(3)); port && *port > 0 && *port < 65536) {
    parsed.port = static_cast<int>(*port);
  }
  parsed.socket_dir = std::string(line(4));
  parsed.listen_address = std::string(line(5));
  std::string_view status = line(7);
  while (!status.empty() && status.back() == ' ') status.remove_suffix(1);
  while (!status.empty() && status.front() == ' ') status.remove_prefix(1);
  parsed.status = std::string(status);
  return parsed;
}

absl::StatusOr<std::optional<PostmasterPid>> ReadPostmasterPid(const std::string& pgdata) {
  std::string path = StrCat(pgdata, "/postmaster.pid");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return std::optional<PostmasterPid>();
  std::optional<std::string> content = ReadSmallFile(path);
  if (!content) {
    // It may have been removed between the two calls by a server shutting down.
    if (!std::filesystem::exists(path, ec)) return std::optional<PostmasterPid>();
    return absl::InternalError(StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return ParsePostmasterPid(*content);
}

PostmasterState ClassifyPostmaster(pid_t pid, const std::string& pgdata) {
  if (pid <= 0 || pid == getpid()) return PostmasterState::kForeign;
  if (kill(pid, 0) != 0 && errno == ESRCH) return PostmasterState::kDead;
  const std::string proc = StrCat("/proc/", pid);
  if (std::optional<std::string> stat = ReadSmallFile(StrCat(proc, "/stat"))) {
    // "pid (comm) S ...": the state follows the last ')', as comm may hold any byte.
    size_t paren = stat->rfind(')');
    if (paren != std::string::npos && paren + 2 < stat->size()) {
      char state = (*stat)[paren + 2];
      if (state == 'Z' || state == 'X') return PostmasterState::kDead;
    }
  } else if (!std::filesystem::exists(proc)) {
    // No /proc to ask, or the process just exited.
    return kill(pid, 0) != 0 && errno == ESRCH ? PostmasterState::kDead : PostmasterState::kOurs;
  }
  std::error_code ec;
  std::filesystem::path cwd = std::filesystem::read_symlink(StrCat(proc, "/cwd"), ec);
  if (!ec) {
    return cwd == std::filesystem::path(pgdata) ? PostmasterState::kOurs
                                                : PostmasterState::kForeign;
  }
  // Another user's process, and we are not root: judge by its name.
  std::optional<std::string> cmdline = ReadSmallFile(StrCat(proc, "/cmdline"));
  if (!cmdline) return PostmasterState::kOurs;
  std::string argv0 = cmdline->substr(0, cmdline->find('\0'));
  std::string name = std::filesystem::path(argv0).filename().string();
  return name.find("postgres") != std::string::npos || name.find("postmaster") != std::string::npos
             ? PostmasterState::kOurs
             : PostmasterState::kForeign;
}

}  // namespace stepwise::persistence::embedded_internal
