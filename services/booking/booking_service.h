#pragma once

#include "cantine/v1/booking.grpc.pb.h"
#include "services/auth/admin_credential.h"
#include "services/auth/member_token.h"
#include "services/auth/verified_tokens.h"
#include "services/booking/booking_ledger.h"
#include "services/logging/logger.h"

namespace cantine::booking {

// cantine.v1.BookingService: authenticates the caller, validates each request, translates
// venue civil times, and delegates to the BookingLedger. Availability is open to all; every
// other call needs a member token (the member acts on its own bookings only) or the admin
// credential (the site's desk, acting for any member); the listing by space and day is the
// desk's alone. Thread-safe.
class BookingServiceImpl final : public v1::BookingService::Service {
 public:
  // None owned; all outlive the service. `keys` verifies member tokens offline.
  BookingServiceImpl(BookingLedger* ledger, const site::SiteCatalog* catalog,
                     const auth::AdminCredential* admin, const auth::TokenKeyResolver* keys,
                     const storage::Clock* clock);

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
  // Who is calling: the desk, or one member.
  struct Caller {
    bool desk = false;
    std::string member_id;
  };
  // UNAUTHENTICATED without a valid token or credential.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContext& context) const;
  // PERMISSION_DENIED unless the caller is the desk or `member_id` itself.
  static absl::Status CheckActsFor(const Caller& caller, absl::string_view member_id);
  // The booking, if the caller may see and change it.
  absl::StatusOr<domain::Booking> OwnBooking(const grpc::ServerContext& context,
                                             const std::string& booking_id) const;

  // Translates a ledger result into the response, with the venue's zone named.
  grpc::Status Answer(const absl::StatusOr<domain::Booking>& booking, v1::Booking* response) const;

  BookingLedger* const ledger_;
  const site::SiteCatalog* const catalog_;
  const auth::AdminCredential* const admin_;
  const auth::TokenKeyResolver* const keys_;
  const storage::Clock* const clock_;
  mutable auth::VerifiedTokens verified_tokens_;
  const logging::Logger log_{"booking"};
};

}  // namespace cantine::booking
