#include "worker/sdk/internal/worker_context.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"

namespace stepwise::worker::internal {
namespace {

// Task inputs are bounded by the orchestrator's payload limit (256 KiB by
// default, configurable); do not refuse what it hands out.
constexpr int kMaxReceiveMessageBytes = 64 << 20;

int Milliseconds(absl::Duration d) {
  return static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(d), 1, 1 << 30));
}

std::shared_ptr<grpc::Channel> MakeChannel(const WorkerOptions& options) {
  grpc::ChannelArguments args;
  // gRPC's own reconnect backoff (1 s up to 120 s by default) would keep
  // failing calls fast long after the orchestrator is back; follow ours.
  // (Not GRPC_ARG_MIN_RECONNECT_BACKOFF_MS: despite its name it is the
  // connection attempt's timeout, 20 s by default, and must stay long.)
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, Milliseconds(options.initial_backoff));
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, Milliseconds(options.max_backoff));
  args.SetMaxReceiveMessageSize(kMaxReceiveMessageBytes);
  args.SetUserAgentPrefix("stepwise-worker");
  return grpc::CreateCustomChannel(options.endpoint, grpc::InsecureChannelCredentials(), args);
}

}  // namespace

void SharedSync::NotifyShutdown() {
  cv.notify_all();
  pool_cv.notify_all();
}

void WaitUntil(SharedSync& sync, std::unique_lock<std::mutex>& lock, absl::Time until,
               std::condition_variable* cv) {
  std::condition_variable& wait_on = cv != nullptr ? *cv : sync.cv;
  if (until == absl::InfiniteFuture()) {
    wait_on.wait(lock);
    return;
  }
  const absl::Duration left = until - absl::Now();
  if (left <= absl::ZeroDuration()) return;
  // A relative wait (steady clock), so that wall-clock jumps do not matter.
  wait_on.wait_for(lock, absl::ToChronoNanoseconds(left));
}

WorkerContext::WorkerContext(WorkerOptions worker_options)
    : options(std::move(worker_options)),
      channel(MakeChannel(options)),
      worker_stub(v1::Worker::NewStub(channel)),
      states_stub(v1::States::NewStub(channel)),
      outages(options.endpoint) {}

bool WorkerContext::ShutdownRequested() const {
  std::lock_guard<std::mutex> lock(sync->mu);
  return sync->shutdown;
}

bool WorkerContext::SleepUntil(absl::Time until) const {
  std::unique_lock<std::mutex> lock(sync->mu);
  while (!sync->shutdown && absl::Now() < until) WaitUntil(*sync, lock, until);
  return sync->shutdown;
}

absl::Time WorkerContext::CallDeadline() const {
  std::lock_guard<std::mutex> lock(sync->mu);
  const absl::Time now = absl::Now();
  return std::min(now + kCallTimeout, std::max(sync->grace_deadline, now + kMinCallTimeout));
}

}  // namespace stepwise::worker::internal
