#include "persistence/embedded/internal/subprocess.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/str_cat.h"

namespace stepwise::persistence::embedded_internal {
namespace {

constexpr size_t kMaxOutput = size_t{64} * 1024;

// Everything a forked child needs, prepared before fork(): between fork and
// exec a child of a multithreaded process may only make async-signal-safe
// calls, so nothing here allocates.
struct ChildPlan {
  const char* path = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  const RunAs* run_as = nullptr;
  int out_fd = -1;    // Becomes stdout and stderr; -1 means /dev/null.
  int error_fd = -1;  // Close-on-exec pipe: receives errno if setup or exec fails.
  bool new_session = false;
  int death_signal = 0;
  pid_t parent = 0;
};

[[noreturn]] void ChildFail(int error_fd, int err) {
  ssize_t ignored = write(error_fd, &err, sizeof(err));
  (void)ignored;
  _exit(127);
}

// Drops to `run_as` (group list first, then gid, then uid: afterwards the
// child can no longer change groups).
bool SwitchUser(const RunAs& run_as) {
  if (!run_as.switch_user) return true;
  return setgroups(run_as.groups.size(), run_as.groups.data()) == 0 && setgid(run_as.gid) == 0 &&
         setuid(run_as.uid) == 0;
}

[[noreturn]] void RunChild(const ChildPlan& plan) {
  // Start from a clean signal state: exec keeps ignored signals ignored (a
  // gRPC server ignores SIGPIPE, for instance) and keeps the blocked mask.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);

  if (plan.new_session && setsid() < 0) ChildFail(plan.error_fd, errno);
  int devnull = open("/dev/null", O_RDWR);
  if (devnull < 0) ChildFail(plan.error_fd, errno);
  int out = plan.out_fd >= 0 ? plan.out_fd : devnull;
  if (dup2(devnull, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
    ChildFail(plan.error_fd, errno);
  }
  // Leave nothing else open: a long-lived server must not hold the caller's
  // sockets, pipes or lock files.
  if (plan.error_fd > 3) close_range(3, plan.error_fd - 1, 0);
  close_range(plan.error_fd + 1, ~0U, 0);

  if (!SwitchUser(*plan.run_as)) ChildFail(plan.error_fd, errno);
  // Set after the switch: changing the effective uid clears it.
  if (plan.death_signal != 0) {
    if (prctl(PR_SET_PDEATHSIG, plan.death_signal) != 0) ChildFail(plan.error_fd, errno);
    if (getppid() != plan.parent) _exit(0);  // The parent died before prctl.
  }
  if (chdir("/") != 0) ChildFail(plan.error_fd, errno);
  execve(plan.path, plan.argv, plan.envp);
  ChildFail(plan.error_fd, errno);
}

// The children get the caller's environment minus what could redirect
// PostgreSQL's tools (PGDATA, PGPORT, PGHOST, ...) or localize the messages
// we capture into errors.
std::vector<std::string> ChildEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    if (entry.starts_with("PG") || entry.starts_with("LC_") || entry.starts_with("LANG=") ||
        entry.starts_with("LANGUAGE=")) {
      continue;
    }
    env.emplace_back(entry);
  }
  env.emplace_back("LC_ALL=C");
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

void CloseIfOpen(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

// A close-on-exec pipe whose ends are both above stderr, so that dup2 onto
// 0..2 in the child never clobbers them.
absl::Status MakePipe(std::array<int, 2>& fds) {
  if (pipe2(fds.data(), O_CLOEXEC) != 0) {
    return absl::InternalError(StrCat("pipe2: ", std::strerror(errno)));
  }
  for (int& fd : fds) {
    if (fd > 2) continue;
    int moved = fcntl(fd, F_DUPFD_CLOEXEC, 3);
    close(fd);
    fd = moved;
    if (moved < 0) return absl::InternalError(StrCat("fcntl: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

int WaitForPid(pid_t pid, int* wstatus) {
  int rc;
  do {
    rc = waitpid(pid, wstatus, 0);
  } while (rc < 0 && errno == EINTR);
  return rc;
}

// Reads the errno a failed child reported, or 0 once the pipe closes on a
// successful exec.
int ReadChildErrno(int fd) {
  int err = 0;
  size_t got = 0;
  while (got < sizeof(err)) {
    ssize_t n = read(fd, reinterpret_cast<char*>(&err) + got, sizeof(err) - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  return got == sizeof(err) ? err : 0;
}

absl::Status ExecError(std::string_view path, int err) {
  std::string message = StrCat("cannot execute ", path, ": ", std::strerror(err));
  if (err == ENOENT || err == EACCES) return absl::NotFoundError(message);
  return absl::InternalError(message);
}

// Forks a child that runs `plan` (its error_fd filled in here) and returns
// its pid once it has exec'ed.
absl::StatusOr<pid_t> ForkExec(ChildPlan plan, const std::vector<int>& close_in_child) {
  std::array<int, 2> err_pipe{-1, -1};
  if (absl::Status s = MakePipe(err_pipe); !s.ok()) return s;
  plan.error_fd = err_pipe[1];
  plan.parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int err = errno;
    CloseIfOpen(err_pipe[0]);
    CloseIfOpen(err_pipe[1]);
    return absl::InternalError(StrCat("fork for ", plan.path, ": ", std::strerror(err)));
  }
  if (pid == 0) {
    close(err_pipe[0]);
    for (int fd : close_in_child) close(fd);
    RunChild(plan);
  }
  CloseIfOpen(err_pipe[1]);
  int err = ReadChildErrno(err_pipe[0]);
  CloseIfOpen(err_pipe[0]);
  if (err != 0) {
    int wstatus = 0;
    WaitForPid(pid, &wstatus);
    return ExecError(plan.path, err);
  }
  return pid;
}

void FillResult(int wstatus, ProcessResult& result) {
  if (WIFEXITED(wstatus)) {
    result.exit_code = WEXITSTATUS(wstatus);
  } else if (WIFSIGNALED(wstatus)) {
    result.signal = WTERMSIG(wstatus);
  }
}

absl::StatusOr<passwd> LookUpPasswd(std::string_view name, uid_t uid, std::vector<char>& buffer) {
  passwd entry{};
  passwd* found = nullptr;
  buffer.resize(16384);
  std::string name_copy(name);
  int rc = name.empty()
               ? getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)
               : getpwnam_r(name_copy.c_str(), &entry, buffer.data(), buffer.size(), &found);
  if (found == nullptr) {
    std::string who = name.empty() ? StrCat("uid ", uid) : StrCat("'", name, "'");
    return absl::FailedPreconditionError(
        StrCat("user ", who, " not found", rc != 0 ? StrCat(": ", std::strerror(rc)) : ""));
  }
  return entry;
}

}  // namespace

std::string ProcessResult::DescribeExit() const {
  if (signal != 0) return StrCat("killed by signal ", signal);
  return StrCat("exit code ", exit_code);
}

absl::StatusOr<RunAs> ResolveUser(std::string_view user) {
  const uid_t euid = geteuid();
  std::vector<char> buffer;
  if (user.empty() && euid != 0) {
    RunAs self;
    self.uid = euid;
    self.gid = getegid();
    absl::StatusOr<passwd> entry = LookUpPasswd("", euid, buffer);
    // Containers often run arbitrary uids without a passwd entry.
    self.name = entry.ok() ? std::string(entry->pw_name) : StrCat(euid);
    return self;
  }
  std::string_view name = user.empty() ? std::string_view("postgres") : user;
  absl::StatusOr<passwd> entry = LookUpPasswd(name, 0, buffer);
  if (!entry.ok()) {
    return absl::FailedPreconditionError(
        StrCat(std::string(entry.status().message()),
               "; PostgreSQL needs an unprivileged user to run as (set run_as_user)"));
  }
  RunAs run_as;
  run_as.name = entry->pw_name;
  run_as.uid = entry->pw_uid;
  run_as.gid = entry->pw_gid;
  if (run_as.uid == 0) {
    return absl::FailedPreconditionError(
        StrCat("PostgreSQL cannot run as root (user '", run_as.name, "'); choose another user"));
  }
  if (run_as.uid == euid) return run_as;  // Already that user: nothing to switch.
  if (euid != 0) {
    return absl::FailedPreconditionError(
        StrCat("cannot run PostgreSQL as user '", run_as.name, "': switching users needs root"));
  }
  int count = 64;
  run_as.groups.resize(static_cast<size_t>(count));
  while (getgrouplist(run_as.name.c_str(), run_as.gid, run_as.groups.data(), &count) < 0) {
    run_as.groups.resize(static_cast<size_t>(count));
  }
  run_as.groups.resize(static_cast<size_t>(count));
  run_as.switch_user = true;
  return run_as;
}

absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv,
                                         const RunAs& run_as) {
  if (argv.empty()) return absl::InvalidArgumentError("RunProcess: empty argv");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(env);

  std::array<int, 2> out_pipe{-1, -1};
  if (absl::Status s = MakePipe(out_pipe); !s.ok()) return s;
  ChildPlan plan;
  plan.path = args[0].c_str();
  plan.argv = c_args.data();
  plan.envp = c_env.data();
  plan.run_as = &run_as;
  plan.out_fd = out_pipe[1];
  absl::StatusOr<pid_t> pid = ForkExec(plan, {out_pipe[0]});
  CloseIfOpen(out_pipe[1]);
  if (!pid.ok()) {
    CloseIfOpen(out_pipe[0]);
    return pid.status();
  }

  ProcessResult result;
  std::array<char, 4096> chunk;
  for (;;) {
    ssize_t n = read(out_pipe[0], chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    result.output.append(chunk.data(), static_cast<size_t>(n));
    if (result.output.size() > 2 * kMaxOutput) {
      result.output.erase(0, result.output.size() - kMaxOutput);
    }
  }
  CloseIfOpen(out_pipe[0]);
  if (result.output.size() > kMaxOutput) {
    result.output.erase(0, result.output.size() - kMaxOutput);
  }
  int wstatus = 0;
  if (WaitForPid(*pid, &wstatus) < 0) {
    return absl::InternalError(StrCat("waitpid for ", argv[0], ": ", std::strerror(errno)));
  }
  FillResult(wstatus, result);
  return result;
}

absl::StatusOr<pid_t> SpawnDaemon(const std::vector<std::string>& argv, const RunAs& run_as,
                                  const DaemonOptions& options) {
  if (argv.empty()) return absl::InvalidArgumentError("SpawnDaemon: empty argv");
  std::vector<std::string> args = argv;
  std::vector<std::string> env = ChildEnvironment();
  std::vector<char*> c_args = CStrings(args);
  std::vector<char*> c_env = CStrings(env);
  ChildPlan plan;
  plan.path = args[0].c_str();
  plan.argv = c_args.data();
  plan.envp = c_env.data();
  plan.run_as = &run_as;
  plan.out_fd = options.log_fd;
  plan.new_session = true;
  plan.death_signal = options.die_with_parent ? options.death_signal : 0;
  return ForkExec(plan, {});
}

absl::StatusOr<bool> CanAccess(const std::string& dir, const RunAs& run_as) {
  if (!run_as.switch_user) return access(dir.c_str(), R_OK | W_OK | X_OK) == 0;
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError(StrCat("fork: ", std::strerror(errno)));
  if (pid == 0) {
    if (!SwitchUser(run_as)) _exit(2);
    _exit(access(dir.c_str(), R_OK | W_OK | X_OK) == 0 ? 0 : 1);
  }
  int wstatus = 0;
  if (WaitForPid(pid, &wstatus) < 0) {
    return absl::InternalError(StrCat("waitpid: ", std::strerror(errno)));
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) == 2) {
    return absl::InternalError(StrCat("cannot switch to user '", run_as.name, "' to check ", dir));
  }
  return WEXITSTATUS(wstatus) == 0;
}

}  // namespace stepwise::persistence::embedded_internal
