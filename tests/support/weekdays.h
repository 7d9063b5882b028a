#pragma once

#include "absl/time/civil_time.h"

namespace cantine::testing {

// The `n`th (from 0) Monday-to-Friday day on or after `from`: a day the default policy
// opens desks on.
absl::CivilDay NthWeekday(absl::CivilDay from, int n);

// The `n`th weekday from a week after today at Paris by the real clock: inside the booking
// horizon, for tests on real processes or nodes on the system clock.
absl::CivilDay ParisWeekdayFromNextWeek(int n);

}  // namespace cantine::testing
