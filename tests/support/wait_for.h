#pragma once

#include <algorithm>
#include <functional>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace cantine::testing {

// Polls `condition` until it holds or `deadline` passes; returns whether it held. Tests
// wait on conditions with this, never on bare sleeps.
inline bool WaitFor(const std::function<bool()>& condition,
                    absl::Duration deadline = absl::Seconds(10)) {
  const absl::Time give_up = absl::Now() + deadline;
  absl::Duration pause = absl::Milliseconds(1);
  while (!condition()) {
    if (absl::Now() > give_up) return false;
    absl::SleepFor(pause);
    pause = std::min(pause * 2, absl::Milliseconds(50));
  }
  return true;
}

}  // namespace cantine::testing
