#include "services/domain/booking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/domain/member.h"
#include "storage/status_macros.h"

namespace cantine::domain {

absl::string_view BookingStateName(BookingState state) {
  switch (state) {
    case BookingState::kConfirmed:
      return "confirmed";
    case BookingState::kCheckedIn:
      return "checked in";
    case BookingState::kCancelled:
      return "cancelled";
    case BookingState::kNoShow:
      return "no-show";
  }
  return "unknown";
}

bool HoldsSeats(BookingState state) {
  return state == BookingState::kConfirmed || state == BookingState::kCheckedIn;
}

absl::Status CheckActsFor(const std::optional<std::string>& acting_member_id,
                          absl::string_view owner_member_id) {
  if (!acting_member_id.has_value() || *acting_member_id == owner_member_id) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("member ", *acting_member_id,
                                                  " may act only on its own bookings, not on ",
                                                  owner_member_id, "'s"));
}

std::string MakeBookingId(absl::string_view site_id, absl::string_view unique_part) {
  return absl::StrCat(site_id, "-", unique_part);
}

absl::StatusOr<std::string> VenueOfBookingId(absl::string_view field,
                                             absl::string_view booking_id) {
  return SiteOfRecordId(field, booking_id, "booking");
}

absl::Status CheckReceipt(const Booking& receipt, const ReceiptContext& context) {
  const auto invalid = [&](auto&&... why) {
    return absl::InvalidArgumentError(absl::StrCat("receipt of booking ", receipt.booking_id,
                                                   " from ", context.origin_site_id, ": ", why...));
  };
  ASSIGN_OR_RETURN(std::string venue, VenueOfBookingId("booking_id", receipt.booking_id));
  if (receipt.site_id != context.origin_site_id || venue != context.origin_site_id) {
    return invalid("its venue is ", receipt.site_id, " (booking id: ", venue,
                   "); only the venue writes its bookings");
  }

  absl::StatusOr<MemberIdParts> member = ParseMemberId("member_id", receipt.member_id);
  if (!member.ok()) return invalid(member.status().message());
  if (receipt.home_site_id != member->home_site_id) {
    return invalid("home site is '", receipt.home_site_id, "' but member ", receipt.member_id,
                   " belongs to ", member->home_site_id);
  }
  if (context.member_home_site_id.has_value() &&
      *context.member_home_site_id != receipt.home_site_id) {
    return invalid("home site is ", receipt.home_site_id, " but the record of member ",
                   receipt.member_id, " says ", *context.member_home_site_id);
  }

  if (receipt.currency_code != context.venue_currency_code) {
    return invalid("currency is '", receipt.currency_code, "' but ", receipt.site_id,
                   " charges in ", context.venue_currency_code, " (its directory entry)");
  }
  if (receipt.seats < 1 || receipt.seats > kMaxSeatsPerBooking) {
    return invalid("seats is ", receipt.seats, "; at least 1, at most ", kMaxSeatsPerBooking);
  }
  if (receipt.slots.empty() || static_cast<int64_t>(receipt.slots.size()) > kMaxSlotsPerBooking) {
    return invalid(receipt.slots.size(), " slots; at least 1, at most ", kMaxSlotsPerBooking);
  }
  // Bounded operands: the product is at most kMaxBookingPriceMinor.
  const int64_t most =
      static_cast<int64_t>(receipt.slots.size()) * receipt.seats * kMaxPricePerSlotMinor;
  if (receipt.price_minor < 0 || receipt.price_minor > most) {
    return invalid("price is ", receipt.price_minor, " minor units; at least 0, at most ", most,
                   " for ", receipt.slots.size(), " slots of ", receipt.seats,
                   " seats at the highest slot price");
  }

  if (!(receipt.start < receipt.end) || receipt.end - receipt.start > kMaxBookingSpan) {
    return invalid("it runs from ", absl::FormatTime(receipt.start), " to ",
                   absl::FormatTime(receipt.end), "; a booking ends after it starts, within ",
                   absl::FormatDuration(kMaxBookingSpan));
  }
  for (const BookedSlot& slot : receipt.slots) {
    // A venue day is within a day of the UTC day of its start, whatever the zone.
    const int64_t day_offset = slot.id.day - absl::ToCivilDay(slot.start, absl::UTCTimeZone());
    if (!(slot.start < slot.end) || slot.start < receipt.start || slot.end > receipt.end ||
        day_offset < -1 || day_offset > 1) {
      return invalid("slot ", slot.name, " of ", absl::FormatCivilTime(slot.id.day), " (",
                     absl::FormatTime(slot.start), " to ", absl::FormatTime(slot.end),
                     ") is not a slot of that day inside the booking");
    }
  }
  return absl::OkStatus();
}

}  // namespace cantine::domain
