// Withdrawing polls (Worker.WithdrawPolls): when a worker's last slot fills,
// its other polls must stop taking tasks. Cancelling their calls would lose
// a task the orchestrator hands out in that instant (the answer arrives for a
// call its client already gave up; the task then waits out its lease). The
// orchestrator instead answers each withdrawn poll empty, unless its task is
// already on the way, which then arrives and is held for a slot.
//
//   PollKeys keys;  // one per Worker
//   request.set_poll_key(keys.Next());
//   SendWithdrawPolls(stub, {key}, [](const grpc::Status& status) {
//     if (!status.ok()) ...;  // an older orchestrator, or it is away: cancel
//   });
#ifndef STEPWISE_WORKER_SDK_INTERNAL_POLL_WITHDRAWAL_H_
#define STEPWISE_WORKER_SDK_INTERNAL_POLL_WITHDRAWAL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/support/status.h"
#include "stepwise/v1/worker.grpc.pb.h"

namespace stepwise::worker::internal {

// Keys for one Worker's polls: a random prefix (so that workers sharing an
// orchestrator never collide) and a counter. Not thread-safe.
class PollKeys {
 public:
  PollKeys();
  std::string Next();

 private:
  std::string prefix_;
  uint64_t next_ = 0;
};

// How long a withdrawal may take before the caller falls back to cancelling.
inline constexpr absl::Duration kWithdrawTimeout = absl::Seconds(2);

// Sends WithdrawPolls for `keys` without blocking; `done` runs once, on a
// gRPC thread, with the call's status, after the call's ClientContext (and
// with it the call's reference to the channel) is gone: once `done` ran, the
// caller may destroy the channel.
void SendWithdrawPolls(v1::Worker::Stub& stub, const std::vector<std::string>& keys,
                       std::function<void(const grpc::Status&)> done);

}  // namespace stepwise::worker::internal

#endif  // STEPWISE_WORKER_SDK_INTERNAL_POLL_WITHDRAWAL_H_
