#include "persistence/postgres/commit_batcher.h"

#include <algorithm>
#include <exception>
#include <string>
#include <utility>

#include "absl/status/status.h"

namespace stepwise::persistence {

CommitBatcher::CommitBatcher(CommitBatcherOptions options, Runner runner)
    : options_{std::max(options.max_in_flight, 1), std::max(options.max_batch, 1)},
      runner_(std::move(runner)) {}

int CommitBatcher::queued() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(queue_.size());
}

std::vector<CommitBatcher::Request*> CommitBatcher::TakeBatch(Request* leader) {
  std::vector<Request*> batch{leader};
  while (!queue_.empty() && static_cast<int>(batch.size()) < options_.max_batch) {
    batch.push_back(queue_.front());
    queue_.pop_front();
  }
  return batch;
}

void CommitBatcher::PromoteNext() {
  if (queue_.empty() || in_flight_ >= options_.max_in_flight) return;
  Request* next = queue_.front();
  queue_.pop_front();
  ++in_flight_;  // Its slot, reserved now: nobody else can take it meanwhile.
  std::lock_guard<std::mutex> lock(next->mu);
  next->lead = true;
  next->cv.notify_one();
}

CommitBatcher::Result CommitBatcher::Commit(const StepUpdate& update, int64_t expected_version) {
  Request self;
  self.step = StepCommit{&update, expected_version};
  std::vector<Request*> batch;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (queue_.empty() && in_flight_ < options_.max_in_flight) {
      ++in_flight_;  // A free slot and nobody waiting: a batch of this step alone.
      batch = {&self};
    } else {
      queue_.push_back(&self);
    }
  }
  if (batch.empty()) {
    {
      std::unique_lock<std::mutex> lock(self.mu);
      self.cv.wait(lock, [&self] { return self.result.has_value() || self.lead; });
      if (self.result.has_value()) {
        if (self.announce_error) std::rethrow_exception(self.announce_error);
        return *std::move(self.result);
      }
    }
    // Promoted: lead everything queued behind it by now.
    std::lock_guard<std::mutex> lock(mu_);
    batch = TakeBatch(&self);
    PromoteNext();  // More queued than one batch takes, and a slot free.
  }
  Run(batch, &self);
  if (self.announce_error) std::rethrow_exception(self.announce_error);
  return *std::move(self.result);
}

void CommitBatcher::Run(std::vector<Request*>& batch, Request* self) {
  std::sort(batch.begin(), batch.end(), [](const Request* a, const Request* b) {
    return a->step.update->execution_arn < b->step.update->execution_arn;
  });
  std::vector<StepCommit> steps;
  steps.reserve(batch.size());
  for (const Request* request : batch) steps.push_back(request->step);
  std::vector<Result> results = runner_(steps);
  if (results.size() != batch.size()) {
    results.assign(
        batch.size(),
        absl::InternalError("CommitBatcher: the runner returned " + std::to_string(results.size()) +
                            " results for " + std::to_string(batch.size()) + " steps"));
  }
  {
    // The slot goes to the next batch before this one's callers are told.
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_;
    PromoteNext();
  }
  // Each step's first post-commit work (StepUpdate::on_committed) runs here,
  // back to back, rather than on each caller's thread as it gets scheduled.
  // One that throws must not leave the others' callers waiting: its
  // exception goes to its own caller, who is woken like the rest.
  if (batch.size() > 1) {
    for (size_t i = 0; i < batch.size(); ++i) {
      const StepUpdate& update = *batch[i]->step.update;
      if (!results[i].ok() || !update.on_committed) continue;
      try {
        update.on_committed(*results[i]);
      } catch (...) {
        batch[i]->announce_error = std::current_exception();
      }
    }
  }
  for (size_t i = 0; i < batch.size(); ++i) {
    Request* request = batch[i];
    if (request == self) {
      self->result = std::move(results[i]);
      continue;
    }
    // Under its mutex: once it sees its result the caller returns and its
    // Request is gone.
    std::lock_guard<std::mutex> lock(request->mu);
    request->result = std::move(results[i]);
    request->cv.notify_one();
  }
}

}  // namespace stepwise::persistence
