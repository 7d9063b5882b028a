#include "services/domain/booking.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"

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
  constexpr size_t kUniqueDigits = 16;
  const absl::Status invalid = absl::InvalidArgumentError(absl::StrCat(
      field, " '", booking_id, "' is not a booking id (a site id, '-', 16 hex digits)"));
  if (booking_id.size() < kUniqueDigits + 2 ||
      booking_id[booking_id.size() - kUniqueDigits - 1] != '-') {
    return invalid;
  }
  for (char c : booking_id.substr(booking_id.size() - kUniqueDigits)) {
    if (!absl::ascii_isxdigit(c)) return invalid;
  }
  const absl::string_view site_id = booking_id.substr(0, booking_id.size() - kUniqueDigits - 1);
  if (!CheckSlug(field, site_id).ok()) return invalid;
  return std::string(site_id);
}

}  // namespace cantine::domain
