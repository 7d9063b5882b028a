#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace cantine::domain {

// A wall-clock time of day at the venue, as the offset from local midnight
// (09:30 is absl::Hours(9) + absl::Minutes(30)).
using TimeOfDay = absl::Duration;

struct HalfDaySlot {
  std::string name;  // "morning", "afternoon".
  TimeOfDay start;
  TimeOfDay end;
};

// The booking rules of one venue, set by its manager. Every rule reads them from here.
struct SitePolicy {
  std::vector<absl::Weekday> open_weekdays;
  TimeOfDay opens_at;
  TimeOfDay closes_at;
  std::vector<HalfDaySlot> half_day_slots;  // Exactly two, in order.
  absl::Duration room_block;
  int max_booking_days = 0;
  int booking_horizon_days = 0;
  absl::Duration cancellation_window;
  absl::Duration no_show_grace;
  // Venue days a month this site's members may spend at other sites; none: no limit.
  std::optional<int> member_visit_days_per_month;
};

// Bounds a policy must keep; a policy outside them is a typo, not a choice.
inline constexpr int kMaxBookingDaysLimit = 366;
inline constexpr int kMaxHorizonDaysLimit = 730;
inline constexpr int kHalfDaySlotsPerDay = 2;
inline constexpr int kMinRoomBlockMinutes = 30;
inline constexpr int kMaxVisitDaysPerMonth = 31;

// Mon-Fri 09:00-19:00; morning 09:00-13:00, afternoon 14:00-19:00; two-hour room blocks;
// bookings up to 21 days, ending at most 90 days ahead; cancellation until 24 hours before;
// a no-show is released one hour after its start.
SitePolicy DefaultSitePolicy();

// INVALID_ARGUMENT naming the first field that breaks a rule: opening hours in order and
// inside the day, two ordered, non-overlapping half-day slots inside opening hours, a room
// block of whole minutes that fits the opening hours, day counts and durations in range.
absl::Status ValidateSitePolicy(const SitePolicy& policy);

}  // namespace cantine::domain
