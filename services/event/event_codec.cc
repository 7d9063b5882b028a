#include "services/event/event_codec.h"

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/rpc/proto_enum.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::event {
namespace {

constexpr rpc::EnumPair<domain::EventState, v1::EventState> kStates[] = {
    {domain::EventState::kScheduled, v1::EVENT_STATE_SCHEDULED},
    {domain::EventState::kCancelled, v1::EVENT_STATE_CANCELLED}};

absl::StatusOr<domain::EventState> StateFromProto(int state) {
  std::optional<domain::EventState> known = rpc::EnumFromProto(kStates, state);
  if (!known.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat("state ", state, " is not EVENT_STATE_SCHEDULED or EVENT_STATE_CANCELLED"));
  }
  return *known;
}

constexpr rpc::EnumPair<domain::RsvpState, v1::RsvpState> kRsvpStates[] = {
    {domain::RsvpState::kGoing, v1::RSVP_STATE_GOING},
    {domain::RsvpState::kWaitlisted, v1::RSVP_STATE_WAITLISTED},
    {domain::RsvpState::kCancelled, v1::RSVP_STATE_CANCELLED}};

}  // namespace

v1::Event EventToProto(const domain::Event& event) {
  v1::Event proto;
  proto.set_event_id(event.event_id);
  proto.set_host_site_id(event.host_site_id);
  proto.set_city(event.city);
  proto.set_title(event.title);
  proto.set_description(event.description);
  for (const std::string& tag : event.tags) proto.add_tags(tag);
  proto.set_time_zone(event.time_zone);
  *proto.mutable_start() = rpc::CivilMinuteToProto(event.local_start);
  *proto.mutable_end() = rpc::CivilMinuteToProto(event.local_end);
  *proto.mutable_start_time() = rpc::TimeToProto(event.start);
  *proto.mutable_end_time() = rpc::TimeToProto(event.end);
  proto.set_capacity(event.capacity);
  proto.set_state(rpc::EnumToProto(kStates, event.state, v1::EVENT_STATE_UNSPECIFIED));
  *proto.mutable_update_time() = rpc::TimeToProto(event.update_time);
  proto.set_going_count(event.going_count);
  proto.set_waitlist_count(event.waitlist_count);
  return proto;
}

absl::StatusOr<domain::Event> EventFromProto(const v1::Event& proto) {
  domain::Event event;
  event.event_id = proto.event_id();
  event.host_site_id = proto.host_site_id();
  event.city = proto.city();
  event.title = proto.title();
  event.description = proto.description();
  event.tags.assign(proto.tags().begin(), proto.tags().end());
  event.time_zone = proto.time_zone();
  ASSIGN_OR_RETURN(absl::CivilMinute start, rpc::CivilMinuteFromProto("start", proto.start()));
  event.local_start = start;
  ASSIGN_OR_RETURN(absl::CivilMinute end, rpc::CivilMinuteFromProto("end", proto.end()));
  event.local_end = end;
  ASSIGN_OR_RETURN(event.start, rpc::TimeFromProto("start_time", proto.start_time()));
  ASSIGN_OR_RETURN(event.end, rpc::TimeFromProto("end_time", proto.end_time()));
  event.capacity = proto.capacity();
  ASSIGN_OR_RETURN(event.state, StateFromProto(proto.state()));
  ASSIGN_OR_RETURN(event.update_time, rpc::TimeFromProto("update_time", proto.update_time()));
  event.going_count = proto.going_count();
  event.waitlist_count = proto.waitlist_count();
  return event;
}

v1::RsvpState RsvpStateToProto(domain::RsvpState state) {
  return rpc::EnumToProto(kRsvpStates, state, v1::RSVP_STATE_UNSPECIFIED);
}

std::optional<domain::RsvpState> RsvpStateFromProto(int state) {
  return rpc::EnumFromProto(kRsvpStates, state);
}

v1::Rsvp RsvpToProto(const domain::Rsvp& rsvp, const domain::Event& event) {
  v1::Rsvp proto;
  proto.set_event_id(rsvp.event_id);
  proto.set_member_id(rsvp.member_id);
  proto.set_state(RsvpStateToProto(rsvp.state));
  proto.set_waitlist_position(rsvp.waitlist_position);
  *proto.mutable_create_time() = rpc::TimeToProto(rsvp.create_time);
  *proto.mutable_update_time() = rpc::TimeToProto(rsvp.update_time);
  *proto.mutable_event() = EventToProto(event);
  return proto;
}

}  // namespace cantine::event
