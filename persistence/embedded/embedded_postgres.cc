#include "persistence/embedded/embedded_postgres.h"

#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/free_port.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "persistence/embedded/internal/postmaster_pid.h"
#include "persistence/embedded/internal/subprocess.h"

namespace stepwise::persistence {
namespace {

namespace fs = std::filesystem;
using embedded_internal::PostmasterPid;
using embedded_internal::PostmasterState;
using embedded_internal::ProcessResult;
using embedded_internal::RunAs;

constexpr std::string_view kClusterDir = "pgdata";
constexpr std::string_view kLogFile = "postgres.log";
constexpr std::string_view kLockFile = "embedded.lock";
constexpr std::string_view kTemplateStamp = "initdb.stamp";
// A unix socket path ("<dir>/.s.PGSQL.65535") must fit sun_path's 108 bytes.
constexpr size_t kMaxSocketDirLength = 91;
constexpr absl::Duration kPollInterval = absl::Milliseconds(10);
// How long a server whose pid file says "ready" may refuse pings before we
// restart it (it may listen elsewhere than 127.0.0.1).
constexpr absl::Duration kReadyButUnreachable = absl::Seconds(3);
constexpr int kStopTimeoutSeconds = 60;

std::string Tail(std::string_view text, size_t max = 4000) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  if (text.size() > max) return StrCat("...", text.substr(text.size() - max));
  return std::string(text);
}

std::string Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  return std::string(text);
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

absl::Status WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  out.close();
  if (!out) return absl::InternalError(StrCat("cannot write ", path));
  return absl::OkStatus();
}

bool HasServerBinaries(const fs::path& dir) {
  for (const char* name : {"initdb", "pg_ctl", "postgres"}) {
    if (access((dir / name).c_str(), X_OK) != 0) return false;
  }
  return true;
}

// bin_dir if given, else `pg_config --bindir`, else the newest
// /usr/lib/postgresql/<major>/bin.
absl::StatusOr<std::string> FindBinDir(const std::string& requested, const RunAs& run_as) {
  if (!requested.empty()) {
    if (HasServerBinaries(requested)) return requested;
    return absl::FailedPreconditionError(
        StrCat("bin_dir ", requested, " lacks initdb, pg_ctl or postgres"));
  }
  std::vector<std::string> pg_configs;
  const char* path_env = std::getenv("PATH");
  std::string_view path = path_env != nullptr ? path_env : "/usr/bin:/bin";
  while (!path.empty()) {
    size_t end = path.find(':');
    std::string_view dir = path.substr(0, end);
    if (!dir.empty()) pg_configs.push_back(StrCat(dir, "/pg_config"));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end + 1);
  }
  for (const std::string& pg_config : pg_configs) {
    if (access(pg_config.c_str(), X_OK) != 0) continue;
    absl::StatusOr<ProcessResult> result =
        embedded_internal::RunProcess({pg_config, "--bindir"}, run_as);
    if (!result.ok() || !result->ok()) continue;
    std::string dir = Trim(result->output);
    if (HasServerBinaries(dir)) return dir;
  }
  std::error_code ec;
  int best_version = -1;
  std::string best;
  for (const fs::directory_entry& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    const std::string name = entry.path().filename().string();
    int version = std::atoi(name.c_str());
    if (version > best_version && HasServerBinaries(entry.path() / "bin")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  if (best_version >= 0) return best;
  return absl::FailedPreconditionError(
      "no PostgreSQL server binaries (initdb, pg_ctl, postgres) found through pg_config or in "
      "/usr/lib/postgresql/*/bin; install the PostgreSQL server or set bin_dir");
}

// The major version of the server binaries, from "postgres (PostgreSQL) 15.8 ...".
absl::StatusOr<std::string> ServerMajorVersion(const std::string& postgres, const RunAs& run_as) {
  ASSIGN_OR_RETURN(ProcessResult result,
                   embedded_internal::RunProcess({postgres, "--version"}, run_as));
  constexpr std::string_view kMarker = "(PostgreSQL) ";
  size_t at = result.output.find(kMarker);
  if (!result.ok() || at == std::string::npos) {
    return absl::InternalError(
        StrCat(postgres, " --version failed (", result.DescribeExit(), "): ", Tail(result.output)));
  }
  std::string version;
  for (size_t i = at + kMarker.size(); i < result.output.size(); ++i) {
    char c = result.output[i];
    if (c < '0' || c > '9') break;
    version.push_back(c);
  }
  if (version.empty()) {
    return absl::InternalError(
        StrCat("cannot parse the output of ", postgres, " --version: ", Tail(result.output)));
  }
  return version;
}

// Takes an exclusive flock on `path`, polling until `deadline` while another
// process holds it. Returns the locked, close-on-exec descriptor.
absl::StatusOr<int> LockFile(const std::string& path, absl::Time deadline, std::string_view what) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        StrCat("cannot open lock file ", path, ": ", std::strerror(errno)));
  }
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      int err = errno;
      close(fd);
      return absl::FailedPreconditionError(StrCat("cannot lock ", path, ": ", std::strerror(err)));
    }
    if (absl::Now() >= deadline) {
      std::string holder = Trim(ReadFile(path).value_or(""));
      close(fd);
      return absl::FailedPreconditionError(
          StrCat(what, " is in use by another process",
                 holder.empty() ? "" : StrCat(" (pid ", holder, ")"), "; lock file ", path));
    }
    absl::SleepFor(kPollInterval);
  }
  std::string pid = StrCat(getpid(), "\n");
  // The pid is only informational: it names the holder in errors.
  if (ftruncate(fd, 0) == 0) {
    ssize_t ignored = pwrite(fd, pid.data(), pid.size(), 0);
    (void)ignored;
  }
  return fd;
}

std::string ConnInfo(int port, std::string_view database) {
  return StrCat("host=127.0.0.1 port=", port, " dbname='", database,
                "' user=", EmbeddedPostgres::kSuperuser,
                " connect_timeout=2 sslmode=disable gssencmode=disable");
}

bool Accepts(int port) { return PQping(ConnInfo(port, "postgres").c_str()) == PQPING_OK; }

std::string PercentEncode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      constexpr char kHex[] = "0123456789ABCDEF";
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// Changes the owner of `root` and everything below it.
absl::Status ChownTree(const fs::path& root, const RunAs& run_as) {
  if (!run_as.switch_user) return absl::OkStatus();
  auto chown_one = [&](const fs::path& p) -> absl::Status {
    if (lchown(p.c_str(), run_as.uid, run_as.gid) != 0) {
      return absl::InternalError(
          StrCat("chown ", p.string(), " to ", run_as.name, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  };
  RETURN_IF_ERROR(chown_one(root));
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    RETURN_IF_ERROR(chown_one(it->path()));
  }
  if (ec) return absl::InternalError(StrCat("walking ", root.string(), ": ", ec.message()));
  return absl::OkStatus();
}

// Entries below `root` (0 if it does not exist).
int CountFiles(const fs::path& root) {
  int count = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    ++count;
  }
  return count;
}

// How waiting for a newly started server ended.
enum class StartupOutcome {
  kReady,
  kPortTaken,           // It exited: the port was taken (worth retrying).
  kOldServerLingering,  // It exited: a killed server's leftovers (worth retrying).
  kFailed,              // It exited for another reason.
};

StartupOutcome ClassifyStartupLog(std::string_view log) {
  if (log.find("could not bind") != std::string_view::npos ||
      log.find("could not create any TCP/IP sockets") != std::string_view::npos) {
    return StartupOutcome::kPortTaken;
  }
  // Backends of a killed server still attached to its shared memory, or its
  // postmaster.pid not yet gone: both clear up on their own.
  if (log.find("pre-existing shared memory block") != std::string_view::npos ||
      log.find("already exists") != std::string_view::npos) {
    return StartupOutcome::kOldServerLingering;
  }
  return StartupOutcome::kFailed;
}

// pg_ctl stop -m fast, then -m immediate. OK when no server runs.
absl::Status StopServer(const RunAs& run_as, const std::string& pg_ctl, const std::string& pgdata) {
  std::string failures;
  for (const char* mode : {"fast", "immediate"}) {
    ASSIGN_OR_RETURN(std::optional<PostmasterPid> pid_file,
                     embedded_internal::ReadPostmasterPid(pgdata));
    if (!pid_file ||
        embedded_internal::ClassifyPostmaster(pid_file->pid, pgdata) != PostmasterState::kOurs) {
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(ProcessResult result,
                     embedded_internal::RunProcess({pg_ctl, "stop", "-D", pgdata, "-m", mode, "-w",
                                                    "-t", StrCat(kStopTimeoutSeconds)},
                                                   run_as));
    if (result.ok()) return absl::OkStatus();
    StrAppend(&failures, "\n-m ", mode, ": ", result.DescribeExit(), ": ", Tail(result.output));
  }
  return absl::InternalError(
      StrCat("pg_ctl stop (", pg_ctl, ") failed for data dir ", pgdata, ":", failures));
}

// Waits until `pid`, a server of `pgdata` that is not our child (we cannot
// reap it), is gone. pg_ctl stop returns once postmaster.pid is removed,
// which the server does just before it exits: without this wait, whoever
// looks right after Stop() may still find it running.
absl::Status AwaitServerExit(pid_t pid, const std::string& pgdata) {
  const absl::Time deadline = absl::Now() + absl::Seconds(kStopTimeoutSeconds);
  while (embedded_internal::ClassifyPostmaster(pid, pgdata) == PostmasterState::kOurs) {
    if (absl::Now() >= deadline) {
      return absl::InternalError(StrCat("the server (pid ", pid, ") of data dir ", pgdata,
                                        " still runs ", kStopTimeoutSeconds,
                                        " s after pg_ctl stop returned"));
    }
    absl::SleepFor(kPollInterval);
  }
  return absl::OkStatus();
}

}  // namespace

// The steps of Start(), sharing the resolved options.
class EmbeddedPostgres::Launcher {
 public:
  Launcher(const EmbeddedPostgresOptions& options, EmbeddedPostgres& pg)
      : options_(options), pg_(pg), deadline_(absl::Now() + options.startup_timeout) {}

  ~Launcher() {
    if (log_fd_ >= 0) close(log_fd_);
  }

  absl::Status Run() {
    if (options_.data_dir.empty()) return absl::InvalidArgumentError("data_dir is empty");
    ASSIGN_OR_RETURN(RunAs run_as, embedded_internal::ResolveUser(options_.run_as_user));
    pg_.run_as_ = std::make_unique<RunAs>(std::move(run_as));
    ASSIGN_OR_RETURN(bin_dir_, FindBinDir(options_.bin_dir, user()));
    pg_.bin_dir_ = bin_dir_;
    pg_.pg_ctl_ = StrCat(bin_dir_, "/pg_ctl");
    ASSIGN_OR_RETURN(major_version_, ServerMajorVersion(StrCat(bin_dir_, "/postgres"), user()));

    RETURN_IF_ERROR(PrepareDataDir());
    ASSIGN_OR_RETURN(pg_.lock_fd_, LockFile(StrCat(pg_.data_dir_, "/", kLockFile),
                                            absl::Now() + options_.lock_timeout,
                                            StrCat("data dir ", pg_.data_dir_)));
    RETURN_IF_ERROR(EnsureCluster());
    std::error_code ec;
    pg_.pgdata_ = fs::canonical(pg_.pgdata_, ec).string();
    pg_.socket_dir_ = pg_.pgdata_.size() <= kMaxSocketDirLength &&
                              pg_.pgdata_.find_first_of("\",") == std::string::npos
                          ? pg_.pgdata_
                          : "/tmp";

    ASSIGN_OR_RETURN(bool reused, TakeOverOrClear());
    if (!reused) RETURN_IF_ERROR(LaunchServer());
    pg_.running_ = true;
    pg_.connection_url_ = pg_.ConnectionUrl("postgres");
    return absl::OkStatus();
  }

 private:
  const RunAs& user() const { return *pg_.run_as_; }

  std::string Where() const { return StrCat(" (data dir ", pg_.data_dir_, ")"); }

  absl::Status PrepareDataDir() {
    std::error_code ec;
    fs::path dir = fs::weakly_canonical(fs::absolute(options_.data_dir, ec), ec);
    if (ec) {
      return absl::FailedPreconditionError(
          StrCat("cannot resolve data dir ", options_.data_dir, ": ", ec.message()));
    }
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir)) {
      return absl::FailedPreconditionError(StrCat("cannot create data dir ", dir.string(), ": ",
                                                  ec ? ec.message() : "not a directory"));
    }
    pg_.data_dir_ = dir.string();
    pg_.pgdata_ = (dir / kClusterDir).string();
    std::string log_path = (dir / kLogFile).string();
    log_fd_ = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (log_fd_ < 0) {
      return absl::FailedPreconditionError(
          StrCat("cannot open server log ", log_path, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }

  // initdb's flags; without `sync` it skips fsyncing the new cluster.
  std::vector<std::string> InitdbFlags(bool sync) const {
    std::vector<std::string> flags = {"-U",         std::string(kSuperuser), "--encoding=UTF8",
                                      "--locale=C", "--auth-local=trust",    "--auth-host=trust"};
    if (!sync) flags.emplace_back("--no-sync");
    return flags;
  }

  // Creates <root>/pgdata: copies the template cluster or runs initdb into a
  // scratch directory renamed into place at the end, so a kill -9 halfway
  // leaves no half-initialized cluster behind.
  absl::Status EnsureCluster() {
    const fs::path cluster = pg_.pgdata_;
    std::error_code ec;
    if (fs::exists(cluster / "PG_VERSION", ec)) return CheckExistingCluster();
    if (fs::exists(cluster, ec) && !fs::is_empty(cluster, ec)) {
      return absl::FailedPreconditionError(
          StrCat(cluster.string(), " is not empty but holds no PostgreSQL cluster (no PG_VERSION)",
                 Where()));
    }
    fs::path scratch = cluster;
    scratch += ".init";
    fs::remove_all(scratch, ec);
    if (options_.template_dir.empty()) {
      RETURN_IF_ERROR(Initdb(scratch, InitdbFlags(/*sync=*/!options_.fast_unsafe)));
    } else {
      RETURN_IF_ERROR(CopyTemplate(scratch));
    }
    fs::remove(cluster, ec);  // An empty directory, if any.
    fs::rename(scratch, cluster, ec);
    if (ec) {
      return absl::InternalError(
          StrCat("renaming ", scratch.string(), " to ", cluster.string(), ": ", ec.message()));
    }
    return absl::OkStatus();
  }

  absl::Status CheckExistingCluster() {
    std::string version = Trim(ReadFile(StrCat(pg_.pgdata_, "/PG_VERSION")).value_or(""));
    if (version != major_version_) {
      return absl::FailedPreconditionError(StrCat(pg_.pgdata_, " was initialized by PostgreSQL ",
                                                  version, " but the binaries in ", bin_dir_,
                                                  " are PostgreSQL ", major_version_, Where()));
    }
    struct stat st {};
    if (stat(pg_.pgdata_.c_str(), &st) != 0 || st.st_uid != user().uid) {
      return absl::FailedPreconditionError(StrCat(pg_.pgdata_, " is owned by uid ", st.st_uid,
                                                  " but the server runs as user '", user().name,
                                                  "' (uid ", user().uid, ")", Where()));
    }
    return absl::OkStatus();
  }

  // Runs initdb into `target` as the server's user.
  absl::Status Initdb(const fs::path& target, const std::vector<std::string>& flags) {
    std::error_code ec;
    fs::create_directory(target, ec);
    if (ec || chmod(target.c_str(), 0700) != 0) {
      return absl::FailedPreconditionError(StrCat("cannot create ", target.string(), ": ",
                                                  ec ? ec.message() : std::strerror(errno)));
    }
    RETURN_IF_ERROR(ChownTree(target, user()));
    ASSIGN_OR_RETURN(bool accessible, embedded_internal::CanAccess(target.string(), user()));
    if (!accessible) {
      fs::remove_all(target, ec);
      return absl::FailedPreconditionError(
          StrCat("user '", user().name, "' cannot reach ", target.string(),
                 "; every parent directory must be searchable by it"));
    }
    std::vector<std::string> argv = {StrCat(bin_dir_, "/initdb"), "-D", target.string()};
    argv.insert(argv.end(), flags.begin(), flags.end());
    ASSIGN_OR_RETURN(ProcessResult result, embedded_internal::RunProcess(argv, user()));
    if (!result.ok()) {
      fs::remove_all(target, ec);
      return absl::InternalError(StrCat("initdb (", argv[0], ") failed with ",
                                        result.DescribeExit(), " for ", target.string(), ": ",
                                        Tail(result.output)));
    }
    return absl::OkStatus();
  }

  // Copies the template cluster (initdb'ing it first if missing or made with
  // other flags or binaries) into `target`.
  absl::Status CopyTemplate(const fs::path& target) {
    std::error_code ec;
    const fs::path root = fs::absolute(options_.template_dir, ec);
    fs::create_directories(root, ec);
    if (ec) {
      return absl::FailedPreconditionError(
          StrCat("cannot create template dir ", root.string(), ": ", ec.message()));
    }
    ASSIGN_OR_RETURN(int fd, LockFile((root / kLockFile).string(), deadline_,
                                      StrCat("template dir ", root.string())));
    absl::Status status = CopyTemplateLocked(root, target);
    close(fd);
    return status;
  }

  absl::Status CopyTemplateLocked(const fs::path& root, const fs::path& target) {
    const fs::path cluster = root / kClusterDir;
    const std::string stamp_path = (root / kTemplateStamp).string();
    // The template is never fsynced (tests only), whatever `fast_unsafe` says,
    // so that durable and fast servers share one template.
    std::vector<std::string> flags = InitdbFlags(/*sync=*/false);
    std::string stamp = StrCat("PostgreSQL ", major_version_, " as ", user().name, ":");
    for (const std::string& flag : flags) StrAppend(&stamp, " ", flag);
    // The file count catches a template thinned out by a /tmp cleaner.
    std::error_code ec;
    if (ReadFile(stamp_path) != StrCat(stamp, "; files: ", CountFiles(cluster))) {
      fs::remove(stamp_path, ec);
      fs::remove_all(cluster, ec);
      RETURN_IF_ERROR(Initdb(cluster, flags));
      RETURN_IF_ERROR(WriteFile(stamp_path, StrCat(stamp, "; files: ", CountFiles(cluster))));
    }
    fs::copy(cluster, target, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      fs::remove_all(target, ec);
      return absl::InternalError(StrCat("copying template cluster ", cluster.string(), " to ",
                                        target.string(), ": ", ec.message()));
    }
    return ChownTree(target, user());
  }

  // Looks at a server left running by a previous owner. Returns true after
  // taking over a healthy one; false when none runs (a stale postmaster.pid
  // is removed) or after stopping one that is unusable.
  absl::StatusOr<bool> TakeOverOrClear() {
    const std::string pid_path = StrCat(pg_.pgdata_, "/postmaster.pid");
    std::optional<absl::Time> unreachable_since;
    for (;;) {
      ASSIGN_OR_RETURN(std::optional<PostmasterPid> pid_file,
                       embedded_internal::ReadPostmasterPid(pg_.pgdata_));
      if (!pid_file) return false;
      PostmasterState state = embedded_internal::ClassifyPostmaster(pid_file->pid, pg_.pgdata_);
      if (state != PostmasterState::kOurs) {
        std::error_code ec;
        fs::remove(pid_path, ec);
        if (ec) {
          return absl::FailedPreconditionError(
              StrCat("cannot remove stale ", pid_path, ": ", ec.message()));
        }
        return false;
      }
      const bool wrong_port = options_.port != 0 && pid_file->port != options_.port;
      if (wrong_port) break;
      if (pid_file->status == "ready" && pid_file->port > 0) {
        if (Accepts(pid_file->port)) {
          pg_.port_ = pid_file->port;
          pg_.server_pid_ = pid_file->pid;
          pg_.reused_ = true;
          return true;
        }
        if (!unreachable_since) unreachable_since = absl::Now();
        if (absl::Now() - *unreachable_since > kReadyButUnreachable) break;
      }
      if (absl::Now() >= deadline_) {
        return absl::UnavailableError(
            StrCat("the running server (pid ", pid_file->pid, ", status '", pid_file->status,
                   "') did not become ready within ",
                   absl::FormatDuration(options_.startup_timeout), Where()));
      }
      absl::SleepFor(kPollInterval);
    }
    RETURN_IF_ERROR(StopServer(user(), pg_.pg_ctl_, pg_.pgdata_));
    return false;
  }

  absl::Status LaunchServer() {
    for (;;) {
      int port = options_.port;
      if (port == 0) {
        ASSIGN_OR_RETURN(port, PickFreePort());
      }
      std::vector<std::string> argv = {StrCat(bin_dir_, "/postgres"),
                                       "-D",
                                       pg_.pgdata_,
                                       "-c",
                                       "listen_addresses=127.0.0.1",
                                       "-c",
                                       StrCat("port=", port),
                                       "-c",
                                       StrCat("unix_socket_directories=\"", pg_.socket_dir_, "\""),
                                       "-c",
                                       "unix_socket_permissions=0700"};
      if (options_.fast_unsafe) {
        for (const char* setting :
             {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
          argv.emplace_back("-c");
          argv.emplace_back(setting);
        }
      }
      off_t log_start = lseek(log_fd_, 0, SEEK_END);
      embedded_internal::DaemonOptions daemon;
      daemon.log_fd = log_fd_;
      daemon.die_with_parent = options_.stop_with_owner;
      daemon.death_signal = SIGQUIT;  // PostgreSQL's immediate shutdown.
      ASSIGN_OR_RETURN(pid_t pid, embedded_internal::SpawnDaemon(argv, user(), daemon));
      ASSIGN_OR_RETURN(StartupOutcome outcome, AwaitReady(pid, port, log_start, argv[0]));
      if (outcome == StartupOutcome::kReady) {
        pg_.port_ = port;
        pg_.server_pid_ = pid;
        pg_.server_is_child_ = true;
        return absl::OkStatus();
      }
      // A retryable failure: wait a little, then try again (a new port if
      // the port was ours to pick).
      if (outcome == StartupOutcome::kPortTaken && options_.port != 0) {
        return absl::FailedPreconditionError(
            StrCat("port ", port, " on 127.0.0.1 is in use", Where()));
      }
      absl::SleepFor(kPollInterval);
    }
  }

  // Waits for the server `pid` to accept connections on `port`: kReady, or
  // kPortTaken / kOldServerLingering when it exited for a reason worth another
  // try before the deadline. Other failures are errors.
  absl::StatusOr<StartupOutcome> AwaitReady(pid_t pid, int port, off_t log_start,
                                            const std::string& binary) {
    for (;;) {
      int wstatus = 0;
      pid_t waited = waitpid(pid, &wstatus, WNOHANG);
      // ECHILD: someone else reaped it (SIGCHLD ignored, or a waitpid(-1)).
      const bool reaped_elsewhere =
          waited < 0 && errno == ECHILD &&
          embedded_internal::ClassifyPostmaster(pid, pg_.pgdata_) == PostmasterState::kDead;
      if (waited == pid || reaped_elsewhere) {
        std::string log = LogSince(log_start);
        StartupOutcome outcome = ClassifyStartupLog(log);
        if (outcome != StartupOutcome::kFailed && absl::Now() < deadline_) return outcome;
        ProcessResult exit;
        if (waited == pid && WIFEXITED(wstatus)) exit.exit_code = WEXITSTATUS(wstatus);
        if (waited == pid && WIFSIGNALED(wstatus)) exit.signal = WTERMSIG(wstatus);
        return absl::FailedPreconditionError(
            StrCat("server ", binary, " exited during startup with ", exit.DescribeExit(), Where(),
                   "; log: ", Tail(log)));
      }
      // Ours is ready only once its pid file says so: the server writes its
      // port there before it binds it, so while it starts, or fails to bind
      // because another process took the port after we picked it, a
      // stranger on that port may answer the ping. A "ready" server holds
      // 127.0.0.1:port itself, so the ping after that reaches it.
      absl::StatusOr<std::optional<PostmasterPid>> pid_file =
          embedded_internal::ReadPostmasterPid(pg_.pgdata_);
      if (pid_file.ok() && *pid_file && (*pid_file)->pid == pid && (*pid_file)->port == port &&
          (*pid_file)->status == "ready" && Accepts(port)) {
        return StartupOutcome::kReady;
      }
      if (absl::Now() >= deadline_) {
        kill(pid, SIGQUIT);
        waitpid(pid, &wstatus, 0);
        return absl::UnavailableError(
            StrCat("server ", binary, " did not accept connections on 127.0.0.1:", port, " within ",
                   absl::FormatDuration(options_.startup_timeout), Where(),
                   "; log: ", Tail(LogSince(log_start))));
      }
      absl::SleepFor(kPollInterval);
    }
  }

  std::string LogSince(off_t offset) const {
    std::ifstream in(StrCat(pg_.data_dir_, "/", kLogFile), std::ios::binary);
    in.seekg(offset);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
  }

 private:
  const EmbeddedPostgresOptions& options_;
  EmbeddedPostgres& pg_;
  const absl::Time deadline_;
  std::string bin_dir_;
  std::string major_version_;
  int log_fd_ = -1;
};

absl::StatusOr<std::unique_ptr<EmbeddedPostgres>> EmbeddedPostgres::Start(
    const EmbeddedPostgresOptions& options) {
  std::unique_ptr<EmbeddedPostgres> pg(new EmbeddedPostgres());
  absl::Status status = Launcher(options, *pg).Run();
  if (!status.ok()) return status;  // ~EmbeddedPostgres releases the lock.
  return pg;
}

EmbeddedPostgres::~EmbeddedPostgres() { Stop().IgnoreError(); }

absl::Status EmbeddedPostgres::Stop() {
  absl::Status status = absl::OkStatus();
  if (running_) {
    running_ = false;
    status = StopServer(*run_as_, pg_ctl_, pgdata_);
    if (server_is_child_) {
      // Reap the postmaster; if stopping failed it may still run, so do not block.
      int wstatus = 0;
      while (waitpid(server_pid_, &wstatus, status.ok() ? 0 : WNOHANG) < 0 && errno == EINTR) {
      }
    } else if (status.ok()) {
      status = AwaitServerExit(server_pid_, pgdata_);
    }
  }
  if (lock_fd_ >= 0) {
    close(lock_fd_);  // Releases the flock.
    lock_fd_ = -1;
  }
  return status;
}

std::string EmbeddedPostgres::ConnectionUrl(std::string_view database) const {
  return StrCat("postgresql://", kSuperuser, "@127.0.0.1:", port_, "/", PercentEncode(database));
}

absl::Status EmbeddedPostgres::CreateDatabase(std::string_view name) {
  if (name.empty()) return absl::InvalidArgumentError("CreateDatabase: empty database name");
  std::unique_ptr<PGconn, decltype(&PQfinish)> conn(
      PQconnectdb(ConnInfo(port_, "postgres").c_str()), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    return absl::UnavailableError(StrCat("CreateDatabase: cannot connect to ", connection_url_,
                                         ": ", Trim(PQerrorMessage(conn.get()))));
  }
  std::unique_ptr<char, decltype(&PQfreemem)> identifier(
      PQescapeIdentifier(conn.get(), name.data(), name.size()), &PQfreemem);
  if (identifier == nullptr) {
    return absl::InvalidArgumentError(
        StrCat("CreateDatabase: bad name '", name, "': ", Trim(PQerrorMessage(conn.get()))));
  }
  std::string sql = StrCat("CREATE DATABASE ", identifier.get());
  std::unique_ptr<PGresult, decltype(&PQclear)> result(PQexec(conn.get(), sql.c_str()), &PQclear);
  if (PQresultStatus(result.get()) == PGRES_COMMAND_OK) return absl::OkStatus();
  const char* sqlstate = PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
  std::string message = StrCat(sql, ": ", Trim(PQerrorMessage(conn.get())));
  if (sqlstate != nullptr && std::string_view(sqlstate) == "42P04") {  // duplicate_database
    return absl::AlreadyExistsError(message);
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) return absl::UnavailableError(message);
  return absl::InternalError(message);
}

}  // namespace stepwise::persistence
