#include "storage/clock.h"

#include "absl/time/clock.h"

namespace cantine::storage {

absl::Time SystemClock::Now() const { return absl::Now(); }

}  // namespace cantine::storage
