#pragma once

#include "cantine/v1/booking.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/booking/booking_ledger.h"
#include "services/logging/logger.h"

namespace cantine::booking {

// cantine.v1.BookingService: validates each request, translates venue civil times, and
// delegates to the BookingLedger. The manager's listing by space and day needs the admin
// credential. Thread-safe.
class BookingServiceImpl final : public v1::BookingService::Service {
 public:
  // None owned; all outlive the service.
  BookingServiceImpl(BookingLedger* ledger, const site::SiteCatalog* catalog,
                     const auth::AdminCredential* admin);

  grpc::Status GetAvailability(grpc::ServerContext* context,
                               const v1::GetAvailabilityRequest* request,
                               v1::GetAvailabilityResponse* response) override;
  grpc::Status CreateBooking(grpc::ServerContext* context, const v1::CreateBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status CancelBooking(grpc::ServerContext* context, const v1::CancelBookingRequest* request,
                             v1::Booking* response) override;
  grpc::Status GetBooking(grpc::ServerContext* context, const v1::GetBookingRequest* request,
                          v1::Booking* response) override;
  grpc::Status ListBookings(grpc::ServerContext* context, const v1::ListBookingsRequest* request,
                            v1::ListBookingsResponse* response) override;
  grpc::Status CheckIn(grpc::ServerContext* context, const v1::CheckInRequest* request,
                       v1::Booking* response) override;

 private:
  // Translates a ledger result into the response, with the venue's zone named.
  grpc::Status Answer(const absl::StatusOr<domain::Booking>& booking, v1::Booking* response) const;

  BookingLedger* const ledger_;
  const site::SiteCatalog* const catalog_;
  const auth::AdminCredential* const admin_;
  const logging::Logger log_{"booking"};
};

}  // namespace cantine::booking
