#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace cantine::calendar {

// One entry of a calendar, a booking or an event: one VEVENT.
struct CalendarEntry {
  // Never changes while the entry lives, so that a calendar app updates the entry it holds
  // rather than adding another ("<booking id>@cantine.network").
  std::string uid;
  std::string summary;
  std::string description;
  std::string location;
  // The venue's IANA zone: start and end are written as its civil times, with its VTIMEZONE.
  std::string time_zone;
  absl::Time start;
  absl::Time end;
  bool cancelled = false;  // STATUS:CANCELLED, else CONFIRMED.
  // When the entry last changed: its DTSTAMP and LAST-MODIFIED.
  absl::Time last_modified;
};

// An iCalendar (RFC 5545) file named `name` (X-WR-CALNAME) holding `entries` in their
// order, with the VTIMEZONE of each zone they use, cut to begin before the earliest entry
// in it; written by libical (escaping, line folding, CRLF). The same entries give the same
// bytes. INVALID_ARGUMENT naming the entry whose zone the system's tzdata lacks, or whose
// end is not after its start.
absl::StatusOr<std::string> WriteCalendar(absl::string_view name,
                                          absl::Span<const CalendarEntry> entries);

}  // namespace cantine::calendar
