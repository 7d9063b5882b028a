#pragma once

#include <algorithm>

#include "absl/time/time.h"

namespace cantine::booking {

// How long the receipts' background threads (ReceiptNotifier, ReceiptPuller) wait before
// trying a site again after `failures` failed tries in a row (at least 1): doubling from
// kFirstRetry to kMaxRetry. So a site back from an outage or a cut link is reached again
// within kMaxRetry, and a site down for long costs one failed call every kMaxRetry.
inline constexpr absl::Duration kFirstRetry = absl::Seconds(1);
inline constexpr absl::Duration kMaxRetry = absl::Seconds(30);

inline absl::Duration RetryBackoff(int failures) {
  return std::min(kFirstRetry * (1 << std::clamp(failures - 1, 0, 16)), kMaxRetry);
}

}  // namespace cantine::booking
