#include "services/booking/booking_service.h"

#include "absl/strings/str_cat.h"
#include "services/booking/booking_codec.h"
#include "services/domain/field_checks.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"

namespace cantine::booking {

using rpc::ToGrpcStatus;

BookingServiceImpl::BookingServiceImpl(BookingLedger* ledger, const site::SiteCatalog* catalog,
                                       const auth::AdminCredential* admin,
                                       const auth::TokenKeyResolver* keys,
                                       const storage::Clock* clock)
    : ledger_(ledger), catalog_(catalog), admin_(admin), keys_(keys), clock_(clock) {}

absl::StatusOr<BookingServiceImpl::Caller> BookingServiceImpl::Authenticate(
    const grpc::ServerContext& context) const {
  absl::StatusOr<std::optional<std::string>> bearer = rpc::BearerToken(context);
  if (!bearer.ok()) return bearer.status();
  if (!bearer->has_value()) {
    return absl::UnauthenticatedError(
        "this call needs a member token (MemberService.IssueToken; cantinectl login) or the "
        "admin credential, as 'authorization: Bearer <token>'");
  }
  if (admin_->Check(*bearer).ok()) return Caller{.desk = true, .member_id = ""};
  absl::StatusOr<auth::MemberTokenClaims> claims =
      verified_tokens_.Verify(**bearer, *keys_, clock_->Now());
  if (!claims.ok()) return claims.status();
  return Caller{.desk = false, .member_id = claims->member_id};
}

absl::Status BookingServiceImpl::CheckActsFor(const Caller& caller, absl::string_view member_id) {
  if (caller.desk || caller.member_id == member_id) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat(
      "member ", caller.member_id, " may act only on its own bookings, not on ", member_id, "'s"));
}

absl::StatusOr<domain::Booking> BookingServiceImpl::OwnBooking(
    const grpc::ServerContext& context, const std::string& booking_id) const {
  absl::StatusOr<Caller> caller = Authenticate(context);
  if (!caller.ok()) return caller.status();
  if (absl::Status s = domain::CheckSlug("booking_id", booking_id); !s.ok()) return s;
  absl::StatusOr<domain::Booking> booking = ledger_->Get(booking_id);
  if (!booking.ok()) return booking.status();
  if (absl::Status s = CheckActsFor(*caller, booking->member_id); !s.ok()) return s;
  return booking;
}

grpc::Status BookingServiceImpl::Answer(const absl::StatusOr<domain::Booking>& booking,
                                        v1::Booking* response) const {
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  *response = BookingToProto(*booking, catalog_->profile().time_zone);
  return grpc::Status::OK;
}

grpc::Status BookingServiceImpl::GetAvailability(grpc::ServerContext*,
                                                 const v1::GetAvailabilityRequest* request,
                                                 v1::GetAvailabilityResponse* response) {
  if (absl::Status s = domain::CheckSlug("space_id", request->space_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<absl::CivilDay> first = rpc::CivilDayFromProto("first_day", request->first_day());
  if (!first.ok()) return ToGrpcStatus(first.status());
  absl::StatusOr<absl::CivilDay> last = rpc::CivilDayFromProto("last_day", request->last_day());
  if (!last.ok()) return ToGrpcStatus(last.status());
  absl::StatusOr<std::vector<BookingLedger::SlotAvailability>> slots =
      ledger_->Availability(request->space_id(), *first, *last);
  if (!slots.ok()) return ToGrpcStatus(slots.status());
  response->set_time_zone(catalog_->profile().time_zone);
  for (const BookingLedger::SlotAvailability& slot : *slots) {
    v1::SlotAvailability* out = response->add_slots();
    *out->mutable_slot() = SlotToProto(slot.slot);
    out->set_seats_total(slot.seats_total);
    out->set_seats_free(slot.seats_free);
  }
  return grpc::Status::OK;
}

grpc::Status BookingServiceImpl::CreateBooking(grpc::ServerContext* context,
                                               const v1::CreateBookingRequest* request,
                                               v1::Booking* response) {
  absl::StatusOr<Caller> caller = Authenticate(*context);
  if (!caller.ok()) return ToGrpcStatus(caller.status());
  if (absl::Status s = domain::CheckSlug("space_id", request->space_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  // A member books for itself; its id may be left out.
  const std::string member_id =
      request->member_id().empty() && !caller->desk ? caller->member_id : request->member_id();
  if (absl::Status s = domain::CheckSlug("member_id", member_id); !s.ok()) {
    return ToGrpcStatus(s);
  }
  if (absl::Status s = CheckActsFor(*caller, member_id); !s.ok()) return ToGrpcStatus(s);
  if (!request->has_start() || !request->has_end()) {
    return ToGrpcStatus(absl::InvalidArgumentError(
        "start and end are required: civil times at the venue, on slot boundaries"));
  }
  absl::StatusOr<absl::CivilMinute> start = rpc::CivilMinuteFromProto("start", request->start());
  if (!start.ok()) return ToGrpcStatus(start.status());
  absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request->end());
  if (!end.ok()) return ToGrpcStatus(end.status());
  domain::BookingRequest booking_request{.space_id = request->space_id(),
                                         .member_id = member_id,
                                         .local_start = *start,
                                         .local_end = *end,
                                         .seats = request->seats(),
                                         .idempotency_key = request->idempotency_key()};
  absl::StatusOr<domain::Booking> booking = ledger_->Create(booking_request);
  if (booking.ok()) log_.Debug("booked ", booking->booking_id, " for ", booking->member_id);
  return Answer(booking, response);
}

grpc::Status BookingServiceImpl::CancelBooking(grpc::ServerContext* context,
                                               const v1::CancelBookingRequest* request,
                                               v1::Booking* response) {
  absl::StatusOr<domain::Booking> booking = OwnBooking(*context, request->booking_id());
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  return Answer(ledger_->Cancel(request->booking_id()), response);
}

grpc::Status BookingServiceImpl::GetBooking(grpc::ServerContext* context,
                                            const v1::GetBookingRequest* request,
                                            v1::Booking* response) {
  return Answer(OwnBooking(*context, request->booking_id()), response);
}

grpc::Status BookingServiceImpl::CheckIn(grpc::ServerContext* context,
                                         const v1::CheckInRequest* request, v1::Booking* response) {
  absl::StatusOr<domain::Booking> booking = OwnBooking(*context, request->booking_id());
  if (!booking.ok()) return ToGrpcStatus(booking.status());
  return Answer(ledger_->CheckIn(request->booking_id()), response);
}

grpc::Status BookingServiceImpl::ListBookings(grpc::ServerContext* context,
                                              const v1::ListBookingsRequest* request,
                                              v1::ListBookingsResponse* response) {
  absl::StatusOr<BookingLedger::Page> page;
  switch (request->filter_case()) {
    case v1::ListBookingsRequest::kMemberId: {
      absl::StatusOr<Caller> caller = Authenticate(*context);
      if (!caller.ok()) return ToGrpcStatus(caller.status());
      if (absl::Status s = domain::CheckSlug("member_id", request->member_id()); !s.ok()) {
        return ToGrpcStatus(s);
      }
      if (absl::Status s = CheckActsFor(*caller, request->member_id()); !s.ok()) {
        return ToGrpcStatus(s);
      }
      page =
          ledger_->ListByMember(request->member_id(), request->page_size(), request->page_token());
      break;
    }
    case v1::ListBookingsRequest::kSpaceDay: {
      if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
      if (absl::Status s = domain::CheckSlug("space_day.space_id", request->space_day().space_id());
          !s.ok()) {
        return ToGrpcStatus(s);
      }
      absl::StatusOr<absl::CivilDay> day =
          rpc::CivilDayFromProto("space_day.day", request->space_day().day());
      if (!day.ok()) return ToGrpcStatus(day.status());
      page = ledger_->ListBySpaceDay(request->space_day().space_id(), *day, request->page_size(),
                                     request->page_token());
      break;
    }
    case v1::ListBookingsRequest::FILTER_NOT_SET:
      return ToGrpcStatus(
          absl::InvalidArgumentError("a filter is required: member_id or space_day"));
  }
  if (!page.ok()) return ToGrpcStatus(page.status());
  const std::string& zone = catalog_->profile().time_zone;
  for (const domain::Booking& booking : page->bookings) {
    *response->add_bookings() = BookingToProto(booking, zone);
  }
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

}  // namespace cantine::booking
