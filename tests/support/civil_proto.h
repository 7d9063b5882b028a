#pragma once

#include "cantine/v1/common.pb.h"

namespace cantine::testing {

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

}  // namespace cantine::testing
