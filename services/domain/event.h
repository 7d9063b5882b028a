#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/domain/field_checks.h"
#include "services/domain/site_profile.h"

namespace cantine::domain {

enum class EventState { kScheduled, kCancelled };

// An event announced by its host site, replicated to every site. Its times are civil times
// at the host venue (in `time_zone`) and the instants they name there.
struct Event {
  std::string event_id;  // "<host site>-<16 hex>".
  std::string host_site_id;
  std::string city;  // The host's, so that listings can filter by city at any node.
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  std::string time_zone;  // The host venue's IANA zone.
  absl::CivilMinute local_start;
  absl::CivilMinute local_end;
  absl::Time start;
  absl::Time end;
  int32_t capacity = 0;
  EventState state = EventState::kScheduled;
  absl::Time update_time;
  // Members going and waiting, as the host counts them (domain/rsvp.h). Going may exceed a
  // capacity lowered after they came: no one loses a place.
  int32_t going_count = 0;
  int32_t waitlist_count = 0;

  friend bool operator==(const Event&, const Event&) = default;
};

// What a manager gives to announce an event; times are civil times at the host venue.
struct EventDraft {
  std::string title;
  std::string description;
  std::vector<std::string> tags;
  absl::CivilMinute local_start;
  absl::CivilMinute local_end;
  int32_t capacity = 0;
};

// The fields a manager may change on a scheduled event; unset ones stay.
struct EventUpdate {
  std::optional<std::string> title = std::nullopt;
  std::optional<std::string> description = std::nullopt;
  std::optional<std::vector<std::string>> tags = std::nullopt;  // Replaces them all.
  std::optional<absl::CivilMinute> local_start = std::nullopt;
  std::optional<absl::CivilMinute> local_end = std::nullopt;
  std::optional<int32_t> capacity = std::nullopt;
};

inline constexpr size_t kMaxEventTitleLength = kMaxNameLength;
inline constexpr size_t kMaxEventDescriptionLength = kMaxDescriptionLength;
inline constexpr size_t kMaxEventTags = 10;
inline constexpr int32_t kMaxEventCapacity = 10000;
inline constexpr absl::Duration kMaxEventDuration = absl::Hours(14 * 24);
// The most members one event's waitlist holds.
inline constexpr int32_t kMaxEventWaitlist = 500;

// The instant that the civil time `local` names in `zone`. INVALID_ARGUMENT naming `field`
// when the clocks skip that time (a DST gap); a repeated time takes its first occurrence.
absl::StatusOr<absl::Time> VenueInstant(absl::string_view field, absl::CivilMinute local,
                                        absl::TimeZone zone);

// INVALID_ARGUMENT naming the first bad field: event_id "<host_site_id>-<16 hex>", host and
// city, title (required, at most 200 bytes), description (at most 2000), tags (at most 10
// distinct slugs), a known time zone, start before end and at most 14 days apart, instants
// equal to the civil times in the zone, capacity 1..10000, going_count 0..10000 and
// waitlist_count 0..500. Whether the start is in the past
// is not checked here: a replicated event stays valid after it happened.
absl::Status ValidateEvent(const Event& event);

// A new scheduled event at `host` with id `event_id`, validated; FAILED_PRECONDITION when
// it starts before `now`.
absl::StatusOr<Event> NewEvent(const EventDraft& draft, const SiteProfile& host,
                               absl::string_view event_id, absl::Time now);

// `event` with `update` applied, validated, its update_time set to `now`. FAILED_PRECONDITION
// for a cancelled event, or when a start that moves would be before `now`.
absl::StatusOr<Event> ApplyEventUpdate(Event event, const EventUpdate& update, absl::Time now);

// What a listing asks for; each field is optional and together they narrow.
struct EventFilter {
  std::string city = {};     // Case-insensitive; empty: any.
  std::string site_id = {};  // The host; empty: any.
  // Days in each event's own venue time zone, inclusive: an event matches when the venue
  // day of its start is within them.
  std::optional<absl::CivilDay> from_day = std::nullopt;
  std::optional<absl::CivilDay> to_day = std::nullopt;
  std::string tag = {};  // Empty: any.
  bool include_cancelled = false;
};

// INVALID_ARGUMENT naming the bad field: city too long, site_id or tag not a slug,
// to_day before from_day.
absl::Status ValidateEventFilter(const EventFilter& filter);

bool Matches(const Event& event, const EventFilter& filter);

}  // namespace cantine::domain
