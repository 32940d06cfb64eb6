#include "orchestrator/dispatch/early_withdrawals.h"

#include <algorithm>

namespace stepwise::dispatch {

EarlyWithdrawals::EarlyWithdrawals(absl::Duration remember, size_t capacity)
    : remember_(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          absl::ToChronoNanoseconds(std::max(remember, absl::ZeroDuration())))),
      capacity_(std::max<size_t>(capacity, 1)) {}

void EarlyWithdrawals::PopOldest() {
  auto& [time, key] = order_.front();
  auto it = keys_.find(key);
  if (it != keys_.end() && it->second == time) keys_.erase(it);
  order_.pop_front();
}

void EarlyWithdrawals::ForgetBefore(Time cutoff) {
  while (!order_.empty() && order_.front().first < cutoff) PopOldest();
}

void EarlyWithdrawals::Remember(std::string key, Time now) {
  if (key.empty()) return;
  ForgetBefore(now - remember_);
  if (keys_.count(key) > 0) return;  // Already remembered: it keeps its first time.
  // Bounds order_ (which also holds taken keys), and with it keys_.
  while (order_.size() >= capacity_) PopOldest();
  keys_.emplace(key, now);
  order_.emplace_back(now, std::move(key));
}

bool EarlyWithdrawals::Take(std::string_view key, Time now) {
  ForgetBefore(now - remember_);
  return keys_.erase(std::string(key)) > 0;
}

}  // namespace stepwise::dispatch
