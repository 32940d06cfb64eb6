// BlockingJobs: a fixed set of threads for the work a callback-API handler
// must not do on gRPC's own threads, because it blocks (a database commit):
// Worker.CompleteAndPollTask applies its completion here, then starts its
// poll. gRPC 1.51 runs callback handlers on a couple of shared threads; one
// blocked there stalls every callback call of the server.
//
//   BlockingJobs jobs(32, "sw-complete");
//   jobs.Submit([reactor, request] { ...commit...; reactor->Register(...); });
//
// Jobs run in the order submitted, each on one of the threads. The queue is
// not bounded here: each job belongs to an RPC in flight, so the callers'
// own concurrency (and gRPC's flow control) bounds it. The destructor runs
// the jobs still queued, then joins: a job's RPC must be finished for the
// server's shutdown to complete.
#ifndef STEPWISE_ORCHESTRATOR_DISPATCH_BLOCKING_JOBS_H_
#define STEPWISE_ORCHESTRATOR_DISPATCH_BLOCKING_JOBS_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace stepwise::dispatch {

class BlockingJobs {
 public:
  // `threads` >= 1; `name` names them for `top -H` (at most 15 characters).
  BlockingJobs(int threads, std::string name);
  ~BlockingJobs();
  BlockingJobs(const BlockingJobs&) = delete;
  BlockingJobs& operator=(const BlockingJobs&) = delete;

  void Submit(std::function<void()> job);

 private:
  void Loop();

  const std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;  // Guarded by mu_.
  bool stopping_ = false;                    // Guarded by mu_.
  std::vector<std::thread> threads_;
};

}  // namespace stepwise::dispatch

#endif  // STEPWISE_ORCHESTRATOR_DISPATCH_BLOCKING_JOBS_H_
