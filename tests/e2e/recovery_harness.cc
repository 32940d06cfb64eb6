#include "tests/e2e/recovery_harness.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"

namespace stepwise::e2e {
namespace {

using testing::ChildProcess;

constexpr absl::Duration kCallTimeout = absl::Seconds(20);

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
  return context;
}

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      StrCat(what, ": ", status.error_message()));
}

// The text after `marker` in `line`, up to the first of `stops` (or the end).
std::string Field(const std::string& line, std::string_view marker, std::string_view stops) {
  const size_t at = line.find(marker);
  if (at == std::string::npos) return "";
  const size_t begin = at + marker.size();
  const size_t end = line.find_first_of(stops, begin);
  return line.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
}

bool IsTerminal(v1::HistoryEventType type) {
  return type == v1::HISTORY_EVENT_TYPE_EXECUTION_SUCCEEDED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_FAILED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_ABORTED ||
         type == v1::HISTORY_EVENT_TYPE_EXECUTION_TIMED_OUT;
}

bool ClosesTask(v1::HistoryEventType type) {
  return type == v1::HISTORY_EVENT_TYPE_TASK_SUCCEEDED ||
         type == v1::HISTORY_EVENT_TYPE_TASK_FAILED ||
         type == v1::HISTORY_EVENT_TYPE_TASK_TIMED_OUT;
}

std::string TypeName(v1::HistoryEventType type) {
  return v1::HistoryEventType_Name(type).substr(std::string("HISTORY_EVENT_TYPE_").size());
}

}  // namespace

absl::StatusOr<int> PickFreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::InternalError(StrCat("socket: ", std::strerror(errno)));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    close(fd);
    return absl::InternalError(StrCat("binding 127.0.0.1:0: ", error));
  }
  close(fd);
  return static_cast<int>(ntohs(address.sin_port));
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
  orchestrator->endpoint_ = Field(line, "serving on ", " ,");
  orchestrator->database_url_ = Field(line, "(database ", ",)");
  if (orchestrator->endpoint_.empty() || orchestrator->database_url_.empty()) {
    return absl::InternalError(StrCat("unexpected ready line: ", line));
  }
  orchestrator->states_ = v1::States::NewStub(
      grpc::CreateChannel(orchestrator->endpoint_, grpc::InsecureChannelCredentials()));
  return orchestrator;
}

OrchestratorProcess::~OrchestratorProcess() {
  if (process_ != nullptr && process_->Running()) {
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
  // The server's shutdown would otherwise wait for our idle connection.
  states_.reset();
  process_->Signal(SIGTERM);
  return process_->Wait(timeout);
}

EmbeddedPostgresReaper::~EmbeddedPostgresReaper() {
  std::ifstream in(data_dir_ + "/pgdata/postmaster.pid");
  std::string first;
  std::getline(in, first);
  int pid = 0;
  // SIGQUIT: PostgreSQL's immediate shutdown. A stale pid file names a pid
  // that is gone (kill fails) or, rarely, reused; the check that it is a
  // postgres process keeps us from signalling a stranger.
  if (!absl::SimpleAtoi(first, &pid) || pid <= 0) return;
  std::ifstream comm(StrCat("/proc/", pid, "/comm"));
  std::string name;
  std::getline(comm, name);
  if (name.rfind("postgres", 0) == 0) kill(pid, SIGQUIT);
}

absl::StatusOr<std::unique_ptr<ChildProcess>> StartExampleWorker(
    const std::string& endpoint, const std::string& identity, const std::string& dir,
    int concurrency, const std::vector<std::string>& queues) {
  std::vector<std::string> argv = {STEPWISE_EXAMPLE_WORKER_BIN,
                                   "--orchestrator",
                                   endpoint,
                                   "--identity",
                                   identity,
                                   "--concurrency",
                                   StrCat(concurrency),
                                   "--shutdown-grace-seconds",
                                   "10"};
  for (const std::string& queue : queues) {
    argv.push_back("--queue");
    argv.push_back(queue);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ChildProcess> worker,
                   ChildProcess::Start(argv, StrCat(dir, "/", identity, ".log")));
  RETURN_IF_ERROR(worker->WaitForLine("polling", kStartTimeout).status());
  return worker;
}

absl::StatusOr<int> StopWorkerAndCountSucceeded(ChildProcess& worker) {
  worker.Signal(SIGTERM);
  ASSIGN_OR_RETURN(const int code, worker.Wait(absl::Seconds(30)));
  if (code != 0) {
    return absl::InternalError(StrCat("worker exited with ", code, "; log:\n", Tail(worker.Log())));
  }
  // "worker stopped: N succeeded, ..."
  int succeeded = 0;
  const std::string count = Field(worker.Log(), "worker stopped: ", " ");
  if (!absl::SimpleAtoi(count, &succeeded)) {
    return absl::InternalError(StrCat("no 'worker stopped' line; log:\n", Tail(worker.Log())));
  }
  return succeeded;
}

absl::StatusOr<std::string> CreateMachine(v1::States::Stub& states, const std::string& name,
                                          const std::string& definition) {
  v1::CreateStateMachineRequest request;
  request.set_name(name);
  request.set_definition(definition);
  v1::CreateStateMachineResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(states.CreateStateMachine(context.get(), request, &response),
                           StrCat("CreateStateMachine ", name)));
  return response.state_machine_arn();
}

absl::StatusOr<std::string> StartExecution(v1::States::Stub& states, const std::string& machine_arn,
                                           const std::string& name, const std::string& input) {
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine_arn);
  request.set_name(name);
  request.set_input(input);
  v1::StartExecutionResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(states.StartExecution(context.get(), request, &response),
                           StrCat("StartExecution ", name)));
  return response.execution_arn();
}

absl::StatusOr<v1::DescribeExecutionResponse> DescribeExecution(v1::States::Stub& states,
                                                                const std::string& arn) {
  v1::DescribeExecutionRequest request;
  request.set_execution_arn(arn);
  v1::DescribeExecutionResponse response;
  auto context = Context();
  RETURN_IF_ERROR(FromGrpc(states.DescribeExecution(context.get(), request, &response),
                           StrCat("DescribeExecution ", arn)));
  return response;
}

absl::StatusOr<std::vector<v1::HistoryEvent>> ExecutionHistory(v1::States::Stub& states,
                                                               const std::string& arn) {
  std::vector<v1::HistoryEvent> events;
  v1::GetExecutionHistoryRequest request;
  request.set_execution_arn(arn);
  request.set_max_results(1000);
  do {
    v1::GetExecutionHistoryResponse response;
    auto context = Context();
    RETURN_IF_ERROR(FromGrpc(states.GetExecutionHistory(context.get(), request, &response),
                             StrCat("GetExecutionHistory ", arn)));
    for (v1::HistoryEvent& event : *response.mutable_events()) events.push_back(std::move(event));
    request.set_next_token(response.next_token());
  } while (!request.next_token().empty());
  return events;
}

absl::StatusOr<std::vector<std::string>> ListExecutionArns(v1::States::Stub& states,
                                                           const std::string& machine_arn) {
  std::vector<std::string> arns;
  v1::ListExecutionsRequest request;
  request.set_state_machine_arn(machine_arn);
  request.set_max_results(1000);
  do {
    v1::ListExecutionsResponse response;
    auto context = Context();
    RETURN_IF_ERROR(FromGrpc(states.ListExecutions(context.get(), request, &response),
                             StrCat("ListExecutions ", machine_arn)));
    for (const v1::ExecutionListItem& item : response.executions()) {
      arns.push_back(item.execution_arn());
    }
    request.set_next_token(response.next_token());
  } while (!request.next_token().empty());
  return arns;
}

bool AwaitTrue(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return true;
}

std::map<std::string, v1::ExecutionStatus> AwaitExecutionsEnd(v1::States::Stub& states,
                                                              const std::vector<std::string>& arns,
                                                              absl::Duration timeout) {
  std::map<std::string, v1::ExecutionStatus> statuses;
  for (const std::string& arn : arns) statuses[arn] = v1::EXECUTION_STATUS_RUNNING;
  AwaitTrue(
      [&] {
        bool all_ended = true;
        for (auto& [arn, status] : statuses) {
          if (status != v1::EXECUTION_STATUS_RUNNING) continue;
          absl::StatusOr<v1::DescribeExecutionResponse> described = DescribeExecution(states, arn);
          if (described.ok()) status = described->status();
          if (status == v1::EXECUTION_STATUS_RUNNING) all_ended = false;
        }
        return all_ended;
      },
      timeout);
  return statuses;
}

int CountEvents(const std::vector<v1::HistoryEvent>& history, v1::HistoryEventType type) {
  return static_cast<int>(std::count_if(
      history.begin(), history.end(), [&](const v1::HistoryEvent& e) { return e.type() == type; }));
}

std::vector<std::string> HistoryProblems(const std::vector<v1::HistoryEvent>& history, bool ended) {
  std::vector<std::string> problems;
  if (history.empty()) return {"the history is empty"};
  for (size_t i = 0; i < history.size(); ++i) {
    const v1::HistoryEvent& event = history[i];
    const int64_t expected_id = static_cast<int64_t>(i) + 1;
    if (event.id() != expected_id) {
      problems.push_back(StrCat("event #", expected_id, " has id ", event.id()));
      return problems;  // Everything below indexes by id.
    }
    if (i == 0 ? event.previous_event_id() != 0
               : (event.previous_event_id() < 1 || event.previous_event_id() >= event.id())) {
      problems.push_back(StrCat("event ", event.id(), " (", TypeName(event.type()),
                                ") has previousEventId ", event.previous_event_id()));
    }
  }
  if (history.front().type() != v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED) {
    problems.push_back(StrCat("the first event is ", TypeName(history.front().type())));
  }
  if (const int started = CountEvents(history, v1::HISTORY_EVENT_TYPE_EXECUTION_STARTED);
      started != 1) {
    problems.push_back(StrCat(started, " ExecutionStarted events"));
  }
  int terminal = 0;
  for (const v1::HistoryEvent& event : history) terminal += IsTerminal(event.type()) ? 1 : 0;
  if (terminal > 1 || (ended && terminal != 1)) {
    problems.push_back(StrCat(terminal, " terminal events (ExecutionSucceeded/Failed/...)"));
  }
  if (terminal == 1 && !IsTerminal(history.back().type())) {
    problems.push_back(StrCat("the terminal event is not the last; the last is ",
                              TypeName(history.back().type())));
  }

  // Task events: follow previousEventId through TaskStarted events back to
  // the TaskScheduled each one belongs to.
  std::map<int64_t, int> closers;  // TaskScheduled id -> closing events.
  for (const v1::HistoryEvent& event : history) {
    if (event.type() == v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED) closers.emplace(event.id(), 0);
  }
  for (const v1::HistoryEvent& event : history) {
    const bool closes = ClosesTask(event.type());
    if (!closes && event.type() != v1::HISTORY_EVENT_TYPE_TASK_STARTED) continue;
    int64_t at = event.previous_event_id();
    while (at >= 1 && history[at - 1].type() == v1::HISTORY_EVENT_TYPE_TASK_STARTED) {
      at = history[at - 1].previous_event_id();
    }
    if (at < 1 || history[at - 1].type() != v1::HISTORY_EVENT_TYPE_TASK_SCHEDULED) {
      problems.push_back(StrCat("event ", event.id(), " (", TypeName(event.type()),
                                ") does not follow a TaskScheduled"));
    } else if (closes) {
      ++closers[at];
    }
  }
  for (const auto& [scheduled, count] : closers) {
    if (count > 1 || (ended && count != 1)) {
      problems.push_back(StrCat("TaskScheduled ", scheduled, " is closed by ", count,
                                " TaskSucceeded/TaskFailed/TaskTimedOut events"));
    }
  }
  return problems;
}

std::vector<std::string> StateCountProblems(const std::vector<v1::HistoryEvent>& history,
                                            const std::map<std::string, int>& entered) {
  std::map<std::string, int> seen_entered;
  std::map<std::string, int> seen_exited;
  for (const v1::HistoryEvent& event : history) {
    if (event.has_state_entered_event_details()) {
      ++seen_entered[event.state_entered_event_details().name()];
    }
    if (event.has_state_exited_event_details()) {
      ++seen_exited[event.state_exited_event_details().name()];
    }
  }
  std::vector<std::string> problems;
  std::set<std::string> names;
  for (const auto& [name, count] : entered) names.insert(name);
  for (const auto& [name, count] : seen_entered) names.insert(name);
  for (const auto& [name, count] : seen_exited) names.insert(name);
  for (const std::string& name : names) {
    const auto expected = entered.find(name);
    const int want = expected == entered.end() ? 0 : expected->second;
    if (seen_entered[name] != want || seen_exited[name] != want) {
      problems.push_back(StrCat("state ", name, " entered ", seen_entered[name], " and exited ",
                                seen_exited[name], " times; expected ", want));
    }
  }
  return problems;
}

std::string HistoryText(const std::vector<v1::HistoryEvent>& history) {
  std::string text;
  for (const v1::HistoryEvent& event : history) {
    StrAppend(&text, event.id(), " <- ", event.previous_event_id(), " ", TypeName(event.type()));
    if (event.has_state_entered_event_details()) {
      StrAppend(&text, " ", event.state_entered_event_details().name());
    } else if (event.has_state_exited_event_details()) {
      StrAppend(&text, " ", event.state_exited_event_details().name());
    } else if (event.has_task_timed_out_event_details()) {
      StrAppend(&text, " ", event.task_timed_out_event_details().error());
    } else if (event.has_task_failed_event_details()) {
      StrAppend(&text, " ", event.task_failed_event_details().error());
    }
    text += "\n";
  }
  return text;
}

PhaseLog::PhaseLog() : start_(absl::Now()) {}

void PhaseLog::Mark(const std::string& what) {
  std::cerr << "[+"
            << absl::FormatDuration(absl::Trunc(absl::Now() - start_, absl::Milliseconds(1)))
            << "] " << what << "\n";
}

std::string Tail(const std::string& text, size_t max) {
  return text.size() <= max ? text : "..." + text.substr(text.size() - max);
}

}  // namespace stepwise::e2e
