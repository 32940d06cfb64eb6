#include "tests/testing/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/str_cat.h"

extern char** environ;

namespace stepwise::testing {
namespace {

// Polling the log and waitpid needs some interval; a short one keeps tests
// fast without spinning.
constexpr absl::Duration kPollInterval = absl::Milliseconds(20);

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    const std::vector<std::string>& argv, const std::string& log_path,
    const std::vector<std::string>& env) {
  if (argv.empty()) return absl::InvalidArgumentError("ChildProcess: empty argv");
  const int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(StrCat("cannot open '", log_path, "': ", std::strerror(errno)));
  }
  // Everything execve needs is built before fork: the child only calls
  // async-signal-safe functions.
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) env_strings.emplace_back(*e);
  for (const std::string& e : env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (const std::string& e : env_strings) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t parent = getpid();

  const pid_t pid = fork();
  if (pid < 0) {
    close(log_fd);
    return absl::InternalError(StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(log_fd);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, log_path));
}

ChildProcess::~ChildProcess() {
  if (Running()) {
    kill(pid_, SIGKILL);
    (void)Wait(absl::Seconds(10));
  }
}

std::string ChildProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::string> ChildProcess::WaitForLine(std::string_view text,
                                                      absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const std::string log = Log();
    const size_t at = log.find(text);
    if (at != std::string::npos) {
      const size_t begin = log.rfind('\n', at);
      const size_t end = log.find('\n', at);
      const size_t from = begin == std::string::npos ? 0 : begin + 1;
      return log.substr(from, end == std::string::npos ? std::string::npos : end - from);
    }
    if (!Running()) {
      return absl::AbortedError(StrCat("process ", pid_, " exited (code ", exit_code_.value_or(-1),
                                       ") before printing '", text, "'; log:\n", Tail(log, 4000)));
    }
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(StrCat("no line with '", text, "' within ",
                                                absl::FormatDuration(timeout), "; log:\n",
                                                Tail(log, 4000)));
    }
    absl::SleepFor(kPollInterval);
  }
}

void ChildProcess::Signal(int signal_number) {
  if (Running()) kill(pid_, signal_number);
}

bool ChildProcess::Running() {
  if (exit_code_.has_value()) return false;
  int status = 0;
  const pid_t done = waitpid(pid_, &status, WNOHANG);
  if (done == 0) return true;
  if (done == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } else {
    exit_code_ = -1;  // Reaped elsewhere or not our child.
  }
  return false;
}

absl::StatusOr<int> ChildProcess::Wait(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (Running()) {
    if (absl::Now() > deadline) {
      return absl::DeadlineExceededError(
          StrCat("process ", pid_, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(kPollInterval);
  }
  return *exit_code_;
}

std::string Tail(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

}  // namespace stepwise::testing
