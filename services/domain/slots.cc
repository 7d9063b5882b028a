#include "services/domain/slots.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

int64_t Minutes(absl::Duration d) { return absl::ToInt64Minutes(d); }

std::string FormatTimeOfDay(absl::Duration t) {
  return absl::StrFormat("%02d:%02d", Minutes(t) / 60, Minutes(t) % 60);
}

bool IsOpen(const SitePolicy& policy, absl::CivilDay day) {
  return std::find(policy.open_weekdays.begin(), policy.open_weekdays.end(),
                   absl::GetWeekday(day)) != policy.open_weekdays.end();
}

Slot MakeSlot(absl::TimeZone zone, absl::CivilDay day, int index, std::string name,
              absl::Duration start, absl::Duration end) {
  Slot slot;
  slot.id = {day, index};
  slot.name = std::move(name);
  slot.local_start = absl::CivilMinute(day) + Minutes(start);
  slot.local_end = absl::CivilMinute(day) + Minutes(end);
  slot.start = absl::FromCivil(slot.local_start, zone);
  slot.end = absl::FromCivil(slot.local_end, zone);
  return slot;
}

// "09:00, 14:00" or "13:00, 19:00": the slot boundaries a request may use on a day.
std::string Boundaries(const std::vector<Slot>& slots, bool starts) {
  std::vector<std::string> times;
  for (const Slot& slot : slots) {
    const absl::CivilMinute t = starts ? slot.local_start : slot.local_end;
    times.push_back(absl::StrFormat("%02d:%02d", t.hour(), t.minute()));
  }
  return absl::StrJoin(times, ", ");
}

// OK when `time` is where one of `slots`, those of `day`, starts (`starts`) or ends;
// INVALID_ARGUMENT naming the request's "start" or "end" and the boundaries the day has.
absl::Status CheckBoundary(const std::vector<Slot>& slots, absl::CivilDay day,
                           absl::CivilMinute time, bool starts) {
  const absl::string_view field = starts ? "start" : "end";
  if (std::any_of(slots.begin(), slots.end(),
                  [&](const Slot& s) { return (starts ? s.local_start : s.local_end) == time; })) {
    return absl::OkStatus();
  }
  if (slots.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": the venue is closed on ", absl::FormatCivilTime(day)));
  }
  return absl::InvalidArgumentError(absl::StrCat(field, " ", FormatCivilMinute(time),
                                                 " is not the ", field, " of a slot; slots ", field,
                                                 " at ", Boundaries(slots, starts)));
}

}  // namespace

std::string FormatCivilMinute(absl::CivilMinute t) {
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d", t.year(), t.month(), t.day(), t.hour(),
                         t.minute());
}

int32_t SlotCapacity(const Space& space) {
  return space.kind == SpaceKind::kDeskPool ? space.seats : 1;
}

std::vector<Slot> SlotsOnDay(SpaceKind kind, const SitePolicy& policy, absl::TimeZone zone,
                             absl::CivilDay day) {
  std::vector<Slot> slots;
  if (!IsOpen(policy, day)) return slots;
  if (kind == SpaceKind::kDeskPool) {
    for (size_t i = 0; i < policy.half_day_slots.size(); ++i) {
      const HalfDaySlot& half = policy.half_day_slots[i];
      slots.push_back(MakeSlot(zone, day, static_cast<int>(i), half.name, half.start, half.end));
    }
    return slots;
  }
  int index = 0;
  for (absl::Duration start = policy.opens_at; start + policy.room_block <= policy.closes_at;
       start += policy.room_block, ++index) {
    const absl::Duration end = start + policy.room_block;
    slots.push_back(MakeSlot(zone, day, index,
                             absl::StrCat(FormatTimeOfDay(start), "-", FormatTimeOfDay(end)), start,
                             end));
  }
  return slots;
}

absl::StatusOr<std::vector<Slot>> SlotsBetween(SpaceKind kind, const SitePolicy& policy,
                                               absl::TimeZone zone, absl::CivilMinute start,
                                               absl::CivilMinute end, int max_days) {
  if (start >= end) {
    return absl::InvalidArgumentError(absl::StrCat(
        "end (", FormatCivilMinute(end), ") must be after start (", FormatCivilMinute(start), ")"));
  }
  const absl::CivilDay first_day(start);
  // A slot may end at 24:00, which is 00:00 of the next day.
  const absl::CivilDay last_day(end - 1);
  const int64_t days = (last_day - first_day) + 1;
  if (days > max_days) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the booking spans ", days, " days (", absl::FormatCivilTime(first_day), " to ",
        absl::FormatCivilTime(last_day), "); this venue allows at most ", max_days));
  }

  RETURN_IF_ERROR(CheckBoundary(SlotsOnDay(kind, policy, zone, first_day), first_day, start,
                                /*starts=*/true));
  RETURN_IF_ERROR(CheckBoundary(SlotsOnDay(kind, policy, zone, last_day), last_day, end,
                                /*starts=*/false));

  std::vector<Slot> covered;
  for (absl::CivilDay day = first_day; day <= last_day; ++day) {
    for (Slot& slot : SlotsOnDay(kind, policy, zone, day)) {
      if (slot.local_start >= start && slot.local_end <= end) covered.push_back(std::move(slot));
    }
  }
  return covered;
}

}  // namespace cantine::domain
