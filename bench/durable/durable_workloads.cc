#include "bench/durable/durable_workloads.h"

#include <cstdlib>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "bench/durable/bench_database.h"
#include "bench/durable/closed_loop.h"
#include "boost/json.hpp"
#include "common/status_macros.h"
#include "common/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "stepwise/v1/states.grpc.pb.h"
#include "worker/sdk/worker.h"

namespace stepwise::bench {
namespace {

namespace json = boost::json;

constexpr absl::Duration kCallTimeout = absl::Seconds(60);
constexpr char kTaskQueue[] = "BenchNoop";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(StrCat("cannot read ", path));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::Status FromGrpc(const grpc::Status& status, std::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      StrCat(what, ": ", status.error_message()));
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(absl::ToChronoTime(absl::Now() + kCallTimeout));
}

absl::StatusOr<std::string> CreateMachine(v1::States::Stub& states, const std::string& name,
                                          const std::string& definition,
                                          v1::StateMachineType type) {
  v1::CreateStateMachineRequest request;
  request.set_name(name);
  request.set_definition(definition);
  request.set_type(type);
  v1::CreateStateMachineResponse response;
  grpc::ClientContext context;
  SetDeadline(context);
  grpc::Status status = states.CreateStateMachine(&context, request, &response);
  if (!status.ok()) return FromGrpc(status, StrCat("CreateStateMachine ", name));
  return response.state_machine_arn();
}

// The next transaction id to be assigned: the difference over a run counts
// the transactions that wrote something.
absl::StatusOr<int64_t> NextXid(PgConnection& db) {
  ASSIGN_OR_RETURN(PgRows rows, db.Query("SELECT pg_snapshot_xmax(pg_current_snapshot())::text"));
  return std::atoll(rows.at(0).at(0).c_str());
}

// Checks every execution of the machine in the database (all SUCCEEDED,
// every task completed, as many as the clients ran) and fills the per
// execution figures. Returns the outputs seen (distinct) for the caller.
absl::StatusOr<std::vector<std::string>> CheckDatabase(PgConnection& db,
                                                       const std::string& machine_arn,
                                                       int64_t expected_executions,
                                                       WorkloadResult& result) {
  const std::vector<std::string> arn = {machine_arn};
  ASSIGN_OR_RETURN(PgRows executions,
                   db.Query("SELECT status, count(*), sum(version), "
                            "  avg(length(state_document))::bigint "
                            "FROM executions WHERE state_machine_arn = $1 GROUP BY status",
                            arn));
  if (executions.size() != 1 || executions[0][0] != "SUCCEEDED") {
    std::string seen;
    for (const auto& row : executions) StrAppend(&seen, " ", row[0], "=", row[1]);
    return absl::InternalError(
        StrCat(result.name, ": executions in the database are not all SUCCEEDED:", seen));
  }
  const int64_t count = std::atoll(executions[0][1].c_str());
  if (count != expected_executions) {
    return absl::InternalError(StrCat(result.name, ": the clients ran ", expected_executions,
                                      " executions, the database has ", count));
  }
  result.commits_per_execution =
      std::strtod(executions[0][2].c_str(), nullptr) / static_cast<double>(count);
  result.document_bytes = std::atoll(executions[0][3].c_str());

  ASSIGN_OR_RETURN(PgRows history,
                   db.Query("SELECT count(*) FILTER (WHERE h.type LIKE '%StateEntered'), "
                            "  avg(length(h.event))::bigint "
                            "FROM history_events h JOIN executions e USING (execution_arn) "
                            "WHERE e.state_machine_arn = $1",
                            arn));
  result.transitions_per_execution =
      std::strtod(history[0][0].c_str(), nullptr) / static_cast<double>(count);
  result.event_bytes = std::atoll(history[0][1].c_str());

  ASSIGN_OR_RETURN(PgRows tasks, db.Query("SELECT count(*) FILTER (WHERE t.status <> 'COMPLETED'), "
                                          "  coalesce(avg(length(t.payload))::bigint, 0) "
                                          "FROM tasks t JOIN executions e USING (execution_arn) "
                                          "WHERE e.state_machine_arn = $1",
                                          arn));
  if (tasks[0][0] != "0") {
    return absl::InternalError(StrCat(result.name, ": ", tasks[0][0], " tasks are not COMPLETED"));
  }
  result.payload_bytes = std::atoll(tasks[0][1].c_str());

  ASSIGN_OR_RETURN(PgRows outputs,
                   db.Query("SELECT DISTINCT output FROM executions WHERE state_machine_arn = $1 "
                            "LIMIT 2",
                            arn));
  std::vector<std::string> distinct;
  for (const auto& row : outputs) distinct.push_back(row[0]);
  return distinct;
}

// Workers of the worker SDK serving kTaskQueue with one handler, each
// running on its own thread until Stop() (or destruction).
class WorkerFleet {
 public:
  WorkerFleet(const WorkloadOptions& options, const worker::Handler& handler) {
    for (int i = 0; i < options.workers; ++i) {
      worker::WorkerOptions worker_options;
      worker_options.endpoint = options.endpoint;
      worker_options.identity = StrCat("bench-noop-", i);
      worker_options.concurrency = options.worker_concurrency;
      worker_options.shutdown_grace = absl::Seconds(10);
      workers_.push_back(std::make_unique<worker::Worker>(worker_options));
      workers_.back()->Register(kTaskQueue, handler);
    }
    status_.resize(workers_.size());
    for (size_t i = 0; i < workers_.size(); ++i) {
      threads_.emplace_back([this, i] { status_[i] = workers_[i]->Run(); });
    }
  }
  ~WorkerFleet() { Stop().IgnoreError(); }
  WorkerFleet(const WorkerFleet&) = delete;
  WorkerFleet& operator=(const WorkerFleet&) = delete;

  // Shuts every worker down and returns the first error a Run returned.
  absl::Status Stop() {
    for (auto& w : workers_) w->Shutdown();
    for (std::thread& t : threads_) t.join();
    threads_.clear();
    for (const absl::Status& s : status_) {
      if (!s.ok()) return absl::Status(s.code(), StrCat("a worker: ", std::string(s.message())));
    }
    return absl::OkStatus();
  }

 private:
  std::vector<std::unique_ptr<worker::Worker>> workers_;
  std::vector<std::thread> threads_;
  std::vector<absl::Status> status_;
};

void FillRate(const ClosedLoopResult& loop, WorkloadResult& result) {
  result.executions_per_second = loop.rate();
  result.measured = loop.measured;
  result.window_seconds = absl::ToDoubleSeconds(loop.window_end - loop.window_start);
  result.executions = loop.total;
}

}  // namespace

absl::StatusOr<WorkloadResult> RunPassChain(const WorkloadOptions& options) {
  WorkloadResult result;
  result.name = "pass_chain_5";
  ASSIGN_OR_RETURN(std::string definition,
                   ReadFile(options.root + "/bench/workloads/pass_chain_5.asl.json"));
  ASSIGN_OR_RETURN(std::string cases,
                   ReadFile(options.root + "/bench/workloads/pass_chain_5.cases.json"));
  const json::value first_case = json::parse(cases).as_array().at(0);
  const std::string input = json::serialize(first_case.at("input"));
  const json::value expected = first_case.at("output");

  auto states = v1::States::NewStub(
      grpc::CreateChannel(options.endpoint, grpc::InsecureChannelCredentials()));
  ASSIGN_OR_RETURN(std::string machine, CreateMachine(*states, "bench-pass-chain-5", definition,
                                                      v1::STATE_MACHINE_TYPE_STANDARD));
  ASSIGN_OR_RETURN(PgConnection db, PgConnection::Connect(options.database_url));
  ASSIGN_OR_RETURN(int64_t xid_before, NextXid(db));

  CpuSample cpu_before;
  ASSIGN_OR_RETURN(
      ClosedLoopResult loop,
      RunClosedLoop(
          options.clients, options.warmup, options.window,
          [&](int client, int64_t n) -> absl::Status {
            v1::StartExecutionRequest request;
            request.set_state_machine_arn(machine);
            request.set_name(StrCat("c", client, "-", n));
            request.set_input(input);
            v1::StartExecutionResponse response;
            grpc::ClientContext context;
            SetDeadline(context);
            grpc::Status status = states->StartExecution(&context, request, &response);
            return status.ok() ? absl::OkStatus() : FromGrpc(status, "StartExecution");
          },
          [&] { cpu_before = TakeCpuSample(options.postmaster); },
          [&] { result.cpu = CpuUse::Between(cpu_before, TakeCpuSample(options.postmaster)); }));
  ASSIGN_OR_RETURN(int64_t xid_after, NextXid(db));
  FillRate(loop, result);
  result.write_transactions_per_execution =
      static_cast<double>(xid_after - xid_before) / static_cast<double>(loop.total);

  ASSIGN_OR_RETURN(std::vector<std::string> outputs,
                   CheckDatabase(db, machine, loop.total, result));
  if (outputs.size() != 1 || json::parse(outputs[0]) != expected) {
    return absl::InternalError(StrCat("pass_chain_5: outputs differ from the expected ",
                                      json::serialize(expected), ": ",
                                      outputs.empty() ? "(none)" : outputs[0]));
  }
  return result;
}

absl::StatusOr<WorkloadResult> RunTasks(const WorkloadOptions& options) {
  WorkloadResult result;
  result.name = "tasks_3";
  ASSIGN_OR_RETURN(std::string definition,
                   ReadFile(options.root + "/bench/workloads/tasks_3.asl.json"));
  auto states = v1::States::NewStub(
      grpc::CreateChannel(options.endpoint, grpc::InsecureChannelCredentials()));
  ASSIGN_OR_RETURN(std::string machine, CreateMachine(*states, "bench-tasks-3", definition,
                                                      v1::STATE_MACHINE_TYPE_EXPRESS));
  ASSIGN_OR_RETURN(PgConnection db, PgConnection::Connect(options.database_url));

  // The no-op worker fleet: echo the input, note when it arrived.
  ReceiptLog receipts;
  WorkerFleet fleet(options, [&receipts](const worker::Task& task) -> json::value {
    receipts.Record(task.execution_arn, task.state_name);
    return task.input;
  });

  ASSIGN_OR_RETURN(int64_t xid_before, NextXid(db));
  CpuSample cpu_before;
  absl::StatusOr<ClosedLoopResult> loop = RunClosedLoop(
      options.clients, options.warmup, options.window,
      [&](int client, int64_t n) -> absl::Status {
        const json::value input = {
            {"client", client}, {"n", n}, {"items", json::array{"apple", "pear"}}};
        v1::StartSyncExecutionRequest request;
        request.set_state_machine_arn(machine);
        request.set_name(StrCat("c", client, "-", n));
        request.set_input(json::serialize(input));
        v1::StartSyncExecutionResponse response;
        grpc::ClientContext context;
        SetDeadline(context);
        grpc::Status status = states->StartSyncExecution(&context, request, &response);
        if (!status.ok()) return FromGrpc(status, "StartSyncExecution");
        if (response.status() != v1::SYNC_EXECUTION_STATUS_SUCCEEDED) {
          return absl::InternalError(StrCat("execution ", response.execution_arn(), " ended ",
                                            v1::SyncExecutionStatus_Name(response.status()), " (",
                                            response.error(), ": ", response.cause(), ")"));
        }
        json::error_code ec;
        json::value output = json::parse(response.output(), ec);
        if (ec || output != input) {
          return absl::InternalError(StrCat("execution ", response.execution_arn(), " returned ",
                                            response.output(), ", not its input ",
                                            request.input()));
        }
        return absl::OkStatus();
      },
      [&] { cpu_before = TakeCpuSample(options.postmaster); },
      [&] { result.cpu = CpuUse::Between(cpu_before, TakeCpuSample(options.postmaster)); });
  RETURN_IF_ERROR(fleet.Stop());
  if (!loop.ok()) return loop.status();
  ASSIGN_OR_RETURN(int64_t xid_after, NextXid(db));
  FillRate(*loop, result);
  result.write_transactions_per_execution =
      static_cast<double>(xid_after - xid_before) / static_cast<double>(loop->total);
  RETURN_IF_ERROR(CheckDatabase(db, machine, loop->total, result).status());
  ASSIGN_OR_RETURN(result.latency,
                   MeasureDispatchLatency(db, machine, {"T1", "T2", "T3"}, receipts.Take(),
                                          options.commit_log != nullptr
                                              ? options.commit_log->Take()
                                              : absl::flat_hash_map<std::string, absl::Time>(),
                                          loop->window_start, loop->window_end));
  return result;
}

}  // namespace stepwise::bench
