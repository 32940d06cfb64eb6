#include "worker/sdk/internal/poll_withdrawal.h"

#include <cinttypes>
#include <cstdio>
#include <memory>
#include <random>
#include <utility>

#include "common/str_cat.h"
#include "grpcpp/client_context.h"

namespace stepwise::worker::internal {

PollKeys::PollKeys() {
  std::random_device device;
  const uint64_t high = (static_cast<uint64_t>(device()) << 32) | device();
  const uint64_t low = (static_cast<uint64_t>(device()) << 32) | device();
  char hex[40];
  std::snprintf(hex, sizeof(hex), "%016" PRIx64 "%016" PRIx64 "-", high, low);
  prefix_ = hex;
}

std::string PollKeys::Next() { return StrCat(prefix_, static_cast<unsigned long long>(next_++)); }

void SendWithdrawPolls(v1::Worker::Stub& stub, const std::vector<std::string>& keys,
                       std::function<void(const grpc::Status&)> done) {
  // Runs `done` when destroyed. Declared first in Call, so destroyed last:
  // after the ClientContext, which holds a reference to the channel. Were
  // `done` to run before it, its caller could destroy its channel meanwhile,
  // and the ClientContext would then drop the channel's last reference on
  // the gRPC thread running this callback; that releases gRPC's shared
  // callback completion queue, whose release joins the very thread doing
  // it and frees the queue under it (a double free, seen in the SDK tests).
  struct Finally {
    std::function<void(const grpc::Status&)> done;
    grpc::Status status = grpc::Status(grpc::StatusCode::INTERNAL, "the call never completed");
    ~Finally() {
      if (done) done(status);
    }
  };
  // Lives until the call completes: the callback owns it.
  struct Call {
    Finally finally;
    grpc::ClientContext rpc;
    v1::WithdrawPollsRequest request;
    v1::WithdrawPollsResponse response;
  };
  auto call = std::make_shared<Call>();
  call->finally.done = std::move(done);
  call->rpc.set_deadline(absl::ToChronoTime(absl::Now() + kWithdrawTimeout));
  for (const std::string& key : keys) call->request.add_poll_keys(key);
  Call& ref = *call;
  stub.async()->WithdrawPolls(
      &ref.rpc, &ref.request, &ref.response,
      [call = std::move(call)](grpc::Status status) { call->finally.status = std::move(status); });
}

}  // namespace stepwise::worker::internal
