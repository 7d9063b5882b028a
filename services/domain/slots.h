#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/site_policy.h"
#include "services/domain/space.h"

namespace cantine::domain {

// A bookable unit of time of one space: a half-day for a desk pool, a room block for a
// meeting room. Identified by the venue's civil day and its index within that day
// (0 = morning or the first block).
struct SlotId {
  absl::CivilDay day;
  int index = 0;

  friend bool operator==(const SlotId&, const SlotId&) = default;
  friend auto operator<=>(const SlotId& a, const SlotId& b) {
    if (a.day != b.day) return a.day < b.day ? -1 : 1;
    return a.index < b.index ? -1 : (a.index > b.index ? 1 : 0);
  }
};

struct Slot {
  SlotId id;
  std::string name;  // "morning", "afternoon", or "09:00-11:00" for a room block.
  absl::CivilMinute local_start;
  absl::CivilMinute local_end;
  absl::Time start;  // The instants, through the venue's zone (DST included).
  absl::Time end;
};

// How many bookings a slot holds: a desk pool's seats, one for an exclusive room.
int32_t SlotCapacity(const Space& space);

// The slots of a space of `kind` on `day`, in order; none when the venue is closed that day.
std::vector<Slot> SlotsOnDay(SpaceKind kind, const SitePolicy& policy, absl::TimeZone zone,
                             absl::CivilDay day);

// The slots covering [start, end) in venue civil time: `start` must be the start of a slot
// and `end` the end of one, else INVALID_ARGUMENT naming the field and the slot times of
// that day. Spans longer than `max_days` calendar days are refused before any work.
absl::StatusOr<std::vector<Slot>> SlotsBetween(SpaceKind kind, const SitePolicy& policy,
                                               absl::TimeZone zone, absl::CivilMinute start,
                                               absl::CivilMinute end, int max_days);

// "2027-01-11 09:00" in civil time, for messages.
std::string FormatCivilMinute(absl::CivilMinute t);

}  // namespace cantine::domain
