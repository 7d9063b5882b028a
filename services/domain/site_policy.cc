#include "services/domain/site_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

constexpr absl::Duration kDay = absl::Hours(24);

bool IsWholeMinutes(absl::Duration d) { return d % absl::Minutes(1) == absl::ZeroDuration(); }

absl::Status CheckTimeOfDay(absl::string_view field, TimeOfDay t) {
  if (t < absl::ZeroDuration() || t > kDay || !IsWholeMinutes(t)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be a whole minute between 00:00 and 24:00"));
  }
  return absl::OkStatus();
}

absl::Status CheckDurationRange(absl::string_view field, absl::Duration d, absl::Duration min,
                                absl::Duration max) {
  if (d < min || d > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", absl::FormatDuration(d), "; it must be between ",
                     absl::FormatDuration(min), " and ", absl::FormatDuration(max)));
  }
  return absl::OkStatus();
}

absl::Status CheckDayCount(absl::string_view field, int days, int max) {
  if (days < 1 || days > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " is ", days, "; it must be between 1 and ", max));
  }
  return absl::OkStatus();
}

}  // namespace

SitePolicy DefaultSitePolicy() {
  SitePolicy policy;
  policy.open_weekdays = {absl::Weekday::monday, absl::Weekday::tuesday, absl::Weekday::wednesday,
                          absl::Weekday::thursday, absl::Weekday::friday};
  policy.opens_at = absl::Hours(9);
  policy.closes_at = absl::Hours(19);
  policy.half_day_slots = {{"morning", absl::Hours(9), absl::Hours(13)},
                           {"afternoon", absl::Hours(14), absl::Hours(19)}};
  policy.room_block = absl::Hours(2);
  policy.max_booking_days = 21;
  policy.booking_horizon_days = 90;
  policy.cancellation_window = absl::Hours(24);
  policy.no_show_grace = absl::Hours(1);
  return policy;
}

absl::Status ValidateSitePolicy(const SitePolicy& policy) {
  if (policy.open_weekdays.empty()) {
    return absl::InvalidArgumentError("open_weekdays must name at least one day");
  }
  std::vector<absl::Weekday> days = policy.open_weekdays;
  std::sort(days.begin(), days.end());
  if (std::adjacent_find(days.begin(), days.end()) != days.end()) {
    return absl::InvalidArgumentError("open_weekdays names a day twice");
  }
  RETURN_IF_ERROR(CheckTimeOfDay("opens_at", policy.opens_at));
  RETURN_IF_ERROR(CheckTimeOfDay("closes_at", policy.closes_at));
  if (policy.opens_at >= policy.closes_at) {
    return absl::InvalidArgumentError("opens_at must be before closes_at");
  }

  if (policy.half_day_slots.size() != kHalfDaySlotsPerDay) {
    return absl::InvalidArgumentError(absl::StrCat(
        "half_day_slots must hold exactly ", kHalfDaySlotsPerDay,
        " slots (a morning and an afternoon); it holds ", policy.half_day_slots.size()));
  }
  TimeOfDay previous_end = policy.opens_at;
  for (size_t i = 0; i < policy.half_day_slots.size(); ++i) {
    const HalfDaySlot& slot = policy.half_day_slots[i];
    const std::string field = absl::StrCat("half_day_slots[", i, "]");
    RETURN_IF_ERROR(CheckSlug(absl::StrCat(field, ".name"), slot.name));
    RETURN_IF_ERROR(CheckTimeOfDay(absl::StrCat(field, ".start_time"), slot.start));
    RETURN_IF_ERROR(CheckTimeOfDay(absl::StrCat(field, ".end_time"), slot.end));
    if (slot.start >= slot.end) {
      return absl::InvalidArgumentError(absl::StrCat(field, " must start before it ends"));
    }
    if (slot.start < previous_end) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, i == 0 ? " starts before opens_at" : " overlaps or precedes the slot before it"));
    }
    if (slot.end > policy.closes_at) {
      return absl::InvalidArgumentError(absl::StrCat(field, " ends after closes_at"));
    }
    previous_end = slot.end;
  }
  if (policy.half_day_slots[0].name == policy.half_day_slots[1].name) {
    return absl::InvalidArgumentError("half_day_slots must have different names");
  }

  if (!IsWholeMinutes(policy.room_block)) {
    return absl::InvalidArgumentError("room_block must be a whole number of minutes");
  }
  RETURN_IF_ERROR(CheckDurationRange("room_block", policy.room_block,
                                     absl::Minutes(kMinRoomBlockMinutes),
                                     policy.closes_at - policy.opens_at));
  RETURN_IF_ERROR(CheckDayCount("max_booking_days", policy.max_booking_days, kMaxBookingDaysLimit));
  RETURN_IF_ERROR(
      CheckDayCount("booking_horizon_days", policy.booking_horizon_days, kMaxHorizonDaysLimit));
  RETURN_IF_ERROR(CheckDurationRange("cancellation_window", policy.cancellation_window,
                                     absl::ZeroDuration(), absl::Hours(24 * 30)));
  RETURN_IF_ERROR(
      CheckDurationRange("no_show_grace", policy.no_show_grace, absl::Minutes(1), absl::Hours(24)));
  if (policy.member_visit_days_per_month.has_value() &&
      (*policy.member_visit_days_per_month < 0 ||
       *policy.member_visit_days_per_month > kMaxVisitDaysPerMonth)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "member_visit_days_per_month is ", *policy.member_visit_days_per_month,
        "; it must be between 0 and ", kMaxVisitDaysPerMonth, " (leave it unset for no limit)"));
  }
  return absl::OkStatus();
}

}  // namespace cantine::domain
