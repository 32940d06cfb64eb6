// durable_bench: Stepwise's durable throughput, dispatch latency and idle
// long-poll memory, each against a baseline measured in the same run
// (bench/README.md, "Durable benchmarks"; scripts/bench-durable runs it):
//
//   durable_bench [--seconds S] [--clients N] [--polls N] [--smoke] ...
//   ...
//   RESULT workload=durable_tasks_3_commits stepwise=812.4 baseline=1530.2 ratio=0.53
//   unit=commits/s
//
// One embedded PostgreSQL with PostgreSQL's default durability (fsync and
// synchronous_commit on; track_commit_timestamp on for the latency) serves:
//   1. an in-process orchestrator (OrchestratorServer) driven over gRPC by
//      `clients` closed-loop clients: pass_chain_5, then tasks_3 with an
//      in-process worker fleet and the dispatch latency (durable_workloads.h);
//   2. pgbench with as many clients, each transaction the write of one engine
//      step (step_commit.pgbench), row sizes as measured on tasks_3;
//   3. a stepwise-orchestrator child process holding `polls` idle long polls
//      (idle_polls.h).
// --smoke: fsync off, a few clients and polls, a fraction of a second per
// measure; checks that everything runs and every result is right (exit code
// 1 otherwise), the numbers mean nothing.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "bench/durable/bench_database.h"
#include "bench/durable/cpu_accounting.h"
#include "bench/durable/durable_workloads.h"
#include "bench/durable/idle_polls.h"
#include "bench/durable/pgbench_baseline.h"
#include "common/str_cat.h"
#include "orchestrator/server/orchestrator_server.h"
#include "persistence/postgres/postgres_store.h"

#ifndef STEPWISE_SOURCE_DIR
#define STEPWISE_SOURCE_DIR "."
#endif
#ifndef STEPWISE_ORCHESTRATOR_BIN
#define STEPWISE_ORCHESTRATOR_BIN "stepwise-orchestrator"
#endif

namespace stepwise::bench {
namespace {

// The run's PostgreSQL, owned here so that Die() stops it and removes its
// directory too (std::exit runs no destructors of locals).
std::unique_ptr<BenchDatabase>& Database() {
  static auto* database = new std::unique_ptr<BenchDatabase>();
  return *database;
}

[[noreturn]] void Die(std::string_view message) {
  std::cerr << "durable_bench: " << message << std::endl;
  Database().reset();
  std::exit(1);
}

// The last `bytes` of a file (a log), or "" when it cannot be read.
std::string Tail(const std::string& path, size_t bytes) {
  std::string text;
  if (FILE* f = std::fopen(path.c_str(), "r")) {
    char buffer[4096];
    size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) text.append(buffer, n);
    std::fclose(f);
  }
  return text.size() > bytes ? text.substr(text.size() - bytes) : text;
}

template <typename T>
T OrDie(absl::StatusOr<T> value, std::string_view what) {
  if (!value.ok()) Die(StrCat(what, ": ", value.status().ToString()));
  return *std::move(value);
}

std::string Fixed(double value, int digits) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, value);
  return buffer;
}

// Sends this process's stderr to a file while alive: the worker SDK logs a
// line per task, thousands per second here.
class StderrToFile {
 public:
  explicit StderrToFile(const std::string& path) {
    std::fflush(stderr);
    saved_ = dup(STDERR_FILENO);
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
  }
  ~StderrToFile() {
    std::fflush(stderr);
    if (saved_ >= 0) {
      dup2(saved_, STDERR_FILENO);
      close(saved_);
    }
  }
  StderrToFile(const StderrToFile&) = delete;
  StderrToFile& operator=(const StderrToFile&) = delete;

 private:
  int saved_ = -1;
};

struct Flags {
  double seconds = 5;
  int clients = 64;
  int workers = 4;
  int worker_concurrency = 0;  // 0: twice the clients, spread over the workers.
  int polls = 10'000;
  int poll_connections = 100;
  int max_connections = 0;   // 0: the orchestrator's default (DefaultMaxConnections).
  int max_commit_batch = 0;  // 0: the orchestrator's default.
  int grpc_pollers = 0;      // 0: the orchestrator's default (max_grpc_pollers).
  bool smoke = false;
  bool only_idle_polls = false;
  bool log_statements = false;
  std::string root = STEPWISE_SOURCE_DIR;
  std::string orchestrator_bin = STEPWISE_ORCHESTRATOR_BIN;
  std::string pgbench;
};

constexpr char kUsage[] =
    "usage: durable_bench [--seconds S] [--clients N] [--workers N] [--worker-concurrency N]\n"
    "                     [--polls N] [--poll-connections N] [--max-connections N]\n"
    "                     [--max-commit-batch N]\n"
    "                     [--grpc-pollers N] [--smoke] [--only-idle-polls] [--log-statements]\n"
    "                     [--root DIR] [--orchestrator-bin PATH] [--pgbench PATH]";

Flags ParseFlags(int argc, char** argv) {
  Flags flags;
  std::vector<std::string> args(argv + 1, argv + argc);
  auto value = [&](size_t& i) -> const std::string& {
    if (i + 1 >= args.size()) Die(StrCat(args[i], " needs a value\n", kUsage));
    return args[++i];
  };
  auto positive = [&](size_t& i) {
    const std::string& name = args[i];
    int n = std::atoi(value(i).c_str());
    if (n <= 0) Die(StrCat(name, " needs a positive number, got '", args[i], "'"));
    return n;
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--seconds") {
      flags.seconds = std::atof(value(i).c_str());
      if (!(flags.seconds > 0)) Die("--seconds needs a positive number");
    } else if (arg == "--clients") {
      flags.clients = positive(i);
    } else if (arg == "--workers") {
      flags.workers = positive(i);
    } else if (arg == "--worker-concurrency") {
      flags.worker_concurrency = positive(i);
    } else if (arg == "--polls") {
      flags.polls = positive(i);
    } else if (arg == "--poll-connections") {
      flags.poll_connections = positive(i);
    } else if (arg == "--max-connections") {
      flags.max_connections = positive(i);
    } else if (arg == "--max-commit-batch") {
      flags.max_commit_batch = positive(i);
    } else if (arg == "--grpc-pollers") {
      flags.grpc_pollers = positive(i);
    } else if (arg == "--smoke") {
      flags.smoke = true;
    } else if (arg == "--only-idle-polls") {
      flags.only_idle_polls = true;
    } else if (arg == "--log-statements") {
      flags.log_statements = true;
    } else if (arg == "--root") {
      flags.root = value(i);
    } else if (arg == "--orchestrator-bin") {
      flags.orchestrator_bin = value(i);
    } else if (arg == "--pgbench") {
      flags.pgbench = value(i);
    } else {
      Die(StrCat("unknown argument ", arg, "\n", kUsage));
    }
  }
  if (flags.smoke) {
    flags.seconds = 0.4;
    flags.clients = std::min(flags.clients, 8);
    flags.workers = 2;
    flags.worker_concurrency = 0;
    flags.polls = std::min(flags.polls, 200);
    flags.poll_connections = std::min(flags.poll_connections, 4);
  }
  if (flags.worker_concurrency == 0) {
    // Spare polls, so a committed task always finds one waiting: the latency
    // measures dispatch, not workers busy reporting.
    flags.worker_concurrency = (2 * flags.clients + flags.workers - 1) / flags.workers;
  }
  return flags;
}

void PrintWorkload(const WorkloadResult& r) {
  std::cout << "   " << Fixed(r.executions_per_second, 1) << " executions/s (" << r.measured
            << " in " << Fixed(r.window_seconds, 2) << " s), "
            << Fixed(r.transitions_per_second(), 1) << " transitions/s ("
            << Fixed(r.transitions_per_execution, 2) << " states entered per execution), "
            << Fixed(r.commits_per_second(), 1) << " step commits/s ("
            << Fixed(r.commits_per_execution, 2) << " per execution)\n"
            << "   " << Fixed(r.write_transactions_per_execution, 2)
            << " PostgreSQL transaction ids per execution (steps, batches of steps, claims, "
               "leases); "
            << r.executions << " executions checked; avg sizes: state document " << r.document_bytes
            << " B, history event " << r.event_bytes << " B, task payload " << r.payload_bytes
            << " B" << std::endl;
}

// --log-statements: PostgreSQL logs every statement (log_statement = all,
// through ALTER SYSTEM and a reload, so the pool's open connections follow)
// while a workload runs; then the statements per execution are counted by
// prepared-statement name from the server's log. A diagnostic: logging
// slows the server, so the run's numbers are not comparable.
class StatementLog {
 public:
  StatementLog(const std::string& url, std::string path, bool enabled)
      : url_(url), path_(std::move(path)), enabled_(enabled) {}

  void Begin() {
    if (!enabled_) return;
    offset_ = Tail(path_, std::string::npos).size();
    Set("all");
  }

  // "statements per execution: execute stepwise_commit_step 4.00, ..."
  std::string End(int64_t executions) {
    if (!enabled_) return "";
    Set("none");
    const std::string text = Tail(path_, std::string::npos).substr(offset_);
    std::map<std::string, int64_t> counts;
    int64_t total = 0;
    for (size_t at = 0; (at = text.find("LOG:  ", at)) != std::string::npos;) {
      at += 6;
      const size_t end = text.find('\n', at);
      std::string line = text.substr(at, end == std::string::npos ? end : end - at);
      if (line.starts_with("execute ")) {
        line = line.substr(0, line.find(':'));
      } else if (line.starts_with("statement: ")) {
        line = line.substr(0, 60);
      } else {
        continue;
      }
      if (line.find("log_statement") != std::string::npos) continue;
      ++counts[line];
      ++total;
    }
    const double n = static_cast<double>(std::max<int64_t>(1, executions));
    std::string summary = StrCat("statements per execution ", Fixed(total / n, 2), ":");
    for (const auto& [what, count] : counts) {
      if (count / n < 0.005) continue;  // Setup and the benchmark's own checks.
      StrAppend(&summary, "\n     ", Fixed(count / n, 2), "  ", what);
    }
    return summary;
  }

 private:
  void Set(std::string_view value) {
    absl::StatusOr<PgConnection> c = PgConnection::Connect(url_);
    if (!c.ok()) Die(StrCat("--log-statements: ", c.status().ToString()));
    OrDie(c->Query(StrCat("ALTER SYSTEM SET log_statement = '", value, "'")), "log_statement");
    OrDie(c->Query("SELECT pg_reload_conf()"), "pg_reload_conf");
    // The reload reaches every backend asynchronously; give it a moment.
    usleep(200'000);
  }

  std::string url_;
  std::string path_;
  bool enabled_;
  size_t offset_ = 0;
};

// CPU per execution inside the measured window, by component, and per
// engine-step commit.
void PrintCpu(const WorkloadResult& r) {
  const double commits = static_cast<double>(r.measured) * r.commits_per_execution;
  std::cout << "   " << r.cpu.PerOperation(r.measured, "execution") << " ("
            << Fixed(static_cast<double>(r.cpu.total_us()) / 1e6 / r.window_seconds, 2)
            << " cores busy; per step commit " << Fixed(r.cpu.total_us() / commits, 0)
            << " us)\n   " << r.cpu.ThreadDetail(r.measured, "execution") << std::endl;
}

// Structural checks that hold whatever the speed.
void CheckShape(const WorkloadResult& r, double states) {
  if (r.transitions_per_execution != states) {
    Die(StrCat(r.name, ": ", Fixed(r.transitions_per_execution, 3),
               " states entered per execution, expected ", Fixed(states, 0)));
  }
  if (r.executions <= 0) Die(StrCat(r.name, ": no execution finished"));
}

struct Result {
  std::string workload;
  double stepwise;
  double baseline;
  std::string unit;
  std::string goal;  // How the goal reads, e.g. "ratio >= 0.5".
  bool met;
};

// The idle long polls measure (idle_polls.h), printed.
IdlePollsResult MeasureIdle(const Flags& flags, BenchDatabase& db) {
  std::cout << "== idle long polls (stepwise-orchestrator child process)" << std::endl;
  IdlePollsOptions idle;
  idle.orchestrator_bin = flags.orchestrator_bin;
  idle.database_url = OrDie(db.CreateDatabase("stepwise_idle"), "creating the database");
  idle.log_path = db.data_dir() + "/idle-orchestrator.log";
  idle.polls = flags.polls;
  idle.connections = flags.poll_connections;
  if (flags.smoke) idle.max_settle = absl::Seconds(3);
  const IdlePollsResult polls = OrDie(MeasureIdlePolls(idle), "idle polls");
  std::cout << "   VmRSS with 0 polls: " << Fixed(polls.idle_rss_mb, 1) << " MB ("
            << polls.idle_threads << " threads); with " << flags.polls << " polls over "
            << flags.poll_connections << " connections: " << Fixed(polls.polls_rss_mb, 1) << " MB ("
            << polls.polls_threads << " threads, " << polls.polls_fds << " fds), settled "
            << Fixed(polls.open_seconds, 1) << " s after the first call; all held until SIGTERM"
            << std::endl;
  return polls;
}

int Main(int argc, char** argv) {
  const Flags flags = ParseFlags(argc, argv);
  const absl::Duration window = absl::Seconds(flags.seconds);
  const absl::Duration warmup = flags.smoke ? absl::Milliseconds(200) : window / 4;

  BenchDatabaseOptions db_options;
  db_options.fast_unsafe = flags.smoke;
  Database() = OrDie(BenchDatabase::Start(db_options), "starting PostgreSQL");
  BenchDatabase* db = Database().get();
  std::cout << "== PostgreSQL: embedded under " << db->data_dir() << "\n   " << db->settings()
            << (flags.smoke ? "\n   (smoke: fsync off, numbers mean nothing)" : "") << std::endl;
  // --only-idle-polls: the memory measure alone (seconds instead of ~25 s).
  if (flags.only_idle_polls) {
    const IdlePollsResult polls = MeasureIdle(flags, *db);
    std::cout << "RESULT workload=idle_polls_" << flags.polls
              << " stepwise=" << Fixed(polls.polls_rss_mb, 2)
              << " baseline=" << Fixed(polls.idle_rss_mb, 2)
              << " ratio=" << Fixed(polls.polls_rss_mb / polls.idle_rss_mb, 3)
              << " unit=MB kb_per_poll="
              << Fixed((polls.polls_rss_mb - polls.idle_rss_mb) * 1000 / flags.polls, 2) << "\n";
    std::cout.flush();
    Database().reset();
    return 0;
  }
  const std::string url = OrDie(db->CreateDatabase("stepwise"), "creating the database");

  WorkloadOptions load;
  load.root = flags.root;
  load.clients = flags.clients;
  load.warmup = warmup;
  load.window = window;
  load.workers = flags.workers;
  load.worker_concurrency = flags.worker_concurrency;
  WorkloadResult pass_chain;
  WorkloadResult tasks;
  CommitLog commit_log;  // Outlives the orchestrator below.
  load.commit_log = &commit_log;
  load.postmaster = db->server_pid();
  {
    server::OrchestratorOptions options;
    options.listen = "127.0.0.1:0";
    options.database_url = url;
    options.max_connections = flags.max_connections;
    if (flags.max_commit_batch > 0) options.max_commit_batch = flags.max_commit_batch;
    const int connections =
        flags.max_connections > 0 ? flags.max_connections : persistence::DefaultMaxConnections();
    if (flags.grpc_pollers > 0) options.max_grpc_pollers = flags.grpc_pollers;
    options.replica_id = "bench";
    options.commit_observers.push_back(&commit_log);
    std::unique_ptr<server::OrchestratorServer> orchestrator =
        OrDie(server::OrchestratorServer::Start(options), "starting the orchestrator");
    load.endpoint = orchestrator->endpoint();
    load.database_url = url;
    std::cout << "== orchestrator: in-process on " << load.endpoint << ", " << connections
              << " PostgreSQL connections, up to " << options.max_commit_batch
              << " steps per commit; " << flags.clients << " executions in flight, "
              << Fixed(absl::ToDoubleSeconds(warmup), 2) << " s warm-up, "
              << Fixed(flags.seconds, 2) << " s measured" << std::endl;

    StatementLog statements(url, db->data_dir() + "/pg/postgres.log", flags.log_statements);
    std::cout << "== pass_chain_5 (StartExecution over gRPC)" << std::endl;
    statements.Begin();
    pass_chain = OrDie(RunPassChain(load), "pass_chain_5");
    if (flags.log_statements) std::cout << "   " << statements.End(pass_chain.executions) << "\n";
    PrintWorkload(pass_chain);
    PrintCpu(pass_chain);
    CheckShape(pass_chain, 5);

    const std::string log = db->data_dir() + "/tasks_3.log";
    std::cout << "== tasks_3 (StartSyncExecution over gRPC; " << flags.workers << " workers x "
              << flags.worker_concurrency << " polls; stderr meanwhile in " << log << ")"
              << std::endl;
    absl::StatusOr<WorkloadResult> run = absl::UnknownError("not run");
    {
      StderrToFile quiet(log);
      statements.Begin();
      run = RunTasks(load);
    }
    if (!run.ok()) {
      Die(StrCat("tasks_3: ", run.status().ToString(), "\nlog tail:\n", Tail(log, 3000)));
    }
    tasks = *std::move(run);
    if (flags.log_statements) std::cout << "   " << statements.End(tasks.executions) << "\n";
    PrintWorkload(tasks);
    PrintCpu(tasks);
    CheckShape(tasks, 3);
    const LatencyStats& l = *tasks.latency;
    std::cout << "   dispatch latency, commit -> worker receipt, " << l.samples << " tasks: p50 "
              << Fixed(l.p50_ms, 2) << " ms, p99 " << Fixed(l.p99_ms, 2) << " ms, mean "
              << Fixed(l.mean_ms, 2) << " ms, max " << Fixed(l.max_ms, 2)
              << " ms\n   (from the TaskScheduled event's timestamp instead: p50 "
              << Fixed(l.scheduled_p50_ms, 2) << " ms, p99 " << Fixed(l.scheduled_p99_ms, 2)
              << " ms)" << std::endl;
    // Every receipt's commit went through this replica: all must match.
    if (l.samples_acknowledged != l.samples) {
      Die(StrCat("tasks_3: only ", l.samples_acknowledged, " of ", l.samples,
                 " receipts matched a commit acknowledgement"));
    }
    std::cout << "   split at the commit's acknowledgement: commit timestamp -> acknowledged "
                 "(PostgreSQL: WAL flush and reply) p50 "
              << Fixed(l.commit_flush_p50_ms, 2) << " ms, p99 " << Fixed(l.commit_flush_p99_ms, 2)
              << " ms; acknowledged -> worker receipt (dispatch) p50 "
              << Fixed(l.acknowledged_p50_ms, 2) << " ms, p99 " << Fixed(l.acknowledged_p99_ms, 2)
              << " ms, mean " << Fixed(l.acknowledged_mean_ms, 2) << " ms" << std::endl;
    orchestrator->Shutdown();
  }

  std::cout << "== pgbench baseline (step_commit.pgbench)" << std::endl;
  {
    PgConnection c = OrDie(PgConnection::Connect(url), "connecting for pgbench's tables");
    const std::string schema = flags.root + "/bench/durable/step_commit_schema.sql";
    const std::string sql = Tail(schema, std::string::npos);
    if (sql.empty()) Die(StrCat("cannot read ", schema));
    OrDie(c.Query(sql), "creating pgbench's tables");
  }
  PgbenchOptions pgbench;
  pgbench.pgbench = flags.pgbench;
  pgbench.url = url;
  pgbench.script = flags.root + "/bench/durable/step_commit.pgbench";
  pgbench.variables = {{"document_bytes", tasks.document_bytes},
                       {"event_bytes", tasks.event_bytes},
                       {"payload_bytes", tasks.payload_bytes}};
  pgbench.clients = flags.clients;
  pgbench.threads = std::min(flags.clients, 2);
  pgbench.seconds = std::max(1, static_cast<int>(flags.seconds + 0.5));
  if (flags.smoke) pgbench.transactions_per_client = 20;
  if (pgbench.pgbench.empty()) pgbench.pgbench = FindPgbench();  // Not inside the CPU window.
  // pgbench's CPU: it is a waited-for child (RUSAGE_CHILDREN); its backends'
  // CPU reaches the postmaster's cutime as they exit. Includes its connection
  // setup (64 backend starts), which its tps leaves out.
  const CpuSample pgbench_before = TakeCpuSample(db->server_pid());
  const PgbenchResult base = OrDie(RunPgbench(pgbench), "pgbench");
  CpuUse pgbench_cpu = CpuUse::Between(pgbench_before, TakeCpuSample(db->server_pid()));
  pgbench_cpu.rpc_us = pgbench_cpu.grpc_io_us = pgbench_cpu.workers_us = pgbench_cpu.clients_us =
      pgbench_cpu.other_us = 0;  // This process only waits meanwhile.
  std::cout << "   " << base.command << "\n   " << Fixed(base.tps, 1) << " tps, latency average "
            << Fixed(base.latency_ms, 2) << " ms (" << base.transactions << " transactions)\n   "
            << pgbench_cpu.PerOperation(base.transactions, "transaction") << std::endl;
  const double pgbench_us_per_tx = static_cast<double>(pgbench_cpu.total_us()) /
                                   static_cast<double>(std::max<int64_t>(1, base.transactions));
  auto cpu_per_commit = [](const WorkloadResult& r) {
    const double commits = static_cast<double>(r.measured) * r.commits_per_execution;
    return commits > 0 ? static_cast<double>(r.cpu.total_us()) / commits : 0;
  };
  const double tasks_cpu_ratio = cpu_per_commit(tasks) / pgbench_us_per_tx;
  std::cout << "   tasks_3 CPU per execution "
            << Fixed(tasks.cpu.total_us() / std::max<double>(1, tasks.measured), 0)
            << " us = " << Fixed(cpu_per_commit(tasks), 0)
            << " us per step commit = " << Fixed(tasks_cpu_ratio, 2)
            << "x pgbench's CPU per transaction (" << Fixed(pgbench_us_per_tx, 0)
            << " us); CPU-bound, the commits ratio can reach about 1 / that" << std::endl;

  const IdlePollsResult polls = MeasureIdle(flags, *db);
  const std::string polls_name =
      flags.polls % 1000 == 0 ? StrCat(flags.polls / 1000, "k") : StrCat(flags.polls);
  const LatencyStats& l = *tasks.latency;
  const double idle_ratio = polls.polls_rss_mb / polls.idle_rss_mb;
  std::vector<Result> results = {
      {"durable_pass_chain_5_transitions", pass_chain.transitions_per_second(), base.tps,
       "transitions/s", "ratio > 1", pass_chain.transitions_per_second() > base.tps},
      {"durable_pass_chain_5_executions", pass_chain.executions_per_second, base.tps,
       "executions/s", "", true},
      {"durable_tasks_3_commits", tasks.commits_per_second(), base.tps, "commits/s", "ratio >= 0.5",
       tasks.commits_per_second() >= 0.5 * base.tps},
      {"durable_tasks_3_transitions", tasks.transitions_per_second(), base.tps, "transitions/s", "",
       true},
      {"durable_tasks_3_executions", tasks.executions_per_second, base.tps, "executions/s", "",
       true},
      // CPU per engine-step commit over pgbench's CPU per transaction (lower
      // is better): steadier than the rates on a shared machine.
      {"durable_pass_chain_5_cpu_per_commit", cpu_per_commit(pass_chain), pgbench_us_per_tx, "us",
       "", true},
      {"durable_tasks_3_cpu_per_commit", cpu_per_commit(tasks), pgbench_us_per_tx, "us", "", true},
      // From the commit's acknowledgement: the dispatch's own latency. The
      // _from_commit_ts lines add PostgreSQL's WAL flush before it.
      {"dispatch_latency_p50", l.acknowledged_p50_ms, base.latency_ms, "ms", "< 2 ms",
       l.acknowledged_p50_ms < 2},
      {"dispatch_latency_p99", l.acknowledged_p99_ms, base.latency_ms, "ms", "< 20 ms",
       l.acknowledged_p99_ms < 20},
      {"dispatch_latency_from_commit_ts_p50", l.p50_ms, base.latency_ms, "ms", "", true},
      {"dispatch_latency_from_commit_ts_p99", l.p99_ms, base.latency_ms, "ms", "", true},
      {StrCat("idle_polls_", polls_name), polls.polls_rss_mb, polls.idle_rss_mb, "MB", "< 200 MB",
       polls.polls_rss_mb < 200},
  };

  std::cout << "\nmeasure                             stepwise      baseline     ratio  goal\n";
  for (const Result& r : results) {
    const std::string verdict =
        r.goal.empty() || flags.smoke ? "" : StrCat(r.goal, r.met ? ": met" : ": MISSED");
    char row[200];
    std::snprintf(row, sizeof row, "%-32s %12.2f  %12.2f  %8.3f  %s\n", r.workload.c_str(),
                  r.stepwise, r.baseline, r.stepwise / r.baseline, verdict.c_str());
    std::cout << row;
  }
  std::cout << "(baseline: pgbench tps for rates, pgbench's average latency for latencies, the "
               "orchestrator's RSS with 0 polls for memory; ratio = stepwise / baseline; "
            << Fixed(idle_ratio, 2) << "x memory for " << flags.polls << " polls)\n\n";
  for (const Result& r : results) {
    std::cout << "RESULT workload=" << r.workload << " stepwise=" << Fixed(r.stepwise, 2)
              << " baseline=" << Fixed(r.baseline, 2)
              << " ratio=" << Fixed(r.stepwise / r.baseline, 3) << " unit=" << r.unit << "\n";
  }
  std::cout.flush();
  Database().reset();
  return 0;
}

}  // namespace
}  // namespace stepwise::bench

int main(int argc, char** argv) { return stepwise::bench::Main(argc, argv); }
