#include "tests/e2e/orchestrator_process.h"

#include <signal.h>

#include <fstream>

#include "absl/strings/numbers.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace stepwise::e2e {

using testing::ChildProcess;

std::string FieldAfter(const std::string& text, std::string_view marker, std::string_view stops) {
  const size_t at = text.find(marker);
  if (at == std::string::npos) return "";
  const size_t begin = at + marker.size();
  const size_t end = text.find_first_of(stops, begin);
  return text.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

std::string EndpointInReadyLine(const std::string& line) {
  return FieldAfter(line, "serving on ", " ,");
}

absl::StatusOr<std::unique_ptr<OrchestratorProcess>> OrchestratorProcess::Start(
    int port, const std::vector<std::string>& flags, const std::string& log_path) {
  std::vector<std::string> argv = {STEPWISE_ORCHESTRATOR_BIN, "--listen",
                                   StrCat("127.0.0.1:", port)};
  argv.insert(argv.end(), flags.begin(), flags.end());
  std::unique_ptr<OrchestratorProcess> orchestrator(new OrchestratorProcess());
  ASSIGN_OR_RETURN(orchestrator->process_, ChildProcess::Start(argv, log_path));
  ASSIGN_OR_RETURN(const std::string line,
                   orchestrator->process_->WaitForLine("serving on", kStartTimeout));
  // "stepwise-orchestrator: serving on HOST:PORT (database URL[, embedded under DIR])"
  orchestrator->endpoint_ = EndpointInReadyLine(line);
  orchestrator->database_url_ = FieldAfter(line, "(database ", ",)");
  if (orchestrator->endpoint_.empty() || orchestrator->database_url_.empty()) {
    return absl::InternalError(StrCat("unexpected ready line: ", line));
  }
  orchestrator->states_ = v1::States::NewStub(
      grpc::CreateChannel(orchestrator->endpoint_, grpc::InsecureChannelCredentials()));
  return orchestrator;
}

OrchestratorProcess::~OrchestratorProcess() {
  if (process_ != nullptr && process_->Running()) {
    CloseClient();
    // A clean stop also stops an embedded PostgreSQL; the ChildProcess
    // destructor kills it if that takes too long.
    process_->Signal(SIGTERM);
    (void)process_->Wait(absl::Seconds(20));
  }
}

absl::Status OrchestratorProcess::Kill() {
  process_->Signal(SIGKILL);
  return process_->Wait(absl::Seconds(10)).status();
}

absl::StatusOr<int> OrchestratorProcess::Terminate(absl::Duration timeout) {
  CloseClient();
  process_->Signal(SIGTERM);
  return process_->Wait(timeout);
}

pid_t EmbeddedPostmasterPid(const std::string& data_dir) {
  std::ifstream in(data_dir + "/pgdata/postmaster.pid");
  std::string first;
  std::getline(in, first);
  int pid = 0;
  return absl::SimpleAtoi(first, &pid) && pid > 0 ? pid : 0;
}

EmbeddedPostgresReaper::~EmbeddedPostgresReaper() {
  // SIGQUIT: PostgreSQL's immediate shutdown. A stale pid file names a pid
  // that is gone (kill fails) or, rarely, reused; the check that it is a
  // postgres process keeps us from signalling a stranger.
  const pid_t pid = EmbeddedPostmasterPid(data_dir_);
  if (pid == 0) return;
  std::ifstream comm(StrCat("/proc/", pid, "/comm"));
  std::string name;
  std::getline(comm, name);
  if (name.rfind("postgres", 0) == 0) kill(pid, SIGQUIT);
}

}  // namespace stepwise::e2e
