#pragma once

#include <compare>
#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "storage/clock.h"

namespace cantine::storage {

// A hybrid logical clock reading: physical microseconds, then a logical counter.
struct HybridTime {
  int64_t wall_micros = 0;
  uint32_t logical = 0;

  friend auto operator<=>(const HybridTime&, const HybridTime&) = default;
};

// A hybrid logical clock (Kulkarni et al.): readings never go backwards, stay close to the
// physical clock, and move past every remote reading observed, so that causally later
// writes always carry later timestamps. Thread-safe.
class HybridClock {
 public:
  // `clock` is not owned. Remote readings more than `max_skew` ahead of the physical clock
  // are refused.
  HybridClock(const Clock* clock, absl::Duration max_skew);

  // A reading later than every earlier one and every observed remote one.
  HybridTime Now() ABSL_LOCKS_EXCLUDED(mu_);

  // Moves the clock past a remote reading. FAILED_PRECONDITION, naming how far ahead, when
  // `remote` is more than max_skew ahead of the physical clock (the clock is unchanged).
  absl::Status Observe(HybridTime remote) ABSL_LOCKS_EXCLUDED(mu_);

  // Raises the clock to at least `floor` (the last reading persisted before a restart).
  void Restore(HybridTime floor) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const Clock* const clock_;
  const absl::Duration max_skew_;
  absl::Mutex mu_;
  HybridTime last_ ABSL_GUARDED_BY(mu_);
};

}  // namespace cantine::storage
