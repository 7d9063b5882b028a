#include "services/site/site_codec.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/rpc/proto_enum.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::site {
namespace {

constexpr rpc::EnumPair<domain::SpaceKind, v1::SpaceKind> kSpaceKinds[] = {
    {domain::SpaceKind::kDeskPool, v1::SPACE_KIND_DESK_POOL},
    {domain::SpaceKind::kMeetingRoom, v1::SPACE_KIND_MEETING_ROOM}};

v1::TimeOfDay TimeOfDayToProto(domain::TimeOfDay t) {
  v1::TimeOfDay proto;
  proto.set_hours(static_cast<int32_t>(t / absl::Hours(1)));
  proto.set_minutes(static_cast<int32_t>((t % absl::Hours(1)) / absl::Minutes(1)));
  return proto;
}

absl::StatusOr<domain::TimeOfDay> TimeOfDayFromProto(absl::string_view field,
                                                     const v1::TimeOfDay& proto) {
  const bool end_of_day = proto.hours() == 24 && proto.minutes() == 0;
  if (!end_of_day &&
      (proto.hours() < 0 || proto.hours() > 23 || proto.minutes() < 0 || proto.minutes() > 59)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " ", proto.hours(), ":", proto.minutes(),
                     " is not a time of day (hours 0-23, minutes 0-59, or 24:00)"));
  }
  return absl::Hours(proto.hours()) + absl::Minutes(proto.minutes());
}

v1::Weekday WeekdayToProto(absl::Weekday day) {
  // absl::Weekday counts from Monday = 0, like v1::Weekday from Monday = 1.
  return static_cast<v1::Weekday>(static_cast<int>(day) + 1);
}

absl::StatusOr<absl::Weekday> WeekdayFromProto(int value) {
  if (value < v1::WEEKDAY_MONDAY || value > v1::WEEKDAY_SUNDAY) {
    return absl::InvalidArgumentError(absl::StrCat(
        "policy.open_weekdays holds ", value, ", which is not a day (WEEKDAY_MONDAY..SUNDAY)"));
  }
  return static_cast<absl::Weekday>(value - 1);
}

}  // namespace

v1::SitePolicy PolicyToProto(const domain::SitePolicy& policy) {
  v1::SitePolicy proto;
  for (absl::Weekday day : policy.open_weekdays) proto.add_open_weekdays(WeekdayToProto(day));
  *proto.mutable_opens_at() = TimeOfDayToProto(policy.opens_at);
  *proto.mutable_closes_at() = TimeOfDayToProto(policy.closes_at);
  for (const domain::HalfDaySlot& slot : policy.half_day_slots) {
    v1::HalfDaySlot* out = proto.add_half_day_slots();
    out->set_name(slot.name);
    *out->mutable_start_time() = TimeOfDayToProto(slot.start);
    *out->mutable_end_time() = TimeOfDayToProto(slot.end);
  }
  *proto.mutable_room_block() = rpc::DurationToProto(policy.room_block);
  proto.set_max_booking_days(policy.max_booking_days);
  proto.set_booking_horizon_days(policy.booking_horizon_days);
  *proto.mutable_cancellation_window() = rpc::DurationToProto(policy.cancellation_window);
  *proto.mutable_no_show_grace() = rpc::DurationToProto(policy.no_show_grace);
  if (policy.member_visit_days_per_month.has_value()) {
    proto.set_member_visit_days_per_month(*policy.member_visit_days_per_month);
  }
  return proto;
}

absl::StatusOr<domain::SitePolicy> PolicyFromProto(const v1::SitePolicy& proto) {
  domain::SitePolicy policy;
  for (int day : proto.open_weekdays()) {
    ASSIGN_OR_RETURN(absl::Weekday weekday, WeekdayFromProto(day));
    policy.open_weekdays.push_back(weekday);
  }
  ASSIGN_OR_RETURN(domain::TimeOfDay opens,
                   TimeOfDayFromProto("policy.opens_at", proto.opens_at()));
  policy.opens_at = opens;
  ASSIGN_OR_RETURN(domain::TimeOfDay closes,
                   TimeOfDayFromProto("policy.closes_at", proto.closes_at()));
  policy.closes_at = closes;
  for (int i = 0; i < proto.half_day_slots_size(); ++i) {
    const v1::HalfDaySlot& slot = proto.half_day_slots(i);
    const std::string field = absl::StrCat("policy.half_day_slots[", i, "]");
    ASSIGN_OR_RETURN(domain::TimeOfDay start,
                     TimeOfDayFromProto(absl::StrCat(field, ".start_time"), slot.start_time()));
    ASSIGN_OR_RETURN(domain::TimeOfDay end,
                     TimeOfDayFromProto(absl::StrCat(field, ".end_time"), slot.end_time()));
    policy.half_day_slots.push_back({slot.name(), start, end});
  }
  ASSIGN_OR_RETURN(absl::Duration room_block,
                   rpc::DurationFromProto("policy.room_block", proto.room_block()));
  policy.room_block = room_block;
  policy.max_booking_days = proto.max_booking_days();
  policy.booking_horizon_days = proto.booking_horizon_days();
  ASSIGN_OR_RETURN(absl::Duration window, rpc::DurationFromProto("policy.cancellation_window",
                                                                 proto.cancellation_window()));
  policy.cancellation_window = window;
  ASSIGN_OR_RETURN(absl::Duration grace,
                   rpc::DurationFromProto("policy.no_show_grace", proto.no_show_grace()));
  policy.no_show_grace = grace;
  if (proto.has_member_visit_days_per_month()) {
    policy.member_visit_days_per_month = proto.member_visit_days_per_month();
  }
  return policy;
}

v1::Site SiteToProto(const domain::SiteProfile& profile, const domain::SitePolicy& policy) {
  v1::Site proto;
  proto.set_site_id(profile.site_id);
  proto.set_display_name(profile.display_name);
  proto.set_street_address(profile.street_address);
  proto.set_city(profile.city);
  proto.set_country_code(profile.country_code);
  proto.set_time_zone(profile.time_zone);
  proto.set_currency_code(profile.currency_code);
  *proto.mutable_policy() = PolicyToProto(policy);
  return proto;
}

domain::SiteProfile ProfileFromProto(const v1::Site& proto) {
  return domain::SiteProfile{
      .site_id = proto.site_id(),
      .display_name = proto.display_name(),
      .street_address = proto.street_address(),
      .city = proto.city(),
      .country_code = proto.country_code(),
      .time_zone = proto.time_zone(),
      .currency_code = proto.currency_code(),
  };
}

v1::SpaceKind SpaceKindToProto(domain::SpaceKind kind) {
  return rpc::EnumToProto(kSpaceKinds, kind, v1::SPACE_KIND_UNSPECIFIED);
}

absl::StatusOr<domain::SpaceKind> SpaceKindFromProto(absl::string_view field, int kind) {
  std::optional<domain::SpaceKind> known = rpc::EnumFromProto(kSpaceKinds, kind);
  if (!known.has_value()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " must be SPACE_KIND_DESK_POOL or SPACE_KIND_MEETING_ROOM"));
  }
  return *known;
}

absl::StatusOr<int64_t> AmountInSiteCurrency(absl::string_view field, const v1::Money& money,
                                             absl::string_view currency_code) {
  if (!money.currency_code().empty() && money.currency_code() != currency_code) {
    // A currency code has 3 letters; a longer one is not echoed.
    const absl::string_view shown =
        money.currency_code().size() <= 3 ? absl::string_view(money.currency_code()) : "not one";
    return absl::InvalidArgumentError(absl::StrCat(field, ".currency_code is ", shown,
                                                   "; prices at this site are in ", currency_code));
  }
  return money.amount_minor();
}

v1::Space SpaceToProto(const domain::Space& space, absl::string_view currency_code) {
  v1::Space proto;
  proto.set_site_id(space.site_id);
  proto.set_space_id(space.space_id);
  proto.set_display_name(space.display_name);
  proto.set_description(space.description);
  proto.set_kind(SpaceKindToProto(space.kind));
  proto.set_seats(space.seats);
  proto.mutable_price_per_slot()->set_currency_code(std::string(currency_code));
  proto.mutable_price_per_slot()->set_amount_minor(space.price_per_slot_minor);
  if (space.visitor_price_per_slot_minor) {
    proto.mutable_visitor_price_per_slot()->set_currency_code(std::string(currency_code));
    proto.mutable_visitor_price_per_slot()->set_amount_minor(*space.visitor_price_per_slot_minor);
  }
  proto.set_state(space.state == domain::SpaceState::kActive ? v1::SPACE_STATE_ACTIVE
                                                             : v1::SPACE_STATE_RETIRED);
  *proto.mutable_create_time() = rpc::TimeToProto(space.create_time);
  *proto.mutable_update_time() = rpc::TimeToProto(space.update_time);
  return proto;
}

absl::StatusOr<domain::Space> SpaceFromProto(const v1::Space& proto,
                                             absl::string_view currency_code) {
  domain::Space space;
  space.site_id = proto.site_id();
  space.space_id = proto.space_id();
  space.display_name = proto.display_name();
  space.description = proto.description();
  ASSIGN_OR_RETURN(space.kind, SpaceKindFromProto("space.kind", proto.kind()));
  space.seats = proto.seats();
  ASSIGN_OR_RETURN(int64_t price, AmountInSiteCurrency("space.price_per_slot",
                                                       proto.price_per_slot(), currency_code));
  space.price_per_slot_minor = price;
  if (proto.has_visitor_price_per_slot()) {
    ASSIGN_OR_RETURN(int64_t visitor_price,
                     AmountInSiteCurrency("space.visitor_price_per_slot",
                                          proto.visitor_price_per_slot(), currency_code));
    space.visitor_price_per_slot_minor = visitor_price;
  }
  space.state = proto.state() == v1::SPACE_STATE_RETIRED ? domain::SpaceState::kRetired
                                                         : domain::SpaceState::kActive;
  ASSIGN_OR_RETURN(absl::Time created,
                   rpc::TimeFromProto("space.create_time", proto.create_time()));
  space.create_time = created;
  ASSIGN_OR_RETURN(absl::Time updated,
                   rpc::TimeFromProto("space.update_time", proto.update_time()));
  space.update_time = updated;
  return space;
}

}  // namespace cantine::site
