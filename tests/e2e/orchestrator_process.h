// stepwise-orchestrator as a real process for e2e tests: started on a port
// (a fixed one, so that a restarted orchestrator is found again by workers
// that were talking to the one that died, or 0 for any), ready once it
// prints its "serving on" line, with a States client; stopped with kill -9
// or SIGTERM, and never left running (nor its embedded PostgreSQL) by a
// failing test. Also what the tests of other processes share: the fields
// of ready lines.
//
//   ASSIGN_OR_RETURN(int port, PickFreePort());
//   EmbeddedPostgresReaper reaper(data_dir);  // Outlives the orchestrators.
//   ASSIGN_OR_RETURN(std::unique_ptr<OrchestratorProcess> orchestrator,
//                    OrchestratorProcess::Start(port, {"--data-dir", data_dir}, log_path));
//   ... orchestrator->states() ...
//   RETURN_IF_ERROR(orchestrator->Kill());  // kill -9
//   ADD_FAILURE() << Tail(orchestrator->process().Log());
//
// The binary's path comes from the compile definition STEPWISE_ORCHESTRATOR_BIN.
#ifndef STEPWISE_TESTS_E2E_ORCHESTRATOR_PROCESS_H_
#define STEPWISE_TESTS_E2E_ORCHESTRATOR_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/testing/child_process.h"

namespace stepwise::e2e {

// How long a process may take to print its ready line. Generous: a loaded
// 2-core machine runs these tests next to builds.
inline constexpr absl::Duration kStartTimeout = absl::Seconds(60);

// For the e2e tests, which pick the orchestrator's port and read its log.
using ::stepwise::PickFreePort;
using ::stepwise::testing::Tail;

// The text after the first `marker` in `text` (a ready line, a log) up to
// the first character of `stops` (or the end); empty when `marker` is not
// in `text`.
std::string FieldAfter(const std::string& text, std::string_view marker, std::string_view stops);
// The "HOST:PORT" after "serving on " in a ready line.
std::string EndpointInReadyLine(const std::string& line);

// One stepwise-orchestrator process and a States client for it.
class OrchestratorProcess {
 public:
  // Starts it with `--listen 127.0.0.1:<port>` (0: any free port) followed
  // by `flags`, its output appended to `log_path`, and returns once it
  // prints its "serving on" line. kDeadlineExceeded or kAborted (with the
  // log's tail) when it does not get there within kStartTimeout.
  static absl::StatusOr<std::unique_ptr<OrchestratorProcess>> Start(
      int port, const std::vector<std::string>& flags, const std::string& log_path);

  // When still running: closes states(), SIGTERM with a grace period, then
  // SIGKILL.
  ~OrchestratorProcess();
  OrchestratorProcess(const OrchestratorProcess&) = delete;
  OrchestratorProcess& operator=(const OrchestratorProcess&) = delete;

  testing::ChildProcess& process() { return *process_; }
  // "127.0.0.1:PORT".
  const std::string& endpoint() const { return endpoint_; }
  // The database URL from the ready line (the embedded server's with --data-dir).
  const std::string& database_url() const { return database_url_; }
  // Not after CloseClient() or Terminate().
  v1::States::Stub& states() { return *states_; }

  // Closes states(): the server's shutdown would otherwise wait until this
  // idle client reads its GOAWAY (seconds).
  void CloseClient() { states_.reset(); }
  // kill -9, then reaps it.
  absl::Status Kill();
  // CloseClient(), then SIGTERM; returns the exit code.
  absl::StatusOr<int> Terminate(absl::Duration timeout = absl::Seconds(30));

 private:
  OrchestratorProcess() = default;

  std::unique_ptr<testing::ChildProcess> process_;
  std::string endpoint_;
  std::string database_url_;
  std::unique_ptr<v1::States::Stub> states_;
};

// The pid in the postmaster.pid file of the embedded PostgreSQL that an
// orchestrator started with `--data-dir data_dir` runs (0 when there is no
// such file). The file outlives a killed server: check the process.
pid_t EmbeddedPostmasterPid(const std::string& data_dir);

// Destroy after the orchestrator that owns `data_dir`'s embedded PostgreSQL:
// when that server still runs (its orchestrator was killed, e.g. by a failing
// test), it gets an immediate shutdown, so no test leaves one behind.
class EmbeddedPostgresReaper {
 public:
  explicit EmbeddedPostgresReaper(std::string data_dir) : data_dir_(std::move(data_dir)) {}
  ~EmbeddedPostgresReaper();
  EmbeddedPostgresReaper(const EmbeddedPostgresReaper&) = delete;
  EmbeddedPostgresReaper& operator=(const EmbeddedPostgresReaper&) = delete;

 private:
  std::string data_dir_;
};

}  // namespace stepwise::e2e

#endif  // STEPWISE_TESTS_E2E_ORCHESTRATOR_PROCESS_H_
