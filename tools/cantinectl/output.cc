#include "tools/cantinectl/output.h"

#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/rpc/proto_time.h"
#include "tools/cantinectl/money.h"
#include "tools/cantinectl/table.h"

namespace cantine::cantinectl {
namespace {

std::string WeekdayText(int day) {
  static constexpr absl::string_view kNames[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  if (day < v1::WEEKDAY_MONDAY || day > v1::WEEKDAY_SUNDAY) return "?";
  return std::string(kNames[day - v1::WEEKDAY_MONDAY]);
}

std::string SpaceStateText(v1::SpaceState state) {
  switch (state) {
    case v1::SPACE_STATE_ACTIVE:
      return "active";
    case v1::SPACE_STATE_RETIRED:
      return "retired";
    default:
      return "unspecified";
  }
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string Days(int32_t days) { return absl::StrCat(days, days == 1 ? " day" : " days"); }

std::string SlotPrice(const v1::Space& space, const v1::Site& site, absl::string_view joiner) {
  return absl::StrCat(
      FormatMoney(space.price_per_slot().amount_minor(), space.price_per_slot().currency_code()),
      joiner, SlotName(space, site.policy()));
}

}  // namespace

absl::StatusOr<std::string> FormatJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string json;
  const auto status = google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) {
    return absl::InternalError(
        absl::StrCat("cannot print the answer as JSON: ", std::string(status.message())));
  }
  if (json.empty() || json.back() != '\n') json.push_back('\n');
  return json;
}

std::string FormatTimeOfDay(const v1::TimeOfDay& time) {
  return absl::StrFormat("%02d:%02d", time.hours(), time.minutes());
}

std::string FormatDuration(const google::protobuf::Duration& duration) {
  absl::StatusOr<absl::Duration> parsed = rpc::DurationFromProto("duration", duration);
  if (!parsed.ok()) return "invalid";
  return absl::FormatDuration(*parsed);
}

std::string FormatInstant(const google::protobuf::Timestamp& time, const std::string& time_zone) {
  absl::StatusOr<absl::Time> instant = rpc::TimeFromProto("time", time);
  if (!instant.ok()) return "invalid";
  absl::TimeZone zone = absl::UTCTimeZone();
  if (!absl::LoadTimeZone(time_zone, &zone)) zone = absl::UTCTimeZone();
  return absl::StrCat(absl::FormatTime("%Y-%m-%d %H:%M", *instant, zone), " ", zone.name());
}

std::string SlotName(const v1::Space& space, const v1::SitePolicy& policy) {
  switch (space.kind()) {
    case v1::SPACE_KIND_DESK_POOL:
      return "half-day";
    case v1::SPACE_KIND_MEETING_ROOM:
      return policy.has_room_block() ? absl::StrCat(FormatDuration(policy.room_block()), " block")
                                     : "room block";
    default:
      return "slot";
  }
}

std::string SpaceKindText(v1::SpaceKind kind) {
  switch (kind) {
    case v1::SPACE_KIND_DESK_POOL:
      return "desk pool";
    case v1::SPACE_KIND_MEETING_ROOM:
      return "meeting room";
    default:
      return "unspecified";
  }
}

std::string FormatSite(const v1::Site& site) {
  const v1::SitePolicy& policy = site.policy();
  std::vector<std::string> days;
  for (int day : policy.open_weekdays()) days.push_back(WeekdayText(day));
  std::vector<std::string> slots;
  for (const v1::HalfDaySlot& slot : policy.half_day_slots()) {
    slots.push_back(absl::StrCat(slot.name(), " ", FormatTimeOfDay(slot.start_time()), "-",
                                 FormatTimeOfDay(slot.end_time())));
  }
  Table table;
  table.AddRow({"Site", site.site_id()});
  table.AddRow({"Name", site.display_name()});
  table.AddRow({"Address", OrDash(site.street_address())});
  table.AddRow({"City", OrDash(site.city())});
  table.AddRow({"Country", OrDash(site.country_code())});
  table.AddRow({"Time zone", site.time_zone()});
  table.AddRow({"Currency", site.currency_code()});
  table.AddRow({"Open days", days.empty() ? "none" : absl::StrJoin(days, ", ")});
  table.AddRow({"Hours", absl::StrCat(FormatTimeOfDay(policy.opens_at()), "-",
                                      FormatTimeOfDay(policy.closes_at()), " ", site.time_zone())});
  table.AddRow({"Half-day slots", slots.empty() ? "none" : absl::StrJoin(slots, ", ")});
  table.AddRow({"Room block", FormatDuration(policy.room_block())});
  table.AddRow({"Max booking", Days(policy.max_booking_days())});
  table.AddRow({"Booking horizon", Days(policy.booking_horizon_days())});
  table.AddRow({"Cancellation", absl::StrCat("until ", FormatDuration(policy.cancellation_window()),
                                             " before the start")});
  table.AddRow(
      {"No-show grace", absl::StrCat(FormatDuration(policy.no_show_grace()), " after the start")});
  return table.Render();
}

std::string FormatSites(const v1::ListSitesResponse& response) {
  Table table({"SITE", "NAME", "CITY", "COUNTRY", "TIME ZONE", "CURRENCY"});
  for (const v1::Site& site : response.sites()) {
    table.AddRow({site.site_id(), site.display_name(), site.city(), site.country_code(),
                  site.time_zone(), site.currency_code()});
  }
  return table.Render();
}

std::string FormatSpaces(const v1::ListSpacesResponse& response, const v1::Site& site) {
  Table table({"SPACE", "KIND", "SEATS", "PRICE PER SLOT", "STATE", "NAME"});
  table.AlignRight(2);
  for (const v1::Space& space : response.spaces()) {
    table.AddRow({space.space_id(), SpaceKindText(space.kind()), absl::StrCat(space.seats()),
                  SlotPrice(space, site, " / "), SpaceStateText(space.state()),
                  space.display_name()});
  }
  return table.Render();
}

std::string FormatSpace(const v1::Space& space, const v1::Site& site) {
  Table table;
  table.AddRow({"Space", space.space_id()});
  table.AddRow({"Site", space.site_id()});
  table.AddRow({"Name", space.display_name()});
  table.AddRow({"Kind", SpaceKindText(space.kind())});
  table.AddRow({"Seats", absl::StrCat(space.seats())});
  table.AddRow({"Price", SlotPrice(space, site, " per ")});
  table.AddRow({"State", SpaceStateText(space.state())});
  table.AddRow({"Description", OrDash(space.description())});
  table.AddRow({"Created", FormatInstant(space.create_time(), site.time_zone())});
  table.AddRow({"Updated", FormatInstant(space.update_time(), site.time_zone())});
  return table.Render();
}

}  // namespace cantine::cantinectl
