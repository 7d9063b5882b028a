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

  virtual absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      const v1::GetAvailabilityRequest& request) = 0;
  virtual absl::StatusOr<v1::Booking> CreateBooking(const v1::CreateBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::Booking> CancelBooking(const v1::CancelBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::Booking> GetBooking(const v1::GetBookingRequest& request) = 0;
  virtual absl::StatusOr<v1::Booking> CheckIn(const v1::CheckInRequest& request) = 0;

  // One page. A member's bookings are read without credential (`admin_credential` null);
  // a space's bookings of a day (space_day) are a manager read, which presents
  // `admin_credential` as the call's bearer token.
  virtual absl::StatusOr<v1::ListBookingsResponse> ListBookings(
      const v1::ListBookingsRequest& request, const std::string* admin_credential) = 0;
};

}  // namespace cantine::cantinectl
