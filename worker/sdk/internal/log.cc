#include "worker/sdk/internal/log.h"

#include <cstdio>
#include <mutex>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/str_cat.h"

namespace stepwise::worker::internal {

void LogLine(std::string_view message) {
  const std::string line =
      StrCat(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()),
             " stepwise-worker: ", message, "\n");
  static std::mutex mu;  // One write per line is atomic enough; this also orders them.
  std::lock_guard<std::mutex> lock(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace stepwise::worker::internal
