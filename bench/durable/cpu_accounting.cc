#include "bench/durable/cpu_accounting.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "common/str_cat.h"

namespace stepwise::bench {
namespace {

// What /proc/<pid>/stat says, the fields we use.
struct ProcStat {
  bool ok = false;
  std::string comm;
  int64_t ppid = 0;
  int64_t utime = 0;  // Ticks (USER_HZ).
  int64_t stime = 0;
  int64_t cutime = 0;
  int64_t cstime = 0;
};

ProcStat ReadStat(const std::string& path) {
  ProcStat stat;
  std::ifstream in(path);
  std::string text;
  if (!in || !std::getline(in, text)) return stat;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
  const size_t open = text.find('(');
  const size_t close = text.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return stat;
  stat.comm = text.substr(open + 1, close - open - 1);
  std::istringstream fields(text.substr(close + 1));
  std::vector<std::string> f;
  std::string field;
  while (f.size() < 15 && fields >> field) f.push_back(field);
  if (f.size() < 15) return stat;
  // f[0] is field 3 (state) of proc(5).
  stat.ppid = std::atoll(f[1].c_str());
  stat.utime = std::atoll(f[11].c_str());
  stat.stime = std::atoll(f[12].c_str());
  stat.cutime = std::atoll(f[13].c_str());
  stat.cstime = std::atoll(f[14].c_str());
  stat.ok = true;
  return stat;
}

int64_t TicksToMicros(int64_t ticks) {
  static const int64_t hz = std::max<int64_t>(1, sysconf(_SC_CLK_TCK));
  return ticks * 1'000'000 / hz;
}

// Numeric entries of a /proc directory.
std::vector<int64_t> Ids(const char* dir) {
  std::vector<int64_t> ids;
  if (DIR* d = opendir(dir)) {
    while (const dirent* e = readdir(d)) {
      if (e->d_name[0] >= '0' && e->d_name[0] <= '9') ids.push_back(std::atoll(e->d_name));
    }
    closedir(d);
  }
  return ids;
}

bool StartsWith(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

std::string Micros(double us) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f", us);
  return buffer;
}

}  // namespace

CpuSample TakeCpuSample(pid_t postmaster) {
  CpuSample sample;
  if (postmaster > 0) {
    const ProcStat server = ReadStat(StrCat("/proc/", postmaster, "/stat"));
    if (server.ok) {
      // Exited backends (pgbench's, closed connections) live on in cutime.
      sample.postgres_us =
          TicksToMicros(server.utime + server.stime + server.cutime + server.cstime);
      for (int64_t pid : Ids("/proc")) {
        const ProcStat child = ReadStat(StrCat("/proc/", pid, "/stat"));
        if (child.ok && child.ppid == postmaster) {
          sample.postgres_us +=
              TicksToMicros(child.utime + child.stime + child.cutime + child.cstime);
        }
      }
    }
  }
  const ProcStat self = ReadStat("/proc/self/stat");
  sample.process_us = TicksToMicros(self.utime + self.stime);
  for (int64_t tid : Ids("/proc/self/task")) {
    // A thread's own utime/stime in its stat are tick samples that miss most
    // of the short bursts these threads run in (they summed to about half
    // the process's total); schedstat's first field is its exact run time.
    const ProcStat thread = ReadStat(StrCat("/proc/self/task/", tid, "/stat"));
    std::ifstream schedstat(StrCat("/proc/self/task/", tid, "/schedstat"));
    int64_t run_ns = 0;
    if (thread.ok && schedstat >> run_ns) sample.threads[tid] = {thread.comm, run_ns / 1000};
  }
  rusage children{};
  if (getrusage(RUSAGE_CHILDREN, &children) == 0) {
    sample.children_us =
        static_cast<int64_t>(children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1'000'000 +
        children.ru_utime.tv_usec + children.ru_stime.tv_usec;
  }
  return sample;
}

std::string ThreadComponent(const std::string& comm) {
  if (StartsWith(comm, "grpcpp_sync_ser")) return "rpc";
  if (StartsWith(comm, "sw-worker") || StartsWith(comm, "sw-heartbeat")) return "workers";
  if (StartsWith(comm, "bench-client")) return "clients";
  // gRPC 1.51's own threads: "grpc_global_tim(er)", "default-executo(r)",
  // "resolver-execut(or)", the callback API's "nexting_thread", event engine
  // pollers and executors.
  if (StartsWith(comm, "grpc") || StartsWith(comm, "default-execut") ||
      StartsWith(comm, "resolver-execu") || StartsWith(comm, "event_engine") ||
      StartsWith(comm, "global-execut") || StartsWith(comm, "timer_manager") ||
      StartsWith(comm, "nexting_thread")) {
    return "grpc_io";
  }
  return "other";
}

CpuUse CpuUse::Between(const CpuSample& before, const CpuSample& after) {
  CpuUse use;
  use.postgres_us = after.postgres_us - before.postgres_us;
  use.children_us = after.children_us - before.children_us;
  int64_t threads_us = 0;
  for (const auto& [tid, named] : after.threads) {
    const auto& [comm, us] = named;
    int64_t delta = us;
    auto it = before.threads.find(tid);
    if (it != before.threads.end()) {
      delta -= it->second.second;
    } else {
      ++use.threads_started;
    }
    if (delta <= 0) continue;
    threads_us += delta;
    use.by_thread_name[comm] += delta;
    const std::string component = ThreadComponent(comm);
    if (component == "rpc") {
      use.rpc_us += delta;
    } else if (component == "workers") {
      use.workers_us += delta;
    } else if (component == "clients") {
      use.clients_us += delta;
    } else if (component == "grpc_io") {
      use.grpc_io_us += delta;
    } else {
      use.other_us += delta;
    }
  }
  for (const auto& [tid, named] : before.threads) {
    if (!after.threads.contains(tid)) ++use.threads_ended;
  }
  // Threads that ended inside the window: the process's total knows them.
  const int64_t ended = (after.process_us - before.process_us) - threads_us;
  if (ended > 0) {
    use.other_us += ended;
    use.by_thread_name["(ended threads)"] += ended;
  }
  return use;
}

std::string CpuUse::PerOperation(int64_t count, const std::string& what) const {
  if (count <= 0) return "";
  const double n = static_cast<double>(count);
  std::string line = StrCat("CPU per ", what, ": postgres ", Micros(postgres_us / n), " us");
  if (children_us > 0) StrAppend(&line, ", child processes ", Micros(children_us / n), " us");
  if (process_us() > 0) {
    StrAppend(&line, ", orchestrator rpc ", Micros(rpc_us / n), " us, grpc io ",
              Micros(grpc_io_us / n), " us, workers ", Micros(workers_us / n), " us, clients ",
              Micros(clients_us / n), " us, other ", Micros(other_us / n), " us");
  }
  StrAppend(&line, ", total ", Micros(total_us() / n), " us");
  return line;
}

std::string CpuUse::ThreadDetail(int64_t count, const std::string& what) const {
  if (count <= 0) return "";
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (const auto& [name, us] : by_thread_name) sorted.emplace_back(us, name);
  std::sort(sorted.rbegin(), sorted.rend());
  std::string line = StrCat("threads of this process (us per ", what, "):");
  for (const auto& [us, name] : sorted) {
    StrAppend(&line, " ", name, " ", Micros(static_cast<double>(us) / static_cast<double>(count)),
              ";");
  }
  StrAppend(&line, " threads started ", threads_started, ", ended ", threads_ended);
  return line;
}

void NameThisThread(const char* name) {
  char truncated[16] = {};
  std::snprintf(truncated, sizeof truncated, "%s", name);
  pthread_setname_np(pthread_self(), truncated);
}

}  // namespace stepwise::bench
