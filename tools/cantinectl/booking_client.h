#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "cantine/v1/booking.pb.h"

namespace cantine::cantinectl {

// The BookingService calls cantinectl makes, so that commands can be run against a fake.
// Errors are the call's status, as the node or the transport gave it. Implementations
// need not be thread-safe.
class BookingClient {
 public:
  virtual ~BookingClient() = default;

  // Open to anyone: no credential.
  virtual absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      const v1::GetAvailabilityRequest& request) = 0;

  // The calls below present `credential` as the call's bearer token: a member token (the
  // member acts on its own bookings only) or the admin credential (the site's desk, acting
  // for any member; it alone reads a space's bookings of a day, or the visitors of a day).
  virtual absl::StatusOr<v1::Booking> CreateBooking(const v1::CreateBookingRequest& request,
                                                    const std::string& credential) = 0;
  virtual absl::StatusOr<v1::Booking> CancelBooking(const v1::CancelBookingRequest& request,
                                                    const std::string& credential) = 0;
  virtual absl::StatusOr<v1::Booking> GetBooking(const v1::GetBookingRequest& request,
                                                 const std::string& credential) = 0;
  virtual absl::StatusOr<v1::Booking> CheckIn(const v1::CheckInRequest& request,
                                              const std::string& credential) = 0;
  // One page.
  virtual absl::StatusOr<v1::ListBookingsResponse> ListBookings(
      const v1::ListBookingsRequest& request, const std::string& credential) = 0;

  // A manager read: `admin_credential` is presented as the call's bearer token.
  virtual absl::StatusOr<v1::Settlement> GetSettlement(const v1::GetSettlementRequest& request,
                                                       const std::string& admin_credential) = 0;
};

}  // namespace cantine::cantinectl
