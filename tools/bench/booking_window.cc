#include "tools/bench/booking_window.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/rpc/proto_time.h"

namespace cantine::bench {
namespace {

// absl::Weekday counts from monday = 0, v1::Weekday from WEEKDAY_MONDAY = 1.
v1::Weekday ToProtoWeekday(absl::Weekday weekday) {
  return static_cast<v1::Weekday>(v1::WEEKDAY_MONDAY + static_cast<int>(weekday));
}

v1::CivilDateTime AtTimeOfDay(absl::CivilDay day, const v1::TimeOfDay& time) {
  // 24:00 becomes 00:00 of the next day, as the node itself normalizes slot ends.
  return rpc::CivilMinuteToProto(absl::CivilMinute(day) + time.hours() * 60 + time.minutes());
}

}  // namespace

absl::StatusOr<BookingWindow> BookingWindow::Make(const v1::SitePolicy& policy,
                                                  absl::CivilDay today, int lead_days, int days) {
  if (lead_days < 1) return absl::InvalidArgumentError("the window must start after today");
  if (days < 1) return absl::InvalidArgumentError(absl::StrCat("--days is ", days, "; at least 1"));
  if (policy.half_day_slots().empty()) {
    return absl::InvalidArgumentError("the site's policy has no half-day slot");
  }
  BookingWindow window;
  window.first_day_ = today + lead_days;
  window.last_day_ = window.first_day_ + (days - 1);
  if (window.last_day_ - today > policy.booking_horizon_days()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--days ", days, " reaches ", absl::FormatCivilTime(window.last_day_),
                     ", beyond the site's booking horizon of ", policy.booking_horizon_days(),
                     " days; at most ", policy.booking_horizon_days() - lead_days + 1, " days"));
  }
  for (absl::CivilDay day = window.first_day_; day <= window.last_day_; ++day) {
    const bool open =
        std::find(policy.open_weekdays().begin(), policy.open_weekdays().end(),
                  ToProtoWeekday(absl::GetWeekday(day))) != policy.open_weekdays().end();
    window.open_day_index_.push_back(open ? static_cast<int>(window.open_days_.size()) : -1);
    if (open) window.open_days_.push_back(day);
  }
  if (window.open_days_.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the venue is open on none of the days ", absl::FormatCivilTime(window.first_day_), " to ",
        absl::FormatCivilTime(window.last_day_), "; give more --days"));
  }
  window.slots_.assign(policy.half_day_slots().begin(), policy.half_day_slots().end());
  return window;
}

absl::StatusOr<BookingWindow> BookingWindow::ForSite(const v1::Site& site, int days) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(site.time_zone(), &zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the site's time zone '", site.time_zone(), "' is unknown here"));
  }
  return Make(site.policy(), absl::ToCivilDay(absl::Now(), zone), kLeadDays, days);
}

int BookingWindow::OpenDayIndex(absl::CivilDay day) const {
  if (day < first_day_ || day > last_day_) return -1;
  return open_day_index_[day - first_day_];
}

v1::CivilDateTime BookingWindow::SlotStart(int day_index, int slot) const {
  return AtTimeOfDay(open_days_[day_index], slots_[slot].start_time());
}

v1::CivilDateTime BookingWindow::SlotEnd(int day_index, int slot) const {
  return AtTimeOfDay(open_days_[day_index], slots_[slot].end_time());
}

}  // namespace cantine::bench
