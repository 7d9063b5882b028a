#pragma once

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "cantine/v1/booking.grpc.pb.h"
#include "grpcpp/channel.h"
#include "tools/cantinectl/booking_client.h"

namespace cantine::cantinectl {

// BookingClient over gRPC. Every call gets its own deadline, `timeout` from its start.
// Not thread-safe (cantinectl makes one call at a time).
class GrpcBookingClient final : public BookingClient {
 public:
  GrpcBookingClient(const std::shared_ptr<grpc::ChannelInterface>& channel, absl::Duration timeout);

  absl::StatusOr<v1::GetAvailabilityResponse> GetAvailability(
      const v1::GetAvailabilityRequest& request) override;
  absl::StatusOr<v1::Booking> CreateBooking(const v1::CreateBookingRequest& request,
                                            const std::string& credential) override;
  absl::StatusOr<v1::Booking> CancelBooking(const v1::CancelBookingRequest& request,
                                            const std::string& credential) override;
  absl::StatusOr<v1::Booking> GetBooking(const v1::GetBookingRequest& request,
                                         const std::string& credential) override;
  absl::StatusOr<v1::Booking> CheckIn(const v1::CheckInRequest& request,
                                      const std::string& credential) override;
  absl::StatusOr<v1::ListBookingsResponse> ListBookings(const v1::ListBookingsRequest& request,
                                                        const std::string& credential) override;
  absl::StatusOr<v1::Settlement> GetSettlement(const v1::GetSettlementRequest& request,
                                               const std::string& admin_credential) override;

 private:
  std::unique_ptr<v1::BookingService::StubInterface> stub_;
  absl::Duration timeout_;
};

}  // namespace cantine::cantinectl
