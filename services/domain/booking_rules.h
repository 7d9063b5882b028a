#pragma once

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/domain/booking.h"
#include "services/domain/site_policy.h"
#include "services/domain/slots.h"
#include "services/domain/space.h"

namespace cantine::domain {

// The venue-side rules of booking, as plain functions of their inputs and the time `now`.

// What a valid request books: its slots, seats and price.
struct BookingPlan {
  std::vector<Slot> slots;
  int32_t seats = 0;
  int64_t price_minor = 0;
};

inline constexpr size_t kMaxIdempotencyKeyLength = 128;

// Checks a request against the space and the policy: an active space; seats between 1 and
// the pool's size (exactly 1 for a room); start and end on slot boundaries, in order, at
// most policy.max_booking_days apart; not in the past; ending within the booking horizon
// (checked on the end, not only the start). Price = slots x seats x the slot price (the
// visitor price for a member of another site, where the space sets one).
// INVALID_ARGUMENT names the field; FAILED_PRECONDITION for a retired space, a past start
// or a horizon overrun.
absl::StatusOr<BookingPlan> PlanBooking(const Space& space, const SitePolicy& policy,
                                        absl::TimeZone zone, const BookingRequest& request,
                                        absl::Time now);

// A fingerprint of what the request asks for, so that a retry with the same idempotency key
// can be told apart from a different request reusing it.
std::string RequestFingerprint(const BookingRequest& request);

// OK while the booking can be cancelled: it holds seats and `now` is at least
// policy.cancellation_window before its start. FAILED_PRECONDITION names the window.
absl::Status CheckCancellable(const Booking& booking, const SitePolicy& policy, absl::Time now);

// OK while the booking can be checked in: confirmed, and `now` is on or after the venue
// day of its start and before its end.
absl::Status CheckCheckInAllowed(const Booking& booking, absl::TimeZone zone, absl::Time now);

// When an unchecked booking becomes a no-show.
absl::Time NoShowDeadline(const Booking& booking, const SitePolicy& policy);

// The booking's slots that a release at `now` returns to the pool: those not yet started.
std::vector<SlotId> SlotsToRelease(const Booking& booking, absl::Time now);

// The update_time of a change made to `booking` at `now`: after its last change's, even when
// the venue's clock has stepped back since (an NTP step, a restart on another clock). Its
// receipts keep the latest by update_time, so an earlier time would lose the change there.
absl::Time ChangeTime(const Booking& booking, absl::Time now);

}  // namespace cantine::domain
