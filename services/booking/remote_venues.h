#pragma once

#include <map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "cantine/v1/booking.pb.h"
#include "cantine/v1/federation.pb.h"

namespace cantine::booking {

// The booking calls of other sites' nodes (venues, and members' home sites), over the
// federation channel. Each returns the
// owner's answer unchanged, or UNAVAILABLE naming the venue when its node cannot be reached
// before `deadline`; nothing is queued. Implemented by the federation forwarder.
class RemoteVenues {
 public:
  virtual ~RemoteVenues() = default;
  // `home_visit_days`: where this is the member's home, the member's visit days at other
  // venues than `site_id` per month of the request (empty: the venue asks).
  virtual absl::StatusOr<v1::Booking> CreateBooking(
      absl::string_view site_id, absl::string_view member_token,
      const v1::CreateBookingRequest& request,
      const std::map<absl::CivilMonth, int>& home_visit_days, absl::Time deadline) = 0;
  virtual absl::StatusOr<v1::Booking> CancelBooking(absl::string_view site_id,
                                                    absl::string_view member_token,
                                                    const v1::CancelBookingRequest& request,
                                                    absl::Time deadline) = 0;
  virtual absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      absl::string_view site_id, const v1::GetAvailabilityRequest& request,
      absl::Time deadline) = 0;
  // This site's members' receipts in `site_id`'s feed (ForwardedBookings::ReceiptsForHome
  // there).
  virtual absl::StatusOr<v1::PullReceiptsResponse> PullReceipts(
      absl::string_view site_id, const v1::PullReceiptsRequest& request, absl::Time deadline) = 0;
  // Tells home site `site_id` that this venue's feed holds new receipts for it
  // (ForwardedBookings::ReceiptsWaiting there).
  virtual absl::Status NotifyReceipts(absl::string_view site_id, absl::Time deadline) = 0;
  // A member's itinerary at its home site `site_id`.
  virtual absl::StatusOr<v1::ListBookingsResponse> ListBookings(
      absl::string_view site_id, absl::string_view member_token,
      const v1::ListBookingsRequest& request, absl::Time deadline) = 0;
  // A member's booking at venue `site_id`.
  virtual absl::StatusOr<v1::Booking> GetBooking(absl::string_view site_id,
                                                 absl::string_view member_token,
                                                 const v1::GetBookingRequest& request,
                                                 absl::Time deadline) = 0;
};

}  // namespace cantine::booking
