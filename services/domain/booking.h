#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/slots.h"
#include "services/domain/space.h"

namespace cantine::domain {

enum class BookingState {
  kConfirmed,  // Seats held; not yet checked in.
  kCheckedIn,  // The member came.
  kCancelled,  // Cancelled in the window; seats returned, not charged.
  kNoShow,     // Not checked in within the grace period; remaining seats returned, charged.
};

// One slot a booking holds, with the instants it had when booked (a later policy change
// does not move a booking).
struct BookedSlot {
  SlotId id;
  std::string name;  // "morning", "09:00-11:00".
  absl::Time start;
  absl::Time end;
};

// A booking at this venue. Times are civil times at the venue with their instants.
struct Booking {
  std::string booking_id;
  std::string site_id;
  std::string space_id;
  SpaceKind space_kind = SpaceKind::kDeskPool;
  std::string member_id;
  // The member's home site when booked: a visitor when it is not site_id.
  std::string home_site_id;
  std::string idempotency_key;
  int32_t seats = 0;
  absl::CivilMinute local_start;
  absl::CivilMinute local_end;
  absl::Time start;
  absl::Time end;
  std::vector<BookedSlot> slots;  // The slots whose counters hold this booking's seats.
  int64_t price_minor = 0;
  std::string currency_code;
  BookingState state = BookingState::kConfirmed;
  absl::Time create_time;
  absl::Time update_time;
};

// What a member asks for. Times are civil times at the venue.
struct BookingRequest {
  std::string space_id;
  std::string member_id;
  absl::CivilMinute local_start;
  absl::CivilMinute local_end;
  int32_t seats = 0;
  std::string idempotency_key;
  // The member's home site: a member of another site pays the space's visitor price.
  std::string home_site_id = "";
  // The member itself asks, with a token its home site signed: that proves the member, so
  // it books even before its profile has replicated to the venue. Otherwise (the desk) the
  // venue must know the member.
  bool member_signed_in = false;
};

absl::string_view BookingStateName(BookingState state);

// Whether the booking still holds seats (and so may be cancelled, checked in, released).
bool HoldsSeats(BookingState state);

// Who acts on a booking: a member (its id), or the site's desk (std::nullopt), which acts
// for any member. PERMISSION_DENIED unless the desk or `owner_member_id` itself.
absl::Status CheckActsFor(const std::optional<std::string>& acting_member_id,
                          absl::string_view owner_member_id);

// A booking id is its venue's site id, '-', and 16 hex digits.
std::string MakeBookingId(absl::string_view site_id, absl::string_view unique_part);
// The venue a booking id names; INVALID_ARGUMENT naming `field` when it is not a booking id.
absl::StatusOr<std::string> VenueOfBookingId(absl::string_view field, absl::string_view booking_id);

}  // namespace cantine::domain
