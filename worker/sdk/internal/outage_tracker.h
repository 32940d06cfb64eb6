// Logs trouble talking to the orchestrator once per outage rather than once
// per attempt (a fleet retrying every few hundred milliseconds would flood
// the logs), and counts recoveries.
//
//   OutageTracker outages("orchestrator:7400");
//   grpc::Status status = stub->PollTask(&context, request, &response);
//   if (status.ok()) outages.Succeeded(); else outages.Failed("PollTask", status);
#ifndef STEPWISE_WORKER_SDK_INTERNAL_OUTAGE_TRACKER_H_
#define STEPWISE_WORKER_SDK_INTERNAL_OUTAGE_TRACKER_H_

#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"

namespace stepwise::worker::internal {

// Thread-safe.
class OutageTracker {
 public:
  explicit OutageTracker(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  // A call (`call` names it in the log) failed with `status`. Logs when an
  // outage starts, and when a kind of failure shows up that this outage has
  // not logged yet (unreachable, or a code + exception name).
  void Failed(std::string_view call, const grpc::Status& status);

  // A call got an answer from the orchestrator: ends the outage, if any, with
  // one log line; counts a reconnect when the orchestrator was unreachable.
  void Succeeded();

  long long reconnects() const;

 private:
  mutable std::mutex mu_;
  const std::string endpoint_;
  bool in_outage_ = false;
  bool unreachable_ = false;  // Some failure of this outage was UNAVAILABLE / no answer.
  std::set<std::string> kinds_logged_;
  absl::Time started_;
  long long failures_ = 0;
  long long reconnects_ = 0;
};

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_OUTAGE_TRACKER_H_
