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
// nothing in the store, so before its Commit() has returned OK the body must do nothing
// outside the transaction that is wrong to repeat or to have done for a write that never
// happened: notify, count or publish only after the commit (as BookingLedger notifies the
// receipt publisher). Reading the clock or drawing a fresh id again on the next run is
// fine. Runs on the calling thread, without waiting between attempts.
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
