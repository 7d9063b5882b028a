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
  return event;
}

}  // namespace cantine::event
