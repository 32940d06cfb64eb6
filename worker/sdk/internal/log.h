// The worker's log: one line per event on stderr, prefixed with the UTC time,
// so that container logs show what the worker did.
//
//   LogLine(StrCat("task queue=", queue, " outcome=succeeded"));
//   // 2025-01-01T12:00:00.123Z stepwise-worker: task queue=echo outcome=succeeded
#ifndef STEPWISE_WORKER_SDK_INTERNAL_LOG_H_
#define STEPWISE_WORKER_SDK_INTERNAL_LOG_H_

#include <string_view>

namespace stepwise::worker::internal {

// Thread-safe; lines from different threads never interleave.
void LogLine(std::string_view message);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_LOG_H_
