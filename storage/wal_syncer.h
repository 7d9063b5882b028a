#pragma once

#include <cstdint>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "storage/store.h"

namespace cantine::storage {

// Acknowledges commits made with Transaction::CommitWithoutSync once they are durable,
// without a thread waiting for each: a caller hands over what to run then (AfterSync), and
// one thread syncs the write-ahead log for everything handed over since its last sync, then
// runs it all. So a gRPC callback handler commits, returns its thread, and answers from
// here: one fdatasync for every commit that arrived during the last, and no thread switch
// per commit. Thread-safe.
class WalSyncer {
 public:
  // `store` is not owned and outlives the syncer.
  explicit WalSyncer(Store* store);
  // Runs what is still handed over, after one last sync.
  ~WalSyncer();

  // Runs `done`, on the syncer's thread, with the status of a Store::SyncWal that began
  // after this call: it covers every commit that returned before the call. Whatever is
  // handed over before the destructor runs is run, after a sync.
  void AfterSync(absl::AnyInvocable<void(absl::Status) &&> done) ABSL_LOCKS_EXCLUDED(mu_);

  // Syncs done so far (for tests).
  uint64_t syncs() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Waiters = std::vector<absl::AnyInvocable<void(absl::Status) &&>>;

  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !waiting_.empty() || stopping_; }

  Store* const store_;
  mutable absl::Mutex mu_;
  Waiters waiting_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t syncs_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread thread_;
};

}  // namespace cantine::storage
