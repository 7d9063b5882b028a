#pragma once

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace cantine::rpc {

// Threads for the parts of gRPC callback handlers that may wait on another site (a forward,
// a visitor's home asked): gRPC's own threads must never block, or one slow peer would stall
// every call of the process. A fixed number of threads and a bounded queue: past it, work
// is refused, so that the caller answers RESOURCE_EXHAUSTED at once, as a sync port does
// once its threads are taken. Threads start when work finds none idle, up to the bound: a
// quiet node holds none. Thread-safe.
class BlockingWork {
 public:
  BlockingWork(int max_threads, size_t max_queued);
  // Runs what is still queued, then joins the threads.
  ~BlockingWork();

  // Queues `work` for a thread; false (and `work` dropped) when max_threads are at work and
  // max_queued wait. Counted so whether or not the threads have yet taken what is theirs:
  // a burst on a quiet node is admitted as on a busy one.
  [[nodiscard]] bool TryRun(absl::AnyInvocable<void() &&> work) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Serve() ABSL_LOCKS_EXCLUDED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty() || stopping_; }

  const size_t max_threads_;
  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  size_t idle_ ABSL_GUARDED_BY(mu_) = 0;
  size_t working_ ABSL_GUARDED_BY(mu_) = 0;  // Threads running work.
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::rpc
