#include "services/domain/booking_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/domain/field_checks.h"
#include "storage/status_macros.h"

namespace cantine::domain {

absl::StatusOr<BookingPlan> PlanBooking(const Space& space, const SitePolicy& policy,
                                        absl::TimeZone zone, const BookingRequest& request,
                                        absl::Time now) {
  RETURN_IF_ERROR(CheckSlug("member_id", request.member_id));
  if (request.idempotency_key.empty()) {
    return absl::InvalidArgumentError(
        "idempotency_key is required: a unique string per booking attempt, reused on retry");
  }
  RETURN_IF_ERROR(CheckText("idempotency_key", request.idempotency_key, kMaxIdempotencyKeyLength,
                            /*required=*/true));
  if (space.state != SpaceState::kActive) {
    return absl::FailedPreconditionError(
        absl::StrCat("space '", space.space_id, "' is retired and can no longer be booked"));
  }
  const int32_t capacity = SlotCapacity(space);
  // A room is booked whole: 0 seats means the room.
  const int32_t seats =
      space.kind == SpaceKind::kMeetingRoom && request.seats == 0 ? 1 : request.seats;
  if (seats < 1 || seats > capacity) {
    return absl::InvalidArgumentError(
        space.kind == SpaceKind::kMeetingRoom
            ? absl::StrCat("seats is ", request.seats, "; a meeting room is booked whole (1)")
            : absl::StrCat("seats is ", request.seats, "; '", space.space_id, "' has ", capacity,
                           " seats"));
  }

  ASSIGN_OR_RETURN(std::vector<Slot> slots,
                   SlotsBetween(space.kind, policy, zone, request.local_start, request.local_end,
                                policy.max_booking_days));
  if (static_cast<int64_t>(slots.size()) > kMaxSlotsPerBooking) {
    return absl::InvalidArgumentError(absl::StrCat("the booking holds ", slots.size(),
                                                   " slots; one booking holds at most ",
                                                   kMaxSlotsPerBooking, ": book a shorter span"));
  }

  if (slots.front().start < now) {
    return absl::FailedPreconditionError(absl::StrCat(
        "start ", FormatCivilMinute(request.local_start), " ", zone.name(), " is in the past"));
  }
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  const absl::CivilDay last_day = slots.back().id.day;
  if (last_day - today > policy.booking_horizon_days) {
    return absl::FailedPreconditionError(
        absl::StrCat("the booking ends on ", absl::FormatCivilTime(last_day),
                     ", beyond this venue's horizon of ", policy.booking_horizon_days,
                     " days (the last bookable day is ",
                     absl::FormatCivilTime(today + policy.booking_horizon_days), ")"));
  }

  BookingPlan plan;
  plan.seats = seats;
  const bool visitor = !request.home_site_id.empty() && request.home_site_id != space.site_id;
  const int64_t slot_price = visitor && space.visitor_price_per_slot_minor
                                 ? *space.visitor_price_per_slot_minor
                                 : space.price_per_slot_minor;
  plan.price_minor = static_cast<int64_t>(slots.size()) * seats * slot_price;
  plan.slots = std::move(slots);
  return plan;
}

std::string RequestFingerprint(const BookingRequest& request) {
  return absl::StrCat(request.space_id, "|", FormatCivilMinute(request.local_start), "|",
                      FormatCivilMinute(request.local_end), "|", request.seats);
}

absl::Status CheckCancellable(const Booking& booking, const SitePolicy& policy, absl::Time now) {
  if (!HoldsSeats(booking.state)) {
    return absl::FailedPreconditionError(
        absl::StrCat("booking ", booking.booking_id, " is ", BookingStateName(booking.state)));
  }
  const absl::Time last_moment = booking.start - policy.cancellation_window;
  if (now > last_moment) {
    return absl::FailedPreconditionError(
        absl::StrCat("booking ", booking.booking_id,
                     " can no longer be cancelled: this venue's cancellation "
                     "window closes ",
                     absl::FormatDuration(policy.cancellation_window), " before the start"));
  }
  return absl::OkStatus();
}

absl::Status CheckCheckInAllowed(const Booking& booking, absl::TimeZone zone, absl::Time now) {
  if (booking.state != BookingState::kConfirmed) {
    return absl::FailedPreconditionError(
        absl::StrCat("booking ", booking.booking_id, " is ", BookingStateName(booking.state),
                     "; only a confirmed booking can be checked in"));
  }
  if (absl::ToCivilDay(now, zone) < absl::CivilDay(booking.local_start)) {
    return absl::FailedPreconditionError(absl::StrCat("booking ", booking.booking_id, " starts on ",
                                                      FormatCivilMinute(booking.local_start), " ",
                                                      zone.name(), "; check-in opens that day"));
  }
  if (now >= booking.end) {
    return absl::FailedPreconditionError(
        absl::StrCat("booking ", booking.booking_id, " has ended"));
  }
  return absl::OkStatus();
}

absl::Time NoShowDeadline(const Booking& booking, const SitePolicy& policy) {
  return booking.start + policy.no_show_grace;
}

std::vector<SlotId> SlotsToRelease(const Booking& booking, absl::Time now) {
  std::vector<SlotId> release;
  for (const BookedSlot& slot : booking.slots) {
    if (slot.start >= now) release.push_back(slot.id);
  }
  return release;
}

absl::Time ChangeTime(const Booking& booking, absl::Time now) {
  // A microsecond: the finest step a receipt's timestamp keeps through every codec.
  return std::max(now, booking.update_time + absl::Microseconds(1));
}

}  // namespace cantine::domain
