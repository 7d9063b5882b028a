#include "services/event/event_service.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/event/event_codec.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"
#include "storage/status_macros.h"

namespace cantine::event {

EventServiceImpl::EventServiceImpl(EventBoard* board, const auth::AdminCredential* admin)
    : board_(board), admin_(admin) {}

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

}  // namespace cantine::event
