#pragma once

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/clock.h"

namespace cantine::member {

// Rate limits of registrations made without a credential: a token bucket per caller
// address and one for the whole site. A bucket holds at most its per-minute rate and refills
// continuously at that rate, so a caller may send its minute's worth at once, then one
// every 60/rate seconds. Memory stays bounded: a bucket that has refilled is the same as no
// bucket, and those are dropped, so at most the addresses admitted within the last minute
// are held (a few hundred at the default site rate, whatever the number of callers).
// Thread-safe.
class RegistrationLimiter {
 public:
  struct Limits {
    int per_address_per_minute = 5;
    int per_site_per_minute = 120;
    // What a refusal calls the calls, their callers, and what else to do.
    const char* calls = "registrations";
    const char* caller = "your address";
    const char* otherwise = "register at the desk";
  };

  // `clock` is not owned and outlives the limiter. Both limits are at least 1
  // (NodeOptions validates them).
  RegistrationLimiter(Limits limits, const storage::Clock* clock);

  // Takes a token from `address`'s bucket and one from the site's. RESOURCE_EXHAUSTED,
  // naming the limit and when to retry, when either is empty; a refused call takes nothing.
  absl::Status Admit(absl::string_view address) ABSL_LOCKS_EXCLUDED(mu_);

  // How many address buckets are held (for tests of the bound).
  size_t HeldBuckets() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Bucket {
    double tokens = 0;
    absl::Time updated = absl::InfinitePast();
  };

  // `bucket` refilled up to `now`, at `per_minute`.
  static Bucket Refilled(const Bucket& bucket, int per_minute, absl::Time now);
  // Drops the buckets that have refilled by `now`.
  void DropFullBuckets(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Limits limits_;
  const storage::Clock* const clock_;
  mutable absl::Mutex mu_;
  Bucket site_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Bucket> addresses_ ABSL_GUARDED_BY(mu_);
  // Full buckets are dropped when the map grows past this; then it is twice what stays.
  size_t sweep_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::member
