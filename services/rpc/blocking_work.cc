#include "services/rpc/blocking_work.h"

#include <utility>

namespace cantine::rpc {

BlockingWork::BlockingWork(int max_threads, size_t max_queued)
    : max_threads_(static_cast<size_t>(max_threads)), max_queued_(max_queued) {}

BlockingWork::~BlockingWork() {
  std::vector<std::thread> threads;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    threads.swap(threads_);
  }
  for (std::thread& thread : threads) thread.join();
}

bool BlockingWork::TryRun(absl::AnyInvocable<void() &&> work) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || working_ + queue_.size() >= max_threads_ + max_queued_) return false;
  queue_.push_back(std::move(work));
  if (idle_ < queue_.size() && threads_.size() < max_threads_) {
    threads_.emplace_back([this] { Serve(); });
  }
  return true;
}

void BlockingWork::Serve() {
  while (true) {
    absl::AnyInvocable<void() &&> work;
    {
      absl::MutexLock lock(&mu_);
      ++idle_;
      mu_.Await(absl::Condition(this, &BlockingWork::HasWork));
      --idle_;
      if (queue_.empty()) return;  // Stopping, nothing left.
      work = std::move(queue_.front());
      queue_.pop_front();
      ++working_;
    }
    std::move(work)();
    absl::MutexLock lock(&mu_);
    --working_;
  }
}

}  // namespace cantine::rpc
