#pragma once

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cantine/v1/booking.pb.h"

namespace cantine::booking {

// The booking calls this venue serves for other venues' nodes, which forward them for a
// member: the twin of RemoteVenues, seen from the venue's side. The member's token travels
// in the call. FAILED_PRECONDITION when a call names another venue: a forwarded call is
// never forwarded again. Implemented by the booking service; called by the federation port.
class ForwardedBookings {
 public:
  virtual ~ForwardedBookings() = default;
  virtual absl::StatusOr<v1::Booking> CreateForwarded(absl::string_view member_token,
                                                      const v1::CreateBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::Booking> CancelForwarded(absl::string_view member_token,
                                                      const v1::CancelBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::GetAvailabilityResponse> AvailabilityForwarded(
      const v1::GetAvailabilityRequest& request) const = 0;
};

}  // namespace cantine::booking
