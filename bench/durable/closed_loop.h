// A closed-loop load: `clients` threads each run one operation after the
// other (so exactly `clients` are in flight), first for a warm-up, then for
// a measured window; the rate is the operations that ended inside the window
// divided by its length.
//
//   ASSIGN_OR_RETURN(ClosedLoopResult r,
//                    RunClosedLoop(64, 1.0, 5.0, [&](int client, int64_t n) {
//                      return StartOne(client, n);  // absl::Status
//                    }));
//   r.rate();  // operations/s in the window
#ifndef STEPWISE_BENCH_DURABLE_CLOSED_LOOP_H_
#define STEPWISE_BENCH_DURABLE_CLOSED_LOOP_H_

#include <cstdint>
#include <functional>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stepwise::bench {

struct ClosedLoopResult {
  int64_t measured = 0;  // Operations that ended inside the window.
  int64_t total = 0;     // All that succeeded, warm-up and stragglers included.
  absl::Time window_start;
  absl::Time window_end;

  double rate() const {
    const double seconds = absl::ToDoubleSeconds(window_end - window_start);
    return seconds > 0 ? static_cast<double>(measured) / seconds : 0;
  }
};

// `operation(client, n)` is called with the client's index (0..clients-1)
// and its own counter n (0, 1, ...), from that client's thread only (named
// "bench-client", see cpu_accounting.h). The first failure stops every
// client and is returned (with the client and n). Returns after every client
// has finished its last operation. `at_window_start` / `at_window_end`, when
// set, run on the calling thread right at the measured window's edges (to
// sample CPU times there).
absl::StatusOr<ClosedLoopResult> RunClosedLoop(
    int clients, absl::Duration warmup, absl::Duration window,
    const std::function<absl::Status(int client, int64_t n)>& operation,
    const std::function<void()>& at_window_start = nullptr,
    const std::function<void()>& at_window_end = nullptr);

}  // namespace stepwise::bench

#endif  // STEPWISE_BENCH_DURABLE_CLOSED_LOOP_H_
