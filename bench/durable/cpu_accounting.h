// CPU time by component over a measured window, from /proc: a load-
// independent measure of what one execution (or one pgbench transaction)
// costs, unlike rates, which move with whatever else runs on the machine.
//
//   const CpuSample before = TakeCpuSample(db->server_pid());
//   ... run the load ...
//   const CpuUse use = CpuUse::Between(before, TakeCpuSample(db->server_pid()));
//   std::cout << use.PerOperation(executions, "execution");
//   // CPU per execution: postgres 410 us, orchestrator rpc 250 us, grpc io 30 us, ...
//
// Components:
//   postgres          the embedded server: the postmaster and its live children
//                     (backends, walwriter, ...) plus what its exited children
//                     used (the postmaster's cutime/cstime).
//   this process, by thread name (/proc/self/task/*/stat, `comm`):
//     orchestrator rpc  gRPC's sync server threads ("grpcpp_sync_ser...").
//     grpc io           gRPC's own threads (event engine, timers, executors).
//     workers           the worker SDK's threads ("sw-worker", "sw-heartbeat").
//     clients           the benchmark's client threads ("bench-client").
//     other             unnamed threads (the orchestrator's dispatcher, claim
//                       threads, timer loop, LISTEN thread; the main thread)
//                       and threads that ended inside the window.
//   children          waited-for child processes of this one (getrusage
//                     RUSAGE_CHILDREN): pgbench.
// Processes' times come from /proc/PID/stat (USER_HZ ticks, so a window
// needs a few seconds to be precise to a few percent), threads' from
// /proc/self/task/TID/schedstat (exact run time; their stat ticks are not).
#ifndef STEPWISE_BENCH_DURABLE_CPU_ACCOUNTING_H_
#define STEPWISE_BENCH_DURABLE_CPU_ACCOUNTING_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>

namespace stepwise::bench {

// Cumulative CPU times (utime + stime), microseconds, at one instant.
struct CpuSample {
  int64_t postgres_us = 0;
  int64_t process_us = 0;   // This whole process, ended threads included.
  int64_t children_us = 0;  // Waited-for children (RUSAGE_CHILDREN).
  // This process's live threads: tid -> (comm, CPU).
  std::map<int64_t, std::pair<std::string, int64_t>> threads;
};

// Reads /proc now. `postmaster` 0: no PostgreSQL part.
CpuSample TakeCpuSample(pid_t postmaster);

// CPU used between two samples, by component (microseconds).
struct CpuUse {
  int64_t postgres_us = 0;
  int64_t rpc_us = 0;
  int64_t grpc_io_us = 0;
  int64_t workers_us = 0;
  int64_t clients_us = 0;
  int64_t other_us = 0;
  int64_t children_us = 0;
  // This process's threads by name (comm), for the detail line.
  std::map<std::string, int64_t> by_thread_name;
  // Threads of this process that started / ended inside the window.
  int64_t threads_started = 0;
  int64_t threads_ended = 0;

  static CpuUse Between(const CpuSample& before, const CpuSample& after);

  int64_t process_us() const { return rpc_us + grpc_io_us + workers_us + clients_us + other_us; }
  int64_t total_us() const { return postgres_us + process_us() + children_us; }

  // "CPU per execution: postgres X us, orchestrator rpc Y us, grpc io Z us,
  // workers W us, clients V us, other U us, total T us" for `count`
  // operations named `what` (empty when count <= 0).
  std::string PerOperation(int64_t count, const std::string& what) const;
  // "threads of this process (us per execution): grpcpp_sync_ser 120; ...",
  // largest first, and how many started and ended.
  std::string ThreadDetail(int64_t count, const std::string& what) const;
};

// The component a thread named `comm` belongs to: "rpc", "grpc_io",
// "workers", "clients" or "other".
std::string ThreadComponent(const std::string& comm);

// Names the calling thread (at most 15 characters are kept), so that the
// accounting above can tell it apart.
void NameThisThread(const char* name);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_CPU_ACCOUNTING_H_
