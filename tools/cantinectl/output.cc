#include "tools/cantinectl/output.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/util/json_util.h"
#include "services/auth/ed25519.h"
#include "services/auth/member_token.h"
#include "services/replication/catch_up.h"
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

// An enum value's name, without `prefix`, in lower case with spaces: "checked in" for
// BOOKING_STATE_CHECKED_IN; "unspecified" for a value the proto does not name.
std::string EnumText(std::string name, absl::string_view prefix) {
  if (name.empty()) return "unspecified";
  name.erase(0, absl::StartsWith(name, prefix) ? prefix.size() : 0);
  absl::AsciiStrToLower(&name);
  absl::StrReplaceAll({{"_", " "}}, &name);
  return name;
}

// "desk pool", "meeting room".
std::string SpaceKindText(v1::SpaceKind kind) {
  return EnumText(v1::SpaceKind_Name(kind), "SPACE_KIND_");
}

std::string SpaceStateText(v1::SpaceState state) {
  return EnumText(v1::SpaceState_Name(state), "SPACE_STATE_");
}

std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

std::string Days(int32_t days) { return absl::StrCat(days, days == 1 ? " day" : " days"); }

// The v1::Weekday of `date` ("Mon"), "?" for a date that does not exist.
std::string WeekdayOfDate(const v1::CivilDate& date) {
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.year() != date.year() || day.month() != date.month() || day.day() != date.day()) {
    return "?";
  }
  // absl counts from Monday = 0, v1::Weekday from Monday = 1.
  return WeekdayText(static_cast<int>(absl::GetWeekday(day)) + v1::WEEKDAY_MONDAY);
}

v1::CivilDate DateOf(const v1::CivilDateTime& time) {
  v1::CivilDate date;
  date.set_year(time.year());
  date.set_month(time.month());
  date.set_day(time.day());
  return date;
}

// The venue times of `slot`: its civil times, or, when the node sent only its instants,
// those read in `time_zone`. "2027-01-11 09:00-13:00".
std::string SlotTimes(const v1::BookedSlot& slot, const std::string& time_zone) {
  v1::CivilDateTime start = slot.start();
  v1::CivilDateTime end = slot.end();
  if (!slot.has_start() || !slot.has_end()) {
    absl::StatusOr<absl::Time> start_time = rpc::TimeFromProto("start_time", slot.start_time());
    absl::StatusOr<absl::Time> end_time = rpc::TimeFromProto("end_time", slot.end_time());
    absl::TimeZone zone;
    if (!start_time.ok() || !end_time.ok() || !absl::LoadTimeZone(time_zone, &zone)) {
      return "invalid";
    }
    start = rpc::CivilMinuteToProto(absl::ToCivilMinute(*start_time, zone));
    end = rpc::CivilMinuteToProto(absl::ToCivilMinute(*end_time, zone));
  }
  return absl::StrCat(FormatCivilDate(DateOf(start)), " ", FormatVenueTimeRange(start, end));
}

// A booking by a member of another site than the venue's.
bool IsVisit(const v1::Booking& booking) {
  return !booking.home_site_id().empty() && booking.home_site_id() != booking.site_id();
}

// "talk, ai", "-" when it has none.
std::string EventTags(const v1::Event& event) {
  return event.tags().empty() ? "-" : absl::StrJoin(event.tags(), ", ");
}

std::string Money(const v1::Money& money) {
  return FormatMoney(money.amount_minor(), money.currency_code());
}

// What one slot of `space` is: "half-day" for a desk pool, "2h block" for a meeting room.
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

// "15.00 EUR / half-day": the price, then the visitor price or "-" when unset (members of
// other sites then pay the price).
std::pair<std::string, std::string> SlotPrices(const v1::Space& space, const v1::Site& site,
                                               absl::string_view joiner) {
  const std::string per_slot = absl::StrCat(joiner, SlotName(space, site.policy()));
  return {absl::StrCat(Money(space.price_per_slot()), per_slot),
          space.has_visitor_price_per_slot()
              ? absl::StrCat(Money(space.visitor_price_per_slot()), per_slot)
              : "-"};
}

// Label and value, one field per line.
std::string Fields(const std::vector<std::vector<std::string>>& rows) {
  Table table;
  for (const std::vector<std::string>& row : rows) table.AddRow(row);
  return table.Render();
}

// `table`, and a last line when more pages of `items` follow.
std::string WithMorePages(const Table& table, const std::string& next_page_token,
                          absl::string_view items) {
  if (next_page_token.empty()) return table.Render();
  return absl::StrCat(table.Render(), "More ", items, " follow; add --all to list them all.\n");
}

// "active", "suspended", "removed".
std::string SiteStatusText(v1::SiteStatus status) {
  return EnumText(v1::SiteStatus_Name(status), "SITE_STATUS_");
}

// "add site", "rotate keys", "suspend site"...
std::string DirectoryActionText(v1::DirectoryAction action) {
  return EnumText(v1::DirectoryAction_Name(action), "DIRECTORY_ACTION_");
}

// The key id (auth::KeyId) of a raw Ed25519 public key; "invalid (N bytes)" when it is none.
std::string RawKeyId(const std::string& raw) {
  absl::StatusOr<auth::Ed25519PublicKey> key = auth::Ed25519PublicKey::FromRaw(raw);
  if (!key.ok()) return absl::StrCat("invalid (", raw.size(), " bytes)");
  return auth::KeyId(*key);
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

std::string FormatCivilDate(const v1::CivilDate& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

std::string FormatCivilDateTime(const v1::CivilDateTime& time) {
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d", time.year(), time.month(), time.day(),
                         time.hours(), time.minutes());
}

std::string FormatVenueTime(const v1::CivilDateTime& time, const std::string& time_zone) {
  return absl::StrCat(FormatCivilDateTime(time), " ", time_zone);
}

std::string FormatVenueTimeRange(const v1::CivilDateTime& start, const v1::CivilDateTime& end) {
  const absl::CivilDay start_day(start.year(), start.month(), start.day());
  const absl::CivilDay end_day(end.year(), end.month(), end.day());
  const auto hh_mm = [](const v1::CivilDateTime& time) {
    return absl::StrFormat("%02d:%02d", time.hours(), time.minutes());
  };
  if (end_day == start_day) return absl::StrCat(hh_mm(start), "-", hh_mm(end));
  if (end_day == start_day + 1 && end.hours() == 0 && end.minutes() == 0) {
    return absl::StrCat(hh_mm(start), "-24:00");
  }
  return absl::StrCat(FormatCivilDateTime(start), "-", FormatCivilDateTime(end));
}

std::string FormatVenueSpan(const v1::CivilDateTime& start, const v1::CivilDateTime& end,
                            const std::string& time_zone) {
  const std::string range = FormatVenueTimeRange(start, end);
  const std::string day = FormatCivilDate(DateOf(start));
  // Across days, the range names its dates.
  if (absl::StartsWith(range, day)) return absl::StrCat(range, " ", time_zone);
  return absl::StrCat(day, " ", range, " ", time_zone);
}

std::string BookingStateText(v1::BookingState state) {
  if (state == v1::BOOKING_STATE_NO_SHOW) return "no-show";
  return EnumText(v1::BookingState_Name(state), "BOOKING_STATE_");
}

std::string EventStateText(v1::EventState state) {
  return EnumText(v1::EventState_Name(state), "EVENT_STATE_");
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
  return Fields({
      {"Site", site.site_id()},
      {"Name", site.display_name()},
      {"Address", OrDash(site.street_address())},
      {"City", OrDash(site.city())},
      {"Country", OrDash(site.country_code())},
      {"Time zone", site.time_zone()},
      {"Currency", site.currency_code()},
      {"Open days", days.empty() ? "none" : absl::StrJoin(days, ", ")},
      {"Hours", absl::StrCat(FormatTimeOfDay(policy.opens_at()), "-",
                             FormatTimeOfDay(policy.closes_at()), " ", site.time_zone())},
      {"Half-day slots", slots.empty() ? "none" : absl::StrJoin(slots, ", ")},
      {"Room block", FormatDuration(policy.room_block())},
      {"Max booking", Days(policy.max_booking_days())},
      {"Booking horizon", Days(policy.booking_horizon_days())},
      {"Cancellation",
       absl::StrCat("until ", FormatDuration(policy.cancellation_window()), " before the start")},
      {"No-show grace", absl::StrCat(FormatDuration(policy.no_show_grace()), " after the start")},
      {"Visit allowance", VisitAllowanceText(policy)},
  });
}

std::string VisitAllowanceText(const v1::SitePolicy& policy) {
  if (!policy.has_member_visit_days_per_month()) return "no limit";
  return absl::StrCat(Days(policy.member_visit_days_per_month()), " a month at other sites");
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
  Table table({"SPACE", "KIND", "SEATS", "PRICE PER SLOT", "VISITOR", "STATE", "NAME"}, {2});
  for (const v1::Space& space : response.spaces()) {
    const auto [price, visitor_price] = SlotPrices(space, site, " / ");
    table.AddRow({space.space_id(), SpaceKindText(space.kind()), absl::StrCat(space.seats()), price,
                  visitor_price, SpaceStateText(space.state()), space.display_name()});
  }
  return table.Render();
}

std::string FormatSpace(const v1::Space& space, const v1::Site& site) {
  const auto [price, visitor_price] = SlotPrices(space, site, " per ");
  return Fields({
      {"Space", space.space_id()},
      {"Site", space.site_id()},
      {"Name", space.display_name()},
      {"Kind", SpaceKindText(space.kind())},
      {"Seats", absl::StrCat(space.seats())},
      {"Price", price},
      {"Visitor price", visitor_price},
      {"State", SpaceStateText(space.state())},
      {"Description", OrDash(space.description())},
      {"Created", FormatInstant(space.create_time(), site.time_zone())},
      {"Updated", FormatInstant(space.update_time(), site.time_zone())},
  });
}

std::string FormatMember(const v1::Member& member, const v1::Site& site) {
  const bool pending = member.state() == v1::MEMBER_STATE_PENDING;
  Table table;
  table.AddRow({"Member", pending ? "-" : member.member_id()});
  table.AddRow({"Home site", member.home_site_id()});
  table.AddRow({"Name", OrDash(member.display_name())});
  table.AddRow({"Email", OrDash(member.email())});
  table.AddRow({"Bio", OrDash(member.bio())});
  table.AddRow({"Skills", OrDash(absl::StrJoin(member.skills(), ", "))});
  table.AddRow({"City", OrDash(member.city())});
  table.AddRow({"Links", OrDash(absl::StrJoin(member.links(), " "))});
  // The choice is answered with the whole profile only (to the member and its desk).
  if (!member.email().empty() || member.network_visible_fields_size() > 0) {
    std::vector<std::string> shown = {"name"};
    for (int field : member.network_visible_fields()) {
      shown.push_back(absl::AsciiStrToLower(absl::StripPrefix(
          v1::ProfileField_Name(static_cast<v1::ProfileField>(field)), "PROFILE_FIELD_")));
    }
    table.AddRow({"Shown", absl::StrCat(absl::StrJoin(shown, ", "), " (at every site)")});
  }
  if (member.has_create_time()) {
    table.AddRow({"Created", FormatInstant(member.create_time(), site.time_zone())});
  }
  if (pending) {
    table.AddRow({"State", absl::StrCat("pending: the desk of ", member.home_site_id(),
                                        " completes the registration and gives the member its "
                                        "id and token")});
  }
  if (member.erased()) table.AddRow({"Erased", "yes: its personal data is dropped everywhere"});
  return table.Render();
}

std::string FormatLogin(const std::string& member_id, const v1::IssueTokenResponse& response,
                        const std::string& time_zone, const std::string& token_file) {
  return Fields({{"Member", member_id},
                 {"Expires", FormatInstant(response.expire_time(), time_zone)},
                 {"Tokens", absl::StrCat("booking and account, stored in ", token_file)}});
}

std::string FormatAvailability(const v1::GetAvailabilityResponse& response) {
  Table table({"DAY", "SLOT", absl::StrCat("TIME (", response.time_zone(), ")"), "FREE/TOTAL"},
              {3});
  for (const v1::SlotAvailability& availability : response.slots()) {
    const v1::BookedSlot& slot = availability.slot();
    table.AddRow({absl::StrCat(WeekdayOfDate(slot.day()), " ", FormatCivilDate(slot.day())),
                  OrDash(slot.name()), FormatVenueTimeRange(slot.start(), slot.end()),
                  absl::StrCat(availability.seats_free(), "/", availability.seats_total())});
  }
  return table.Render();
}

std::string FormatBooking(const v1::Booking& booking) {
  std::vector<std::vector<std::string>> rows = {
      {"Booking", booking.booking_id()},
      {"Site", OrDash(booking.site_id())},
      {"Space", absl::StrCat(booking.space_id(), " (", SpaceKindText(booking.space_kind()), ")")},
      {"Member", IsVisit(booking) ? absl::StrCat(booking.member_id(), " (visitor from ",
                                                 booking.home_site_id(), ")")
                                  : booking.member_id()},
      {"Seats", absl::StrCat(booking.seats())},
      {"Start", FormatVenueTime(booking.start(), booking.time_zone())},
      {"End", FormatVenueTime(booking.end(), booking.time_zone())},
  };
  for (int i = 0; i < booking.slots_size(); ++i) {
    rows.push_back({i == 0 ? "Slots" : "", SlotTimes(booking.slots(i), booking.time_zone())});
  }
  if (booking.slots().empty()) rows.push_back({"Slots", "none"});
  rows.insert(rows.end(), {{"Price", Money(booking.price())},
                           {"State", BookingStateText(booking.state())},
                           {"Key", OrDash(booking.idempotency_key())},
                           {"Created", FormatInstant(booking.create_time(), booking.time_zone())},
                           {"Updated", FormatInstant(booking.update_time(), booking.time_zone())}});
  return Fields(rows);
}

std::string FormatBookings(const v1::ListBookingsResponse& response) {
  Table table(
      {"BOOKING", "SITE", "SPACE", "SEATS", "WHEN (AT THE VENUE)", "SLOTS", "PRICE", "STATE"},
      {3, 5, 6});
  for (const v1::Booking& booking : response.bookings()) {
    table.AddRow({booking.booking_id(), OrDash(booking.site_id()), booking.space_id(),
                  absl::StrCat(booking.seats()),
                  FormatVenueSpan(booking.start(), booking.end(), booking.time_zone()),
                  absl::StrCat(booking.slots_size()), Money(booking.price()),
                  BookingStateText(booking.state())});
  }
  return WithMorePages(table, response.next_page_token(), "bookings");
}

std::string FormatVisitors(const v1::ListBookingsResponse& response, const v1::Site& site,
                           const v1::CivilDate& day) {
  std::string text = absl::StrCat("Visitors at ", site.site_id(), " on ", WeekdayOfDate(day), " ",
                                  FormatCivilDate(day), " (", site.time_zone(), ")\n\n");
  Table table({"BOOKING", "MEMBER", "HOME", "SPACE", "WHEN (AT THE VENUE)", "STATE"});
  for (const v1::Booking& booking : response.bookings()) {
    table.AddRow({booking.booking_id(), booking.member_id(), OrDash(booking.home_site_id()),
                  booking.space_id(),
                  FormatVenueSpan(booking.start(), booking.end(), booking.time_zone()),
                  BookingStateText(booking.state())});
  }
  return absl::StrCat(text, WithMorePages(table, response.next_page_token(), "visitors"));
}

std::string FormatSettlement(const v1::Settlement& settlement) {
  if (settlement.lines().empty()) {
    return absl::StrCat("Settlement ", settlement.month(), ": no visits between sites.\n");
  }
  Table table({"HOST", "HOME", "VISITS", "DAYS", "AMOUNT"}, {2, 3, 4});
  for (const v1::SettlementLine& line : settlement.lines()) {
    table.AddRow({line.host_site_id(), line.home_site_id(), absl::StrCat(line.visits()),
                  absl::StrCat(line.visit_days()), Money(line.amount())});
  }
  return absl::StrCat("Settlement ", settlement.month(),
                      ": each HOME site owes the HOST site the AMOUNT.\n\n", table.Render());
}

std::string FormatEvent(const v1::Event& event) {
  return Fields({
      {"Event", event.event_id()},
      {"Host", event.city().empty() ? event.host_site_id()
                                    : absl::StrCat(event.host_site_id(), " (", event.city(), ")")},
      {"Title", event.title()},
      {"Description", OrDash(event.description())},
      {"Tags", EventTags(event)},
      {"Start", FormatVenueTime(event.start(), event.time_zone())},
      {"End", FormatVenueTime(event.end(), event.time_zone())},
      {"Capacity", absl::StrCat(event.capacity())},
      {"State", EventStateText(event.state())},
      {"Updated", FormatInstant(event.update_time(), event.time_zone())},
  });
}

std::string FormatEvents(const v1::ListEventsResponse& response) {
  Table table({"EVENT", "HOST", "TITLE", "WHEN", "CAPACITY", "STATE", "TAGS"}, {4});
  for (const v1::Event& event : response.events()) {
    table.AddRow({event.event_id(), event.host_site_id(), event.title(),
                  FormatVenueSpan(event.start(), event.end(), event.time_zone()),
                  absl::StrCat(event.capacity()), EventStateText(event.state()), EventTags(event)});
  }
  return WithMorePages(table, response.next_page_token(), "events");
}

// The sites table of a network status: every site, its city and status, how this node
// reaches it, and how far behind it is on its entries.
std::string SitesHealth(const v1::NetworkStatus& status) {
  Table sites(
      {"SITE", "CITY", "STATUS", "CONNECTED", "LAST CONTACT", "ENTRIES BEHIND", "HELD/KNOWN"}, {5});
  for (const v1::SiteHealth& site : status.sites()) {
    // A site suspended or removed is pulled from by no node: its entries stop.
    const bool refused =
        site.status() == v1::SITE_STATUS_SUSPENDED || site.status() == v1::SITE_STATUS_REMOVED;
    const std::string connected = site.self()        ? "this node"
                                  : site.connected() ? "yes"
                                  : site.peer()      ? "no"
                                  : refused          ? "refused"
                                                     : "relayed";
    const uint64_t behind =
        site.entries_known() > site.entries_held() ? site.entries_known() - site.entries_held() : 0;
    sites.AddRow({site.site_id(), OrDash(site.city()),
                  site.status() == v1::SITE_STATUS_UNSPECIFIED ? "not listed"
                                                               : SiteStatusText(site.status()),
                  connected,
                  site.has_last_contact() ? FormatInstant(site.last_contact(), "UTC")
                  : site.peer()           ? "never"
                                          : "-",
                  absl::StrCat(behind),
                  absl::StrCat(site.entries_held(), "/", site.entries_known())});
  }
  return sites.Render();
}

std::string FormatNetworkStatus(const v1::NetworkStatus& status) {
  Table origins({"ORIGIN", "INCARNATION", "SEQ HELD HERE"}, {1, 2});
  for (const v1::VersionVectorEntry& entry : status.origins()) {
    origins.AddRow({entry.origin().site_id(), absl::StrCat(entry.origin().incarnation()),
                    absl::StrCat(entry.seq())});
  }
  Table peers({"PEER", "ADDRESS", "CONNECTED", "LAST CONTACT", "ENTRIES RECEIVED", "ENTRIES BEHIND",
               "LAST ERROR"},
              {4, 5});
  for (const v1::PeerLink& peer : status.peers()) {
    peers.AddRow({peer.site_id(), peer.address(), peer.connected() ? "yes" : "no",
                  peer.has_last_contact() ? FormatInstant(peer.last_contact(), "UTC") : "never",
                  absl::StrCat(peer.entries_received()), absl::StrCat(peer.entries_behind()),
                  OrDash(peer.last_error())});
  }
  std::string text = absl::StrCat("Node  ", status.site_id(), "\n\n");
  // A node older than the sites' health sends none.
  if (!status.sites().empty()) absl::StrAppend(&text, SitesHealth(status), "\n");
  absl::StrAppend(&text, origins.Render(), "\n", peers.Render());
  // What a peer sent that this node held back or refused: shown only when there is some.
  Table held({"VIA PEER", "HELD ORIGIN", "INCARNATION", "REASON", "RETRY"}, {2});
  std::vector<std::string> refused;
  bool any_held = false;
  for (const v1::PeerLink& peer : status.peers()) {
    for (const v1::HeldOrigin& origin : peer.held_origins()) {
      any_held = true;
      held.AddRow({peer.site_id(), origin.origin().site_id(),
                   absl::StrCat(origin.origin().incarnation()), HoldReasonText(origin.reason()),
                   FormatInstant(origin.retry_time(), "UTC")});
    }
    if (peer.entries_refused() > 0) {
      refused.push_back(absl::StrCat(peer.site_id(), " ", peer.entries_refused()));
    }
  }
  if (any_held) absl::StrAppend(&text, "\n", held.Render());
  if (!refused.empty()) {
    absl::StrAppend(&text, "\nEntries refused (forged, oversized, over a bound): ",
                    absl::StrJoin(refused, ", "), "\n");
  }
  // A node catching up (joining, or back from an outage): held of what its peers hold.
  const replication::CatchUp catch_up =
      replication::MeasureCatchUp({status.origins().begin(), status.origins().end()},
                                  {status.known().begin(), status.known().end()});
  if (!catch_up.per_origin.empty()) {
    absl::StrAppend(
        &text, "\nCatching up (entries held of those peers hold): ", catch_up.per_origin, "\n");
  }
  return text;
}

std::string HoldReasonText(v1::HoldReason reason) {
  return EnumText(v1::HoldReason_Name(reason), "HOLD_REASON_");
}

std::string FormatDirectoryChange(const v1::DirectoryChange& change) {
  const v1::SiteListing& listing = change.listing();
  const v1::Site& site = listing.site();
  std::vector<std::string> retired;
  for (const v1::RetiredKey& key : listing.retired_token_keys()) {
    retired.push_back(absl::StrCat(RawKeyId(key.public_key()), " until ",
                                   FormatInstant(key.expire_time(), "UTC")));
  }
  return Fields({
      {"Site", change.site_id()},
      {"Name", site.display_name()},
      {"Status", SiteStatusText(listing.status())},
      {"Version", absl::StrCat(change.version(), " (", DirectoryActionText(change.action()),
                               ", signed ", FormatInstant(change.sign_time(), "UTC"), ")")},
      {"Address", OrDash(site.street_address())},
      {"City", OrDash(site.city())},
      {"Country", OrDash(site.country_code())},
      {"Time zone", site.time_zone()},
      {"Currency", site.currency_code()},
      {"Public endpoint", listing.public_endpoint()},
      {"Federation endpoint", listing.federation_endpoint()},
      {"Entry key", RawKeyId(listing.entry_public_key())},
      {"Token key", RawKeyId(listing.token_public_key())},
      {"Retired token keys", retired.empty() ? "none" : absl::StrJoin(retired, ", ")},
      {"Certificate SHA-256", OrDash(absl::BytesToHexString(listing.certificate_sha256()))},
  });
}

std::string FormatDirectory(const v1::ListDirectoryChangesResponse& response) {
  if (response.signed_changes().empty()) return "The directory lists no site.\n";
  Table table({"SITE", "NAME", "CITY", "STATUS", "VERSION", "ACTION", "SIGNED", "PUBLIC ENDPOINT"},
              {4});
  for (const v1::SignedDirectoryChange& signed_change : response.signed_changes()) {
    v1::DirectoryChange change;
    if (!change.ParseFromString(signed_change.change())) {
      table.AddRow({"?", "(a change that does not parse)"});
      continue;
    }
    const v1::SiteListing& listing = change.listing();
    table.AddRow({change.site_id(), listing.site().display_name(), OrDash(listing.site().city()),
                  SiteStatusText(listing.status()), absl::StrCat(change.version()),
                  DirectoryActionText(change.action()), FormatInstant(change.sign_time(), "UTC"),
                  listing.public_endpoint()});
  }
  return table.Render();
}

std::string FormatDirectoryEvents(const v1::ListDirectoryChangesResponse& response) {
  if (response.signed_changes().empty()) return "The directory lists no site.\n";
  std::vector<v1::DirectoryChange> changes;
  size_t unreadable = 0;
  for (const v1::SignedDirectoryChange& signed_change : response.signed_changes()) {
    v1::DirectoryChange change;
    if (change.ParseFromString(signed_change.change())) {
      changes.push_back(std::move(change));
    } else {
      ++unreadable;
    }
  }
  std::stable_sort(changes.begin(), changes.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.sign_time().seconds(), a.sign_time().nanos()) >
           std::make_pair(b.sign_time().seconds(), b.sign_time().nanos());
  });
  const std::string signer = response.admin_key_id().empty()
                                 ? "unknown (the node has no admin key)"
                                 : absl::StrCat("network admin key ", response.admin_key_id());
  Table table({"SIGNED", "SITE", "CITY", "ACTION", "VERSION", "STATUS AFTER"}, {4});
  for (const v1::DirectoryChange& change : changes) {
    table.AddRow({FormatInstant(change.sign_time(), "UTC"), change.site_id(),
                  OrDash(change.listing().site().city()), DirectoryActionText(change.action()),
                  absl::StrCat(change.version()), SiteStatusText(change.listing().status())});
  }
  std::string text = absl::StrCat(table.Render(), "Signed by ", signer, "\n");
  if (unreadable > 0) {
    absl::StrAppend(&text, unreadable, " change(s) that do not parse left out\n");
  }
  return text;
}

std::string FormatBytes(uint64_t bytes) {
  constexpr absl::string_view kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  if (value < 10) return absl::StrFormat("%.1f %s", value, kUnits[unit]);
  return absl::StrFormat("%.0f %s", value, kUnits[unit]);
}

std::string FormatBackup(const v1::BackupInfo& backup) {
  return absl::StrCat(
      Fields({{"Backup", absl::StrCat(backup.backup_id())},
              {"Site", backup.site_id()},
              {"Taken", FormatInstant(backup.create_time(), "UTC")},
              {"Size", absl::StrCat(FormatBytes(backup.size_bytes()), " in ", backup.file_count(),
                                    " files")},
              {"Folder", absl::StrCat(backup.backup_dir(), " (on the node's machine)")}}),
      "Restore it with the node stopped, into an empty data folder:\n  cantined --config "
      "<the site's config> --restore_from ",
      backup.backup_dir(), " --backup_id ", backup.backup_id(), "\n");
}

std::string FormatBackups(const v1::ListBackupsResponse& response) {
  std::string text;
  if (response.backups().empty()) {
    text = "The node keeps no backup yet ('admin backup' takes one).\n";
  } else {
    Table table({"BACKUP", "TAKEN", "SIZE", "FILES"}, {0, 2, 3});
    for (const v1::BackupInfo& backup : response.backups()) {
      table.AddRow({absl::StrCat(backup.backup_id()), FormatInstant(backup.create_time(), "UTC"),
                    FormatBytes(backup.size_bytes()), absl::StrCat(backup.file_count())});
    }
    text = table.Render();
  }
  absl::StrAppend(&text, "Folder ", response.backup_dir(), " (on the node's machine), the latest ",
                  response.backups_kept(), " kept\n");
  return text;
}

}  // namespace cantine::cantinectl
