#include "services/booking/booking_service.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/booking/booking_codec.h"
#include "services/domain/field_checks.h"
#include "services/domain/visits.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::booking {

BookingServiceImpl::BookingServiceImpl(BookingLedger* ledger, ReceiptBook* receipts,
                                       RemoteVenues* remote, const domain::MemberDirectory* members,
                                       const site::SiteCatalog* catalog,
                                       const auth::AdminCredential* admin,
                                       const auth::TokenKeyResolver* keys,
                                       const storage::Clock* clock, storage::WalSyncer* syncer,
                                       rpc::BlockingWork* blocking)
    : ledger_(ledger),
      receipts_(receipts),
      remote_(remote),
      members_(members),
      catalog_(catalog),
      admin_(admin),
      clock_(clock),
      syncer_(syncer),
      blocking_(blocking),
      callers_(admin, keys, members, clock, catalog->profile().site_id) {}

absl::Status BookingServiceImpl::CheckActsFor(const Caller& caller, absl::string_view member_id) {
  return domain::CheckActsFor(caller.acting_member(), member_id);
}

absl::Status BookingServiceImpl::CheckSeesItinerary(const Caller& caller,
                                                    absl::string_view member_id) const {
  if (!caller.desk) return CheckActsFor(caller, member_id);
  // A desk follows its own site's members around the network; other sites' members it sees
  // only at its venue (visitors_on).
  ASSIGN_OR_RETURN(std::string home, members_->HomeSiteOf(member_id));
  if (home == catalog_->profile().site_id) return absl::OkStatus();
  return absl::PermissionDeniedError(absl::StrCat("the desk of ", catalog_->profile().site_id,
                                                  " sees the bookings elsewhere of its own "
                                                  "members only; member ",
                                                  member_id, " belongs to ", home,
                                                  " (its visits here are listed by visitors_on)"));
}

absl::Status BookingServiceImpl::CheckForwardedHere(absl::string_view site_id) const {
  if (IsHere(site_id)) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat("this node is ", catalog_->profile().site_id,
                                                    "; the forwarded request is for ", site_id));
}

bool BookingServiceImpl::IsHere(absl::string_view site_id) const {
  return site_id.empty() || site_id == catalog_->profile().site_id;
}

absl::StatusOr<std::string> BookingServiceImpl::VenueOf(absl::string_view site_id) const {
  if (site_id.empty()) return catalog_->profile().site_id;
  RETURN_IF_ERROR(domain::CheckSlug("site_id", site_id));
  return std::string(site_id);
}

absl::Time BookingServiceImpl::ForwardDeadline(const grpc::ServerContextBase& context) const {
  return rpc::ForwardDeadline(context, kForwardTimeout);
}

v1::Booking BookingServiceImpl::ToProto(const domain::Booking& booking) const {
  return BookingToProto(booking, catalog_->profile().time_zone);
}

absl::StatusOr<domain::Booking> BookingServiceImpl::OwnBooking(
    const Caller& caller, const std::string& booking_id) const {
  RETURN_IF_ERROR(domain::CheckSlug("booking_id", booking_id));
  ASSIGN_OR_RETURN(domain::Booking booking, ledger_->Get(booking_id));
  RETURN_IF_ERROR(CheckActsFor(caller, booking.member_id));
  return booking;
}

// Availability.

absl::StatusOr<v1::GetAvailabilityResponse> BookingServiceImpl::AvailabilityHere(
    const v1::GetAvailabilityRequest& request) const {
  RETURN_IF_ERROR(domain::CheckSlug("space_id", request.space_id()));
  ASSIGN_OR_RETURN(absl::CivilDay first, rpc::CivilDayFromProto("first_day", request.first_day()));
  ASSIGN_OR_RETURN(absl::CivilDay last, rpc::CivilDayFromProto("last_day", request.last_day()));
  ASSIGN_OR_RETURN(std::vector<BookingLedger::SlotAvailability> slots,
                   ledger_->Availability(request.space_id(), first, last));
  v1::GetAvailabilityResponse response;
  response.set_time_zone(catalog_->profile().time_zone);
  for (const BookingLedger::SlotAvailability& slot : slots) {
    v1::SlotAvailability* out = response.add_slots();
    *out->mutable_slot() = SlotToProto(slot.slot);
    out->set_seats_total(slot.seats_total);
    out->set_seats_free(slot.seats_free);
  }
  return response;
}

grpc::Status BookingServiceImpl::GetAvailability(grpc::ServerContext* context,
                                                 const v1::GetAvailabilityRequest* request,
                                                 v1::GetAvailabilityResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(std::string venue, VenueOf(request->site_id()));
    if (IsHere(venue)) {
      ASSIGN_OR_RETURN(*response, AvailabilityHere(*request));
    } else {
      ASSIGN_OR_RETURN(*response,
                       remote_->GetAvailability(venue, *request, ForwardDeadline(*context)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::GetAvailabilityResponse> BookingServiceImpl::AvailabilityForwarded(
    const v1::GetAvailabilityRequest& request) const {
  RETURN_IF_ERROR(CheckForwardedHere(request.site_id()));
  return AvailabilityHere(request);
}

absl::StatusOr<v1::PullReceiptsResponse> BookingServiceImpl::ReceiptsForHome(
    absl::string_view home_site_id, uint64_t incarnation,
    const v1::PullReceiptsRequest& request) const {
  return receipts_->ReadFeed(home_site_id, incarnation, request);
}

void BookingServiceImpl::ReceiptsWaiting(absl::string_view venue) {
  receipts_->NoteFeedWaiting(venue);
}

absl::StatusOr<std::string> BookingServiceImpl::HomeOf(absl::string_view member_id) const {
  return domain::HomeSiteOfSignedInMember(*members_, member_id);
}

absl::Status BookingServiceImpl::CheckHomeHere(absl::string_view member_id) const {
  ASSIGN_OR_RETURN(std::string home, HomeOf(member_id));
  return CheckForwardedHere(home);
}

absl::StatusOr<v1::VisitDaysCount> BookingServiceImpl::VisitDaysForVenue(
    absl::string_view venue, const v1::VisitDaysQuery& query) const {
  RETURN_IF_ERROR(domain::CheckSlug("member_id", query.member_id()));
  RETURN_IF_ERROR(CheckHomeHere(query.member_id()));
  if (query.months_size() == 0 || query.months_size() > kMaxVisitDaysMonths) {
    return absl::InvalidArgumentError(absl::StrCat(
        "months lists ", query.months_size(), "; from 1 to ", kMaxVisitDaysMonths, " are allowed"));
  }
  v1::VisitDaysCount count;
  for (const std::string& text : query.months()) {
    ASSIGN_OR_RETURN(absl::CivilMonth month, domain::ParseMonth("months", text));
    ASSIGN_OR_RETURN(int days, receipts_->VisitDaysExcept(query.member_id(), month, venue));
    count.add_days(days);
  }
  return count;
}

// Creating.

namespace {

// What a forwarding site says of the member's visit days elsewhere, checked as any input.
absl::StatusOr<std::map<absl::CivilMonth, int>> ParseHomeVisitDays(
    const google::protobuf::RepeatedPtrField<v1::MonthVisitDays>& told) {
  if (told.size() > BookingServiceImpl::kMaxVisitDaysMonths) {
    return absl::InvalidArgumentError(
        absl::StrCat("home_visit_days lists ", told.size(), " months; at most ",
                     BookingServiceImpl::kMaxVisitDaysMonths, " are allowed"));
  }
  std::map<absl::CivilMonth, int> parsed;
  for (const v1::MonthVisitDays& entry : told) {
    ASSIGN_OR_RETURN(absl::CivilMonth month,
                     domain::ParseMonth("home_visit_days.month", entry.month()));
    if (entry.days() < 0 || entry.days() > BookingLedger::kMaxVisitDays) {
      return absl::InvalidArgumentError(absl::StrCat("home_visit_days.days of ", entry.month(),
                                                     " is ", entry.days(), "; from 0 to ",
                                                     BookingLedger::kMaxVisitDays));
    }
    if (!parsed.emplace(month, entry.days()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("home_visit_days lists ", entry.month(), " twice"));
    }
  }
  return parsed;
}

}  // namespace

absl::StatusOr<std::map<absl::CivilMonth, int>> BookingServiceImpl::HomeVisitDays(
    const Caller& caller, const v1::CreateBookingRequest& request, absl::string_view venue) const {
  std::map<absl::CivilMonth, int> counted;
  if (!catalog_->policy().member_visit_days_per_month.has_value()) return counted;
  ASSIGN_OR_RETURN(const std::string member_id, caller.MemberActedFor(request.member_id()));
  // A request the venue will refuse anyway gets no count: the venue names what is wrong.
  if (!IsOwnMember(member_id) || !request.has_start() || !request.has_end()) return counted;
  const absl::StatusOr<absl::CivilMinute> start =
      rpc::CivilMinuteFromProto("start", request.start());
  const absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request.end());
  if (!start.ok() || !end.ok() || *end < *start) return counted;
  // The months of the venue days the request touches (the slots' days lie between).
  const absl::CivilMonth first(*start);
  const absl::CivilMonth last(*end);
  if (last - first >= kMaxVisitDaysMonths) return counted;
  for (absl::CivilMonth month = first; month <= last; ++month) {
    ASSIGN_OR_RETURN(counted[month], receipts_->VisitDaysExcept(member_id, month, venue));
  }
  return counted;
}

absl::StatusOr<v1::Booking> BookingServiceImpl::CreateHere(const Caller& caller,
                                                           const v1::CreateBookingRequest& request,
                                                           Forwarding forwarding,
                                                           BookingLedger::Durability durability) {
  RETURN_IF_ERROR(domain::CheckSlug("space_id", request.space_id()));
  ASSIGN_OR_RETURN(const std::string member_id, caller.MemberActedFor(request.member_id()));
  if (!request.has_start() || !request.has_end()) {
    return absl::InvalidArgumentError(
        "start and end are required: civil times at the venue, on slot boundaries");
  }
  ASSIGN_OR_RETURN(absl::CivilMinute start, rpc::CivilMinuteFromProto("start", request.start()));
  ASSIGN_OR_RETURN(absl::CivilMinute end, rpc::CivilMinuteFromProto("end", request.end()));
  domain::BookingRequest booking_request{.space_id = request.space_id(),
                                         .member_id = member_id,
                                         .local_start = start,
                                         .local_end = end,
                                         .seats = request.seats(),
                                         .idempotency_key = request.idempotency_key(),
                                         .member_signed_in = !caller.desk,
                                         .forwarded_by = std::move(forwarding.site_id),
                                         .home_visit_days = std::move(forwarding.home_visit_days)};
  ASSIGN_OR_RETURN(domain::Booking booking, ledger_->Create(booking_request, durability));
  log_.Debug("booked ", booking.booking_id, " for ", booking.member_id);
  return ToProto(booking);
}

bool BookingServiceImpl::BooksOwnMember(const Caller& caller,
                                        const v1::CreateBookingRequest& request) const {
  const absl::StatusOr<std::string> member_id = caller.MemberActedFor(request.member_id());
  if (!member_id.ok()) return true;  // Refused at once, waiting on no one.
  return IsOwnMember(*member_id);
}

bool BookingServiceImpl::IsOwnMember(absl::string_view member_id) const {
  // A member id names its home (no read needed); the ledger still checks the member.
  const absl::StatusOr<domain::MemberIdParts> id = domain::ParseMemberId("member_id", member_id);
  return id.ok() && IsHere(id->home_site_id);
}

absl::StatusOr<v1::Booking> BookingServiceImpl::CreateWaitingOnOthers(
    const Caller& caller, const std::string& venue, const grpc::ServerContextBase& context,
    const v1::CreateBookingRequest& request) {
  if (IsHere(venue)) return CreateHere(caller, request, Forwarding());
  ASSIGN_OR_RETURN(std::string token, callers_.ForwardableToken(caller, venue));
  // Counted here, before forwarding, so that the venue need not call back to ask.
  ASSIGN_OR_RETURN(const auto home_visit_days, HomeVisitDays(caller, request, venue));
  return remote_->CreateBooking(venue, token, request, home_visit_days, ForwardDeadline(context));
}

grpc::ServerUnaryReactor* BookingServiceImpl::CreateBooking(grpc::CallbackServerContext* context,
                                                            const v1::CreateBookingRequest* request,
                                                            v1::Booking* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  enum class Answer { kNow, kAfterSync, kFromBlockingWork } answer = Answer::kNow;
  const grpc::Status status = rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(std::string venue, VenueOf(request->site_id()));
    if (IsHere(venue) && BooksOwnMember(caller, *request)) {
      ASSIGN_OR_RETURN(*response, CreateHere(caller, *request, Forwarding(),
                                             BookingLedger::Durability::kCallerSyncs));
      answer = Answer::kAfterSync;
      return absl::OkStatus();
    }
    const bool queued = blocking_->TryRun([this, reactor, context, request, response,
                                           venue = std::move(venue), caller = std::move(caller)] {
      reactor->Finish(rpc::Serve([&]() -> absl::Status {
        ASSIGN_OR_RETURN(*response, CreateWaitingOnOthers(caller, venue, *context, *request));
        return absl::OkStatus();
      }));
    });
    if (!queued) {
      return absl::ResourceExhaustedError(
          "this node has too many bookings waiting on other sites; retry shortly");
    }
    answer = Answer::kFromBlockingWork;
    return absl::OkStatus();
  });
  switch (answer) {
    case Answer::kNow:
      reactor->Finish(status);
      break;
    case Answer::kAfterSync:
      // The booking (new, or an earlier request's) is acknowledged once the log holds it.
      syncer_->AfterSync(
          [reactor](absl::Status synced) { reactor->Finish(rpc::ToGrpcStatus(synced)); });
      break;
    case Answer::kFromBlockingWork:
      break;
  }
  return reactor;
}

absl::StatusOr<v1::Booking> BookingServiceImpl::CreateForwarded(
    absl::string_view forwarding_site_id, const v1::ForwardedCreateBooking& forwarded) {
  RETURN_IF_ERROR(CheckForwardedHere(forwarded.request().site_id()));
  ASSIGN_OR_RETURN(Caller caller, callers_.AuthenticateForwarded(forwarded.member_token()));
  ASSIGN_OR_RETURN(auto home_visit_days, ParseHomeVisitDays(forwarded.home_visit_days()));
  return CreateHere(
      caller, forwarded.request(),
      {.site_id = std::string(forwarding_site_id), .home_visit_days = std::move(home_visit_days)});
}

// Cancelling.

absl::StatusOr<v1::Booking> BookingServiceImpl::CancelHere(const Caller& caller,
                                                           const std::string& booking_id) {
  RETURN_IF_ERROR(domain::CheckSlug("booking_id", booking_id));
  ASSIGN_OR_RETURN(domain::Booking cancelled, ledger_->Cancel(booking_id, caller.acting_member()));
  return ToProto(cancelled);
}

grpc::Status BookingServiceImpl::CancelBooking(grpc::ServerContext* context,
                                               const v1::CancelBookingRequest* request,
                                               v1::Booking* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(std::string venue,
                     domain::VenueOfBookingId("booking_id", request->booking_id()));
    if (IsHere(venue)) {
      ASSIGN_OR_RETURN(*response, CancelHere(caller, request->booking_id()));
    } else {
      ASSIGN_OR_RETURN(std::string token, callers_.ForwardableToken(caller, venue));
      ASSIGN_OR_RETURN(*response,
                       remote_->CancelBooking(venue, token, *request, ForwardDeadline(*context)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Booking> BookingServiceImpl::CancelForwarded(
    absl::string_view member_token, const v1::CancelBookingRequest& request) {
  ASSIGN_OR_RETURN(std::string venue, domain::VenueOfBookingId("booking_id", request.booking_id()));
  RETURN_IF_ERROR(CheckForwardedHere(venue));
  ASSIGN_OR_RETURN(Caller caller, callers_.AuthenticateForwarded(member_token));
  return CancelHere(caller, request.booking_id());
}

// Reading and checking in.

grpc::Status BookingServiceImpl::GetBooking(grpc::ServerContext* context,
                                            const v1::GetBookingRequest* request,
                                            v1::Booking* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(std::string venue,
                     domain::VenueOfBookingId("booking_id", request->booking_id()));
    if (IsHere(venue)) {
      ASSIGN_OR_RETURN(domain::Booking booking, OwnBooking(caller, request->booking_id()));
      *response = ToProto(booking);
      return absl::OkStatus();
    }
    // Another venue's booking: its latest receipt, where this node is its member's home;
    // else (or before the receipt arrived) the venue is asked.
    absl::StatusOr<v1::Booking> receipt = receipts_->Get(request->booking_id());
    if (receipt.ok()) {
      RETURN_IF_ERROR(CheckSeesItinerary(caller, receipt->member_id()));
      *response = *std::move(receipt);
      return absl::OkStatus();
    }
    if (!absl::IsNotFound(receipt.status()) || caller.desk) return receipt.status();
    ASSIGN_OR_RETURN(std::string token, callers_.ForwardableToken(caller, venue));
    ASSIGN_OR_RETURN(*response,
                     remote_->GetBooking(venue, token, *request, ForwardDeadline(*context)));
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Booking> BookingServiceImpl::GetForwarded(
    absl::string_view member_token, const v1::GetBookingRequest& request) const {
  ASSIGN_OR_RETURN(std::string venue, domain::VenueOfBookingId("booking_id", request.booking_id()));
  RETURN_IF_ERROR(CheckForwardedHere(venue));
  ASSIGN_OR_RETURN(Caller caller, callers_.AuthenticateForwarded(member_token));
  ASSIGN_OR_RETURN(domain::Booking booking, OwnBooking(caller, request.booking_id()));
  return ToProto(booking);
}

absl::StatusOr<v1::ListBookingsResponse> BookingServiceImpl::ItineraryHere(
    const v1::ListBookingsRequest& request) const {
  ASSIGN_OR_RETURN(
      ReceiptBook::Page page,
      receipts_->ListByMember(request.member_id(), request.page_size(), request.page_token()));
  v1::ListBookingsResponse response;
  for (v1::Booking& booking : page.items) *response.add_bookings() = std::move(booking);
  response.set_next_page_token(page.next_page_token);
  return response;
}

absl::StatusOr<v1::ListBookingsResponse> BookingServiceImpl::ListForwarded(
    absl::string_view member_token, const v1::ListBookingsRequest& request) const {
  if (request.filter_case() != v1::ListBookingsRequest::kMemberId) {
    return absl::InvalidArgumentError("a forwarded listing is a member's itinerary: member_id");
  }
  RETURN_IF_ERROR(domain::CheckSlug("member_id", request.member_id()));
  ASSIGN_OR_RETURN(Caller caller, callers_.AuthenticateForwarded(member_token));
  RETURN_IF_ERROR(CheckActsFor(caller, request.member_id()));
  RETURN_IF_ERROR(CheckHomeHere(request.member_id()));
  return ItineraryHere(request);
}

grpc::Status BookingServiceImpl::CheckIn(grpc::ServerContext* context,
                                         const v1::CheckInRequest* request, v1::Booking* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(std::string venue,
                     domain::VenueOfBookingId("booking_id", request->booking_id()));
    if (!IsHere(venue)) {
      return absl::FailedPreconditionError(
          absl::StrCat("booking ", request->booking_id(), " is at ", venue,
                       "; a member checks in at the venue, on its node"));
    }
    ASSIGN_OR_RETURN(domain::Booking checked_in,
                     ledger_->CheckIn(request->booking_id(), caller.acting_member()));
    *response = ToProto(checked_in);
    return absl::OkStatus();
  });
}

grpc::Status BookingServiceImpl::ListBookings(grpc::ServerContext* context,
                                              const v1::ListBookingsRequest* request,
                                              v1::ListBookingsResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    switch (request->filter_case()) {
      case v1::ListBookingsRequest::kMemberId: {
        ASSIGN_OR_RETURN(Caller caller, callers_.Authenticate(*context));
        RETURN_IF_ERROR(domain::CheckSlug("member_id", request->member_id()));
        RETURN_IF_ERROR(CheckSeesItinerary(caller, request->member_id()));
        // The home site holds the member's receipts at every venue.
        ASSIGN_OR_RETURN(std::string home, HomeOf(request->member_id()));
        if (IsHere(home)) {
          ASSIGN_OR_RETURN(*response, ItineraryHere(*request));
        } else {
          ASSIGN_OR_RETURN(std::string token, callers_.ForwardableToken(caller, home));
          ASSIGN_OR_RETURN(*response,
                           remote_->ListBookings(home, token, *request, ForwardDeadline(*context)));
        }
        return absl::OkStatus();
      }
      case v1::ListBookingsRequest::kVisitorsOn: {
        RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
        ASSIGN_OR_RETURN(absl::CivilDay day,
                         rpc::CivilDayFromProto("visitors_on", request->visitors_on()));
        ASSIGN_OR_RETURN(ReceiptBook::Page page,
                         receipts_->ListVisitors(catalog_->profile().site_id, day,
                                                 request->page_size(), request->page_token()));
        for (v1::Booking& booking : page.items) *response->add_bookings() = std::move(booking);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      }
      case v1::ListBookingsRequest::kSpaceDay: {
        RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
        RETURN_IF_ERROR(domain::CheckSlug("space_day.space_id", request->space_day().space_id()));
        ASSIGN_OR_RETURN(absl::CivilDay day,
                         rpc::CivilDayFromProto("space_day.day", request->space_day().day()));
        ASSIGN_OR_RETURN(BookingLedger::Page page,
                         ledger_->ListBySpaceDay(request->space_day().space_id(), day,
                                                 request->page_size(), request->page_token()));
        for (const domain::Booking& booking : page.items) {
          *response->add_bookings() = ToProto(booking);
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      }
      case v1::ListBookingsRequest::FILTER_NOT_SET:
        break;
    }
    return absl::InvalidArgumentError("a filter is required: member_id, space_day or visitors_on");
  });
}

grpc::Status BookingServiceImpl::GetSettlement(grpc::ServerContext* context,
                                               const v1::GetSettlementRequest* request,
                                               v1::Settlement* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    ASSIGN_OR_RETURN(absl::CivilMonth month, domain::ParseMonth("month", request->month()));
    ASSIGN_OR_RETURN(std::vector<domain::SettlementLine> lines, receipts_->Settlement(month));
    response->set_month(domain::FormatMonth(month));
    for (const domain::SettlementLine& line : lines) {
      v1::SettlementLine* out = response->add_lines();
      out->set_host_site_id(line.host_site_id);
      out->set_home_site_id(line.home_site_id);
      out->set_visits(line.visits);
      out->set_visit_days(line.visit_days);
      out->mutable_amount()->set_currency_code(line.currency_code);
      out->mutable_amount()->set_amount_minor(line.amount_minor);
    }
    return absl::OkStatus();
  });
}

}  // namespace cantine::booking
