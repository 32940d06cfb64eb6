// stepwise-orchestrator as a real process with its embedded PostgreSQL:
// it starts from nothing, survives kill -9 (the next start takes over the
// PostgreSQL it left running), keeps every execution, and stops cleanly on
// SIGTERM without leaving a process behind.
#include <signal.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "tests/testing/child_process.h"
#include "tests/testing/postgres_fixture.h"

namespace stepwise {
namespace {

using testing::ChildProcess;

constexpr char kWaitingMachine[] = R"({"StartAt":"Hold","States":{
  "Hold":{"Type":"Wait","Seconds":100000,"End":true}}})";

// One orchestrator process on `data_dir`, and a States client for it.
class Orchestrator {
 public:
  Orchestrator(const std::string& data_dir, std::string name)
      : data_dir_(data_dir), name_(std::move(name)) {}

  void Start() {
    absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
        {STEPWISE_ORCHESTRATOR_BIN, "--listen", "127.0.0.1:0", "--data-dir", data_dir_ + "/db"},
        StrCat(data_dir_, "/", name_, ".log"));
    ASSERT_TRUE(process.ok()) << process.status();
    process_ = *std::move(process);
    absl::StatusOr<std::string> line = process_->WaitForLine("serving on", absl::Seconds(90));
    ASSERT_TRUE(line.ok()) << line.status();
    // "stepwise-orchestrator: serving on 127.0.0.1:PORT (...)"
    const size_t at = line->find("serving on ") + std::string("serving on ").size();
    endpoint_ = line->substr(at, line->find(' ', at) - at);
    stub_ = v1::States::NewStub(grpc::CreateChannel(endpoint_, grpc::InsecureChannelCredentials()));
  }

  ChildProcess& process() { return *process_; }
  v1::States::Stub& states() { return *stub_; }

  // The embedded server's postmaster pid, from its pid file.
  pid_t PostmasterPid() const {
    std::ifstream in(data_dir_ + "/db/pgdata/postmaster.pid");
    std::string first;
    std::getline(in, first);
    int pid = 0;
    return absl::SimpleAtoi(first, &pid) ? pid : 0;
  }

 private:
  std::string data_dir_;
  std::string
      name_;  // Names the log: each process has its own, so WaitForLine sees only its lines.
  std::string endpoint_;
  std::unique_ptr<ChildProcess> process_;
  std::unique_ptr<v1::States::Stub> stub_;
};

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  return context;
}

// A zombie counts as gone: a postmaster orphaned by kill -9 of its parent
// is reaped by whatever init the machine (or container) has, maybe never.
bool ProcessAlive(pid_t pid) {
  if (pid <= 0 || kill(pid, 0) != 0) return false;
  std::ifstream stat(StrCat("/proc/", pid, "/stat"));
  std::string pid_field, command, state;
  stat >> pid_field >> command >> state;
  return state != "Z";
}

std::string CreateMachine(v1::States::Stub& states, const std::string& name,
                          const std::string& definition) {
  v1::CreateStateMachineRequest request;
  request.set_name(name);
  request.set_definition(definition);
  v1::CreateStateMachineResponse response;
  auto context = Context();
  grpc::Status status = states.CreateStateMachine(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.state_machine_arn();
}

std::string StartExecution(v1::States::Stub& states, const std::string& machine,
                           const std::string& name) {
  v1::StartExecutionRequest request;
  request.set_state_machine_arn(machine);
  request.set_name(name);
  request.set_input(R"({"n":1})");
  v1::StartExecutionResponse response;
  auto context = Context();
  grpc::Status status = states.StartExecution(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response.execution_arn();
}

v1::DescribeExecutionResponse Describe(v1::States::Stub& states, const std::string& arn) {
  v1::DescribeExecutionRequest request;
  request.set_execution_arn(arn);
  v1::DescribeExecutionResponse response;
  auto context = Context();
  grpc::Status status = states.DescribeExecution(context.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

TEST(OrchestratorProcessTest, StartsFromNothingAndStopsCleanlyOnSigterm) {
  testing::ScopedTempDir dir("stepwise-e2e");
  Orchestrator orchestrator(dir.path(), "orchestrator");
  ASSERT_NO_FATAL_FAILURE(orchestrator.Start());
  const pid_t postmaster = orchestrator.PostmasterPid();
  EXPECT_TRUE(ProcessAlive(postmaster));

  const std::string machine =
      CreateMachine(orchestrator.states(), "pass",
                    R"({"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}})");
  const std::string execution = StartExecution(orchestrator.states(), machine, "first");
  EXPECT_EQ(Describe(orchestrator.states(), execution).status(), v1::EXECUTION_STATUS_SUCCEEDED);

  orchestrator.process().Signal(SIGTERM);
  absl::StatusOr<int> code = orchestrator.process().Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0) << orchestrator.process().Log();
  EXPECT_FALSE(ProcessAlive(postmaster)) << "the embedded PostgreSQL outlived the orchestrator";
}

TEST(OrchestratorProcessTest, RestartsAfterKill9AndKeepsItsExecutions) {
  testing::ScopedTempDir dir("stepwise-e2e");
  std::string execution;
  {
    Orchestrator first(dir.path(), "first");
    ASSERT_NO_FATAL_FAILURE(first.Start());
    const std::string machine = CreateMachine(first.states(), "hold", kWaitingMachine);
    execution = StartExecution(first.states(), machine, "long");
    first.process().Signal(SIGKILL);
    ASSERT_TRUE(first.process().Wait(absl::Seconds(10)).ok());
  }
  Orchestrator second(dir.path(), "second");
  ASSERT_NO_FATAL_FAILURE(second.Start());
  const v1::DescribeExecutionResponse described = Describe(second.states(), execution);
  EXPECT_EQ(described.status(), v1::EXECUTION_STATUS_RUNNING);
  EXPECT_EQ(described.input(), R"({"n":1})");

  // Starting the same name again is idempotent, as before the crash.
  v1::StartExecutionRequest again;
  again.set_state_machine_arn(described.state_machine_arn());
  again.set_name("long");
  again.set_input(R"({"n":1})");
  v1::StartExecutionResponse response;
  auto context = Context();
  ASSERT_TRUE(second.states().StartExecution(context.get(), again, &response).ok());
  EXPECT_EQ(response.execution_arn(), execution);

  const pid_t postmaster = second.PostmasterPid();
  second.process().Signal(SIGTERM);
  absl::StatusOr<int> code = second.process().Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok()) << code.status();
  EXPECT_EQ(*code, 0);
  EXPECT_FALSE(ProcessAlive(postmaster));
}

TEST(OrchestratorProcessTest, ExplainsABadFlagAndExitsNonZero) {
  testing::ScopedTempDir dir("stepwise-e2e");
  absl::StatusOr<std::unique_ptr<ChildProcess>> process = ChildProcess::Start(
      {STEPWISE_ORCHESTRATOR_BIN, "--listen", "no-port-here"}, dir.path() + "/log");
  ASSERT_TRUE(process.ok());
  absl::StatusOr<int> code = (*process)->Wait(absl::Seconds(30));
  ASSERT_TRUE(code.ok());
  EXPECT_NE(*code, 0);
  EXPECT_NE((*process)->Log().find("HOST:PORT"), std::string::npos) << (*process)->Log();
}

}  // namespace
}  // namespace stepwise
