#pragma once

#include "absl/time/time.h"

namespace cantine::storage {

// The node's source of "now". Injected everywhere time matters so tests can drive a fake.
// Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// Wall-clock time of the machine.
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override;
};

// Another clock's time moved by a fixed skew (negative: behind): a node whose machine's
// clock is off, as the fault tests make one (cantined --clock_skew).
class SkewedClock final : public Clock {
 public:
  // `base` is not owned and outlives this clock.
  SkewedClock(const Clock* base, absl::Duration skew) : base_(base), skew_(skew) {}
  absl::Time Now() const override { return base_->Now() + skew_; }

 private:
  const Clock* const base_;
  const absl::Duration skew_;
};

}  // namespace cantine::storage
