#include "persistence/postgres/task_listener.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <utility>

#include "common/str_cat.h"
#include "persistence/postgres/pqxx_status.h"
#include "pqxx/connection"
#include "pqxx/nontransaction"
#include "pqxx/notification"

namespace stepwise::persistence {
namespace {

void LogToStderr(const absl::Status& status) {
  std::fprintf(stderr, "stepwise task listener: %s\n", status.ToString().c_str());
}

int ToPollTimeoutMs(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return 0;
  // Round up so that a wait never ends just before its deadline.
  return static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(timeout) + 1, 60'000));
}

}  // namespace

class TaskListener::Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& connection, const std::string& channel,
           const std::function<void(std::string_view)>& on_notify)
      : pqxx::notification_receiver(connection, channel), on_notify_(on_notify) {}

  void operator()(const std::string& payload, int /*backend_pid*/) override {
    if (on_notify_) on_notify_(payload);
  }

 private:
  const std::function<void(std::string_view)>& on_notify_;
};

TaskListener::TaskListener(TaskListenerOptions options) : options_(std::move(options)) {}

TaskListener::~TaskListener() {
  Stop();
  if (wake_fd_ >= 0) ::close(wake_fd_);
}

absl::Status TaskListener::Start() {
  if (thread_.joinable() || stopping_.load()) {
    return absl::FailedPreconditionError("the task listener was already started");
  }
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) {
    return absl::InternalError(StrCat("eventfd for the task listener: ", std::strerror(errno)));
  }
  thread_ = std::thread([this] { Run(); });
  return absl::OkStatus();
}

void TaskListener::Stop() {
  stopping_.store(true);
  if (wake_fd_ >= 0) {
    const uint64_t one = 1;
    // A full counter still wakes the poll; nothing to do on failure.
    [[maybe_unused]] ssize_t written = ::write(wake_fd_, &one, sizeof(one));
  }
  if (thread_.joinable()) thread_.join();
}

bool TaskListener::WaitUntilListening(absl::Duration timeout, int64_t min_connects) const {
  std::unique_lock<std::mutex> lock(mu_);
  return connected_cv_.wait_for(lock, absl::ToChronoNanoseconds(timeout),
                                [&] { return connects_ >= min_connects && backend_pid_ != 0; });
}

int TaskListener::backend_pid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return backend_pid_;
}

int64_t TaskListener::connects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return connects_;
}

void TaskListener::SetConnected(int pid) {
  std::lock_guard<std::mutex> lock(mu_);
  backend_pid_ = pid;
  if (pid != 0) ++connects_;
  connected_cv_.notify_all();
}

void TaskListener::ReportError(const absl::Status& status) {
  if (options_.on_error) {
    options_.on_error(status);
  } else if (!failing_) {
    LogToStderr(status);  // Once per outage; the recovery is logged too.
  }
  failing_ = true;
}

void TaskListener::DrainWake() const {
  uint64_t count = 0;
  [[maybe_unused]] ssize_t got = ::read(wake_fd_, &count, sizeof(count));
}

void TaskListener::WaitForWake(absl::Duration timeout) const {
  pollfd fd{wake_fd_, POLLIN, 0};
  const auto end = std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(timeout);
  while (!stopping_.load()) {
    const auto left = end - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) return;
    if (::poll(&fd, 1, ToPollTimeoutMs(absl::FromChrono(left))) > 0) DrainWake();
  }
}

void TaskListener::Run() {
  absl::Duration backoff = options_.min_backoff;
  while (!stopping_.load()) {
    absl::Status status = ListenOnce(backoff);
    SetConnected(0);
    if (stopping_.load()) break;
    ReportError(status);
    WaitForWake(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

absl::Status TaskListener::ListenOnce(absl::Duration& backoff) {
  std::unique_ptr<pqxx::connection> connection;
  std::unique_ptr<Receiver> receiver;
  // Close the socket before the receiver goes: its destructor would
  // otherwise send UNLISTEN (and libpqxx might reconnect to do so).
  auto close = [&] {
    if (connection != nullptr) connection->disconnect();
    receiver.reset();
    connection.reset();
  };
  try {
    connection = std::make_unique<pqxx::connection>(options_.url);
    receiver = std::make_unique<Receiver>(*connection, options_.channel, options_.on_notify);
    int pid = connection->backendpid();
    SetConnected(pid);
    backoff = options_.min_backoff;
    if (failing_) {
      if (!options_.on_error) {
        std::fprintf(stderr, "stepwise task listener: listening on '%s' again\n",
                     options_.channel.c_str());
      }
      failing_ = false;
    }
    if (options_.on_resync) options_.on_resync();

    auto next_ping = absl::Now() + options_.ping_interval;
    while (!stopping_.load()) {
      const int sock = connection->sock();
      if (sock < 0) throw pqxx::broken_connection("the listening connection has no socket");
      pollfd fds[2] = {{sock, POLLIN, 0}, {wake_fd_, POLLIN, 0}};
      const int ready = ::poll(fds, 2, ToPollTimeoutMs(next_ping - absl::Now()));
      if (ready < 0 && errno != EINTR) {
        close();
        return absl::InternalError(
            StrCat("poll on the listening connection: ", std::strerror(errno)));
      }
      if ((fds[1].revents & POLLIN) != 0) DrainWake();
      if (stopping_.load()) break;
      bool ping = absl::Now() >= next_ping;
      if ((fds[0].revents & (POLLIN | POLLERR | POLLHUP)) != 0) {
        // Readable without a notification: maybe a notice, maybe the end of
        // the connection. A query tells which (it throws on a dead one).
        if (connection->get_notifs() == 0) ping = true;
      }
      if (ping) {
        pqxx::nontransaction tx(*connection);
        tx.exec("SELECT 1");
        next_ping = absl::Now() + options_.ping_interval;
      }
      // libpqxx may have reconnected by itself (it re-LISTENs then): what
      // was sent in between is lost, so resync as after our own reconnect.
      if (const int now_pid = connection->backendpid(); now_pid != pid) {
        pid = now_pid;
        SetConnected(pid);
        if (options_.on_resync) options_.on_resync();
      }
    }
  } catch (const std::exception& e) {
    close();
    return FromPqxx(e);
  }
  close();
  return absl::OkStatus();
}

}  // namespace stepwise::persistence
