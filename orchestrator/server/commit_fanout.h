// CommitFanout: one CommitObserver that forwards every committed step (and
// the BeforeCommit / AfterCommitFailed hooks around it) to several others
// (the task dispatcher, the timer loop, StartSyncExecution waiters), in the
// order they were added.
//
//   CommitFanout fanout;
//   fanout.Add(&dispatcher);
//   fanout.Add(&timer_loop_waker);
//   ExecutorOptions options{.observer = &fanout};
//
// Add() every observer before the executor commits anything; OnCommitted is
// then thread-safe as the observers are.
#ifndef STEPWISE_ORCHESTRATOR_SERVER_COMMIT_FANOUT_H_
#define STEPWISE_ORCHESTRATOR_SERVER_COMMIT_FANOUT_H_

#include <vector>

#include "orchestrator/service/execution_executor.h"

namespace stepwise::server {

class CommitFanout final : public service::CommitObserver {
 public:
  // `observer` is not owned and must outlive this object.
  void Add(service::CommitObserver* observer) { observers_.push_back(observer); }

  void OnCommitted(const persistence::StepUpdate& update) override {
    for (service::CommitObserver* observer : observers_) observer->OnCommitted(update);
  }
  void BeforeCommit(persistence::StepUpdate& update) override {
    for (service::CommitObserver* observer : observers_) observer->BeforeCommit(update);
  }
  void AfterCommitFailed(const persistence::StepUpdate& update) override {
    for (service::CommitObserver* observer : observers_) observer->AfterCommitFailed(update);
  }

 private:
  std::vector<service::CommitObserver*> observers_;
};

}  // namespace stepwise::server

#endif  // STEPWISE_ORCHESTRATOR_SERVER_COMMIT_FANOUT_H_
