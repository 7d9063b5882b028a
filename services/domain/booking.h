#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/site_policy.h"
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
  // Another site forwarded the request (its id, as its certificate proves it), saying the
  // member holds `home_visit_days` at venues other than this one, per month. Only the
  // member's home counts those, so they are believed from it alone; otherwise, or for a
  // month they leave out, the home is asked.
  std::string forwarded_by = "";
  std::map<absl::CivilMonth, int> home_visit_days = {};
};

absl::string_view BookingStateName(BookingState state);

// Whether the booking still holds seats (and so may be cancelled, checked in, released).
bool HoldsSeats(BookingState state);

// Who acts on a booking: a member (its id), or the site's desk (std::nullopt), which acts
// for any member. PERMISSION_DENIED unless the desk or `owner_member_id` itself.
absl::Status CheckActsFor(const std::optional<std::string>& acting_member_id,
                          absl::string_view owner_member_id);

// Bounds every booking keeps, whichever venue made it, from the bounds policies and spaces
// keep: a receipt outside them was forged or corrupted on the way.
// Slots: a venue books no more in one booking (a 21-day room booking holds about 130), so
// that its receipt stays well under the size bound of a replicated entry (storage::Oplog).
inline constexpr int64_t kMaxSlotsPerBooking = 1024;
inline constexpr int32_t kMaxSeatsPerBooking = kMaxDeskPoolSeats;
// Every slot for every seat at the highest slot price. Far enough from INT64_MAX that a
// single booking's price never overflows; sums of many are added with a check.
inline constexpr int64_t kMaxBookingPriceMinor =
    kMaxSlotsPerBooking * kMaxSeatsPerBooking * kMaxPricePerSlotMinor;
static_assert(kMaxBookingPriceMinor <= std::numeric_limits<int64_t>::max() / 16);
// The longest a booking spans, start to end, with a day to spare for clock changes.
inline constexpr absl::Duration kMaxBookingSpan = absl::Hours(24 * (kMaxBookingDaysLimit + 1));

// What a booking receipt from another venue is checked against, besides itself.
struct ReceiptContext {
  std::string origin_site_id;       // The site that wrote the replicated entry.
  std::string venue_currency_code;  // The venue's currency, from its directory entry.
  // The home site of the member's record, where this node holds one.
  std::optional<std::string> member_home_site_id = std::nullopt;
};

// INVALID_ARGUMENT naming the first thing a receipt gets wrong: its booking id, site id and
// origin must name one venue; its home site must be the home its member id names
// (ParseMemberId) and the member record's where known; its currency the venue's; its seats,
// slots and price within the bounds above (price at most slots x seats x the highest slot
// price, never negative); its times in order, its slots inside them, each on its own day.
absl::Status CheckReceipt(const Booking& receipt, const ReceiptContext& context);

// A booking id is its venue's site id, '-', and 16 hex digits.
std::string MakeBookingId(absl::string_view site_id, absl::string_view unique_part);
// The venue a booking id names; INVALID_ARGUMENT naming `field` when it is not a booking id.
absl::StatusOr<std::string> VenueOfBookingId(absl::string_view field, absl::string_view booking_id);

}  // namespace cantine::domain
