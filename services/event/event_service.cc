#include "services/event/event_service.h"

#include "absl/strings/str_cat.h"
#include "services/domain/field_checks.h"
#include "services/event/event_codec.h"
#include "services/rpc/admin_check.h"
#include "services/rpc/bearer_token.h"
#include "services/rpc/proto_time.h"
#include "services/rpc/status_conversion.h"

namespace cantine::event {

using rpc::ToGrpcStatus;

namespace {

grpc::Status Answer(const absl::StatusOr<domain::Event>& event, v1::Event* response) {
  if (!event.ok()) return ToGrpcStatus(event.status());
  *response = EventToProto(*event);
  return grpc::Status::OK;
}

}  // namespace

EventServiceImpl::EventServiceImpl(EventBoard* board, const auth::AdminCredential* admin)
    : board_(board), admin_(admin) {}

grpc::Status EventServiceImpl::AnnounceEvent(grpc::ServerContext* context,
                                             const v1::AnnounceEventRequest* request,
                                             v1::Event* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (!request->has_start() || !request->has_end()) {
    return ToGrpcStatus(
        absl::InvalidArgumentError("start and end are required: civil times at the host venue"));
  }
  absl::StatusOr<absl::CivilMinute> start = rpc::CivilMinuteFromProto("start", request->start());
  if (!start.ok()) return ToGrpcStatus(start.status());
  absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request->end());
  if (!end.ok()) return ToGrpcStatus(end.status());
  domain::EventDraft draft{.title = request->title(),
                           .description = request->description(),
                           .tags = {request->tags().begin(), request->tags().end()},
                           .local_start = *start,
                           .local_end = *end,
                           .capacity = request->capacity()};
  absl::StatusOr<domain::Event> event = board_->Announce(draft);
  if (event.ok()) log_.Info("announced event ", event->event_id, " '", event->title, "'");
  return Answer(event, response);
}

grpc::Status EventServiceImpl::UpdateEvent(grpc::ServerContext* context,
                                           const v1::UpdateEventRequest* request,
                                           v1::Event* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("event_id", request->event_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  domain::EventUpdate update;
  if (request->has_title()) update.title = request->title();
  if (request->has_description()) update.description = request->description();
  if (request->has_tags()) {
    update.tags.emplace(request->tags().tags().begin(), request->tags().tags().end());
  }
  if (request->has_start()) {
    absl::StatusOr<absl::CivilMinute> start = rpc::CivilMinuteFromProto("start", request->start());
    if (!start.ok()) return ToGrpcStatus(start.status());
    update.local_start = *start;
  }
  if (request->has_end()) {
    absl::StatusOr<absl::CivilMinute> end = rpc::CivilMinuteFromProto("end", request->end());
    if (!end.ok()) return ToGrpcStatus(end.status());
    update.local_end = *end;
  }
  if (request->has_capacity()) update.capacity = request->capacity();
  absl::StatusOr<domain::Event> event = board_->Update(request->event_id(), update);
  if (event.ok()) log_.Info("updated event ", event->event_id);
  return Answer(event, response);
}

grpc::Status EventServiceImpl::CancelEvent(grpc::ServerContext* context,
                                           const v1::CancelEventRequest* request,
                                           v1::Event* response) {
  if (absl::Status s = rpc::CheckAdmin(*context, *admin_); !s.ok()) return ToGrpcStatus(s);
  if (absl::Status s = domain::CheckSlug("event_id", request->event_id()); !s.ok()) {
    return ToGrpcStatus(s);
  }
  absl::StatusOr<domain::Event> event = board_->Cancel(request->event_id());
  if (event.ok()) log_.Info("cancelled event ", event->event_id);
  return Answer(event, response);
}

grpc::Status EventServiceImpl::ListEvents(grpc::ServerContext*,
                                          const v1::ListEventsRequest* request,
                                          v1::ListEventsResponse* response) {
  domain::EventFilter filter{.city = request->city(),
                             .site_id = request->site_id(),
                             .tag = request->tag(),
                             .include_cancelled = request->include_cancelled()};
  if (request->has_from_day()) {
    absl::StatusOr<absl::CivilDay> day = rpc::CivilDayFromProto("from_day", request->from_day());
    if (!day.ok()) return ToGrpcStatus(day.status());
    filter.from_day = *day;
  }
  if (request->has_to_day()) {
    absl::StatusOr<absl::CivilDay> day = rpc::CivilDayFromProto("to_day", request->to_day());
    if (!day.ok()) return ToGrpcStatus(day.status());
    filter.to_day = *day;
  }
  absl::StatusOr<EventBoard::Page> page =
      board_->List(filter, request->page_size(), request->page_token());
  if (!page.ok()) return ToGrpcStatus(page.status());
  for (const domain::Event& event : page->events) *response->add_events() = EventToProto(event);
  response->set_next_page_token(page->next_page_token);
  return grpc::Status::OK;
}

}  // namespace cantine::event
