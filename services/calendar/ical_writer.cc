#include "services/calendar/ical_writer.h"

#include <libical/ical.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "absl/base/attributes.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "services/domain/site_profile.h"

namespace cantine::calendar {
namespace {

constexpr char kProductId[] = "-//Cantine Network//Cantine Calendar 1.0//EN";

struct ComponentFree {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

// libical loads its zones from the system's tzdata into one process-wide table on first
// use; its lookups are serialized here rather than relied on to be.
ABSL_CONST_INIT absl::Mutex zone_table_mutex(absl::kConstInit);

// `time` as a civil time of `zone`, with no zone attached: the TZID parameter names it.
icaltimetype CivilIn(absl::Time time, absl::TimeZone zone) {
  const absl::CivilSecond civil = absl::ToCivilSecond(time, zone);
  icaltimetype written = icaltime_null_time();
  written.year = static_cast<int>(civil.year());
  written.month = civil.month();
  written.day = civil.day();
  written.hour = civil.hour();
  written.minute = civil.minute();
  written.second = civil.second();
  return written;
}

icaltimetype InUtc(absl::Time time) {
  icaltimetype written = CivilIn(time, absl::UTCTimeZone());
  written.zone = icaltimezone_get_utc_timezone();
  return written;
}

// `zone`'s VTIMEZONE, named by its IANA name (libical prefixes its own), from its rule in
// force at `from` on; null for UTC, which needs none (times are written with a Z).
Component ZoneComponent(icaltimezone* zone, absl::string_view iana_name, absl::Time from) {
  icalcomponent* rules = icaltimezone_get_component(zone);
  if (rules == nullptr) return nullptr;
  Component vtimezone(icalcomponent_new_clone(rules));
  icalproperty* tzid = icalcomponent_get_first_property(vtimezone.get(), ICAL_TZID_PROPERTY);
  icalproperty_set_tzid(tzid, std::string(iana_name).c_str());
  icaltimezone_truncate_vtimezone(vtimezone.get(), InUtc(from), icaltime_null_time(),
                                  /*ms_compatible=*/0);
  return vtimezone;
}

// A civil time of the entry's zone, named by TZID.
icalproperty* ZonedTime(icalproperty* property, absl::string_view iana_name) {
  icalproperty_add_parameter(property, icalparameter_new_tzid(std::string(iana_name).c_str()));
  return property;
}

}  // namespace

absl::StatusOr<std::string> WriteCalendar(absl::string_view name,
                                          absl::Span<const CalendarEntry> entries) {
  Component calendar(icalcomponent_vanew(
      ICAL_VCALENDAR_COMPONENT, icalproperty_new_version("2.0"),
      icalproperty_new_prodid(kProductId), icalproperty_new_calscale("GREGORIAN"),
      icalproperty_new_x(std::string(name).c_str()), static_cast<void*>(nullptr)));
  icalproperty_set_x_name(icalcomponent_get_first_property(calendar.get(), ICAL_X_PROPERTY),
                          "X-WR-CALNAME");

  absl::MutexLock lock(&zone_table_mutex);
  // Each zone once, from its earliest entry.
  struct Zone {
    icaltimezone* vtimezone = nullptr;  // libical's, from the system's tzdata.
    absl::TimeZone civil;               // Abseil's, from the same tzdata.
    absl::Time from;
    bool utc = false;  // UTC itself: no VTIMEZONE, times in UTC.
  };
  std::map<std::string, Zone> zones;
  for (const CalendarEntry& entry : entries) {
    if (entry.end <= entry.start) {
      return absl::InvalidArgumentError(
          absl::StrCat("calendar entry ", entry.uid, " does not end after it starts"));
    }
    auto [it, inserted] = zones.try_emplace(
        entry.time_zone,
        Zone{.vtimezone = nullptr, .civil = {}, .from = entry.start, .utc = false});
    Zone& zone = it->second;
    if (inserted) {
      zone.vtimezone = icaltimezone_get_builtin_timezone(entry.time_zone.c_str());
      absl::StatusOr<absl::TimeZone> civil =
          domain::LoadVenueTimeZone("calendar entry time_zone", entry.time_zone);
      if (zone.vtimezone == nullptr || !civil.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("calendar entry ", entry.uid,
                                                       ": time zone '", entry.time_zone,
                                                       "' is not in the system's tzdata"));
      }
      zone.civil = *civil;
    }
    zone.from = std::min(zone.from, entry.start);
  }
  for (auto& [iana_name, zone] : zones) {
    Component vtimezone = ZoneComponent(zone.vtimezone, iana_name, zone.from);
    zone.utc = vtimezone == nullptr;
    if (!zone.utc) icalcomponent_add_component(calendar.get(), vtimezone.release());
  }

  for (const CalendarEntry& entry : entries) {
    const Zone& zone = zones.at(entry.time_zone);
    const auto time = [&](icalproperty* (*make)(icaltimetype), absl::Time at) {
      return zone.utc ? make(InUtc(at)) : ZonedTime(make(CivilIn(at, zone.civil)), entry.time_zone);
    };
    icalcomponent* event = icalcomponent_vanew(
        ICAL_VEVENT_COMPONENT, icalproperty_new_uid(entry.uid.c_str()),
        icalproperty_new_dtstamp(InUtc(entry.last_modified)),
        icalproperty_new_lastmodified(InUtc(entry.last_modified)),
        time(&icalproperty_new_dtstart, entry.start), time(&icalproperty_new_dtend, entry.end),
        icalproperty_new_summary(entry.summary.c_str()),
        icalproperty_new_status(entry.cancelled ? ICAL_STATUS_CANCELLED : ICAL_STATUS_CONFIRMED),
        static_cast<void*>(nullptr));
    if (!entry.description.empty()) {
      icalcomponent_add_property(event, icalproperty_new_description(entry.description.c_str()));
    }
    if (!entry.location.empty()) {
      icalcomponent_add_property(event, icalproperty_new_location(entry.location.c_str()));
    }
    icalcomponent_add_component(calendar.get(), event);
  }

  char* text = icalcomponent_as_ical_string_r(calendar.get());
  std::string written(text);
  icalmemory_free_buffer(text);
  return written;
}

}  // namespace cantine::calendar
