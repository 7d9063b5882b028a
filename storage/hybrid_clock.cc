#include "storage/hybrid_clock.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace cantine::storage {

HybridClock::HybridClock(const Clock* clock, absl::Duration max_skew)
    : clock_(clock), max_skew_(max_skew) {}

HybridTime HybridClock::Now() {
  const int64_t physical = absl::ToUnixMicros(clock_->Now());
  absl::MutexLock lock(&mu_);
  if (physical > last_.wall_micros) {
    last_ = {physical, 0};
  } else {
    ++last_.logical;
  }
  return last_;
}

absl::Status HybridClock::Observe(HybridTime remote) {
  const int64_t physical = absl::ToUnixMicros(clock_->Now());
  const int64_t ahead = remote.wall_micros - physical;
  if (ahead > absl::ToInt64Microseconds(max_skew_)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "remote clock is ", absl::FormatDuration(absl::Microseconds(ahead)),
        " ahead of this node's; at most ", absl::FormatDuration(max_skew_), " is accepted"));
  }
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_, remote);
  return absl::OkStatus();
}

void HybridClock::Restore(HybridTime floor) {
  absl::MutexLock lock(&mu_);
  last_ = std::max(last_, floor);
}

}  // namespace cantine::storage
