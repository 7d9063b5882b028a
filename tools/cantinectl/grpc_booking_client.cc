#include "tools/cantinectl/grpc_booking_client.h"

#include "tools/cantinectl/grpc_call.h"

namespace cantine::cantinectl {
namespace {

using Stub = v1::BookingService::StubInterface;

}  // namespace

GrpcBookingClient::GrpcBookingClient(const std::shared_ptr<grpc::ChannelInterface>& channel,
                                     absl::Duration timeout)
    : stub_(v1::BookingService::NewStub(channel)), timeout_(timeout) {}

absl::StatusOr<v1::GetAvailabilityResponse> GrpcBookingClient::GetAvailability(
    const v1::GetAvailabilityRequest& request) {
  return CallUnary(*stub_, &Stub::GetAvailability, request, timeout_, nullptr);
}

absl::StatusOr<v1::Booking> GrpcBookingClient::CreateBooking(
    const v1::CreateBookingRequest& request, const std::string& credential) {
  return CallUnary(*stub_, &Stub::CreateBooking, request, timeout_, &credential);
}

absl::StatusOr<v1::Booking> GrpcBookingClient::CancelBooking(
    const v1::CancelBookingRequest& request, const std::string& credential) {
  return CallUnary(*stub_, &Stub::CancelBooking, request, timeout_, &credential);
}

absl::StatusOr<v1::Booking> GrpcBookingClient::GetBooking(const v1::GetBookingRequest& request,
                                                          const std::string& credential) {
  return CallUnary(*stub_, &Stub::GetBooking, request, timeout_, &credential);
}

absl::StatusOr<v1::Booking> GrpcBookingClient::CheckIn(const v1::CheckInRequest& request,
                                                       const std::string& credential) {
  return CallUnary(*stub_, &Stub::CheckIn, request, timeout_, &credential);
}

absl::StatusOr<v1::ListBookingsResponse> GrpcBookingClient::ListBookings(
    const v1::ListBookingsRequest& request, const std::string& credential) {
  return CallUnary(*stub_, &Stub::ListBookings, request, timeout_, &credential);
}

absl::StatusOr<v1::Settlement> GrpcBookingClient::GetSettlement(
    const v1::GetSettlementRequest& request, const std::string& admin_credential) {
  return CallUnary(*stub_, &Stub::GetSettlement, request, timeout_, &admin_credential);
}

}  // namespace cantine::cantinectl
