#include "services/booking/booking_codec.h"

#include <optional>

#include "absl/status/status.h"
#include "services/rpc/proto_enum.h"
#include "services/rpc/proto_time.h"
#include "services/site/site_codec.h"
#include "storage/status_macros.h"

namespace cantine::booking {
namespace {

constexpr rpc::EnumPair<domain::BookingState, v1::BookingState> kStates[] = {
    {domain::BookingState::kConfirmed, v1::BOOKING_STATE_CONFIRMED},
    {domain::BookingState::kCheckedIn, v1::BOOKING_STATE_CHECKED_IN},
    {domain::BookingState::kCancelled, v1::BOOKING_STATE_CANCELLED},
    {domain::BookingState::kNoShow, v1::BOOKING_STATE_NO_SHOW}};

absl::StatusOr<domain::BookingState> StateFromProto(v1::BookingState state) {
  std::optional<domain::BookingState> known = rpc::EnumFromProto(kStates, state);
  if (!known.has_value()) return absl::DataLossError("stored booking has no valid state");
  return *known;
}

}  // namespace

v1::BookedSlot SlotToProto(const domain::Slot& slot) {
  v1::BookedSlot proto;
  *proto.mutable_day() = rpc::CivilDayToProto(slot.id.day);
  proto.set_index(slot.id.index);
  proto.set_name(slot.name);
  *proto.mutable_start() = rpc::CivilMinuteToProto(slot.local_start);
  *proto.mutable_end() = rpc::CivilMinuteToProto(slot.local_end);
  *proto.mutable_start_time() = rpc::TimeToProto(slot.start);
  *proto.mutable_end_time() = rpc::TimeToProto(slot.end);
  return proto;
}

v1::Booking BookingToProto(const domain::Booking& booking, absl::string_view time_zone) {
  v1::Booking proto;
  proto.set_booking_id(booking.booking_id);
  proto.set_site_id(booking.site_id);
  proto.set_space_id(booking.space_id);
  proto.set_space_kind(site::SpaceKindToProto(booking.space_kind));
  proto.set_member_id(booking.member_id);
  proto.set_home_site_id(booking.home_site_id);
  proto.set_seats(booking.seats);
  proto.set_time_zone(std::string(time_zone));
  *proto.mutable_start() = rpc::CivilMinuteToProto(booking.local_start);
  *proto.mutable_end() = rpc::CivilMinuteToProto(booking.local_end);
  *proto.mutable_start_time() = rpc::TimeToProto(booking.start);
  *proto.mutable_end_time() = rpc::TimeToProto(booking.end);
  absl::TimeZone zone;
  const bool has_zone = absl::LoadTimeZone(std::string(time_zone), &zone);
  for (const domain::BookedSlot& slot : booking.slots) {
    v1::BookedSlot* out = proto.add_slots();
    *out->mutable_day() = rpc::CivilDayToProto(slot.id.day);
    out->set_index(slot.id.index);
    out->set_name(slot.name);
    if (has_zone) {
      *out->mutable_start() = rpc::CivilMinuteToProto(absl::ToCivilMinute(slot.start, zone));
      *out->mutable_end() = rpc::CivilMinuteToProto(absl::ToCivilMinute(slot.end, zone));
    }
    *out->mutable_start_time() = rpc::TimeToProto(slot.start);
    *out->mutable_end_time() = rpc::TimeToProto(slot.end);
  }
  proto.mutable_price()->set_currency_code(booking.currency_code);
  proto.mutable_price()->set_amount_minor(booking.price_minor);
  proto.set_state(rpc::EnumToProto(kStates, booking.state, v1::BOOKING_STATE_UNSPECIFIED));
  proto.set_idempotency_key(booking.idempotency_key);
  *proto.mutable_create_time() = rpc::TimeToProto(booking.create_time);
  *proto.mutable_update_time() = rpc::TimeToProto(booking.update_time);
  return proto;
}

absl::StatusOr<domain::Booking> BookingFromProto(const v1::Booking& proto) {
  domain::Booking booking;
  booking.booking_id = proto.booking_id();
  booking.site_id = proto.site_id();
  booking.space_id = proto.space_id();
  ASSIGN_OR_RETURN(domain::SpaceKind kind,
                   site::SpaceKindFromProto("space_kind", proto.space_kind()));
  booking.space_kind = kind;
  booking.member_id = proto.member_id();
  booking.home_site_id = proto.home_site_id();
  booking.seats = proto.seats();
  ASSIGN_OR_RETURN(absl::CivilMinute start, rpc::CivilMinuteFromProto("start", proto.start()));
  booking.local_start = start;
  ASSIGN_OR_RETURN(absl::CivilMinute end, rpc::CivilMinuteFromProto("end", proto.end()));
  booking.local_end = end;
  ASSIGN_OR_RETURN(absl::Time start_time, rpc::TimeFromProto("start_time", proto.start_time()));
  booking.start = start_time;
  ASSIGN_OR_RETURN(absl::Time end_time, rpc::TimeFromProto("end_time", proto.end_time()));
  booking.end = end_time;
  for (const v1::BookedSlot& slot : proto.slots()) {
    ASSIGN_OR_RETURN(absl::CivilDay day, rpc::CivilDayFromProto("slots.day", slot.day()));
    ASSIGN_OR_RETURN(absl::Time slot_start,
                     rpc::TimeFromProto("slots.start_time", slot.start_time()));
    ASSIGN_OR_RETURN(absl::Time slot_end, rpc::TimeFromProto("slots.end_time", slot.end_time()));
    booking.slots.push_back({{day, slot.index()}, slot.name(), slot_start, slot_end});
  }
  booking.price_minor = proto.price().amount_minor();
  booking.currency_code = proto.price().currency_code();
  ASSIGN_OR_RETURN(booking.state, StateFromProto(proto.state()));
  booking.idempotency_key = proto.idempotency_key();
  ASSIGN_OR_RETURN(booking.create_time, rpc::TimeFromProto("create_time", proto.create_time()));
  ASSIGN_OR_RETURN(booking.update_time, rpc::TimeFromProto("update_time", proto.update_time()));
  return booking;
}

}  // namespace cantine::booking
