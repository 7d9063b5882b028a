#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/federation.pb.h"

namespace cantine::booking {

// The booking calls this venue serves for other venues' nodes, which forward them for a
// member: the twin of RemoteVenues, seen from the venue's side. The member's token travels
// in the call. FAILED_PRECONDITION when a call names another venue: a forwarded call is
// never forwarded again. Implemented by the booking service; called by the federation port.
class ForwardedBookings {
 public:
  virtual ~ForwardedBookings() = default;
  // `forwarding_site_id` is the caller, as its certificate proves it.
  virtual absl::StatusOr<v1::Booking> CreateForwarded(
      absl::string_view forwarding_site_id, const v1::ForwardedCreateBooking& forwarded) = 0;
  virtual absl::StatusOr<v1::Booking> CancelForwarded(absl::string_view member_token,
                                                      const v1::CancelBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::GetAvailabilityResponse> AvailabilityForwarded(
      const v1::GetAvailabilityRequest& request) const = 0;
  // The receipts of `home_site_id`'s members' bookings at this venue, from the feed of this
  // venue's `incarnation` (ReceiptBook::ReadFeed). The caller is that home site.
  virtual absl::StatusOr<v1::PullReceiptsResponse> ReceiptsForHome(
      absl::string_view home_site_id, uint64_t incarnation,
      const v1::PullReceiptsRequest& request) const = 0;
  // Venue `venue` says its feed holds new receipts for this site's members.
  virtual void ReceiptsWaiting(absl::string_view venue) = 0;
  // A member's itinerary, at its home site.
  virtual absl::StatusOr<v1::ListBookingsResponse> ListForwarded(
      absl::string_view member_token, const v1::ListBookingsRequest& request) const = 0;
  // A member's booking, at its venue.
  virtual absl::StatusOr<v1::Booking> GetForwarded(absl::string_view member_token,
                                                   const v1::GetBookingRequest& request) const = 0;
  // The visit days a member of this home site holds at other venues than `venue`.
  virtual absl::StatusOr<v1::VisitDaysCount> VisitDaysForVenue(
      absl::string_view venue, const v1::VisitDaysQuery& query) const = 0;
};

}  // namespace cantine::booking
