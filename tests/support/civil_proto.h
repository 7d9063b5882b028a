#pragma once

#include "absl/time/civil_time.h"
#include "cantine/v1/common.pb.h"

namespace cantine::testing {

// Civil dates and times of the API built from their fields, for requests in tests.

// A CivilDateTime with the fields as given, unchecked: bad-input tests build impossible
// dates and times with it (2027-02-30, 25:00).
inline v1::CivilDateTime CivilDateTimeAt(int year, int month, int day, int hours, int minutes = 0) {
  v1::CivilDateTime t;
  t.set_year(year);
  t.set_month(month);
  t.set_day(day);
  t.set_hours(hours);
  t.set_minutes(minutes);
  return t;
}

// The CivilDate of `day`.
inline v1::CivilDate CivilDateOf(absl::CivilDay day) {
  v1::CivilDate date;
  date.set_year(static_cast<int>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// `hours`:`minutes` on `day`.
inline v1::CivilDateTime CivilDateTimeAt(absl::CivilDay day, int hours, int minutes = 0) {
  return CivilDateTimeAt(static_cast<int>(day.year()), day.month(), day.day(), hours, minutes);
}

}  // namespace cantine::testing
