// ChildProcess: a program under test run as a real process (e2e tests): its
// stdout and stderr go to a log file the test can wait on, and it never
// outlives the test (SIGKILL when the test process dies, and on destruction).
// Also log tails for failure messages; free_port.h (included) gives such a
// program a port.
//
//   ASSIGN_OR_RETURN(auto orchestrator,
//                    ChildProcess::Start({kOrchestratorBin, "--listen", "127.0.0.1:0"}, log_path));
//   ASSIGN_OR_RETURN(std::string line,
//                    orchestrator->WaitForLine("serving on", absl::Seconds(30)));
//   orchestrator->Signal(SIGTERM);
//   ASSIGN_OR_RETURN(int code, orchestrator->Wait(absl::Seconds(10)));
//   EXPECT_EQ(code, 0) << Tail(orchestrator->Log());
#ifndef STEPWISE_TESTS_TESTING_CHILD_PROCESS_H_
#define STEPWISE_TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/free_port.h"  // PickFreePort, for the programs started here.

namespace stepwise::testing {

class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`, stdin from /dev/null, stdout and
  // stderr appended to `log_path`, and `env` (NAME=VALUE) added to ours.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      const std::vector<std::string>& argv, const std::string& log_path,
      const std::vector<std::string>& env = {});

  ~ChildProcess();  // SIGKILL and reap when still running.
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_path_; }
  // The whole log so far.
  std::string Log() const;

  // Waits until a line of the log contains `text` and returns that line.
  // kDeadlineExceeded (with the log's tail) when it does not appear in time,
  // kAborted when the process exits first.
  absl::StatusOr<std::string> WaitForLine(std::string_view text, absl::Duration timeout);

  void Signal(int signal_number);
  // Waits for the exit; returns the exit code, or 128+signal when killed.
  // kDeadlineExceeded when it is still running after `timeout`.
  absl::StatusOr<int> Wait(absl::Duration timeout);
  bool Running();

 private:
  ChildProcess(pid_t pid, std::string log_path) : pid_(pid), log_path_(std::move(log_path)) {}

  pid_t pid_;
  std::string log_path_;
  std::optional<int> exit_code_;
};

// The last `max` characters of `text` (a log), "..."-prefixed when cut, for
// failure messages.
std::string Tail(const std::string& text, size_t max = 3000);

}  // namespace stepwise::testing

#endif  // STEPWISE_TESTS_TESTING_CHILD_PROCESS_H_
