#include "services/calendar/calendar_entries.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/rpc/proto_time.h"
#include "storage/status_macros.h"

namespace cantine::calendar {
namespace {

// UIDs are "<id>@<this domain>", as RFC 5545 suggests; ids are unique network-wide.
constexpr absl::string_view kUidDomain = "@cantine.network";

std::string SpaceKindName(v1::SpaceKind kind) {
  return kind == v1::SPACE_KIND_MEETING_ROOM ? "Meeting room" : "Desk";
}

}  // namespace

std::string VenueLocation(const v1::Site& site) {
  std::vector<absl::string_view> parts;
  for (absl::string_view part :
       {absl::string_view(site.display_name()), absl::string_view(site.street_address()),
        absl::string_view(site.city())}) {
    if (!part.empty()) parts.push_back(part);
  }
  return absl::StrJoin(parts, ", ");
}

CalendarEntry EventEntry(const domain::Event& event, absl::string_view location) {
  std::string description = event.description;
  if (!event.tags.empty()) {
    absl::StrAppend(&description, description.empty() ? "" : "\n\n", "#",
                    absl::StrJoin(event.tags, " #"));
  }
  return {.uid = absl::StrCat(event.event_id, kUidDomain),
          .summary = event.title,
          .description = std::move(description),
          .location = std::string(location),
          .time_zone = event.time_zone,
          .start = event.start,
          .end = event.end,
          .cancelled = event.state == domain::EventState::kCancelled,
          .last_modified = event.update_time};
}

absl::StatusOr<CalendarEntry> BookingEntry(const v1::Booking& receipt, absl::string_view location) {
  ASSIGN_OR_RETURN(const absl::Time start, rpc::TimeFromProto("start_time", receipt.start_time()));
  ASSIGN_OR_RETURN(const absl::Time end, rpc::TimeFromProto("end_time", receipt.end_time()));
  ASSIGN_OR_RETURN(const absl::Time updated,
                   rpc::TimeFromProto("update_time", receipt.update_time()));
  std::string summary = SpaceKindName(receipt.space_kind());
  if (receipt.seats() > 1) absl::StrAppend(&summary, " for ", receipt.seats());
  absl::StrAppend(&summary, " at ", location.empty() ? receipt.site_id() : location);
  return CalendarEntry{
      .uid = absl::StrCat(receipt.booking_id(), kUidDomain),
      .summary = std::move(summary),
      .description = absl::StrCat("Booking ", receipt.booking_id(), ", space ", receipt.space_id()),
      .location = std::string(location),
      .time_zone = receipt.time_zone(),
      .start = start,
      .end = end,
      .cancelled = receipt.state() == v1::BOOKING_STATE_CANCELLED,
      .last_modified = updated};
}

CalendarEntry RsvpEntry(const domain::Event& event, const v1::Rsvp& rsvp,
                        absl::string_view location) {
  CalendarEntry entry = EventEntry(event, location);
  entry.uid = absl::StrCat(event.event_id, ".rsvp.", rsvp.member_id(), kUidDomain);
  if (rsvp.state() == v1::RSVP_STATE_WAITLISTED) {
    absl::StrAppend(&entry.summary, " (waitlist, #", rsvp.waitlist_position(), ")");
  }
  entry.cancelled = entry.cancelled || rsvp.state() == v1::RSVP_STATE_CANCELLED;
  // The RSVP's own changes (a promotion) count as the entry's, as do the event's.
  absl::StatusOr<absl::Time> updated = rpc::TimeFromProto("update_time", rsvp.update_time());
  if (updated.ok()) entry.last_modified = std::max(entry.last_modified, *updated);
  return entry;
}

}  // namespace cantine::calendar
