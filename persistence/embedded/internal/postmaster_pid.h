// Reading a PostgreSQL data directory's postmaster.pid and deciding whether
// the process it names is still the server of that directory. The embedded
// launcher uses this after its owner was killed: the server may still be
// running (reuse it), or the file may be stale (remove it).
//
//   ASSIGN_OR_RETURN(std::optional<PostmasterPid> pid, ReadPostmasterPid(pgdata));
//   if (pid && ClassifyPostmaster(pid->pid, pgdata) == PostmasterState::kOurs) ...
#ifndef STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_POSTMASTER_PID_H_
#define STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_POSTMASTER_PID_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace stepwise::persistence::embedded_internal {

// The lines of postmaster.pid (PostgreSQL's src/include/utils/pidfile.h). A
// starting server writes the file in steps, so later fields may be empty.
struct PostmasterPid {
  pid_t pid = 0;
  std::string data_dir;
  int port = 0;
  std::string socket_dir;      // The first of unix_socket_directories.
  std::string listen_address;  // The first of listen_addresses.
  std::string status;          // "starting", "stopping", "ready", "standby" or "".
};

// nullopt when `content` has no positive pid on its first line.
std::optional<PostmasterPid> ParsePostmasterPid(std::string_view content);

// Reads <pgdata>/postmaster.pid: nullopt if there is none (or it names no
// pid); kInternal if it exists but cannot be read.
absl::StatusOr<std::optional<PostmasterPid>> ReadPostmasterPid(const std::string& pgdata);

enum class PostmasterState {
  kDead,     // No such process (or a zombie): the pid file is stale.
  kOurs,     // A live PostgreSQL process working in this data directory.
  kForeign,  // A live process that is not this directory's server (pid reuse).
};

// Classifies `pid` against `pgdata` (a canonical path) through /proc: a
// PostgreSQL server's working directory is its data directory. When /proc
// does not say, the answer is kOurs, so that callers never delete the pid
// file of a server that might be running.
PostmasterState ClassifyPostmaster(pid_t pid, const std::string& pgdata);

}  // namespace stepwise::persistence::embedded_internal

#endif  // STEPWISE_PERSISTENCE_EMBEDDED_INTERNAL_POSTMASTER_PID_H_
