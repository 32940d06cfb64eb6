// InstallSignalHandlers: the signal handler only writes the signal number to
// a pipe (async-signal-safe); a thread reads it and calls Shutdown.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <thread>

#include "common/str_cat.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/worker.h"

namespace stepwise::worker {
namespace {

// Process-wide by nature: signal dispositions are per process.
std::mutex g_mu;             // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
Worker* g_worker = nullptr;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)
int g_pipe[2] = {-1, -1};    // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

void OnSignal(int signal_number) {
  const int saved_errno = errno;
  const char byte = static_cast<char>(signal_number);
  // Nothing to do if the pipe is full: a shutdown is already pending.
  [[maybe_unused]] const ssize_t n = write(g_pipe[1], &byte, 1);
  errno = saved_errno;
}

void ReadSignals() {
  while (true) {
    char byte = 0;
    const ssize_t n = read(g_pipe[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::lock_guard<std::mutex> lock(g_mu);
    internal::LogLine(StrCat("received ", strsignal(byte), "; shutting down"));
    if (g_worker != nullptr) g_worker->Shutdown();
  }
}

}  // namespace

namespace internal {

// Called by ~Worker so that a later signal does not reach a destroyed worker.
void ForgetSignalTarget(const Worker* worker) {
  std::lock_guard<std::mutex> lock(g_mu);
  if (g_worker == worker) g_worker = nullptr;
}

}  // namespace internal

void InstallSignalHandlers(Worker& worker) {
  std::lock_guard<std::mutex> lock(g_mu);
  g_worker = &worker;
  if (g_pipe[0] < 0) {
    if (pipe2(g_pipe, O_CLOEXEC) != 0) {
      internal::LogLine(StrCat("cannot install signal handlers: pipe2: ", std::strerror(errno)));
      return;
    }
    std::thread(ReadSignals).detach();  // Lives as long as the process.
  }
  struct sigaction action = {};
  action.sa_handler = &OnSignal;
  sigemptyset(&action.sa_mask);
  // One-shot: the second SIGTERM/SIGINT takes the default action.
  action.sa_flags = SA_RESTART | SA_RESETHAND;
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

}  // namespace stepwise::worker
