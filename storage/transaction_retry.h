#pragma once

#include <type_traits>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace cantine::storage {

// How many times RetryAborted runs a body whose transaction keeps aborting.
inline constexpr int kMaxTransactionAttempts = 5;

namespace retry_internal {

inline absl::StatusCode CodeOf(const absl::Status& status) { return status.code(); }
template <typename T>
absl::StatusCode CodeOf(const absl::StatusOr<T>& status_or) {
  return status_or.status().code();
}

}  // namespace retry_internal

// Runs `body` (no arguments, returning absl::Status or absl::StatusOr<T>) until it returns
// anything but ABORTED, at most kMaxTransactionAttempts times, and returns its last result:
// after the last attempt that is the ABORTED status as the body returned it. Only ABORTED is
// retried: it is what lock contention becomes (a lock wait past the store's timeout, and
// RocksDB's Busy and TryAgain, see rocks_status.h). Any other error and OK return at once.
//
// The body is one whole transaction: it begins its own (Store::BeginTransaction) on every
// run, and commits it or lets it roll back before returning. A run that aborted leaves
// nothing in the store, so the body must not do anything outside the transaction before
// its Commit() has returned OK (no notification, no counter, no change to shared state
// read by the next run): whatever it did would be done again, or for a write that never
// happened. Runs on the calling thread, without waiting between attempts.
template <typename Body>
std::invoke_result_t<Body&> RetryAborted(Body&& body) {
  for (int attempt = 1;; ++attempt) {
    std::invoke_result_t<Body&> result = body();
    if (retry_internal::CodeOf(result) != absl::StatusCode::kAborted ||
        attempt == kMaxTransactionAttempts) {
      return result;
    }
  }
}

}  // namespace cantine::storage
