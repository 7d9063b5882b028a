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

}  // namespace cantine::storage
