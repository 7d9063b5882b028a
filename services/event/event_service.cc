#include "services/event/event_service.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/event/event_codec.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/paged_scan.h"
#include "storage/status_macros.h"

namespace cantine::event {

EventServiceImpl::EventServiceImpl(EventBoard* board, RemoteHosts* remote,
                                   const auth::AdminCredential* admin,
                                   const auth::TokenKeyResolver* keys,
                                   const domain::MemberDirectory* members,
                                   const storage::Clock* clock)
    : board_(board),
      remote_(remote),
      admin_(admin),
      members_(members),
      callers_(admin, keys, members, clock, board->site_id()) {}

grpc::Status EventServiceImpl::AnnounceEvent(grpc::ServerContext* context,
                                             const v1::AnnounceEventRequest* request,
                                             v1::Event* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    if (!request->has_start() || !request->has_end()) {
      return absl::InvalidArgumentError(
          "start and end are required: civil times at the host venue");
    }
    ASSIGN_OR_RETURN(absl::CivilMinute start, rpc::CivilMinuteFromProto("start", request->start()));
    ASSIGN_OR_RETURN(absl::CivilMinute end, rpc::CivilMinuteFromProto("end", request->end()));
    domain::EventDraft draft{.title = request->title(),
                             .description = request->description(),
                             .tags = {request->tags().begin(), request->tags().end()},
                             .local_start = start,
                             .local_end = end,
                             .capacity = request->capacity()};
    ASSIGN_OR_RETURN(domain::Event event, board_->Announce(draft));
    log_.Info("announced event ", event.event_id, " '", event.title, "'");
    *response = EventToProto(event);
    return absl::OkStatus();
  });
}

grpc::Status EventServiceImpl::UpdateEvent(grpc::ServerContext* context,
                                           const v1::UpdateEventRequest* request,
                                           v1::Event* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    RETURN_IF_ERROR(domain::CheckSlug("event_id", request->event_id()));
    domain::EventUpdate update;
    if (request->has_title()) update.title = request->title();
    if (request->has_description()) update.description = request->description();
    if (request->has_tags()) {
      update.tags.emplace(request->tags().tags().begin(), request->tags().tags().end());
    }
    if (request->has_start()) {
      ASSIGN_OR_RETURN(update.local_start, rpc::CivilMinuteFromProto("start", request->start()));
    }
    if (request->has_end()) {
      ASSIGN_OR_RETURN(update.local_end, rpc::CivilMinuteFromProto("end", request->end()));
    }
    if (request->has_capacity()) update.capacity = request->capacity();
    ASSIGN_OR_RETURN(domain::Event event, board_->Update(request->event_id(), update));
    log_.Info("updated event ", event.event_id);
    *response = EventToProto(event);
    return absl::OkStatus();
  });
}

grpc::Status EventServiceImpl::CancelEvent(grpc::ServerContext* context,
                                           const v1::CancelEventRequest* request,
                                           v1::Event* response) {
  return rpc::Serve([&]() -> absl::Status {
    RETURN_IF_ERROR(rpc::CheckAdmin(*context, *admin_));
    RETURN_IF_ERROR(domain::CheckSlug("event_id", request->event_id()));
    ASSIGN_OR_RETURN(domain::Event event, board_->Cancel(request->event_id()));
    log_.Info("cancelled event ", event.event_id);
    *response = EventToProto(event);
    return absl::OkStatus();
  });
}

grpc::Status EventServiceImpl::ListEvents(grpc::ServerContext*,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    domain::EventFilter filter{.city = request->city(),
                               .site_id = request->site_id(),
                               .tag = request->tag(),
                               .include_cancelled = request->include_cancelled()};
    if (request->has_from_day()) {
      ASSIGN_OR_RETURN(filter.from_day, rpc::CivilDayFromProto("from_day", request->from_day()));
    }
    if (request->has_to_day()) {
      ASSIGN_OR_RETURN(filter.to_day, rpc::CivilDayFromProto("to_day", request->to_day()));
    }
    ASSIGN_OR_RETURN(EventBoard::Page page,
                     board_->List(filter, request->page_size(), request->page_token()));
    for (const domain::Event& event : page.items) *response->add_events() = EventToProto(event);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

// RSVPs.

absl::StatusOr<std::string> EventServiceImpl::HostOf(absl::string_view event_id) {
  return domain::SiteOfRecordId("event_id", event_id, "event");
}

absl::Status EventServiceImpl::CheckForwardedHere(absl::string_view site_id) const {
  if (site_id == board_->site_id()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("this node is ", board_->site_id(), "; the forwarded request is for ", site_id));
}

absl::StatusOr<v1::Rsvp> EventServiceImpl::CreateHere(const rpc::MemberCaller& caller,
                                                      const v1::CreateRsvpRequest& request) {
  ASSIGN_OR_RETURN(const std::string member_id, caller.MemberActedFor(request.member_id()));
  ASSIGN_OR_RETURN(const EventBoard::RsvpAtEvent rsvp,
                   board_->PlaceRsvp(request.event_id(), member_id, request.idempotency_key()));
  log_.Debug("RSVP of ", member_id, " to ", request.event_id());
  return RsvpToProto(rsvp.rsvp, rsvp.event);
}

grpc::Status EventServiceImpl::CreateRsvp(grpc::ServerContext* context,
                                          const v1::CreateRsvpRequest* request,
                                          v1::Rsvp* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(const std::string host, HostOf(request->event_id()));
    if (host == board_->site_id()) {
      ASSIGN_OR_RETURN(*response, CreateHere(caller, *request));
    } else {
      ASSIGN_OR_RETURN(const std::string token, callers_.ForwardableToken(caller, host));
      ASSIGN_OR_RETURN(*response,
                       remote_->CreateRsvp(host, token, *request,
                                           rpc::ForwardDeadline(*context, kForwardTimeout)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Rsvp> EventServiceImpl::CreateRsvpForwarded(
    absl::string_view member_token, const v1::CreateRsvpRequest& request) {
  ASSIGN_OR_RETURN(const std::string host, HostOf(request.event_id()));
  RETURN_IF_ERROR(CheckForwardedHere(host));
  ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.AuthenticateForwarded(member_token));
  return CreateHere(caller, request);
}

absl::StatusOr<v1::Rsvp> EventServiceImpl::CancelHere(const rpc::MemberCaller& caller,
                                                      const v1::CancelRsvpRequest& request) {
  ASSIGN_OR_RETURN(const std::string member_id, caller.MemberActedFor(request.member_id()));
  ASSIGN_OR_RETURN(const EventBoard::RsvpAtEvent rsvp,
                   board_->CancelRsvp(request.event_id(), member_id));
  log_.Debug("RSVP of ", member_id, " to ", request.event_id(), " cancelled");
  return RsvpToProto(rsvp.rsvp, rsvp.event);
}

grpc::Status EventServiceImpl::CancelRsvp(grpc::ServerContext* context,
                                          const v1::CancelRsvpRequest* request,
                                          v1::Rsvp* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.Authenticate(*context));
    ASSIGN_OR_RETURN(const std::string host, HostOf(request->event_id()));
    if (host == board_->site_id()) {
      ASSIGN_OR_RETURN(*response, CancelHere(caller, *request));
    } else {
      ASSIGN_OR_RETURN(const std::string token, callers_.ForwardableToken(caller, host));
      ASSIGN_OR_RETURN(*response,
                       remote_->CancelRsvp(host, token, *request,
                                           rpc::ForwardDeadline(*context, kForwardTimeout)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Rsvp> EventServiceImpl::CancelRsvpForwarded(
    absl::string_view member_token, const v1::CancelRsvpRequest& request) {
  ASSIGN_OR_RETURN(const std::string host, HostOf(request.event_id()));
  RETURN_IF_ERROR(CheckForwardedHere(host));
  ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.AuthenticateForwarded(member_token));
  return CancelHere(caller, request);
}

absl::StatusOr<v1::ListRsvpsResponse> EventServiceImpl::ListHere(
    const rpc::MemberCaller& caller, const v1::ListRsvpsRequest& request) const {
  ASSIGN_OR_RETURN(const std::string member_id, caller.MemberActedFor(request.member_id()));
  ASSIGN_OR_RETURN(const EventBoard::RsvpPage page,
                   board_->ListRsvps(member_id, request.page_size(), request.page_token()));
  v1::ListRsvpsResponse response;
  for (const EventBoard::RsvpAtEvent& item : page.items)
    *response.add_rsvps() = RsvpToProto(item.rsvp, item.event);
  response.set_next_page_token(page.next_page_token);
  return response;
}

grpc::Status EventServiceImpl::ListRsvps(grpc::ServerContext* context,
                                         const v1::ListRsvpsRequest* request,
                                         v1::ListRsvpsResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.Authenticate(*context));
    const std::string host = request->site_id().empty() ? board_->site_id() : request->site_id();
    RETURN_IF_ERROR(domain::CheckSlug("site_id", host));
    if (host == board_->site_id()) {
      ASSIGN_OR_RETURN(*response, ListHere(caller, *request));
    } else {
      ASSIGN_OR_RETURN(const std::string token, callers_.ForwardableToken(caller, host));
      ASSIGN_OR_RETURN(*response,
                       remote_->ListRsvps(host, token, *request,
                                          rpc::ForwardDeadline(*context, kForwardTimeout)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ListRsvpsResponse> EventServiceImpl::ListRsvpsForwarded(
    absl::string_view member_token, const v1::ListRsvpsRequest& request) const {
  RETURN_IF_ERROR(CheckForwardedHere(request.site_id()));
  ASSIGN_OR_RETURN(const rpc::MemberCaller caller, callers_.AuthenticateForwarded(member_token));
  return ListHere(caller, request);
}

absl::StatusOr<v1::ListAttendeesResponse> EventServiceImpl::AttendeesHere(
    const v1::ListAttendeesRequest& request) const {
  ASSIGN_OR_RETURN(const size_t page_size,
                   storage::PageSizeLimit(request.page_size(), EventBoard::kRsvpPageLimits));
  if (!request.page_token().empty()) {
    RETURN_IF_ERROR(domain::CheckSlug("page_token", request.page_token()));
  }
  v1::ListAttendeesResponse response;
  std::string cursor = request.page_token();
  for (size_t read = 0;; read += kAttendeeRowsPerRead) {
    if (read >= kMaxAttendeeRowsRead) {
      if (response.attendees().empty()) {
        return absl::ResourceExhaustedError(absl::StrCat("more than ", kMaxAttendeeRowsRead,
                                                         " RSVPs follow without one who shows it"));
      }
      response.set_next_page_token(response.attendees().rbegin()->member_id());
      return response;
    }
    ASSIGN_OR_RETURN(const EventBoard::Goers goers,
                     board_->GoingAfter(request.event_id(), cursor, kAttendeeRowsPerRead));
    for (const std::string& member_id : goers.member_ids) {
      // A member this node does not hold (yet), or erased, is left out, as one who hides.
      absl::StatusOr<domain::Member> member = members_->Get(member_id);
      if (!member.ok() || member->erased || !member->shows_attendance) continue;
      v1::Attendee* attendee = response.add_attendees();
      attendee->set_member_id(member->member_id);
      attendee->set_display_name(member->display_name);
      attendee->set_home_site_id(member->home_site_id);
      if (static_cast<size_t>(response.attendees_size()) == page_size) {
        response.set_next_page_token(member_id);
        return response;
      }
    }
    if (goers.end) return response;
    cursor = goers.last_read;
  }
}

grpc::Status EventServiceImpl::ListAttendees(grpc::ServerContext* context,
                                             const v1::ListAttendeesRequest* request,
                                             v1::ListAttendeesResponse* response) {
  return rpc::Serve([&]() -> absl::Status {
    ASSIGN_OR_RETURN(const std::string host, HostOf(request->event_id()));
    // Every node holds every event: an unknown one is refused here, not forwarded.
    RETURN_IF_ERROR(board_->Get(request->event_id()).status());
    if (host == board_->site_id()) {
      ASSIGN_OR_RETURN(*response, AttendeesHere(*request));
    } else {
      ASSIGN_OR_RETURN(
          *response,
          remote_->ListAttendees(host, *request, rpc::ForwardDeadline(*context, kForwardTimeout)));
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::ListAttendeesResponse> EventServiceImpl::ListAttendeesForwarded(
    const v1::ListAttendeesRequest& request) const {
  ASSIGN_OR_RETURN(const std::string host, HostOf(request.event_id()));
  RETURN_IF_ERROR(CheckForwardedHere(host));
  return AttendeesHere(request);
}

absl::StatusOr<v1::ListRsvpsResponse> EventServiceImpl::ListRsvpsForHome(
    absl::string_view home_site_id, const v1::ListRsvpsRequest& request) const {
  RETURN_IF_ERROR(CheckForwardedHere(request.site_id()));
  ASSIGN_OR_RETURN(const domain::MemberIdParts member,
                   domain::ParseMemberId("member_id", request.member_id()));
  if (member.home_site_id != home_site_id) {
    return absl::PermissionDeniedError(
        absl::StrCat("site ", home_site_id, " is not the home of ", request.member_id()));
  }
  return ListHere(
      rpc::MemberCaller{
          .desk = false, .member_id = request.member_id(), .token = "", .account_scope = false},
      request);
}

}  // namespace cantine::event
