// The iCalendar writer, read back with libical's parser: the VTIMEZONE it writes for a zone
// gives the same instants as Abseil's tzdata on both sides of each DST change.

#include "services/calendar/ical_writer.h"

#include <libical/ical.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace cantine::calendar {
namespace {

struct ComponentFree {
  void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentFree>;

absl::TimeZone Zone(const std::string& name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

CalendarEntry EntryAt(const std::string& uid, const std::string& zone_name,
                      absl::CivilMinute local_start) {
  const absl::TimeZone zone = Zone(zone_name);
  const absl::Time start = absl::FromCivil(local_start, zone);
  return {.uid = uid,
          .summary = "Barcamp, apéro; du futur",
          .description = "",
          .location = "La Cantine, 151 rue Montmartre, Paris",
          .time_zone = zone_name,
          .start = start,
          .end = start + absl::Hours(2),
          .cancelled = false,
          .last_modified = absl::FromUnixSeconds(1'790'000'000)};
}

Component Parse(const std::string& text) {
  Component parsed(icalparser_parse_string(text.c_str()));
  EXPECT_NE(parsed, nullptr);
  return parsed;
}

icalcomponent* EventWithUid(icalcomponent* calendar, absl::string_view uid) {
  for (icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
       event != nullptr;
       event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
    if (icalcomponent_get_uid(event) == uid) return event;
  }
  return nullptr;
}

// The instant a VEVENT's DTSTART names, through the VTIMEZONE the file holds for its TZID
// (not libical's own copy of the zone).
absl::Time StartThroughFileZone(icalcomponent* calendar, icalcomponent* event) {
  icalproperty* dtstart = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
  const char* tzid =
      icalparameter_get_tzid(icalproperty_get_first_parameter(dtstart, ICAL_TZID_PARAMETER));
  icaltimezone* zone = nullptr;
  for (icalcomponent* vtimezone =
           icalcomponent_get_first_component(calendar, ICAL_VTIMEZONE_COMPONENT);
       vtimezone != nullptr;
       vtimezone = icalcomponent_get_next_component(calendar, ICAL_VTIMEZONE_COMPONENT)) {
    icalproperty* id = icalcomponent_get_first_property(vtimezone, ICAL_TZID_PROPERTY);
    if (std::string(icalproperty_get_tzid(id)) == tzid) {
      zone = icaltimezone_new();
      icaltimezone_set_component(zone, icalcomponent_new_clone(vtimezone));
    }
  }
  EXPECT_NE(zone, nullptr) << "no VTIMEZONE for " << tzid;
  if (zone == nullptr) return absl::InfinitePast();
  icaltimetype local = icalproperty_get_dtstart(dtstart);
  local.zone = nullptr;
  const icaltimetype utc = icaltime_convert_to_zone(icaltime_set_timezone(&local, zone),
                                                    icaltimezone_get_utc_timezone());
  icaltimezone_free(zone, /*free_struct=*/1);
  return absl::FromCivil(
      absl::CivilSecond(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second),
      absl::UTCTimeZone());
}

TEST(ICalWriterTest, TimesRoundTripThroughTheZonesItWritesAcrossDstChanges) {
  // Each zone's spring and autumn changes of 2027, with an entry on either side.
  const std::vector<CalendarEntry> entries = {
      EntryAt("paris-before-spring", "Europe/Paris", absl::CivilMinute(2027, 3, 27, 9, 30)),
      EntryAt("paris-after-spring", "Europe/Paris", absl::CivilMinute(2027, 3, 29, 9, 30)),
      EntryAt("paris-after-autumn", "Europe/Paris", absl::CivilMinute(2027, 11, 2, 18, 0)),
      EntryAt("sf-before-spring", "America/Los_Angeles", absl::CivilMinute(2027, 3, 13, 9, 30)),
      EntryAt("sf-after-spring", "America/Los_Angeles", absl::CivilMinute(2027, 3, 15, 9, 30)),
      EntryAt("sf-after-autumn", "America/Los_Angeles", absl::CivilMinute(2027, 11, 8, 18, 0)),
  };
  const absl::StatusOr<std::string> written = WriteCalendar("Programme", entries);
  ASSERT_TRUE(written.ok()) << written.status();
  const Component calendar = Parse(*written);
  ASSERT_NE(calendar, nullptr);
  EXPECT_EQ(icalcomponent_count_components(calendar.get(), ICAL_VTIMEZONE_COMPONENT), 2);
  for (const CalendarEntry& entry : entries) {
    SCOPED_TRACE(entry.uid);
    icalcomponent* event = EventWithUid(calendar.get(), entry.uid);
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(StartThroughFileZone(calendar.get(), event), entry.start);
    EXPECT_EQ(std::string(icalcomponent_get_summary(event)), entry.summary);
    EXPECT_EQ(icalcomponent_get_status(event), ICAL_STATUS_CONFIRMED);
  }
}

TEST(ICalWriterTest, ACancelledEntryIsSentCancelledAndTheSameEntriesGiveTheSameBytes) {
  CalendarEntry entry = EntryAt("ev-1", "Europe/Paris", absl::CivilMinute(2027, 6, 1, 19, 0));
  entry.cancelled = true;
  const absl::StatusOr<std::string> first = WriteCalendar("Programme", {entry});
  const absl::StatusOr<std::string> second = WriteCalendar("Programme", {entry});
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*first, *second);
  EXPECT_TRUE(absl::StrContains(*first, "\r\nSTATUS:CANCELLED\r\n")) << *first;
  const Component calendar = Parse(*first);
  EXPECT_EQ(icalcomponent_get_status(EventWithUid(calendar.get(), "ev-1")), ICAL_STATUS_CANCELLED);
}

TEST(ICalWriterTest, AVenueInUtcHasItsTimesInUtcAndNoVtimezone) {
  const CalendarEntry entry = EntryAt("ev-utc", "UTC", absl::CivilMinute(2027, 6, 1, 19, 0));
  const absl::StatusOr<std::string> written = WriteCalendar("Programme", {entry});
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_TRUE(absl::StrContains(*written, "\r\nDTSTART:20270601T190000Z\r\n")) << *written;
  const Component calendar = Parse(*written);
  EXPECT_EQ(icalcomponent_count_components(calendar.get(), ICAL_VTIMEZONE_COMPONENT), 0);
}

TEST(ICalWriterTest, RefusesAnUnknownZoneAndAnEntryThatDoesNotEndAfterItStarts) {
  CalendarEntry unknown = EntryAt("ev-1", "Europe/Paris", absl::CivilMinute(2027, 6, 1, 19, 0));
  unknown.time_zone = "Mars/Olympus_Mons";
  absl::StatusOr<std::string> written = WriteCalendar("Programme", {unknown});
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(written.status().message(), "Mars/Olympus_Mons"));

  CalendarEntry empty = EntryAt("ev-2", "Europe/Paris", absl::CivilMinute(2027, 6, 1, 19, 0));
  empty.end = empty.start;
  written = WriteCalendar("Programme", {empty});
  EXPECT_EQ(written.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(written.status().message(), "ev-2"));
}

}  // namespace
}  // namespace cantine::calendar
