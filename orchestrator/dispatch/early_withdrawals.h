// EarlyWithdrawals: poll keys withdrawn (Worker.WithdrawPolls) before their
// poll arrived. A worker sends its PollTask and, when its last slot fills,
// its WithdrawPolls on separate streams; the server may run the withdrawal
// first. Remembering the key for a while lets the late poll be answered
// empty at once instead of waiting (and maybe taking a task the worker has
// no slot for). Pure: the caller passes the time; not thread-safe.
//
//   EarlyWithdrawals early(/*remember=*/absl::Seconds(30), /*capacity=*/10000);
//   early.Remember("w1-17", now);          // WithdrawPolls found no such poll
//   if (early.Take("w1-17", later)) ...    // the poll arrived: answer it empty
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_EARLY_WITHDRAWALS_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_EARLY_WITHDRAWALS_H_

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/time/time.h"

namespace stepwise::dispatch {

class EarlyWithdrawals {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // Keys are forgotten `remember` after they came, or, beyond `capacity`
  // keys, oldest first (a flood of unknown keys cannot grow it without bound).
  EarlyWithdrawals(absl::Duration remember, size_t capacity);

  // Remembers `key` (non-empty) as withdrawn at `now`.
  void Remember(std::string key, Time now);
  // Whether `key` was withdrawn within `remember` of `now`; forgets it then.
  bool Take(std::string_view key, Time now);

  size_t size() const { return keys_.size(); }

 private:
  void ForgetBefore(Time cutoff);
  void PopOldest();

  const std::chrono::steady_clock::duration remember_;
  const size_t capacity_;
  // By arrival. Also holds taken keys until they age out (an entry counts
  // only while keys_ has the key with the entry's time).
  std::deque<std::pair<Time, std::string>> order_;
  std::unordered_map<std::string, Time> keys_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_EARLY_WITHDRAWALS_H_
