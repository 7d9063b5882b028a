#include "services/domain/event.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/domain/slots.h"
#include "storage/status_macros.h"

namespace cantine::domain {
namespace {

constexpr size_t kEventIdSuffixLength = 16;

absl::Status CheckEventId(const Event& event) {
  RETURN_IF_ERROR(CheckSlug("event_id", event.event_id));
  const absl::string_view id = event.event_id;
  const std::string prefix = absl::StrCat(event.host_site_id, "-");
  bool well_formed =
      id.size() == prefix.size() + kEventIdSuffixLength && absl::StartsWith(id, prefix);
  for (char c : id.substr(std::min(id.size(), prefix.size()))) {
    well_formed = well_formed && (absl::ascii_isdigit(c) || (c >= 'a' && c <= 'f'));
  }
  if (!well_formed) {
    return absl::InvalidArgumentError(absl::StrCat("event_id '", id, "' must be '", prefix,
                                                   "' followed by 16 hex digits: events are named "
                                                   "after their host site"));
  }
  return absl::OkStatus();
}

absl::Status CheckTags(const std::vector<std::string>& tags) {
  return CheckList("tags", tags, kMaxEventTags, [&](absl::string_view field, size_t i) {
    RETURN_IF_ERROR(CheckSlug(field, tags[i]));
    if (RepeatsEarlier(tags, i)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tags lists '", tags[i], "' twice; list each tag once"));
    }
    return absl::OkStatus();
  });
}

// Start before end, at most kMaxEventDuration apart, in civil time.
absl::Status CheckSpan(absl::CivilMinute start, absl::CivilMinute end) {
  if (end <= start) {
    return absl::InvalidArgumentError(absl::StrCat(
        "end ", FormatCivilMinute(end), " must be after start ", FormatCivilMinute(start)));
  }
  if (end - start > absl::ToInt64Minutes(kMaxEventDuration)) {
    return absl::InvalidArgumentError(absl::StrCat("end ", FormatCivilMinute(end), " is more than ",
                                                   absl::ToInt64Hours(kMaxEventDuration) / 24,
                                                   " days after start ", FormatCivilMinute(start),
                                                   "; split a longer event"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotPast(const Event& event, absl::Time now) {
  if (event.start < now) {
    return absl::FailedPreconditionError(
        absl::StrCat("start ", FormatCivilMinute(event.local_start), " ", event.time_zone,
                     " is in the past; choose a start from now on"));
  }
  return absl::OkStatus();
}

// Sets the instants from the civil times in the event's zone.
absl::StatusOr<Event> PlaceInZone(Event event) {
  ASSIGN_OR_RETURN(absl::TimeZone zone, LoadVenueTimeZone("time_zone", event.time_zone));
  ASSIGN_OR_RETURN(absl::Time start, VenueInstant("start", event.local_start, zone));
  ASSIGN_OR_RETURN(absl::Time end, VenueInstant("end", event.local_end, zone));
  event.start = start;
  event.end = end;
  return event;
}

}  // namespace

absl::StatusOr<absl::Time> VenueInstant(absl::string_view field, absl::CivilMinute local,
                                        absl::TimeZone zone) {
  const absl::TimeZone::TimeInfo info = zone.At(absl::CivilSecond(local));
  if (info.kind == absl::TimeZone::TimeInfo::SKIPPED) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " ", FormatCivilMinute(local), " does not exist in ", zone.name(),
                     ": the clocks skip it for daylight saving time"));
  }
  return info.pre;
}

absl::Status ValidateEvent(const Event& event) {
  RETURN_IF_ERROR(CheckSlug("host_site_id", event.host_site_id));
  RETURN_IF_ERROR(CheckEventId(event));
  RETURN_IF_ERROR(CheckText("city", event.city, kMaxNameLength, true));
  RETURN_IF_ERROR(CheckText("title", event.title, kMaxEventTitleLength, true));
  RETURN_IF_ERROR(CheckText("description", event.description, kMaxEventDescriptionLength, false));
  RETURN_IF_ERROR(CheckTags(event.tags));
  RETURN_IF_ERROR(CheckSpan(event.local_start, event.local_end));
  ASSIGN_OR_RETURN(Event placed, PlaceInZone(event));
  if (placed.start != event.start || placed.end != event.end) {
    return absl::InvalidArgumentError(
        absl::StrCat("start_time and end_time must be the instants of start ",
                     FormatCivilMinute(event.local_start), " and end ",
                     FormatCivilMinute(event.local_end), " in ", event.time_zone));
  }
  if (event.capacity < 1 || event.capacity > kMaxEventCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        "capacity is ", event.capacity, "; it must be between 1 and ", kMaxEventCapacity));
  }
  if (event.going_count < 0 || event.going_count > kMaxEventCapacity) {
    return absl::InvalidArgumentError(absl::StrCat(
        "going_count is ", event.going_count, "; it must be between 0 and ", kMaxEventCapacity));
  }
  if (event.waitlist_count < 0 || event.waitlist_count > kMaxEventWaitlist) {
    return absl::InvalidArgumentError(absl::StrCat("waitlist_count is ", event.waitlist_count,
                                                   "; it must be between 0 and ",
                                                   kMaxEventWaitlist));
  }
  return absl::OkStatus();
}

absl::StatusOr<Event> NewEvent(const EventDraft& draft, const SiteProfile& host,
                               absl::string_view event_id, absl::Time now) {
  Event event;
  event.event_id = std::string(event_id);
  event.host_site_id = host.site_id;
  event.city = host.city;
  event.title = draft.title;
  event.description = draft.description;
  event.tags = draft.tags;
  event.time_zone = host.time_zone;
  event.local_start = draft.local_start;
  event.local_end = draft.local_end;
  event.capacity = draft.capacity;
  event.state = EventState::kScheduled;
  event.update_time = now;
  ASSIGN_OR_RETURN(Event placed, PlaceInZone(std::move(event)));
  RETURN_IF_ERROR(ValidateEvent(placed));
  RETURN_IF_ERROR(CheckNotPast(placed, now));
  return placed;
}

absl::StatusOr<Event> ApplyEventUpdate(Event event, const EventUpdate& update, absl::Time now) {
  if (event.state == EventState::kCancelled) {
    return absl::FailedPreconditionError(absl::StrCat(
        "event ", event.event_id, " is cancelled and can no longer change; announce a new one"));
  }
  const absl::CivilMinute old_start = event.local_start;
  if (update.title) event.title = *update.title;
  if (update.description) event.description = *update.description;
  if (update.tags) event.tags = *update.tags;
  if (update.local_start) event.local_start = *update.local_start;
  if (update.local_end) event.local_end = *update.local_end;
  if (update.capacity) event.capacity = *update.capacity;
  ASSIGN_OR_RETURN(Event placed, PlaceInZone(std::move(event)));
  RETURN_IF_ERROR(ValidateEvent(placed));
  if (placed.local_start != old_start) {
    RETURN_IF_ERROR(CheckNotPast(placed, now));
  }
  placed.update_time = now;
  return placed;
}

absl::Status ValidateEventFilter(const EventFilter& filter) {
  RETURN_IF_ERROR(CheckText("city", filter.city, kMaxNameLength, false));
  if (!filter.site_id.empty()) {
    RETURN_IF_ERROR(CheckSlug("site_id", filter.site_id));
  }
  if (!filter.tag.empty()) {
    RETURN_IF_ERROR(CheckSlug("tag", filter.tag));
  }
  if (filter.from_day && filter.to_day && *filter.to_day < *filter.from_day) {
    return absl::InvalidArgumentError(absl::StrCat("to_day ", absl::FormatCivilTime(*filter.to_day),
                                                   " is before from_day ",
                                                   absl::FormatCivilTime(*filter.from_day)));
  }
  return absl::OkStatus();
}

bool Matches(const Event& event, const EventFilter& filter) {
  if (!filter.include_cancelled && event.state == EventState::kCancelled) return false;
  if (!filter.city.empty() && !absl::EqualsIgnoreCase(event.city, filter.city)) return false;
  if (!filter.site_id.empty() && event.host_site_id != filter.site_id) return false;
  // The venue day of the start, in the event's own zone: local_start is already civil time
  // there, whatever the zone of the node answering.
  const absl::CivilDay day(event.local_start);
  if (filter.from_day && day < *filter.from_day) return false;
  if (filter.to_day && day > *filter.to_day) return false;
  if (!filter.tag.empty() &&
      std::find(event.tags.begin(), event.tags.end(), filter.tag) == event.tags.end()) {
    return false;
  }
  return true;
}

}  // namespace cantine::domain
