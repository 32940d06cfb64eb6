// TaskListener: tells this replica at once when any replica commits a step
// that schedules tasks. PostgresStore's CommitStep runs
// `NOTIFY stepwise_tasks, '<queue>'` in the committing transaction; this class
// holds one dedicated connection doing `LISTEN stepwise_tasks` on its own
// thread and calls `on_notify(queue)` for every notification.
//
//   TaskListenerOptions options;
//   options.url = database_url;
//   options.on_notify = [&](std::string_view queue) { dispatcher.NotifyQueue(queue); };
//   options.on_resync = [&] { dispatcher.SweepAll(); };
//   TaskListener listener(std::move(options));
//   RETURN_IF_ERROR(listener.Start());
//   ...
//   listener.Stop();  // also done by the destructor
//
// Notifications sent while nobody listens are lost, so every time the
// listener (re)connects it calls `on_resync()`: the caller should then look
// at every queue it cares about (a sweep). When the connection breaks (the
// server restarted, the backend was terminated, a firewall dropped it) the
// listener reconnects with exponential backoff (min_backoff doubling up to
// max_backoff) for as long as it runs. An idle connection is pinged every
// ping_interval so that a silently dead one is noticed too.
//
// The callbacks run on the listener's thread, one at a time; they must be
// quick and must not call Stop(). No libpqxx type or exception leaves this
// class. Thread-safe.
#ifndef STEPWISE_PERSISTENCE_POSTGRES_TASK_LISTENER_H_
#define STEPWISE_PERSISTENCE_POSTGRES_TASK_LISTENER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace stepwise::persistence {

struct TaskListenerOptions {
  std::string url;  // libpq connection string or URI.
  // The channel PostgresStore notifies.
  std::string channel = "stepwise_tasks";
  // One notification's payload: the queue that got tasks.
  std::function<void(std::string_view queue)> on_notify;
  // After each successful LISTEN (the first one too): notifications may have
  // been missed, look at everything.
  std::function<void()> on_resync;
  // Told about each lost connection or failed attempt (default: one line on
  // stderr for the first failure of an outage and one when it ends).
  std::function<void(const absl::Status&)> on_error;
  absl::Duration min_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Seconds(5);
  absl::Duration ping_interval = absl::Seconds(10);
};

class TaskListener {
 public:
  explicit TaskListener(TaskListenerOptions options);
  TaskListener(const TaskListener&) = delete;
  TaskListener& operator=(const TaskListener&) = delete;
  ~TaskListener();  // Stop().

  // Starts the listening thread; returns at once (it connects in the
  // background). kInternal when the wake-up descriptor cannot be made,
  // kFailedPrecondition when already started.
  absl::Status Start();

  // Closes the connection and joins the thread; prompt (it does not wait for
  // a backoff or a ping to end). Idempotent.
  void Stop();

  // Blocks until the listener has LISTENed successfully at least
  // `min_connects` times in total (reconnects included), or `timeout` passes.
  // Returns whether it has.
  bool WaitUntilListening(absl::Duration timeout, int64_t min_connects = 1) const;

  // The PostgreSQL backend pid of the listening connection; 0 while
  // disconnected.
  int backend_pid() const;
  // Successful LISTENs so far (1 after the first connect, +1 per reconnect).
  int64_t connects() const;

 private:
  class Receiver;

  void Run();
  // One connection's life: connects, LISTENs, dispatches until the
  // connection fails (its error) or Stop() (OK). Resets `backoff` once
  // listening.
  absl::Status ListenOnce(absl::Duration& backoff);
  // Waits for `timeout` or a Stop(), whichever comes first.
  void WaitForWake(absl::Duration timeout) const;
  void DrainWake() const;
  void SetConnected(int pid);
  void ReportError(const absl::Status& status);

  const TaskListenerOptions options_;
  int wake_fd_ = -1;  // eventfd: written by Stop() to interrupt poll().
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  bool failing_ = false;  // Listener thread only: inside an outage.

  mutable std::mutex mu_;
  mutable std::condition_variable connected_cv_;
  int backend_pid_ = 0;
  int64_t connects_ = 0;
};

}  // namespace stepwise::persistence

#endif  // STEPWISE_PERSISTENCE_POSTGRES_TASK_LISTENER_H_
