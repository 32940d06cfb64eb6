// Fork/exec helpers for the embedded PostgreSQL launcher. No shell is ever
// involved: argv goes to execve as is, so paths need no quoting. Children can
// run as another (unprivileged) user, which PostgreSQL requires when the
// caller is root.
//
//   ASSIGN_OR_RETURN(RunAs as, ResolveUser("postgres"));
//   ASSIGN_OR_RETURN(ProcessResult r, RunProcess({"/usr/lib/.../initdb", "-D", dir}, as));
//   if (!r.ok()) return absl::InternalError(StrCat("initdb failed: ", r.output));
#ifndef STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_SUBPROCESS_H_
#define STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stepwise::persistence::embedded_internal {

// The identity a child process runs as. With `switch_user` false the child
// keeps the caller's identity and the other fields describe the caller.
struct RunAs {
  bool switch_user = false;
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
};

// Resolves the identity for PostgreSQL's processes. `user` empty means
// "postgres" when the effective uid is 0 and the caller otherwise.
// kFailedPrecondition if the user does not exist, is root, or differs from
// the caller while the caller is not root (no permission to switch).
absl::StatusOr<RunAs> ResolveUser(std::string_view user);

struct ProcessResult {
  int exit_code = -1;  // -1 when the process was killed by a signal.
  int signal = 0;
  std::string output;  // stdout and stderr interleaved; the last 64 KiB.

  bool ok() const { return exit_code == 0; }
  // "exit code 1" or "killed by signal 9".
  std::string DescribeExit() const;
};

// Runs `argv` (argv[0] is an absolute path) as `run_as` with stdin from
// /dev/null, and waits for it. A non-zero exit is a ProcessResult, not an
// error; errors are fork/exec failures (kInternal, kNotFound when argv[0]
// cannot be executed).
absl::StatusOr<ProcessResult> RunProcess(const std::vector<std::string>& argv, const RunAs& run_as);

struct DaemonOptions {
  // stdout and stderr of the daemon are appended here.
  int log_fd = -1;
  // Deliver `death_signal` to the daemon when the calling thread exits.
  bool die_with_parent = false;
  int death_signal = 0;
};

// Starts `argv` as `run_as` in a new session (so terminal signals aimed at the
// caller do not reach it) and returns its pid without waiting. The daemon is
// a child of the caller: reap it with waitpid once it exits.
absl::StatusOr<pid_t> SpawnDaemon(const std::vector<std::string>& argv, const RunAs& run_as,
                                  const DaemonOptions& options);

// Whether `run_as` may read, write and search `dir` (checked in a child that
// takes on that identity, so every parent directory counts).
absl::StatusOr<bool> CanAccess(const std::string& dir, const RunAs& run_as);

}  // namespace stepwise::persistence::embedded_internal

#endif  // STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_SUBPROCESS_H_
