#include "worker/sdk/internal/outage_tracker.h"

#include "absl/time/clock.h"
#include "common/str_cat.h"
#include "worker/sdk/internal/log.h"
#include "worker/sdk/internal/rpc_errors.h"

namespace stepwise::worker::internal {

void OutageTracker::Failed(std::string_view call, const grpc::Status& status) {
  const bool unreachable = IsUnreachable(status);
  const std::string kind =
      unreachable ? std::string("unreachable")
                  : StrCat(static_cast<int>(status.error_code()), " ", ExceptionName(status));
  std::string message;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!in_outage_) {
      in_outage_ = true;
      started_ = absl::Now();
      failures_ = 0;
    }
    ++failures_;
    unreachable_ = unreachable_ || unreachable;
    if (!kinds_logged_.insert(kind).second) return;
    message = unreachable ? StrCat("cannot reach the orchestrator at ", endpoint_, " (", call, ": ",
                                   Describe(status), "); retrying with backoff")
                          : StrCat(call, " failed (", Describe(status), "); retrying with backoff");
  }
  LogLine(message);
}

void OutageTracker::Succeeded() {
  std::string message;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!in_outage_) return;
    in_outage_ = false;
    kinds_logged_.clear();
    if (unreachable_) ++reconnects_;
    unreachable_ = false;
    message =
        StrCat("orchestrator at ", endpoint_, " answering again after ",
               absl::FormatDuration(absl::Trunc(absl::Now() - started_, absl::Milliseconds(1))),
               " (", failures_, " failed calls)");
  }
  LogLine(message);
}

long long OutageTracker::reconnects() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reconnects_;
}

}  // namespace stepwise::worker::internal
