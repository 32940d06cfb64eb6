#include "bench/durable/closed_loop.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "bench/durable/cpu_accounting.h"
#include "common/str_cat.h"

namespace stepwise::bench {

absl::StatusOr<ClosedLoopResult> RunClosedLoop(
    int clients, absl::Duration warmup, absl::Duration window,
    const std::function<absl::Status(int client, int64_t n)>& operation,
    const std::function<void()>& at_window_start, const std::function<void()>& at_window_end) {
  enum Phase { kWarmup, kMeasuring, kDone };
  std::atomic<int> phase{kWarmup};
  std::atomic<int64_t> measured{0};
  std::atomic<int64_t> total{0};
  std::mutex mu;
  std::condition_variable failed_cv;
  absl::Status failure;  // Guarded by mu.

  std::vector<std::thread> threads;
  threads.reserve(clients);
  for (int client = 0; client < clients; ++client) {
    threads.emplace_back([&, client] {
      NameThisThread("bench-client");
      for (int64_t n = 0; phase.load() != kDone; ++n) {
        absl::Status status = operation(client, n);
        if (!status.ok()) {
          std::lock_guard<std::mutex> lock(mu);
          if (failure.ok()) {
            failure = absl::Status(status.code(), StrCat("client ", client, ", operation ", n, ": ",
                                                         std::string(status.message())));
          }
          phase = kDone;
          failed_cv.notify_all();
          return;
        }
        ++total;
        if (phase.load() == kMeasuring) ++measured;
      }
    });
  }

  ClosedLoopResult result;
  {
    // Sleeping is the point here (the phases are wall-clock windows); a
    // failure ends them early.
    std::unique_lock<std::mutex> lock(mu);
    failed_cv.wait_for(lock, absl::ToChronoNanoseconds(warmup), [&] { return !failure.ok(); });
    if (at_window_start) at_window_start();
    result.window_start = absl::Now();
    if (failure.ok()) phase = kMeasuring;
    failed_cv.wait_for(lock, absl::ToChronoNanoseconds(window), [&] { return !failure.ok(); });
    phase = kDone;
    result.window_end = absl::Now();
    if (at_window_end) at_window_end();
  }
  for (std::thread& t : threads) t.join();
  if (!failure.ok()) return failure;
  result.measured = measured.load();
  result.total = total.load();
  return result;
}

}  // namespace stepwise::bench
