#include "storage/wal_syncer.h"

#include <utility>

namespace cantine::storage {

WalSyncer::WalSyncer(Store* store) : store_(store), thread_([this] { Run(); }) {}

WalSyncer::~WalSyncer() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void WalSyncer::AfterSync(absl::AnyInvocable<void(absl::Status) &&> done) {
  absl::MutexLock lock(&mu_);
  waiting_.push_back(std::move(done));
}

uint64_t WalSyncer::syncs() const {
  absl::MutexLock lock(&mu_);
  return syncs_;
}

void WalSyncer::Run() {
  while (true) {
    Waiters batch;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &WalSyncer::HasWork));
      if (waiting_.empty()) return;  // Stopping, nothing left.
      batch.swap(waiting_);
    }
    // Everything in `batch` was handed over after its commit returned, and before this
    // sync begins.
    const absl::Status synced = store_->SyncWal();
    {
      absl::MutexLock lock(&mu_);
      ++syncs_;
    }
    for (auto& done : batch) std::move(done)(synced);
  }
}

}  // namespace cantine::storage
