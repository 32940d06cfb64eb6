#include "worker/sdk/internal/running_tasks.h"

#include <pthread.h>

#include <algorithm>

#include "absl/time/clock.h"
#include "common/str_cat.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/internal/rpc_errors.h"
#include "worker/sdk/internal/task_runner.h"

namespace stepwise::worker::internal {

void RunningTasks::Start() {
  std::lock_guard<std::mutex> lock(sync_.mu);
  stop_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "sw-heartbeat");
    HeartbeatLoop();
  });
}

void RunningTasks::Stop() {
  {
    std::lock_guard<std::mutex> lock(sync_.mu);
    stop_ = true;
    if (in_flight_ != nullptr) in_flight_->TryCancel();
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RunningTasks::Begin(RunningTask& entry) {
  entry.interval = HeartbeatInterval(entry.task);
  bool wake = false;
  std::lock_guard<std::mutex> lock(sync_.mu);
  all_.push_back(&entry);
  if (entry.interval != absl::InfiniteDuration()) {
    entry.next_heartbeat = absl::Now() + entry.interval;
    due_.emplace(entry.next_heartbeat, &entry);
    wake = entry.next_heartbeat < wake_at_;
  }
  // Run, past the grace period, waits for every pool thread to end or be
  // in a handler.
  if (sync_.shutdown) sync_.pool_cv.notify_all();
  // Under the lock: the heartbeat thread may not miss it. Rare: the first
  // task after an idle spell, or one with a shorter interval.
  if (wake) {
    wake_at_ = entry.next_heartbeat;
    cv_.notify_one();
  }
}

void RunningTasks::End(RunningTask& entry, std::unique_lock<std::mutex>& lock) {
  ended_cv_.wait(lock, [&] { return !entry.heartbeating; });
  if (entry.next_heartbeat != absl::InfiniteFuture()) {
    due_.erase({entry.next_heartbeat, &entry});
  }
  auto it = std::find(all_.begin(), all_.end(), &entry);
  if (it != all_.end()) {
    *it = all_.back();
    all_.pop_back();
  }
}

std::vector<const RunningTask*> RunningTasks::Abandon(std::unique_lock<std::mutex>& /*lock*/) {
  sync_.abandoned = true;
  std::vector<const RunningTask*> abandoned(all_.begin(), all_.end());
  all_.clear();
  due_.clear();
  return abandoned;
}

void RunningTasks::HeartbeatLoop() {
  std::unique_lock<std::mutex> lock(sync_.mu);
  while (!stop_) {
    const absl::Time now = absl::Now();
    if (!due_.empty() && due_.begin()->first <= now) {
      RunningTask& entry = *due_.begin()->second;
      due_.erase(due_.begin());
      Heartbeat(entry, lock);
      continue;
    }
    // Sleep until the next one is due; a task that ended meanwhile left the
    // set, so this may wake for nothing once (then sleeps for good).
    wake_at_ = due_.empty() ? absl::InfiniteFuture() : due_.begin()->first;
    WaitUntil(sync_, lock, wake_at_, &cv_);
  }
}

void RunningTasks::Heartbeat(RunningTask& entry, std::unique_lock<std::mutex>& lock) {
  entry.heartbeating = true;
  const std::string token = entry.task.task_token();
  const absl::Duration interval = entry.interval;
  grpc::Status status;
  {
    grpc::ClientContext rpc;
    in_flight_ = &rpc;
    lock.unlock();
    status = SendHeartbeat(context_, token, interval, &rpc);
    lock.lock();
    in_flight_ = nullptr;
  }
  // An abandoned task's pool thread may have left already: its entry is
  // gone with it.
  if (sync_.abandoned) return;
  entry.heartbeating = false;
  ended_cv_.notify_all();
  if (status.ok()) {
    context_.outages.Succeeded();
  } else if (IsTaskGone(status)) {
    entry.gone = StrCat("a heartbeat was rejected (", Describe(status),
                        "): the orchestrator gave up on the task");
    LogLine(StrCat("task queue=", entry.queue, " execution=", entry.task.execution_arn(), ": ",
                   entry.gone, "; the handler runs on, its result will be dropped"));
    return;  // No more heartbeats: the result goes nowhere anyway.
  } else if (!stop_) {
    context_.outages.Failed("SendTaskHeartbeat", status);
  }
  entry.next_heartbeat = absl::Now() + interval;
  due_.emplace(entry.next_heartbeat, &entry);
}

bool EndHandler(const std::shared_ptr<SharedSync>& sync, RunningTasks* running,
                RunningTask& entry) {
  std::unique_lock<std::mutex> lock(sync->mu);
  if (sync->abandoned) return false;
  running->End(entry, lock);
  return true;
}

}  // namespace stepwise::worker::internal
