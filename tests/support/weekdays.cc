#include "tests/support/weekdays.h"

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace cantine::testing {

absl::CivilDay NthWeekday(absl::CivilDay from, int n) {
  for (absl::CivilDay day = from;; ++day) {
    const absl::Weekday weekday = absl::GetWeekday(day);
    if (weekday == absl::Weekday::saturday || weekday == absl::Weekday::sunday) continue;
    if (n-- == 0) return day;
  }
}

absl::CivilDay ParisWeekdayFromNextWeek(int n) {
  absl::TimeZone paris;
  EXPECT_TRUE(absl::LoadTimeZone("Europe/Paris", &paris));
  return NthWeekday(absl::ToCivilDay(absl::Now(), paris) + 7, n);
}

}  // namespace cantine::testing
