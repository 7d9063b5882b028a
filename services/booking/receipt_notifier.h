#pragma once

#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/booking/remote_venues.h"
#include "services/logging/logger.h"

namespace cantine::booking {

// A background thread at a venue that tells home sites their feeds here hold new receipts
// (RemoteVenues::NotifyReceipts), each until it is told: a home that cannot be reached is
// told again after a backoff (RetryBackoff), without holding up the others. So a home that
// was down pulls what waited for it within kMaxRetry of coming
// back, without polling every venue. A home told while a receipt was being added is told
// again. A home the directory does not list, or lists as suspended or removed
// (NOT_FOUND, FAILED_PRECONDITION), is not told again: reinstated, it pulls at its start or
// its next poll. Thread-safe.
class ReceiptNotifier {
 public:
  inline static constexpr absl::Duration kNoticeTimeout = absl::Seconds(1);
  // A home is reported unreachable in the log after this many failed notices in a row.
  inline static constexpr int kFailuresToWarn = 5;

  // `homes` is not owned and outlives the notifier. `waiting` are the homes to tell at
  // start: after a restart, every home whose feed here holds rows (ReceiptBook::HomesInFeed),
  // for who was told before is forgotten. Starts the thread.
  ReceiptNotifier(RemoteVenues* homes, const std::vector<std::string>& waiting);
  // Stops the thread and waits for it (a notice in flight ends by its deadline).
  ~ReceiptNotifier();

  // Queues `homes` to be told.
  void Tell(const std::vector<std::string>& homes) ABSL_LOCKS_EXCLUDED(mu_);
  // How many homes are still to be told.
  size_t Waiting() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Pending {
    int failures = 0;
    absl::Time next_try = absl::InfinitePast();
    bool again = false;  // Told to tell since the notice in flight was sent.
  };

  void Run();

  RemoteVenues* const homes_;
  const logging::Logger log_{"receipts"};
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Pending> pending_ ABSL_GUARDED_BY(mu_);
  uint64_t changes_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace cantine::booking
